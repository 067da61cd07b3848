// The congress database: idempotent ingestion, duplicates and photocopies, the committee's
// rulings, every kind of tampering found by its position, a process killed at random moments
// while ingesting, and replay of recognition.
#include <signal.h>
#include <sys/wait.h>

#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sqlite3.h>

#include "tally/congress_db.hpp"
#include "test_support.hpp"


namespace kp::tally {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> deck_images(std::size_t count) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(test::source_path("sample_ballots/deck"))) {
    if (entry.path().extension() != ".jsonl") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.size() > count) out.resize(count);
  return out;
}

// The deck's sheets by number, in the order given ("0005-front.jpg" is sheet 5).
std::vector<std::string> deck_sheets(std::initializer_list<int> numbers) {
  const auto all = deck_images(40);
  std::vector<std::string> out;
  for (const int n : numbers) out.push_back(all.at(static_cast<std::size_t>(n - 1)));
  return out;
}

std::string args_of(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += " " + test::quote_arg(f);
  return out;
}

struct Congress {
  test::ScratchDir dir;
  std::string db = (dir.path() / "dh.db").string();
  Congress() {
    const auto r = test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  // The names these tests give for the committee's decisions, registered as members: `audit
  // verify` requires every entry that names someone to name a registered committee member.
  void register_deciders() const { test::register_committee(db, {"A", "B", "Lê Văn A", "Trần Thị B", "Thư ký"}); }
  test::CommandResult ingest(const std::vector<std::string>& files) const {
    return test::run_cli("ingest " + test::quote_arg(db) + args_of(files));
  }
  void sql(const std::string& statement) const { EXPECT_EQ(test::exec_sql(db, statement), ""); }
  std::vector<AuditProblem> verify() const {
    auto opened = CongressDb::open(db);
    EXPECT_TRUE(opened.has_value());
    return opened ? opened->verify() : std::vector<AuditProblem>{};
  }
};

std::string problems_text(const std::vector<AuditProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += std::to_string(p.position) + ": " + p.what + "\n";
  return out;
}

TEST(CongressDb, IngestionIsIdempotentAndPhotocopiesWait) {
  const Congress c;
  c.register_deciders();
  const auto files = deck_images(6);
  const auto first = c.ingest(files);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto again = c.ingest(files);
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(std::count(again.out.begin(), again.out.end(), '\n'), 6);
  EXPECT_THAT(again.out, ::testing::Not(HasSubstr("\"duplicate\":false")));
  // The same ballot scanned again into another file: another image, the same serial (sheet 5, a
  // colour scan counted as read: a gray one would wait for its stamp anyway).
  const cv::Mat copy = cv::imread(files[4]);
  const std::string photocopy = (c.dir.path() / "copy.png").string();
  cv::imwrite(photocopy, copy);
  const auto copied = c.ingest({photocopy});
  EXPECT_THAT(copied.out, HasSubstr("duplicate_serial:5"));
  EXPECT_THAT(copied.out, HasSubstr("\"status\":\"waiting\""));
  auto db = CongressDb::open(c.db);
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(db->sheets()->size(), 7u);
  EXPECT_TRUE(db->verify().empty()) << problems_text(db->verify());
  // Let the copy through by mistake: neither sheet of that serial counts, and nothing is final.
  const auto sheets = *db->sheets();
  const auto& copy_sheet = sheets.back();
  std::map<std::string, MarkState> marks;
  for (const auto& cand : db->election().find_contest(copy_sheet.contest_id)->candidates) {
    marks[cand.id] = db->election().find_contest(copy_sheet.contest_id)->ballot == BallotForm::strike ? MarkState::kept : MarkState::agree;
  }
  const auto before = db->count();
  ASSERT_TRUE(db->adjudicate(copy_sheet.id, marks, {}, "looked like a ballot", "A", "B").has_value());
  const auto after = db->count();
  EXPECT_EQ(after->conflicting_serials, 1);
  EXPECT_FALSE(after->final);
  std::int64_t collected_before = 0, collected_after = 0;
  for (const auto& r : before->results) collected_before += r.collected;
  for (const auto& r : after->results) collected_after += r.collected;
  EXPECT_EQ(collected_after, collected_before - 1);  // the original is held back with its copy
  // The committee settles it by setting the copy aside: the original counts again.
  ASSERT_TRUE(db->set_aside(copy_sheet.id, "photocopy of sheet 2", "A", "B").has_value());
  const auto settled = db->count();
  EXPECT_EQ(settled->conflicting_serials, 0);
  std::int64_t collected_settled = 0;
  for (const auto& r : settled->results) collected_settled += r.collected;
  EXPECT_EQ(collected_settled, collected_before);
  EXPECT_TRUE(db->verify().empty()) << problems_text(db->verify());
}

TEST(CongressDb, RulingsNeedTwoMembersAndDecidedMarks) {
  const Congress c;
  c.register_deciders();
  ASSERT_EQ(c.ingest(deck_images(1)).exit_code, 0);  // sheet 1 waits: an unclear mark
  auto db = CongressDb::open(c.db);
  ASSERT_TRUE(db.has_value());
  const auto sheet = db->sheets()->front();
  ASSERT_EQ(sheet.status, SheetStatus::waiting);
  std::map<std::string, MarkState> marks;
  for (const auto& cand : db->election().find_contest(sheet.contest_id)->candidates) marks[cand.id] = MarkState::kept;
  EXPECT_EQ(db->adjudicate(sheet.id, marks, {}, "struck then restored: kept", "Lê Văn A", "Lê Văn A").error().code, "two_members");
  auto partial = marks;
  partial.erase(partial.begin());
  EXPECT_EQ(db->adjudicate(sheet.id, partial, {}, "r", "A", "B").error().code, "bad_ruling");
  const auto ruled = db->adjudicate(sheet.id, marks, {}, "struck then restored: kept", "Lê Văn A", "Trần Thị B");
  ASSERT_TRUE(ruled.has_value()) << ruled.error().message.en;
  EXPECT_EQ(ruled->status, SheetStatus::counted);
  EXPECT_EQ(db->adjudicate(sheet.id, marks, {}, "again", "A", "B").error().code, "not_waiting");
  EXPECT_TRUE(db->verify().empty()) << problems_text(db->verify());
  const auto summary = db->count();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->counted, 1);
  EXPECT_FALSE(summary->final);  // ballots issued were never entered
}

TEST(CongressDb, ResultsBecomeFinalOnlyWhenNothingWaits) {
  const Congress c;
  c.register_deciders();
  ASSERT_EQ(c.ingest(deck_images(8)).exit_code, 0);
  auto db = CongressDb::open(c.db);
  for (const auto& contest : db->election().contests) ASSERT_TRUE(db->set_issued(contest.id, 150, "Thư ký").has_value());
  EXPECT_FALSE(db->count()->final);
  const auto sheets = *db->sheets();
  for (const auto& s : sheets) {
    if (s.status != SheetStatus::waiting) continue;
    const auto* contest = db->election().find_contest(s.contest_id);
    std::map<std::string, MarkState> marks;
    for (const auto& cand : contest->candidates) marks[cand.id] = contest->ballot == BallotForm::strike ? MarkState::kept : MarkState::none;
    ASSERT_TRUE(db->adjudicate(s.id, marks, {SheetFlag::identifying_mark}, "ruled in test", "A", "B").has_value());
  }
  const auto summary = db->count();
  EXPECT_EQ(summary->waiting, 0);
  EXPECT_TRUE(summary->final);
  EXPECT_TRUE(db->verify().empty());
  // The counting record: one PDF per contest with the names and the figures, no longer provisional.
  const auto out = c.dir.path() / "record";
  const auto report = test::run_cli("report " + test::quote_arg(c.db) + " --out " + test::quote_arg(out.string()));
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto text = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg((out / "bch-bien-ban.pdf").string()) + " -");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.out, HasSubstr("BIÊN BẢN KIỂM PHIẾU"));
  EXPECT_THAT(text.out, HasSubstr("Ngô Thị Thanh Hương"));
  EXPECT_THAT(text.out, HasSubstr("Phát ra: 150"));
  EXPECT_THAT(text.out, HasSubstr(db->key_fingerprint()));
  EXPECT_THAT(text.out, ::testing::Not(HasSubstr("TẠM THỜI")));
  // The registered committee signs it, each member named on their line.
  for (const auto* member : {"Lê Văn A", "Trần Thị B", "Thư ký"}) EXPECT_THAT(text.out, HasSubstr(member));
  EXPECT_THAT(text.out, HasSubstr("Trang 1/"));
  // Who came (election-rules.md §7): 150 convened, 2 delegates absent with no alternate.
  EXPECT_THAT(text.out, HasSubstr("Triệu tập: 150 Có mặt: 148 Vắng mặt cả đại hội: 2"));
  EXPECT_THAT(text.out, Not(HasSubstr("Không đồng ý")));
  // The secretary's single-name box ballot reads out both columns.
  const auto box = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg((out / "bi-thu-bien-ban.pdf").string()) + " -");
  EXPECT_THAT(box.out, HasSubstr("Không đồng ý"));
  const auto* secretary = &summary->results.back();
  ASSERT_EQ(secretary->contest_id, "bi-thu");
  ASSERT_TRUE(secretary->candidates.front().disagree.has_value());
  EXPECT_LE(secretary->candidates.front().votes + *secretary->candidates.front().disagree, secretary->valid);
  const auto json = nlohmann::json::parse(test::read_file(out / "results.json"));
  EXPECT_EQ(json["final"], true);
  EXPECT_THAT(test::read_file(out / "results.csv"), HasSubstr("bch,c01,\"Nguyễn Văn An\","));
}

// Each kind of tampering, done directly on the files, is found and located.
class Tampering : public ::testing::Test {
 protected:
  void SetUp() override {
    // Sheet 2 is the deck's sheet 5: a colour scan counted as read, with struck names.
    ASSERT_EQ(c.ingest(deck_sheets({1, 5, 3, 4})).exit_code, 0);
    ASSERT_TRUE(c.verify().empty());
  }
  Congress c;
};

// The log of the fixture: 1 init, 2 batch started, 3–6 sheets 1–4, 7 batch ended.
TEST_F(Tampering, EditedEntry) {
  c.sql("UPDATE audit SET payload = replace(payload, '\"status\":\"waiting\"', '\"status\":\"counted\"') WHERE seq = 3");
  EXPECT_THAT(problems_text(c.verify()), HasSubstr("3: entry 3 was altered"));
}

TEST_F(Tampering, DeletedEntry) {
  c.sql("DELETE FROM audit WHERE seq = 4");
  const auto text = problems_text(c.verify());
  EXPECT_THAT(text, HasSubstr("entry 4 is missing"));
  EXPECT_THAT(text, HasSubstr("2: sheet 2 ("));
  EXPECT_THAT(text, HasSubstr("has no audit entry"));
}

TEST_F(Tampering, InsertedEntry) {
  // Room for a forged entry at 3: later entries move up by one.
  c.sql("UPDATE audit SET seq = seq + 1000 WHERE seq >= 3; UPDATE audit SET seq = seq - 999 WHERE seq >= 1000");
  c.sql("INSERT INTO audit(seq, at, type, payload, prev_hash, hash, signature) SELECT 3, at, type, payload, prev_hash, hash, signature FROM audit WHERE seq = 2");
  EXPECT_THAT(problems_text(c.verify()), HasSubstr("entry 3 does not follow"));
}

TEST_F(Tampering, ReorderedEntries) {
  c.sql("UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1");
  const auto text = problems_text(c.verify());
  EXPECT_THAT(text, HasSubstr("entry 2 does not follow"));
}

TEST_F(Tampering, ChangedSheetAndMissingSheet) {
  c.sql("UPDATE sheets SET marks = replace(marks, 'struck', 'kept') WHERE id = 2");
  c.sql("DELETE FROM sheets WHERE id = 4");
  const auto text = problems_text(c.verify());
  EXPECT_THAT(text, HasSubstr("sheet 2"));
  EXPECT_THAT(text, HasSubstr("no audit entry gave it"));
  EXPECT_THAT(text, HasSubstr("sheet 4 was recorded but is no longer in the database"));
}

TEST_F(Tampering, ChangedImage) {
  const auto db = CongressDb::open(c.db);
  const auto sheet = db->sheets()->at(2);
  const fs::path image = fs::path(db->images_dir()) / sheet.stored_file;
  std::string bytes = test::read_file(image);
  bytes[bytes.size() / 2] ^= 0x55;
  test::write_file(image, bytes);
  EXPECT_THAT(problems_text(c.verify()), HasSubstr("3: sheet 3 (" + sheet.image_name + "): the stored image"));
  const auto replay = test::run_cli("audit replay " + test::quote_arg(c.db));
  EXPECT_EQ(replay.exit_code, 1);
}

// One cell edited into something that is not a value: said as a table that no longer reads, not
// as every sheet gone.
TEST_F(Tampering, ACellThatNoLongerReads) {
  c.sql("UPDATE sheets SET wait_reasons = '[1]' WHERE id = 2");
  const auto text = problems_text(c.verify());
  EXPECT_THAT(text, HasSubstr("the sheets cannot be read back"));
  EXPECT_THAT(text, Not(HasSubstr("is no longer in the database")));
}

TEST_F(Tampering, ForgedSignature) {
  c.sql("UPDATE audit SET signature = replace(signature, substr(signature, 1, 2), 'ff') WHERE seq = 1");
  EXPECT_THAT(problems_text(c.verify()), HasSubstr("entry 1 has no valid station signature"));
}

TEST(CongressDb, CastVoteRecordsWithASignedMerkleRoot) {
  const Congress c;
  c.register_deciders();
  ASSERT_EQ(c.ingest(deck_images(6)).exit_code, 0);
  {
    auto db = CongressDb::open(c.db);
    const auto sheets = *db->sheets();
    const auto& waiting = *std::find_if(sheets.begin(), sheets.end(), [](const auto& s) { return s.status == SheetStatus::waiting; });
    std::map<std::string, MarkState> marks;
    for (const auto& cand : db->election().find_contest(waiting.contest_id)->candidates) {
      marks[cand.id] = db->election().find_contest(waiting.contest_id)->ballot == BallotForm::strike ? MarkState::struck : MarkState::agree;
    }
    ASSERT_TRUE(db->adjudicate(waiting.id, marks, {}, "mark crossed out and restored", "A", "B").has_value());
  }
  const auto out = c.dir.path() / "export";
  const auto r = test::run_cli("export " + test::quote_arg(c.db) + " --out " + test::quote_arg(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_GE(summary["records"].get<int>(), 2);
  EXPECT_TRUE(verify_cvr_export(out.string()).empty());
  // A record with the ruling carries both readings and the reason.
  bool found_modified = false;
  for (const auto& entry : fs::directory_iterator(out / "cvr")) {
    const auto j = nlohmann::json::parse(test::read_file(entry.path()));
    EXPECT_EQ(j["@type"], "CVR.CastVoteRecordReport");
    const auto& cvr = j["CVR"][0];
    EXPECT_EQ(cvr["BallotImage"][0]["Hash"]["Type"], "sha-256");
    if (cvr["CurrentSnapshotId"].get<std::string>().ends_with("-modified")) {
      found_modified = true;
      EXPECT_EQ(cvr["CVRSnapshot"].size(), 2u);
      EXPECT_EQ(cvr["CVRSnapshot"][1]["Annotation"][0]["Message"][0], "mark crossed out and restored");
    }
  }
  EXPECT_TRUE(found_modified);
  // Any change to a record breaks the manifest.
  const auto first = fs::directory_iterator(out / "cvr")->path();
  std::string text = test::read_file(first);
  text.replace(text.rfind('}'), 1, ", \"forged\": true}");
  test::write_file(first, text);
  const auto problems = verify_cvr_export(out.string());
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(problems.front(), HasSubstr("changed since it was exported"));
  EXPECT_EQ(test::run_cli("audit export " + test::quote_arg(out.string())).exit_code, 1);
  EXPECT_TRUE(c.verify().empty());  // the export is itself an audit entry
}

// Secrecy of the vote: an export for outside the committee carries no serial and no image (a
// serial can be tied to the delegate who was handed that ballot); it says whom it is for, and
// every export prints the log's head it was taken at.
TEST(Secrecy, AnExportForOutsideTheCommitteeHasNoSerialsAndNoImages) {
  const Congress c;
  ASSERT_EQ(c.ingest(deck_images(6)).exit_code, 0);
  const auto head = CongressDb::open(c.db)->head();
  ASSERT_TRUE(head.has_value());
  const auto out = c.dir.path() / "public";
  const auto r = test::run_cli("export " + test::quote_arg(c.db) + " --out " + test::quote_arg(out.string()) + " --public");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto said = nlohmann::json::parse(r.out);
  EXPECT_EQ(said["for"], "outside");
  EXPECT_EQ(said["log_head"], *head);
  ASSERT_GE(said["records"].get<int>(), 1);
  for (const auto& e : fs::directory_iterator(out / "cvr")) {
    const std::string text = test::read_file(e.path());
    EXPECT_THAT(text, Not(HasSubstr("BallotPrePrintedId")));
    EXPECT_THAT(text, Not(HasSubstr("BallotImage")));
    EXPECT_THAT(text, Not(HasSubstr(".jpg")));
  }
  const auto manifest = nlohmann::json::parse(test::read_file(out / "manifest.json"));
  EXPECT_EQ(manifest["for"], "outside");
  EXPECT_EQ(manifest["log_head"], *head);
  EXPECT_TRUE(verify_cvr_export(out.string()).empty());
  // The committee's own export keeps both.
  const auto own = c.dir.path() / "committee";
  ASSERT_EQ(test::run_cli("export " + test::quote_arg(c.db) + " --out " + test::quote_arg(own.string())).exit_code, 0);
  EXPECT_THAT(test::read_file(fs::directory_iterator(own / "cvr")->path()), HasSubstr("BallotPrePrintedId"));
  EXPECT_TRUE(c.verify().empty());
}

TEST(CongressDb, ReplayReadsEveryStoredImageTheSame) {
  const Congress c;
  ASSERT_EQ(c.ingest(deck_images(5)).exit_code, 0);
  const auto ok = test::run_cli("audit replay " + test::quote_arg(c.db));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out, "");
  EXPECT_THAT(ok.err, HasSubstr("[██████████████████████████████] đã đọc lại 5/5"));  // the progress bar ends full
  c.sql("UPDATE sheets SET recognition = replace(recognition, '\"kept\"', '\"struck\"') WHERE id = 1");
  const auto bad = test::run_cli("audit replay " + test::quote_arg(c.db));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.out, HasSubstr("\"sheet_id\":1"));
}

// SQLite's own crash-testing spirit: kill the ingesting process at random moments, many times,
// then finish; nothing may be lost, nothing counted twice, and the log must verify.
TEST(CongressDb, KilledAtRandomMomentsLosesNothing) {
  const Congress c;
  const auto files = deck_images(40);
  std::vector<std::string> args{KP_CLI_PATH, "ingest", c.db};
  args.insert(args.end(), files.begin(), files.end());
  std::mt19937 rng(7);
  for (int round = 0; round < 8; ++round) {
    const pid_t pid = test::spawn_process(args, {.quiet = true});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 1500));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const auto problems = c.verify();
    ASSERT_TRUE(problems.empty()) << "after kill " << round << ":\n" << problems_text(problems);
  }
  const auto finish = c.ingest(files);
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  const auto db = CongressDb::open(c.db);
  const auto sheets = *db->sheets();
  EXPECT_EQ(sheets.size(), files.size());
  std::set<std::string> hashes;
  for (const auto& s : sheets) hashes.insert(s.image_sha256);
  EXPECT_EQ(hashes.size(), files.size());
  EXPECT_TRUE(db->verify().empty()) << problems_text(db->verify());
}

}  // namespace
}  // namespace kp::tally
