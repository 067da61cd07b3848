#pragma once
// The command line's own help in the language asked for: every option's description, each
// command's (written "tiếng Việt / English" where it is declared) and CLI11's headings. The
// manual pages stay as declared (English, with the Vietnamese names of things).
#include <string>
#include <vector>

#include "common/text.hpp"

namespace CLI {
class App;
}

namespace kp {

// Rewrites the help texts of `app` and of every command under it for `lang`.
void speak_help_in(CLI::App& app, Lang lang);

// The descriptions under `app` that have no Vietnamese wording (empty when every one has): what
// the tests hold to nothing.
[[nodiscard]] std::vector<std::string> help_without_vietnamese(const CLI::App& app);

}  // namespace kp
