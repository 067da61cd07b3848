#include "config/names.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>

namespace kp::config {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const auto n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

bool unseen(UChar32 c) {
  const auto type = static_cast<UCharCategory>(u_charType(c));
  // Cc (controls, except the spaces a name's white space folding handles), Cf (format:
  // zero-width characters, bidi controls, soft hyphen, BOM), Co (private use), Cn (unassigned).
  if (type == U_CONTROL_CHAR) return !(c == '\t' || c == '\n' || c == '\r');
  return type == U_FORMAT_CHAR || type == U_PRIVATE_USE_CHAR || type == U_UNASSIGNED;
}

std::string code_point(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

std::vector<std::string> unseen_characters(std::string_view utf8) {
  std::vector<std::string> out;
  const icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (unseen(c)) out.push_back(code_point(c));
  }
  return out;
}

std::string visible(std::string_view utf8) {
  const icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::string out;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (unseen(c)) {
      out += "⟨" + code_point(c) + "⟩";
    } else {
      icu::UnicodeString one(c);
      one.toUTF8String(out);
    }
  }
  return out;
}

std::string confusable_skeleton(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU spoof checker unavailable");
  const auto close = [](USpoofChecker* c) { uspoof_close(c); };
  const std::unique_ptr<USpoofChecker, decltype(close)> guard(checker, close);
  std::string skeleton(utf8.size() * 4 + 16, '\0');
  int32_t n = uspoof_getSkeletonUTF8(checker, 0, utf8.data(), static_cast<int32_t>(utf8.size()), skeleton.data(),
                                     static_cast<int32_t>(skeleton.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    status = U_ZERO_ERROR;
    skeleton.assign(static_cast<std::size_t>(n) + 1, '\0');
    n = uspoof_getSkeletonUTF8(checker, 0, utf8.data(), static_cast<int32_t>(utf8.size()), skeleton.data(), static_cast<int32_t>(skeleton.size()),
                               &status);
  }
  if (U_FAILURE(status)) return std::string(utf8);
  skeleton.resize(static_cast<std::size_t>(n));
  return skeleton;
}

std::string normalize_name(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return {};
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFC normaliser unavailable");
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString normalized = nfc->normalize(source, status);
  if (U_FAILURE(status)) return {};
  // Fold white space (including no-break and ideographic spaces) into single spaces.
  icu::UnicodeString folded;
  bool pending_space = false;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !folded.isEmpty();
      continue;
    }
    if (pending_space) folded.append(static_cast<UChar>(' '));
    pending_space = false;
    folded.append(c);
  }
  std::string out;
  folded.toUTF8String(out);
  return out;
}

NameParts split_name(std::string_view name) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < name.size()) {
    const auto end = name.find(' ', start);
    const auto stop = end == std::string_view::npos ? name.size() : end;
    if (stop > start) words.push_back(name.substr(start, stop - start));
    start = stop + 1;
  }
  NameParts parts;
  if (words.empty()) return parts;
  parts.given = std::string(words.back());
  if (words.size() >= 2) parts.family = std::string(words.front());
  for (std::size_t i = 1; i + 1 < words.size(); ++i) {
    if (!parts.middle.empty()) parts.middle += ' ';
    parts.middle += words[i];
  }
  return parts;
}

struct VietnameseNameOrder::Impl {
  std::unique_ptr<icu::Collator> collator;
};

VietnameseNameOrder::VietnameseNameOrder() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->collator.reset(icu::Collator::createInstance(icu::Locale("vi"), status));
  if (U_FAILURE(status) || !impl_->collator) throw std::runtime_error("ICU Vietnamese collator unavailable");
}
VietnameseNameOrder::~VietnameseNameOrder() = default;
VietnameseNameOrder::VietnameseNameOrder(VietnameseNameOrder&&) noexcept = default;
VietnameseNameOrder& VietnameseNameOrder::operator=(VietnameseNameOrder&&) noexcept = default;

int VietnameseNameOrder::compare_text(std::string_view a, std::string_view b) const {
  UErrorCode status = U_ZERO_ERROR;
  const UCollationResult r = impl_->collator->compareUTF8(
      icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
      icu::StringPiece(b.data(), static_cast<int32_t>(b.size())), status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU collation failed");
  return r == UCOL_LESS ? -1 : (r == UCOL_GREATER ? 1 : 0);
}

bool VietnameseNameOrder::before(const NameParts& a, const NameParts& b) const {
  if (const int c = compare_text(a.given, b.given); c != 0) return c < 0;
  if (const int c = compare_text(a.family, b.family); c != 0) return c < 0;
  return compare_text(a.middle, b.middle) < 0;
}

std::vector<std::string> sort_names(std::vector<std::string> names) {
  const VietnameseNameOrder order;
  std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return order.before(split_name(a), split_name(b));
  });
  return names;
}

}  // namespace kp::config
