#pragma once
// SHA-256, the hash the audit trail, the definition and the layouts are named by.
#include <span>
#include <string>
#include <string_view>

namespace kp {

std::string sha256_hex(std::string_view bytes);
std::string sha256_hex(std::span<const unsigned char> bytes);

}  // namespace kp
