#pragma once
// Internal: the station's Ed25519 key (OpenSSL), which signs every audit entry.
#include <optional>
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

// The private key encrypted at rest: PKCS#8 under AES-256-CBC with a key derived from the
// passphrase by scrypt, N = 2^14, r = 8, p = 4. N·r is what OpenSSL 3 decrypts within its default
// 32 MiB memory bound (2^15 is refused on reading); p = 4 multiplies the time per guess to about
// 0.2 s and 16 MiB on the station (`openssl pkey` reading the file, three runs)
// without more memory, so guessing a passphrase from a copied key file is that slow per try.
std::string encrypt_private_pem(const std::string& private_pem, const std::string& passphrase);
// The plain key, or nothing when the passphrase is wrong or the text is no key.
std::optional<std::string> decrypt_private_pem(const std::string& encrypted_pem, const std::string& passphrase);
bool is_encrypted_pem(const std::string& pem);
// The public key (PEM) of a plain private key; empty when the text is no key.
std::string public_pem_of(const std::string& private_pem);

}  // namespace kp::tally::internal
