#pragma once
// The catalogue of audit events, in one place (documented in docs/audit.md).
#include <string_view>

namespace kp::tally {

enum class AuditEvent {
  init,          // the congress database was created: election id, definition hash, key fingerprint
  issued,        // ballots issued for a contest's open round were entered, and by whom
  round_opened,  // a further round of a contest: its list, seats, the congress's decision, two members
  round_closed,  // a round was closed: its result and the result's hash, two members
  batch_started, // a scanning batch began: source, device identity, operator
  scanner_fault, // a jam, double feed, cover open, lost device…: batch, kind, the sheet it struck
  batch_ended,   // a batch ended: why (done, cancelled, fault, device lost, interrupted), sheets in it
  sheet,         // a scanned side was stored: image hash, recognition hash, state, marks, why it waits
  adjudication,  // two committee members ruled on a waiting side: marks, findings, reason
  cvr_export,    // cast vote records were exported: how many, their Merkle root
  member_added,  // a committee member or operator was registered: name, role, PIN verifier hash, by whom
  signed_in,     // a member signed in at the console (PIN checked)
  signed_out,    // a member signed out, or the console closed with them signed in
  sign_in_refused, // a wrong PIN was given for a member
  documents_written, // ballots printed or a counting record written: what, by whom, each file's SHA-256
  pin_refused,   // a wrong PIN (or a locked member) for an action that changes the count or its record
  key_protected, // the station key was encrypted at rest under the committee's passphrase (or re-encrypted under a new one), and by whom
  key_unlocked,  // the passphrase was given: the station key is held unlocked for the session, and for how long
  key_locked,    // the unlocked key was dropped before its time (`kiemphieu key lock`)
};

constexpr std::string_view to_string(AuditEvent e) {
  switch (e) {
    case AuditEvent::init: return "init";
    case AuditEvent::issued: return "issued";
    case AuditEvent::round_opened: return "round_opened";
    case AuditEvent::round_closed: return "round_closed";
    case AuditEvent::batch_started: return "batch_started";
    case AuditEvent::batch_ended: return "batch_ended";
    case AuditEvent::scanner_fault: return "scanner_fault";
    case AuditEvent::sheet: return "sheet";
    case AuditEvent::adjudication: return "adjudication";
    case AuditEvent::cvr_export: return "cvr_export";
    case AuditEvent::member_added: return "member_added";
    case AuditEvent::signed_in: return "signed_in";
    case AuditEvent::signed_out: return "signed_out";
    case AuditEvent::sign_in_refused: return "sign_in_refused";
    case AuditEvent::documents_written: return "documents_written";
    case AuditEvent::pin_refused: return "pin_refused";
    case AuditEvent::key_protected: return "key_protected";
    case AuditEvent::key_unlocked: return "key_unlocked";
    case AuditEvent::key_locked: return "key_locked";
  }
  return "?";
}

}  // namespace kp::tally
