#pragma once
// One way to write a moment: UTC, to the second, ISO 8601 ("2025-08-20T08:30:00Z"), as the audit
// log, the refusal window and the observers' kept heads all write it (they are compared as text).
#include <chrono>
#include <string>

namespace kp {

std::string utc_timestamp(std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

}  // namespace kp
