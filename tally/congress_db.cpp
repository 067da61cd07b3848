#include "tally/congress_db.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "config/layout.hpp"
#include "config/load.hpp"
#include "config/names.hpp"
#include "tally/audit_events.hpp"
#include "tally/internal/pin.hpp"
#include "tally/internal/signing.hpp"
#include "tally/internal/sqlite.hpp"

namespace kp::tally {
namespace {

namespace fs = std::filesystem;
using internal::Database;
using internal::SqliteError;
using internal::Statement;
using internal::Transaction;
using Json = nlohmann::json;

constexpr int kSchemaVersion = 3;  // 2: rounds per contest, batches; 3: members and their PINs

// Version 3 added this table only, so a version-2 database is brought forward by creating it.
constexpr const char* kMembersTable = R"(
  CREATE TABLE IF NOT EXISTS members(
    name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK(role IN ('committee','operator')),
    pin_verifier TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
)";
const std::string kGenesis(64, '0');

Error db_error(const std::string& where, const std::string& what) {
  return Error{"database_error", {"Lỗi cơ sở dữ liệu đại hội: " + what, "Congress database error: " + what}, where};
}

std::string now_utc() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Writes `bytes` to a new file; with `flush`, to the disk before returning.
bool write_file(const fs::path& path, const std::string& bytes, bool flush) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (flush && ::fsync(fd) != 0) {
    ::close(fd);
    return false;
  }
  return ::close(fd) == 0;
}

// Writes a file so that it is either complete under its final name or absent: write a
// temporary, flush it to disk, rename, flush the folder.
bool write_durably(const fs::path& target, const std::string& bytes) {
  const fs::path temp = target.parent_path() / (".tmp-" + target.filename().string() + "-" + std::to_string(::getpid()));
  if (!write_file(temp, bytes, true)) return false;
  if (::rename(temp.c_str(), target.c_str()) != 0) return false;
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

Json marks_json(const std::map<std::string, MarkState>& marks) {
  Json j = Json::object();
  for (const auto& [id, state] : marks) j[id] = std::string(to_string(state));
  return j;
}

Json flags_json(const std::set<SheetFlag>& flags) {
  Json j = Json::array();
  for (const auto f : flags) j.push_back(std::string(to_string(f)));
  return j;
}

std::map<std::string, MarkState> marks_from(const Json& j) {
  std::map<std::string, MarkState> out;
  if (!j.is_object()) return out;
  for (const auto& [id, v] : j.items()) {
    if (auto s = parse_mark_state(v.get<std::string>())) out[id] = *s;
  }
  return out;
}

std::set<SheetFlag> flags_from(const Json& j) {
  std::set<SheetFlag> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (auto f = parse_sheet_flag(v.get<std::string>())) out.insert(*f);
  }
  return out;
}

std::optional<SheetStatus> parse_status(const std::string& s) {
  if (s == "counted") return SheetStatus::counted;
  if (s == "waiting") return SheetStatus::waiting;
  if (s == "rejected") return SheetStatus::rejected;
  return std::nullopt;
}

// The text an entry's hash covers: everything about it, joined unambiguously.
std::string entry_text(std::int64_t seq, const std::string& at, const std::string& type, const std::string& payload, const std::string& prev) {
  return prev + "\n" + std::to_string(seq) + "\n" + at + "\n" + type + "\n" + payload;
}

}  // namespace

std::string_view to_string(SheetStatus status) {
  switch (status) {
    case SheetStatus::counted: return "counted";
    case SheetStatus::waiting: return "waiting";
    case SheetStatus::rejected: return "rejected";
  }
  return "?";
}

struct CongressDb::Impl {
  std::string path;
  std::unique_ptr<Database> db;
  config::ElectionPtr election;
  std::string private_pem;  // empty when the station key is not at hand (read-only use)
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
    append(AuditEvent::batch_ended, {{"batch", id}, {"reason", reason}, {"sheets", in_batch}});
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
    if (private_pem.empty()) throw SqliteError("the station key " + path + ".key is missing: nothing can be recorded");
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

  // An entry that changes nothing else, in its own transaction.
  Result<void> log(const AuditEvent type, const Json& payload) {
    try {
      Transaction tx(*db);
      append(type, payload);
      tx.commit();
      return {};
    } catch (const std::exception& e) {
      return tl::unexpected(db_error(path, e.what()));
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
    for (const auto& w : Json::parse(q.text(8), nullptr, false)) r.wait_reasons.push_back(w.get<std::string>());
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

  // Writes a ruling: its row, the sheet's new state and the audit entry, in the caller's transaction.
  void record_ruling(std::int64_t sheet_id, SheetStatus status, const std::map<std::string, MarkState>& marks,
                     const std::set<SheetFlag>& flags, const std::string& reason, const std::string& member1, const std::string& member2) {
    const bool aside = status == SheetStatus::rejected;
    db->prepare("INSERT INTO adjudications(sheet_id, marks, flags, reason, member1, member2, at) VALUES(?,?,?,?,?,?,?)")
        .bind(1, sheet_id).bind(2, marks_json(marks).dump()).bind(3, flags_json(flags).dump())
        .bind(4, aside ? "set aside: " + reason : reason).bind(5, member1).bind(6, member2).bind(7, now_utc()).run();
    db->prepare("UPDATE sheets SET status = ?, marks = ?, flags = ? WHERE id = ?")
        .bind(1, std::string(to_string(status))).bind(2, marks_json(marks).dump()).bind(3, flags_json(flags).dump()).bind(4, sheet_id).run();
    Json payload{{"sheet", sheet_id}, {"marks", marks_json(marks)}, {"flags", flags_json(flags)}, {"reason", reason}, {"members", {member1, member2}}};
    if (aside) payload["set_aside"] = true;
    append(AuditEvent::adjudication, payload);
  }

  static constexpr const char* kSheetColumns =
      "id, image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, round, batch_id";
};

CongressDb::CongressDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CongressDb::~CongressDb() = default;
CongressDb::CongressDb(CongressDb&&) noexcept = default;
CongressDb& CongressDb::operator=(CongressDb&&) noexcept = default;

const config::Election& CongressDb::election() const { return *impl_->election; }
std::string CongressDb::key_fingerprint() const { return internal::key_fingerprint(impl_->public_pem); }
std::string CongressDb::images_dir() const { return impl_->images().string(); }

Result<CongressDb> CongressDb::create(const std::string& path, const std::string& election_toml, const std::string& source_name) {
  if (fs::exists(path)) {
    return fail("already_exists", {"Tệp cơ sở dữ liệu đã có: không ghi đè một đại hội", "The database file exists: a congress is never overwritten"},
                path);
  }
  auto loaded = config::parse_election(election_toml, source_name);
  if (!loaded) {
    return fail("invalid_election", {"Định nghĩa cuộc bầu có lỗi (chạy “kiemphieu check”)", "The election definition has errors (run “kiemphieu check”)"},
                source_name);
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->election = loaded->election;
    const auto key = internal::generate_key();
    impl->private_pem = key.private_pem;
    impl->public_pem = key.public_pem;
    fs::create_directories(impl->images());
    // The private key is readable by the counting account only.
    const int fd = ::open((path + ".key").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ::write(fd, key.private_pem.data(), key.private_pem.size()) != static_cast<ssize_t>(key.private_pem.size()) ||
        ::fsync(fd) != 0 || ::close(fd) != 0) {
      return fail("write_failed", {"Không ghi được khóa của trạm", "Cannot write the station key"}, path + ".key");
    }
    impl->db = std::make_unique<Database>(path, true);
    Transaction tx(*impl->db);
    impl->db->exec(R"(
      CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE rounds(
        contest_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        candidates TEXT NOT NULL,
        seats INTEGER NOT NULL,
        layout_hash TEXT NOT NULL,
        state TEXT NOT NULL CHECK(state IN ('open','closed')),
        issued INTEGER,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        result TEXT,
        PRIMARY KEY(contest_id, round));
      CREATE TABLE batches(
        id INTEGER PRIMARY KEY, source TEXT NOT NULL, device TEXT NOT NULL, operator TEXT NOT NULL,
        started_at TEXT NOT NULL, ended_at TEXT, end_reason TEXT, pid INTEGER NOT NULL);
      CREATE TABLE sheets(
        id INTEGER PRIMARY KEY,
        image_name TEXT NOT NULL,
        image_sha256 TEXT NOT NULL UNIQUE,
        stored_file TEXT NOT NULL,
        contest_id TEXT NOT NULL,
        side TEXT NOT NULL,
        serial INTEGER NOT NULL,
        status TEXT NOT NULL CHECK(status IN ('counted','waiting','rejected')),
        wait_reasons TEXT NOT NULL,
        recognition TEXT NOT NULL,
        marks TEXT NOT NULL,
        flags TEXT NOT NULL,
        round INTEGER NOT NULL,
        batch_id INTEGER REFERENCES batches(id));
      CREATE INDEX sheets_by_serial ON sheets(contest_id, round, side, serial);
      CREATE TABLE adjudications(
        id INTEGER PRIMARY KEY,
        sheet_id INTEGER NOT NULL REFERENCES sheets(id),
        marks TEXT NOT NULL, flags TEXT NOT NULL, reason TEXT NOT NULL,
        member1 TEXT NOT NULL, member2 TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE audit(
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL);
    )");
    impl->db->exec(kMembersTable);
    const auto put = [&](const std::string& k, const std::string& v) {
      impl->db->prepare("INSERT INTO meta(key, value) VALUES(?, ?)").bind(1, k).bind(2, v).run();
    };
    put("schema", std::to_string(kSchemaVersion));
    put("election_toml", election_toml);
    put("election_source", source_name);
    put("election_hash", loaded->election->content_hash);
    put("public_key", key.public_pem);
    // Round 1 of every contest opens with the congress; its ballots carry this layout hash.
    Json first_rounds = Json::array();
    for (const auto& contest : loaded->election->contests) {
      auto layout = config::compute_layout(*loaded->election, contest);
      if (!layout) return tl::unexpected(layout.error());
      RoundRow r;
      r.contest_id = contest.id;
      r.contest = contest;
      r.layout_hash = layout->short_hash();
      r.opened_at = now_utc();
      impl->insert_round(r);
      first_rounds.push_back({{"contest_id", contest.id}, {"round", 1}, {"layout_hash", r.layout_hash}});
    }
    impl->append(AuditEvent::init, {{"election_id", loaded->election->id}, {"election_hash", loaded->election->content_hash},
                                    {"key_fingerprint", internal::key_fingerprint(key.public_pem)}, {"schema", kSchemaVersion},
                                    {"rounds", first_rounds}});
    tx.commit();
    impl->load_rounds();
    return CongressDb(std::move(impl));
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(path, e.what()));
  }
}

Result<CongressDb> CongressDb::open(const std::string& path) {
  if (!fs::exists(path)) {
    return fail("no_database", {"Không có cơ sở dữ liệu đại hội (tạo bằng “kiemphieu init”)", "No congress database here (create one with “kiemphieu init”)"},
                path);
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->db = std::make_unique<Database>(path, false);
    std::map<std::string, std::string> meta;
    auto q = impl->db->prepare("SELECT key, value FROM meta");
    while (q.step()) meta[q.text(0)] = q.text(1);
    if (meta["schema"] == "2") {
      Transaction tx(*impl->db);
      impl->db->exec(kMembersTable);
      impl->db->prepare("UPDATE meta SET value = ? WHERE key = 'schema'").bind(1, std::to_string(kSchemaVersion)).run();
      tx.commit();
      meta["schema"] = std::to_string(kSchemaVersion);
    }
    if (meta["schema"] != std::to_string(kSchemaVersion)) return tl::unexpected(db_error(path, "unknown schema version " + meta["schema"]));
    auto loaded = config::parse_election(meta["election_toml"], meta["election_source"]);
    if (!loaded) return tl::unexpected(db_error(path, "the stored election definition does not load"));
    impl->election = loaded->election;
    impl->public_pem = meta["public_key"];
    if (fs::exists(path + ".key")) impl->private_pem = read_file_bytes(path + ".key");
    impl->load_rounds();
    // Half-written images of a process that was killed (".tmp-NAME-PID", the process gone) are
    // garbage: their sheets were never recorded, and the next attempt writes them again.
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(impl->images(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".tmp-", 0) != 0) continue;
      const auto dash = name.rfind('-');
      const pid_t writer = static_cast<pid_t>(std::atol(name.c_str() + dash + 1));
      if (writer > 0 && ::kill(writer, 0) != 0 && errno == ESRCH) fs::remove(entry.path(), ec);
    }
    return CongressDb(std::move(impl));
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(path, e.what()));
  }
}


Result<IngestOutcome> CongressDb::ingest(const SheetInput& in) {
  auto outcomes = ingest_batch({in});
  if (!outcomes) return tl::unexpected(outcomes.error());
  return outcomes->front();
}

Result<std::vector<IngestOutcome>> CongressDb::ingest_batch(const std::vector<SheetInput>& inputs) {
  try {
    auto& db = *impl_->db;
    // 1. Every image complete on disk before any row refers to it: written to temporaries, the
    // file system flushed once, renamed, the folder flushed. A process killed here leaves only
    // files that the next attempt reuses.
    std::vector<std::string> hashes, stored_names;
    std::vector<std::pair<fs::path, fs::path>> renames;
    std::set<std::string> pending;
    for (const auto& in : inputs) {
      const std::string bytes = read_file_bytes(in.image_path);
      if (bytes.empty()) return fail("file_unreadable", {"Không đọc được tệp ảnh", "Cannot read the image file"}, in.image_path);
      hashes.push_back(sha256_hex(bytes));
      std::string extension = fs::path(in.image_path).extension().string();
      if (extension.size() > 6) extension.clear();
      stored_names.push_back(hashes.back() + extension);
      const fs::path target = impl_->images() / stored_names.back();
      if (pending.count(target.string()) != 0) continue;
      if (fs::exists(target) && sha256_hex(read_file_bytes(target)) == hashes.back()) continue;
      const fs::path temp = target.parent_path() / (".tmp-" + target.filename().string() + "-" + std::to_string(::getpid()));
      // Not flushed here: the file system is flushed once for the whole batch below.
      if (!write_file(temp, bytes, false)) return fail("write_failed", {"Không lưu được ảnh", "Cannot store the image"}, target.string());
      renames.emplace_back(temp, target);
      pending.insert(target.string());
    }
    if (!renames.empty()) {
      const int dir = ::open(impl_->images().c_str(), O_RDONLY | O_DIRECTORY);
      if (dir < 0) return fail("write_failed", {"Không mở được thư mục ảnh", "Cannot open the image folder"}, impl_->images().string());
      bool ok = ::syncfs(dir) == 0;
      for (const auto& [temp, target] : renames) ok = ok && ::rename(temp.c_str(), target.c_str()) == 0;
      ok = ok && ::fsync(dir) == 0;
      ::close(dir);
      if (!ok) return fail("write_failed", {"Không lưu được ảnh", "Cannot store the images"}, impl_->images().string());
    }
    // 2. Every row and its audit entry in one transaction: all of the batch or none of it.
    Transaction tx(db);
    std::vector<IngestOutcome> outcomes;
    std::set<std::int64_t> open_batches;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const SheetInput& in = inputs[i];
      const std::string& sha = hashes[i];
      {
        auto q = db.prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets WHERE image_sha256 = ?");
        q.bind(1, sha);
        if (q.step()) {
          outcomes.push_back({true, impl_->row_from(q)});
          continue;
        }
      }
      if (in.batch_id && open_batches.count(*in.batch_id) == 0) {
        auto b = db.prepare("SELECT 1 FROM batches WHERE id = ? AND ended_at IS NULL");
        b.bind(1, *in.batch_id);
        if (!b.step()) {
          return fail("batch_not_open", {"Đợt quét " + std::to_string(*in.batch_id) + " không mở", "Batch " + std::to_string(*in.batch_id) + " is not open"});
        }
        open_batches.insert(*in.batch_id);
      }
      SheetRow row;
      row.image_name = in.image_name;
      row.image_sha256 = sha;
      row.stored_file = stored_names[i];
      row.contest_id = in.contest_id;
      row.side = std::string(to_string(in.side));
      row.serial = in.serial;
      row.recognition = in.recognition;
      row.batch_id = in.batch_id;
      const Impl::RoundState* round = in.recognised ? impl_->round_printed_as(in.contest_id, in.layout_hash) : nullptr;
      if (!in.recognised) {
        row.status = SheetStatus::rejected;
        row.wait_reasons = {"rejected"};
      } else if (round == nullptr) {
        // Recognition knows only this congress's ballots; a code it read but no round printed is
        // a ballot from elsewhere, kept and never counted.
        row.status = SheetStatus::rejected;
        row.wait_reasons = {"unknown_round"};
      } else if (!round->row.open) {
        // A ballot of a round already closed (found late in a box): kept, never counted.
        row.round = round->row.round;
        row.status = SheetStatus::rejected;
        row.wait_reasons = {"round_closed:" + std::to_string(round->row.round)};
      } else {
        row.round = round->row.round;
        for (const auto& [id, state] : in.marks) {
          if (state == MarkState::unclear) row.wait_reasons.push_back("unclear:" + id);
        }
        for (const auto f : in.findings) {
          // A gray scan cannot show the stamp; the paper ballot in hand can, so it does not stop the count.
          if (f != SheetFlag::stamp_not_checked) row.wait_reasons.push_back("flag:" + std::string(to_string(f)));
        }
        auto dup = db.prepare("SELECT id FROM sheets WHERE contest_id = ? AND round = ? AND side = ? AND serial = ? AND status != 'rejected'");
        dup.bind(1, in.contest_id).bind(2, std::int64_t{row.round}).bind(3, row.side).bind(4, static_cast<std::int64_t>(in.serial));
        if (dup.step()) row.wait_reasons.push_back("duplicate_serial:" + std::to_string(dup.integer(0)));
        row.status = row.wait_reasons.empty() ? SheetStatus::counted : SheetStatus::waiting;
        if (row.status == SheetStatus::counted) row.marks = in.marks;
      }
      Json reasons = row.wait_reasons;
      auto insert = db.prepare(
          "INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, "
          "round, batch_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
      insert.bind(1, row.image_name).bind(2, sha).bind(3, row.stored_file).bind(4, row.contest_id).bind(5, row.side)
          .bind(6, row.serial).bind(7, std::string(to_string(row.status))).bind(8, reasons.dump()).bind(9, row.recognition)
          .bind(10, marks_json(row.marks).dump()).bind(11, flags_json(row.flags).dump()).bind(12, std::int64_t{row.round});
      if (row.batch_id) {
        insert.bind(13, *row.batch_id);
      } else {
        insert.bind_null(13);
      }
      insert.run();
      row.id = sqlite3_last_insert_rowid(db.handle());
      Json entry{{"sheet", row.id}, {"image", row.image_name}, {"image_sha256", sha}, {"recognition_sha256", sha256_hex(row.recognition)},
                 {"contest_id", row.contest_id}, {"round", row.round}, {"side", row.side}, {"serial", row.serial},
                 {"status", to_string(row.status)}, {"wait_reasons", reasons}, {"marks", marks_json(row.marks)}, {"flags", flags_json(row.flags)}};
      if (row.batch_id) entry["batch"] = *row.batch_id;
      impl_->append(AuditEvent::sheet, entry);
      outcomes.push_back({false, std::move(row)});
    }
    tx.commit();
    return outcomes;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<void> CongressDb::set_issued(const std::string& contest_id, std::int64_t issued, const std::string& entered_by) {
  if (impl_->election->find_contest(contest_id) == nullptr) {
    return fail("unknown_contest", {"Không có cuộc bầu " + contest_id, "No contest " + contest_id}, contest_id);
  }
  if (issued < 0 || entered_by.empty()) {
    return fail("bad_issued", {"Số phiếu phát ra phải không âm và có người nhập", "Ballots issued must not be negative and need who entered them"});
  }
  try {
    const auto* round = impl_->latest_round(contest_id);
    if (round == nullptr || !round->row.open) {
      return fail("round_closed", {"Cuộc bầu " + contest_id + " không có lần bầu nào đang mở", "Contest " + contest_id + " has no open round"}, contest_id);
    }
    const int number = round->row.round;
    Transaction tx(*impl_->db);
    impl_->db->prepare("UPDATE rounds SET issued = ? WHERE contest_id = ? AND round = ?").bind(1, issued).bind(2, contest_id).bind(3, std::int64_t{number}).run();
    impl_->append(AuditEvent::issued, {{"contest_id", contest_id}, {"round", number}, {"issued", issued}, {"by", entered_by}});
    tx.commit();
    impl_->load_rounds();
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

namespace {

std::optional<Error> missing_members(const std::string& reason, const std::string& member1, const std::string& member2) {
  if (member1.empty() || member2.empty() || member1 == member2 || reason.empty()) {
    return Error{"two_members",
                 {"Cần hai thành viên Ban kiểm phiếu khác nhau cùng đồng ý, và lý do", "Two different committee members must agree, and give the reason"},
                 ""};
  }
  return std::nullopt;
}

Error no_sheet(std::int64_t id) {
  return Error{"no_sheet", {"Không có tờ phiếu số " + std::to_string(id), "No sheet " + std::to_string(id)}, ""};
}

}  // namespace

Result<SheetRow> CongressDb::adjudicate(std::int64_t sheet_id, const std::map<std::string, MarkState>& marks, const std::set<SheetFlag>& flags,
                                        const std::string& reason, const std::string& member1, const std::string& member2) {
  try {
    auto row = impl_->find_sheet(sheet_id);
    if (!row) return tl::unexpected(no_sheet(sheet_id));
    if (row->status != SheetStatus::waiting) {
      return fail("not_waiting", {"Tờ phiếu số " + std::to_string(sheet_id) + " không chờ Ban kiểm phiếu quyết định",
                                  "Sheet " + std::to_string(sheet_id) + " is not waiting for the committee"});
    }
    if (auto e = missing_members(reason, member1, member2)) return tl::unexpected(*e);
    // The rows of the ballot the voter had: the list of that sheet's round.
    const auto round = impl_->rounds.find({row->contest_id, row->round});
    if (round == impl_->rounds.end()) throw SqliteError("a waiting sheet without its round");
    if (!round->second.row.open) {
      return fail("round_closed", {"Lần bầu của tờ phiếu này đã kết thúc", "The round of this sheet is closed"});
    }
    const config::Contest* contest = &round->second.row.contest;
    const config::SideLayout* side = round->second.layout.find_side(parse_side(row->side).value_or(Side::front));
    for (const auto& r : side->rows) {
      const auto it = marks.find(r.candidate_id);
      if (it == marks.end() || it->second == MarkState::unclear || !state_fits_form(it->second, contest->ballot)) {
        return fail("bad_ruling", {"Quyết định phải nêu trạng thái rõ ràng cho " + r.candidate_id + " (" + r.name + ")",
                                   "The ruling must give a decided state for " + r.candidate_id + " (" + r.name + ")"});
      }
    }
    for (const auto f : flags) {
      if (f != SheetFlag::no_stamp && f != SheetFlag::write_in && f != SheetFlag::identifying_mark) {
        return fail("bad_ruling", {"Chỉ ghi được no_stamp, write_in, identifying_mark", "Only no_stamp, write_in, identifying_mark can be ruled"});
      }
    }
    Transaction tx(*impl_->db);
    impl_->record_ruling(sheet_id, SheetStatus::counted, marks, flags, reason, member1, member2);
    tx.commit();
    row->status = SheetStatus::counted;
    row->marks = marks;
    row->flags = flags;
    return *row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<SheetRow> CongressDb::set_aside(std::int64_t sheet_id, const std::string& reason, const std::string& member1,
                                       const std::string& member2) {
  try {
    auto row = impl_->find_sheet(sheet_id);
    if (!row) return tl::unexpected(no_sheet(sheet_id));
    if (row->status == SheetStatus::rejected) {
      return fail("already_aside", {"Tờ phiếu đã bị loại", "The sheet is already set aside or refused"});
    }
    if (auto e = missing_members(reason, member1, member2)) return tl::unexpected(*e);
    if (const auto round = impl_->rounds.find({row->contest_id, row->round}); round != impl_->rounds.end() && !round->second.row.open) {
      return fail("round_closed", {"Lần bầu của tờ phiếu này đã kết thúc: kết quả đã ghi không đổi được",
                                   "The round of this sheet is closed: its recorded result cannot change"});
    }
    Transaction tx(*impl_->db);
    impl_->record_ruling(sheet_id, SheetStatus::rejected, {}, {}, reason, member1, member2);
    tx.commit();
    row->status = SheetStatus::rejected;
    row->marks.clear();
    row->flags.clear();
    return *row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

std::string_view to_string(MemberRole role) { return role == MemberRole::committee ? "committee" : "operator"; }

std::optional<MemberRole> parse_member_role(std::string_view text) {
  if (text == "committee") return MemberRole::committee;
  if (text == "operator") return MemberRole::scanner_operator;
  return std::nullopt;
}

namespace {

bool valid_pin(const std::string& pin) {
  // 4 to 12 digits: typed on a keypad in a hall, long enough that a glance does not give it away.
  if (pin.size() < 4 || pin.size() > 12) return false;
  return std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error no_member(const std::string& name) {
  return Error{"unknown_member", {"Không có thành viên tên “" + name + "”", "No member named “" + name + "”"}, name};
}

}  // namespace

Result<MemberRow> CongressDb::add_member(const std::string& raw_name, MemberRole role, const std::string& pin, const std::string& added_by) {
  const std::string name = config::normalize_name(raw_name);
  if (name.empty()) return fail("bad_member", {"Cần họ và tên của thành viên", "The member's full name is needed"});
  if (!valid_pin(pin)) return fail("bad_pin", {"Mã PIN phải gồm 4 đến 12 chữ số", "The PIN must be 4 to 12 digits"}, name);
  try {
    const auto existing = members();
    if (!existing) return tl::unexpected(existing.error());
    const std::string by = added_by.empty() ? std::string() : config::normalize_name(added_by);
    if (!existing->empty()) {
      const auto it = std::find_if(existing->begin(), existing->end(), [&](const MemberRow& m) { return m.name == by; });
      if (it == existing->end() || it->role != MemberRole::committee) {
        return fail("not_committee", {"Chỉ thành viên Ban kiểm phiếu mới thêm được người", "Only a committee member can register someone"}, by);
      }
      if (std::any_of(existing->begin(), existing->end(), [&](const MemberRow& m) { return m.name == name; })) {
        return fail("member_exists", {"Đã có thành viên tên “" + name + "”", "There is already a member named “" + name + "”"}, name);
      }
    }
    MemberRow row{name, role, now_utc(), existing->empty() ? std::string() : by};
    const std::string verifier = internal::make_pin_verifier(pin);
    Transaction tx(*impl_->db);
    impl_->db->prepare("INSERT INTO members(name, role, pin_verifier, added_at, added_by) VALUES(?, ?, ?, ?, ?)")
        .bind(1, row.name).bind(2, std::string(to_string(role))).bind(3, verifier).bind(4, row.added_at).bind(5, row.added_by).run();
    impl_->append(AuditEvent::member_added, {{"name", row.name}, {"role", to_string(role)}, {"pin_verifier_sha256", sha256_hex(verifier)}, {"by", row.added_by}});
    tx.commit();
    return row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<std::vector<MemberRow>> CongressDb::members() const {
  try {
    std::vector<MemberRow> out;
    auto q = impl_->db->prepare("SELECT name, role, added_at, added_by FROM members ORDER BY rowid");
    while (q.step()) out.push_back({q.text(0), parse_member_role(q.text(1)).value_or(MemberRole::committee), q.text(2), q.text(3)});
    return out;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<MemberRow> CongressDb::check_pin(const std::string& raw_name, const std::string& pin) const {
  const std::string name = config::normalize_name(raw_name);
  try {
    auto q = impl_->db->prepare("SELECT role, pin_verifier, added_at, added_by FROM members WHERE name = ?");
    q.bind(1, name);
    if (!q.step()) return tl::unexpected(no_member(name));
    if (!internal::pin_matches(pin, q.text(1))) {
      return fail("wrong_pin", {"Sai mã PIN của " + name, "Wrong PIN for " + name}, name);
    }
    return MemberRow{name, parse_member_role(q.text(0)).value_or(MemberRole::committee), q.text(2), q.text(3)};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<MemberRow> CongressDb::sign_in(const std::string& name, const std::string& pin) {
  auto member = check_pin(name, pin);
  Result<void> logged;
  if (member) {
    logged = impl_->log(AuditEvent::signed_in, {{"name", member->name}, {"role", to_string(member->role)}});
  } else if (member.error().code == "wrong_pin") {
    logged = impl_->log(AuditEvent::sign_in_refused, {{"name", config::normalize_name(name)}});
  }
  if (!logged) return tl::unexpected(logged.error());
  return member;
}

Result<void> CongressDb::record_documents(const std::string& kind, const std::string& by, const std::vector<std::string>& paths) {
  Json files = Json::array();
  for (const auto& path : paths) {
    const std::string bytes = read_file_bytes(path);
    if (bytes.empty()) return fail("file_unreadable", {"Không đọc được tệp", "Cannot read the file"}, path);
    files.push_back({{"name", fs::path(path).filename().string()}, {"sha256", sha256_hex(bytes)}});
  }
  return impl_->log(AuditEvent::documents_written, {{"kind", kind}, {"by", config::normalize_name(by)}, {"files", files}});
}

Result<void> CongressDb::sign_out(const std::string& name) {
  return impl_->log(AuditEvent::signed_out, {{"name", config::normalize_name(name)}});
}


Result<std::vector<SheetRow>> CongressDb::sheets() const {
  try {
    std::vector<SheetRow> out;
    auto q = impl_->db->prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets ORDER BY id");
    while (q.step()) out.push_back(impl_->row_from(q));
    return out;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<SheetRow> CongressDb::sheet(std::int64_t id) const {
  try {
    auto q = impl_->db->prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return fail("unknown_sheet", {"Không có tờ phiếu số " + std::to_string(id), "No sheet " + std::to_string(id)});
    return impl_->row_from(q);
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<std::int64_t> CongressDb::last_event() const {
  try {
    auto q = impl_->db->prepare("SELECT coalesce(max(seq), 0) FROM audit");
    q.step();
    return q.integer(0);
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

// The count over sheets already read: count() reads them, verify() has them at hand.
CountSummary CongressDb::Impl::count_sheets(const std::vector<SheetRow>& all) const {
  CountSummary summary;
  // A ballot is all the sides of one serial in one round; it counts when every side is counted, once.
  using RoundKey = std::pair<std::string, int>;
  std::map<RoundKey, std::map<std::int64_t, std::vector<const SheetRow*>>> ballots;
  std::map<RoundKey, std::int64_t> waiting;
  for (const auto& s : all) {
    if (s.status == SheetStatus::rejected) {
      ++summary.rejected;
    } else if (s.status == SheetStatus::waiting) {
      ++summary.waiting;
      ++waiting[{s.contest_id, s.round}];
    } else {
      ++summary.counted;
      ballots[{s.contest_id, s.round}][s.serial].push_back(&s);
    }
  }
  const RuleSettings rules = settings_for(election->rules);
  for (const auto* round : ordered_rounds()) {
    const RoundKey key{round->row.contest_id, round->row.round};
    RoundStanding standing;
    standing.waiting = waiting[key];
    standing.closed = !round->row.open;
    standing.closed_at = round->row.closed_at;
    std::vector<BallotRecord> records;
    for (const auto& [serial, sides] : ballots[key]) {
      std::set<std::string> side_names;
      for (const auto* s : sides) side_names.insert(s->side);
      if (side_names.size() != sides.size()) {
        ++standing.conflicting_serials;
        continue;
      }
      if (sides.size() != round->layout.sides.size()) continue;  // the other side has not been counted yet
      BallotRecord b;
      b.contest_id = key.first;
      for (const auto* s : sides) {
        b.marks.insert(s->marks.begin(), s->marks.end());
        b.flags.insert(s->flags.begin(), s->flags.end());
      }
      records.push_back(std::move(b));
    }
    summary.conflicting_serials += standing.conflicting_serials;
    summary.results.push_back(tally::count(*election, round->row.contest, records, round->row.issued, rules));
    summary.contests.push_back(round->row.contest);
    summary.standing.push_back(standing);
  }
  summary.final = summary.waiting == 0 && summary.conflicting_serials == 0 &&
                  std::all_of(summary.results.begin(), summary.results.end(), [](const ContestResult& r) { return r.reconciliation.ok() && r.issued; });
  return summary;
}

Result<CountSummary> CongressDb::count() const {
  auto all = sheets();
  if (!all) return tl::unexpected(all.error());
  return impl_->count_sheets(*all);
}

Result<std::vector<RoundRow>> CongressDb::rounds() const {
  std::vector<RoundRow> out;
  for (const auto* r : impl_->ordered_rounds()) out.push_back(r->row);
  return out;
}

Result<RoundRow> CongressDb::close_round(const std::string& contest_id, const std::string& member1, const std::string& member2) {
  if (auto e = missing_members("close", member1, member2)) return tl::unexpected(*e);
  try {
    auto* round = impl_->latest_round(contest_id);
    if (round == nullptr || !round->row.open) {
      return fail("round_closed", {"Cuộc bầu " + contest_id + " không có lần bầu nào đang mở", "Contest " + contest_id + " has no open round"}, contest_id);
    }
    const auto summary = count();
    if (!summary) return tl::unexpected(summary.error());
    std::size_t i = 0;
    while (summary->results[i].contest_id != contest_id || summary->results[i].round != round->row.round) ++i;
    const ContestResult& result = summary->results[i];
    const RoundStanding& standing = summary->standing[i];
    const std::string what = "cuộc bầu " + contest_id + " lần " + std::to_string(round->row.round);
    const std::string what_en = "contest " + contest_id + " round " + std::to_string(round->row.round);
    if (standing.waiting > 0) {
      return fail("round_waiting", {"Chưa kết thúc được " + what + ": còn " + std::to_string(standing.waiting) + " tờ chờ Ban kiểm phiếu",
                                    "Cannot close " + what_en + ": " + std::to_string(standing.waiting) + " sheets wait for the committee"});
    }
    if (standing.conflicting_serials > 0) {
      return fail("round_conflicts", {"Chưa kết thúc được " + what + ": có số sê-ri được đếm hai lần", "Cannot close " + what_en + ": a serial is counted twice"});
    }
    if (!result.issued) {
      return fail("issued_missing", {"Chưa kết thúc được " + what + ": chưa nhập số phiếu phát ra", "Cannot close " + what_en + ": ballots issued are not entered"});
    }
    if (!result.reconciliation.ok()) {
      return fail("reconciliation_fails", {"Chưa kết thúc được " + what + ": đối chiếu số phiếu không khớp", "Cannot close " + what_en + ": reconciliation fails"});
    }
    const std::string result_json = results_json({result});
    const std::string at = now_utc();
    Transaction tx(*impl_->db);
    impl_->db->prepare("UPDATE rounds SET state = 'closed', closed_at = ?, result = ? WHERE contest_id = ? AND round = ?")
        .bind(1, at).bind(2, result_json).bind(3, contest_id).bind(4, std::int64_t{round->row.round}).run();
    impl_->append(AuditEvent::round_closed, {{"contest_id", contest_id}, {"round", round->row.round}, {"result_sha256", sha256_hex(result_json)},
                                             {"result", Json::parse(result_json)}, {"members", {member1, member2}}});
    tx.commit();
    const int number = round->row.round;  // `round` points into the map load_rounds() rebuilds
    impl_->load_rounds();
    return impl_->rounds.at({contest_id, number}).row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<RoundRow> CongressDb::open_round(const std::string& contest_id, const std::vector<std::string>& candidate_ids, int seats,
                                         const std::string& decision, const std::string& member1, const std::string& member2) {
  if (auto e = missing_members(decision, member1, member2)) return tl::unexpected(*e);
  try {
    const config::Contest* first = impl_->election->find_contest(contest_id);
    auto* previous = impl_->latest_round(contest_id);
    if (first == nullptr || previous == nullptr) return fail("unknown_contest", {"Không có cuộc bầu " + contest_id, "No contest " + contest_id}, contest_id);
    if (previous->row.open) {
      return fail("round_open", {"Lần bầu " + std::to_string(previous->row.round) + " còn mở: kết thúc lần đó trước",
                                 "Round " + std::to_string(previous->row.round) + " is still open: close it first"});
    }
    // Who is elected so far, and what the last round asked for.
    std::set<std::string> elected;
    for (const auto& [key, st] : impl_->rounds) {
      if (key.first != contest_id || st.row.result_json.empty()) continue;
      const Json result = Json::parse(st.row.result_json);  // kept: a range over a member of a temporary would dangle
      for (const auto& id : result["contests"][0]["elected"]) elected.insert(id.get<std::string>());
    }
    const Json last = Json::parse(previous->row.result_json)["contests"][0];
    const std::string next = last.value("next", "none");
    const int open_seats = previous->row.contest.seats - static_cast<int>(last["elected"].size());
    if (next == "none" || open_seats <= 0) {
      return fail("no_further_round", {"Cuộc bầu " + contest_id + " đã đủ kết quả: không cần bầu thêm", "Contest " + contest_id + " is decided: no further round"});
    }
    if (seats > open_seats) {
      return fail("bad_round", {"Chỉ còn " + std::to_string(open_seats) + " ghế", "Only " + std::to_string(open_seats) + " seats are open"});
    }
    std::set<std::string> wanted(candidate_ids.begin(), candidate_ids.end());
    if (next == "tie_round") {
      std::set<std::string> tied;
      for (const auto& id : last["tied"]) tied.insert(id.get<std::string>());
      if (wanted != tied) {
        return fail("bad_round", {"Bầu lại khi bằng phiếu chỉ giữa những người bằng phiếu", "A round after a tie is among exactly the tied candidates"});
      }
    }
    for (const auto& id : wanted) {
      if (elected.count(id) != 0) return fail("bad_round", {id + " đã trúng cử", id + " is already elected"});
    }
    const int number = previous->row.round + 1;
    auto contest = config::round_contest(*first, number, candidate_ids, seats);
    if (!contest) return tl::unexpected(contest.error());
    auto layout = config::compute_layout(*impl_->election, *contest);
    if (!layout) return tl::unexpected(layout.error());
    RoundRow row;
    row.contest_id = contest_id;
    row.round = number;
    row.contest = *contest;
    row.layout_hash = layout->short_hash();
    row.opened_at = now_utc();
    Transaction tx(*impl_->db);
    impl_->insert_round(row);
    Json ids = Json::array();
    for (const auto& c : contest->candidates) ids.push_back(c.id);
    impl_->append(AuditEvent::round_opened, {{"contest_id", contest_id}, {"round", number}, {"candidates", ids}, {"seats", seats},
                                             {"layout_hash", row.layout_hash}, {"decision", decision}, {"members", {member1, member2}}});
    tx.commit();
    impl_->load_rounds();
    return impl_->rounds.at({contest_id, number}).row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<std::int64_t> CongressDb::start_batch(const std::string& source, const std::string& device, const std::string& operator_name) {
  try {
    Transaction tx(*impl_->db);
    // A batch left open by a process that is gone (or by this one: a process scans one batch at
    // a time) was interrupted; another scanner's batch running in parallel stays open.
    std::vector<std::int64_t> left_open;
    auto q = impl_->db->prepare("SELECT id, pid FROM batches WHERE ended_at IS NULL");
    while (q.step()) {
      const auto owner = static_cast<pid_t>(q.integer(1));
      if (owner == ::getpid() || owner <= 0 || (::kill(owner, 0) != 0 && errno == ESRCH)) left_open.push_back(q.integer(0));
    }
    for (const auto id : left_open) impl_->end_batch(id, "interrupted");
    const std::string at = now_utc();
    impl_->db->prepare("INSERT INTO batches(source, device, operator, started_at, pid) VALUES(?,?,?,?,?)")
        .bind(1, source).bind(2, device).bind(3, operator_name).bind(4, at).bind(5, static_cast<std::int64_t>(::getpid())).run();
    const std::int64_t id = sqlite3_last_insert_rowid(impl_->db->handle());
    impl_->append(AuditEvent::batch_started, {{"batch", id}, {"source", source}, {"device", device}, {"operator", operator_name}});
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

Result<void> CongressDb::record_fault(std::int64_t batch_id, const std::string& kind, std::int64_t sheet_in_batch, bool images_trusted,
                                      const std::string& detail) {
  return impl_->log(AuditEvent::scanner_fault, {{"batch", batch_id}, {"kind", kind}, {"sheet_in_batch", sheet_in_batch},
                                                {"images_trusted", images_trusted}, {"detail", detail}});
}

Result<void> CongressDb::end_batch(std::int64_t batch_id, const std::string& reason) {
  try {
    auto q = impl_->db->prepare("SELECT 1 FROM batches WHERE id = ? AND ended_at IS NULL");
    q.bind(1, batch_id);
    if (!q.step()) {
      return fail("batch_not_open", {"Đợt quét " + std::to_string(batch_id) + " không mở", "Batch " + std::to_string(batch_id) + " is not open"});
    }
    Transaction tx(*impl_->db);
    impl_->end_batch(batch_id, reason);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

namespace {

// The Merkle root of leaf hashes (hex): pairs hashed level by level, an odd last one carried up.
std::string merkle_root(std::vector<std::string> level) {
  if (level.empty()) return sha256_hex(std::string());
  while (level.size() > 1) {
    std::vector<std::string> next;
    for (std::size_t i = 0; i < level.size(); i += 2) next.push_back(i + 1 < level.size() ? sha256_hex(level[i] + level[i + 1]) : level[i]);
    level = std::move(next);
  }
  return level.front();
}

Json cvr_snapshot(const std::string& id, const std::string& type, const config::Contest& contest, const std::map<std::string, MarkState>& marks,
                  const std::map<std::string, double>& scores) {
  Json selections = Json::array();
  for (const auto& c : contest.candidates) {
    const auto it = marks.find(c.id);
    if (it == marks.end()) continue;
    const MarkState s = it->second;
    // A vote is a name left on a strike ballot, or an agree box.
    const bool vote = s == MarkState::kept || s == MarkState::agree;
    const bool indication = s != MarkState::kept && s != MarkState::none;
    Json position{{"@type", "CVR.SelectionPosition"}, {"HasIndication", indication ? "yes" : "no"},
                  {"IsAllocable", s == MarkState::unclear ? "unknown" : "yes"}, {"NumberVotes", vote ? 1 : 0},
                  {"OtherStatus", std::string("kiemphieu:") + std::string(to_string(s))}, {"Status", Json::array({"other"})}};
    if (const auto sc = scores.find(c.id); sc != scores.end()) position["MarkMetricValue"] = Json::array({std::to_string(sc->second)});
    selections.push_back({{"@type", "CVR.CVRContestSelection"}, {"ContestSelectionId", c.id}, {"SelectionPosition", Json::array({position})}});
  }
  return {{"@type", "CVR.CVRSnapshot"}, {"@id", id}, {"Type", type},
          {"CVRContest", Json::array({{{"@type", "CVR.CVRContest"}, {"ContestId", contest.id}, {"CVRContestSelection", selections}}})}};
}

}  // namespace

Result<CongressDb::ExportSummary> CongressDb::export_cvr(const std::string& dir) {
  try {
    const auto all = sheets();
    if (!all) return tl::unexpected(all.error());
    fs::create_directories(fs::path(dir) / "cvr");
    std::vector<std::string> leaves;
    Json files = Json::array();
    for (const auto& s : *all) {
      if (s.status != SheetStatus::counted) continue;
      const config::Contest* contest = impl_->election->find_contest(s.contest_id);
      if (contest == nullptr) continue;
      // The reading as recognised, from the stored recognition line.
      const Json line = Json::parse(s.recognition, nullptr, false);
      std::map<std::string, MarkState> original;
      std::map<std::string, double> scores;
      for (const auto& m : line.value("marks", Json::array())) {
        if (auto st = parse_mark_state(m.value("state", ""))) original[m.value("candidate_id", "")] = *st;
        scores[m.value("candidate_id", "")] = m.value("score", 0.0);
      }
      const std::string id = "sheet-" + std::to_string(s.id);
      Json snapshots = Json::array({cvr_snapshot(id + "-original", "original", *contest, original, scores)});
      std::string current = id + "-original";
      auto q = impl_->db->prepare("SELECT reason, member1, member2, at FROM adjudications WHERE sheet_id = ? ORDER BY id DESC LIMIT 1");
      q.bind(1, s.id);
      if (q.step()) {
        Json modified = cvr_snapshot(id + "-modified", "modified", *contest, s.marks, {});
        modified["Annotation"] = Json::array({{{"@type", "CVR.Annotation"}, {"AdjudicatorName", Json::array({q.text(1), q.text(2)})},
                                               {"Message", Json::array({q.text(0)})}, {"TimeStamp", q.text(3)}}});
        snapshots.push_back(modified);
        current = id + "-modified";
      }
      Json cvr{{"@type", "CVR.CVR"}, {"@id", id}, {"BallotPrePrintedId", std::to_string(s.serial)}, {"BallotStyleId", s.contest_id},
               {"CurrentSnapshotId", current}, {"CVRSnapshot", snapshots},
               {"BallotImage", Json::array({{{"@type", "CVR.ImageData"}, {"Location", "file:" + s.stored_file},
                                             {"Hash", {{"@type", "CVR.Hash"}, {"Type", "sha-256"}, {"Value", s.image_sha256}}}}})}};
      for (const auto f : s.flags) cvr["kiemphieu:Findings"].push_back(std::string(to_string(f)));
      const Json report{{"@type", "CVR.CastVoteRecordReport"}, {"Version", "1.0.0"}, {"ReportType", Json::array({"originating-device-export"})},
                        {"ReportGeneratingDeviceIds", Json::array({"station-" + key_fingerprint().substr(0, 16)})},
                        {"Election", Json::array({{{"@type", "CVR.Election"}, {"@id", impl_->election->id}, {"Name", impl_->election->congress}}})},
                        {"CVR", Json::array({cvr})}};
      const std::string text = report.dump(1);
      const std::string name = "cvr/" + id + ".json";
      if (!write_durably(fs::path(dir) / name, text)) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, name);
      leaves.push_back(sha256_hex(text));
      files.push_back({{"file", name}, {"sha256", leaves.back()}});
    }
    ExportSummary summary;
    summary.records = leaves.size();
    summary.merkle_root = merkle_root(leaves);
    Json manifest{{"election_id", impl_->election->id}, {"election_hash", impl_->election->content_hash}, {"records", files},
                  {"merkle_root", summary.merkle_root}, {"key_fingerprint", key_fingerprint()}, {"public_key", impl_->public_pem}};
    if (impl_->private_pem.empty()) return fail("no_key", {"Thiếu khóa của trạm", "The station key is missing"}, impl_->path + ".key");
    manifest["signature"] = internal::sign_hex(impl_->private_pem, summary.merkle_root);
    summary.manifest_path = (fs::path(dir) / "manifest.json").string();
    if (!write_durably(summary.manifest_path, manifest.dump(1))) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, summary.manifest_path);
    Transaction tx(*impl_->db);
    impl_->append(AuditEvent::cvr_export, {{"records", summary.records}, {"merkle_root", summary.merkle_root}});
    tx.commit();
    return summary;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e.what()));
  }
}

std::vector<std::string> verify_cvr_export(const std::string& dir) {
  std::vector<std::string> problems;
  const fs::path manifest_path = fs::path(dir) / "manifest.json";
  const Json manifest = Json::parse(read_file_bytes(manifest_path), nullptr, false);
  if (!manifest.is_object()) return {manifest_path.string() + ": no readable manifest"};
  std::vector<std::string> leaves;
  for (const auto& f : manifest.value("records", Json::array())) {
    const std::string name = f.value("file", "");
    const fs::path file = fs::path(dir) / name;
    if (!fs::exists(file)) {
      problems.push_back(name + ": missing");
      continue;
    }
    const std::string hash = sha256_hex(read_file_bytes(file));
    if (hash != f.value("sha256", "")) problems.push_back(name + ": changed since it was exported");
    leaves.push_back(f.value("sha256", ""));
  }
  const std::string root = manifest.value("merkle_root", "");
  if (merkle_root(leaves) != root) problems.push_back("manifest.json: the Merkle root does not match the records listed");
  if (!internal::verify_hex(manifest.value("public_key", ""), root, manifest.value("signature", ""))) {
    problems.push_back("manifest.json: the signature over the Merkle root is not the station's");
  }
  if (internal::key_fingerprint(manifest.value("public_key", "")) != manifest.value("key_fingerprint", "")) {
    problems.push_back("manifest.json: the key fingerprint does not match its public key");
  }
  return problems;
}

std::vector<AuditProblem> CongressDb::verify() const {
  std::vector<AuditProblem> problems;
  const auto note = [&](std::int64_t position, std::string what) { problems.push_back({position, std::move(what)}); };
  try {
    auto& db = *impl_->db;
    // The chain: numbering, links, hashes and signatures.
    std::string prev = kGenesis;
    std::int64_t expected = 1;
    std::map<std::int64_t, Json> sheet_events;                   // sheet id → its ingestion entry
    std::map<std::int64_t, std::vector<Json>> rulings;           // sheet id → adjudication entries
    std::map<std::pair<std::string, int>, std::int64_t> issued_events;
    std::map<std::pair<std::string, int>, Json> round_events;   // init's first rounds and every round_opened
    std::map<std::pair<std::string, int>, Json> closed_events;
    std::map<std::int64_t, Json> batch_started, batch_ended;
    std::map<std::string, Json> member_events;                   // name → its member_added entry
    const auto round_key = [](const Json& p) { return std::pair<std::string, int>{p.value("contest_id", ""), p.value("round", 1)}; };
    auto q = db.prepare("SELECT seq, at, type, payload, prev_hash, hash, signature FROM audit ORDER BY seq");
    while (q.step()) {
      const std::int64_t seq = q.integer(0);
      const std::string at = q.text(1), type = q.text(2), payload = q.text(3), prev_hash = q.text(4), hash = q.text(5), sig = q.text(6);
      if (seq != expected) note(seq, "entry " + std::to_string(expected) + " is missing or entries are out of order");
      if (prev_hash != prev) note(seq, "entry " + std::to_string(seq) + " does not follow the entry before it (inserted, deleted or reordered)");
      if (sha256_hex(entry_text(seq, at, type, payload, prev_hash)) != hash) note(seq, "entry " + std::to_string(seq) + " was altered after it was written");
      if (!internal::verify_hex(impl_->public_pem, hash, sig)) note(seq, "entry " + std::to_string(seq) + " has no valid station signature");
      prev = hash;
      expected = seq + 1;
      const Json p = Json::parse(payload, nullptr, false);
      if (type == to_string(AuditEvent::sheet) && p.is_object()) sheet_events[p.value("sheet", std::int64_t{0})] = p;
      if (type == to_string(AuditEvent::adjudication) && p.is_object()) rulings[p.value("sheet", std::int64_t{0})].push_back(p);
      if (!p.is_object()) continue;
      if (type == to_string(AuditEvent::issued)) issued_events[round_key(p)] = p.value("issued", std::int64_t{-1});
      if (type == to_string(AuditEvent::init)) {
        for (const auto& r : p.value("rounds", Json::array())) round_events[round_key(r)] = r;
      }
      if (type == to_string(AuditEvent::round_opened)) round_events[round_key(p)] = p;
      if (type == to_string(AuditEvent::round_closed)) closed_events[round_key(p)] = p;
      if (type == to_string(AuditEvent::batch_started)) batch_started[p.value("batch", std::int64_t{0})] = p;
      if (type == to_string(AuditEvent::batch_ended)) batch_ended[p.value("batch", std::int64_t{0})] = p;
      if (type == to_string(AuditEvent::member_added)) member_events[p.value("name", "")] = p;
    }
    if (expected == 1) note(0, "the audit log is empty");
    // Every sheet is what its entries say, and its image is the one that was scanned.
    const auto all = sheets();
    const std::vector<SheetRow> none;
    const std::vector<SheetRow>& rows = all ? *all : none;  // both lvalues: no copy of every sheet
    std::set<std::int64_t> seen;
    for (const auto& s : rows) {
      seen.insert(s.id);
      const std::string who = "sheet " + std::to_string(s.id) + " (" + s.image_name + ")";
      const auto it = sheet_events.find(s.id);
      if (it == sheet_events.end()) {
        note(s.id, who + " has no audit entry: it was added outside the program");
        continue;
      }
      const Json& e = it->second;
      if (e.value("image_sha256", "") != s.image_sha256 || e.value("recognition_sha256", "") != sha256_hex(s.recognition) ||
          e.value("contest_id", "") != s.contest_id || e.value("serial", std::int64_t{-1}) != s.serial || e.value("side", "") != s.side ||
          e.value("round", 0) != s.round || (e.contains("batch") ? std::optional(e["batch"].get<std::int64_t>()) : std::nullopt) != s.batch_id) {
        note(s.id, who + " differs from the entry that recorded it");
      }
      std::string status = e.value("status", "");
      Json marks = e.value("marks", Json::object()), flags = e.value("flags", Json::array());
      if (const auto r = rulings.find(s.id); r != rulings.end()) {
        status = r->second.back().value("set_aside", false) ? "rejected" : "counted";
        marks = r->second.back().value("marks", Json::object());
        flags = r->second.back().value("flags", Json::array());
      }
      if (status != to_string(s.status) || marks != marks_json(s.marks) || flags != flags_json(s.flags)) {
        note(s.id, who + " holds a state, marks or flags that no audit entry gave it");
      }
      const fs::path image = impl_->images() / s.stored_file;
      if (!fs::exists(image)) {
        note(s.id, who + ": the stored image " + image.string() + " is missing");
      } else if (sha256_hex(read_file_bytes(image)) != s.image_sha256) {
        note(s.id, who + ": the stored image " + image.string() + " was changed");
      }
    }
    for (const auto& [id, e] : sheet_events) {
      if (!seen.count(id)) note(id, "sheet " + std::to_string(id) + " was recorded but is no longer in the database");
    }
    // Rounds: each as its entry opened it, issued as entered, and a closed round's stored result
    // is exactly what the stored sheets count to today.
    // The recount over the sheets already read above.
    const std::optional<CountSummary> summary = all ? std::optional(impl_->count_sheets(*all)) : std::nullopt;
    for (const auto* st : impl_->ordered_rounds()) {
      const RoundRow& r = st->row;
      const auto key = std::pair{r.contest_id, r.round};
      const std::string who = "round " + std::to_string(r.round) + " of contest " + r.contest_id;
      const auto opened = round_events.find(key);
      Json ids = Json::array();
      for (const auto& c : r.contest.candidates) ids.push_back(c.id);
      if (opened == round_events.end() || opened->second.value("layout_hash", "") != r.layout_hash ||
          (r.round > 1 && (opened->second.value("candidates", Json::array()) != ids || opened->second.value("seats", 0) != r.contest.seats))) {
        note(0, who + " is not the round any audit entry opened");
      }
      const auto issued = issued_events.find(key);
      if ((issued == issued_events.end()) != !r.issued || (issued != issued_events.end() && r.issued && issued->second != *r.issued)) {
        note(0, "ballots issued for " + who + " differ from the entry that recorded them");
      }
      const auto closed = closed_events.find(key);
      if (r.open) {
        if (closed != closed_events.end()) note(0, who + " was closed, but the database shows it open");
        continue;
      }
      if (closed == closed_events.end() || closed->second.value("result_sha256", "") != sha256_hex(r.result_json)) {
        note(0, who + ": the stored result is not the one the audit entry closed it with");
      }
      if (summary) {
        for (std::size_t i = 0; i < summary->results.size(); ++i) {
          if (summary->results[i].contest_id == r.contest_id && summary->results[i].round == r.round &&
              results_json({summary->results[i]}) != r.result_json) {
            note(0, who + ": the stored result does not follow from the stored sheets");
          }
        }
      }
    }
    for (const auto& [key, e] : round_events) {
      if (impl_->rounds.count(key) == 0) note(0, "round " + std::to_string(key.second) + " of contest " + key.first + " was opened but is no longer in the database");
    }
    // Batches: as started and ended in the log.
    auto bq = db.prepare("SELECT id, source, device, ended_at, end_reason FROM batches ORDER BY id");
    std::set<std::int64_t> batches_seen;
    while (bq.step()) {
      const std::int64_t id = bq.integer(0);
      batches_seen.insert(id);
      const auto started = batch_started.find(id);
      if (started == batch_started.end() || started->second.value("source", "") != bq.text(1) || started->second.value("device", "") != bq.text(2)) {
        note(0, "batch " + std::to_string(id) + " is not the batch any audit entry started");
      }
      const auto ended = batch_ended.find(id);
      if (bq.maybe_text(3).has_value() != (ended != batch_ended.end()) ||
          (ended != batch_ended.end() && ended->second.value("reason", "") != bq.maybe_text(4).value_or(""))) {
        note(0, "batch " + std::to_string(id) + " ended otherwise than its audit entry says");
      }
    }
    for (const auto& [id, e] : batch_started) {
      if (batches_seen.count(id) == 0) note(0, "batch " + std::to_string(id) + " was started but is no longer in the database");
    }
    // Members: each registered by an entry, with the PIN verifier it recorded (a PIN changed in
    // the database by hand shows here).
    auto mq = db.prepare("SELECT name, role, pin_verifier FROM members");
    std::set<std::string> members_seen;
    while (mq.step()) {
      const std::string name = mq.text(0);
      members_seen.insert(name);
      const auto e = member_events.find(name);
      if (e == member_events.end() || e->second.value("role", "") != mq.text(1) || e->second.value("pin_verifier_sha256", "") != sha256_hex(mq.text(2))) {
        note(0, "member " + name + " is not as any audit entry registered them (added or PIN changed outside the program)");
      }
    }
    for (const auto& [name, e] : member_events) {
      if (members_seen.count(name) == 0) note(0, "member " + name + " was registered but is no longer in the database");
    }
    auto integrity = db.prepare("PRAGMA integrity_check");
    if (integrity.step() && integrity.text(0) != "ok") note(0, "SQLite integrity check: " + integrity.text(0));
  } catch (const std::exception& e) {
    note(0, std::string("the database cannot be read: ") + e.what());
  }
  return problems;
}

}  // namespace kp::tally
