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

void add_console_command(CLI::App& app, CommandLine& line) {
  auto* console_cmd = app.add_subcommand("console", "Mở bàn kiểm phiếu và bảng kết quả (kiemphieu-console) / open the console (kiemphieu-console)");
  console_cmd->footer("Every option is kiemphieu-console's: kiemphieu console --help shows them (man kiemphieu-console).");
  // Everything after `console`, --help included, is the console's own.
  console_cmd->prefix_command();
  console_cmd->set_help_flag();
  line.add(
      console_cmd,
      [console_cmd](Lang lang) {
        const auto program = console_program();
        if (!program) {
          std::cerr << (lang == Lang::en ? "console: the console is not installed: there is no kiemphieu-console beside this program "
                                           "(Debian package kiemphieu-console)\n"
                                         : "console: chưa cài bàn kiểm phiếu: không có kiemphieu-console bên cạnh chương trình này "
                                           "(gói Debian kiemphieu-console)\n");
          return 1;
        }
        std::vector<std::string> words{*program};
        for (const auto& word : console_cmd->remaining()) words.push_back(word);
        std::vector<char*> arguments;
        for (auto& word : words) arguments.push_back(word.data());
        arguments.push_back(nullptr);
        // The language chosen here; the console's own --lang, when given after `console`, wins.
        ::setenv("KIEMPHIEU_LANG", lang == Lang::en ? "en" : "vi", 1);
        ::execv(program->c_str(), arguments.data());
        std::cerr << (lang == Lang::en ? "console: kiemphieu-console could not be started: " : "console: không chạy được kiemphieu-console: ")
                  << std::strerror(errno) << '\n';
        return 1;
      },
      false);
}

}  // namespace kp::cli
