#pragma once
// Internal: the unlocked station key, held by the Linux kernel's key retention service in the
// user's keyring for the session, so every program the committee runs afterwards (a scan, a
// ruling, the console's own helpers) signs without the key being written to disk in the clear.
// The kernel drops it at its timeout, at `kiemphieu key lock`, and when the machine stops.
#include <chrono>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace kp::tally::internal {

// "kiemphieu:" + the key's fingerprint: one entry per station key, so several congresses on one
// account never mix.
std::string keyring_description(const std::string& fingerprint);

Result<void> keyring_store(const std::string& description, const std::string& secret, std::chrono::seconds lifetime);
// Nothing when there is no such key, it timed out, or the kernel has no key service here.
std::optional<std::string> keyring_read(const std::string& description);
// Seconds left before the kernel drops it; nothing when it is not held.
std::optional<std::chrono::seconds> keyring_time_left(const std::string& description);
void keyring_remove(const std::string& description);

}  // namespace kp::tally::internal
