// Rounds and batches in the congress database: a tie at the cut-off closes round 1 with a
// stored result, round 2 is put to exactly the tied candidates with its own ballot, a left-over
// round-1 ballot is kept but never counted, and the audit recounts every closed round.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <sstream>

#include "config/layout.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"

namespace kp::tally {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using test::TieCongress;
constexpr const char* kTieCongress = test::kTieCongressToml;

std::string problems(const CongressDb& db) {
  std::string out;
  for (const auto& p : db.verify()) out += p.what + "\n";
  return out;
}

TEST(Rounds, TieAtTheCutOffGoesToASecondRoundAmongTheTied) {
  TieCongress t;
  ASSERT_TRUE(t.db.has_value());
  t.register_deciders();
  // A 6, B 4, C 4: A is elected, B and C tie for the last seat.
  std::uint32_t serial = 100;
  for (int i = 0; i < 3; ++i) t.sheet(1, ++serial, {"a", "b"});
  for (int i = 0; i < 3; ++i) t.sheet(1, ++serial, {"a", "c"});
  t.sheet(1, ++serial, {"b", "c"});
  EXPECT_EQ(t.db->close_round("bt", "Ủy viên A", "Ủy viên B").error().code, "issued_missing");
  ASSERT_TRUE(t.db->set_issued("bt", 7, "Thư ký").has_value());
  EXPECT_EQ(t.db->close_round("bt", "Ủy viên A", "Ủy viên A").error().code, "two_members");
  EXPECT_EQ(t.db->open_round("bt", {"b", "c"}, 1, "tie", "A", "B").error().code, "round_open");
  const auto closed = t.db->close_round("bt", "Ủy viên A", "Ủy viên B");
  ASSERT_TRUE(closed.has_value()) << closed.error().message.en;
  const auto first = nlohmann::json::parse(closed->result_json)["contests"][0];
  EXPECT_EQ(first["elected"], nlohmann::json::array({"a"}));
  EXPECT_EQ(first["tied"], nlohmann::json::array({"b", "c"}));
  EXPECT_EQ(first["next"], "tie_round");
  EXPECT_TRUE(problems(*t.db).empty()) << problems(*t.db);

  // Round 2 only among the tied, for the one seat left.
  EXPECT_EQ(t.db->open_round("bt", {"a", "b"}, 1, "tie", "A", "B").error().code, "bad_round");
  EXPECT_EQ(t.db->open_round("bt", {"b", "c"}, 2, "tie", "A", "B").error().code, "bad_round");
  const auto second = t.db->open_round("bt", {"b", "c"}, 1, "Đại hội biểu quyết bầu lại giữa hai người bằng phiếu", "Ủy viên A", "Ủy viên B");
  ASSERT_TRUE(second.has_value()) << second.error().message.en;
  EXPECT_EQ(second->round, 2);
  EXPECT_EQ(second->contest.candidates.size(), 2u);
  EXPECT_THAT(second->contest.title, HasSubstr("bầu lần 2"));
  EXPECT_NE(second->layout_hash, t.round(1).layout_hash);

  // A round-1 ballot found late: kept, never counted. Round-2 ballots count in round 2.
  const auto late = t.sheet(1, 999, {"a", "b"});
  EXPECT_EQ(late.sheet.status, SheetStatus::rejected);
  EXPECT_THAT(reason_codes(late.sheet.wait_reasons), ::testing::ElementsAre("round_closed:1"));
  for (int i = 0; i < 4; ++i) t.sheet(2, 200 + i, {"b"});
  for (int i = 0; i < 3; ++i) t.sheet(2, 300 + i, {"c"});
  const auto summary = t.db->count();
  ASSERT_TRUE(summary.has_value());
  ASSERT_EQ(summary->results.size(), 2u);
  EXPECT_EQ(summary->results[0].collected, 7);  // the late ballot is not in round 1's figures
  EXPECT_EQ(summary->results[1].round, 2);
  EXPECT_EQ(summary->results[1].elected, std::vector<std::string>{"b"});
  EXPECT_TRUE(summary->standing[0].closed);
  EXPECT_FALSE(summary->standing[1].closed);
  ASSERT_TRUE(t.db->set_issued("bt", 7, "Thư ký").has_value());
  ASSERT_TRUE(t.db->close_round("bt", "Ủy viên A", "Ủy viên B").has_value());
  EXPECT_EQ(t.db->open_round("bt", {"c"}, 1, "again", "A", "B").error().code, "no_further_round");
  EXPECT_TRUE(problems(*t.db).empty()) << problems(*t.db);
  // Reopened from outside: the result read back is the same.
  auto reopened = CongressDb::open(t.path);
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(reopened->rounds()->size(), 2u);
  EXPECT_TRUE(problems(*reopened).empty());
}

// The operator's path: the CLI prints round 2's ballot, and recognition, given every round's
// layout by the database, reads it as round 2 and a round-1 ballot as one of a closed round.
TEST(Rounds, CommandLinePrintsAndReadsTheSecondRoundsBallot) {
  TieCongress t;
  ASSERT_TRUE(t.db.has_value());
  t.register_deciders();
  std::uint32_t serial = 100;
  for (int i = 0; i < 3; ++i) t.sheet(1, ++serial, {"a", "b"});
  for (int i = 0; i < 3; ++i) t.sheet(1, ++serial, {"a", "c"});
  t.sheet(1, ++serial, {"b", "c"});
  test::register_committee(*t.db, {"Thư ký", "Ủy viên A", "Ủy viên B"});
  const std::string db = test::quote_arg(t.path);
  ASSERT_EQ(test::run_cli_with_input("issued " + db + " bt 7 --by 'Thư ký'", test::pins(1)).exit_code, 0);
  const auto closed = test::run_cli_with_input("round close " + db + " bt --by 'Ủy viên A' 'Ủy viên B'", test::pins(2));
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_EQ(nlohmann::json::parse(closed.out)["result"]["next"], "tie_round");
  const auto refused = test::run_cli_with_input("round open " + db + " bt --candidate a --candidate b --seats 1 --decision 'x' --by 'Ủy viên A' 'Ủy viên B'", test::pins(2));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("bằng phiếu"));
  const auto opened = test::run_cli_with_input("round open " + db + " bt --candidate b --candidate c --seats 1 --decision 'Bầu lại giữa người bằng phiếu' --by 'Ủy viên A' 'Ủy viên B'", test::pins(2));
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  const auto second = (t.dir.path() / "lan2").string();
  const auto printed = test::run_cli("round ballots " + db + " bt --out " + test::quote_arg(second) + " --count 3");
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto pdf_text = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg(second + "/bt.pdf") + " -");
  EXPECT_THAT(pdf_text.out, HasSubstr("Bầu Ban Thường vụ (bầu lần 2)"));
  EXPECT_THAT(pdf_text.out, ::testing::Not(HasSubstr("Nguyễn Văn An")));
  test::write_file(t.dir.path() / "tie.toml", kTieCongress);
  const auto first = (t.dir.path() / "lan1").string();
  ASSERT_EQ(test::run_cli("ballots " + test::quote_arg((t.dir.path() / "tie.toml").string()) + " --out " + test::quote_arg(first)).exit_code, 0);
  const auto ingested = test::run_cli("ingest " + db + " " + test::quote_arg(second + "/bt-front.png") + " " + test::quote_arg(first + "/bt-front.png"));
  ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  std::istringstream lines(ingested.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(nlohmann::json::parse(line)["round"], 2);
  std::getline(lines, line);
  EXPECT_EQ(nlohmann::json::parse(line)["status"], "rejected");
  EXPECT_EQ(nlohmann::json::parse(line)["wait_reasons"][0], "round_closed:1");
  const auto listed = test::run_cli("round list " + db + " --json");
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 2);
  EXPECT_EQ(test::run_cli("audit verify " + db).exit_code, 0);
}

void sql(const std::string& path, const std::string& statement) { EXPECT_EQ(test::exec_sql(path, statement), ""); }

TEST(Rounds, AuditRecountsEveryClosedRound) {
  TieCongress t;
  ASSERT_TRUE(t.db.has_value());
  t.register_deciders();
  for (std::uint32_t s = 1; s <= 5; ++s) t.sheet(1, s, {"a", "b"});
  ASSERT_TRUE(t.db->set_issued("bt", 6, "Thư ký").has_value());
  ASSERT_TRUE(t.db->close_round("bt", "A", "B").has_value());
  ASSERT_TRUE(problems(*t.db).empty());
  // A changed stored result is found, and so is a sheet of a closed round changed afterwards
  // (with its audit entry edited to match, the recount still gives it away).
  sql(t.path, "UPDATE rounds SET result = replace(result, '\"votes\":5', '\"votes\":6')");
  EXPECT_THAT(problems(*CongressDb::open(t.path)), HasSubstr("round 1 of contest bt: the stored result is not the one the audit entry closed it with"));
  sql(t.path, "UPDATE rounds SET result = replace(result, '\"votes\":6', '\"votes\":5')");
  ASSERT_TRUE(problems(*CongressDb::open(t.path)).empty());
  sql(t.path, "UPDATE sheets SET status = 'rejected' WHERE id = 1");
  EXPECT_THAT(problems(*CongressDb::open(t.path)), HasSubstr("round 1 of contest bt: the stored result does not follow from the stored sheets"));
  // A closed round cannot be reopened by hand either.
  sql(t.path, "UPDATE sheets SET status = 'counted' WHERE id = 1; UPDATE rounds SET state = 'open'");
  EXPECT_THAT(problems(*CongressDb::open(t.path)), HasSubstr("was closed, but the database shows it open"));
}

TEST(Batches, StartAndEndAreLoggedAndAKilledBatchEndsInterrupted) {
  TieCongress t;
  ASSERT_TRUE(t.db.has_value());
  t.register_deciders();
  const auto first = t.db->start_batch("sim:deck", "Simulated scanner (serial SIM-1)", "Nguyễn Văn Quét");
  ASSERT_TRUE(first.has_value());
  t.sheet(1, 1, {"a", "b"}, *first);
  // The process dies here: the next batch ends the first as interrupted.
  const auto second = t.db->start_batch("sim:deck", "Simulated scanner (serial SIM-1)", "Nguyễn Văn Quét");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(t.db->end_batch(*first, "done").error().code, "batch_not_open");
  t.sheet(1, 2, {"a", "c"}, *second);
  ASSERT_TRUE(t.db->end_batch(*second, "hopper_empty").has_value());
  SheetInput stray;
  stray.image_path = (t.dir.path() / "stray.png").string();
  test::write_file(stray.image_path, "stray");
  stray.batch_id = *second;
  EXPECT_EQ(t.db->ingest(stray).error().code, "batch_not_open");
  const auto sheets = *t.db->sheets();
  EXPECT_EQ(sheets.at(0).batch_id, std::optional(*first));
  EXPECT_EQ(sheets.at(1).batch_id, std::optional(*second));
  EXPECT_TRUE(problems(*t.db).empty()) << problems(*t.db);
  sql(t.path, "UPDATE batches SET end_reason = 'done' WHERE id = 1");
  EXPECT_THAT(problems(*CongressDb::open(t.path)), HasSubstr("batch 1 ended otherwise than its audit entry says"));
}

TEST(Batches, BatchModeStoresEveryImageOnceInOneCommit) {
  TieCongress t;
  ASSERT_TRUE(t.db.has_value());
  t.register_deciders();
  std::vector<SheetInput> inputs;
  for (int i = 0; i < 20; ++i) {
    SheetInput in;
    in.image_path = (t.dir.path() / ("b" + std::to_string(i) + ".png")).string();
    test::write_file(in.image_path, "batch scan " + std::to_string(i % 15));  // five repeat earlier images
    in.image_name = in.image_path;
    in.recognised = true;
    in.contest_id = "bt";
    in.serial = static_cast<std::uint32_t>(i + 1);
    in.layout_hash = t.round(1).layout_hash;
    in.marks = {{"a", MarkState::kept}, {"b", MarkState::kept}, {"c", MarkState::struck}};
    in.recognition = test::recognition_line(in.serial, in.marks);
    inputs.push_back(in);
  }
  const auto out = t.db->ingest_batch(inputs);
  ASSERT_TRUE(out.has_value()) << out.error().message.en;
  ASSERT_EQ(out->size(), 20u);
  EXPECT_EQ(std::count_if(out->begin(), out->end(), [](const auto& o) { return o.duplicate; }), 5);
  EXPECT_EQ((*out)[17].sheet.id, (*out)[2].sheet.id);
  EXPECT_EQ(t.db->sheets()->size(), 15u);
  std::size_t stored = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(t.db->images_dir())) ++stored;
  EXPECT_EQ(stored, 15u);  // no temporaries left behind
  EXPECT_TRUE(problems(*t.db).empty()) << problems(*t.db);
}

}  // namespace
}  // namespace kp::tally
