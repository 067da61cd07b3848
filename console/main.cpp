// kiemphieu-console — the counting station's Qt console and the observer's view. The headless
// program `kiemphieu` runs every other command and is found beside this one; `kiemphieu console`
// starts this program with the same options.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common/help_text.hpp"
#include "common/manual_page.hpp"
#include "common/text.hpp"
#include "ui/console.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kiemphieu-console — bàn kiểm phiếu và bảng kết quả trực tiếp / the counting station's console and live results"};
  app.set_version_flag("--version", std::string("kiemphieu-console ") + KP_VERSION);
  kp::ui::ConsoleOptions console;
  std::string lang_code;
  bool manual_page = false;
  app.add_option("--lang", lang_code, "vi (mặc định / default) hoặc/or en; also KIEMPHIEU_LANG")->check(CLI::IsMember({"vi", "en"}));
  app.add_option("db", console.db_path, "CONGRESS.db (the counting station); without it, the set-up screen opens or creates one");
  app.add_option("--publish", console.publish_port, "publish the results read-only to observers on this port")->check(CLI::Range(1, 65535));
  app.add_option("--publish-on", console.publish_address, "publish on this address only (default: every interface)");
  app.add_option("--observe", console.observe_url, "observer: show a station's results from ws://HOST:PORT (no database)");
  app.add_option("--station-key", console.observe_key, "observer: the station key's fingerprint from the minutes; only messages it signed are shown");
  app.add_option("--keep-heads", console.keep_heads,
                 "observer: keep every log head the station showed in FILE (default: ~/.local/state/kiemphieu/heads-FINGERPRINT.txt)");
  app.add_flag("--projector", console.projector, "full screen, large type, for the congress hall");
  app.add_option("--screenshot", console.screenshot, "render once to this PNG and exit");
  app.add_option("--view-json", console.view_json, "with --screenshot: also write the results shown, as JSON");
  app.add_option("--quit-after", console.quit_after_seconds, "close by itself after SECONDS");
  app.add_option("--screen", console.screen, "show this screen first")
      ->check(CLI::IsMember({"results", "setup", "scan", "adjudication", "gallery", "audit", "record"}));
  app.add_option("--screen-text", console.screen_text, "with --screenshot: also write every text shown, one per line");
  app.add_option("--sign-in", console.sign_in, "sign this member in at the start (PIN on standard input)");
  app.add_flag("--unlock-key", console.unlock_key, "unlock the station key for the session at the start (passphrase on standard input, before the PIN)");
  app.add_option("--scanner", console.scanner, "the scanner the scanning screen offers first (sim:DIR, sane:…, …)");
  app.add_option("--scan", console.scan_source, "start a batch from this scanner on the scanning screen");
  app.add_option("--scan-faults", console.scan_faults, "simulated scanner: faults to play, for training (jam@5,double_feed@12)");
  app.add_option("--run", console.action, "run verify | replay | record on its screen first")->check(CLI::IsMember({"verify", "replay", "record"}));
  app.add_flag("--manual-page", manual_page, "print this program's manual page (troff) and exit")->group("");
  // Hidden, for the tests: every description of the help that has no Vietnamese wording.
  if (argc == 2 && std::string(argv[1]) == "--help-without-vietnamese") {
    for (const auto& missing : kp::help_without_vietnamese(app)) std::cout << missing << '\n';
    return 0;
  }
  // The manual page stays as declared; the help speaks the language asked for.
  if (!(argc == 2 && std::string(argv[1]) == "--manual-page")) kp::speak_help_in(app, kp::language_from_arguments(argc, argv));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const bool en = (lang_code.empty() ? kp::language_from_environment() : kp::parse_lang(lang_code)) == kp::Lang::en;
    std::cerr << "kiemphieu-console: " << (en ? "error: " : "lỗi: ") << e.what() << '\n'
              << (en ? "Run with --help for more information.\n" : "Chạy với --help để xem cách dùng.\n");
    return 2;  // the contract's usage error
  }
  if (manual_page) {
    std::cout << kp::manual_page(
        app, kp::ManualPageText{
                 .name = "kiemphieu-console",
                 .version = KP_VERSION,
                 .date = KP_RELEASE_DATE,
                 .summary = "the counting station's console and the observer's live results",
                 .description =
                     {"The Qt console of kiemphieu. Given a congress database it is the counting station: set-up (members, ballots issued, "
                      "rounds), scanning, the committee's queue of waiting ballots and the gallery of marks by score, audit (verify and "
                      "replay), the counting record, and the live results, with a projector mode for the hall. Without a database it "
                      "opens on the set-up screen to open or create one.",
                      "With --observe it is an observer on another computer: the station's results exactly as the station computed "
                      "them, shown only when signed by the station key whose fingerprint --station-key gives (read into the minutes "
                      "at set-up). Every head of the station's log it is shown (entry number and hash, signed with the "
                      "results) is kept in the --keep-heads file, so an auditor can later ask the station's database whether it still "
                      "holds them (kiemphieu audit verify --expect-heads-from FILE).",
                      "Every action that changes the count asks for a registered member's PIN. Scans, audits and records are run by "
                      "the headless program kiemphieu(1), which the console finds beside itself; `kiemphieu console` starts this "
                      "program with the same options. Texts are Vietnamese unless --lang en or KIEMPHIEU_LANG=en."},
                 .after = {{"EXIT STATUS", {"0 when the window was closed or the screenshot written; 1 when the database cannot be read or "
                                            "the screenshot not written; 2 on a usage error."}},
                           {"ENVIRONMENT", {"KIEMPHIEU_LANG: vi (default) or en, when --lang is not given. QT_QPA_PLATFORM: Qt's "
                                            "platform; --screenshot uses offscreen when it is unset."}}},
                 .see_also = "kiemphieu(1)",
             });
    return 0;
  }
  const kp::Lang lang = lang_code.empty() ? kp::language_from_environment() : kp::parse_lang(lang_code);
  const bool en = lang == kp::Lang::en;
  if (!console.db_path.empty() && !console.observe_url.empty()) {
    std::cerr << (en ? "kiemphieu-console: give either CONGRESS.db (the station) or --observe ws://HOST:PORT (an observer), not both\n"
                     : "kiemphieu-console: cho CONGRESS.db (trạm kiểm phiếu) hoặc --observe ws://HOST:PORT (người theo dõi), không cả hai\n");
    return 2;
  }
  if (!console.observe_url.empty() && console.observe_key.empty()) {
    std::cerr << (en ? "kiemphieu-console: an observer needs --station-key FINGERPRINT (the station key's fingerprint read into the minutes): without it "
                       "a fake station could not be told from the real one\n"
                     : "kiemphieu-console: người theo dõi cần --station-key DẤU-VÂN-TAY (dấu vân tay khóa trạm ghi trong biên bản): thiếu nó thì "
                       "không phân biệt được trạm giả với trạm thật\n");
    return 2;
  }
  if (!console.observe_url.empty()) {
    // The fingerprint as read from the minutes: hex in either case; anything else is refused here
    // rather than shown later as every message being "signed by another key".
    if (!kp::ui::normalize_station_key(console.observe_key)) {
      std::cerr << (en ? "kiemphieu-console: --station-key takes the 64 hex digits of the fingerprint in the minutes\n"
                       : "kiemphieu-console: --station-key cần 64 chữ số hex của dấu vân tay ghi trong biên bản\n");
      return 2;
    }
  }
  if (!console.observe_url.empty() && console.keep_heads.empty()) {
    // The observer's own paper: kept where the user's programs keep state, one file per station key.
    const char* state = std::getenv("XDG_STATE_HOME");
    const char* home = std::getenv("HOME");
    const std::string folder = state != nullptr && *state != '\0' ? std::string(state) : std::string(home != nullptr ? home : ".") + "/.local/state";
    std::string named;  // the fingerprint's first hex digits, nothing else of what was typed
    for (const char c : console.observe_key) {
      if (named.size() < 16 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) named += c;
    }
    console.keep_heads = folder + "/kiemphieu/heads-" + named + ".txt";
  }
  // A screenshot needs no display.
  if (!console.screenshot.empty() && std::getenv("QT_QPA_PLATFORM") == nullptr) ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
  kp::ui::ConsoleApplication qt(argc, argv);
  qt.use_language(lang);
  return kp::ui::run_console(console, lang);
}
