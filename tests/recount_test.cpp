// The independent recount (`kiemphieu audit recount`): every stored image read again, every
// round counted anew, compared ballot by ballot and in total with the stored count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp::tally {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

struct Deck {
  test::ScratchDir dir;
  std::string db = (dir.path() / "dh.db").string();
  Deck() {
    EXPECT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
    std::string args;
    for (const auto& e : fs::directory_iterator(test::source_path("sample_ballots/deck"))) {
      if (e.path().extension() != ".jsonl") args += " " + test::quote_arg(e.path().string());
    }
    EXPECT_EQ(test::run_cli("ingest " + test::quote_arg(db) + args).exit_code, 0);
  }
  [[nodiscard]] test::CommandResult recount() const { return test::run_cli("audit recount " + test::quote_arg(db)); }
  // Two counted one-sided sheets of the same contest with different serials.
  [[nodiscard]] std::pair<SheetRow, SheetRow> two_counted() const {
    const auto sheets = CongressDb::open(db)->sheets();
    for (const auto& a : *sheets) {
      for (const auto& b : *sheets) {
        if (a.id < b.id && a.status == SheetStatus::counted && b.status == SheetStatus::counted && a.contest_id == b.contest_id && a.serial != b.serial &&
            a.side == "front" && b.side == "front") {
          return {a, b};
        }
      }
    }
    ADD_FAILURE() << "no two counted sheets";
    return {};
  }
};

nlohmann::json last_line(const std::string& out) {
  const auto end = out.find_last_not_of('\n');
  return nlohmann::json::parse(out.substr(out.rfind('\n', end) + 1, end + 1 - (out.rfind('\n', end) + 1)), nullptr, false);
}

TEST(Recount, TheCommittedDeckRecountsToTheStoredCount) {
  const Deck d;
  const auto r = d.recount();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto summary = last_line(r.out);
  EXPECT_EQ(summary.value("equal", false), true);
  EXPECT_EQ(summary.value("totals_equal", false), true);
  EXPECT_GT(summary.value("ballots", 0), 10);
  EXPECT_THAT(r.err, HasSubstr("kiểm lại: mọi lá phiếu và mọi tổng số khớp"));
}

// A counted mark changed in the database (the count edited, the log left alone): the recount
// reads the paper's image again and names the ballot and the name.
TEST(Recount, ACountedMarkChangedInTheDatabaseIsNamed) {
  const Deck d;
  const auto [a, b] = d.two_counted();
  ASSERT_FALSE(a.marks.empty());
  const auto& [candidate, state] = *a.marks.begin();
  const std::string other = state == MarkState::struck ? "kept" : state == MarkState::kept ? "struck" : state == MarkState::agree ? "disagree" : "agree";
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& [c, s] : a.marks) marks[c] = std::string(to_string(s));
  marks[candidate] = other;
  ASSERT_EQ(test::exec_sql(d.db, "UPDATE sheets SET marks = '" + marks.dump() + "' WHERE id = " + std::to_string(a.id)), "");
  const auto r = d.recount();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("\"sheet_id\":" + std::to_string(a.id)));
  EXPECT_THAT(r.out, HasSubstr("\"candidate_id\":\"" + candidate + "\",\"counted\":\"" + other + "\",\"read_now\":\"" + std::string(to_string(state)) + "\""));
  EXPECT_EQ(last_line(r.out).value("equal", true), false);
}

// A stored image replaced by another ballot's: that side no longer reads as its ballot, the
// recount says so with the image to look at, and the totals differ.
TEST(Recount, AnAlteredImageDisagrees) {
  const Deck d;
  const auto [a, b] = d.two_counted();
  const fs::path images = CongressDb::open(d.db)->images_dir();
  fs::copy_file(images / b.stored_file, images / a.stored_file, fs::copy_options::overwrite_existing);
  const auto r = d.recount();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("\"sheet_id\":" + std::to_string(a.id)));
  EXPECT_THAT(r.out, HasSubstr("not read as this ballot"));
  EXPECT_THAT(r.out, HasSubstr((images / a.stored_file).string()));
  EXPECT_EQ(last_line(r.out).value("totals_equal", true), false);
}

// The stored count edited in ways that leave the stored marks' own names alone: a struck name
// dropped from a sheet's marks, a sheet moved to a contest that has no round. Both are named.
TEST(Recount, ANameDroppedOrASheetMovedOutOfItsRoundIsNamed) {
  const Deck d;
  const auto [a, b] = d.two_counted();
  ASSERT_GE(a.marks.size(), 2U);
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& [c, s] : a.marks) marks[c] = std::string(to_string(s));
  const std::string dropped = a.marks.rbegin()->first;
  marks.erase(dropped);
  ASSERT_EQ(test::exec_sql(d.db, "UPDATE sheets SET marks = '" + marks.dump() + "' WHERE id = " + std::to_string(a.id)), "");
  ASSERT_EQ(test::exec_sql(d.db, "UPDATE sheets SET contest_id = 'zzz' WHERE id = " + std::to_string(b.id)), "");
  const auto r = d.recount();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("\"candidate_id\":\"" + dropped + "\",\"counted\":\"-\""));
  EXPECT_THAT(r.out, HasSubstr("\"sheet_id\":" + std::to_string(b.id) + ",\"serial\":" + std::to_string(b.serial)));
  EXPECT_THAT(r.out, HasSubstr("not in any round's count"));
}

// Something that is not a file put where an image was stored: verify and recount name it and
// end, instead of waiting on a FIFO for ever.
TEST(Recount, AFifoInPlaceOfAnImageIsNamedNotWaitedOn) {
  const Deck d;
  const auto [a, b] = d.two_counted();
  const fs::path image = fs::path(CongressDb::open(d.db)->images_dir()) / a.stored_file;
  fs::remove(image);
  ASSERT_EQ(test::run_command("mkfifo " + test::quote_arg(image.string())).exit_code, 0);
  const auto verified = test::run_cli("audit verify " + test::quote_arg(d.db));
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.out, HasSubstr("was changed"));
  const auto r = d.recount();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("\"sheet_id\":" + std::to_string(a.id)));
}

}  // namespace
}  // namespace kp::tally
