// kiemphieu — ballot counting for party congresses. The command line is a stable contract
// (shared/docs/cli-contract.md): exit 0 on success, 1 on failure, 2 on a usage error; data on
// stdout, diagnostics on stderr. Each command group registers its own commands
// (cli/command_line.hpp); this file parses and runs the one given.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "common/help_text.hpp"
#include "common/manual_page.hpp"
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

// The language asked for, read before parsing (a usage error is said in it too).
kp::Lang language_of(int argc, char** argv) { return kp::language_from_arguments(argc, argv); }

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The subcommand of `app` a mistyped word was most likely meant to be ("scna" → "scan").
std::string nearest_command(const CLI::App& app, const std::string& word) {
  std::string best;
  std::size_t best_distance = 3;  // two edits at most: beyond that a guess misleads more than it helps
  for (const auto* sub : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    const std::size_t d = edit_distance(word, sub->get_name());
    if (d < best_distance) {
      best_distance = d;
      best = sub->get_name();
    }
  }
  return best;
}

// A usage error said in the language asked for, with "did you mean" for a mistyped command;
// exit code 2 (the contract's usage error).
int usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const kp::Lang lang = language_of(argc, argv);
  const bool en = lang == kp::Lang::en;
  const std::string what = e.what();
  std::string said = what;
  // The command the words were given to: the deepest subcommand named on the line.
  const CLI::App* at = &app;
  std::string unknown;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--lang") ++i;  // its value is not a command
    if (word.empty() || word[0] == '-') continue;
    bool found = false;
    for (const auto* sub : at->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == word) {
        at = sub;
        found = true;
        break;
      }
    }
    // A word where a command was due (the level has commands) that is none of them.
    if (!found && unknown.empty() && !at->get_subcommands([](const CLI::App*) { return true; }).empty()) unknown = word;
    if (!found) break;
  }
  if (what.find("A subcommand is required") != std::string::npos || what.find("subcommand") != std::string::npos) {
    said = en ? "a command is needed" : "cần một lệnh";
    if (!unknown.empty()) {
      said = (en ? "there is no command “" : "không có lệnh “") + unknown + "”";
      if (const std::string guess = nearest_command(*at, unknown); !guess.empty()) said += (en ? "; did you mean “" : "; có phải là “") + guess + "”?";
    }
  } else if (const auto pos = what.find(" is required"); pos != std::string::npos) {
    said = (en ? "missing " : "thiếu ") + what.substr(0, pos);
  } else if (what.find("were not expected") != std::string::npos || what.find("was not expected") != std::string::npos) {
    said = (en ? "not understood: " : "không hiểu: ") + what.substr(what.find(':') == std::string::npos ? 0 : what.find(':') + 2);
  } else if (!en) {
    said = "tham số không đúng: " + what;
  }
  std::cerr << (at == &app ? std::string("kiemphieu") : at->get_name()) << ": " << (en ? "error: " : "lỗi: ") << said << '\n'
            << (en ? "Run with --help for more information.\n" : "Chạy với --help để xem cách dùng.\n");
  return 2;
}

// kiemphieu(1): the commands and options from the parser itself, the rest written here.
kp::ManualPageText manual_page_text() {
  return kp::ManualPageText{
      .name = "kiemphieu",
      .version = KP_VERSION,
      .date = KP_RELEASE_DATE,
      .summary = "ballot counting for party congresses (kiểm phiếu bầu cử trong Đảng)",
      .description =
          {"kiemphieu counts the paper ballots of a party congress. It prints the ballots of an election definition, reads "
           "every mark on the scanned sheets (from a document scanner through SANE, eSCL or USB, or from image files), applies "
           "the Party's election rules, keeps every scan and every decision in a signed, hash-chained log that an auditor can "
           "verify and replay, and writes the counting record (biên bản kiểm phiếu).",
           "This is the headless program: every command but the console, no display needed. The Qt console is "
           "kiemphieu-console(1); `kiemphieu console` starts it. Texts are Vietnamese unless --lang en or KIEMPHIEU_LANG=en.",
           "Every action that changes the count or its record (a ruling, a set-aside, ballots issued, a round closed or "
           "opened, a member added, a record written) names registered committee members, whose PINs are read from the "
           "terminal or standard input, never from the command line."},
      .after = {{"EXIT STATUS", {"0 on success, 1 on failure (a bad input names its file, line or field, and why), 2 on a usage error. "
                                 "audit verify exits 1 when anything in the database does not match its signed log."}},
                {"ENVIRONMENT", {"KIEMPHIEU_LANG: vi (default) or en, when --lang is not given.",
                                 "KIEMPHIEU_SCANNER_QUIRKS: a TOML file of scanner quirks read instead of the built-in table."}},
                {"FILES", {"CONGRESS.db: the congress database (SQLite); beside it CONGRESS.db.images, every scanned side as stored, and "
                           "CONGRESS.db.key, the station's private key that signs the log.",
                           "/usr/share/doc/kiemphieu: the README and the changelog."}},
                {"EXAMPLES", {"kiemphieu demo --out /tmp/demo: the built-in example congress printed, scanned by the simulated scanner, "
                              "counted, its record written.",
                              "kiemphieu check election.toml; kiemphieu ballots election.toml --out ballots; kiemphieu init congress.db "
                              "election.toml; kiemphieu scan congress.db --source sane:DEVICE; kiemphieu report congress.db --out records; "
                              "kiemphieu audit verify congress.db --expect-key FINGERPRINT."}}},
      .see_also = "kiemphieu-console(1). The command-line contract and the election rules: /usr/share/doc/kiemphieu/README.md.",
  };
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
  kp::cli::add_console_command(app, line);
  // `console`: every word after it is kiemphieu-console's, "--" and --help included, as given.
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--lang") {
      ++i;
      continue;
    }
    if (word.rfind("--lang=", 0) == 0) continue;
    // --lang before `console` is this program's (language_of reads argv[1..i-1]).
    if (word == "console") return kp::cli::start_console(std::vector<std::string>(argv + i + 1, argv + argc), language_of(i, argv));
    break;  // another command, or an option of this program's own
  }
  // The manual page, written from the parser so it documents every command (hidden: for the build).
  if (argc == 2 && std::string(argv[1]) == "--manual-page") {
    std::cout << kp::manual_page(app, manual_page_text());
    return 0;
  }
  // Hidden, for the tests: every description of the help that has no Vietnamese wording.
  if (argc == 2 && std::string(argv[1]) == "--help-without-vietnamese") {
    for (const auto& missing : kp::help_without_vietnamese(app)) std::cout << missing << '\n';
    return 0;
  }
  kp::speak_help_in(app, language_of(argc, argv));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e, argc, argv);
  }
  const auto* command = line.parsed();
  if (command == nullptr) return 2;
  const kp::Lang lang = lang_code.empty() ? kp::language_from_environment() : kp::parse_lang(lang_code);
  if (!command->draws_text) return command->run(lang);
  // Every other command measures or draws ballot text; the session outlives it.
  const kp::printing::RenderSession render_session;
  return command->run(lang);
}
