// Keyboard entry of a ballot that cannot be scanned: two committee members enter it apart, it is
// stored only when both agree, and it is then counted, verified, replayed and exported exactly as
// a scanned ballot, marked as entered by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "station/hand_entry.hpp"
#include "station/replay.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"

namespace kp::station {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const Credential kAn{"A", test::kPin};
const Credential kBinh{"B", test::kPin};

struct HandCongress : test::TieCongress {
  HandCongress() { register_deciders(); }
  Result<HandEntered> enter(const HandEntry& first, const HandEntry& second, const Credential& a = kAn, const Credential& b = kBinh) {
    return enter_by_hand(*db, "bt", first, second, "phiếu bị rách", a, b);
  }
  std::vector<std::int64_t> votes() {
    std::vector<std::int64_t> v;
    for (const auto& c : db->count()->results.at(0).candidates) v.push_back(c.votes);
    return v;
  }
};

TEST(HandEntry, TwoAgreeingEntriesCountAsTheSameBallotScannedWould) {
  HandCongress hand;
  // "b" struck; "a" and "c" not entered, so kept, as the paper reads.
  const HandEntry entry{7, {{"b", MarkState::struck}}};
  const auto entered = hand.enter(entry, HandEntry{7, {{"b", MarkState::struck}, {"a", MarkState::kept}}});
  ASSERT_TRUE(entered.has_value()) << entered.error().message.en;
  ASSERT_EQ(entered->sheets.size(), 1U);
  EXPECT_EQ(entered->sheets[0].status, tally::SheetStatus::counted);
  EXPECT_TRUE(tally::entered_by_hand(entered->sheets[0]));
  EXPECT_FALSE(entered->already);

  HandCongress scanned;
  scanned.sheet(1, 7, {"a", "c"});
  EXPECT_EQ(hand.votes(), scanned.votes());
  EXPECT_EQ(hand.votes(), (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(hand.db->count()->standing.at(0).entered_by_hand, 1);
  EXPECT_EQ(scanned.db->count()->standing.at(0).entered_by_hand, 0);
  // The chain holds, the ruling names both members, and the entry replays to its stored line.
  EXPECT_TRUE(hand.db->verify().empty());
  std::size_t seen = 0;
  const auto differences = replay(*hand.db, 1, [&](std::size_t, std::size_t, const ReplayDifference*) { ++seen; });
  ASSERT_TRUE(differences.has_value());
  EXPECT_EQ(*differences, 0U);
  EXPECT_EQ(seen, 1U);
  EXPECT_EQ(test::query_sql(hand.path, "SELECT member1 || ',' || member2 FROM adjudications"), "A,B\n");
  EXPECT_THAT(test::query_sql(hand.path, "SELECT reason FROM adjudications"), HasSubstr("Nhập tay: phiếu bị rách"));
}

TEST(HandEntry, DisagreeingEntriesStoreNothingAndNameEveryDifference) {
  HandCongress c;
  const auto r = c.enter(HandEntry{7, {{"b", MarkState::struck}}}, HandEntry{8, {{"c", MarkState::struck}}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "hand_entries_differ");
  EXPECT_THAT(r.error().message.en, HasSubstr("serial, b, c"));
  EXPECT_TRUE(c.db->sheets()->empty());
}

TEST(HandEntry, ABallotIsNeverCountedTwice) {
  HandCongress c;
  c.sheet(1, 5, {"a", "b"});  // scanned already
  const HandEntry same{5, {{"c", MarkState::struck}}};
  const auto twice = c.enter(same, same);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, "serial_taken");
  // The same entry run again (a command repeated) adds nothing.
  const HandEntry other{6, {{"c", MarkState::struck}}};
  ASSERT_TRUE(c.enter(other, other).has_value());
  const auto again = c.enter(other, other);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->already);
  EXPECT_EQ(c.db->sheets()->size(), 2U);
  EXPECT_EQ(c.db->count()->counted, 2);
}

TEST(HandEntry, TakesTwoDifferentCommitteeMembersWithTheirPins) {
  HandCongress c;
  const HandEntry e{9, {}};
  EXPECT_FALSE(c.enter(e, e, kAn, kAn).has_value());
  EXPECT_FALSE(c.enter(e, e, kAn, Credential{"B", "0000"}).has_value());
  EXPECT_FALSE(c.enter(e, e, kAn, Credential{"Người lạ", test::kPin}).has_value());
  EXPECT_TRUE(c.db->sheets()->empty());
}

TEST(HandEntry, AnEntryThatIsNotOnTheBallotIsRefused) {
  HandCongress c;
  const HandEntry unknown{9, {{"z", MarkState::struck}}};
  EXPECT_EQ(c.enter(unknown, unknown).error().code, "bad_entry");
  const HandEntry box_state{9, {{"a", MarkState::agree}}};  // a strike ballot has no boxes
  EXPECT_EQ(c.enter(box_state, box_state).error().code, "bad_entry");
  const HandEntry no_serial{0, {}};
  EXPECT_EQ(c.enter(no_serial, no_serial).error().code, "bad_entry");
  const auto no_reason = enter_by_hand(*c.db, "bt", unknown, unknown, "", kAn, kBinh);
  EXPECT_EQ(no_reason.error().code, "bad_entry");
  EXPECT_TRUE(c.db->sheets()->empty());
}

// The stored entry is the ballot's evidence: changing it afterwards is found by verify (its
// hash) and by replay (the line it gives).
TEST(HandEntry, AChangedEntryIsFound) {
  HandCongress c;
  const HandEntry e{3, {{"a", MarkState::struck}}};
  const auto entered = c.enter(e, e);
  ASSERT_TRUE(entered.has_value());
  const fs::path stored = fs::path(c.db->images_dir()) / entered->sheets[0].stored_file;
  std::string document = test::read_file(stored);
  ASSERT_THAT(document, HasSubstr("\"serial\":3"));
  document.replace(document.find("\"serial\":3"), 10, "\"serial\":4");
  test::write_file(stored, document);
  bool changed = false;
  for (const auto& p : c.db->verify()) changed = changed || p.what.find("was changed") != std::string::npos;
  EXPECT_TRUE(changed);
  EXPECT_EQ(replay(*c.db, 1, [](std::size_t, std::size_t, const ReplayDifference*) {}).value_or(0), 1U);
}

// The members' marks in the stored entry changed (the serial kept): the recount reads the entry
// as the paper and names the name.
TEST(HandEntry, ARecountReadsTheMarksOfTheStoredEntry) {
  HandCongress c;
  const HandEntry e{3, {{"a", MarkState::struck}}};
  const auto entered = c.enter(e, e);
  ASSERT_TRUE(entered.has_value());
  EXPECT_TRUE(recount(*c.db, 1, {})->equal());
  const fs::path stored = fs::path(c.db->images_dir()) / entered->sheets[0].stored_file;
  std::string document = test::read_file(stored);
  const std::string struck = R"("a":"struck")";
  ASSERT_THAT(document, HasSubstr(struck));
  document.replace(document.find(struck), struck.size(), R"("a":"kept")");
  test::write_file(stored, document);
  const auto report = recount(*c.db, 1, {});
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->differences.size(), 1U);
  EXPECT_EQ(report->differences[0].candidate_id, "a");
  EXPECT_EQ(report->differences[0].counted, "struck");
  EXPECT_EQ(report->differences[0].read_now, "kept");
}

// The command line as a committee uses it: PINs, then each member's entry, on standard input.
TEST(HandEntry, TheCommandLine) {
  HandCongress c;
  const std::string enter = "enter " + test::quote_arg(c.path) + " bt --reason 'phiếu ướt' --by A --by B";
  const std::string pins = std::string(test::kPin) + "\n" + test::kPin + "\n";
  const auto ok = test::run_cli_with_input(enter, pins + "11 b\n11 b=struck\n");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr(R"("serial":11)"));
  EXPECT_THAT(ok.out, HasSubstr(R"("status":"counted")"));
  const auto differ = test::run_cli_with_input(enter, pins + "12 b\n12 c\n");
  EXPECT_EQ(differ.exit_code, 1);
  EXPECT_THAT(differ.err, HasSubstr("b: A struck · B kept"));
  EXPECT_THAT(differ.err, HasSubstr("c: A kept · B struck"));
  EXPECT_EQ(test::run_cli_with_input(enter, pins + "x b\n12 b\n").exit_code, 2);
  EXPECT_EQ(test::run_cli_with_input(enter, pins + "12 b=maybe\n12 b\n").exit_code, 2);
  EXPECT_EQ(test::run_cli_with_input("enter " + test::quote_arg(c.path) + " bt --reason x --by A --by B", "").exit_code, 1);  // no PIN
  EXPECT_EQ(c.db->count()->counted, 1);
  // Marked in the export and the record.
  const auto out = (fs::path(c.dir.path()) / "export").string();
  ASSERT_EQ(test::run_cli("export " + test::quote_arg(c.path) + " --out " + test::quote_arg(out)).exit_code, 0);
  bool marked = false;
  for (const auto& f : fs::directory_iterator(fs::path(out) / "cvr")) marked = marked || test::read_file(f.path()).find("\"kiemphieu:EnteredByHand\": true") != std::string::npos;
  EXPECT_TRUE(marked);
  const auto record = (fs::path(c.dir.path()) / "record").string();
  ASSERT_EQ(test::run_cli("report " + test::quote_arg(c.path) + " --out " + test::quote_arg(record)).exit_code, 0);
  EXPECT_THAT(test::run_command("pdftotext " + test::quote_arg(record + "/bt-bien-ban.pdf") + " -").out, HasSubstr("Nhập tay (hai thành viên"));
  EXPECT_THAT(test::read_file(record + "/results.json"), HasSubstr("\"entered_by_hand\": 1"));
}

}  // namespace
}  // namespace kp::station
