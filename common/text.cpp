#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace kp {

Lang parse_lang(std::string_view code) {
  std::string lower(code);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "en" || lower.rfind("en_", 0) == 0 || lower.rfind("en-", 0) == 0) return Lang::en;
  return Lang::vi;
}

Lang language_from_environment() {
  const char* env = std::getenv("KIEMPHIEU_LANG");
  return env != nullptr ? parse_lang(env) : Lang::vi;
}

}  // namespace kp
