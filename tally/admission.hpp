#pragma once
// Admission into the count, as pure functions: what a stored side's state is and why it waits,
// and how the sides of one ballot make the ballot's state. The congress database applies them
// when a side is stored and when it counts; the console and the command line read the typed
// reasons they give instead of taking strings apart. No database, no files.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/marks.hpp"
#include "common/text.hpp"
#include "config/election.hpp"

namespace kp::tally {

enum class SheetStatus { counted, waiting, rejected };
std::string_view to_string(SheetStatus status);
std::optional<SheetStatus> parse_sheet_status(std::string_view text);

// Why a side waits for the committee, or was kept out of the count at admission.
enum class WaitKind {
  unclear,           // a target recognition could not decide (subject: candidate id)
  flag,              // a finding on the sheet (subject: the flag's code)
  duplicate_serial,  // the same side of this serial is already stored (subject: that sheet's id)
  missing_side,      // the other side of a two-sided ballot has not arrived (subject: "front"/"back")
  round_closed,      // a ballot of a round already closed (subject: the round number); refused
  unknown_round,     // a code of this election that no round printed; refused
  rejected,          // recognition refused the side; refused
};
std::string_view to_string(WaitKind kind);

struct WaitReason {
  WaitKind kind = WaitKind::unclear;
  std::string subject;

  // The stored spelling: "unclear:c03", "flag:write_in", "duplicate_serial:12", "rejected".
  [[nodiscard]] std::string code() const;
  friend bool operator==(const WaitReason&, const WaitReason&) = default;
};
std::optional<WaitReason> parse_wait_reason(std::string_view code);
std::vector<std::string> reason_codes(const std::vector<WaitReason>& reasons);

// The reason in words (the catalogue's), with the candidate's name where it names one: the name
// in the sheet's own contest (candidate ids repeat across contests: c01 of one list is not c01 of
// the next).
std::string say(const WaitReason& reason, const config::Election& election, std::string_view contest_id, Lang lang);

// Where a recognised side's ballot belongs: the round whose layout printed it, if any.
struct RoundPlace {
  int round = 0;
  bool open = false;
};

struct SideAdmission {
  SheetStatus status = SheetStatus::waiting;
  int round = 0;
  std::vector<WaitReason> reasons;
};

// A stored side's state: refused when recognition refused it or no open round printed it;
// otherwise waiting for every unclear target, every finding (a gray scan's unchecked stamp too:
// someone must see the paper's stamp) and an earlier side with the same serial; counted when
// nothing waits.
SideAdmission admit_side(bool recognised, std::optional<RoundPlace> round, const std::map<std::string, MarkState>& marks,
                         const std::set<SheetFlag>& findings, std::optional<std::int64_t> same_serial_stored_as);

// The back-side rules of a scanner sheet (both sides of one paper arrive together): the blank
// back of a one-sided ballot is not kept; ink on the back of a one-sided ballot may identify the
// voter, so the front waits for the committee with an identifying mark.
enum class BackSide { keep, drop_blank, flag_front };
BackSide back_side_rule(bool front_recognised, bool back_recognised, const std::vector<std::string>& back_rejections);

// One stored side that recognition read, as the count sees it.
struct StoredSide {
  std::string contest_id;
  int round = 0;
  std::int64_t serial = 0;
  std::int64_t sheet_id = 0;
  Side side = Side::front;
  SheetStatus status = SheetStatus::waiting;  // counted or waiting (refused sides are no ballot)
};

// A ballot: the sides of one serial in one round of one contest, as far as they have arrived.
struct BallotState {
  std::string contest_id;
  int round = 0;
  std::int64_t serial = 0;
  SheetStatus status = SheetStatus::waiting;  // counted only when every side is in and counted
  bool conflicting = false;                   // a side counted twice (a photocopy let through): counted nowhere until settled
  std::vector<WaitReason> reasons;            // missing_side for each side that has not arrived
  std::vector<std::int64_t> sheet_ids;        // its sides, in the order given
};

// Groups sides into ballots. Per serial: the counted sides make one counted ballot when every
// side of the layout is there (`sides_per_ballot` of its contest and round), a conflicting one
// when a side is counted twice; a side still waiting is a waiting ballot of its own when the
// counted sides are complete without it (a second copy), otherwise the ballot waits on it; a
// ballot with a side that never arrived waits with missing_side. Ballots come out by contest,
// round and serial.
std::vector<BallotState> assemble_ballots(const std::vector<StoredSide>& sides, const std::map<std::pair<std::string, int>, int>& sides_per_ballot);

}  // namespace kp::tally
