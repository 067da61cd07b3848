#include "tally/internal/signing.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/digest.hpp"

namespace kp::tally::internal {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

PKey read_private(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) throw std::runtime_error("unreadable private key");
  return key;
}

PKey read_public(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return PKey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Empty when the text is not hex (a tampered signature is a failed check, not an exception).
std::vector<unsigned char> from_hex(const std::string& hex) {
  std::vector<unsigned char> out;
  if (hex.size() % 2 != 0) return out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

// Under OpenSSL 3 parsing a PEM costs several times the Ed25519 operation itself (provider and
// decoder lookups); a station signs and checks with one key all session, so each thread keeps
// the last key it parsed.
struct ParsedKey {
  std::string pem;
  PKey key{nullptr, EVP_PKEY_free};
};

EVP_PKEY* private_key(const std::string& pem) {
  thread_local ParsedKey cache;
  if (!cache.key || cache.pem != pem) {
    cache.key = read_private(pem);
    cache.pem = pem;
  }
  return cache.key.get();
}

EVP_PKEY* public_key(const std::string& pem) {
  thread_local ParsedKey cache;
  if (!cache.key || cache.pem != pem) {
    cache.key = read_public(pem);
    cache.pem = pem;
  }
  return cache.key.get();
}

}  // namespace

KeyPair generate_key() {
  PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  if (!key) throw std::runtime_error("Ed25519 key generation failed");
  Bio priv(BIO_new(BIO_s_mem()), BIO_free);
  Bio pub(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    throw std::runtime_error("key export failed");
  }
  return {bio_text(priv.get()), bio_text(pub.get())};
}

std::string sign_hex(const std::string& private_pem, const std::string& message) {
  EVP_PKEY* key = private_key(private_pem);
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 64;
  unsigned char signature[64];
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &length, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    throw std::runtime_error("signing failed");
  }
  return to_hex(signature, length);
}

bool verify_hex(const std::string& public_pem, const std::string& message, const std::string& signature_hex) {
  EVP_PKEY* key = public_key(public_pem);
  if (key == nullptr) return false;
  const auto signature = from_hex(signature_hex);
  if (signature.size() != 64) return false;
  MdCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

std::string key_fingerprint(const std::string& public_pem) { return sha256_hex(public_pem); }

}  // namespace kp::tally::internal
