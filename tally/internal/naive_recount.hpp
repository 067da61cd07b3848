#pragma once
// A second, deliberately naive count of one round straight from the stored sides, sharing no
// code with the rules engine (rules.cpp) or the ballot assembly (admission.cpp): `audit verify`
// compares the two, in the spirit of SQLite's differential testing, so a bug in one is caught
// by the other.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/election.hpp"
#include "tally/congress_db.hpp"

namespace kp::tally::internal {

struct NaiveRound {
  std::int64_t collected = 0, valid = 0, invalid = 0;
  std::map<std::string, std::int64_t> invalid_by_reason;  // by the reason's code
  std::map<std::string, std::int64_t> votes;              // candidate id → votes
  std::vector<std::string> elected_sorted;
  std::vector<std::string> tied_sorted;
};

NaiveRound naive_recount(const config::Election& election, const config::Contest& round_contest, int round, int sides_per_ballot,
                         const std::vector<SheetRow>& all_sides);

// The same figures read from a result as the engine gives it, for comparison; empty when they
// agree, otherwise what differs in words.
std::string naive_difference(const NaiveRound& naive, const ContestResult& engine);

}  // namespace kp::tally::internal
