// Committee members and their PINs: who may register whom, PINs kept only as verifiers, sign-in
// recorded in the log (refusals too), and a member or PIN changed outside the program found by
// `audit verify`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"

namespace kp::tally {
namespace {

using ::testing::HasSubstr;

void sql(const std::string& db, const std::string& statement) { EXPECT_EQ(test::exec_sql(db, statement), ""); }

std::string problems_of(const CongressDb& db) {
  std::string out;
  for (const auto& p : db.verify()) out += p.what + "\n";
  return out;
}

TEST(Members, TheFirstNeedsNobodyLaterOnesACommitteeMember) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  auto& db = *c.db;
  // Decomposed input is stored composed (NFC), so the name signs in however it is typed.
  const auto first = db.add_member("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An", MemberRole::committee, "1234", "");
  ASSERT_TRUE(first.has_value()) << first.error().message.en;
  EXPECT_EQ(first->name, "Nguyễn Văn An");
  EXPECT_EQ(first->added_by, "");
  // Nobody registers a second member without a committee member's consent.
  EXPECT_EQ(db.add_member("Trần Thị Bình", MemberRole::committee, "5678", "").error().code, "not_committee");
  ASSERT_TRUE(db.add_member("Trần Thị Bình", MemberRole::committee, "5678", "Nguyễn Văn An").has_value());
  ASSERT_TRUE(db.add_member("Lê Văn Cường", MemberRole::scanner_operator, "2468", "Trần Thị Bình").has_value());
  // An operator cannot consent; a name is registered once; a PIN is 4–12 digits.
  EXPECT_EQ(db.add_member("Phạm Thị Dung", MemberRole::committee, "1357", "Lê Văn Cường").error().code, "not_committee");
  EXPECT_EQ(db.add_member("Trần Thị Bình", MemberRole::committee, "9999", "Nguyễn Văn An").error().code, "member_exists");
  EXPECT_EQ(db.add_member("Phạm Thị Dung", MemberRole::committee, "12a4", "Nguyễn Văn An").error().code, "bad_pin");
  EXPECT_EQ(db.add_member("Phạm Thị Dung", MemberRole::committee, "123", "Nguyễn Văn An").error().code, "bad_pin");
  const auto members = db.members();
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[2].role, MemberRole::scanner_operator);
  EXPECT_EQ(problems_of(db), "");
}

TEST(Members, PinsAreCheckedAndNeverStored) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  ASSERT_TRUE(c.db->add_member("Nguyễn Văn An", MemberRole::committee, "402917", "").has_value());
  EXPECT_TRUE(c.db->check_pin("Nguyễn Văn An", "402917").has_value());
  EXPECT_EQ(c.db->check_pin("Nguyễn Văn An", "402918").error().code, "wrong_pin");
  EXPECT_EQ(c.db->check_pin("Người Lạ", "402917").error().code, "unknown_member");
  // The PIN appears nowhere in the database files (the WAL holds the newest pages), only its
  // salted verifier.
  const std::string bytes = read_file_bytes(c.path) + read_file_bytes(c.path + "-wal");
  EXPECT_EQ(bytes.find("402917"), std::string::npos);
  EXPECT_NE(bytes.find("pbkdf2-sha256$"), std::string::npos);
}

TEST(Members, SignInAndRefusalsAreRecorded) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  ASSERT_TRUE(c.db->add_member("Nguyễn Văn An", MemberRole::committee, "1234", "").has_value());
  const auto before = *c.db->last_event();
  EXPECT_EQ(c.db->sign_in("Nguyễn Văn An", "9999").error().code, "wrong_pin");
  EXPECT_EQ(*c.db->last_event(), before + 1);  // sign_in_refused
  ASSERT_TRUE(c.db->sign_in("Nguyễn Văn An", "1234").has_value());
  ASSERT_TRUE(c.db->sign_out("Nguyễn Văn An").has_value());
  EXPECT_EQ(*c.db->last_event(), before + 3);
  const auto log = test::run_cli("audit verify " + test::quote_arg(c.path));
  EXPECT_EQ(log.exit_code, 0) << log.out << log.err;
}

TEST(Members, AChangedPinOrAMemberAddedByHandIsFound) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  ASSERT_TRUE(c.db->add_member("Nguyễn Văn An", MemberRole::committee, "1234", "").has_value());
  c.db.reset();
  // Somebody copies another member's verifier over An's to sign in with a PIN they know.
  sql(c.path, "INSERT INTO members VALUES('Kẻ Giả', 'committee', (SELECT pin_verifier FROM members), '2025-09-01T00:00:00Z', '')");
  sql(c.path, "UPDATE members SET role = 'operator' WHERE name = 'Nguyễn Văn An'");
  auto db = CongressDb::open(c.path);
  ASSERT_TRUE(db.has_value());
  const std::string problems = problems_of(*db);
  EXPECT_THAT(problems, HasSubstr("member Kẻ Giả is not as any audit entry registered them"));
  EXPECT_THAT(problems, HasSubstr("member Nguyễn Văn An is not as any audit entry registered them"));
}

TEST(Members, CommandLineReadsPinsFromStandardInput) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  c.db.reset();
  const std::string db = test::quote_arg(c.path);
  EXPECT_EQ(test::run_cli_with_input("member add " + db + " 'Nguyễn Văn An'", "1234\n").exit_code, 0);
  const auto refused = test::run_cli_with_input("--lang en member add " + db + " 'Trần Thị Bình' --by 'Nguyễn Văn An'", "5678\n0000\n");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("Wrong PIN for Nguyễn Văn An"));
  EXPECT_EQ(test::run_cli_with_input("member add " + db + " 'Trần Thị Bình' --role operator --by 'Nguyễn Văn An'", "5678\n1234\n").exit_code, 0);
  const auto list = test::run_cli("member list " + db);
  EXPECT_THAT(list.out, HasSubstr(R"({"added_at":)"));
  EXPECT_THAT(list.out, HasSubstr(R"("added_by":"Nguyễn Văn An","name":"Trần Thị Bình","role":"operator"})"));
}

TEST(Members, AVersionTwoDatabaseIsBroughtForward) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  c.db.reset();
  sql(c.path, "DROP TABLE members; UPDATE meta SET value = '2' WHERE key = 'schema'");
  auto db = CongressDb::open(c.path);
  ASSERT_TRUE(db.has_value()) << db.error().message.en;
  EXPECT_TRUE(db->add_member("Nguyễn Văn An", MemberRole::committee, "1234", "").has_value());
  EXPECT_EQ(problems_of(*db), "");
}

}  // namespace
}  // namespace kp::tally

namespace kp::tally {
namespace {

// The newest audit entry's type and payload, read as an auditor would.
std::pair<std::string, std::string> newest_entry(const std::string& db) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h, "SELECT type, payload FROM audit ORDER BY seq DESC LIMIT 1", -1, &q, nullptr);
  std::pair<std::string, std::string> out;
  if (sqlite3_step(q) == SQLITE_ROW) {
    out = {reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), reinterpret_cast<const char*>(sqlite3_column_text(q, 1))};
  }
  sqlite3_finalize(q);
  sqlite3_close(h);
  return out;
}

TEST(Members, ARecordOrBallotsWrittenByAMemberAreLoggedWithTheirHashes) {
  test::TieCongress c;
  ASSERT_TRUE(c.db.has_value());
  test::register_committee(*c.db, {"Nguyễn Văn An", "Trần Thị Bình"});
  c.db.reset();
  const auto out = c.dir.path() / "record";
  ASSERT_EQ(test::run_cli_with_input("report " + test::quote_arg(c.path) + " --out " + test::quote_arg(out.string()) + " --by 'Nguyễn Văn An'", test::pins(1)).exit_code, 0);
  auto [type, payload] = newest_entry(c.path);
  EXPECT_EQ(type, "documents_written");
  EXPECT_THAT(payload, HasSubstr(R"("by":"Nguyễn Văn An")"));
  EXPECT_THAT(payload, HasSubstr(R"("kind":"record")"));
  EXPECT_THAT(payload, HasSubstr(R"({"name":"bt-bien-ban.pdf","sha256":")" + sha256_hex(read_file_bytes(out / "bt-bien-ban.pdf")) + "\"}"));
  const auto ballots = c.dir.path() / "ballots";
  ASSERT_EQ(test::run_cli_with_input("round ballots " + test::quote_arg(c.path) + " bt --out " + test::quote_arg(ballots.string()) + " --by 'Trần Thị Bình'", test::pins(1)).exit_code, 0);
  std::tie(type, payload) = newest_entry(c.path);
  EXPECT_EQ(type, "documents_written");
  EXPECT_THAT(payload, HasSubstr(R"("kind":"ballots")"));
  EXPECT_THAT(payload, HasSubstr(R"({"name":"bt.pdf","sha256":")" + sha256_hex(read_file_bytes(ballots / "bt.pdf")) + "\"}"));
  EXPECT_THAT(payload, HasSubstr(R"("name":"bt-serials.txt")"));
  // Without --by nothing is logged: the record can be written by anyone, read-only.
  const auto before = newest_entry(c.path);
  ASSERT_EQ(test::run_cli("report " + test::quote_arg(c.path) + " --out " + test::quote_arg(out.string())).exit_code, 0);
  EXPECT_EQ(newest_entry(c.path), before);
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path)).exit_code, 0);
}

}  // namespace
}  // namespace kp::tally
