#pragma once
// One typed entry per kind of audit event (tally/audit_events.hpp), with the one JSON form the
// writer signs and `audit verify` reads back: a payload that does not read as its kind is a
// problem of its own, and no field is spelt twice.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tally/audit_events.hpp"

namespace kp::tally::internal {

using EntryJson = nlohmann::json;

struct InitEntry {
  static constexpr AuditEvent kind = AuditEvent::init;
  std::string election_id, election_hash, key_fingerprint;
  int schema = 0;
  EntryJson rounds = EntryJson::array();  // [{contest_id, round, layout_hash}]
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(InitEntry, election_id, election_hash, key_fingerprint, schema, rounds)

struct IssuedEntry {
  static constexpr AuditEvent kind = AuditEvent::issued;
  std::string contest_id;
  int round = 1;
  std::int64_t issued = -1;
  std::string by;
  std::string confirmed_by;  // a second committee member, when a figure already entered is changed (written only then)
};
inline void to_json(EntryJson& j, const IssuedEntry& e) {
  j = EntryJson{{"contest_id", e.contest_id}, {"round", e.round}, {"issued", e.issued}, {"by", e.by}};
  if (!e.confirmed_by.empty()) j["confirmed_by"] = e.confirmed_by;
}
inline void from_json(const EntryJson& j, IssuedEntry& e) {
  e.contest_id = j.value("contest_id", "");
  e.round = j.value("round", 1);
  e.issued = j.value("issued", std::int64_t{-1});
  e.by = j.value("by", "");
  e.confirmed_by = j.value("confirmed_by", "");
}

struct RoundOpenedEntry {
  static constexpr AuditEvent kind = AuditEvent::round_opened;
  std::string contest_id;
  int round = 1;
  std::vector<std::string> candidates;
  int seats = 0;
  std::string layout_hash, decision;
  std::vector<std::string> members;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoundOpenedEntry, contest_id, round, candidates, seats, layout_hash, decision, members)

struct RoundClosedEntry {
  static constexpr AuditEvent kind = AuditEvent::round_closed;
  std::string contest_id;
  int round = 1;
  std::string result_sha256;
  EntryJson result = EntryJson::object();
  std::vector<std::string> members;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RoundClosedEntry, contest_id, round, result_sha256, result, members)

struct BatchStartedEntry {
  static constexpr AuditEvent kind = AuditEvent::batch_started;
  std::int64_t batch = 0;
  std::string source, device, operator_name;  // "operator" in the payload
};
inline void to_json(EntryJson& j, const BatchStartedEntry& e) {
  j = EntryJson{{"batch", e.batch}, {"source", e.source}, {"device", e.device}, {"operator", e.operator_name}};
}
inline void from_json(const EntryJson& j, BatchStartedEntry& e) {
  e.batch = j.value("batch", std::int64_t{0});
  e.source = j.value("source", "");
  e.device = j.value("device", "");
  e.operator_name = j.value("operator", "");
}

struct ScannerFaultEntry {
  static constexpr AuditEvent kind = AuditEvent::scanner_fault;
  std::int64_t batch = 0;
  std::string kind_of_fault;  // "kind" in the payload
  std::int64_t sheet_in_batch = 0;
  bool images_trusted = false;
  std::string detail;
};
inline void to_json(EntryJson& j, const ScannerFaultEntry& e) {
  j = EntryJson{{"batch", e.batch}, {"kind", e.kind_of_fault}, {"sheet_in_batch", e.sheet_in_batch}, {"images_trusted", e.images_trusted}, {"detail", e.detail}};
}
inline void from_json(const EntryJson& j, ScannerFaultEntry& e) {
  e.batch = j.value("batch", std::int64_t{0});
  e.kind_of_fault = j.value("kind", "");
  e.sheet_in_batch = j.value("sheet_in_batch", std::int64_t{0});
  e.images_trusted = j.value("images_trusted", false);
  e.detail = j.value("detail", "");
}

struct BatchEndedEntry {
  static constexpr AuditEvent kind = AuditEvent::batch_ended;
  std::int64_t batch = 0;
  std::string reason;
  EntryJson sheets = EntryJson::object();  // status → how many
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BatchEndedEntry, batch, reason, sheets)

struct SheetEntry {
  static constexpr AuditEvent kind = AuditEvent::sheet;
  std::int64_t sheet = 0;
  std::string image, image_sha256, recognition_sha256, contest_id;
  int round = 0;
  std::string side;
  std::int64_t serial = 0;
  std::string status;
  std::vector<std::string> wait_reasons;
  EntryJson marks = EntryJson::object();
  EntryJson flags = EntryJson::array();
  std::optional<std::int64_t> batch;  // only when the side came in a batch
};
inline void to_json(EntryJson& j, const SheetEntry& e) {
  j = EntryJson{{"sheet", e.sheet},           {"image", e.image},   {"image_sha256", e.image_sha256}, {"recognition_sha256", e.recognition_sha256},
                {"contest_id", e.contest_id}, {"round", e.round},   {"side", e.side},                 {"serial", e.serial},
                {"status", e.status},         {"wait_reasons", e.wait_reasons}, {"marks", e.marks},   {"flags", e.flags}};
  if (e.batch) j["batch"] = *e.batch;
}
inline void from_json(const EntryJson& j, SheetEntry& e) {
  e.sheet = j.value("sheet", std::int64_t{0});
  e.image = j.value("image", "");
  e.image_sha256 = j.value("image_sha256", "");
  e.recognition_sha256 = j.value("recognition_sha256", "");
  e.contest_id = j.value("contest_id", "");
  e.round = j.value("round", 0);
  e.side = j.value("side", "");
  e.serial = j.value("serial", std::int64_t{-1});
  e.status = j.value("status", "");
  e.wait_reasons = j.value("wait_reasons", std::vector<std::string>{});
  e.marks = j.value("marks", EntryJson::object());
  e.flags = j.value("flags", EntryJson::array());
  if (j.contains("batch")) e.batch = j["batch"].get<std::int64_t>();
}

struct AdjudicationEntry {
  static constexpr AuditEvent kind = AuditEvent::adjudication;
  std::int64_t sheet = 0;
  EntryJson marks = EntryJson::object();
  EntryJson flags = EntryJson::array();
  std::string reason;
  std::vector<std::string> members;
  bool set_aside = false;  // written only when true
};
inline void to_json(EntryJson& j, const AdjudicationEntry& e) {
  j = EntryJson{{"sheet", e.sheet}, {"marks", e.marks}, {"flags", e.flags}, {"reason", e.reason}, {"members", e.members}};
  if (e.set_aside) j["set_aside"] = true;
}
inline void from_json(const EntryJson& j, AdjudicationEntry& e) {
  e.sheet = j.value("sheet", std::int64_t{0});
  e.marks = j.value("marks", EntryJson::object());
  e.flags = j.value("flags", EntryJson::array());
  e.reason = j.value("reason", "");
  e.members = j.value("members", std::vector<std::string>{});
  e.set_aside = j.value("set_aside", false);
}

struct CvrExportEntry {
  static constexpr AuditEvent kind = AuditEvent::cvr_export;
  std::int64_t records = 0;
  std::string merkle_root;
  std::string audience = "committee";  // "outside": without serials and images (read as "committee" from earlier logs)
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CvrExportEntry, records, merkle_root, audience)

struct MemberAddedEntry {
  static constexpr AuditEvent kind = AuditEvent::member_added;
  std::string name, role, pin_verifier_sha256, by;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MemberAddedEntry, name, role, pin_verifier_sha256, by)

struct SignedInEntry {
  static constexpr AuditEvent kind = AuditEvent::signed_in;
  std::string name, role;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SignedInEntry, name, role)

struct SignedOutEntry {
  static constexpr AuditEvent kind = AuditEvent::signed_out;
  std::string name;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SignedOutEntry, name)

struct SignInRefusedEntry {
  static constexpr AuditEvent kind = AuditEvent::sign_in_refused;
  std::string name;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SignInRefusedEntry, name)

struct DocumentsWrittenEntry {
  static constexpr AuditEvent kind = AuditEvent::documents_written;
  std::string kind_of_documents;  // "kind" in the payload: "ballots" or "record"
  std::string by;
  EntryJson files = EntryJson::array();  // [{name, sha256}]
};
inline void to_json(EntryJson& j, const DocumentsWrittenEntry& e) { j = EntryJson{{"kind", e.kind_of_documents}, {"by", e.by}, {"files", e.files}}; }
inline void from_json(const EntryJson& j, DocumentsWrittenEntry& e) {
  e.kind_of_documents = j.value("kind", "");
  e.by = j.value("by", "");
  e.files = j.value("files", EntryJson::array());
}

struct PinRefusedEntry {
  static constexpr AuditEvent kind = AuditEvent::pin_refused;
  std::string name, action;
  bool locked = false;  // written only when true
};
inline void to_json(EntryJson& j, const PinRefusedEntry& e) {
  j = EntryJson{{"name", e.name}, {"action", e.action}};
  if (e.locked) j["locked"] = true;
}
inline void from_json(const EntryJson& j, PinRefusedEntry& e) {
  e.name = j.value("name", "");
  e.action = j.value("action", "");
  e.locked = j.value("locked", false);
}

struct KeyProtectedEntry {
  static constexpr AuditEvent kind = AuditEvent::key_protected;
  std::string by;  // empty when protected at creation, before any member
  std::string scheme = "pkcs8-scrypt-aes256cbc";
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KeyProtectedEntry, by, scheme)

struct KeyUnlockedEntry {
  static constexpr AuditEvent kind = AuditEvent::key_unlocked;
  std::int64_t hours = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KeyUnlockedEntry, hours)

struct KeyLockedEntry {
  static constexpr AuditEvent kind = AuditEvent::key_locked;
  bool unused = false;  // the entry itself is the fact
};
inline void to_json(EntryJson& j, const KeyLockedEntry& /*e*/) { j = EntryJson::object(); }
inline void from_json(const EntryJson& /*j*/, KeyLockedEntry& /*e*/) {}

}  // namespace kp::tally::internal
