#pragma once
// The counting record of every contest: PDF (biên bản), JSON and CSV, from the tally's results.
#include <string>
#include <vector>

#include "common/text.hpp"
#include "config/election.hpp"
#include "tally/rules.hpp"

namespace kp::cli {

struct ReportContext {
  std::int64_t waiting = 0;
  bool final = false;
  std::string key_fingerprint;
  // Parallel to the results when they come from a congress database: the contest as put to each
  // round and when that round closed (empty while open). Empty: the definition's contests.
  std::vector<config::Contest> round_contests;
  std::vector<std::string> closed_at;
};

// Writes DIR/<contest>-bien-ban.pdf (DIR/<contest>-lan-<N>-bien-ban.pdf for a later round), DIR/results.json and DIR/results.csv; returns the paths.
std::vector<std::string> write_reports(const config::Election& election, const std::vector<tally::ContestResult>& results,
                                       const ReportContext& context, const std::string& dir, Lang lang);

}  // namespace kp::cli
