#pragma once
// Shared by the commands: loading, validating and laying out an election, and saying errors.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "common/error.hpp"
#include "common/image.hpp"
#include "config/layout.hpp"
#include "config/load.hpp"

namespace kp::cli {

struct Prepared {
  config::ElectionPtr election;
  std::vector<config::ContestLayout> layouts;  // in the order of election->contests
  config::Diagnostics warnings;
};

void print_error(const Error& e, Lang lang);

// The PIN of `member`, never an argument (it would show in `ps` and the shell's history): from
// the terminal without echo when standard input is one, otherwise the next line of standard
// input. Empty when none was given.
std::string read_pin(const std::string& member, Lang lang);
// Any secret the same way, after `prompt` on a terminal.
std::string read_secret(const std::string& prompt);
// A new passphrase for the station key, given twice; nothing (after saying so) when the two differ.
std::optional<std::string> read_new_passphrase(Lang lang);

// Writes each layout's blank sides as PNG, `count` issued ballots with fresh serials as PDF,
// the serial list and layout.json into `out_dir`, printing each path.
int write_ballots(const Prepared& p, const std::string& out_dir, int dpi, int count, Lang lang);

// Reports every finding on stderr; empty when the definition cannot be used.
std::optional<Prepared> prepare(tl::expected<config::LoadedElection, config::Diagnostics> loaded, Lang lang);

}  // namespace kp::cli
