#pragma once
// The command line's front door: each command group registers its own subcommands with their
// options and what runs them (in the file that implements them); main.cpp only parses and runs
// the one given.
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include <vector>

#include "common/text.hpp"

namespace CLI {
class App;
}

namespace kp::cli {

class CommandLine {
 public:
  struct Entry {
    CLI::App* command = nullptr;
    std::function<int(Lang)> run;
    bool draws_text = true;  // measures or draws ballot text: needs the render session (Qt Gui, off-screen)
  };
  void add(CLI::App* command, std::function<int(Lang)> run, bool draws_text = true) { entries_.push_back({command, std::move(run), draws_text}); }
  // The entry of the subcommand given, after parsing; nullptr when none was.
  [[nodiscard]] const Entry* parsed() const;

 private:
  std::vector<Entry> entries_;
};

// check, ballots, synth, demo (commands.cpp); recognize (recognize_command.cpp); tally
// (tally_command.cpp); the congress database's commands (congress_commands.cpp); scan, devices
// and the SANE worker (scan_command.cpp); `console`, which starts kiemphieu-console
// (console_command.cpp).
void add_definition_commands(CLI::App& app, CommandLine& line);
void add_recognize_command(CLI::App& app, CommandLine& line);
void add_tally_command(CLI::App& app, CommandLine& line);
void add_congress_commands(CLI::App& app, CommandLine& line);
void add_scanner_commands(CLI::App& app, CommandLine& line);
void add_console_command(CLI::App& app, CommandLine& line);

// The console program, kiemphieu-console, when it is installed beside this one.
[[nodiscard]] std::optional<std::string> console_program();
// `kiemphieu console ARGS…`: replaces this process with kiemphieu-console ARGS…; returns 1 (said
// on stderr) when it is not installed or cannot start.
int start_console(const std::vector<std::string>& arguments, Lang lang);

}  // namespace kp::cli
