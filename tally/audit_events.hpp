#pragma once
// The catalogue of audit events, in one place (documented in docs/audit.md).
#include <string_view>

namespace kp::tally {

enum class AuditEvent {
  init,          // the congress database was created: election id, definition hash, key fingerprint
  issued,        // ballots issued for a contest were entered, and by whom
  sheet,         // a scanned side was stored: image hash, recognition hash, state, marks, why it waits
  adjudication,  // two committee members ruled on a waiting side: marks, findings, reason
  cvr_export,    // cast vote records were exported: how many, their Merkle root
};

constexpr std::string_view to_string(AuditEvent e) {
  switch (e) {
    case AuditEvent::init: return "init";
    case AuditEvent::issued: return "issued";
    case AuditEvent::sheet: return "sheet";
    case AuditEvent::adjudication: return "adjudication";
    case AuditEvent::cvr_export: return "cvr_export";
  }
  return "?";
}

}  // namespace kp::tally
