// The station key at rest (tally/key_store.cpp): each test is what someone holding a copy of the
// congress's files, or sitting at the station, would try.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "station/authority.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"

namespace kp::tally {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "ba con mèo trèo cây cau";
constexpr const char* kOtherPassphrase = "một câu khác hẳn câu kia";

std::vector<std::string> log_types(const std::string& path) {
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h, "SELECT type FROM audit ORDER BY seq", -1, &q, nullptr);
  std::vector<std::string> out;
  while (sqlite3_step(q) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
  sqlite3_finalize(q);
  sqlite3_close(h);
  return out;
}

struct Protected {
  test::ScratchDir dir;
  std::string path = (dir.path() / "dh.db").string();
  std::string fingerprint;
  Protected() {
    auto created = CongressDb::create(path, test::kTieCongressToml, "tie.toml", kPassphrase);
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message.en);
    if (created) fingerprint = created->key_fingerprint();
  }
  ~Protected() {
    // The kernel would drop it at its timeout; a test leaves nothing unlocked behind.
    if (auto db = CongressDb::open(path); db && db->key_state() == KeyState::unlocked) (void)db->lock_key();
  }
  Protected(const Protected&) = delete;
  Protected& operator=(const Protected&) = delete;
  [[nodiscard]] CongressDb open() const { return std::move(*CongressDb::open(path)); }
};

// Someone copies DB and DB.key off the station (a backup disk, a stolen laptop): the key file is
// encrypted, the clear key is nowhere in it, and a program given the copy records nothing.
TEST(KeyAtRest, ACopyOfTheFilesSignsNothingWithoutThePassphrase) {
  const Protected p;
  const std::string stored = test::read_file(p.path + ".key");
  EXPECT_EQ(stored.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0U);
  EXPECT_THAT(stored, Not(HasSubstr("BEGIN PRIVATE KEY")));
  EXPECT_EQ(fs::status(p.path + ".key").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto db = p.open();
  EXPECT_EQ(db.key_state(), KeyState::locked);
  EXPECT_EQ(db.sign("x").error().code, "key_locked");
  const auto added = db.add_member("Nguyễn Văn An", MemberRole::committee, test::kPin, "");
  ASSERT_FALSE(added.has_value());
  EXPECT_EQ(added.error().code, "key_locked");
  EXPECT_THAT(added.error().message.vi, HasSubstr("kiemphieu key unlock"));
  // What could be read is still read: the count, and the log's own check.
  EXPECT_TRUE(db.count().has_value());
  EXPECT_TRUE(db.verify().empty());
}

// The committee unlocks at the start of the session; every later program of the station's
// account (a scan, a ruling) finds the key until it is locked again or its time runs out.
TEST(KeyAtRest, UnlockedForTheSessionThenLockedAgain) {
  const Protected p;
  {
    auto db = p.open();
    EXPECT_EQ(station::unlock_key(db, "sai mật khẩu rồi đó nha", 2).error().code, "wrong_passphrase");
    EXPECT_EQ(db.key_state(), KeyState::locked);
    EXPECT_EQ(db.unlock_key(kPassphrase, 0).error().code, "unlock_hours");
    EXPECT_EQ(db.unlock_key(kPassphrase, kMaxUnlockHours + 1).error().code, "unlock_hours");
    ASSERT_TRUE(station::unlock_key(db, kPassphrase, 2).has_value());
    EXPECT_EQ(db.key_state(), KeyState::unlocked);
    const auto left = db.key_seconds_left();
    ASSERT_TRUE(left.has_value());
    EXPECT_GT(*left, 2 * 3600 - 60);
    EXPECT_LE(*left, 2 * 3600);
  }
  {
    auto next_program = p.open();
    EXPECT_EQ(next_program.key_state(), KeyState::unlocked);
    EXPECT_TRUE(next_program.add_member("Nguyễn Văn An", MemberRole::committee, test::kPin, "").has_value());
    ASSERT_TRUE(next_program.lock_key().has_value());
    EXPECT_EQ(next_program.key_state(), KeyState::locked);
    EXPECT_EQ(next_program.lock_key().error().code, "key_not_unlocked");
  }
  auto after = p.open();
  EXPECT_EQ(after.key_state(), KeyState::locked);
  EXPECT_EQ(log_types(p.path), (std::vector<std::string>{"init", "key_protected", "key_unlocked", "member_added", "key_locked"}));
  EXPECT_TRUE(after.verify().empty());
}

// The key file swapped for another congress's (whose passphrase the attacker knows): it opens
// under that passphrase, and is refused because it is not this congress's key.
TEST(KeyAtRest, AnotherCongresssKeyFileIsRefused) {
  const Protected mine;
  const test::ScratchDir elsewhere;
  const std::string theirs = (elsewhere.path() / "khac.db").string();
  ASSERT_TRUE(CongressDb::create(theirs, test::kTieCongressToml, "tie.toml", kOtherPassphrase).has_value());
  fs::copy_file(theirs + ".key", mine.path + ".key", fs::copy_options::overwrite_existing);
  auto db = mine.open();
  EXPECT_EQ(db.unlock_key(kOtherPassphrase, 1).error().code, "key_mismatch");
  EXPECT_EQ(db.key_state(), KeyState::locked);
}

// A congress created before anyone thought of it: protected later, by a committee member with
// their PIN, and the clear file is gone; an operator cannot, nor can a name with no PIN.
TEST(KeyAtRest, ProtectedLaterByACommitteeMember) {
  test::TieCongress t;
  test::register_committee(*t.db, {"Nguyễn Văn An"});
  ASSERT_TRUE(t.db->add_member("Lê Thị Hoa", MemberRole::scanner_operator, test::kPin, "Nguyễn Văn An").has_value());
  EXPECT_EQ(t.db->key_state(), KeyState::plain);
  const std::string clear = test::read_file(t.path + ".key");
  EXPECT_EQ(station::protect_key(*t.db, kPassphrase, std::nullopt).error().code, "not_committee");
  EXPECT_FALSE(station::protect_key(*t.db, kPassphrase, station::Credential{"Lê Thị Hoa", test::kPin}).has_value());
  EXPECT_EQ(station::protect_key(*t.db, "ngắn quá", station::Credential{"Nguyễn Văn An", test::kPin}).error().code, "passphrase_too_short");
  EXPECT_EQ(test::read_file(t.path + ".key"), clear);
  // A second name for the clear file's inode shows what happens to the blocks it had.
  fs::create_hard_link(t.path + ".key", t.path + ".key.old-inode");
  ASSERT_TRUE(station::protect_key(*t.db, kPassphrase, station::Credential{"Nguyễn Văn An", test::kPin}).has_value());
  EXPECT_EQ(test::read_file(t.path + ".key.old-inode"), std::string(clear.size(), '\0')) << "the clear key was left in the old file";
  EXPECT_THAT(test::read_file(t.path + ".key"), Not(HasSubstr(clear.substr(28, 40))));
  EXPECT_FALSE(fs::exists(t.path + ".key.new"));
  // The one who protected it still has it at hand; the next program needs the passphrase.
  EXPECT_EQ(t.db->key_state(), KeyState::unlocked);
  t.db.reset();
  auto db = CongressDb::open(t.path);
  EXPECT_EQ(db->key_state(), KeyState::locked);
  ASSERT_TRUE(db->unlock_key(kPassphrase, 1).has_value());
  EXPECT_TRUE(db->verify().empty());
  // A forged protection entry naming the operator would be found by verify (the same check as
  // every decision's names); here the genuine one names the committee member.
  ASSERT_TRUE(db->lock_key().has_value());
}

// The key with no file at all (an auditor's copy): read and verified, never changed.
TEST(KeyAtRest, AnAuditorsCopyHasNoKey) {
  test::TieCongress t;
  t.db.reset();
  fs::remove(t.path + ".key");
  auto db = CongressDb::open(t.path);
  EXPECT_EQ(db->key_state(), KeyState::absent);
  EXPECT_EQ(db->sign("x").error().code, "no_key");
  EXPECT_TRUE(db->verify().empty());
}

// The command line as the committee meets it: the passphrase twice on creation (never an
// argument), the state in JSON, a wrong passphrase refused with exit 1.
TEST(KeyAtRest, TheCommandLine) {
  const test::ScratchDir dir;
  const std::string db = test::quote_arg((dir.path() / "dh.db").string());
  const std::string election = test::quote_arg(test::source_path("sample_ballots/example-congress.toml"));
  const auto differ = test::run_cli_with_input("--lang en init " + db + " " + election + " --protect-key", std::string(kPassphrase) + "\nkhác\n");
  EXPECT_EQ(differ.exit_code, 1);
  EXPECT_THAT(differ.err, HasSubstr("the two passphrases differ"));
  EXPECT_FALSE(fs::exists(dir.path() / "dh.db"));
  const std::string twice = std::string(kPassphrase) + "\n" + kPassphrase + "\n";
  ASSERT_EQ(test::run_cli_with_input("init " + db + " " + election + " --protect-key", twice).exit_code, 0);
  EXPECT_THAT(test::run_cli("key status " + db).out, HasSubstr("\"state\":\"locked\""));
  const auto scan = test::run_cli("--lang en scan " + db + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) + " --speed 20000");
  EXPECT_EQ(scan.exit_code, 1);
  EXPECT_THAT(scan.err, HasSubstr("The station key is locked"));
  const auto wrong = test::run_cli_with_input("--lang en key unlock " + db, "không phải mật khẩu\n");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("Wrong passphrase"));
  const auto unlocked = test::run_cli_with_input("key unlock " + db + " --hours 1", std::string(kPassphrase) + "\n");
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked.err;
  EXPECT_THAT(unlocked.out, HasSubstr("\"state\":\"unlocked\""));
  EXPECT_EQ(test::run_cli("scan " + db + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) + " --speed 20000").exit_code, 0);
  const auto locked = test::run_cli("key lock " + db);
  EXPECT_EQ(locked.exit_code, 0);
  EXPECT_THAT(locked.out, HasSubstr("\"state\":\"locked\""));
  EXPECT_EQ(test::run_cli("audit verify " + db).exit_code, 0);
}

}  // namespace
}  // namespace kp::tally
