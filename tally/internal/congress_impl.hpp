#pragma once
#include <sys/stat.h>
// The inside of the congress database, shared by the files that split its jobs behind the
// façade of tally/congress_db.hpp: storage (the SQLite file, its schema, the image store:
// congress_db.cpp), admission of scanned sides and the committee's rulings (sheet_admission.cpp),
// rounds and batches (round_store.cpp), members (member_store.cpp), cast vote records
// (cvr_export.cpp) and `audit verify` (audit_verify.cpp). The audit log is appended here.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "config/layout.hpp"
#include "config/load.hpp"
#include "tally/audit_events.hpp"
#include "tally/internal/audit_entries.hpp"
#include "tally/congress_db.hpp"
#include "tally/internal/signing.hpp"
#include "tally/internal/sqlite.hpp"

namespace kp::tally {
namespace internal {

inline constexpr int kSchemaVersion = 3;  // 2: rounds per contest, batches; 3: members and their PINs

// Version 3 added this table only, so a version-2 database is brought forward by creating it.
inline constexpr const char* kMembersTable = R"(
  CREATE TABLE IF NOT EXISTS members(
    name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK(role IN ('committee','operator')),
    pin_verifier TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
)";
inline const std::string kGenesis(64, '0');

Error db_error(const std::string& where, const std::string& what);
// Thrown where an entry must be signed and the station key is not at hand (missing, or
// encrypted and not unlocked): the error says which and what to do.
class KeyNotAtHand : public std::runtime_error {
 public:
  explicit KeyNotAtHand(Error error) : std::runtime_error(error.message.en), error_(std::move(error)) {}
  [[nodiscard]] const Error& error() const { return error_; }

 private:
  Error error_;
};
// The committee's passphrase for the station key is long enough (key_store.cpp).
Result<void> check_passphrase(const std::string& passphrase);
// Writes DB.key whole, owner-only, durably, overwriting what was there first.
Result<void> write_key_file(const std::string& key_path, const std::string& text);
// The error a failed database operation returns: the key's own error when that was the cause.
Error db_error(const std::string& where, const std::exception& e);
std::string now_utc();
// Writes `bytes` to a new file; with `flush`, to the disk before returning.
bool write_file(const std::filesystem::path& path, std::string_view bytes, bool flush);
// A temporary name beside `target`, unique in this process (threads keep images at once) and
// ending in "-PID", so that opening the database removes those of a process that was killed.
std::filesystem::path temporary_beside(const std::filesystem::path& target);
// The extension an image is stored with: the name's, when it looks like one (at most 6 characters).
std::string image_extension(const std::string& name);
// Writes a file so that it is either complete under its final name or absent.
bool write_durably(const std::filesystem::path& target, const std::string& bytes);
nlohmann::json marks_json(const std::map<std::string, MarkState>& marks);
nlohmann::json flags_json(const std::set<SheetFlag>& flags);
std::map<std::string, MarkState> marks_from(const nlohmann::json& j);
std::set<SheetFlag> flags_from(const nlohmann::json& j);
std::optional<SheetStatus> parse_status(const std::string& s);
// The text an entry's hash covers: everything about it, joined unambiguously.
std::string entry_text(std::int64_t seq, const std::string& at, const std::string& type, const std::string& payload, const std::string& prev);
// A ruling or a round's close needs a reason and two different members.
std::optional<Error> missing_members(const std::string& reason, const std::string& member1, const std::string& member2);
Error no_sheet(std::int64_t id);

}  // namespace internal

namespace fs = std::filesystem;
using Json = nlohmann::json;
using internal::Database;
using internal::SqliteError;
using internal::Statement;
using internal::Transaction;
using internal::db_error;
using internal::entry_text;
using internal::flags_from;
using internal::flags_json;
using internal::kGenesis;
using internal::kMembersTable;
using internal::kSchemaVersion;
using internal::marks_from;
using internal::marks_json;
using internal::missing_members;
using internal::no_sheet;
using internal::now_utc;
using internal::parse_status;
using internal::write_durably;
using internal::image_extension;
using internal::write_file;

struct CongressDb::Impl {
  std::string path;
  std::unique_ptr<Database> db;
  // The database file and the image folder as they were opened: SQLite goes on writing to a file
  // deleted under it (everything then vanishes when it closes), so each storing checks first that
  // both are still the ones in use.
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const FileIdentity&) const = default;
  };
  std::optional<FileIdentity> database_file, image_folder;
  static std::optional<FileIdentity> identity_of(const std::filesystem::path& p);
  // Fails "storage_gone" when the database file (and, with `images`, the image folder) is no
  // longer the one opened.
  enum class Needs { database, database_and_images };
  [[nodiscard]] Result<void> still_in_place(Needs needs) const;
  config::ElectionPtr election;
  std::string private_pem;  // empty when the station key is not at hand (read-only use, or locked)
  bool key_protected = false;  // DB.key is encrypted: signing needs `key unlock` first
  [[nodiscard]] Error key_not_at_hand() const;
  std::string public_pem;

  struct RoundState {
    RoundRow row;
    config::ContestLayout layout;
  };
  std::map<std::pair<std::string, int>, RoundState> rounds;  // (contest, round), re-read after every change

  // Rebuilds every round's contest and layout from the stored rows; a row that no longer
  // builds (edited by hand) is a broken database, not a value.
  void load_rounds() {
    rounds.clear();
    auto q = db->prepare("SELECT contest_id, round, candidates, seats, layout_hash, state, issued, opened_at, closed_at, result FROM rounds");
    while (q.step()) {
      RoundState st;
      RoundRow& r = st.row;
      r.contest_id = q.text(0);
      r.round = static_cast<int>(q.integer(1));
      const config::Contest* first = election->find_contest(r.contest_id);
      if (first == nullptr) throw SqliteError("round of an unknown contest " + r.contest_id);
      if (r.round == 1) {
        r.contest = *first;
      } else {
        std::vector<std::string> ids;
        for (const auto& id : Json::parse(q.text(2), nullptr, false)) ids.push_back(id.get<std::string>());
        auto c = config::round_contest(*first, r.round, ids, static_cast<int>(q.integer(3)));
        if (!c) throw SqliteError(c.error().message.en);
        r.contest = *c;
      }
      auto layout = config::compute_layout(*election, r.contest);
      if (!layout) throw SqliteError(layout.error().message.en);
      st.layout = *layout;
      r.layout_hash = q.text(4);
      r.open = q.text(5) == "open";
      if (q.maybe_text(6)) r.issued = q.integer(6);
      r.opened_at = q.text(7);
      r.closed_at = q.maybe_text(8).value_or("");
      r.result_json = q.maybe_text(9).value_or("");
      rounds[{r.contest_id, r.round}] = std::move(st);
    }
  }

  // The contest's latest round (the open one while a round is open).
  RoundState* latest_round(const std::string& contest_id) {
    RoundState* out = nullptr;
    for (auto& [key, st] : rounds) {
      if (key.first == contest_id && (out == nullptr || key.second > out->row.round)) out = &st;
    }
    return out;
  }

  const RoundState* round_printed_as(const std::string& contest_id, const std::string& layout_hash) const {
    for (const auto& [key, st] : rounds) {
      if (key.first == contest_id && st.row.layout_hash == layout_hash) return &st;
    }
    return nullptr;
  }

  [[nodiscard]] CountSummary count_sheets(const std::vector<SheetRow>& all) const;

  // Rounds in the definition's contest order, then by number.
  [[nodiscard]] std::vector<const RoundState*> ordered_rounds() const {
    std::vector<const RoundState*> out;
    for (const auto& contest : election->contests) {
      for (const auto& [key, st] : rounds) {
        if (key.first == contest.id) out.push_back(&st);
      }
    }
    return out;
  }

  // Ends a batch in the caller's transaction, with what came in during it.
  void end_batch(std::int64_t id, const std::string& reason) {
    const std::string at = now_utc();
    db->prepare("UPDATE batches SET ended_at = ?, end_reason = ? WHERE id = ?").bind(1, at).bind(2, reason).bind(3, id).run();
    Json in_batch = Json::object();
    auto q = db->prepare("SELECT status, count(*) FROM sheets WHERE batch_id = ? GROUP BY status");
    q.bind(1, id);
    while (q.step()) in_batch[q.text(0)] = q.integer(1);
    append(internal::BatchEndedEntry{id, reason, in_batch});
  }

  void insert_round(const RoundRow& r) {
    Json ids = Json::array();
    for (const auto& c : r.contest.candidates) ids.push_back(c.id);
    db->prepare("INSERT INTO rounds(contest_id, round, candidates, seats, layout_hash, state, opened_at) VALUES(?,?,?,?,?, 'open', ?)")
        .bind(1, r.contest_id).bind(2, std::int64_t{r.round}).bind(3, ids.dump()).bind(4, std::int64_t{r.contest.seats})
        .bind(5, r.layout_hash).bind(6, r.opened_at).run();
  }

  [[nodiscard]] fs::path images() const { return fs::path(path + ".images"); }

  void append(const AuditEvent type, const Json& payload) {
    if (private_pem.empty()) throw internal::KeyNotAtHand(key_not_at_hand());
    auto last = db->prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    std::int64_t seq = 1;
    std::string prev = kGenesis;
    if (last.step()) {
      seq = last.integer(0) + 1;
      prev = last.text(1);
    }
    const std::string at = now_utc();
    const std::string body = payload.dump();
    const std::string name(to_string(type));
    const std::string hash = sha256_hex(entry_text(seq, at, name, body, prev));
    const std::string signature = internal::sign_hex(private_pem, hash);
    db->prepare("INSERT INTO audit(seq, at, type, payload, prev_hash, hash, signature) VALUES(?,?,?,?,?,?,?)")
        .bind(1, seq).bind(2, at).bind(3, name).bind(4, body).bind(5, prev).bind(6, hash).bind(7, signature).run();
  }

  // A typed entry (tally/internal/audit_entries.hpp), in the caller's transaction.
  template <class Entry>
  void append(const Entry& entry) {
    append(Entry::kind, Json(entry));
  }
  // A typed entry that changes nothing else, in its own transaction.
  template <class Entry>
  Result<void> log(const Entry& entry) {
    return log(Entry::kind, Json(entry));
  }

  // An entry that changes nothing else, in its own transaction.
  Result<void> log(const AuditEvent type, const Json& payload) {
    if (auto there = still_in_place(Needs::database); !there) return there;
    try {
      Transaction tx(*db);
      append(type, payload);
      tx.commit();
      return {};
    } catch (const std::exception& e) {
      return tl::unexpected(db_error(path, e));
    }
  }

  SheetRow row_from(Statement& q) const {
    SheetRow r;
    r.id = q.integer(0);
    r.image_name = q.text(1);
    r.image_sha256 = q.text(2);
    r.stored_file = q.text(3);
    r.contest_id = q.text(4);
    r.side = q.text(5);
    r.serial = q.integer(6);
    r.status = parse_status(q.text(7)).value_or(SheetStatus::waiting);
    for (const auto& w : Json::parse(q.text(8), nullptr, false)) {
      if (auto reason = parse_wait_reason(w.get<std::string>())) r.wait_reasons.push_back(std::move(*reason));
    }
    r.recognition = q.text(9);
    r.marks = marks_from(Json::parse(q.text(10), nullptr, false));
    r.flags = flags_from(Json::parse(q.text(11), nullptr, false));
    r.round = static_cast<int>(q.integer(12));
    if (q.maybe_text(13)) r.batch_id = q.integer(13);
    return r;
  }

  std::optional<SheetRow> find_sheet(std::int64_t id) const {
    auto q = db->prepare(std::string("SELECT ") + kSheetColumns + " FROM sheets WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return row_from(q);
  }

  // Why a ruling with these marks and findings cannot be recorded on this waiting sheet (its round
  // closed, a target of the voter's list left undecided, a finding the committee cannot rule), or
  // nothing. The rows are those of the sheet's own round.
  [[nodiscard]] std::optional<Error> ruling_problem(const SheetRow& row, const std::map<std::string, MarkState>& marks,
                                                    const std::set<SheetFlag>& flags) const;

  // Writes a ruling: its row, the sheet's new state and the audit entry, in the caller's transaction.
  void record_ruling(std::int64_t sheet_id, SheetStatus status, const std::map<std::string, MarkState>& marks,
                     const std::set<SheetFlag>& flags, const std::string& reason, const std::string& member1, const std::string& member2) {
    const bool aside = status == SheetStatus::rejected;
    db->prepare("INSERT INTO adjudications(sheet_id, marks, flags, reason, member1, member2, at) VALUES(?,?,?,?,?,?,?)")
        .bind(1, sheet_id).bind(2, marks_json(marks).dump()).bind(3, flags_json(flags).dump())
        .bind(4, aside ? "set aside: " + reason : reason).bind(5, member1).bind(6, member2).bind(7, now_utc()).run();
    db->prepare("UPDATE sheets SET status = ?, marks = ?, flags = ? WHERE id = ?")
        .bind(1, std::string(to_string(status))).bind(2, marks_json(marks).dump()).bind(3, flags_json(flags).dump()).bind(4, sheet_id).run();
    append(internal::AdjudicationEntry{sheet_id, marks_json(marks), flags_json(flags), reason, {member1, member2}, aside});
  }

  static constexpr const char* kSheetColumns =
      "id, image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round, batch_id";
};

}  // namespace kp::tally
