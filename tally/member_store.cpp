// Committee members and operators: registration with a PIN, sign-in, documents written by them.
#include "tally/internal/congress_impl.hpp"

#include <chrono>

#include "common/files.hpp"
#include "common/utc_time.hpp"
#include "config/names.hpp"
#include "tally/internal/pin.hpp"

namespace kp::tally {

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
    impl_->append(internal::MemberAddedEntry{row.name, std::string(to_string(role)), sha256_hex(verifier), row.added_by});
    tx.commit();
    return row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<std::vector<MemberRow>> CongressDb::members() const {
  try {
    std::vector<MemberRow> out;
    auto q = impl_->db->prepare("SELECT name, role, added_at, added_by FROM members ORDER BY rowid");
    while (q.step()) out.push_back({q.text(0), parse_member_role(q.text(1)).value_or(MemberRole::committee), q.text(2), q.text(3)});
    return out;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
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
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<MemberRow> CongressDb::authenticate(const std::string& raw_name, const std::string& pin, const std::string& action) {
  const std::string name = config::normalize_name(raw_name);
  try {
    // Refusals are counted from the log itself: a locked member stays locked across programs.
    const std::string since = utc_timestamp(std::chrono::system_clock::now() - std::chrono::minutes(kLockMinutes));
    auto q = impl_->db->prepare(
        "SELECT count(*) FROM audit WHERE type IN ('pin_refused', 'sign_in_refused') AND at >= ? AND json_extract(payload, '$.name') = ?");
    q.bind(1, since).bind(2, name);
    const std::int64_t refusals = q.step() ? q.integer(0) : 0;
    if (refusals >= kLockRefusals) {
      if (auto logged = impl_->log(internal::PinRefusedEntry{name, action, true}); !logged) return tl::unexpected(logged.error());
      return fail("pin_locked",
                  {"Đã nhập sai mã PIN của " + name + " " + std::to_string(refusals) + " lần: chờ " + std::to_string(kLockMinutes) + " phút rồi thử lại",
                   "The PIN of " + name + " was wrong " + std::to_string(refusals) + " times: wait " + std::to_string(kLockMinutes) + " minutes and try again"},
                  name);
    }
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
  auto member = check_pin(name, pin);
  if (!member && member.error().code == "wrong_pin") {
    if (auto logged = impl_->log(internal::PinRefusedEntry{name, action, false}); !logged) return tl::unexpected(logged.error());
  }
  return member;
}

Result<MemberRow> CongressDb::sign_in(const std::string& name, const std::string& pin) {
  auto member = check_pin(name, pin);
  Result<void> logged;
  if (member) {
    logged = impl_->log(internal::SignedInEntry{member->name, std::string(to_string(member->role))});
  } else if (member.error().code == "wrong_pin") {
    logged = impl_->log(internal::SignInRefusedEntry{config::normalize_name(name)});
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
  return impl_->log(internal::DocumentsWrittenEntry{kind, config::normalize_name(by), files});
}

Result<void> CongressDb::sign_out(const std::string& name) {
  return impl_->log(internal::SignedOutEntry{config::normalize_name(name)});
}

}  // namespace kp::tally
