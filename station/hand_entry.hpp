#pragma once
// Keyboard entry of a ballot that cannot be scanned (torn, wet, folded; no scanner at all): two
// committee members each enter the ballot as the paper reads, independently; it is stored only
// when both entries agree, then counted through the same rules as a scanned ballot.
//
// How it is stored, so that every check of a scanned side holds for it unchanged: each side of
// the ballot becomes a stored "image" that is the entry itself (a small JSON document: contest,
// round, side, serial, the marks, the reason, both members), kept under its SHA-256 like a scan;
// its recognition line says `"source":"hand"` and reads every target unclear; and the two
// members' agreed marks are recorded as their ruling on it (an `adjudication` entry naming both,
// reason "Nhập tay: …"). `audit verify` checks the document's hash, the members and the count;
// `audit replay` derives the line again from the document.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/marks.hpp"
#include "station/authority.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

// One member's entry of one ballot of the contest's open round.
struct HandEntry {
  std::uint32_t serial = 0;                 // read from the paper (its code or printed number)
  std::map<std::string, MarkState> marks;   // candidate id → state; on a strike ballot a name not given is kept
};

// Where two entries of the same ballot differ: the serial ("serial") and each candidate whose
// state differs, in list order. Empty when they agree.
std::vector<std::string> entries_differ(const tally::CongressDb& db, const std::string& contest_id, const HandEntry& first, const HandEntry& second);

// What was stored: one sheet per side of the ballot, each counted (or waiting, as a scanned side
// would, when the serial's other sides are missing).
struct HandEntered {
  std::vector<tally::SheetRow> sheets;
  bool already = false;  // this very entry was stored before (the command run again): nothing added
};

// Both members' PINs checked, then the two entries compared; refusals by name:
// "hand_entries_differ" (each difference said, nothing stored), "serial_taken" (a side of that
// serial is already in the count: a ballot is never counted twice), "bad_entry" (a name not on
// the round's list, a state the form has no box for, a box ballot with a name left out).
Result<HandEntered> enter_by_hand(tally::CongressDb& db, const std::string& contest_id, const HandEntry& first, const HandEntry& second,
                                  const std::string& reason, const Credential& first_member, const Credential& second_member);

// The recognition line of a hand-entered side, derived from its stored document (what replay
// compares with the stored line); empty when the bytes are not such a document.
std::string hand_entry_line(const std::string& document);

}  // namespace kp::station
