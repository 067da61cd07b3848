#pragma once
// User-facing text always comes in Vietnamese (the default) and English.
#include <string>
#include <string_view>

namespace kp {

enum class Lang { vi, en };

// Parses "vi" or "en" (case-insensitive); anything else is Vietnamese, the default.
Lang parse_lang(std::string_view code);
// The language of both programs when --lang is not given: KIEMPHIEU_LANG, else Vietnamese.
Lang language_from_environment();
// --lang L or --lang=L among the first `argc` words (before the parser has run: the help it
// prints is already in that language), else the environment's.
Lang language_from_arguments(int argc, const char* const* argv);

struct Text {
  std::string vi;
  std::string en;

  [[nodiscard]] const std::string& in(Lang lang) const { return lang == Lang::en ? en : vi; }
};

}  // namespace kp
