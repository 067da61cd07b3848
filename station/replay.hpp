#pragma once
// The auditor's replay: every stored image read again through the same recognition and
// compared, byte for byte, with the line recorded when it was scanned.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/error.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

struct ReplayDifference {
  std::int64_t sheet_id = 0;
  std::string image;
  std::string stored;
  std::string replayed;
};

// Calls `each` after every side, in the database's order, with how far it is and the side's
// difference if it has one; returns how many differ.
using ReplayProgress = std::function<void(std::size_t done, std::size_t total, const ReplayDifference* difference)>;
Result<std::size_t> replay(const tally::CongressDb& db, int threads, const ReplayProgress& each);

// The independent recount ("counted again on another computer"): every stored image read again,
// each counted ballot made anew from what is read now (where the machine cannot decide a target,
// the committee's ruling stands), and every round counted again from those ballots by the rules
// engine; compared, ballot by ballot and in total, with the stored count.
struct RecountDifference {
  std::int64_t sheet_id = 0;
  std::int64_t serial = 0;
  std::string image;        // the stored file, to look at
  std::string candidate_id;
  std::string counted;      // the state the stored count holds
  std::string read_now;     // the state the image reads now ("-": nothing for that name)
};
struct RecountReport {
  std::int64_t ballots = 0;                   // counted ballots recounted
  std::vector<RecountDifference> differences;  // in sheet order, then list order
  std::string stored_results;                 // tally::results_json of the stored count
  std::string recounted_results;              // and of the recount
  [[nodiscard]] bool equal() const { return differences.empty() && stored_results == recounted_results; }
};
Result<RecountReport> recount(const tally::CongressDb& db, int threads, const std::function<void(std::size_t done, std::size_t total)>& progress);

}  // namespace kp::station
