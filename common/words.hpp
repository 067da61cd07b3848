#pragma once
// One catalogue of words: every reason, flag, state and outcome a person reads has exactly one
// Vietnamese and one English wording here, used by the results screen, the counting record, the
// command line and the audit alike. Codes (the contract's spellings) stay in data; these words
// are what screens and documents print.
#include <string>
#include <string_view>
#include <vector>

#include "common/evidence.hpp"
#include "common/marks.hpp"
#include "common/text.hpp"

namespace kp::words {

enum class Kind {
  invalid_reason,  // why a ballot is invalid (election-rules.md §3): not_issued, over_vote, …
  sheet_flag,      // a finding about a sheet: no_stamp, write_in, …
  mark_state,      // struck, kept, agree, …
  rejection,       // why recognition refused a side: blank_side, not_a_ballot, …
  wait_reason,     // why a side waits or was refused at admission: unclear, flag, duplicate_serial, …
  side_status,     // counted, waiting, rejected
  next_step,       // none, tie_round, further_round
  batch_end,       // hopper_empty, cancelled, fault, device_lost, interrupted, done
  side,            // front, back
  provisional,     // why a result is not yet final: ballots_waiting, issued_missing, reconciliation_fails, serial_conflict
  rule_profile,    // the rules a contest is counted under: party-190, state-na-2015
  key_state,       // where the station key stands: plain, locked, unlocked, absent
};

// The words for a code of that kind; nullptr when the catalogue has none.
const Text* find(Kind kind, std::string_view code);
// The words for a code in the language asked for; the code itself when the catalogue has none.
std::string say(Kind kind, std::string_view code, Lang lang);

// Every code of a kind that the catalogue words (for tests and documentation).
std::vector<std::string> codes(Kind kind);

inline std::string say(SheetFlag flag, Lang lang) { return say(Kind::sheet_flag, to_string(flag), lang); }
inline std::string say(MarkState state, Lang lang) { return say(Kind::mark_state, to_string(state), lang); }
inline std::string say(Rejection reason, Lang lang) { return say(Kind::rejection, to_string(reason), lang); }
inline std::string say(Side side, Lang lang) { return say(Kind::side, to_string(side), lang); }

}  // namespace kp::words
