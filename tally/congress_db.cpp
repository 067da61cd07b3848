// The congress database: its file and schema, the image store, opening and creating it.
#include "tally/congress_db.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "common/files.hpp"
#include "common/utc_time.hpp"
#include "config/names.hpp"
#include "tally/internal/congress_impl.hpp"
#include "tally/internal/kernel_keyring.hpp"

namespace kp::tally {
namespace internal {

Error db_error(const std::string& where, const std::string& what) {
  return Error{"database_error", {"Lỗi cơ sở dữ liệu đại hội: " + what, "Congress database error: " + what}, where};
}

Error db_error(const std::string& where, const std::exception& e) {
  if (const auto* key = dynamic_cast<const KeyNotAtHand*>(&e)) return key->error();
  return db_error(where, std::string(e.what()));
}

std::string now_utc() { return utc_timestamp(); }

// Writes `bytes` to a new file; with `flush`, to the disk before returning.
bool write_file(const fs::path& path, std::string_view bytes, bool flush) {
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

fs::path temporary_beside(const fs::path& target) {
  static std::atomic<std::uint64_t> made{0};
  return target.parent_path() / (".tmp-" + target.filename().string() + "-" + std::to_string(made++) + "-" + std::to_string(::getpid()));
}

std::string image_extension(const std::string& name) {
  std::string extension = fs::path(name).extension().string();
  if (extension.size() > 6) extension.clear();
  return extension;
}

// Writes a file so that it is either complete under its final name or absent: write a
// temporary, flush it to disk, rename, flush the folder.
bool write_durably(const fs::path& target, const std::string& bytes) {
  const fs::path temp = temporary_beside(target);
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
  return parse_sheet_status(s);
}

// The text an entry's hash covers: everything about it, joined unambiguously.
std::string entry_text(std::int64_t seq, const std::string& at, const std::string& type, const std::string& payload, const std::string& prev) {
  return prev + "\n" + std::to_string(seq) + "\n" + at + "\n" + type + "\n" + payload;
}

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

}  // namespace internal

CongressDb::CongressDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->database_file = Impl::identity_of(impl_->path);
  impl_->image_folder = Impl::identity_of(impl_->images());
}

std::optional<CongressDb::Impl::FileIdentity> CongressDb::Impl::identity_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino};
}

Result<void> CongressDb::Impl::still_in_place(Needs needs) const {
  if (database_file && identity_of(path) != database_file) {
    return fail("storage_gone", {"Tệp cơ sở dữ liệu đại hội đã bị xoá hoặc thay thế trong khi đang dùng: không lưu được gì nữa",
                                 "The congress database file was deleted or replaced while in use: nothing more can be stored"},
                path);
  }
  if (needs == Needs::database_and_images && image_folder && identity_of(images()) != image_folder) {
    return fail("storage_gone", {"Thư mục ảnh của đại hội đã bị xoá hoặc thay thế trong khi đang dùng: không lưu được gì nữa",
                                 "The congress image folder was deleted or replaced while in use: nothing more can be stored"},
                images().string());
  }
  return {};
}
CongressDb::~CongressDb() = default;
CongressDb::CongressDb(CongressDb&&) noexcept = default;
CongressDb& CongressDb::operator=(CongressDb&&) noexcept = default;

const config::Election& CongressDb::election() const { return *impl_->election; }
std::string CongressDb::key_fingerprint() const { return internal::key_fingerprint(impl_->public_pem); }
std::string CongressDb::public_key_pem() const { return impl_->public_pem; }

Result<std::string> CongressDb::sign(const std::string& message) const {
  if (impl_->private_pem.empty()) return tl::unexpected(impl_->key_not_at_hand());
  return internal::sign_hex(impl_->private_pem, message);
}

bool station_signature_valid(const std::string& public_pem, const std::string& message, const std::string& signature_hex) {
  return internal::verify_hex(public_pem, message, signature_hex);
}

std::string station_key_fingerprint(const std::string& public_pem) { return internal::key_fingerprint(public_pem); }
std::string CongressDb::images_dir() const { return impl_->images().string(); }

Result<CongressDb> CongressDb::create(const std::string& path, const std::string& election_toml, const std::string& source_name,
                                     const std::string& passphrase) {
  if (!passphrase.empty()) {
    if (auto ok = internal::check_passphrase(passphrase); !ok) return tl::unexpected(ok.error());
  }
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
    impl->key_protected = !passphrase.empty();
    fs::create_directories(impl->images());
    // The private key is readable by the counting account only; with a passphrase it is
    // encrypted before it is ever written.
    if (fs::exists(path + ".key")) {
      return fail("already_exists", {"Đã có tệp khóa trạm: không ghi đè", "A station key file exists: it is never overwritten"}, path + ".key");
    }
    if (auto written = internal::write_key_file(path + ".key", passphrase.empty() ? key.private_pem : internal::encrypt_private_pem(key.private_pem, passphrase));
        !written) {
      return tl::unexpected(written.error());
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
    impl->append(internal::InitEntry{loaded->election->id, loaded->election->content_hash, internal::key_fingerprint(key.public_pem), kSchemaVersion,
                                     first_rounds});
    if (impl->key_protected) impl->append(internal::KeyProtectedEntry{});
    tx.commit();
    impl->load_rounds();
    return CongressDb(std::move(impl));
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(path, e));
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
    if (fs::exists(path + ".key")) {
      std::string stored = read_file_bytes(path + ".key");
      if (internal::is_encrypted_pem(stored)) {
        // Encrypted at rest: at hand only when the committee has unlocked it this session, and
        // only if what the kernel holds is this congress's key.
        impl->key_protected = true;
        const auto held = internal::keyring_read(internal::keyring_description(internal::key_fingerprint(impl->public_pem)));
        if (held && internal::public_pem_of(*held) == impl->public_pem) impl->private_pem = *held;
      } else {
        impl->private_pem = std::move(stored);
      }
    }
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
    return tl::unexpected(db_error(path, e));
  }
}

Result<std::vector<SheetRow>> CongressDb::sheets() const {
  try {
    std::vector<SheetRow> out;
    auto q = impl_->db->prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets ORDER BY id");
    while (q.step()) out.push_back(impl_->row_from(q));
    return out;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<SheetRow> CongressDb::sheet(std::int64_t id) const {
  try {
    auto q = impl_->db->prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return fail("unknown_sheet", {"Không có tờ phiếu số " + std::to_string(id), "No sheet " + std::to_string(id)});
    return impl_->row_from(q);
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<std::string> CongressDb::head() const {
  try {
    auto q = impl_->db->prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (!q.step()) return std::string("0:") + kGenesis;
    return std::to_string(q.integer(0)) + ":" + q.text(1);
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<std::int64_t> CongressDb::last_event() const {
  try {
    auto q = impl_->db->prepare("SELECT coalesce(max(seq), 0) FROM audit");
    q.step();
    return q.integer(0);
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

}  // namespace kp::tally
