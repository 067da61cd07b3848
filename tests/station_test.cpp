// The one path a ballot takes into the count (station/): the same two-sided deck through
// `ingest`, through `scan` with the simulated scanner and through folder import gives the same
// database; a ballot counts once, when both of its sides are in; the committed deck reads as it
// always has; and every reason and outcome reads the same on the results screen, in the counting
// record and on the command line, in both languages.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/words.hpp"
#include "config/layout.hpp"
#include "station/pipeline.hpp"
#include "station/reading.hpp"
#include "scanner/scanner.hpp"
#include "station/scan_batch.hpp"
#include "common/digest.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "ui/results_view.hpp"

namespace kp::station {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> images_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg" || e.path().extension() == ".png") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string args_of(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += " " + test::quote_arg(f);
  return out;
}

std::string init(const fs::path& db, const std::string& toml) {
  const auto r = test::run_cli("init " + test::quote_arg(db.string()) + " " + test::quote_arg(toml));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  test::register_committee(db.string(), {"Nguyễn Văn An"});
  const auto issued = test::run_cli_with_input("issued " + test::quote_arg(db.string()) + " bch 40 --by 'Nguyễn Văn An'", test::pins(1));
  EXPECT_EQ(issued.exit_code, 0) << issued.err;
  return db.string();
}

// What a database holds, apart from where each image came from and the station's own key.
struct Contents {
  std::vector<std::string> sheets;  // one line per stored side
  std::string results;
  std::map<std::string, std::string> cvr;  // file → record without the station's id
};

Contents contents_of(const std::string& db_path, const fs::path& export_dir) {
  Contents c;
  auto db = tally::CongressDb::open(db_path);
  EXPECT_TRUE(db.has_value());
  if (!db) return c;
  const auto rows = db->sheets();
  for (const auto& s : *rows) {
    nlohmann::json marks = nlohmann::json::object();
    for (const auto& [id, state] : s.marks) marks[id] = std::string(to_string(state));
    c.sheets.push_back(std::to_string(s.id) + " " + fs::path(s.image_name).filename().string() + " " + s.image_sha256 + " " + s.contest_id + " " +
                       s.side + " " + std::to_string(s.serial) + " r" + std::to_string(s.round) + " " + std::string(to_string(s.status)) + " " +
                       nlohmann::json(tally::reason_codes(s.wait_reasons)).dump() + " " + marks.dump());
  }
  const auto results = test::run_cli("results --json " + test::quote_arg(db_path));
  EXPECT_EQ(results.exit_code, 0) << results.err;
  auto parsed = nlohmann::json::parse(results.out);
  parsed.erase("log_head");  // the head's hash is each station's own (its key signs every entry)
  c.results = parsed.dump();
  EXPECT_TRUE(db->export_cvr(export_dir.string()).has_value());
  for (const auto& e : fs::directory_iterator(export_dir / "cvr")) {
    auto j = nlohmann::json::parse(test::read_file(e.path()));
    j.erase("ReportGeneratingDeviceIds");
    c.cvr[e.path().filename().string()] = j.dump();
  }
  EXPECT_TRUE(db->verify().empty());
  return c;
}

// A congress opened as the station opens it, with its one pipeline (held by pointer: the
// pipeline refers to the database and the recogniser beside it).
struct OpenStation {
  OpenStation(tally::CongressDb opened, recognition::Recognizer made) : db(std::move(opened)), recognizer(std::move(made)) {}
  tally::CongressDb db;
  recognition::Recognizer recognizer;
  SheetPipeline pipeline{db, recognizer};
};

std::unique_ptr<OpenStation> open_station(const std::string& db_path) {
  auto db = tally::CongressDb::open(db_path);
  if (!db) return nullptr;
  auto recognizer = recognizer_for(*db);
  if (!recognizer) return nullptr;
  return std::make_unique<OpenStation>(std::move(*db), std::move(*recognizer));
}

// One batch of the whole deck from the simulated scanner at `images_per_minute`.
Result<BatchEndEvent> scan_deck(OpenStation& station, const fs::path& deck, double images_per_minute,
                                const std::function<void(const BatchEvent&)>& sink) {
  scanner::SourceOptions options;
  options.simulated.images_per_minute = images_per_minute;
  auto session = scanner::open_source("sim:" + deck.string(), options);
  if (!session) return tl::unexpected(session.error());
  return run_batch(station.pipeline, **session, {"sim:" + deck.string(), "Nguyễn Văn An"}, sink);
}

class TwoSidedDeck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::ScratchDir>();
    const auto r = test::run_cli("synth " + test::quote_arg(toml()) + " --out " + test::quote_arg((dir_->path() / "deck").string()) +
                                 " --sheets 10 --seed 12");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string toml() { return test::source_path("tests/data/two-sided-congress.toml"); }
  static fs::path deck() { return dir_->path() / "deck"; }
  static std::unique_ptr<test::ScratchDir> dir_;
};
std::unique_ptr<test::ScratchDir> TwoSidedDeck::dir_;

TEST_F(TwoSidedDeck, IngestScanAndFolderImportGiveTheSameDatabase) {
  test::ScratchDir work;
  const auto files = images_in(deck());
  ASSERT_EQ(files.size(), 20u);  // ten ballots, both sides

  const std::string by_files = init(work.path() / "files.db", toml());
  const auto ingested = test::run_cli("ingest " + test::quote_arg(by_files) + args_of(files));
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;

  const std::string by_scanner = init(work.path() / "scan.db", toml());
  const auto scanned = test::run_cli("scan " + test::quote_arg(by_scanner) + " --source " + test::quote_arg("sim:" + deck().string()) + " --speed 100000");
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;

  const fs::path inbox = work.path() / "inbox";
  fs::create_directories(inbox);
  for (const auto& f : files) fs::copy_file(f, inbox / fs::path(f).filename());
  const std::string by_folder = init(work.path() / "folder.db", toml());
  const auto imported = test::run_cli("scan " + test::quote_arg(by_folder) + " --source " + test::quote_arg("folder:" + inbox.string()) + " --idle-end 1");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  const Contents a = contents_of(by_files, work.path() / "export-files");
  const Contents b = contents_of(by_scanner, work.path() / "export-scan");
  const Contents c = contents_of(by_folder, work.path() / "export-folder");
  ASSERT_EQ(a.sheets.size(), 20u);
  EXPECT_EQ(a.sheets, b.sheets);
  EXPECT_EQ(a.sheets, c.sheets);
  EXPECT_EQ(a.results, b.results);
  EXPECT_EQ(a.results, c.results);
  ASSERT_FALSE(a.cvr.empty());
  EXPECT_EQ(a.cvr, b.cvr);
  EXPECT_EQ(a.cvr, c.cvr);
  // Ten ballots, not twenty: each counts once with both of its sides.
  auto db = tally::CongressDb::open(by_scanner);
  const auto summary = db->count();
  EXPECT_EQ(summary->counted + summary->waiting, 10);
  EXPECT_EQ(summary->sides.counted + summary->sides.waiting, 20);
  EXPECT_EQ(summary->results[0].collected, summary->counted);
  // The scan's summary says ballots too.
  EXPECT_THAT(scanned.err, HasSubstr("Tờ phiếu đã quét 10, đã đếm " + std::to_string(summary->counted)));
  EXPECT_THAT(scanned.out, HasSubstr("\"ballots\":{\"counted\":" + std::to_string(summary->counted)));
}

TEST_F(TwoSidedDeck, ABallotWaitsForItsOtherSideAndCountsOnceItArrives) {
  test::ScratchDir work;
  const std::string db_path = init(work.path() / "dh.db", toml());
  const auto files = images_in(deck());
  // Every front first, as a stack fed one side at a time would arrive.
  std::vector<std::string> fronts, backs;
  for (const auto& f : files) (f.find("-front.") != std::string::npos ? fronts : backs).push_back(f);
  ASSERT_EQ(test::run_cli("ingest " + test::quote_arg(db_path) + args_of(fronts)).exit_code, 0);
  {
    auto db = tally::CongressDb::open(db_path);
    const auto summary = db->count();
    EXPECT_EQ(summary->counted, 0);
    EXPECT_EQ(summary->waiting, 10);
    EXPECT_FALSE(summary->final);
    EXPECT_EQ(summary->results[0].collected, 0);
    const auto rows = db->sheets();
    for (const auto& b : summary->ballots) {
      if (b.status != tally::SheetStatus::waiting || !b.reasons.empty()) continue;
      // No reason of its own: then a side of it waits, with its reasons.
      const bool side_waits = std::any_of(rows->begin(), rows->end(), [&](const auto& s) {
        return std::find(b.sheet_ids.begin(), b.sheet_ids.end(), s.id) != b.sheet_ids.end() && s.status == tally::SheetStatus::waiting &&
               !s.wait_reasons.empty();
      });
      EXPECT_TRUE(side_waits) << "ballot " << b.serial << " waits without saying why";
    }
    const auto waiting = test::run_cli("waiting " + test::quote_arg(db_path));
    EXPECT_THAT(waiting.out, HasSubstr("chưa có mặt kia của tờ phiếu (mặt sau)"));
  }
  ASSERT_EQ(test::run_cli("ingest " + test::quote_arg(db_path) + args_of(backs)).exit_code, 0);
  auto db = tally::CongressDb::open(db_path);
  const auto summary = db->count();
  EXPECT_EQ(summary->counted + summary->waiting, 10);
  EXPECT_EQ(summary->results[0].collected, summary->counted);
  EXPECT_GT(summary->counted, 0);
  for (const auto& b : summary->ballots) {
    for (const auto& r : b.reasons) EXPECT_NE(r.kind, tally::WaitKind::missing_side);
  }
}

// What is stored is the image recognition read, not the file read again later: a file replaced
// between its recognition and its storing does not change what the count kept.
TEST_F(TwoSidedDeck, TheImageStoredIsTheImageRecognised) {
  test::ScratchDir work;
  const std::string db_path = init(work.path() / "dh.db", toml());
  auto db = tally::CongressDb::open(db_path);
  ASSERT_TRUE(db.has_value());
  auto recognizer = recognizer_for(*db);
  ASSERT_TRUE(recognizer.has_value());
  const auto files = images_in(deck());
  const fs::path front = work.path() / "0001-front.jpg";
  fs::copy_file(files[1], front);  // sorted: 0001-back, 0001-front, …
  const std::string recognised_bytes = test::read_file(front);
  Paper paper{{"0001-front.jpg", front.string()}, std::nullopt};
  std::vector<SideEvidence> evidence;
  recognise_in_order(*recognizer, {front.string()}, 1, [&](std::size_t, ReadSide& side) {
    evidence.push_back(side.evidence);
    paper.first.bytes = side.bytes;
  });
  ASSERT_TRUE(paper.first.bytes);
  EXPECT_EQ(std::string(paper.first.bytes->begin(), paper.first.bytes->end()), recognised_bytes);
  test::write_file(front, test::read_file(files[3]));  // another ballot's side now under that name
  SheetPipeline pipeline(*db, *recognizer);
  const auto stored = pipeline.store(paper, evidence, std::nullopt);
  ASSERT_TRUE(stored.has_value()) << stored.error().message.en;
  ASSERT_EQ(stored->sides.size(), 1u);
  const auto& row = stored->sides[0].outcome.sheet;
  EXPECT_EQ(row.image_sha256, sha256_hex(recognised_bytes));
  EXPECT_EQ(test::read_file(fs::path(db->images_dir()) / row.stored_file), recognised_bytes);
}

// The image folder gone in the middle of a batch (a disk unplugged, a folder deleted): the paper
// that could not be kept is said, the feeder stops so no paper passes uncounted, every paper
// stored before stays whole, and a rescan of the stack counts the rest with nothing twice.
TEST_F(TwoSidedDeck, AScanWhoseImageFolderVanishesStopsTheFeederAndLosesNothing) {
  test::ScratchDir work;
  const std::string db_path = init(work.path() / "dh.db", toml());
  const auto station = open_station(db_path);
  ASSERT_TRUE(station);
  auto& db = station->db;
  const fs::path images = db.images_dir();
  const fs::path moved = work.path() / "images-moved";
  std::vector<BatchEvent> events;
  // Ten papers in 2 s: the feeder is stopped long before the stack runs out.
  const auto ended = scan_deck(*station, deck(), 600, [&](const BatchEvent& e) {
    events.push_back(e);
    if (std::holds_alternative<PaperEvent>(e) && std::get<PaperEvent>(e).sheet == 2) {
      fs::rename(images, moved);
      test::write_file(images, "not a folder");
    }
  });
  ASSERT_TRUE(ended.has_value());
  EXPECT_FALSE(batch_clean(*ended));
  EXPECT_EQ(ended->end, "cancelled");
  std::vector<Error> problems;
  for (const auto& e : events) {
    if (const auto* p = std::get_if<ProblemEvent>(&e)) problems.push_back(p->error);
  }
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(ended->totals.problems, static_cast<std::int64_t>(problems.size()));
  EXPECT_EQ(problems[0].code, "storage_gone");
  EXPECT_EQ(problems[0].where, images.string());
  // The batch's log says so, naming the paper that met the missing folder (the database itself
  // is intact). Which paper that is depends on how far the store had run ahead of the feeder
  // when the folder went: at least the third, since the first two were reported stored.
  const std::string log = test::query_sql(db_path, "SELECT payload FROM audit WHERE type = 'scanner_fault'");
  EXPECT_THAT(log, HasSubstr("\"kind\":\"storage_failed\""));
  const auto at = log.find("\"sheet_in_batch\":");
  ASSERT_NE(at, std::string::npos);
  const int first_lost = std::stoi(log.substr(at + 17));
  EXPECT_GE(first_lost, 3);
  // Any paper the scanner had already fed is named, in order, to be scanned again.
  EXPECT_LT(problems.size(), 8u);
  for (std::size_t i = 1; i < problems.size(); ++i) {
    EXPECT_EQ(problems[i].code, "not_stored");
    EXPECT_EQ(problems[i].where, std::to_string(first_lost + static_cast<int>(i)));
    EXPECT_THAT(problems[i].message.vi, HasSubstr("quét lại tờ này"));
  }
  // The papers before it stored and counted, whole (two sides each); the one that met the
  // missing folder, and every one after it, not stored.
  const auto papers = std::count_if(events.begin(), events.end(), [](const BatchEvent& e) { return std::holds_alternative<PaperEvent>(e); });
  EXPECT_EQ(papers, first_lost - 1);
  const auto rows = db.sheets();
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->size(), static_cast<std::size_t>(2 * (first_lost - 1)));
  // The folder back: the log verifies, and a rescan of the whole stack stores the other eight.
  fs::remove(images);
  fs::rename(moved, images);
  EXPECT_TRUE(db.verify().empty());
  const auto rescanned = scan_deck(*station, deck(), 600, [](const BatchEvent&) {});
  ASSERT_TRUE(rescanned.has_value());
  EXPECT_TRUE(batch_clean(*rescanned));
  EXPECT_EQ(rescanned->totals.papers_already_stored, first_lost - 1);
  EXPECT_EQ(db.sheets()->size(), 20u);
  const auto summary = db.count();
  EXPECT_EQ(summary->counted + summary->waiting, 10);
  EXPECT_TRUE(db.verify().empty());
}

// The database file deleted while a batch runs (SQLite would go on writing into the deleted
// file and lose it all on closing): the next paper is refused with that said, the feeder stops,
// and `kiemphieu scan` ends with a failure, not "done".
TEST_F(TwoSidedDeck, AScanWhoseDatabaseIsDeletedStopsAndSaysSo) {
  test::ScratchDir work;
  const std::string db_path = init(work.path() / "dh.db", toml());
  const auto station = open_station(db_path);
  ASSERT_TRUE(station);
  std::vector<Error> problems;
  int papers = 0;
  const auto ended = scan_deck(*station, deck(), 600, [&](const BatchEvent& e) {
    if (const auto* p = std::get_if<ProblemEvent>(&e)) problems.push_back(p->error);
    if (std::holds_alternative<PaperEvent>(e) && ++papers == 1) fs::remove(db_path);
  });
  ASSERT_TRUE(ended.has_value());
  EXPECT_FALSE(batch_clean(*ended));
  EXPECT_EQ(ended->end, "cancelled");
  EXPECT_EQ(papers, 1);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].code, "storage_gone");
  EXPECT_EQ(problems[0].where, db_path);
  EXPECT_THAT(problems[0].message.vi, HasSubstr("đã bị xoá hoặc thay thế"));
  // Neither the fault nor the end of the batch was written into the deleted file as if stored.
  EXPECT_EQ(std::count_if(problems.begin(), problems.end(), [](const Error& e) { return e.code == "storage_gone"; }),
            static_cast<std::ptrdiff_t>(problems.size()) - std::count_if(problems.begin(), problems.end(), [](const Error& e) { return e.code == "not_stored"; }));
}

TEST(CommittedDeck, ReadsByteForByteAsRecorded) {
  // The recognition line of every committed scan, recorded in tests/data before the station
  // layer took the paths into the count over: `recognize` and what `ingest` stores both give it.
  std::vector<std::string> files;
  for (const auto& f : images_in(test::source_path("sample_ballots/deck"))) files.push_back(f);
  const auto recognised = test::run_cli("recognize " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml")) + args_of(files));
  ASSERT_EQ(recognised.exit_code, 0) << recognised.err;
  std::string relative = recognised.out;
  const std::string prefix = test::source_path("");
  for (auto at = relative.find(prefix); at != std::string::npos; at = relative.find(prefix, at)) relative.erase(at, prefix.size());
  EXPECT_EQ(relative, test::read_file(test::source_path("tests/data/committed-deck-recognition.jsonl")));
  // What ingest stores is the same line, byte for byte.
  test::ScratchDir work;
  const std::string db_path = (work.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db_path) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  ASSERT_EQ(test::run_cli("ingest " + test::quote_arg(db_path) + args_of(files)).exit_code, 0);
  auto db = tally::CongressDb::open(db_path);
  std::string stored;
  const auto rows = db->sheets();
  for (const auto& s : *rows) stored += s.recognition + "\n";
  for (auto at = stored.find(prefix); at != std::string::npos; at = stored.find(prefix, at)) stored.erase(at, prefix.size());
  EXPECT_EQ(stored, relative);
}

// A small congress in which every invalid reason and both further-round outcomes occur.
constexpr const char* kEveryOutcome = R"([election]
id       = "dh-moi-ket-qua"
congress = "Đại hội thử mọi kết quả"
kind     = "delegates"
date     = "2025-09-02"
rules    = "party-190"

[electorate]
convened = 6

[[contest]]
id     = "bch"
title  = "Bầu thử bốn người hai suất"
seats  = 2
ballot = "strike"
paper  = "A4"
candidates = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]

[[contest]]
id     = "bt"
title  = "Bầu thử một người"
seats  = 1
ballot = "box"
paper  = "A5"
candidates = ["Vũ Thị Ân"]
)";

TEST(OneWording, EveryReasonAndOutcomeReadsTheSameOnScreenInTheRecordAndOnTheCommandLine) {
  test::ScratchDir work;
  const fs::path toml = work.path() / "every-outcome.toml";
  test::write_file(toml, kEveryOutcome);
  const std::string db_path = (work.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db_path) + " " + test::quote_arg(toml.string())).exit_code, 0);
  {
    auto db = tally::CongressDb::open(db_path);
    ASSERT_TRUE(db.has_value());
    test::register_committee(*db, {"Nguyễn Văn An", "Trần Thị Bình"});
    const auto rounds = *db->rounds();
    int serial = 100;
    const auto store = [&](const std::string& contest, std::map<std::string, MarkState> marks, std::set<SheetFlag> flags) {
      tally::SheetInput in;
      const fs::path image = work.path() / ("side-" + std::to_string(serial) + ".png");
      test::write_file(image, "image of ballot " + std::to_string(serial));
      in.image_name = in.image_path = image.string();
      in.recognised = true;
      in.contest_id = contest;
      in.serial = static_cast<std::uint32_t>(serial++);
      for (const auto& r : rounds) {
        if (r.contest_id == contest) in.layout_hash = r.layout_hash;
      }
      in.marks = marks;
      in.findings = flags;
      in.recognition = test::recognition_line(in.serial, marks, flags);
      const auto stored = db->ingest(in);
      ASSERT_TRUE(stored.has_value());
      if (!flags.empty()) {
        // The committee confirms the finding: the ballot is counted as invalid for it.
        ASSERT_TRUE(db->adjudicate(stored->sheet.id, marks, flags, "xác nhận", "Nguyễn Văn An", "Trần Thị Bình").has_value());
      }
    };
    const auto strike = [](const std::string& kept) {
      std::map<std::string, MarkState> m;
      for (const char* id : {"c01", "c02", "c03", "c04"}) m[id] = kept.find(id) != std::string::npos ? MarkState::kept : MarkState::struck;
      return m;
    };
    // Three names tie at four votes each for two seats (D = 6, four votes needed).
    for (const char* kept : {"c01 c02", "c01 c03", "c02 c03", "c01 c02", "c01 c03", "c02 c03"}) store("bch", strike(kept), {});
    store("bch", strike("c01 c02 c03"), {});                      // over_vote
    store("bch", strike(""), {});                                 // all_struck
    store("bch", strike("c01"), {SheetFlag::no_stamp});           // not_issued
    store("bch", strike("c01"), {SheetFlag::write_in});           // write_in
    store("bch", strike("c01"), {SheetFlag::identifying_mark});   // identifying_mark
    store("bt", {{"c01", MarkState::agree}}, {});                 // one vote of four needed: the seat stays unfilled
    store("bt", {{"c01", MarkState::both}}, {});                  // single_both_or_none
  }
  auto db = tally::CongressDb::open(db_path);
  {
    // Before ballots issued are entered, every screen says that is what keeps the count provisional.
    const auto provisional = db->count();
    const std::string said = words::say(words::Kind::provisional, "issued_missing", Lang::vi);
    EXPECT_THAT(ui::build_results_view(db->election(), *provisional, Lang::vi).contests[0].outcome, HasSubstr(said));
    EXPECT_THAT(test::run_cli("results " + test::quote_arg(db_path)).out, HasSubstr("TẠM THỜI: " + said));
  }
  ASSERT_TRUE(db->set_issued("bch", 11, "Nguyễn Văn An").has_value());
  ASSERT_TRUE(db->set_issued("bt", 6, "Nguyễn Văn An").has_value());
  const auto summary = db->count();
  ASSERT_TRUE(summary.has_value());
  ASSERT_TRUE(summary->final);
  ASSERT_EQ(summary->results[0].next, tally::NextStep::tie_round);
  ASSERT_EQ(summary->results[1].next, tally::NextStep::further_round);
  ASSERT_EQ(summary->results[0].invalid_by_reason.size() + summary->results[1].invalid_by_reason.size(), 6u);
  for (const auto lang : {Lang::vi, Lang::en}) {
    const std::string code = lang == Lang::en ? "en" : "vi";
    const auto view = ui::build_results_view(db->election(), *summary, lang);
    const auto cli = test::run_cli("--lang " + code + " results " + test::quote_arg(db_path));
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const fs::path record_dir = work.path() / ("record-" + code);
    ASSERT_EQ(test::run_cli("--lang " + code + " report " + test::quote_arg(db_path) + " --out " + test::quote_arg(record_dir.string())).exit_code, 0);
    for (std::size_t i = 0; i < summary->results.size(); ++i) {
      const auto& r = summary->results[i];
      const auto pdf = test::run_command("pdftotext " + test::quote_arg((record_dir / (r.contest_id + "-bien-ban.pdf")).string()) + " -");
      ASSERT_EQ(pdf.exit_code, 0);
      // The record's lines are wrapped by the page; words are compared across line breaks.
      const std::string record = std::regex_replace(pdf.out, std::regex("\\s+"), " ");
      const std::string screen = view.contests[i].figures + " " + view.contests[i].outcome;
      std::vector<std::string> expected;
      for (const auto& [reason, n] : r.invalid_by_reason) expected.push_back(words::say(words::Kind::invalid_reason, tally::to_string(reason), lang));
      expected.push_back(words::say(words::Kind::next_step, tally::to_string(r.next), lang));
      for (const auto& said : expected) {
        EXPECT_THAT(screen, HasSubstr(said)) << code;
        EXPECT_THAT(cli.out, HasSubstr(said)) << code;
        EXPECT_THAT(record, HasSubstr(said)) << code;
      }
      EXPECT_THAT(cli.out, Not(HasSubstr("over_vote")));
      EXPECT_THAT(record, Not(HasSubstr("over_vote")));
      EXPECT_THAT(record, Not(HasSubstr("single_both_or_none")));
    }
  }
}

TEST(BatchEvents, EveryEventReadsBackFromItsLine) {
  const std::vector<BatchEvent> events{
      SideEvent{3, "back", "0003-back.jpg", 12, false, 2, tally::SheetStatus::waiting, {{tally::WaitKind::unclear, "c07"}}},
      PaperEvent{3, PaperState::waiting, true, 41.5},
      FaultEvent{"paper_jam", 4, false, {"Giấy kẹt", "Paper jam"}, "sensor"},
      StatusEvent{"cover_open", {"Nắp máy quét đang mở", "Cover open"}},
      ProblemEvent{Error{"write_failed", {"Không ghi được", "Cannot write"}, "/x"}},
      BatchEndEvent{7, "fault", BatchTotals{4, 2, 1, 0, 1, 5, 2, 0, 1, 1, 1, 1, 41.5}},
  };
  for (const auto& e : events) {
    const std::string line = batch_event_json(e, Lang::en);
    const auto back = parse_batch_event(line);
    ASSERT_TRUE(back.has_value()) << line;
    EXPECT_EQ(back->index(), e.index());
    EXPECT_EQ(batch_event_json(*back, Lang::en), line);
  }
  BatchTotals t;
  for (const auto& e : events) accumulate(t, e);
  EXPECT_EQ(t.papers, 1);
  EXPECT_EQ(t.ballots_waiting, 1);
  EXPECT_EQ(t.blank_backs, 1);
  EXPECT_EQ(t.sides_waiting, 1);
  EXPECT_EQ(t.faults, 1);
  EXPECT_EQ(t.problems, 1);
  EXPECT_FALSE(parse_batch_event("{\"sheet_id\": \"seven\"}").has_value());
  EXPECT_FALSE(parse_batch_event("[1,2]").has_value());
}

}  // namespace
}  // namespace kp::station
