// The rules engine: hand-worked cases for every rule and edge, and a deliberately naive recount
// that must agree with the engine on thousands of random ballot sets.
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tally/records.hpp"
#include "tally/rules.hpp"
#include "test_support.hpp"

namespace kp::tally {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

config::Election election_of(int candidates, int seats, BallotForm form, std::int64_t convened,
                             config::RuleProfile rules = config::RuleProfile::party_190) {
  config::Election e;
  e.id = "tally-test";
  e.kind = config::CongressKind::conference;  // D = convened
  e.rules = rules;
  e.electorate.convened = convened;
  config::Contest c;
  c.id = "k";
  c.seats = seats;
  c.ballot = form;
  for (int i = 0; i < candidates; ++i) {
    config::Candidate cand;
    cand.id = std::string(1, static_cast<char>('a' + i));
    cand.name = "Ứng Viên " + cand.id;
    c.candidates.push_back(cand);
  }
  e.contests.push_back(c);
  return e;
}

// "k" = kept, "s" = struck, "a" = agree, "d" = disagree, "b" = both, "n" = none; one letter a candidate.
BallotRecord ballot(const config::Election& e, const std::string& states, std::set<SheetFlag> flags = {}) {
  BallotRecord b;
  b.contest_id = "k";
  b.flags = std::move(flags);
  const auto& cands = e.contests[0].candidates;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const char s = states[i];
    b.marks[cands[i].id] = s == 'k' ? MarkState::kept : s == 's' ? MarkState::struck : s == 'a' ? MarkState::agree
                         : s == 'd' ? MarkState::disagree : s == 'b' ? MarkState::both : MarkState::none;
  }
  return b;
}

ContestResult run(const config::Election& e, const std::vector<BallotRecord>& ballots, std::optional<std::int64_t> issued = {}) {
  return count(e, e.contests[0], ballots, issued, settings_for(e.rules));
}

std::vector<std::int64_t> votes(const ContestResult& r) {
  std::vector<std::int64_t> v;
  for (const auto& c : r.candidates) v.push_back(c.votes);
  return v;
}

std::vector<BallotRecord> repeat(const config::Election& e, const std::string& states, int n) {
  return std::vector<BallotRecord>(static_cast<std::size_t>(n), ballot(e, states));
}

std::vector<BallotRecord> join(std::initializer_list<std::vector<BallotRecord>> parts) {
  std::vector<BallotRecord> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(Threshold, StrictlyMoreThanHalfOfD) {
  // D = 10: 5 votes is exactly half, not elected; 6 is one over and elected.
  const auto e = election_of(3, 2, BallotForm::strike, 10);
  const auto r = run(e, join({repeat(e, "kks", 5), repeat(e, "skk", 1)}));
  EXPECT_EQ(r.base, 10);
  EXPECT_EQ(r.votes_needed, 6);
  EXPECT_THAT(votes(r), ElementsAre(5, 6, 1));
  EXPECT_THAT(r.elected, ElementsAre("b"));
  EXPECT_EQ(r.seats_unfilled, 1);
  EXPECT_EQ(r.next, NextStep::further_round);
  // An odd D: 11 needs 6.
  EXPECT_EQ(run(election_of(3, 2, BallotForm::strike, 11), {}).votes_needed, 6);
}

TEST(Threshold, AbsentMembersAndInvalidBallotsCountAgainstEveryone) {
  // 7 of D = 12 voted for a: 7 > 6, elected; had D been counted on ballots it would not matter.
  const auto e = election_of(3, 2, BallotForm::strike, 12);
  const auto r = run(e, join({repeat(e, "kks", 7), repeat(e, "kkk", 3)}));  // 3 over-votes
  EXPECT_EQ(r.valid, 7);
  EXPECT_EQ(r.invalid_by_reason.at(InvalidReason::over_vote), 3);
  EXPECT_THAT(r.elected, ElementsAre("a", "b"));
}

TEST(Winners, HighestWinWhenMoreQualifyThanSeats) {
  const auto e = election_of(4, 2, BallotForm::strike, 10);
  const auto r = run(e, join({repeat(e, "kkss", 6), repeat(e, "ksks", 2), repeat(e, "sksk", 2)}));
  EXPECT_THAT(votes(r), ElementsAre(8, 8, 2, 2));
  EXPECT_THAT(r.elected, ElementsAre("a", "b"));
  EXPECT_EQ(r.next, NextStep::none);
  const auto ordered = run(e, join({repeat(e, "kkss", 6), repeat(e, "skks", 1), repeat(e, "sksk", 3)}));
  EXPECT_THAT(ordered.elected, ElementsAre("b", "a"));  // by votes, high to low: the alternates' order
}

TEST(Ties, TwoAtTheLastSeatNeedANewRound) {
  const auto e = election_of(3, 2, BallotForm::strike, 10);
  const auto r = run(e, join({repeat(e, "kks", 6), repeat(e, "ksk", 2)}));  // a 8, b 6, c 2 … then tie b/c
  EXPECT_THAT(votes(r), ElementsAre(8, 6, 2));
  const auto t = run(e, join({repeat(e, "kks", 4), repeat(e, "ksk", 4)}));  // a 8, b 4, c 4 (below 6)
  EXPECT_THAT(t.elected, ElementsAre("a"));
  EXPECT_THAT(t.tied, IsEmpty());
  const auto tie = run(e, join({repeat(e, "kks", 6), repeat(e, "ksk", 6)}));  // a 12, b 6, c 6: b and c both qualify
  EXPECT_THAT(votes(tie), ElementsAre(12, 6, 6));
  EXPECT_THAT(tie.elected, ElementsAre("a"));
  EXPECT_THAT(tie.tied, ElementsAre("b", "c"));
  EXPECT_EQ(tie.seats_unfilled, 1);
  EXPECT_EQ(tie.next, NextStep::tie_round);
}

TEST(Ties, ThreeForOneSeatElectNobody) {
  const auto e = election_of(3, 1, BallotForm::strike, 12);
  const auto r = run(e, join({repeat(e, "kss", 7), repeat(e, "sks", 7), repeat(e, "ssk", 7)}));
  EXPECT_THAT(votes(r), ElementsAre(7, 7, 7));
  EXPECT_THAT(r.elected, IsEmpty());
  EXPECT_THAT(r.tied, ElementsAre("a", "b", "c"));
  EXPECT_EQ(r.next, NextStep::tie_round);
}

TEST(Ties, ATieInsideTheSeatsIsNoTie) {
  const auto e = election_of(4, 3, BallotForm::strike, 10);
  const auto r = run(e, join({repeat(e, "kkks", 6), repeat(e, "kkss", 2)}));  // 8, 8, 6, 0
  EXPECT_THAT(r.elected, ElementsAre("a", "b", "c"));
  EXPECT_THAT(r.tied, IsEmpty());
}

TEST(Ties, StateProfileGivesTheSeatToTheOlder) {
  auto e = election_of(3, 2, BallotForm::strike, 10, config::RuleProfile::state_na_2015);
  const auto r = run(e, join({repeat(e, "kks", 2), repeat(e, "ksk", 2), repeat(e, "skk", 2)}));
  EXPECT_EQ(r.base, 6);  // the state law counts on valid ballots
  EXPECT_EQ(r.votes_needed, 4);
  EXPECT_THAT(votes(r), ElementsAre(4, 4, 4));
  EXPECT_THAT(r.tied, ElementsAre("a", "b", "c"));  // no birth dates: the tie stands
  e.contests[0].candidates[0].born = "1970-01-01";
  e.contests[0].candidates[1].born = "1965-06-30";
  e.contests[0].candidates[2].born = "1980-03-15";
  const auto by_age = run(e, join({repeat(e, "kks", 2), repeat(e, "ksk", 2), repeat(e, "skk", 2)}));
  EXPECT_THAT(by_age.elected, ElementsAre("b", "a"));
  EXPECT_THAT(by_age.tied, IsEmpty());
  EXPECT_TRUE(by_age.result_stands);  // 6 of 10 voters took part
  const auto low_turnout = run(e, join({repeat(e, "kks", 3), repeat(e, "ksk", 2)}));
  EXPECT_FALSE(low_turnout.result_stands);  // 5 of 10 is not more than half
  EXPECT_EQ(low_turnout.next, NextStep::further_round);
  // The party profile never breaks a tie by age.
  auto party = e;
  party.rules = config::RuleProfile::party_190;
  party.electorate.convened = 6;
  EXPECT_THAT(run(party, join({repeat(e, "kks", 2), repeat(e, "ksk", 2), repeat(e, "skk", 2)})).tied, ElementsAre("a", "b", "c"));
}

TEST(Ballots, AllInvalidAndNone) {
  const auto e = election_of(3, 2, BallotForm::strike, 10);
  const auto untouched = run(e, repeat(e, "kkk", 4), 5);  // an untouched surplus ballot keeps too many
  EXPECT_EQ(untouched.valid, 0);
  EXPECT_EQ(untouched.invalid, 4);
  EXPECT_EQ(untouched.invalid_by_reason.at(InvalidReason::over_vote), 4);
  EXPECT_THAT(untouched.elected, IsEmpty());
  EXPECT_EQ(untouched.next, NextStep::further_round);
  EXPECT_TRUE(untouched.reconciliation.ok());
  const auto nothing = run(e, {}, 10);
  EXPECT_EQ(nothing.collected, 0);
  EXPECT_EQ(nothing.seats_unfilled, 2);
  EXPECT_THAT(votes(nothing), ElementsAre(0, 0, 0));
}

TEST(Ballots, EachInvalidReason) {
  const auto e = election_of(3, 2, BallotForm::strike, 10);
  const auto r = run(e, {ballot(e, "sss"), ballot(e, "kss", {SheetFlag::no_stamp}), ballot(e, "kss", {SheetFlag::write_in}),
                         ballot(e, "kss", {SheetFlag::identifying_mark}), ballot(e, "kss")});
  EXPECT_EQ(r.invalid_by_reason.at(InvalidReason::all_struck), 1);
  EXPECT_EQ(r.invalid_by_reason.at(InvalidReason::not_issued), 1);
  EXPECT_EQ(r.invalid_by_reason.at(InvalidReason::write_in), 1);
  EXPECT_EQ(r.invalid_by_reason.at(InvalidReason::identifying_mark), 1);
  EXPECT_EQ(r.valid, 1);
  EXPECT_THAT(votes(r), ElementsAre(1, 0, 0));
}

TEST(Ballots, BoxBallotRows) {
  const auto e = election_of(3, 3, BallotForm::box, 4);
  // Both boxes on one row: that person gets no vote, the ballot stays valid.
  const auto r = run(e, {ballot(e, "abd"), ballot(e, "ana"), ballot(e, "aad")});
  EXPECT_EQ(r.valid, 3);
  EXPECT_THAT(votes(r), ElementsAre(3, 1, 1));
  EXPECT_THAT(r.elected, ElementsAre("a"));  // 3 of D = 4
  const auto single = election_of(1, 1, BallotForm::box, 4);
  const auto s = run(single, {ballot(single, "b"), ballot(single, "n"), ballot(single, "a"), ballot(single, "a"), ballot(single, "d")});
  EXPECT_EQ(s.invalid_by_reason.at(InvalidReason::single_both_or_none), 2);
  EXPECT_THAT(votes(s), ElementsAre(2));
  EXPECT_THAT(s.elected, IsEmpty());  // 2 of D = 4 is not more than half
}

// The record reads out "không đồng ý" beside the votes on a box ballot: valid ballots only, a row
// with both boxes is neither; a strike ballot has no such column.
TEST(Ballots, BoxBallotsCountDisagreeToo) {
  const auto e = election_of(3, 3, BallotForm::box, 4);
  const auto r = run(e, {ballot(e, "abd"), ballot(e, "ddn"), ballot(e, "aad"), ballot(e, "ddd", {SheetFlag::no_stamp})});
  ASSERT_EQ(r.valid, 3);
  std::vector<std::int64_t> disagree;
  for (const auto& c : r.candidates) disagree.push_back(c.disagree.value_or(-1));
  EXPECT_THAT(disagree, ElementsAre(1, 1, 2));
  EXPECT_THAT(votes(r), ElementsAre(2, 1, 0));
  const auto strike = election_of(3, 2, BallotForm::strike, 4);
  EXPECT_FALSE(run(strike, {ballot(strike, "ksk")}).candidates.front().disagree.has_value());
}

TEST(Reconciliation, IssuedMustCoverCollected) {
  const auto e = election_of(3, 2, BallotForm::strike, 10);
  EXPECT_FALSE(run(e, repeat(e, "kks", 4), 3).reconciliation.ok());
  EXPECT_TRUE(run(e, repeat(e, "kks", 4), 4).reconciliation.ok());
}

// ---------------------------------------------------------------------------------------------
// The naive recount: written straight from the rules, sharing no code with the engine.
struct Naive {
  std::vector<std::int64_t> votes;
  std::int64_t valid = 0, invalid = 0;
  std::vector<std::string> elected_sorted;
  bool tie = false;
};

Naive naive_count(const config::Election& e, const std::vector<BallotRecord>& ballots) {
  const auto& c = e.contests[0];
  Naive n;
  n.votes.assign(c.candidates.size(), 0);
  for (const auto& b : ballots) {
    int kept = 0, struck = 0;
    for (const auto& [id, state] : b.marks) {
      kept += state == MarkState::kept;
      struck += state == MarkState::struck;
    }
    const bool bad = !b.flags.empty() || kept > c.seats || struck == static_cast<int>(c.candidates.size());
    if (bad) {
      ++n.invalid;
      continue;
    }
    ++n.valid;
    for (std::size_t i = 0; i < c.candidates.size(); ++i) n.votes[i] += b.marks.at(c.candidates[i].id) == MarkState::kept;
  }
  const std::int64_t need = e.electorate.convened / 2 + 1;
  std::vector<std::pair<std::int64_t, std::string>> q;
  for (std::size_t i = 0; i < c.candidates.size(); ++i) {
    if (n.votes[i] >= need) q.emplace_back(n.votes[i], c.candidates[i].id);
  }
  std::sort(q.begin(), q.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const auto seats = static_cast<std::size_t>(c.seats);
  if (q.size() > seats && q[seats].first == q[seats - 1].first) {
    n.tie = true;
    for (const auto& [v, id] : q) {
      if (v > q[seats - 1].first) n.elected_sorted.push_back(id);
    }
  } else {
    for (std::size_t i = 0; i < q.size() && i < seats; ++i) n.elected_sorted.push_back(q[i].second);
  }
  std::sort(n.elected_sorted.begin(), n.elected_sorted.end());
  return n;
}

TEST(NaiveRecount, AgreesOnThousandsOfRandomBallotSets) {
  std::mt19937_64 rng(20251123);
  for (int round = 0; round < 3000; ++round) {
    const int candidates = 2 + static_cast<int>(rng() % 8);
    const int seats = 1 + static_cast<int>(rng() % static_cast<unsigned>(candidates - 1));
    const std::int64_t d = 1 + static_cast<std::int64_t>(rng() % 40);
    const auto e = election_of(candidates, seats, BallotForm::strike, d);
    std::vector<BallotRecord> ballots;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      std::string states;
      // Voters mostly strike a few names; the probability of keeping varies per set to reach
      // over-votes, all-struck ballots and ties.
      for (int k = 0; k < candidates; ++k) states += static_cast<int>(rng() % 100) < 40 + round % 50 ? 'k' : 's';
      std::set<SheetFlag> flags;
      if (rng() % 40 == 0) flags.insert(SheetFlag::no_stamp);
      if (rng() % 50 == 0) flags.insert(SheetFlag::write_in);
      ballots.push_back(ballot(e, states, flags));
    }
    const auto engine = run(e, ballots);
    const auto naive = naive_count(e, ballots);
    ASSERT_EQ(votes(engine), naive.votes) << "round " << round;
    ASSERT_EQ(engine.valid, naive.valid);
    ASSERT_EQ(engine.invalid, naive.invalid);
    auto elected = engine.elected;
    std::sort(elected.begin(), elected.end());
    ASSERT_EQ(elected, naive.elected_sorted) << "round " << round;
    ASSERT_EQ(!engine.tied.empty(), naive.tie) << "round " << round;
    ASSERT_TRUE(engine.reconciliation.ok());
  }
}

// ---------------------------------------------------------------------------------------------
TEST(Records, ParseAndRefuseWithLineAndField) {
  const auto e = test::example_election();
  const std::string good =
      R"({"contest_id": "bi-thu", "issued": 150})"
      "\n"
      R"({"contest_id": "bi-thu", "marks": {"c01": "agree"}, "flags": []})"
      "\n\n"
      R"({"contest_id": "bi-thu", "marks": {"c01": "both"}})"
      "\n";
  const auto parsed = parse_records(good, "b.jsonl", *e);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->ballots.size(), 2u);
  EXPECT_EQ(parsed->issued.at("bi-thu"), 150);
  const std::string bad =
      R"({"contest_id": "nope", "marks": {}})"
      "\n"
      R"({"contest_id": "bi-thu", "marks": {"c01": "unclear"}})"
      "\n"
      R"({"contest_id": "bi-thu", "marks": {"c01": "agree"}, "flags": ["scanner_streak"]})"
      "\n"
      R"({"contest_id": "ubkt", "marks": {"c01": "agree"}})"
      "\nnot json\n";
  const auto refused = parse_records(bad, "b.jsonl", *e);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().size(), 5u);
  EXPECT_EQ(refused.error()[0].where, "b.jsonl:1 [contest_id]");
  EXPECT_EQ(refused.error()[1].where, "b.jsonl:2 [marks.c01]");
  EXPECT_EQ(refused.error()[2].where, "b.jsonl:3 [flags]");
  EXPECT_EQ(refused.error()[3].where, "b.jsonl:4 [marks]");  // a candidate without a state
  EXPECT_EQ(refused.error()[4].where, "b.jsonl:5");
}

// Attacks on `tally --ballots`: a misspelt key silently dropped the findings it carried, and a
// line with both "issued" and "marks" lost its ballot.
TEST(Records, AMisspeltKeyAndAMixedLineAreErrorsNotIgnored) {
  const auto e = test::example_election();
  const std::string misspelt = R"({"contest_id": "bi-thu", "marks": {"c01": "agree"}, "flag": ["no_stamp"]})";
  const auto a = parse_records(misspelt, "b.jsonl", *e);
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error()[0].where, "b.jsonl:1 [flag]");
  EXPECT_THAT(a.error()[0].message.en, ::testing::HasSubstr("Unknown key"));
  const std::string mixed = R"({"contest_id": "bi-thu", "issued": 150, "marks": {"c01": "agree"}})";
  const auto b = parse_records(mixed, "b.jsonl", *e);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error()[0].where, "b.jsonl:1 [marks]");
  EXPECT_THAT(b.error()[0].message.en, ::testing::HasSubstr("not both"));
  // Through the program: nothing is counted, the line and key are named, exit 1.
  test::ScratchDir dir;
  test::write_file(dir.path() / "b.jsonl", misspelt + "\n");
  const auto r = test::run_cli("tally " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml")) + " --ballots " +
                               test::quote_arg((dir.path() / "b.jsonl").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::HasSubstr("b.jsonl:1 [flag]"));
  EXPECT_TRUE(r.out.empty());
}

TEST(Records, ResultJsonHasTheContractShape) {
  const auto e = test::example_election();
  std::string lines = R"({"contest_id": "bch", "issued": 150})" "\n";
  for (int i = 0; i < 80; ++i) {
    lines += R"({"contest_id": "bch", "marks": {"c01": "kept", "c02": "kept", "c03": "kept", "c04": "kept", "c05": "kept", "c06": "kept", "c07": "kept", "c08": "kept", "c09": "kept", "c10": "struck"}})";
    lines += "\n";
  }
  const auto parsed = parse_records(lines, "b.jsonl", *e);
  ASSERT_TRUE(parsed.has_value());
  const auto j = nlohmann::json::parse(results_json(count_all(*e, *parsed)));
  const auto& bch = j["contests"][0];
  EXPECT_EQ(bch["contest_id"], "bch");
  EXPECT_EQ(bch["rules"], "party-190");
  EXPECT_EQ(bch["D"], 148);
  EXPECT_EQ(bch["votes_needed"], 75);
  EXPECT_EQ(bch["ballots"]["issued"], 150);
  EXPECT_EQ(bch["ballots"]["collected"], 80);
  EXPECT_EQ(bch["ballots"]["valid"], 80);
  EXPECT_EQ(bch["candidates"][0]["votes"], 80);
  EXPECT_EQ(bch["candidates"][0]["percent_of_D"], 54.05);
  EXPECT_EQ(bch["elected"].size(), 9u);
  EXPECT_EQ(bch["next"], "none");
  EXPECT_EQ(j["contests"][1]["next"], "further_round");  // nobody voted in dai-bieu
}

}  // namespace
}  // namespace kp::tally
