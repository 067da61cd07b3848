#pragma once
// Ballot records in (cli-contract.md §5) and tally results out (§6).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "common/error.hpp"
#include "config/election.hpp"
#include "tally/rules.hpp"

namespace kp::tally {

struct RecordSet {
  std::vector<BallotRecord> ballots;
  std::map<std::string, std::int64_t> issued;  // per contest, when a line gave it
};

// Every problem is reported with its line and field; none is skipped silently.
tl::expected<RecordSet, std::vector<Error>> parse_records(std::string_view jsonl, const std::string& source,
                                                          const config::Election& election);

std::vector<ContestResult> count_all(const config::Election& election, const RecordSet& records);

std::string results_json(const std::vector<ContestResult>& results);
std::string results_text(const config::Election& election, const std::vector<ContestResult>& results, Lang lang);

}  // namespace kp::tally
