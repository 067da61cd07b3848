#pragma once
// The counting record (biên bản kiểm phiếu, election-rules.md §7) as a PDF ready to print and
// sign, in Vietnamese or English. The program fills the record from the tally; this module only
// lays it out, so it knows nothing of how the count was made.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace kp::printing {

struct RecordCandidate {
  std::string name;
  std::int64_t votes = 0;
  double percent_of_base = 0;
  std::optional<std::int64_t> disagree;  // box ballots: "không đồng ý"
};

// Who came (election-rules.md §7), as far as the definition knows it: those convened, those
// absent for the whole congress that the rules take out of D, and so those present.
struct Attendance {
  std::int64_t convened = 0;
  std::int64_t absent = 0;
};

struct CountingRecord {
  std::string issuer;
  std::string congress;
  std::string date;
  std::string contest_title;
  int seats = 0;
  std::string rules;              // "party-190" or "state-na-2015"
  std::int64_t base = 0;          // D
  std::string base_explanation;   // how D was computed
  std::int64_t votes_needed = 0;
  std::optional<Attendance> attendance;  // Party rules; none under the state profile
  std::optional<std::int64_t> issued;
  std::int64_t collected = 0, valid = 0, invalid = 0;
  std::vector<std::pair<std::string, std::int64_t>> invalid_by_reason;
  std::vector<RecordCandidate> candidates;  // in list order
  std::vector<RecordCandidate> elected;     // by votes, high to low
  std::vector<std::string> tied;            // names
  int seats_unfilled = 0;
  std::int64_t waiting = 0;                 // sheets still waiting for the committee
  std::int64_t stamps_seen_on_paper = 0;    // gray-scanned ballots whose stamp the committee confirmed on the paper
  std::int64_t entered_by_hand = 0;         // ballots entered by hand by two members (not scanned)
  bool final = false;
  std::string closed_at;                    // when the count was closed (or printed, when provisional)
  std::string election_hash;
  std::string key_fingerprint;              // empty when no congress database is involved
  std::string log_head;                     // "N:HASH", the audit log's newest entry when the record was written; empty without a database
  std::vector<std::string> committee;       // names for the signature lines; empty lines when unknown
};

Result<void> write_counting_record_pdf(const CountingRecord& record, Lang lang, const std::string& path);

}  // namespace kp::printing
