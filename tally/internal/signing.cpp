#include "tally/internal/signing.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <stdexcept>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

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

// An encrypted key read without its passphrase must fail, never ask on the terminal (OpenSSL's
// default when no callback is given).
int no_passphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

PKey read_private(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr), EVP_PKEY_free);
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

namespace {
constexpr std::uint64_t kScryptN = 1U << 14U;
constexpr std::uint64_t kScryptR = 8;
constexpr std::uint64_t kScryptP = 4;
constexpr std::string_view kEncryptedHeader = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* passphrase = static_cast<const std::string*>(user);
  if (passphrase->size() > static_cast<std::size_t>(size)) return -1;
  std::copy(passphrase->begin(), passphrase->end(), buffer);
  return static_cast<int>(passphrase->size());
}
}  // namespace

std::string encrypt_private_pem(const std::string& private_pem, const std::string& passphrase) {
  const PKey key = read_private(private_pem);
  using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)>;
  using Sig = std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)>;
  using Algor = std::unique_ptr<X509_ALGOR, decltype(&X509_ALGOR_free)>;
  Pkcs8 info(EVP_PKEY2PKCS8(key.get()), PKCS8_PRIV_KEY_INFO_free);
  Algor pbe(PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, kScryptN, kScryptR, kScryptP), X509_ALGOR_free);
  if (!info || !pbe) throw std::runtime_error("key encryption setup failed");
  Sig encrypted(PKCS8_set0_pbe(passphrase.data(), static_cast<int>(passphrase.size()), info.get(), pbe.get()), X509_SIG_free);
  if (!encrypted) throw std::runtime_error("key encryption failed");
  (void)pbe.release();  // owned by `encrypted` now
  Bio out(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PKCS8(out.get(), encrypted.get()) != 1) throw std::runtime_error("key export failed");
  return bio_text(out.get());
}

std::optional<std::string> decrypt_private_pem(const std::string& encrypted_pem, const std::string& passphrase) {
  Bio in(BIO_new_mem_buf(encrypted_pem.data(), static_cast<int>(encrypted_pem.size())), BIO_free);
  std::string pass = passphrase;
  PKey key(PEM_read_bio_PrivateKey(in.get(), nullptr, passphrase_callback, &pass), EVP_PKEY_free);
  if (!key) return std::nullopt;
  Bio out(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) return std::nullopt;
  return bio_text(out.get());
}

bool is_encrypted_pem(const std::string& pem) { return pem.rfind(kEncryptedHeader, 0) == 0; }

std::string public_pem_of(const std::string& private_pem) {
  Bio in(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), BIO_free);
  PKey key(PEM_read_bio_PrivateKey(in.get(), nullptr, no_passphrase, nullptr), EVP_PKEY_free);
  if (!key) return {};
  Bio out(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) return {};
  return bio_text(out.get());
}

}  // namespace kp::tally::internal
