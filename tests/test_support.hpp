#pragma once
// Helpers shared by the tests: the example congress, scratch folders, running the CLI.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/election.hpp"
#include "config/layout.hpp"
#include "config/load.hpp"
#include "tally/congress_db.hpp"

namespace kp::test {

std::string source_path(const std::string& relative);
std::string read_file(const std::filesystem::path& path);

// Runs SQL on a congress database as someone editing it by hand would (the tampering tests);
// the SQLite error, or "" when it ran.
std::string exec_sql(const std::string& db_path, const std::string& statement);
// A recognition line as recognition writes one for these marks and flags (what `audit verify`
// admits again for a sheet counted without a ruling), for sheets a test stores directly.
std::string recognition_line(std::uint32_t serial, const std::map<std::string, MarkState>& marks, const std::set<SheetFlag>& flags = {});
// The rows a query gives, one per line, columns joined by '|' (as the sqlite3 shell prints them).
std::string query_sql(const std::string& db_path, const std::string& query);
void write_file(const std::filesystem::path& path, const std::string& text);

// The committed example congress, loaded and validated (the test fails on any error).
config::ElectionPtr example_election();
std::vector<config::ContestLayout> example_layouts();

// A fresh folder under the build's temp area, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line; stdout and stderr are captured separately.
CommandResult run_command(const std::string& command_line);
// Runs the kiemphieu program with the given (already quoted) arguments.
CommandResult run_cli(const std::string& arguments);
// The same with `input` on its standard input (PINs are never arguments: they would show in `ps`).
CommandResult run_cli_with_input(const std::string& arguments, const std::string& input);

std::string quote_arg(const std::string& s);

// The PIN the tests give every member they register (an example only).
inline constexpr const char* kPin = "2468";
// Registers committee members as a congress's set-up would: the first needs nobody, each later
// one the first's consent; every one with kPin. Names already registered are skipped.
void register_committee(tally::CongressDb& db, const std::vector<std::string>& names);
void register_committee(const std::string& db_path, const std::vector<std::string>& names);
// kPin once per member named, one per line: what the program reads for --by.
std::string pins(int members);

// Starts a program in the background (searched on PATH); -1 when it cannot start. `quiet`
// sends its output to /dev/null; `own_group` puts it in a process group of its own, so
// kill(-pid, …) also reaches the children it forks.
struct SpawnOptions {
  bool quiet = false;
  bool own_group = false;
};
int spawn_process(const std::vector<std::string>& args, SpawnOptions options = {});

}  // namespace kp::test
