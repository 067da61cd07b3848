#pragma once
// Internal: the station's Ed25519 key (OpenSSL), which signs every audit entry.
#include <string>

namespace kp::tally::internal {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

KeyPair generate_key();
std::string sign_hex(const std::string& private_pem, const std::string& message);
bool verify_hex(const std::string& public_pem, const std::string& message, const std::string& signature_hex);
// SHA-256 of the public key's PEM, shown to the committee to write in the minutes.
std::string key_fingerprint(const std::string& public_pem);

}  // namespace kp::tally::internal
