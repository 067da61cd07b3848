#pragma once
// The rules engine: valid and invalid ballots, votes, the threshold base D, who is elected,
// ties at the cut-off and unfilled seats, under a named rule profile (election-rules.md).
// Pure code: no database, no files.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/marks.hpp"
#include "config/election.hpp"

namespace kp::tally {

// Why a ballot is invalid (election-rules.md §3), in the order they are checked.
enum class InvalidReason { not_issued, over_vote, all_struck, write_in, identifying_mark, single_both_or_none };
std::string_view to_string(InvalidReason reason);

// Each rule is a named setting; the profiles fill them in (election-rules.md §3, §5, §8).
struct RuleSettings {
  config::RuleProfile profile = config::RuleProfile::party_190;
  bool threshold_on_membership = true;     // party: more than half of D; state: of the valid ballots
  bool write_in_invalid = true;            // (default) a name written in makes the ballot invalid
  bool identifying_mark_invalid = true;    // (default) a signature or distinguishing mark does too
  bool single_both_or_none_invalid = true; // (default) one-name box ballot with both or neither box
  bool tie_breaks_by_age = false;          // state: the older candidate; party: never, a new round
  bool needs_turnout = false;              // state: the result stands only if over half the voters took part
};

RuleSettings settings_for(config::RuleProfile profile);

// One decided ballot (cli-contract.md §5): every target's state and the committee's findings.
struct BallotRecord {
  std::string contest_id;
  std::map<std::string, MarkState> marks;  // candidate id → state (never unclear)
  std::set<SheetFlag> flags;               // no_stamp, write_in, identifying_mark as found
};

struct BallotVerdict {
  bool valid = false;
  std::optional<InvalidReason> reason;
  std::vector<std::string> supported;  // candidate ids this ballot votes for, when valid
  std::vector<std::string> opposed;    // box ballots: candidate ids whose "không đồng ý" box it marks, when valid
};

BallotVerdict judge(const config::Contest& contest, const BallotRecord& ballot, const RuleSettings& rules);

struct CandidateResult {
  std::string candidate_id;
  std::int64_t votes = 0;
  double percent_of_base = 0;  // of D, two decimals
  bool elected = false;
  // Box ballots only: valid ballots marking "không đồng ý" for this name (the record prints it
  // beside the votes, as the committee reads both columns out).
  std::optional<std::int64_t> disagree;
};

enum class NextStep { none, tie_round, further_round };
std::string_view to_string(NextStep next);

struct Reconciliation {
  bool issued_covers_collected = true;  // issued ≥ collected (when issued is known)
  bool valid_plus_invalid = true;       // valid + invalid = collected
  bool votes_within_valid = true;       // every candidate's votes ≤ valid ballots
  [[nodiscard]] bool ok() const { return issued_covers_collected && valid_plus_invalid && votes_within_valid; }
};

struct ContestResult {
  std::string contest_id;
  int round = 1;
  config::RuleProfile rules = config::RuleProfile::party_190;
  std::int64_t base = 0;          // D
  std::int64_t votes_needed = 0;  // floor(D / 2) + 1
  std::optional<std::int64_t> issued;
  std::int64_t collected = 0;
  std::int64_t valid = 0;
  std::int64_t invalid = 0;
  std::map<InvalidReason, std::int64_t> invalid_by_reason;
  std::vector<CandidateResult> candidates;  // in printed order
  std::vector<std::string> elected;         // by votes, high to low (for alternates: the substitution order)
  std::vector<std::string> tied;            // share the last seats; a new round among them is needed
  int seats_unfilled = 0;
  NextStep next = NextStep::none;
  bool result_stands = true;  // state profile: false when half the voters did not take part
  Reconciliation reconciliation;
};

ContestResult count(const config::Election& election, const config::Contest& contest, const std::vector<BallotRecord>& ballots,
                    std::optional<std::int64_t> issued, const RuleSettings& rules);

}  // namespace kp::tally
