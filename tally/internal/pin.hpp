#pragma once
// Internal: committee members' PINs are kept only as a salted PBKDF2-HMAC-SHA256 verifier, so
// the congress database never holds a PIN a reader could use.
#include <string>

namespace kp::tally::internal {

// "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX" with a fresh random salt.
std::string make_pin_verifier(const std::string& pin);
// Whether `pin` matches `verifier`; compares in constant time.
bool pin_matches(const std::string& pin, const std::string& verifier);

}  // namespace kp::tally::internal
