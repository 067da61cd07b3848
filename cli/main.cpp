// kiemphieu — ballot counting for party congresses. The command line is a stable contract
// (shared/docs/cli-contract.md): exit 0 on success, 1 on failure, 2 on a usage error; data on
// stdout, diagnostics on stderr.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "printing/render_session.hpp"
#include "scanner/scanner.hpp"
#include "ui/console.hpp"

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
  app.add_option("--lang", lang_code, "vi (mặc định / default) hoặc/or en; also KIEMPHIEU_LANG")
      ->check(CLI::IsMember({"vi", "en"}));

  kp::cli::CheckArgs check;
  auto* check_cmd = app.add_subcommand("check", "Kiểm tra tệp định nghĩa cuộc bầu / validate an election definition");
  check_cmd->add_option("election", check.election_path, "ELECTION.toml")->required();
  check_cmd->add_flag("--json", check.json, "JSON output");

  kp::cli::BallotsArgs ballots;
  auto* ballots_cmd = app.add_subcommand("ballots", "In phiếu bầu (PDF, PNG, layout.json) / write printable ballots");
  ballots_cmd->add_option("election", ballots.election_path, "ELECTION.toml")->required();
  ballots_cmd->add_option("--out", ballots.out_dir, "DIR")->required();
  ballots_cmd->add_option("--dpi", ballots.dpi, "PNG resolution (default 200)")->check(CLI::Range(50, 1200));
  ballots_cmd->add_option("--count", ballots.count, "ballots per contest in the PDF (default 1)")->check(CLI::Range(1, 100000));

  kp::cli::RecognizeArgs recognize;
  auto* recognize_cmd = app.add_subcommand("recognize", "Đọc ảnh quét, in một dòng JSON mỗi ảnh / read scanned sides, one JSON line per image");
  recognize_cmd->add_option("election", recognize.election_path, "ELECTION.toml")->required();
  recognize_cmd->add_option("images", recognize.images, "IMAGE…")->required();
  recognize_cmd->add_option("--threads", recognize.threads, "worker threads (default: one per core)")->check(CLI::Range(1, 256));
  recognize_cmd->add_option("--debug-dir", recognize.debug_dir, "write an overlay PNG per image showing what was read");

  kp::cli::TallyArgs tally;
  auto* tally_cmd = app.add_subcommand("tally", "Kiểm phiếu từ các bản ghi phiếu / count ballot records under the election's rules");
  tally_cmd->add_option("election", tally.election_path, "ELECTION.toml")->required();
  tally_cmd->add_option("--ballots", tally.ballots_path, "BALLOTS.jsonl (- for standard input)")->required();
  tally_cmd->add_flag("--json", tally.json, "JSON output (cli-contract.md §6)");

  kp::cli::InitArgs init;
  auto* init_cmd = app.add_subcommand("init", "Tạo cơ sở dữ liệu đại hội / create a congress database");
  init_cmd->add_option("db", init.db_path, "CONGRESS.db")->required();
  init_cmd->add_option("election", init.election_path, "ELECTION.toml")->required();

  kp::cli::IngestArgs ingest;
  auto* ingest_cmd = app.add_subcommand("ingest", "Đọc và lưu ảnh quét vào cơ sở dữ liệu / recognise and store scanned sides");
  ingest_cmd->add_option("db", ingest.db_path, "CONGRESS.db")->required();
  ingest_cmd->add_option("images", ingest.images, "IMAGE…")->required();
  ingest_cmd->add_option("--threads", ingest.threads, "recognition threads (default: one per core)")->check(CLI::Range(1, 256));

  kp::cli::IssuedArgs issued;
  auto* issued_cmd = app.add_subcommand("issued", "Nhập số phiếu phát ra / enter ballots issued for a contest");
  issued_cmd->add_option("db", issued.db_path, "CONGRESS.db")->required();
  issued_cmd->add_option("contest", issued.contest_id, "CONTEST")->required();
  issued_cmd->add_option("count", issued.count, "N")->required()->check(CLI::NonNegativeNumber);
  issued_cmd->add_option("--by", issued.by, "who entered it")->required();

  kp::cli::MemberArgs member;
  kp::cli::DbArgs member_list;
  auto* member_cmd = app.add_subcommand("member", "Thành viên Ban kiểm phiếu và mã PIN / committee members and their PINs");
  member_cmd->require_subcommand(1);
  auto* member_add_cmd = member_cmd->add_subcommand("add", "register a member; PIN on stdin (then the consenting member's PIN)");
  member_add_cmd->add_option("db", member.db_path, "CONGRESS.db")->required();
  member_add_cmd->add_option("name", member.name, "full name")->required();
  member_add_cmd->add_option("--role", member.role, "committee (default) or operator")->check(CLI::IsMember({"committee", "operator"}));
  member_add_cmd->add_option("--by", member.by, "the committee member who consents (needed once there is one)");
  auto* member_list_cmd = member_cmd->add_subcommand("list", "the registered members, one JSON line each");
  member_list_cmd->add_option("db", member_list.db_path, "CONGRESS.db")->required();

  kp::cli::ScanArgs scan;
  const char* login = std::getenv("USER");
  scan.operator_name = login != nullptr ? login : "";
  auto* scan_cmd = app.add_subcommand("scan", "Quét một đợt phiếu vào cơ sở dữ liệu / scan a batch into the congress database");
  scan_cmd->add_option("db", scan.db_path, "CONGRESS.db")->required();
  scan_cmd->add_option("--source", scan.source, "sim:DIR | folder:DIR | sane:DEVICE[?option=value&…]")->required();
  scan_cmd->add_option("--speed", scan.images_per_minute, "simulated scanner: images per minute (default 300)")->check(CLI::PositiveNumber);
  scan_cmd->add_option("--faults", scan.faults, "simulated scanner: faults, e.g. jam@5,double_feed@12,cover_open@20,unplug@30,busy");
  scan_cmd->add_option("--idle-end", scan.idle_end_seconds, "folder import: end the batch after this many seconds without a new file");
  scan_cmd->add_option("--dpi", scan.dpi, "resolution (default 200)")->check(CLI::Range(100, 600));
  scan_cmd->add_option("--mode", scan.mode, "colour (default; needed to see the red stamp) or gray")->check(CLI::IsMember({"colour", "gray"}));
  scan_cmd->add_flag("--simplex", scan.simplex, "front sides only (default: duplex)");
  scan_cmd->add_option("--operator", scan.operator_name, "who scans (default: the login name)");
  auto* devices_cmd = app.add_subcommand("devices", "Liệt kê máy quét và khả năng / list scanners and their capabilities");
  devices_cmd->add_option("--watch", scan.watch_seconds, "then report USB scanners plugged in and out for SECONDS (Ctrl-C ends)");
  auto* worker_cmd = app.add_subcommand("sane-worker", "(internal) the SANE worker process");
  worker_cmd->group("");  // hidden: run by `scan` and `devices` only
  kp::scanner::SaneWorkerArgs worker;
  std::string worker_source = "adf_duplex", worker_mode = "colour";
  std::vector<std::string> worker_sets;
  worker_cmd->add_option("device", worker.device);
  worker_cmd->add_option("--source", worker_source);
  worker_cmd->add_option("--dpi", worker.settings.dpi);
  worker_cmd->add_option("--mode", worker_mode);
  worker_cmd->add_option("--set", worker_sets);
  worker_cmd->add_flag("--list", worker.list_only);

  kp::ui::ConsoleOptions console;
  auto* console_cmd = app.add_subcommand("console", "Mở bảng kết quả trực tiếp / open the live results console");
  console_cmd->add_option("db", console.db_path, "CONGRESS.db (the counting station)");
  console_cmd->add_option("--publish", console.publish_port, "publish the results read-only to observers on this port")->check(CLI::Range(1, 65535));
  console_cmd->add_option("--observe", console.observe_url, "observer: show a station's results from ws://HOST:PORT (no database)");
  console_cmd->add_flag("--projector", console.projector, "full screen, large type, for the congress hall");
  console_cmd->add_option("--screenshot", console.screenshot, "render once to this PNG and exit");
  console_cmd->add_option("--view-json", console.view_json, "with --screenshot: also write the results shown, as JSON");
  console_cmd->add_option("--quit-after", console.quit_after_seconds, "close by itself after SECONDS");
  console_cmd->add_option("--screen", console.screen, "show this screen first")
      ->check(CLI::IsMember({"results", "setup", "scan", "adjudication", "gallery", "audit", "record"}));
  console_cmd->add_option("--screen-text", console.screen_text, "with --screenshot: also write every text shown, one per line");
  console_cmd->add_option("--sign-in", console.sign_in, "sign this member in at the start (PIN on standard input)");
  console_cmd->add_option("--scanner", console.scanner, "the scanner the scanning screen offers first (sim:DIR, sane:…, …)");
  console_cmd->add_option("--scan", console.scan_source, "start a batch from this scanner on the scanning screen");
  console_cmd->add_option("--scan-faults", console.scan_faults, "simulated scanner: faults to play, for training (jam@5,double_feed@12)");
  console_cmd->add_option("--run", console.action, "run verify | replay | record on its screen first")->check(CLI::IsMember({"verify", "replay", "record"}));

  kp::cli::RoundArgs round;
  auto* round_cmd = app.add_subcommand("round", "Các lần bầu của mỗi cuộc bầu / rounds of each contest");
  round_cmd->require_subcommand(1);
  auto* round_list_cmd = round_cmd->add_subcommand("list", "rounds, their state, issued and result");
  round_list_cmd->add_option("db", round.db_path, "CONGRESS.db")->required();
  round_list_cmd->add_flag("--json", round.json, "JSON output");
  auto* round_close_cmd = round_cmd->add_subcommand("close", "close the contest's open round and record its result");
  round_close_cmd->add_option("db", round.db_path, "CONGRESS.db")->required();
  round_close_cmd->add_option("contest", round.contest_id, "CONTEST")->required();
  round_close_cmd->add_option("--by", round.members, "two committee members")->required()->expected(2);
  auto* round_open_cmd = round_cmd->add_subcommand("open", "open a further round (after a tie or unfilled seats)");
  round_open_cmd->add_option("db", round.db_path, "CONGRESS.db")->required();
  round_open_cmd->add_option("contest", round.contest_id, "CONTEST")->required();
  round_open_cmd->add_option("--candidate", round.candidates, "candidate id put to the round (repeat)")->required();
  round_open_cmd->add_option("--seats", round.seats, "seats put to the round")->required()->check(CLI::Range(1, 1000));
  round_open_cmd->add_option("--decision", round.decision, "the congress's decision, for the record")->required();
  round_open_cmd->add_option("--by", round.members, "two committee members")->required()->expected(2);
  auto* round_ballots_cmd = round_cmd->add_subcommand("ballots", "print the ballots of the contest's open round");
  round_ballots_cmd->add_option("db", round.db_path, "CONGRESS.db")->required();
  round_ballots_cmd->add_option("contest", round.contest_id, "CONTEST")->required();
  round_ballots_cmd->add_option("--out", round.out_dir, "DIR")->required();
  round_ballots_cmd->add_option("--dpi", round.dpi, "PNG resolution (default 200)")->check(CLI::Range(50, 1200));
  round_ballots_cmd->add_option("--count", round.count, "ballots in the PDF (default 1)")->check(CLI::Range(1, 100000));
  round_ballots_cmd->add_option("--by", round.by, "who prints them: the files then go into the audit log with their hashes");

  kp::cli::DbArgs waiting;
  auto* waiting_cmd = app.add_subcommand("waiting", "Liệt kê tờ phiếu chờ Ban kiểm phiếu / list sheets waiting for the committee");
  waiting_cmd->add_option("db", waiting.db_path, "CONGRESS.db")->required();

  kp::cli::AdjudicateArgs adjudicate;
  auto* adjudicate_cmd = app.add_subcommand("adjudicate", "Ghi quyết định của Ban kiểm phiếu / record the committee's ruling on a sheet");
  adjudicate_cmd->add_option("db", adjudicate.db_path, "CONGRESS.db")->required();
  adjudicate_cmd->add_option("sheet", adjudicate.sheet_id, "SHEET id")->required();
  adjudicate_cmd->add_option("--mark", adjudicate.marks, "CANDIDATE=STATE, one per target");
  adjudicate_cmd->add_flag("--set-aside", adjudicate.set_aside, "keep the sheet but never count it (a photocopy, a second scan)");
  adjudicate_cmd->add_option("--flag", adjudicate.flags, "no_stamp | write_in | identifying_mark");
  adjudicate_cmd->add_option("--reason", adjudicate.reason, "why")->required();
  adjudicate_cmd->add_option("--by", adjudicate.members, "two committee members")->required()->expected(2);

  kp::cli::DbArgs results;
  auto* results_cmd = app.add_subcommand("results", "Kết quả theo cơ sở dữ liệu / results from the congress database");
  results_cmd->add_option("db", results.db_path, "CONGRESS.db")->required();
  results_cmd->add_flag("--json", results.json, "JSON output");

  kp::cli::DbArgs report;
  std::string report_dir, report_by;
  auto* report_cmd = app.add_subcommand("report", "Viết biên bản kiểm phiếu (PDF, JSON, CSV) / write the counting record");
  report_cmd->add_option("db", report.db_path, "CONGRESS.db")->required();
  report_cmd->add_option("--out", report_dir, "DIR")->required();
  report_cmd->add_option("--by", report_by, "who writes it: the files then go into the audit log with their hashes");

  kp::cli::DbArgs export_args;
  std::string export_dir;
  auto* export_cmd = app.add_subcommand("export", "Xuất phiếu dạng NIST SP 1500-103 kèm gốc Merkle đã ký / export cast vote records");
  export_cmd->add_option("db", export_args.db_path, "CONGRESS.db")->required();
  export_cmd->add_option("--out", export_dir, "DIR")->required();

  kp::cli::DbArgs audit;
  auto* audit_cmd = app.add_subcommand("audit", "Kiểm tra nhật ký và ảnh / check the audit trail");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "chain, signatures, images, sheet states");
  verify_cmd->add_option("db", audit.db_path, "CONGRESS.db")->required();
  auto* replay_cmd = audit_cmd->add_subcommand("replay", "re-run recognition on every stored image and compare");
  replay_cmd->add_option("db", audit.db_path, "CONGRESS.db")->required();
  std::string audited_export;
  auto* audit_export_cmd = audit_cmd->add_subcommand("export", "check an export: record hashes, Merkle root, signature");
  audit_export_cmd->add_option("dir", audited_export, "DIR")->required();

  kp::cli::SynthArgs synth;
  auto* synth_cmd = app.add_subcommand("synth", "Tạo bộ ảnh quét mô phỏng có đáp án / write a synthetic scanned deck with ground truth");
  synth_cmd->add_option("election", synth.election_path, "ELECTION.toml")->required();
  synth_cmd->add_option("--out", synth.out_dir, "DIR")->required();
  synth_cmd->add_option("--sheets", synth.sheets, "number of sheets (default 40)")->check(CLI::Range(1, 1000000));
  synth_cmd->add_option("--seed", synth.seed, "seed; the same seed gives the same deck (default 1)");

  kp::cli::DemoArgs demo;
  auto* demo_cmd = app.add_subcommand("demo", "Chạy đại hội mẫu từ đầu đến cuối / run the example congress end to end");
  demo_cmd->add_option("--out", demo.out_dir, "DIR (default demo-output)");
  demo_cmd->add_option("--sheets", demo.sheets, "sheets in the scanned deck (default 40)")->check(CLI::Range(1, 100000));
  demo_cmd->add_option("--seed", demo.seed, "deck seed (default 2025)");

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
  if (worker_cmd->parsed()) {
    // No render session, no Qt: the worker only speaks to libsane.
    worker.settings.source = worker_source == "flatbed" ? kp::scanner::Source::flatbed
                             : worker_source == "adf_front" ? kp::scanner::Source::adf_front : kp::scanner::Source::adf_duplex;
    worker.settings.mode = worker_mode == "gray" ? kp::scanner::ColourMode::gray
                           : worker_mode == "lineart" ? kp::scanner::ColourMode::lineart : kp::scanner::ColourMode::colour;
    for (const auto& s : worker_sets) {
      const auto eq = s.find('=');
      if (eq != std::string::npos) worker.extra.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    return kp::scanner::sane_worker_main(worker);
  }
  const kp::Lang lang = lang_code.empty() ? language_from_environment() : kp::parse_lang(lang_code);
  if (console_cmd->parsed()) {
    if (!console.db_path.empty() && !console.observe_url.empty()) {
      std::cerr << "console: give either CONGRESS.db (the station) or --observe ws://HOST:PORT (an observer), not both\n";
      return 2;
    }
    // A screenshot needs no display.
    if (!console.screenshot.empty() && std::getenv("QT_QPA_PLATFORM") == nullptr) ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    kp::ui::ConsoleApplication qt(argc, argv);
    qt.use_language(lang);
    return kp::ui::run_console(console, lang);
  }
  // Every command measures or draws ballot text; the session outlives them all.
  const kp::printing::RenderSession render_session;
  if (check_cmd->parsed()) return kp::cli::run_check(check, lang);
  if (ballots_cmd->parsed()) return kp::cli::run_ballots(ballots, lang);
  if (synth_cmd->parsed()) return kp::cli::run_synth(synth, lang);
  if (recognize_cmd->parsed()) return kp::cli::run_recognize(recognize, lang);
  if (tally_cmd->parsed()) return kp::cli::run_tally(tally, lang);
  if (init_cmd->parsed()) return kp::cli::run_init(init, lang);
  if (ingest_cmd->parsed()) return kp::cli::run_ingest(ingest, lang);
  if (issued_cmd->parsed()) return kp::cli::run_issued(issued, lang);
  if (scan_cmd->parsed()) return kp::cli::run_scan(scan, lang);
  if (devices_cmd->parsed()) return kp::cli::run_devices(scan, lang);
  if (round_list_cmd->parsed()) return kp::cli::run_round_list(round, lang);
  if (round_open_cmd->parsed()) return kp::cli::run_round_open(round, lang);
  if (round_close_cmd->parsed()) return kp::cli::run_round_close(round, lang);
  if (round_ballots_cmd->parsed()) return kp::cli::run_round_ballots(round, lang);
  if (waiting_cmd->parsed()) return kp::cli::run_waiting(waiting, lang);
  if (member_add_cmd->parsed()) return kp::cli::run_member_add(member, lang);
  if (member_list_cmd->parsed()) return kp::cli::run_member_list(member_list, lang);
  if (adjudicate_cmd->parsed()) return kp::cli::run_adjudicate(adjudicate, lang);
  if (results_cmd->parsed()) return kp::cli::run_results(results, lang);
  if (export_cmd->parsed()) return kp::cli::run_export(export_args, export_dir, lang);
  if (audit_export_cmd->parsed()) return kp::cli::run_audit_export(audited_export, lang);
  if (report_cmd->parsed()) return kp::cli::run_report(report, report_dir, report_by, lang);
  if (verify_cmd->parsed()) return kp::cli::run_audit_verify(audit, lang);
  if (replay_cmd->parsed()) return kp::cli::run_audit_replay(audit, lang);
  if (demo_cmd->parsed()) return kp::cli::run_demo(demo, lang);
  return 2;
}
