// Admission into the count as pure functions (tally/admission.hpp): a side's state and why it
// waits, the back-side rules, ballots made of their sides; and the naive recount that
// `audit verify` sets against the rules engine, on random congresses.
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/words.hpp"
#include "tally/admission.hpp"
#include "tally/internal/naive_recount.hpp"
#include "tally/rules.hpp"
#include "test_support.hpp"

namespace kp::tally {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Admission, ASideWaitsForEachUnclearTargetAndFinding) {
  const auto a = admit_side(true, RoundPlace{1, true}, {{"c01", MarkState::struck}, {"c02", MarkState::unclear}},
                            {SheetFlag::write_in, SheetFlag::stamp_not_checked}, std::nullopt);
  EXPECT_EQ(a.status, SheetStatus::waiting);
  EXPECT_EQ(a.round, 1);
  EXPECT_THAT(reason_codes(a.reasons), ElementsAre("unclear:c02", "flag:stamp_not_checked", "flag:write_in"));
  const auto clear = admit_side(true, RoundPlace{2, true}, {{"c01", MarkState::kept}}, {}, std::nullopt);
  EXPECT_EQ(clear.status, SheetStatus::counted);
  EXPECT_THAT(clear.reasons, IsEmpty());
}

// A gray scan cannot show the red stamp: however clear its marks, nobody has seen the ballot was
// issued, so it waits until a member looks at the paper.
TEST(Admission, AGraySideWaitsForTheStampToBeSeen) {
  const auto gray = admit_side(true, RoundPlace{1, true}, {{"c01", MarkState::kept}}, {SheetFlag::stamp_not_checked}, std::nullopt);
  EXPECT_EQ(gray.status, SheetStatus::waiting);
  EXPECT_THAT(reason_codes(gray.reasons), ElementsAre("flag:stamp_not_checked"));
}

TEST(Admission, RefusedSidesSayWhy) {
  EXPECT_THAT(reason_codes(admit_side(false, std::nullopt, {}, {}, std::nullopt).reasons), ElementsAre("rejected"));
  EXPECT_THAT(reason_codes(admit_side(true, std::nullopt, {}, {}, std::nullopt).reasons), ElementsAre("unknown_round"));
  const auto late = admit_side(true, RoundPlace{1, false}, {{"c01", MarkState::kept}}, {}, std::nullopt);
  EXPECT_EQ(late.status, SheetStatus::rejected);
  EXPECT_EQ(late.round, 1);
  EXPECT_THAT(reason_codes(late.reasons), ElementsAre("round_closed:1"));
  const auto copy = admit_side(true, RoundPlace{1, true}, {{"c01", MarkState::kept}}, {}, 17);
  EXPECT_EQ(copy.status, SheetStatus::waiting);
  EXPECT_THAT(reason_codes(copy.reasons), ElementsAre("duplicate_serial:17"));
}

TEST(Admission, WaitReasonsReadBackFromTheirStoredSpelling) {
  for (const std::string code : {"unclear:c03", "flag:no_stamp", "duplicate_serial:4", "missing_side:back", "round_closed:2", "unknown_round", "rejected"}) {
    const auto r = parse_wait_reason(code);
    ASSERT_TRUE(r.has_value()) << code;
    EXPECT_EQ(r->code(), code);
  }
  EXPECT_FALSE(parse_wait_reason("eaten:c01").has_value());
}

TEST(Admission, EveryReasonIsSaidInBothLanguagesWithTheCandidatesName) {
  const auto election = test::example_election();
  EXPECT_EQ(say({WaitKind::unclear, "c01"}, *election, "bch", Lang::vi), "chưa rõ: Nguyễn Văn An");
  EXPECT_EQ(say({WaitKind::unclear, "c01"}, *election, "bch", Lang::en), "unclear: Nguyễn Văn An");
  EXPECT_EQ(say({WaitKind::flag, "no_stamp"}, *election, "bch", Lang::vi), words::say(SheetFlag::no_stamp, Lang::vi));
  EXPECT_EQ(say({WaitKind::missing_side, "back"}, *election, "bch", Lang::en), "the other side of the ballot has not arrived (back)");
  for (const auto kind : {WaitKind::unclear, WaitKind::flag, WaitKind::duplicate_serial, WaitKind::missing_side, WaitKind::round_closed,
                          WaitKind::unknown_round, WaitKind::rejected}) {
    const WaitReason r{kind, kind == WaitKind::flag ? "write_in" : (kind == WaitKind::missing_side ? "back" : "")};
    for (const auto lang : {Lang::vi, Lang::en}) {
      const std::string said = say(r, *election, "bch", lang);
      EXPECT_FALSE(said.empty());
      EXPECT_EQ(said.find('_'), std::string::npos) << "a code shown instead of words: " << said;
    }
    EXPECT_NE(say(r, *election, "bch", Lang::vi), say(r, *election, "bch", Lang::en));
  }
}

// Candidate ids repeat across contests (c03 of the committee's list is not c03 of the delegates'):
// an unclear mark names the person of the sheet's own contest.
TEST(Admission, AnUnclearMarkNamesTheCandidateOfItsOwnContest) {
  const auto election = test::example_election();
  for (const auto& contest : election->contests) {
    for (const auto& candidate : contest.candidates) {
      EXPECT_EQ(say({WaitKind::unclear, candidate.id}, *election, contest.id, Lang::vi), "chưa rõ: " + candidate.name) << contest.id << " " << candidate.id;
    }
  }
}

TEST(Words, EveryCodeHasVietnameseAndEnglish) {
  using words::Kind;
  for (const auto kind : {Kind::invalid_reason, Kind::sheet_flag, Kind::mark_state, Kind::rejection, Kind::wait_reason, Kind::side_status,
                          Kind::next_step, Kind::batch_end, Kind::side, Kind::provisional, Kind::rule_profile}) {
    ASSERT_FALSE(words::codes(kind).empty());
    for (const auto& code : words::codes(kind)) {
      const Text* t = words::find(kind, code);
      ASSERT_NE(t, nullptr);
      EXPECT_FALSE(t->vi.empty()) << code;
      EXPECT_FALSE(t->en.empty()) << code;
    }
  }
  // Every value of the typed vocabularies is in the catalogue: a new reason cannot go unworded.
  for (const auto r : {InvalidReason::not_issued, InvalidReason::over_vote, InvalidReason::all_struck, InvalidReason::write_in,
                       InvalidReason::identifying_mark, InvalidReason::single_both_or_none}) {
    EXPECT_NE(words::find(Kind::invalid_reason, to_string(r)), nullptr) << to_string(r);
  }
  for (const auto f : {SheetFlag::no_stamp, SheetFlag::stamp_not_checked, SheetFlag::write_in, SheetFlag::identifying_mark, SheetFlag::scanner_streak}) {
    EXPECT_NE(words::find(Kind::sheet_flag, to_string(f)), nullptr);
  }
  for (const auto p : {config::RuleProfile::party_190, config::RuleProfile::state_na_2015}) {
    EXPECT_NE(words::find(Kind::rule_profile, config::to_string(p)), nullptr) << config::to_string(p);
  }
  for (const auto s : {MarkState::struck, MarkState::kept, MarkState::agree, MarkState::disagree, MarkState::both, MarkState::none, MarkState::unclear}) {
    EXPECT_NE(words::find(Kind::mark_state, to_string(s)), nullptr);
  }
  for (int r = 0; r <= static_cast<int>(Rejection::wrong_scale); ++r) {
    EXPECT_NE(words::find(Kind::rejection, to_string(static_cast<Rejection>(r))), nullptr);
  }
  for (const auto n : {NextStep::none, NextStep::tie_round, NextStep::further_round}) EXPECT_NE(words::find(Kind::next_step, to_string(n)), nullptr);
  for (const auto s : {SheetStatus::counted, SheetStatus::waiting, SheetStatus::rejected}) EXPECT_NE(words::find(Kind::side_status, to_string(s)), nullptr);
}

TEST(BackSide, ABlankBackIsDroppedAndInkOnItMakesTheFrontWait) {
  EXPECT_EQ(back_side_rule(true, false, {"blank_side"}), BackSide::drop_blank);
  EXPECT_EQ(back_side_rule(true, false, {"not_a_ballot"}), BackSide::flag_front);
  EXPECT_EQ(back_side_rule(true, true, {}), BackSide::keep);              // a two-sided ballot's back
  EXPECT_EQ(back_side_rule(false, false, {"blank_side"}), BackSide::keep);  // nothing read on the front: both kept as refused
  EXPECT_EQ(back_side_rule(true, false, {"unreadable_code"}), BackSide::keep);
}

StoredSide side(std::int64_t id, std::int64_t serial, Side s, SheetStatus status, int round = 1) {
  return {"bch", round, serial, id, s, status};
}

TEST(Ballots, ATwoSidedBallotCountsOnceWhenBothSidesAreInAndWaitsForAMissingOne) {
  const std::map<std::pair<std::string, int>, int> two{{{"bch", 1}, 2}};
  const auto ballots = assemble_ballots({side(1, 11, Side::front, SheetStatus::counted), side(2, 11, Side::back, SheetStatus::counted),
                                         side(3, 12, Side::front, SheetStatus::counted)},
                                        two);
  ASSERT_EQ(ballots.size(), 2u);
  EXPECT_EQ(ballots[0].status, SheetStatus::counted);
  EXPECT_THAT(ballots[0].sheet_ids, ElementsAre(1, 2));
  EXPECT_EQ(ballots[1].status, SheetStatus::waiting);
  EXPECT_THAT(reason_codes(ballots[1].reasons), ElementsAre("missing_side:back"));
}

TEST(Ballots, AWaitingSideHoldsItsBallotAndACopyWaitsOnItsOwn) {
  const std::map<std::pair<std::string, int>, int> two{{{"bch", 1}, 2}};
  const auto held = assemble_ballots({side(1, 11, Side::front, SheetStatus::counted), side(2, 11, Side::back, SheetStatus::waiting)}, two);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].status, SheetStatus::waiting);
  EXPECT_THAT(held[0].reasons, IsEmpty());  // the side says why it waits
  const std::map<std::pair<std::string, int>, int> one{{{"bch", 1}, 1}};
  const auto copy = assemble_ballots({side(1, 11, Side::front, SheetStatus::counted), side(2, 11, Side::front, SheetStatus::waiting)}, one);
  ASSERT_EQ(copy.size(), 2u);
  EXPECT_EQ(copy[0].status, SheetStatus::counted);
  EXPECT_EQ(copy[1].status, SheetStatus::waiting);
  const auto twice = assemble_ballots({side(1, 11, Side::front, SheetStatus::counted), side(2, 11, Side::front, SheetStatus::counted)}, one);
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_TRUE(twice[0].conflicting);
  EXPECT_NE(twice[0].status, SheetStatus::counted);
  const auto rounds = assemble_ballots({side(1, 11, Side::front, SheetStatus::counted, 1), side(2, 11, Side::front, SheetStatus::counted, 2),
                                        side(3, 12, Side::front, SheetStatus::rejected)},
                                       one);
  ASSERT_EQ(rounds.size(), 2u);  // the same serial in two rounds is two ballots; a refused side is none
}

// The naive recount and the engine, on random congresses of stored sides.
TEST(NaiveRecount, AgreesWithTheEngineOnRandomStoredCongresses) {
  const auto election = test::example_election();
  std::mt19937_64 rng(20261201);
  const RuleSettings rules = settings_for(election->rules);
  for (int trial = 0; trial < 400; ++trial) {
    const config::Contest& contest = election->contests[static_cast<std::size_t>(trial) % election->contests.size()];
    std::vector<SheetRow> rows;
    std::vector<BallotRecord> records;
    const int n = static_cast<int>(rng() % 160);
    for (int i = 0; i < n; ++i) {
      SheetRow s;
      s.id = i + 1;
      s.contest_id = contest.id;
      s.round = 1;
      s.side = "front";
      s.serial = 1000 + i;
      s.status = rng() % 10 == 0 ? SheetStatus::waiting : SheetStatus::counted;
      for (const auto& c : contest.candidates) {
        const auto roll = rng() % 100;
        if (contest.ballot == BallotForm::strike) {
          s.marks[c.id] = roll < static_cast<unsigned>(30 + trial % 60) ? MarkState::kept : MarkState::struck;
        } else {
          s.marks[c.id] = roll < 70 ? MarkState::agree : roll < 85 ? MarkState::disagree : roll < 93 ? MarkState::both : MarkState::none;
        }
      }
      if (rng() % 30 == 0) s.flags.insert(SheetFlag::no_stamp);
      if (rng() % 40 == 0) s.flags.insert(SheetFlag::write_in);
      if (rng() % 50 == 0) s.flags.insert(SheetFlag::identifying_mark);
      if (s.status == SheetStatus::counted) records.push_back({contest.id, s.marks, s.flags});
      rows.push_back(std::move(s));
    }
    const auto engine = count(*election, contest, records, std::nullopt, rules);
    const auto naive = internal::naive_recount(*election, contest, 1, 1, rows);
    ASSERT_EQ(internal::naive_difference(naive, engine), "") << "trial " << trial;
  }
}

TEST(NaiveRecount, NamesWhatDiffers) {
  const auto election = test::example_election();
  const config::Contest& contest = election->contests[0];
  SheetRow s;
  s.id = 1;
  s.contest_id = contest.id;
  s.round = 1;
  s.side = "front";
  s.serial = 7;
  s.status = SheetStatus::counted;
  for (const auto& c : contest.candidates) s.marks[c.id] = MarkState::struck;
  s.marks[contest.candidates[0].id] = MarkState::kept;
  auto engine = count(*election, contest, {{contest.id, s.marks, {}}}, std::nullopt, settings_for(election->rules));
  const auto naive = internal::naive_recount(*election, contest, 1, 1, {s});
  EXPECT_EQ(internal::naive_difference(naive, engine), "");
  engine.candidates[0].votes += 1;  // what a bug in the engine would give
  EXPECT_THAT(internal::naive_difference(naive, engine), ::testing::HasSubstr("votes for " + contest.candidates[0].id + " 2 counted, 1 on recount"));
}

}  // namespace
}  // namespace kp::tally
