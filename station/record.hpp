#pragma once
// The counting record of every contest: PDF (biên bản), JSON and CSV, from the tally's results.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"
#include "config/election.hpp"
#include "tally/congress_db.hpp"
#include "tally/rules.hpp"

namespace kp::station {

struct ReportContext {
  std::int64_t waiting = 0;
  bool final = false;
  std::string key_fingerprint;
  // Parallel to the results when they come from a congress database: the contest as put to each
  // round and when that round closed (empty while open). Empty: the definition's contests.
  std::vector<config::Contest> round_contests;
  std::vector<std::string> closed_at;
  // Parallel to the results: the ballots of that round still waiting (each record says its own).
  std::vector<std::int64_t> waiting_per_round;
  std::string log_head;  // the audit log's head when the record is written ("N:HASH")
  std::vector<std::string> committee;  // the counting committee's registered members, who sign (empty: lines to fill in)
  // Parallel to the results: the gray-scanned ballots whose stamp the committee saw on the paper.
  std::vector<std::int64_t> stamps_seen_on_paper;
  // Parallel to the results: the ballots entered by hand by two members.
  std::vector<std::int64_t> entered_by_hand;
};

struct RecordFiles {
  std::vector<std::string> written;  // the paths written
  std::vector<Error> errors;         // records that could not be written
};

// Writes DIR/<contest>-bien-ban.pdf (DIR/<contest>-lan-<N>-bien-ban.pdf for a later round), DIR/results.json and DIR/results.csv; returns the paths.
RecordFiles write_reports(const config::Election& election, const std::vector<tally::ContestResult>& results, const ReportContext& context,
                          const std::string& dir, Lang lang);

// The counting record of every contest and round of a congress database, as it stands.
Result<RecordFiles> write_record(const tally::CongressDb& db, const std::string& dir, Lang lang);

}  // namespace kp::station
