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

Lang language_from_arguments(int argc, const char* const* argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--lang") return parse_lang(argv[i + 1]);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view word(argv[i]);
    if (word.rfind("--lang=", 0) == 0) return parse_lang(word.substr(7));
  }
  return language_from_environment();
}

}  // namespace kp
