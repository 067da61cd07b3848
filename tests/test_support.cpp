#include "test_support.hpp"

#include <algorithm>

#include <fcntl.h>
#include <spawn.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/wait.h>

extern char** environ;

namespace kp::test {

std::string source_path(const std::string& relative) { return std::string(KP_SOURCE_DIR) + "/" + relative; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

config::ElectionPtr example_election() {
  auto loaded = config::load_election_file(source_path("sample_ballots/example-congress.toml"));
  if (!loaded) {
    for (const auto& d : loaded.error()) ADD_FAILURE() << d.format(Lang::en);
    return nullptr;
  }
  return loaded->election;
}

std::vector<config::ContestLayout> example_layouts() {
  std::vector<config::ContestLayout> out;
  const auto election = example_election();
  if (!election) return out;
  for (const auto& c : election->contests) {
    auto layout = config::compute_layout(*election, c);
    if (!layout) {
      ADD_FAILURE() << layout.error().message.en;
      continue;
    }
    out.push_back(*layout);
  }
  return out;
}

ScratchDir::ScratchDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("kp-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string quote_arg(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

CommandResult run_command(const std::string& command_line) {
  const ScratchDir tmp;
  const auto out_path = tmp.path() / "stdout";
  const auto err_path = tmp.path() / "stderr";
  const std::string full = command_line + " >" + quote_arg(out_path.string()) + " 2>" + quote_arg(err_path.string());
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

CommandResult run_cli(const std::string& arguments) { return run_command(quote_arg(KP_CLI_PATH) + " " + arguments); }

CommandResult run_cli_with_input(const std::string& arguments, const std::string& input) {
  return run_command("printf '%s' " + quote_arg(input) + " | " + quote_arg(KP_CLI_PATH) + " " + arguments);
}

int spawn_process(const std::vector<std::string>& args, SpawnOptions options) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.quiet) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (options.own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

std::string exec_sql(const std::string& db_path, const std::string& statement) {
  sqlite3* handle = nullptr;
  if (sqlite3_open(db_path.c_str(), &handle) != SQLITE_OK) {
    const std::string error = handle != nullptr ? sqlite3_errmsg(handle) : "cannot open " + db_path;
    sqlite3_close(handle);
    return error;
  }
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, statement.c_str(), nullptr, nullptr, &error);
  const std::string said = rc == SQLITE_OK ? "" : (error != nullptr ? error : "error " + std::to_string(rc));
  sqlite3_free(error);
  sqlite3_close(handle);
  return said;
}

std::string recognition_line(std::uint32_t serial, const std::map<std::string, MarkState>& marks, const std::set<SheetFlag>& flags) {
  nlohmann::ordered_json line{{"status", "ok"}, {"serial", serial}};
  line["marks"] = nlohmann::ordered_json::array();
  for (const auto& [id, state] : marks) line["marks"].push_back({{"candidate_id", id}, {"state", std::string(to_string(state))}});
  line["flags"] = nlohmann::ordered_json::array();
  for (const auto f : flags) line["flags"].push_back(std::string(to_string(f)));
  return line.dump();
}

std::string query_sql(const std::string& db_path, const std::string& query) {
  sqlite3* handle = nullptr;
  std::string out;
  if (sqlite3_open(db_path.c_str(), &handle) == SQLITE_OK) {
    const auto row = [](void* into, int columns, char** values, char**) {
      auto& text = *static_cast<std::string*>(into);
      for (int i = 0; i < columns; ++i) text += (i > 0 ? "|" : "") + std::string(values[i] != nullptr ? values[i] : "");
      text += '\n';
      return 0;
    };
    sqlite3_exec(handle, query.c_str(), row, &out, nullptr);
  }
  sqlite3_close(handle);
  return out;
}

void register_committee(tally::CongressDb& db, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const auto members = db.members();
    ASSERT_TRUE(members.has_value());
    if (std::any_of(members->begin(), members->end(), [&](const auto& m) { return m.name == name; })) continue;
    const auto added = db.add_member(name, tally::MemberRole::committee, kPin, members->empty() ? "" : members->front().name);
    ASSERT_TRUE(added.has_value()) << added.error().message.en;
  }
}

void register_committee(const std::string& db_path, const std::vector<std::string>& names) {
  auto db = tally::CongressDb::open(db_path);
  ASSERT_TRUE(db.has_value());
  register_committee(*db, names);
}

std::string pins(int members) {
  std::string out;
  for (int i = 0; i < members; ++i) out += std::string(kPin) + "\n";
  return out;
}

}  // namespace kp::test
