// The tally of 10,000 ballots of 200 names (goal: under one second), printed by kp_bench.
#include <random>

#include <benchmark/benchmark.h>

#include "tally/rules.hpp"

namespace {

struct TallyFixture {
  kp::config::Election election;
  std::vector<kp::tally::BallotRecord> ballots;
  TallyFixture() {
    election.id = "bench";
    election.kind = kp::config::CongressKind::conference;
    election.electorate.convened = 10000;
    kp::config::Contest contest;
    contest.id = "k";
    contest.seats = 180;
    for (int i = 0; i < 200; ++i) contest.candidates.push_back({"c" + std::to_string(i), "Name " + std::to_string(i), "", "", "", {}, i + 1, 0});
    election.contests.push_back(contest);
    std::mt19937_64 rng(1);
    for (int b = 0; b < 10000; ++b) {
      kp::tally::BallotRecord record;
      record.contest_id = "k";
      for (const auto& c : contest.candidates) record.marks[c.id] = rng() % 10 == 0 ? kp::MarkState::struck : kp::MarkState::kept;
      ballots.push_back(std::move(record));
    }
  }
};

void BM_Tally_10000Ballots_200Names(benchmark::State& state) {
  static const TallyFixture f;
  const auto rules = kp::tally::settings_for(kp::config::RuleProfile::party_190);
  for (auto _ : state) benchmark::DoNotOptimize(kp::tally::count(f.election, f.election.contests[0], f.ballots, 10000, rules));
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_Tally_10000Ballots_200Names)->Unit(benchmark::kMillisecond);

}  // namespace
