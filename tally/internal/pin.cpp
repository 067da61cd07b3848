#include "tally/internal/pin.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace kp::tally::internal {
namespace {

// 100,000 rounds: about 30 ms per check on the 2-core station, unnoticed at sign-in, and it
// makes trying all 10^6 six-digit PINs against a stolen database take hours rather than seconds.
// (A PIN is short; the real protection is that the station's database stays in the committee's
// custody. The verifier only keeps the PINs themselves out of sight.)
constexpr int kIterations = 100000;
constexpr std::size_t kSaltBytes = 16, kHashBytes = 32;

std::string hex(const unsigned char* data, std::size_t n) {
  std::string out;
  out.reserve(n * 2);
  char buf[3];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", data[i]);
    out += buf;
  }
  return out;
}

std::vector<unsigned char> unhex(const std::string& s) {
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::array<unsigned char, kHashBytes> derive(const std::string& pin, const std::vector<unsigned char>& salt, int iterations) {
  std::array<unsigned char, kHashBytes> out{};
  if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(), static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    throw std::runtime_error("PBKDF2 failed");  // OpenSSL broken: not a state the program can go on from
  }
  return out;
}

}  // namespace

std::string make_pin_verifier(const std::string& pin) {
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) throw std::runtime_error("no random bytes for a PIN salt");
  const auto hash = derive(pin, salt, kIterations);
  return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + hex(salt.data(), salt.size()) + "$" + hex(hash.data(), hash.size());
}

bool pin_matches(const std::string& pin, const std::string& verifier) {
  // pbkdf2-sha256$N$SALT$HASH
  const auto a = verifier.find('$'), b = verifier.find('$', a + 1), c = verifier.find('$', b + 1);
  if (a == std::string::npos || b == std::string::npos || c == std::string::npos || verifier.substr(0, a) != "pbkdf2-sha256") return false;
  try {
    const int iterations = std::stoi(verifier.substr(a + 1, b - a - 1));
    const auto salt = unhex(verifier.substr(b + 1, c - b - 1));
    const auto expected = unhex(verifier.substr(c + 1));
    if (iterations < 1 || expected.size() != kHashBytes) return false;
    const auto got = derive(pin, salt, iterations);
    return CRYPTO_memcmp(got.data(), expected.data(), kHashBytes) == 0;
  } catch (const std::invalid_argument&) {
    return false;
  } catch (const std::out_of_range&) {
    return false;
  }
}

}  // namespace kp::tally::internal
