// A tamper suite in the spirit of SQLite's fault tests. One counted congress is built once: twelve
// generated ballots of four contests ingested, a photocopy set aside, two rulings by registered
// members, ballots issued, round 1 of `bch` closed and round 2 opened, a counting record written
// (its head is what the record prints). Each test takes a fresh copy of its files (DB, DB.key,
// DB.images/) and makes one attack someone at the station would try.
//
// Without the key (SQL and file edits) every attack is found by plain `verify()`. With the key
// (DB.key read, every later entry re-hashed and re-signed exactly as the program does, through
// its own entry_text and sign_hex) each attack is either still found by plain `verify()`, or
// found only by what paper holds: the key fingerprint read into the minutes (--expect-key) and
// the log head printed on the counting record (--expect-head). docs/audit.md, "The trust model".
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "config/layout.hpp"
#include "config/load.hpp"
#include "tally/congress_db.hpp"
#include "tally/internal/congress_impl.hpp"  // entry_text, sign_hex, generate_key: how the program signs
#include "tally/internal/pin.hpp"
#include "tally/records.hpp"
#include "test_support.hpp"

namespace kp::tally {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The congress the suite builds (ingestion order fixes the sheet ids; the build checks each).
constexpr std::int64_t kRuledClosed = 1;    // bch: waited (unclear), ruled; round 1 closed
constexpr std::int64_t kCountedOpen = 2;    // dai-bieu: counted as recognised; round open
constexpr std::int64_t kCountedBox = 3;     // ubkt: counted as recognised (box ballot)
constexpr std::int64_t kCountedClosed = 5;  // bch: counted as recognised; round 1 closed
constexpr std::int64_t kRuledOpen = 6;      // dai-bieu: waited (unclear, write-in), ruled with the write-in
constexpr std::int64_t kCountedClosed2 = 9; // bch: counted as recognised
constexpr std::int64_t kWaiting = 10;       // dai-bieu: still waits for the committee
constexpr std::int64_t kPhotocopy = 13;     // a second scan of sheet 5: waited (duplicate serial), set aside
constexpr std::int64_t kFlagged = 14;       // dai-bieu: every mark clear, waits for its finding (no stamp)
constexpr const char* kA = "Lê Văn A";
constexpr const char* kB = "Trần Thị B";
constexpr const char* kClerk = "Thư ký";
constexpr const char* kOperator = "Ngô Văn Vận";

std::string deck(int number) {
  const std::string stem = (number < 10 ? "000" : "00") + std::to_string(number) + "-front";
  const std::string jpg = test::source_path("sample_ballots/deck/" + stem + ".jpg");
  return fs::exists(jpg) ? jpg : test::source_path("sample_ballots/deck/" + stem + ".png");
}

std::string problems_text(const std::vector<AuditProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += std::to_string(p.position) + ": " + p.what + "\n";
  return out;
}

// The congress's files: the database, its key and its image folder.
void copy_congress(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove(to + "-wal", ec);
  fs::remove(to + "-shm", ec);
  fs::remove_all(to + ".images", ec);
  for (const char* suffix : {"", "-wal", ".key"}) {
    if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix, fs::copy_options::overwrite_existing);
  }
  fs::copy(from + ".images", to + ".images", fs::copy_options::recursive);
}

// The ruling a committee gives a waiting sheet: recognition's reading, an unclear mark kept.
std::map<std::string, MarkState> ruled_marks(const SheetRow& s) {
  std::map<std::string, MarkState> out;
  const Json line = Json::parse(s.recognition);
  for (const auto& m : line.at("marks")) {
    const MarkState state = parse_mark_state(m["state"].get<std::string>()).value_or(MarkState::unclear);
    out[m["candidate_id"].get<std::string>()] = state == MarkState::unclear ? MarkState::kept : state;
  }
  return out;
}

struct Built {
  bool ready = false;
  std::string head;  // as printed on the counting record
  std::string key;   // the fingerprint read into the minutes
  std::map<std::int64_t, std::string> image_names;
};

void build(const fs::path& dir, Built& b) {
  const std::string db = (dir / "dh.db").string();
  const auto init = test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml")));
  ASSERT_EQ(init.exit_code, 0) << init.err;
  {
    auto opened = CongressDb::open(db);
    ASSERT_TRUE(opened.has_value());
    test::register_committee(*opened, {kA, kB, kClerk});
    ASSERT_TRUE(opened->add_member(kOperator, MemberRole::scanner_operator, test::kPin, kA).has_value());
  }
  std::string args;
  // Sheets 2 and 3 are colour scans of the deck (30, 15): a gray scan waits for its stamp to be
  // seen, and these two must count as recognised, without a ruling (on sheet 2, c02 is struck).
  for (const int i : {1, 30, 15, 4, 5, 6, 7, 8, 9, 10, 11, 12}) args += " " + test::quote_arg(deck(i));
  const auto ingested = test::run_cli("ingest " + test::quote_arg(db) + args);
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  // The same ballot as sheet 5 scanned again into another file (another image, the same serial),
  // then a ballot without the stamp.
  const std::string photocopy = (dir / "0005-copy.png").string();
  ASSERT_TRUE(cv::imwrite(photocopy, cv::imread(deck(5))));
  const auto copied = test::run_cli("ingest " + test::quote_arg(db) + " " + test::quote_arg(photocopy) + " " + test::quote_arg(deck(38)));
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  ASSERT_THAT(copied.out, HasSubstr("duplicate_serial:5"));
  ASSERT_THAT(copied.out, HasSubstr("flag:no_stamp"));
  {
    auto d = CongressDb::open(db);
    ASSERT_TRUE(d.has_value());
    const auto sheets = *d->sheets();
    ASSERT_EQ(sheets.size(), 14u);
    for (const auto id : {kCountedOpen, kCountedBox, kCountedClosed, kCountedClosed2}) ASSERT_EQ(sheets[id - 1].status, SheetStatus::counted) << id;
    for (const auto id : {kRuledClosed, kRuledOpen, kWaiting, kPhotocopy, kFlagged}) ASSERT_EQ(sheets[id - 1].status, SheetStatus::waiting) << id;
    ASSERT_EQ(sheets[kRuledClosed - 1].contest_id, "bch");
    ASSERT_EQ(sheets[kCountedOpen - 1].contest_id, "dai-bieu");
    ASSERT_EQ(sheets[kPhotocopy - 1].image_name, photocopy);
    ASSERT_EQ(sheets[kFlagged - 1].image_name, deck(38));
    for (const auto& s : sheets) b.image_names[s.id] = s.image_name;
    const auto ruled = d->adjudicate(kRuledClosed, ruled_marks(sheets[kRuledClosed - 1]), {}, "gạch rồi khôi phục: giữ", kA, kB);
    ASSERT_TRUE(ruled.has_value()) << ruled.error().code << " " << ruled.error().message.en;
    const auto ruled_open = d->adjudicate(kRuledOpen, ruled_marks(sheets[kRuledOpen - 1]), {SheetFlag::write_in}, "ghi thêm tên", kA, kB);
    ASSERT_TRUE(ruled_open.has_value()) << ruled_open.error().message.en;
    const auto aside = d->set_aside(kPhotocopy, "bản chụp của tờ số 5", kA, kB);
    ASSERT_TRUE(aside.has_value()) << aside.error().message.en;
    ASSERT_TRUE(d->set_issued("bch", 148, kClerk).has_value());
    ASSERT_TRUE(d->set_issued("dai-bieu", 148, kClerk).has_value());
  }
  // The database as it stood before the round was closed (a copy someone kept).
  fs::create_directories(dir / "earlier");
  copy_congress(db, (dir / "earlier" / "dh.db").string());
  {
    auto d = CongressDb::open(db);
    ASSERT_TRUE(d.has_value());
    const auto closed = d->close_round("bch", kA, kB);
    ASSERT_TRUE(closed.has_value()) << closed.error().message.en;
    const auto opened = d->open_round("bch", {"c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10"}, 5,
                                      "Đại hội biểu quyết bầu lần 2", kA, kB);
    ASSERT_TRUE(opened.has_value()) << opened.error().message.en;
    const fs::path record = dir / "bch-bien-ban.txt";
    test::write_file(record, "biên bản kiểm phiếu bch lần 1\n" + closed->result_json);
    ASSERT_TRUE(d->record_documents("record", kClerk, {record.string()}).has_value());
    b.head = *d->head();
    b.key = d->key_fingerprint();
    const auto problems = d->verify(CongressDb::Expectations{b.key, {b.head}});
    ASSERT_TRUE(problems.empty()) << problems_text(problems);
  }
  b.ready = true;
}

class Tamper : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    origin_ = new test::ScratchDir;
    build(origin_->path(), built_);
  }
  static void TearDownTestSuite() {
    delete origin_;
    origin_ = nullptr;
  }
  void SetUp() override {
    if (!built_.ready) GTEST_FAIL() << "the counted congress could not be built";
    copy_congress(origin(), db_);
  }
  static std::string origin() { return (origin_->path() / "dh.db").string(); }

  // --- reading and editing the copy as someone with SQLite and the files would ---
  void sql(const std::string& statement) const { ASSERT_EQ(test::exec_sql(db_, statement), ""); }
  // A statement with text parameters ?1, ?2, …
  void sql(const std::string& statement, const std::vector<std::string>& args) const {
    internal::Database d(db_, false);
    auto q = d.prepare(statement);
    for (std::size_t i = 0; i < args.size(); ++i) q.bind(static_cast<int>(i + 1), args[i]);
    q.run();
  }
  [[nodiscard]] std::string value(const std::string& query) const {
    internal::Database d(db_, false);
    auto q = d.prepare(query);
    return q.step() ? q.text(0) : std::string();
  }
  [[nodiscard]] std::int64_t number(const std::string& query) const {
    internal::Database d(db_, false);
    auto q = d.prepare(query);
    return q.step() ? q.integer(0) : -1;
  }
  [[nodiscard]] std::int64_t entry_of_sheet(const std::string& type, std::int64_t sheet) const {
    return number("SELECT seq FROM audit WHERE type = '" + type + "' AND json_extract(payload, '$.sheet') = " + std::to_string(sheet));
  }
  [[nodiscard]] std::int64_t entry(const std::string& where) const { return number("SELECT seq FROM audit WHERE " + where); }
  [[nodiscard]] Json payload(std::int64_t seq) const { return Json::parse(value("SELECT payload FROM audit WHERE seq = " + std::to_string(seq))); }
  void set_payload(std::int64_t seq, const Json& p) const { sql("UPDATE audit SET payload = ?1 WHERE seq = " + std::to_string(seq), {p.dump()}); }
  [[nodiscard]] std::int64_t last_seq() const { return number("SELECT max(seq) FROM audit"); }
  [[nodiscard]] fs::path images() const { return fs::path(db_ + ".images"); }
  [[nodiscard]] fs::path image_of(std::int64_t sheet) const {
    return images() / value("SELECT stored_file FROM sheets WHERE id = " + std::to_string(sheet));
  }
  // How `audit verify` names a sheet.
  [[nodiscard]] static std::string who(std::int64_t sheet) {
    return std::to_string(sheet) + ": sheet " + std::to_string(sheet) + " (" + built_.image_names.at(sheet) + ")";
  }
  // Stores a file in the image folder under its SHA-256, as the program would: its hash and name.
  [[nodiscard]] std::pair<std::string, std::string> store_image(const std::string& source) const {
    const std::string bytes = test::read_file(source);
    const std::string sha = sha256_hex(bytes);
    const std::string name = sha + fs::path(source).extension().string();
    test::write_file(images() / name, bytes);
    return {sha, name};
  }

  // --- what someone holding DB.key does: every later entry re-hashed and re-signed ---
  // Exactly as CongressDb::Impl::append: SHA-256 over entry_text, Ed25519 over the hash.
  void resign_from(std::int64_t from) const {
    const std::string key = test::read_file(db_ + ".key");
    internal::Database d(db_, false);
    internal::Transaction tx(d);
    std::string prev = kGenesis;
    if (from > 1) {
      auto q = d.prepare("SELECT hash FROM audit WHERE seq = ?");
      q.bind(1, from - 1);
      if (q.step()) prev = q.text(0);
    }
    struct Row {
      std::int64_t seq;
      std::string at, type, body;
    };
    std::vector<Row> rows;
    {
      auto q = d.prepare("SELECT seq, at, type, payload FROM audit WHERE seq >= ? ORDER BY seq");
      q.bind(1, from);
      while (q.step()) rows.push_back({q.integer(0), q.text(1), q.text(2), q.text(3)});
    }
    for (const auto& r : rows) {
      const std::string hash = sha256_hex(entry_text(r.seq, r.at, r.type, r.body, prev));
      d.prepare("UPDATE audit SET prev_hash = ?, hash = ?, signature = ? WHERE seq = ?")
          .bind(1, prev).bind(2, hash).bind(3, internal::sign_hex(key, hash)).bind(4, r.seq).run();
      prev = hash;
    }
    tx.commit();
  }
  // Entries from `from` on renumbered by `by` (room for an inserted one, or the gap of a deleted one closed).
  void shift(std::int64_t from, std::int64_t by) const {
    sql("UPDATE audit SET seq = seq + 1000000 WHERE seq >= " + std::to_string(from));
    sql("UPDATE audit SET seq = seq - 1000000 + (" + std::to_string(by) + ") WHERE seq >= 1000000");
  }
  void remove_entries(std::int64_t from, std::int64_t count) const {
    sql("DELETE FROM audit WHERE seq >= " + std::to_string(from) + " AND seq < " + std::to_string(from + count));
    shift(from + count, -count);
  }
  // A new entry at `seq`, dated as the one before it; the caller re-signs from `seq`.
  void insert_entry(std::int64_t seq, AuditEvent type, const Json& p) const {
    shift(seq, 1);
    const std::string at = value("SELECT at FROM audit WHERE seq = " + std::to_string(seq - 1));
    sql("INSERT INTO audit(seq, at, type, payload, prev_hash, hash, signature) VALUES(" + std::to_string(seq) + ", ?1, ?2, ?3, '', '', '')",
        {at, std::string(to_string(type)), p.dump()});
  }
  std::int64_t append_entry(AuditEvent type, const Json& p) const {
    const std::int64_t seq = last_seq() + 1;
    sql("INSERT INTO audit(seq, at, type, payload, prev_hash, hash, signature) VALUES(" + std::to_string(seq) + ", ?1, ?2, ?3, '', '', '')",
        {now_utc(), std::string(to_string(type)), p.dump()});
    resign_from(seq);
    return seq;
  }

  // The ruling of the open round's ruled sheet made to name these two, in its entry and its row.
  void rewrite_ruling_members(const std::string& first, const std::string& second) const {
    const auto seq = entry_of_sheet("adjudication", kRuledOpen);
    Json p = payload(seq);
    p["members"] = Json::array({first, second});
    set_payload(seq, p);
    sql("UPDATE adjudications SET member1 = ?1, member2 = ?2 WHERE sheet_id = " + std::to_string(kRuledOpen), {first, second});
    resign_from(seq);
  }

  // Two candidates' names swapped in the stored definition, and the first entry made to name
  // the new definition's hash.
  void swap_names_and_resign(const std::string& one, const std::string& other) const {
    std::string toml = value("SELECT value FROM meta WHERE key = 'election_toml'");
    const auto replace_all = [&](const std::string& from, const std::string& to) {
      for (auto at = toml.find(from); at != std::string::npos; at = toml.find(from, at + to.size())) toml.replace(at, from.size(), to);
    };
    replace_all(one, "@@");
    replace_all(other, one);
    replace_all("@@", other);
    const auto loaded = config::parse_election(toml, value("SELECT value FROM meta WHERE key = 'election_source'"));
    ASSERT_TRUE(loaded.has_value());
    sql("UPDATE meta SET value = ?1 WHERE key = 'election_toml'", {toml});
    Json first = payload(1);
    first["election_hash"] = loaded->election->content_hash;
    set_payload(1, first);
    resign_from(1);
  }

  // --- the audit ---
  [[nodiscard]] std::string verify(const CongressDb::Expectations& paper = {}) const {
    auto opened = CongressDb::open(db_);
    if (!opened) return "the database does not open: " + opened.error().message.en;
    return problems_text(opened->verify(paper));
  }
  // What paper brings: the fingerprint from the minutes and the head printed on the record.
  [[nodiscard]] static CongressDb::Expectations paper() { return {built_.key, {built_.head}}; }
  [[nodiscard]] static std::string head_seq() { return built_.head.substr(0, built_.head.find(':')); }
  [[nodiscard]] static std::string head_lost() { return "the log no longer holds entry " + head_seq() + " as printed on paper"; }

  test::ScratchDir dir_;
  std::string db_ = (dir_.path() / "dh.db").string();
  static inline test::ScratchDir* origin_ = nullptr;
  static inline Built built_;
};

TEST_F(Tamper, UntouchedCopyVerifiesWithBothAnchors) {
  EXPECT_EQ(verify(), "");
  EXPECT_EQ(verify(paper()), "");
}

// ===================== Without the key: SQL and file edits, found by plain verify =====================

TEST_F(Tamper, ChangedMarkOfACountedSheet) {
  sql("UPDATE sheets SET marks = json_set(marks, '$.c02', 'kept') WHERE id = " + std::to_string(kCountedOpen));
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, WaitingSheetCountedInTable) {
  sql("UPDATE sheets SET status = 'counted', wait_reasons = '[]', marks = (SELECT marks FROM sheets WHERE id = " + std::to_string(kCountedOpen) +
      ") WHERE id = " + std::to_string(kWaiting));
  EXPECT_THAT(verify(), HasSubstr(who(kWaiting) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, SetAsidePhotocopyCountedInTable) {
  sql("UPDATE sheets SET status = 'counted', marks = (SELECT marks FROM sheets WHERE id = 5) WHERE id = " + std::to_string(kPhotocopy));
  EXPECT_THAT(verify(), HasSubstr(who(kPhotocopy) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, RulingOverturnedInTheSheetsTable) {
  sql("UPDATE sheets SET marks = json_set(marks, '$.c06', 'struck') WHERE id = " + std::to_string(kRuledClosed));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(who(kRuledClosed) + " holds a state, marks or flags that no audit entry gave it"));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

TEST_F(Tamper, FindingAddedToACountedSheet) {
  // An identifying mark "found" afterwards makes a valid ballot invalid.
  sql("UPDATE sheets SET flags = '[\"identifying_mark\"]' WHERE id = " + std::to_string(kCountedOpen));
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, CountedSheetDeletedFromTheClosedRound) {
  sql("DELETE FROM sheets WHERE id = " + std::to_string(kCountedClosed));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("5: sheet 5 was recorded but is no longer in the database"));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

TEST_F(Tamper, ForgedSheetInsertedWithoutAnEntry) {
  sql("INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round, "
      "batch_id) SELECT 'forged.jpg', 'ab' || substr(image_sha256, 3), stored_file, contest_id, side, serial + 1, status, wait_reasons, recognition, "
      "marks, flags, round, batch_id FROM sheets WHERE id = " + std::to_string(kCountedOpen));
  const auto id = std::to_string(number("SELECT max(id) FROM sheets"));
  EXPECT_THAT(verify(), HasSubstr(id + ": sheet " + id + " (forged.jpg) has no audit entry: it was added outside the program"));
}

TEST_F(Tamper, SerialOfASheetChanged) {
  sql("UPDATE sheets SET serial = serial + 1 WHERE id = " + std::to_string(kCountedOpen));
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + " differs from the entry that recorded it"));
}

TEST_F(Tamper, CountedSheetMovedToTheNextRound) {
  sql("UPDATE sheets SET round = 2 WHERE id = " + std::to_string(kCountedClosed));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(who(kCountedClosed) + " differs from the entry that recorded it"));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

TEST_F(Tamper, RecognitionLineEdited) {
  sql("UPDATE sheets SET recognition = replace(recognition, '\"struck\"', '\"kept\"') WHERE id = " + std::to_string(kCountedOpen));
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + " differs from the entry that recorded it"));
}

TEST_F(Tamper, ImageSwappedForAnotherBallot) {
  const fs::path image = image_of(kCountedOpen);
  test::write_file(image, test::read_file(deck(14)));  // another ballot of the same contest
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + ": the stored image " + image.string() + " was changed"));
}

TEST_F(Tamper, ImageFileDeleted) {
  const fs::path image = image_of(kCountedBox);
  fs::remove(image);
  EXPECT_THAT(verify(), HasSubstr(who(kCountedBox) + ": the stored image " + image.string() + " is missing"));
}

TEST_F(Tamper, SheetPointedAtAnotherStoredImage) {
  sql("UPDATE sheets SET stored_file = (SELECT stored_file FROM sheets WHERE id = " + std::to_string(kCountedClosed2) + ") WHERE id = " + std::to_string(kCountedOpen));
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + ": the stored image " + image_of(kCountedOpen).string() + " was changed"));
}

TEST_F(Tamper, ImageAndItsHashReplacedTogether) {
  const auto [sha, name] = store_image(deck(14));
  sql("UPDATE sheets SET image_sha256 = ?1, stored_file = ?2 WHERE id = " + std::to_string(kCountedOpen), {sha, name});
  EXPECT_THAT(verify(), HasSubstr(who(kCountedOpen) + " differs from the entry that recorded it"));
}

TEST_F(Tamper, IssuedChanged) {
  sql("UPDATE rounds SET issued = 120 WHERE contest_id = 'dai-bieu'");
  EXPECT_THAT(verify(), HasSubstr("ballots issued for round 1 of contest dai-bieu differ from the entry that recorded them"));
}

TEST_F(Tamper, IssuedEnteredInTheTableWithoutAnEntry) {
  sql("UPDATE rounds SET issued = 148 WHERE contest_id = 'ubkt'");
  EXPECT_THAT(verify(), HasSubstr("ballots issued for round 1 of contest ubkt differ from the entry that recorded them"));
}

TEST_F(Tamper, IssuedOfTheClosedRoundChanged) {
  sql("UPDATE rounds SET issued = 160 WHERE contest_id = 'bch' AND round = 1");
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("ballots issued for round 1 of contest bch differ from the entry that recorded them"));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

TEST_F(Tamper, RoundReopenedInTable) {
  sql("UPDATE rounds SET state = 'open', closed_at = NULL, result = NULL WHERE contest_id = 'bch' AND round = 1");
  EXPECT_THAT(verify(), HasSubstr("round 1 of contest bch was closed, but the database shows it open"));
}

TEST_F(Tamper, ClosedRoundResultEdited) {
  // The first candidate given 140 votes and elected in the stored result.
  sql("UPDATE rounds SET result = json_set(result, '$.contests[0].candidates[0].votes', 140, '$.contests[0].candidates[0].elected', json('true')) "
      "WHERE contest_id = 'bch' AND round = 1");
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result is not the one the audit entry closed it with"));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

TEST_F(Tamper, OpenedRoundDeletedFromTable) {
  sql("DELETE FROM rounds WHERE contest_id = 'bch' AND round = 2");
  EXPECT_THAT(verify(), HasSubstr("round 2 of contest bch was opened but is no longer in the database"));
}

TEST_F(Tamper, ForgedRoundInserted) {
  sql("INSERT INTO rounds(contest_id, round, candidates, seats, layout_hash, state, opened_at) "
      "VALUES('ubkt', 2, '[\"c01\",\"c02\",\"c03\"]', 2, 'abcdef012345', 'open', '2025-08-20T10:00:00Z')");
  EXPECT_THAT(verify(), HasSubstr("round 2 of contest ubkt is not the round any audit entry opened"));
}

TEST_F(Tamper, SeatsOfTheNextRoundChangedInTable) {
  sql("UPDATE rounds SET seats = 3 WHERE contest_id = 'bch' AND round = 2");
  EXPECT_THAT(verify(), HasSubstr("round 2 of contest bch is not the round any audit entry opened"));
}

TEST_F(Tamper, CandidateStruckFromTheNextRoundInTable) {
  sql("UPDATE rounds SET candidates = json_remove(candidates, '$[9]') WHERE contest_id = 'bch' AND round = 2");
  EXPECT_THAT(verify(), HasSubstr("round 2 of contest bch is not the round any audit entry opened"));
}

TEST_F(Tamper, MemberRoleChangedInTable) {
  sql("UPDATE members SET role = 'committee' WHERE name = '" + std::string(kOperator) + "'");
  EXPECT_THAT(verify(), HasSubstr("member " + std::string(kOperator) + " is not as any audit entry registered them"));
}

TEST_F(Tamper, MemberPinResetByHand) {
  sql("UPDATE members SET pin_verifier = ?1 WHERE name = '" + std::string(kClerk) + "'", {internal::make_pin_verifier("0000")});
  EXPECT_THAT(verify(), HasSubstr("member " + std::string(kClerk) + " is not as any audit entry registered them"));
}

TEST_F(Tamper, MemberAddedInTable) {
  sql("INSERT INTO members(name, role, pin_verifier, added_at, added_by) VALUES('Kẻ Giả', 'committee', ?1, '2025-08-20T08:00:00Z', ?2)",
      {internal::make_pin_verifier("0000"), kA});
  EXPECT_THAT(verify(), HasSubstr("member Kẻ Giả is not as any audit entry registered them"));
}

TEST_F(Tamper, MemberDeletedFromTable) {
  sql("DELETE FROM members WHERE name = '" + std::string(kClerk) + "'");
  EXPECT_THAT(verify(), HasSubstr("member " + std::string(kClerk) + " was registered but is no longer in the database"));
}

TEST_F(Tamper, BatchRowEdited) {
  sql("UPDATE batches SET device = 'Máy quét khác SN 0001' WHERE id = 1");
  EXPECT_THAT(verify(), HasSubstr("batch 1 is not the batch any audit entry started"));
}

TEST_F(Tamper, BatchEndReasonChanged) {
  sql("UPDATE batches SET end_reason = 'cancelled' WHERE id = 1");
  EXPECT_THAT(verify(), HasSubstr("batch 1 ended otherwise than its audit entry says"));
}

TEST_F(Tamper, BatchDeletedFromTable) {
  sql("DELETE FROM batches WHERE id = 2");
  EXPECT_THAT(verify(), HasSubstr("batch 2 was started but is no longer in the database"));
}

TEST_F(Tamper, DefinitionEditedConvenedLowered) {
  sql("UPDATE meta SET value = replace(value, 'convened = 150', 'convened = 12') WHERE key = 'election_toml'");
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("1: the election definition stored now"));
  EXPECT_THAT(text, HasSubstr("is not the one the congress was created with"));
}

TEST_F(Tamper, CandidateNamesSwapped) {
  sql("UPDATE meta SET value = replace(replace(replace(value, 'Nguyễn Văn An', '@@'), 'Trần Thị Bình', 'Nguyễn Văn An'), '@@', 'Trần Thị Bình') "
      "WHERE key = 'election_toml'");
  EXPECT_THAT(verify(), HasSubstr("is not the one the congress was created with"));
}

TEST_F(Tamper, PublicKeyReplacedInTheDatabase) {
  sql("UPDATE meta SET value = ?1 WHERE key = 'public_key'", {internal::generate_key().public_pem});
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("is not the one the first entry names"));
  EXPECT_THAT(text, HasSubstr("1: entry 1 has no valid station signature"));
}

TEST_F(Tamper, EntryPayloadEdited) {
  const auto seq = std::to_string(entry_of_sheet("sheet", kCountedClosed));
  sql("UPDATE audit SET payload = replace(payload, '\"c02\":\"kept\"', '\"c02\":\"struck\"') WHERE seq = " + seq);
  EXPECT_THAT(verify(), HasSubstr(seq + ": entry " + seq + " was altered after it was written"));
}

TEST_F(Tamper, RulingEntryDeletedFromTheMiddle) {
  const auto seq = entry_of_sheet("adjudication", kRuledOpen);
  sql("DELETE FROM audit WHERE seq = " + std::to_string(seq));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("entry " + std::to_string(seq) + " is missing or entries are out of order"));
  EXPECT_THAT(text, HasSubstr(who(kRuledOpen) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, EntriesSwapped) {
  const auto a = entry_of_sheet("sheet", kCountedOpen), b = entry_of_sheet("sheet", kCountedBox);
  sql("UPDATE audit SET seq = -1 WHERE seq = " + std::to_string(a) + "; UPDATE audit SET seq = " + std::to_string(a) + " WHERE seq = " +
      std::to_string(b) + "; UPDATE audit SET seq = " + std::to_string(b) + " WHERE seq = -1");
  EXPECT_THAT(verify(), HasSubstr("entry " + std::to_string(a) + " does not follow the entry before it"));
}

TEST_F(Tamper, EntryBackdated) {
  const auto seq = std::to_string(entry("type = 'issued' AND json_extract(payload, '$.contest_id') = 'bch'"));
  sql("UPDATE audit SET at = '2025-08-20T06:00:00Z' WHERE seq = " + seq);
  EXPECT_THAT(verify(), HasSubstr(seq + ": entry " + seq + " was altered after it was written"));
}

TEST_F(Tamper, SignatureCopiedFromAnotherEntry) {
  const auto seq = entry("type = 'round_closed'");
  sql("UPDATE audit SET signature = (SELECT signature FROM audit WHERE seq = " + std::to_string(seq - 1) + ") WHERE seq = " + std::to_string(seq));
  EXPECT_THAT(verify(), HasSubstr("entry " + std::to_string(seq) + " has no valid station signature"));
}

TEST_F(Tamper, ChainRehashedWithoutTheKey) {
  // SHA-256 needs no key: the marks are changed in the sheet and its entry, and every later
  // hash recomputed; the signatures cannot be.
  const auto seq = entry_of_sheet("sheet", kCountedOpen);
  sql("UPDATE sheets SET marks = json_set(marks, '$.c02', 'kept') WHERE id = " + std::to_string(kCountedOpen));
  Json p = payload(seq);
  p["marks"]["c02"] = "kept";
  set_payload(seq, p);
  {
    internal::Database d(db_, false);
    auto q = d.prepare("SELECT hash FROM audit WHERE seq = ?");
    q.bind(1, seq - 1);
    ASSERT_TRUE(q.step());
    std::string prev = q.text(0);
    const std::int64_t last = last_seq();
    for (std::int64_t s = seq; s <= last; ++s) {
      auto r = d.prepare("SELECT at, type, payload FROM audit WHERE seq = ?");
      r.bind(1, s);
      ASSERT_TRUE(r.step());
      const std::string hash = sha256_hex(entry_text(s, r.text(0), r.text(1), r.text(2), prev));
      d.prepare("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?").bind(1, prev).bind(2, hash).bind(3, s).run();
      prev = hash;
    }
  }
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("entry " + std::to_string(seq) + " has no valid station signature"));
  EXPECT_THAT(text, HasSubstr("entry " + std::to_string(last_seq()) + " has no valid station signature"));
  EXPECT_THAT(text, Not(HasSubstr("was altered")));
}

TEST_F(Tamper, ForgedRulingAppendedWithoutTheKey) {
  // A ruling for the waiting sheet naming two real members, chained correctly, signed by a key
  // of the forger's own.
  Json marks;
  {
    auto d = CongressDb::open(db_);
    ASSERT_TRUE(d.has_value());
    marks = marks_json(ruled_marks(*d->sheet(kWaiting)));
  }
  sql("UPDATE sheets SET status = 'counted', marks = ?1, flags = '[]' WHERE id = " + std::to_string(kWaiting), {marks.dump()});
  const std::int64_t seq = last_seq() + 1;
  const std::string prev = value("SELECT hash FROM audit WHERE seq = " + std::to_string(seq - 1));
  const std::string at = now_utc(), body = Json(internal::AdjudicationEntry{kWaiting, marks, Json::array(), "rõ ràng", {kA, kB}, false}).dump();
  const std::string hash = sha256_hex(entry_text(seq, at, "adjudication", body, prev));
  sql("INSERT INTO audit(seq, at, type, payload, prev_hash, hash, signature) VALUES(" + std::to_string(seq) + ", ?1, 'adjudication', ?2, ?3, ?4, ?5)",
      {at, body, prev, hash, internal::sign_hex(internal::generate_key().private_pem, hash)});
  EXPECT_THAT(verify(), HasSubstr(std::to_string(seq) + ": entry " + std::to_string(seq) + " has no valid station signature"));
}

TEST_F(Tamper, AuditLogEmptied) {
  sql("DELETE FROM audit");
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("0: the audit log is empty"));
  EXPECT_THAT(text, HasSubstr(who(kCountedOpen) + " has no audit entry"));
}

TEST_F(Tamper, RulingRowEditedInTheAdjudicationsTable) {
  // The ruling's own row: who ruled and why, as the cast vote records export it (signed into
  // the manifest) — rewritten to name someone else and another reason.
  sql("UPDATE adjudications SET member1 = 'Kẻ Giả', reason = 'theo chỉ đạo' WHERE sheet_id = " + std::to_string(kRuledOpen));
  const fs::path out = dir_.path() / "export";
  {
    auto d = CongressDb::open(db_);
    ASSERT_TRUE(d.has_value());
    ASSERT_TRUE(d->export_cvr(out.string()).has_value());
  }
  EXPECT_THAT(test::read_file(out / "cvr" / ("sheet-" + std::to_string(kRuledOpen) + ".json")), HasSubstr("Kẻ Giả"));
  EXPECT_TRUE(verify_cvr_export(out.string()).empty());  // the station signs what the table says
  EXPECT_THAT(verify(), HasSubstr("the ruling on sheet " + std::to_string(kRuledOpen) + " differs from the entry that recorded it"));
}

TEST_F(Tamper, DuplicateSerialReasonErasedInTable) {
  // Why the photocopy was held back is gone from the sheet: it no longer shows as a second scan of sheet 5.
  sql("UPDATE sheets SET wait_reasons = '[]' WHERE id = " + std::to_string(kPhotocopy));
  EXPECT_THAT(verify(), HasSubstr("sheet " + std::to_string(kPhotocopy) + " ("));
}

// ============ With the key: DB.key read, the chain re-signed; plain verify, then the paper anchors ============

TEST_F(Tamper, MarksOfACountedSheetAndItsEntryChangedResigned) {
  // The marks of a sheet counted as recognised, changed in the sheet and in its entry: the chain
  // holds, but its stored recognition line does not give those marks and no ruling did.
  const auto seq = entry_of_sheet("sheet", kCountedOpen);
  sql("UPDATE sheets SET marks = json_set(marks, '$.c02', 'kept') WHERE id = " + std::to_string(kCountedOpen));
  Json p = payload(seq);
  ASSERT_EQ(p["marks"]["c02"], "struck");
  p["marks"]["c02"] = "kept";
  set_payload(seq, p);
  resign_from(seq);
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(who(kCountedOpen) + " is counted with marks its stored recognition does not give"));
  EXPECT_THAT(text, Not(HasSubstr("was altered")));
  EXPECT_THAT(text, Not(HasSubstr("no audit entry gave it")));
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, IssuedChangedByOneMemberResigned) {
  // With the key: the figure lowered in the table and a matching entry appended, naming one
  // registered member, as the station would write it if it let one member change a figure.
  sql("UPDATE rounds SET issued = 0 WHERE contest_id = 'dai-bieu'");
  append_entry(AuditEvent::issued, Json(internal::IssuedEntry{"dai-bieu", 1, 0, kA, {}}));
  EXPECT_THAT(verify(), HasSubstr("(issued) changes ballots issued for dai-bieu from "));
  EXPECT_THAT(verify(), HasSubstr(" to 0 with one member"));
}

TEST_F(Tamper, WaitingSheetCountedWithoutItsRulingResigned) {
  // The ruling removed (entry and row) and the sheet's own entry made "counted" with the ruled
  // marks: a sheet that waited now looks counted as recognised, but recognition left a mark unclear.
  const auto ruling = entry_of_sheet("adjudication", kRuledOpen);
  const Json ruled = payload(ruling);
  sql("DELETE FROM adjudications WHERE sheet_id = " + std::to_string(kRuledOpen));
  remove_entries(ruling, 1);
  const auto seq = entry_of_sheet("sheet", kRuledOpen);
  Json p = payload(seq);
  p["status"] = "counted";
  p["wait_reasons"] = Json::array();
  p["marks"] = ruled["marks"];
  p["flags"] = ruled["flags"];
  set_payload(seq, p);
  sql("UPDATE sheets SET wait_reasons = '[]' WHERE id = " + std::to_string(kRuledOpen));
  resign_from(seq);
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(who(kRuledOpen) + " is counted with marks its stored recognition does not give"));
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, FlaggedSheetCountedWithoutARulingResigned) {
  // A sheet that waited only for a finding (no stamp; every mark clear) made counted in its row
  // and its entry: its marks are exactly what recognition read, but recognition also found what
  // stops the count, and no ruling cleared it.
  const auto seq = entry_of_sheet("sheet", kFlagged);
  const Json line = Json::parse(value("SELECT recognition FROM sheets WHERE id = " + std::to_string(kFlagged)));
  ASSERT_EQ(line["flags"], Json::array({"no_stamp"}));
  Json marks = Json::object();
  for (const auto& m : line["marks"]) marks[m["candidate_id"].get<std::string>()] = m["state"];
  sql("UPDATE sheets SET status = 'counted', wait_reasons = '[]', marks = ?1 WHERE id = " + std::to_string(kFlagged), {marks.dump()});
  Json p = payload(seq);
  p["status"] = "counted";
  p["wait_reasons"] = Json::array();
  p["marks"] = marks;
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_THAT(verify(), HasSubstr(who(kFlagged)));
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, MarksRecognitionLineAndEntryChangedTogetherResigned) {
  // Everything the database holds about one counted sheet agrees with the forged marks: only the
  // head on paper (and `audit replay`, which reads the image again) catches it.
  const auto seq = entry_of_sheet("sheet", kCountedOpen);
  auto line = nlohmann::ordered_json::parse(value("SELECT recognition FROM sheets WHERE id = " + std::to_string(kCountedOpen)));
  for (auto& m : line["marks"]) {
    if (m["candidate_id"] == "c02") m["state"] = "kept";
  }
  sql("UPDATE sheets SET recognition = ?1, marks = json_set(marks, '$.c02', 'kept') WHERE id = " + std::to_string(kCountedOpen), {line.dump()});
  Json p = payload(seq);
  p["marks"]["c02"] = "kept";
  p["recognition_sha256"] = sha256_hex(line.dump());
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
  const auto replay = test::run_cli("audit replay " + test::quote_arg(db_));
  EXPECT_EQ(replay.exit_code, 1);
  EXPECT_THAT(replay.out, HasSubstr("\"sheet_id\":" + std::to_string(kCountedOpen)));
}

TEST_F(Tamper, SheetDeletedWithItsEntriesAndTheChainResigned) {
  const std::int64_t batch = number("SELECT batch_id FROM sheets WHERE id = " + std::to_string(kCountedOpen));
  const auto seq = entry_of_sheet("sheet", kCountedOpen);
  sql("DELETE FROM sheets WHERE id = " + std::to_string(kCountedOpen));
  remove_entries(seq, 1);
  resign_from(seq);
  // The batch's end entry still counts the sheet...
  EXPECT_THAT(verify(), HasSubstr("batch " + std::to_string(batch) + " holds "));
  // ...until the forger, who holds the key, lowers that count too: then only the paper's head
  // shows it.
  const auto ended = entry("type = 'batch_ended' AND json_extract(payload, '$.batch') = " + std::to_string(batch));
  Json p = payload(ended);
  p["sheets"]["counted"] = p["sheets"]["counted"].get<std::int64_t>() - 1;
  set_payload(ended, p);
  resign_from(std::min(seq, ended));
  EXPECT_EQ(verify(), "");
  const auto text = verify(paper());
  EXPECT_THAT(text, HasSubstr(head_lost()));
  EXPECT_THAT(text, HasSubstr("rolled back, cut or rewritten"));
}

TEST_F(Tamper, KeyReplacedAndLogResigned) {
  // A new key in DB.key and in the database, the first entry naming it, every entry re-signed.
  const auto key = internal::generate_key();
  test::write_file(db_ + ".key", key.private_pem);
  sql("UPDATE meta SET value = ?1 WHERE key = 'public_key'", {key.public_pem});
  Json first = payload(1);
  first["key_fingerprint"] = internal::key_fingerprint(key.public_pem);
  set_payload(1, first);
  resign_from(1);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify({built_.key, {}}), HasSubstr("is not the one read into the minutes (" + built_.key + "): the key was replaced"));
  EXPECT_THAT(verify({"", {built_.head}}), HasSubstr(head_lost()));
}

TEST_F(Tamper, KeyReplacedAndLogResignedButTheFirstEntryKept) {
  const auto key = internal::generate_key();
  test::write_file(db_ + ".key", key.private_pem);
  sql("UPDATE meta SET value = ?1 WHERE key = 'public_key'", {key.public_pem});
  resign_from(1);
  EXPECT_THAT(verify(), HasSubstr("1: the station key stored now (" + internal::key_fingerprint(key.public_pem) + ") is not the one the first entry names"));
  EXPECT_THAT(verify(paper()), HasSubstr("the key was replaced"));
}

TEST_F(Tamper, DatabaseRolledBackToAnEarlierCopy) {
  // The copy kept before the round was closed put back: a consistent database of its own.
  copy_congress((origin_->path() / "earlier" / "dh.db").string(), db_);
  EXPECT_EQ(verify(), "");
  EXPECT_EQ(verify({built_.key, {}}), "");  // the same station key
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, LogTailCut) {
  sql("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, LogTailCutWithTheRoundItOpened) {
  // Round 2 and the record after it gone, entries and row: what remains is whole.
  remove_entries(entry("type = 'round_opened'"), 2);
  sql("DELETE FROM rounds WHERE contest_id = 'bch' AND round = 2");
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, RoundReopenedWithItsCloseEntriesRemovedResigned) {
  const auto closed = entry("type = 'round_closed'");
  remove_entries(closed, 2);  // round_closed and round_opened
  sql("DELETE FROM rounds WHERE contest_id = 'bch' AND round = 2");
  sql("UPDATE rounds SET state = 'open', closed_at = NULL, result = NULL WHERE contest_id = 'bch' AND round = 1");
  resign_from(closed);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, ForgedExtraBallotResigned) {
  // Inserted before the round's close, and the stored result and the close re-made to count it.
  const auto [sha, name] = store_image(deck(13));
  auto line = nlohmann::ordered_json::parse(value("SELECT recognition FROM sheets WHERE id = " + std::to_string(kCountedClosed)));
  line["image"] = deck(13);
  line["serial"] = 12345678;
  const Json marks = Json::parse(value("SELECT marks FROM sheets WHERE id = " + std::to_string(kCountedClosed)));
  sql("INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round) "
      "VALUES(?1, ?2, ?3, 'bch', 'front', 12345678, 'counted', '[]', ?4, ?5, '[]', 1)",
      {deck(13), sha, name, line.dump(), marks.dump()});
  internal::SheetEntry e;
  e.sheet = number("SELECT max(id) FROM sheets");
  e.image = deck(13);
  e.image_sha256 = sha;
  e.recognition_sha256 = sha256_hex(line.dump());
  e.contest_id = "bch";
  e.round = 1;
  e.side = "front";
  e.serial = 12345678;
  e.status = "counted";
  e.marks = marks;
  const auto at = entry("type = 'round_closed'");
  insert_entry(at, AuditEvent::sheet, Json(e));
  std::string result;
  {
    auto d = CongressDb::open(db_);
    ASSERT_TRUE(d.has_value());
    const auto summary = d->count();
    ASSERT_TRUE(summary.has_value());
    for (const auto& r : summary->results) {
      if (r.contest_id == "bch" && r.round == 1) result = results_json({r});
    }
  }
  ASSERT_FALSE(result.empty());
  sql("UPDATE rounds SET result = ?1 WHERE contest_id = 'bch' AND round = 1", {result});
  Json close = payload(at + 1);
  close["result"] = Json::parse(result);
  close["result_sha256"] = sha256_hex(result);
  set_payload(at + 1, close);
  resign_from(at);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, ForgedBallotAppendedToTheClosedRoundResigned) {
  // Added after the record was printed (the head on paper still holds): the closed round's
  // stored result no longer follows from the sheets.
  auto line = nlohmann::ordered_json::parse(value("SELECT recognition FROM sheets WHERE id = " + std::to_string(kCountedClosed)));
  line["serial"] = 12345678;
  const auto [sha, name] = store_image(deck(13));
  const Json marks = Json::parse(value("SELECT marks FROM sheets WHERE id = " + std::to_string(kCountedClosed)));
  sql("INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round) "
      "VALUES(?1, ?2, ?3, 'bch', 'front', 12345678, 'counted', '[]', ?4, ?5, '[]', 1)",
      {deck(13), sha, name, line.dump(), marks.dump()});
  internal::SheetEntry e;
  e.sheet = number("SELECT max(id) FROM sheets");
  e.image = deck(13);
  e.image_sha256 = sha;
  e.recognition_sha256 = sha256_hex(line.dump());
  e.contest_id = "bch";
  e.round = 1;
  e.side = "front";
  e.serial = 12345678;
  e.status = "counted";
  e.marks = marks;
  append_entry(AuditEvent::sheet, Json(e));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
  EXPECT_THAT(text, Not(HasSubstr("has no valid station signature")));
  EXPECT_THAT(verify(paper()), Not(HasSubstr(head_lost())));  // appended after the head: paper holds
}

TEST_F(Tamper, ForgedBallotSlippedIntoAnEndedBatchResigned) {
  // A ballot of the open round added to a batch that has ended, its sheet entry appended and the
  // log re-signed: the batch's end entry, earlier in the chain, counted one sheet fewer.
  const std::string of = " FROM sheets WHERE id = " + std::to_string(kCountedOpen);
  const std::int64_t batch = number("SELECT batch_id" + of);
  ASSERT_GT(number("SELECT count(*) FROM batches WHERE ended_at IS NOT NULL AND id = " + std::to_string(batch)), 0);
  auto line = nlohmann::ordered_json::parse(value("SELECT recognition" + of));
  line["serial"] = 12345679;
  const auto [sha, name] = store_image(deck(14));
  const std::string contest = value("SELECT contest_id" + of);
  const std::string side = value("SELECT side" + of);
  const std::int64_t round = number("SELECT round" + of);
  const Json marks = Json::parse(value("SELECT marks" + of));
  sql("INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round, "
      "batch_id) VALUES(?1, ?2, ?3, ?4, ?5, 12345679, 'counted', '[]', ?6, ?7, '[]', " + std::to_string(round) + ", " + std::to_string(batch) + ")",
      {deck(14), sha, name, contest, side, line.dump(), marks.dump()});
  internal::SheetEntry e;
  e.sheet = number("SELECT max(id) FROM sheets");
  e.image = deck(14);
  e.image_sha256 = sha;
  e.recognition_sha256 = sha256_hex(line.dump());
  e.contest_id = contest;
  e.round = static_cast<int>(round);
  e.side = side;
  e.serial = 12345679;
  e.status = "counted";
  e.marks = marks;
  e.batch = batch;
  append_entry(AuditEvent::sheet, Json(e));
  EXPECT_THAT(verify(), HasSubstr("batch " + std::to_string(batch) + " holds "));
  EXPECT_THAT(verify(), HasSubstr("sheets, but its end entry counted"));
}

TEST_F(Tamper, IssuedChangedWithItsEntryResigned) {
  const auto seq = entry("type = 'issued' AND json_extract(payload, '$.contest_id') = 'dai-bieu'");
  sql("UPDATE rounds SET issued = 120 WHERE contest_id = 'dai-bieu'");
  Json p = payload(seq);
  p["issued"] = 120;
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, IssuedOfTheClosedRoundChangedWithItsEntryResigned) {
  const auto seq = entry("type = 'issued' AND json_extract(payload, '$.contest_id') = 'bch'");
  sql("UPDATE rounds SET issued = 160 WHERE contest_id = 'bch' AND round = 1");
  Json p = payload(seq);
  p["issued"] = 160;
  set_payload(seq, p);
  resign_from(seq);
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
  EXPECT_THAT(text, Not(HasSubstr("ballots issued")));
}

TEST_F(Tamper, RulingRewrittenWithUnregisteredMembers) {
  rewrite_ruling_members("Kẻ Giả", "Người Lạ");
  const auto seq = std::to_string(entry_of_sheet("adjudication", kRuledOpen));
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(seq + ": entry " + seq + " (adjudication) names “Kẻ Giả”, who was not a registered member then"));
  EXPECT_THAT(text, HasSubstr("names “Người Lạ”, who was not a registered member then"));
}

TEST_F(Tamper, RulingRewrittenToNameAnOperator) {
  rewrite_ruling_members(kOperator, kA);
  const auto seq = std::to_string(entry_of_sheet("adjudication", kRuledOpen));
  EXPECT_THAT(verify(), HasSubstr(seq + ": entry " + seq + " (adjudication) names “" + kOperator + "”, an operator, for a committee member's decision"));
}

TEST_F(Tamper, RulingRewrittenToOneMemberTwice) {
  rewrite_ruling_members(kA, kA);
  const auto seq = std::to_string(entry_of_sheet("adjudication", kRuledOpen));
  EXPECT_THAT(verify(), HasSubstr(seq + ": entry " + seq + " (adjudication) does not name two different members"));
}

TEST_F(Tamper, RulingMarksChangedWithTheSheetResigned) {
  // A ruling overrides recognition, so a ruled sheet's marks changed together with its ruling
  // (entry and row) agree with everything the database holds.
  const auto seq = entry_of_sheet("adjudication", kRuledOpen);
  Json p = payload(seq);
  p["marks"]["c01"] = p["marks"]["c01"] == "kept" ? "struck" : "kept";
  set_payload(seq, p);
  sql("UPDATE sheets SET marks = ?1 WHERE id = " + std::to_string(kRuledOpen), {p["marks"].dump()});
  sql("UPDATE adjudications SET marks = ?1 WHERE sheet_id = " + std::to_string(kRuledOpen), {p["marks"].dump()});
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, RulingForgedForTheWaitingSheetAfterTheLastRecord) {
  // Two registered members named, without their PINs, for a sheet that still waits; written
  // after the record whose head is on paper. The log is whole and signed, every name registered
  // with the committee role: this is the edge of the trust model (docs/audit.md), found by no
  // check of verify and by no anchor printed before it.
  Json marks;
  {
    auto d = CongressDb::open(db_);
    ASSERT_TRUE(d.has_value());
    marks = marks_json(ruled_marks(*d->sheet(kWaiting)));
  }
  sql("UPDATE sheets SET status = 'counted', marks = ?1, flags = '[]' WHERE id = " + std::to_string(kWaiting), {marks.dump()});
  sql("INSERT INTO adjudications(sheet_id, marks, flags, reason, member1, member2, at) VALUES(" + std::to_string(kWaiting) +
          ", ?1, '[]', 'rõ ràng', ?2, ?3, ?4)",
      {marks.dump(), kA, kB, now_utc()});
  append_entry(AuditEvent::adjudication, Json(internal::AdjudicationEntry{kWaiting, marks, Json::array(), "rõ ràng", {kA, kB}, false}));
  EXPECT_EQ(verify(), "");
  EXPECT_EQ(verify(paper()), "");
}

TEST_F(Tamper, EntryPayloadNotOfItsKind) {
  const auto seq = entry_of_sheet("sheet", kCountedBox);
  Json p = payload(seq);
  p["sheet"] = "ba";  // a sheet id that is not a number
  set_payload(seq, p);
  resign_from(seq);
  const auto s = std::to_string(seq);
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(s + ": entry " + s + " (sheet) does not read as its kind of entry"));
  EXPECT_THAT(text, HasSubstr(who(kCountedBox) + " has no audit entry"));
}

TEST_F(Tamper, EntryPayloadNotJsonResigned) {
  const auto seq = entry_of_sheet("adjudication", kRuledOpen);
  sql("UPDATE audit SET payload = 'phán quyết đã hủy' WHERE seq = " + std::to_string(seq));
  resign_from(seq);
  const auto s = std::to_string(seq);
  const auto text = verify();
  EXPECT_THAT(text, HasSubstr(s + ": entry " + s + " (adjudication) does not read as its kind of entry"));
  EXPECT_THAT(text, HasSubstr(who(kRuledOpen) + " holds a state, marks or flags that no audit entry gave it"));
}

TEST_F(Tamper, SheetEntryRetypedResigned) {
  const auto seq = entry_of_sheet("sheet", kCountedBox);
  sql("UPDATE audit SET type = 'signed_out' WHERE seq = " + std::to_string(seq));
  resign_from(seq);
  EXPECT_THAT(verify(), HasSubstr(who(kCountedBox) + " has no audit entry: it was added outside the program"));
}

TEST_F(Tamper, DefinitionEditedAndTheFirstEntryResigned) {
  // `convened` lowered and the first entry made to name the new definition's hash.
  const std::string toml = value("SELECT value FROM meta WHERE key = 'election_toml'");
  std::string edited = toml;
  edited.replace(edited.find("convened = 150"), 14, "convened = 12");
  const auto loaded = config::parse_election(edited, value("SELECT value FROM meta WHERE key = 'election_source'"));
  ASSERT_TRUE(loaded.has_value());
  sql("UPDATE meta SET value = ?1 WHERE key = 'election_toml'", {edited});
  Json first = payload(1);
  first["election_hash"] = loaded->election->content_hash;
  set_payload(1, first);
  resign_from(1);
  const auto text = verify();
  EXPECT_THAT(text, Not(HasSubstr("is not the one the congress was created with")));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));  // D is in it
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, CandidateNamesSwappedAndTheFirstEntryResigned) {
  // Nguyễn Văn An's votes become Trần Thị Bình's. The stored results name candidates by id only;
  // what still shows is the order: the closed round lists candidates, and round 2 was opened
  // with its list, in the order of their names.
  swap_names_and_resign("Nguyễn Văn An", "Trần Thị Bình");
  const auto text = verify();
  EXPECT_THAT(text, Not(HasSubstr("is not the one the congress was created with")));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
  EXPECT_THAT(text, HasSubstr("round 2 of contest bch is not the round any audit entry opened"));
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, CandidateNamesOfAnOpenContestSwappedAndTheFirstEntryResigned) {
  // The same in a contest whose round is still open: no stored result, no later round. Still
  // caught without paper: the ballot the definition now prints is not the one its round was
  // opened with (its hash names the printed list).
  swap_names_and_resign("Phan Văn Khải", "Lương Thị Mai");
  EXPECT_THAT(verify(), HasSubstr("round 1 of contest ubkt: the ballot its stored definition prints"));
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
  auto d = CongressDb::open(db_);
  ASSERT_TRUE(d.has_value());
  const auto layout = config::compute_layout(d->election(), *d->election().find_contest("ubkt"));
  ASSERT_TRUE(layout.has_value());
  EXPECT_NE(layout->short_hash(), value("SELECT layout_hash FROM rounds WHERE contest_id = 'ubkt' AND round = 1"));
}

TEST_F(Tamper, MemberRoleChangedWithItsEntryResigned) {
  // The operator made a committee member from the start, so that entries may name them.
  const auto seq = entry("type = 'member_added' AND json_extract(payload, '$.name') = '" + std::string(kOperator) + "'");
  sql("UPDATE members SET role = 'committee' WHERE name = '" + std::string(kOperator) + "'");
  Json p = payload(seq);
  p["role"] = "committee";
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, MemberPinResetWithItsEntryResigned) {
  const auto seq = entry("type = 'member_added' AND json_extract(payload, '$.name') = '" + std::string(kClerk) + "'");
  const std::string verifier = internal::make_pin_verifier("0000");
  sql("UPDATE members SET pin_verifier = ?1 WHERE name = '" + std::string(kClerk) + "'", {verifier});
  Json p = payload(seq);
  p["pin_verifier_sha256"] = sha256_hex(verifier);
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, FakeMemberBackdatedToSignARulingResigned) {
  // Someone invented, registered before the ruling (entry and row), and the ruling made to name them.
  const auto ruling = entry_of_sheet("adjudication", kRuledOpen);
  const std::string verifier = internal::make_pin_verifier("0000");
  sql("INSERT INTO members(name, role, pin_verifier, added_at, added_by) VALUES('Kẻ Giả', 'committee', ?1, '2025-08-20T08:00:00Z', ?2)", {verifier, kA});
  insert_entry(ruling, AuditEvent::member_added, Json(internal::MemberAddedEntry{"Kẻ Giả", "committee", sha256_hex(verifier), kA}));
  Json p = payload(ruling + 1);
  p["members"] = Json::array({kA, "Kẻ Giả"});
  set_payload(ruling + 1, p);
  sql("UPDATE adjudications SET member2 = 'Kẻ Giả' WHERE sheet_id = " + std::to_string(kRuledOpen));
  resign_from(ruling);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, BatchRowEditedWithItsEntryResigned) {
  const auto seq = entry("type = 'batch_started' AND json_extract(payload, '$.batch') = 1");
  sql("UPDATE batches SET device = 'Máy quét khác SN 0001' WHERE id = 1");
  Json p = payload(seq);
  p["device"] = "Máy quét khác SN 0001";
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, ImageSwappedForAnotherBallotResigned) {
  const auto seq = entry_of_sheet("sheet", kCountedOpen);
  const auto [sha, name] = store_image(deck(14));
  fs::remove(image_of(kCountedOpen));
  sql("UPDATE sheets SET image_sha256 = ?1, stored_file = ?2 WHERE id = " + std::to_string(kCountedOpen), {sha, name});
  Json p = payload(seq);
  p["image_sha256"] = sha;
  set_payload(seq, p);
  resign_from(seq);
  EXPECT_EQ(verify(), "");
  EXPECT_THAT(verify(paper()), HasSubstr(head_lost()));
}

TEST_F(Tamper, ClosedRoundResultEditedWithItsEntryResigned) {
  const auto seq = entry("type = 'round_closed'");
  sql("UPDATE rounds SET result = json_set(result, '$.contests[0].candidates[0].votes', 140, '$.contests[0].candidates[0].elected', json('true')) "
      "WHERE contest_id = 'bch' AND round = 1");
  const std::string result = value("SELECT result FROM rounds WHERE contest_id = 'bch' AND round = 1");
  Json p = payload(seq);
  p["result"] = Json::parse(result);
  p["result_sha256"] = sha256_hex(result);
  set_payload(seq, p);
  resign_from(seq);
  const auto text = verify();
  EXPECT_THAT(text, Not(HasSubstr("is not the one the audit entry closed it with")));
  EXPECT_THAT(text, HasSubstr("round 1 of contest bch: the stored result does not follow from the stored sheets"));
}

}  // namespace
}  // namespace kp::tally
