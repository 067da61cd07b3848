// kiemphieu console: starts the Qt console, the program kiemphieu-console installed beside this
// one, with the same options. The headless program links no widget library; the command stays
// so that every line written for it keeps working.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"

namespace kp::cli {

std::optional<std::string> console_program() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  const auto console = self.parent_path() / "kiemphieu-console";
  if (::access(console.c_str(), X_OK) != 0) return std::nullopt;
  return console.string();
}

int start_console(const std::vector<std::string>& arguments, Lang lang) {
  const auto program = console_program();
  if (!program) {
    std::cerr << (lang == Lang::en ? "console: the console is not installed: there is no kiemphieu-console beside this program "
                                     "(Debian package kiemphieu-console)\n"
                                   : "console: chưa cài bàn kiểm phiếu: không có kiemphieu-console bên cạnh chương trình này "
                                     "(gói Debian kiemphieu-console)\n");
    return 1;
  }
  std::vector<std::string> words{*program};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  // The language chosen here; the console's own --lang, when given after `console`, wins.
  ::setenv("KIEMPHIEU_LANG", lang == Lang::en ? "en" : "vi", 1);
  ::execv(program->c_str(), argv.data());
  std::cerr << (lang == Lang::en ? "console: kiemphieu-console could not be started: " : "console: không chạy được kiemphieu-console: ")
            << std::strerror(errno) << '\n';
  return 1;
}

void add_console_command(CLI::App& app, CommandLine& line) {
  // Listed for --help and the manual page; main() hands the words after `console` to
  // start_console exactly as given, before CLI11 reads them (it would take "--" for itself).
  auto* console_cmd = app.add_subcommand("console", "Mở bàn kiểm phiếu và bảng kết quả (kiemphieu-console) / open the console (kiemphieu-console)");
  console_cmd->footer("Every option is kiemphieu-console's: kiemphieu console --help shows them (man kiemphieu-console).");
  console_cmd->prefix_command();
  console_cmd->set_help_flag();
  line.add(console_cmd, [console_cmd](Lang lang) { return start_console(console_cmd->remaining(), lang); }, false);
}

}  // namespace kp::cli
