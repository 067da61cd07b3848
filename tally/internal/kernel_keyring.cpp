#include "tally/internal/kernel_keyring.hpp"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace kp::tally::internal {
namespace {

// <linux/keyctl.h> names the constants; the serial type is libkeyutils's.
using key_serial_t = std::int32_t;

// Debian's libkeyutils would add a dependency for four system calls.
long add_key(const char* type, const char* description, const void* payload, std::size_t length, key_serial_t keyring) {
  return ::syscall(SYS_add_key, type, description, payload, length, keyring);
}
template <class... Args>
long keyctl(int operation, Args... args) {
  return ::syscall(SYS_keyctl, operation, args...);
}

// The possessor may do anything; other processes of the same account may find and read it (the
// next command the committee runs is such a process); nobody else may even see it.
constexpr unsigned long kPermissions = 0x3f000000UL /* KEY_POS_ALL */ | 0x00010000UL /* KEY_USR_VIEW */ | 0x00020000UL /* KEY_USR_READ */ |
                                       0x00080000UL /* KEY_USR_SEARCH */;

std::optional<key_serial_t> find(const std::string& description) {
  const long id = keyctl(KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", description.c_str(), 0);
  if (id < 0) return std::nullopt;
  return static_cast<key_serial_t>(id);
}

// The secret is stored behind one line giving when it expires (seconds since the epoch): the
// kernel enforces the timeout, the line lets `key status` say how long is left.
std::chrono::seconds now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
}

}  // namespace

std::string keyring_description(const std::string& fingerprint) { return "kiemphieu:" + fingerprint; }

Result<void> keyring_store(const std::string& description, const std::string& secret, std::chrono::seconds lifetime) {
  const std::string payload = std::to_string((now() + lifetime).count()) + "\n" + secret;
  const long id = add_key("user", description.c_str(), payload.data(), payload.size(), KEY_SPEC_USER_KEYRING);
  if (id < 0) {
    const std::string why = std::strerror(errno);
    return fail("keyring_unavailable",
                {"Máy này không giữ được khóa đã mở trong bộ nhớ của nhân Linux (" + why + ")",
                 "This machine's kernel key store cannot hold the unlocked key (" + why + ")"},
                description);
  }
  keyctl(KEYCTL_SETPERM, static_cast<key_serial_t>(id), kPermissions);
  keyctl(KEYCTL_SET_TIMEOUT, static_cast<key_serial_t>(id), static_cast<unsigned>(lifetime.count()));
  return {};
}

namespace {
// The whole payload: the kernel copies nothing into a buffer too small for it.
std::optional<std::pair<long long, std::string>> read_payload(const std::string& description) {
  const auto id = find(description);
  if (!id) return std::nullopt;
  std::vector<char> buffer(16384);
  const long n = keyctl(KEYCTL_READ, *id, buffer.data(), buffer.size());
  if (n < 0 || static_cast<std::size_t>(n) > buffer.size()) return std::nullopt;
  const std::string_view payload(buffer.data(), static_cast<std::size_t>(n));
  const auto newline = payload.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  return std::pair{std::atoll(std::string(payload.substr(0, newline)).c_str()), std::string(payload.substr(newline + 1))};
}

}  // namespace

std::optional<std::string> keyring_read(const std::string& description) {
  auto payload = read_payload(description);
  if (!payload) return std::nullopt;
  return std::move(payload->second);
}

std::optional<std::chrono::seconds> keyring_time_left(const std::string& description) {
  const auto payload = read_payload(description);
  if (!payload) return std::nullopt;
  return std::chrono::seconds(std::max<long long>(0, payload->first - now().count()));
}

void keyring_remove(const std::string& description) {
  // Revoked first: a process that found the key a moment ago can no longer read it either.
  for (int i = 0; i < 16; ++i) {
    const auto id = find(description);
    if (!id) return;
    keyctl(KEYCTL_REVOKE, *id);
    keyctl(KEYCTL_UNLINK, *id, KEY_SPEC_USER_KEYRING);
  }
}

}  // namespace kp::tally::internal
