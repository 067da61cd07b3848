#pragma once
// Authority on every path: each action that changes the count or its record — a ruling, a
// sheet set aside, ballots issued, a round closed or opened, a member registered, documents
// written — takes registered members with the PINs they give now, checked here whatever calls
// (the command line, the console). Committee members decide; operators only scan. A wrong PIN
// is logged (`pin_refused`) and answered only after a delay, and a member refused five times in
// ten minutes is locked for the rest of them (tally::CongressDb::authenticate).
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/marks.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

// A member and the PIN they give for this action. Never an argument on a command line: read
// from the terminal or standard input (cli/), or typed into the console's dialog (ui/).
struct Credential {
  std::string name;
  std::string pin;
};

// How long a wrong PIN is answered after: long enough that trying every 4-digit PIN through the
// program takes hours (and the lock stops it after five), short enough not to annoy a member who
// mistyped.
inline constexpr std::chrono::milliseconds kWrongPinDelay{1000};

// The member, registered, with the right PIN and a role that may do `action`.
Result<tally::MemberRow> authorize(tally::CongressDb& db, const Credential& who, tally::MemberRole needed, const std::string& action);
// Two different committee members, both with their PINs (a ruling, a round's close or opening).
Result<std::pair<tally::MemberRow, tally::MemberRow>> authorize_two(tally::CongressDb& db, const Credential& first, const Credential& second,
                                                                    const std::string& action);

// A ruling: `marks` names the targets the committee decides; every other target keeps the state
// recognition read, so only what was unclear (or what the committee changes) needs naming.
Result<tally::SheetRow> rule(tally::CongressDb& db, std::int64_t sheet_id, const std::map<std::string, MarkState>& marks,
                             const std::set<SheetFlag>& flags, const std::string& reason, const Credential& first, const Credential& second);
// The committee has seen the red stamp on the paper of these gray-scanned sheets: both members'
// PINs checked once, then tally::CongressDb::confirm_stamps (all or nothing, one ruling each).
Result<int> confirm_stamps(tally::CongressDb& db, const std::vector<std::int64_t>& sheet_ids, const std::string& reason, const Credential& first,
                           const Credential& second);
Result<tally::SheetRow> set_aside(tally::CongressDb& db, std::int64_t sheet_id, const std::string& reason, const Credential& first,
                                  const Credential& second);
// A figure already entered is changed only with a second committee member's PIN too.
Result<void> enter_issued(tally::CongressDb& db, const std::string& contest_id, std::int64_t issued, const Credential& by,
                          const std::optional<Credential>& confirmed_by = std::nullopt);
Result<tally::RoundRow> close_round(tally::CongressDb& db, const std::string& contest_id, const Credential& first, const Credential& second);
Result<tally::RoundRow> open_round(tally::CongressDb& db, const std::string& contest_id, const std::vector<std::string>& candidate_ids, int seats,
                                   const std::string& decision, const Credential& first, const Credential& second);
// The first member needs nobody (`by` empty); every later one a committee member with their PIN.
Result<tally::MemberRow> add_member(tally::CongressDb& db, const std::string& name, tally::MemberRole role, const std::string& new_pin,
                                    const std::optional<Credential>& by);
// The station key encrypted under the committee's passphrase: by a committee member with their
// PIN once any member is registered (right after `init`, nobody yet).
Result<void> protect_key(tally::CongressDb& db, const std::string& passphrase, const std::optional<Credential>& by);
// The key unlocked for the session; a wrong passphrase is answered after the wrong-PIN delay (it
// cannot be logged: nothing signs while the key is locked).
Result<void> unlock_key(tally::CongressDb& db, const std::string& passphrase, std::int64_t hours);
Result<void> record_documents(tally::CongressDb& db, const std::string& kind, const Credential& by, const std::vector<std::string>& paths);

}  // namespace kp::station
