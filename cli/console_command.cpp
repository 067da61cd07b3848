// kiemphieu console: the Qt console (ui/), started from the command line.
#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "ui/console.hpp"

namespace kp::cli {

using ui::ConsoleOptions;

void add_console_command(CLI::App& app, CommandLine& line, int& argc, char** argv) {
  auto console = std::make_shared<ConsoleOptions>();
  auto* console_cmd = app.add_subcommand("console", "Mở bảng kết quả trực tiếp / open the live results console");
  console_cmd->add_option("db", console->db_path, "CONGRESS.db (the counting station)");
  console_cmd->add_option("--publish", console->publish_port, "publish the results read-only to observers on this port")->check(CLI::Range(1, 65535));
  console_cmd->add_option("--publish-on", console->publish_address, "publish on this address only (default: every interface)");
  console_cmd->add_option("--observe", console->observe_url, "observer: show a station's results from ws://HOST:PORT (no database)");
  console_cmd->add_option("--station-key", console->observe_key,
                          "observer: the station key's fingerprint from the minutes; only messages it signed are shown");
  console_cmd->add_flag("--projector", console->projector, "full screen, large type, for the congress hall");
  console_cmd->add_option("--screenshot", console->screenshot, "render once to this PNG and exit");
  console_cmd->add_option("--view-json", console->view_json, "with --screenshot: also write the results shown, as JSON");
  console_cmd->add_option("--quit-after", console->quit_after_seconds, "close by itself after SECONDS");
  console_cmd->add_option("--screen", console->screen, "show this screen first")
      ->check(CLI::IsMember({"results", "setup", "scan", "adjudication", "gallery", "audit", "record"}));
  console_cmd->add_option("--screen-text", console->screen_text, "with --screenshot: also write every text shown, one per line");
  console_cmd->add_option("--sign-in", console->sign_in, "sign this member in at the start (PIN on standard input)");
  console_cmd->add_option("--scanner", console->scanner, "the scanner the scanning screen offers first (sim:DIR, sane:…, …)");
  console_cmd->add_option("--scan", console->scan_source, "start a batch from this scanner on the scanning screen");
  console_cmd->add_option("--scan-faults", console->scan_faults, "simulated scanner: faults to play, for training (jam@5,double_feed@12)");
  console_cmd->add_option("--run", console->action, "run verify | replay | record on its screen first")->check(CLI::IsMember({"verify", "replay", "record"}));
  line.add(
      console_cmd,
      [console, &argc, argv](Lang lang) {
        if (!console->db_path.empty() && !console->observe_url.empty()) {
          std::cerr << (lang == Lang::en ? "console: give either CONGRESS.db (the station) or --observe ws://HOST:PORT (an observer), not both\n"
                                         : "console: cho CONGRESS.db (trạm kiểm phiếu) hoặc --observe ws://HOST:PORT (người theo dõi), không cả hai\n");
          return 2;
        }
        if (!console->observe_url.empty() && console->observe_key.empty()) {
          std::cerr << (lang == Lang::en ? "console: an observer needs --station-key FINGERPRINT (the station key's fingerprint read into the minutes): without it "
                                           "a fake station could not be told from the real one\n"
                                         : "console: người theo dõi cần --station-key DẤU-VÂN-TAY (dấu vân tay khóa trạm ghi trong biên bản): thiếu nó thì "
                                           "không phân biệt được trạm giả với trạm thật\n");
          return 2;
        }
        // A screenshot needs no display.
        if (!console->screenshot.empty() && std::getenv("QT_QPA_PLATFORM") == nullptr) ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
        ui::ConsoleApplication qt(argc, argv);
        qt.use_language(lang);
        return ui::run_console(*console, lang);
      },
      false);
}

}  // namespace kp::cli
