// The station key at rest and in use: plain, or encrypted under the committee's passphrase and
// held unlocked by the kernel for the session (docs/audit.md, "The station key").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/files.hpp"
#include "config/names.hpp"
#include "tally/congress_db.hpp"
#include "tally/internal/congress_impl.hpp"
#include "tally/internal/kernel_keyring.hpp"

namespace kp::tally {

namespace fs = std::filesystem;
using internal::db_error;

namespace internal {

Result<void> check_passphrase(const std::string& passphrase) {
  std::size_t characters = 0;
  for (const char c : passphrase) characters += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  if (characters < kMinPassphraseCharacters) {
    return fail("passphrase_too_short",
                {"Mật khẩu khóa trạm phải có ít nhất " + std::to_string(kMinPassphraseCharacters) + " ký tự (nên là một câu)",
                 "The station key's passphrase must have at least " + std::to_string(kMinPassphraseCharacters) + " characters (a sentence is best)"});
  }
  return {};
}

// Writes the key file whole, owner-only, durably, and only then lets go of the old one: the new
// file is written beside it and renamed over it (a process killed at any moment leaves the old
// key or the new one, never neither). The old file, held open across the rename, is then
// overwritten with zeros, so the clear key does not stay in the blocks it occupied (as far as
// the file system writes in place).
Result<void> write_key_file(const std::string& key_path, const std::string& text) {
  const auto failed = [&] { return fail("write_failed", {"Không ghi được khóa của trạm", "Cannot write the station key"}, key_path); };
  const int old = ::open(key_path.c_str(), O_WRONLY);
  const std::string temporary = key_path + ".new";
  std::error_code ec;
  fs::remove(temporary, ec);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!written || (fs::rename(temporary, key_path, ec), ec)) {
    fs::remove(temporary, ec);
    if (old >= 0) ::close(old);
    return failed();
  }
  const int folder = ::open(fs::path(key_path).parent_path().empty() ? "." : fs::path(key_path).parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (folder >= 0) {
    (void)::fsync(folder);  // the rename itself on the disk
    ::close(folder);
  }
  if (old >= 0) {
    // Best effort: the new key is in place whatever happens here.
    struct stat st {};
    if (::fstat(old, &st) == 0) {
      const std::string zeros(static_cast<std::size_t>(st.st_size), '\0');
      if (::write(old, zeros.data(), zeros.size()) == static_cast<ssize_t>(zeros.size())) (void)::fsync(old);
    }
    ::close(old);
  }
  return {};
}

}  // namespace internal

Error CongressDb::Impl::key_not_at_hand() const {
  if (key_protected) {
    return Error{"key_locked",
                 {"Khóa của trạm đang khóa: Ban kiểm phiếu mở khóa bằng “kiemphieu key unlock " + path + "” (mật khẩu khóa trạm) rồi làm lại",
                  "The station key is locked: the committee unlocks it with “kiemphieu key unlock " + path + "” (the key's passphrase), then try again"},
                 path + ".key"};
  }
  return Error{"no_key",
               {"Thiếu khóa của trạm: không ghi được gì vào đại hội này", "The station key is missing: nothing can be recorded in this congress"},
               path + ".key"};
}

KeyState CongressDb::key_state() const {
  if (impl_->key_protected) return impl_->private_pem.empty() ? KeyState::locked : KeyState::unlocked;
  return impl_->private_pem.empty() ? KeyState::absent : KeyState::plain;
}

std::optional<std::int64_t> CongressDb::key_seconds_left() const {
  if (key_state() != KeyState::unlocked) return std::nullopt;
  const auto left = internal::keyring_time_left(internal::keyring_description(key_fingerprint()));
  if (!left) return std::nullopt;
  return left->count();
}

Result<void> CongressDb::protect_key(const std::string& passphrase, const std::string& by) {
  if (impl_->private_pem.empty()) return tl::unexpected(impl_->key_not_at_hand());
  if (auto ok = internal::check_passphrase(passphrase); !ok) return ok;
  try {
    // Logged first, signed by the key while it is still at hand: a protection nobody can see in
    // the log would be a change to the station made outside it.
    if (auto logged = impl_->log(internal::KeyProtectedEntry{config::normalize_name(by)}); !logged) return logged;
    if (auto written = internal::write_key_file(impl_->path + ".key", internal::encrypt_private_pem(impl_->private_pem, passphrase)); !written) {
      return written;
    }
    impl_->key_protected = true;
    // Whoever protected it has it at hand now; other programs need `key unlock`.
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<void> CongressDb::unlock_key(const std::string& passphrase, std::int64_t hours) {
  if (!impl_->key_protected) {
    return fail("key_not_protected",
                {"Khóa của trạm chưa được bảo vệ bằng mật khẩu: không có gì để mở", "The station key is not protected by a passphrase: nothing to unlock"},
                impl_->path + ".key");
  }
  if (hours < 1 || hours > kMaxUnlockHours) {
    return fail("unlock_hours", {"Thời gian mở khóa phải từ 1 đến " + std::to_string(kMaxUnlockHours) + " giờ",
                                 "The unlock time must be 1 to " + std::to_string(kMaxUnlockHours) + " hours"});
  }
  try {
    const std::string stored = read_file_bytes(impl_->path + ".key");
    const auto plain = internal::decrypt_private_pem(stored, passphrase);
    if (!plain) {
      return fail("wrong_passphrase", {"Sai mật khẩu khóa trạm", "Wrong passphrase for the station key"}, impl_->path + ".key");
    }
    // A key file swapped for another station's, with that station's passphrase, is not this key.
    if (internal::public_pem_of(*plain) != impl_->public_pem) {
      return fail("key_mismatch",
                  {"Tệp khóa không phải khóa của đại hội này (dấu vân tay khác)", "The key file is not this congress's key (another fingerprint)"},
                  impl_->path + ".key");
    }
    const std::string description = internal::keyring_description(key_fingerprint());
    if (auto held = internal::keyring_store(description, *plain, std::chrono::hours(hours)); !held) return held;
    impl_->private_pem = *plain;
    if (auto logged = impl_->log(internal::KeyUnlockedEntry{hours}); !logged) {
      internal::keyring_remove(description);
      impl_->private_pem.clear();
      return logged;
    }
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<void> CongressDb::lock_key() {
  if (key_state() != KeyState::unlocked) {
    return fail("key_not_unlocked", {"Khóa của trạm không ở trạng thái mở", "The station key is not unlocked"}, impl_->path + ".key");
  }
  const auto logged = impl_->log(internal::KeyLockedEntry{});
  internal::keyring_remove(internal::keyring_description(key_fingerprint()));
  impl_->private_pem.clear();
  return logged;
}

}  // namespace kp::tally
