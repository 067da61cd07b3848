#pragma once
// A program's manual page (troff, man(7) macros) written from its own command-line parser, so
// the page documents every command and option `--help` shows and cannot fall out of step with
// it. Both programs parse with CLI11; its App is named here, not included.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kp {

struct ManualSection {
  std::string heading;                  // "EXIT STATUS", "FILES", …
  std::vector<std::string> paragraphs;  // plain text; each becomes one paragraph
};

struct ManualPageText {
  std::string name;     // the program, as installed: "kiemphieu"
  std::string version;  // "0.1.0"
  std::string date;     // the release date, YYYY-MM-DD: the page is the same on every build
  std::string summary;  // the NAME line after the dash
  std::vector<std::string> description;  // paragraphs of DESCRIPTION, before the options
  std::vector<ManualSection> after;      // sections after the options and commands
  std::string see_also;                  // "kiemphieu-console(1)"
};

// The whole page: NAME, SYNOPSIS, DESCRIPTION, OPTIONS (the program's own), COMMANDS (every
// visible subcommand, nested ones under their parent, each with its arguments and options),
// then `text.after` and SEE ALSO. Hidden options and commands (no group) are left out.
[[nodiscard]] std::string manual_page(const CLI::App& app, const ManualPageText& text);

}  // namespace kp
