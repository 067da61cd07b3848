// kiemphieu — ballot counting for party congresses. The command line is a stable contract
// (shared/docs/cli-contract.md): exit 0 on success, 1 on failure, 2 on a usage error; data on
// stdout, diagnostics on stderr. Each command group registers its own commands
// (cli/command_line.hpp); this file parses and runs the one given.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "printing/render_session.hpp"

namespace kp::cli {

const CommandLine::Entry* CommandLine::parsed() const {
  for (const auto& e : entries_) {
    if (e.command->parsed()) return &e;
  }
  return nullptr;
}

}  // namespace kp::cli

namespace {

kp::Lang language_from_environment() {
  const char* env = std::getenv("KIEMPHIEU_LANG");
  return env != nullptr ? kp::parse_lang(env) : kp::Lang::vi;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kiemphieu — kiểm phiếu bầu cử trong Đảng / ballot counting for party congresses"};
  app.set_version_flag("--version", std::string("kiemphieu ") + KP_VERSION);
  app.require_subcommand(1);
  std::string lang_code;
  app.add_option("--lang", lang_code, "vi (mặc định / default) hoặc/or en; also KIEMPHIEU_LANG")->check(CLI::IsMember({"vi", "en"}));
  kp::cli::CommandLine line;
  kp::cli::add_definition_commands(app, line);
  kp::cli::add_recognize_command(app, line);
  kp::cli::add_tally_command(app, line);
  kp::cli::add_congress_commands(app, line);
  kp::cli::add_scanner_commands(app, line);
  kp::cli::add_console_command(app, line, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  const auto* command = line.parsed();
  if (command == nullptr) return 2;
  const kp::Lang lang = lang_code.empty() ? language_from_environment() : kp::parse_lang(lang_code);
  if (!command->draws_text) return command->run(lang);
  // Every other command measures or draws ballot text; the session outlives it.
  const kp::printing::RenderSession render_session;
  return command->run(lang);
}
