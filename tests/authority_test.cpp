// Authority on every path (station/authority.hpp): each test is an attack on a counted congress
// as someone at the station would try it, through the command line that anyone can run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "station/authority.hpp"
#include "station/record.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"

namespace kp::station {
namespace {

using ::testing::HasSubstr;

// A tie congress with a committee of two and an operator, and one sheet waiting for the committee.
struct Guarded {
  test::TieCongress t;
  std::int64_t waiting = 0;
  Guarded() {
    test::register_committee(*t.db, {"Nguyễn Văn An", "Trần Thị Bình"});
    EXPECT_TRUE(t.db->add_member("Lê Thị Hoa", tally::MemberRole::scanner_operator, test::kPin, "Nguyễn Văn An").has_value());
    waiting = t.sheet(1, 101, {"a", "b"}, {}, "c").sheet.id;
    t.db.reset();  // the program opens it, as an attacker's command would
  }
  [[nodiscard]] std::string db() const { return test::quote_arg(t.path); }
  [[nodiscard]] tally::SheetStatus status() const {
    auto db = tally::CongressDb::open(t.path);
    return db->sheet(waiting)->status;
  }
  [[nodiscard]] std::int64_t entries_of(const std::string& type) const {
    sqlite3* h = nullptr;
    sqlite3_open(t.path.c_str(), &h);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, ("SELECT count(*) FROM audit WHERE type = '" + type + "'").c_str(), -1, &q, nullptr);
    const std::int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    sqlite3_close(h);
    return n;
  }
  [[nodiscard]] std::string rule(const std::string& by, const std::string& pins) const {
    const auto r = test::run_cli_with_input("--lang en adjudicate " + db() + " " + std::to_string(waiting) + " --mark a=kept --mark b=kept --mark c=struck --reason x " + by,
                                            pins);
    return std::to_string(r.exit_code) + " " + r.err;
  }
};

TEST(Attack, NamesNeverRegisteredCannotRule) {
  const Guarded g;
  EXPECT_THAT(g.rule("--by 'Kẻ Giả' --by 'Người Lạ'", test::pins(2)), HasSubstr("1 "));
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
}

TEST(Attack, NoPinOnStandardInputIsRefused) {
  const Guarded g;
  const auto r = test::run_cli("--lang en adjudicate " + g.db() + " " + std::to_string(g.waiting) +
                               " --mark a=kept --mark b=kept --mark c=struck --reason x --by 'Nguyễn Văn An' --by 'Trần Thị Bình' </dev/null");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("The PIN of Nguyễn Văn An is needed"));
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
}

TEST(Attack, AnOperatorCannotPassAsACommitteeMember) {
  const Guarded g;
  EXPECT_THAT(g.rule("--by 'Lê Thị Hoa' --by 'Trần Thị Bình'", test::pins(2)), HasSubstr("only a counting committee member may decide"));
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
  const auto issued = test::run_cli_with_input("--lang en issued " + g.db() + " bt 999 --by 'Lê Thị Hoa'", test::pins(1));
  EXPECT_EQ(issued.exit_code, 1);
  EXPECT_EQ(g.entries_of("issued"), 0);
}

TEST(Attack, OneMemberTwiceIsNotTwoMembers) {
  const Guarded g;
  EXPECT_THAT(g.rule("--by 'Nguyễn Văn An' --by 'Nguyễn Văn An'", test::pins(2)), HasSubstr("Two different committee members"));
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
}

TEST(Attack, IssuedRoundCloseAndSetAsideTakeRegisteredMembersWithPins) {
  const Guarded g;
  EXPECT_EQ(test::run_cli_with_input("issued " + g.db() + " bt 999 --by 'Kẻ Giả'", test::pins(1)).exit_code, 1);
  EXPECT_EQ(test::run_cli_with_input("issued " + g.db() + " bt 999 --by 'Nguyễn Văn An'", "0000\n").exit_code, 1);
  EXPECT_EQ(g.entries_of("issued"), 0);
  EXPECT_EQ(test::run_cli_with_input("adjudicate " + g.db() + " " + std::to_string(g.waiting) + " --set-aside --reason copy --by 'Kẻ Giả' --by 'Người Lạ'",
                                     test::pins(2))
                .exit_code,
            1);
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
  EXPECT_EQ(test::run_cli_with_input("round close " + g.db() + " bt --by 'Kẻ Giả' 'Người Lạ'", test::pins(2)).exit_code, 1);
  EXPECT_EQ(g.entries_of("round_closed"), 0);
  // With the members and their PINs, the same commands go through.
  EXPECT_EQ(test::run_cli_with_input("issued " + g.db() + " bt 7 --by 'Nguyễn Văn An'", test::pins(1)).exit_code, 0);
  EXPECT_THAT(g.rule("--by 'Nguyễn Văn An' --by 'Trần Thị Bình'", test::pins(2)), HasSubstr("0 "));
  EXPECT_EQ(g.status(), tally::SheetStatus::counted);
  EXPECT_EQ(test::run_cli("audit verify " + g.db()).exit_code, 0);
}

// One member's slip (or will) turning 7 ballots issued into 0: a figure already entered is
// changed only with a second, different committee member's PIN, and verify finds a change
// logged with one.
TEST(Attack, OneMemberCannotChangeBallotsIssued) {
  const Guarded g;
  const std::string issued = "--lang en issued " + g.db() + " bt ";
  ASSERT_EQ(test::run_cli_with_input(issued + "7 --by 'Nguyễn Văn An'", test::pins(1)).exit_code, 0);
  EXPECT_EQ(test::run_cli_with_input(issued + "7 --by 'Trần Thị Bình'", test::pins(1)).exit_code, 0);  // the same figure again: no change
  const auto alone = test::run_cli_with_input(issued + "0 --by 'Nguyễn Văn An'", test::pins(1));
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_THAT(alone.err, HasSubstr("needs a second, different committee member"));
  EXPECT_EQ(test::run_cli_with_input(issued + "0 --by 'Nguyễn Văn An' --confirmed-by 'Nguyễn Văn An'", test::pins(2)).exit_code, 1);
  EXPECT_EQ(test::run_cli_with_input(issued + "0 --by 'Nguyễn Văn An' --confirmed-by 'Lê Thị Hoa'", test::pins(2)).exit_code, 1);  // an operator
  EXPECT_EQ(tally::CongressDb::open(g.t.path)->rounds()->front().issued, 7);
  const auto two = test::run_cli_with_input(issued + "6 --by 'Nguyễn Văn An' --confirmed-by 'Trần Thị Bình'", test::pins(2));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  auto db = tally::CongressDb::open(g.t.path);
  EXPECT_EQ(db->rounds()->front().issued, 6);
  EXPECT_TRUE(db->verify().empty());
  // The library itself refuses a change confirmed by the one who entered it (the tamper suite's
  // IssuedChangedByOneMemberResigned shows verify finding such an entry written around it).
  EXPECT_EQ(db->set_issued("bt", 9, "Nguyễn Văn An", "Nguyễn Văn An").error().code, "issued_change_needs_second");
}

TEST(Attack, AWrongPinIsLoggedEverywhereAndFiveLockTheMember) {
  const Guarded g;
  EXPECT_THAT(g.rule("--by 'Nguyễn Văn An' --by 'Trần Thị Bình'", "1111\n" + std::string(test::kPin) + "\n"), HasSubstr("Wrong PIN for Nguyễn Văn An"));
  EXPECT_EQ(g.entries_of("pin_refused"), 1);
  // A wrong consent PIN at `member add` is refused and logged the same way.
  const auto added = test::run_cli_with_input("member add " + g.db() + " 'Phạm Thị Dung' --by 'Nguyễn Văn An'", "1357\n9999\n");
  EXPECT_EQ(added.exit_code, 1);
  EXPECT_EQ(g.entries_of("pin_refused"), 2);
  for (int i = 0; i < 3; ++i) (void)test::run_cli_with_input("issued " + g.db() + " bt 7 --by 'Nguyễn Văn An'", "8888\n");
  EXPECT_EQ(g.entries_of("pin_refused"), 5);
  // Five refusals in ten minutes: now even the right PIN is refused until the time is up.
  const auto locked = test::run_cli_with_input("--lang en issued " + g.db() + " bt 7 --by 'Nguyễn Văn An'", test::pins(1));
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_THAT(locked.err, HasSubstr("wait 10 minutes"));
  EXPECT_EQ(g.entries_of("issued"), 0);
  // The other member is not locked.
  EXPECT_EQ(test::run_cli_with_input("issued " + g.db() + " bt 7 --by 'Trần Thị Bình'", test::pins(1)).exit_code, 0);
  EXPECT_EQ(test::run_cli("audit verify " + g.db()).exit_code, 0);
}

TEST(Attack, AnEntryWrittenAroundTheStationNamesNobodyAndVerifyFindsIt) {
  // Someone links the database code directly and rules with invented names: the log is signed
  // (the key is at hand), but it names people who were never registered.
  Guarded g;
  {
    auto db = tally::CongressDb::open(g.t.path);
    std::map<std::string, MarkState> marks{{"a", MarkState::kept}, {"b", MarkState::kept}, {"c", MarkState::struck}};
    ASSERT_TRUE(db->adjudicate(g.waiting, marks, {}, "forged", "Kẻ Giả", "Lê Thị Hoa").has_value());
  }
  const auto verify = test::run_cli("audit verify " + g.db());
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.out, HasSubstr("names “Kẻ Giả”, who was not a registered member then"));
  EXPECT_THAT(verify.out, HasSubstr("names “Lê Thị Hoa”, an operator"));
}

TEST(Attack, PinsAreNeverArguments) {
  // Nothing on the command line takes a PIN: an option that looked like one is a usage error.
  const Guarded g;
  EXPECT_EQ(test::run_cli("issued " + g.db() + " bt 7 --by 'Nguyễn Văn An' --pin 2468").exit_code, 2);
}

// A ruling names what the committee decides; the targets it leaves out keep what was read.
TEST(Rulings, OnlyTheUnclearTargetNeedsNaming) {
  const Guarded g;
  const auto r = test::run_cli_with_input("--lang en adjudicate " + g.db() + " " + std::to_string(g.waiting) +
                                              " --mark c=struck --reason 'nét gạch rõ' --by 'Nguyễn Văn An' --by 'Trần Thị Bình'",
                                          test::pins(2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto db = tally::CongressDb::open(g.t.path);
  const auto ruled = db->sheet(g.waiting);
  EXPECT_EQ(ruled->status, tally::SheetStatus::counted);
  EXPECT_EQ(ruled->marks, (std::map<std::string, MarkState>{{"a", MarkState::kept}, {"b", MarkState::kept}, {"c", MarkState::struck}}));
  EXPECT_TRUE(db->verify().empty());
}

TEST(Rulings, AnUnclearTargetLeftOutIsNamed) {
  const Guarded g;
  const auto r = test::run_cli_with_input("--lang en adjudicate " + g.db() + " " + std::to_string(g.waiting) +
                                              " --mark a=kept --reason x --by 'Nguyễn Văn An' --by 'Trần Thị Bình'",
                                          test::pins(2));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("The ruling must give a decided state for c"));
  EXPECT_EQ(g.status(), tally::SheetStatus::waiting);
}

TEST(Attack, ConfirmStampsTakesTwoMembersWithPins) {
  test::TieCongress t;
  test::register_committee(*t.db, {"Nguyễn Văn An", "Trần Thị Bình"});
  const auto gray = t.sheet(1, 301, {"a"}, {}, "", {SheetFlag::stamp_not_checked}).sheet;
  t.db.reset();
  const std::string command = "--lang en confirm-stamps " + test::quote_arg(t.path) + " --reason 'đã xem dấu' --by 'Nguyễn Văn An' --by 'Trần Thị Bình'";
  const auto no_pin = test::run_cli(command + " </dev/null");
  EXPECT_EQ(no_pin.exit_code, 1);
  EXPECT_THAT(no_pin.err, HasSubstr("The PIN of Nguyễn Văn An is needed"));
  const auto invented = test::run_cli_with_input("--lang en confirm-stamps " + test::quote_arg(t.path) + " --reason x --by 'Kẻ Giả' --by 'Trần Thị Bình'",
                                                 test::pins(2));
  EXPECT_EQ(invented.exit_code, 1);
  EXPECT_EQ(tally::CongressDb::open(t.path)->sheet(gray.id)->status, tally::SheetStatus::waiting);
  const auto done = test::run_cli_with_input(command, test::pins(2));
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.out, "{\"confirmed\":1,\"sheet_ids\":[" + std::to_string(gray.id) + "]}\n");
  EXPECT_EQ(tally::CongressDb::open(t.path)->sheet(gray.id)->status, tally::SheetStatus::counted);
  // Nothing left: said, and nothing done.
  const auto again = test::run_cli_with_input(command, test::pins(2));
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("No sheet waits only for its stamp to be seen"));
}

// A gray scan cannot show the red stamp: such a sheet waits however clear its marks, the
// committee confirms the stamps it has seen on the paper in one ruling each, and the record says
// how many were confirmed so.
TEST(GrayScans, WaitUntilTheCommitteeHasSeenTheStampAndTheRecordSaysHowMany) {
  test::TieCongress t;
  test::register_committee(*t.db, {"Nguyễn Văn An", "Trần Thị Bình"});
  const std::set<SheetFlag> gray{SheetFlag::stamp_not_checked};
  const auto first = t.sheet(1, 201, {"a"}, {}, "", gray).sheet;
  const auto second = t.sheet(1, 202, {"b"}, {}, "", gray).sheet;
  const auto unclear = t.sheet(1, 203, {"a"}, {}, "c", gray).sheet;
  const auto colour = t.sheet(1, 204, {"a"}, {}, "").sheet;
  EXPECT_EQ(first.status, tally::SheetStatus::waiting);
  EXPECT_TRUE(tally::waits_only_for_the_stamp(first));
  EXPECT_FALSE(tally::waits_only_for_the_stamp(unclear));  // unclear too: ruled on by itself
  EXPECT_EQ(colour.status, tally::SheetStatus::counted);
  const Credential an{"Nguyễn Văn An", test::kPin}, binh{"Trần Thị Bình", test::kPin};

  // A batch holding a sheet that waits for more than its stamp is refused whole, naming it.
  const auto mixed = confirm_stamps(*t.db, {first.id, unclear.id}, "đã xem dấu", an, binh);
  ASSERT_FALSE(mixed.has_value());
  EXPECT_EQ(mixed.error().code, "not_only_stamp");
  EXPECT_THAT(mixed.error().message.vi, HasSubstr("Tờ " + std::to_string(unclear.id)));
  EXPECT_EQ(t.db->sheet(first.id)->status, tally::SheetStatus::waiting);
  // One member, or a wrong PIN, confirms nothing.
  EXPECT_FALSE(confirm_stamps(*t.db, {first.id}, "đã xem dấu", an, an).has_value());
  EXPECT_FALSE(confirm_stamps(*t.db, {first.id}, "đã xem dấu", an, Credential{"Trần Thị Bình", "0000"}).has_value());
  EXPECT_EQ(t.db->sheet(first.id)->status, tally::SheetStatus::waiting);

  // A sheet named twice is ruled once.
  const auto confirmed = confirm_stamps(*t.db, {first.id, second.id, first.id}, "đã xem dấu đỏ trên giấy", an, binh);
  ASSERT_TRUE(confirmed.has_value()) << confirmed.error().message.en;
  EXPECT_EQ(*confirmed, 2);
  // Counted exactly as read: a kept, the others struck.
  const auto counted = t.db->sheet(first.id);
  EXPECT_EQ(counted->status, tally::SheetStatus::counted);
  EXPECT_EQ(counted->marks, side_as_read(*counted).marks);
  EXPECT_EQ(counted->marks.at("a"), MarkState::kept);
  EXPECT_EQ(counted->marks.at("b"), MarkState::struck);
  EXPECT_TRUE(counted->flags.empty());
  EXPECT_TRUE(t.db->verify().empty());
  const auto summary = t.db->count();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->standing.front().stamps_seen_on_paper, 2);
  EXPECT_EQ(summary->standing.front().waiting, 1);  // the unclear one

  // The record says it, in words a committee reads.
  const auto record = write_record(*t.db, (t.dir.path() / "record").string(), Lang::vi);
  ASSERT_TRUE(record.has_value());
  const auto text = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg((t.dir.path() / "record" / "bt-bien-ban.pdf").string()) + " -");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Quét ảnh xám, Ban kiểm phiếu xác nhận dấu đỏ trên tờ giấy: 2"));
  EXPECT_THAT(test::read_file(t.dir.path() / "record" / "results.json"), HasSubstr("\"stamps_seen_on_paper\": 2"));
}

}  // namespace
}  // namespace kp::station
