#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <sys/wait.h>

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

}  // namespace kp::test
