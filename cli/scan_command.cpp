// kiemphieu scan and kiemphieu devices: the scanner layer wired to recognition and the congress
// database. The device is read on its own thread so the feeder never waits for recognition;
// each sheet is recognised and stored whole in one commit; faults are said in plain words,
// logged, and never lose a stored sheet or count one twice (the same image is stored once).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/preparation.hpp"
#include "station/reading.hpp"
#include "station/scan_batch.hpp"
#include "scanner/scanner.hpp"
#include "tally/congress_db.hpp"

namespace kp::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<scanner::ScanSession*> g_interrupted_session{nullptr};

void on_interrupt(int) {
  // Only an atomic store happens here: the session's cancel() sets its own atomic flag.
  if (auto* s = g_interrupted_session.load()) s->cancel();
}

// Ends the batch cleanly on Ctrl-C (SIGINT) or SIGTERM while it lives.
class InterruptGuard {
 public:
  explicit InterruptGuard(scanner::ScanSession& session) {
    g_interrupted_session = &session;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    g_interrupted_session = nullptr;
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string self_program() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

scanner::SourceOptions source_options(const ScanArgs& args) {
  scanner::SourceOptions o;
  o.simulated.images_per_minute = args.images_per_minute;
  o.simulated.fault_script = args.faults;
  o.folder.idle_end = std::chrono::milliseconds(static_cast<std::int64_t>(args.idle_end_seconds * 1000));
  o.sane_worker = self_program();
  return o;
}

}  // namespace

int run_scan(const ScanArgs& args, Lang lang) {
  const bool en = lang == Lang::en;
  auto opened = tally::CongressDb::open(args.db_path);
  if (!opened) {
    print_error(opened.error(), lang);
    return 1;
  }
  tally::CongressDb& db = *opened;
  auto recognizer = station::recognizer_for(db);
  if (!recognizer) {
    print_error(recognizer.error(), lang);
    return 1;
  }
  auto session = scanner::open_source(args.source, source_options(args));
  if (!session) {
    print_error(session.error(), lang);
    return 1;
  }
  scanner::ScanSettings wanted;
  wanted.dpi = args.dpi;
  wanted.mode = args.mode == "gray" ? scanner::ColourMode::gray : scanner::ColourMode::colour;
  wanted.source = args.simplex ? scanner::Source::adf_front : scanner::Source::adf_duplex;
  const auto applied = (*session)->apply(wanted);
  if (!applied) {
    print_error(applied.error(), lang);
    return 1;
  }
  std::cerr << (en ? "Scanner: " : "Máy quét: ") << (*session)->device().identity() << " — " << to_string(applied->source) << ", " << applied->dpi
            << " dpi, " << to_string(applied->mode) << '\n';
  station::SheetPipeline pipeline(db, *recognizer);
  const station::BatchRequest request{args.source, args.operator_name};
  station::BatchTotals live;
  // Data on stdout, one JSON line per event; the live counts on stderr, on a line of their own
  // in a terminal so the two never run together.
  const bool terminal = ::isatty(STDERR_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  const auto sink = [&](const station::BatchEvent& event) {
    const bool last = std::holds_alternative<station::BatchEndEvent>(event);
    if (const auto* fault = std::get_if<station::FaultEvent>(&event)) std::cerr << '\n' << fault->message.in(lang) << '\n';
    if (const auto* status = std::get_if<station::StatusEvent>(&event)) std::cerr << '\n' << status->message.in(lang) << '\n';
    if (const auto* problem = std::get_if<station::ProblemEvent>(&event)) print_error(problem->error, lang);
    const bool per_side = std::holds_alternative<station::SideEvent>(event) || std::holds_alternative<station::PaperEvent>(event);
    if (!(args.quiet && per_side)) {
      if (terminal) std::cerr << "\r\033[K" << std::flush;
      std::cout << station::batch_event_json(event, lang) << '\n' << std::flush;
    }
    station::accumulate(live, event);
    if (std::holds_alternative<station::PaperEvent>(event)) {
      std::cerr << '\r' << station::batch_progress_text(live, lang) << std::flush;
    }
    if (last) std::cerr << '\n';
  };
  Result<station::BatchEndEvent> end = tl::unexpected(Error{});
  {
    InterruptGuard guard(**session);
    end = station::run_batch(pipeline, **session, request, sink);
  }
  if (!end) {
    print_error(end.error(), lang);
    return 1;
  }
  return station::batch_clean(*end) ? 0 : 1;
}

namespace {

// Arrivals and departures until the time is up or Ctrl-C.
int watch_devices(double seconds, Lang lang) {
  auto watcher = scanner::watch_usb_devices();
  if (!watcher) {
    print_error(watcher.error(), lang);
    return 1;
  }
  static std::atomic<bool> stop{false};
  struct sigaction sa {};
  sa.sa_handler = [](int) { stop = true; };
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  const auto until = Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  while (!stop && Clock::now() < until) {
    const auto event = (*watcher)->next(std::chrono::milliseconds(200));
    if (!event) continue;
    if (const auto* arrived = std::get_if<scanner::DeviceArrived>(&*event)) {
      const auto& d = arrived->device;
      std::cout << nlohmann::json{{"event", "arrived"}, {"id", d.id}, {"vendor", d.vendor}, {"model", d.model}, {"serial", d.serial}}.dump() << '\n'
                << std::flush;
    } else if (const auto* left = std::get_if<scanner::DeviceLeft>(&*event)) {
      std::cout << nlohmann::json{{"event", "left"}, {"id", left->device_id}}.dump() << '\n' << std::flush;
    }
  }
  return 0;
}

}  // namespace

int run_devices(const ScanArgs& args, Lang lang) {
  const auto devices = scanner::discover_devices(source_options(args));
  if (!devices) {
    print_error(devices.error(), lang);
    return 1;
  }
  for (const auto& d : *devices) {
    nlohmann::json sources = nlohmann::json::array(), modes = nlohmann::json::array();
    for (const auto s : d.capabilities.sources) sources.push_back(std::string(to_string(s)));
    for (const auto m : d.capabilities.modes) modes.push_back(std::string(to_string(m)));
    std::cout << nlohmann::json{{"id", d.id},
                                {"driver", d.driver},
                                {"vendor", d.vendor},
                                {"model", d.model},
                                {"serial", d.serial},
                                {"sources", sources},
                                {"duplex", d.capabilities.duplex},
                                {"resolutions_dpi", d.capabilities.resolutions_dpi},
                                {"modes", modes},
                                {"paper_sizes", d.capabilities.paper_sizes},
                                {"double_feed_detection", d.capabilities.double_feed_detection}}
                     .dump()
              << '\n';
  }
  std::cout << std::flush;
  return args.watch_seconds > 0 ? watch_devices(args.watch_seconds, lang) : 0;
}

void add_scanner_commands(CLI::App& app, CommandLine& line) {
  auto scan = std::make_shared<ScanArgs>();
  const char* login = std::getenv("USER");
  scan->operator_name = login != nullptr ? login : "";
  auto* scan_cmd = app.add_subcommand("scan", "Quét một đợt phiếu vào cơ sở dữ liệu / scan a batch into the congress database");
  scan_cmd->add_option("db", scan->db_path, "CONGRESS.db")->required();
  scan_cmd->add_option("--source", scan->source, "sim:DIR | folder:DIR | sane:DEVICE[?option=value&…] | escl:http://HOST:PORT[/eSCL] | usb:VID:PID[:SERIAL]")->required();
  scan_cmd->add_option("--speed", scan->images_per_minute, "simulated scanner: images per minute (default 300)")->check(CLI::PositiveNumber);
  scan_cmd->add_option("--faults", scan->faults, "simulated scanner: faults, e.g. jam@5,double_feed@12,cover_open@20,unplug@30,busy");
  scan_cmd->add_option("--idle-end", scan->idle_end_seconds, "folder import: end the batch after this many seconds without a new file");
  scan_cmd->add_option("--dpi", scan->dpi, "resolution (default 200)")->check(CLI::Range(100, 600));
  scan_cmd->add_option("--mode", scan->mode, "colour (default; needed to see the red stamp) or gray")->check(CLI::IsMember({"colour", "gray"}));
  scan_cmd->add_flag("--simplex", scan->simplex, "front sides only (default: duplex)");
  scan_cmd->add_option("--operator", scan->operator_name, "who scans (default: the login name)");
  auto* devices_cmd = app.add_subcommand("devices", "Liệt kê máy quét và khả năng / list scanners and their capabilities");
  devices_cmd->add_option("--watch", scan->watch_seconds, "then report USB scanners plugged in and out for SECONDS (Ctrl-C ends)");
  auto* worker_cmd = app.add_subcommand("sane-worker", "(internal) the SANE worker process");
  worker_cmd->group("");  // hidden: run by `scan` and `devices` only
  auto worker = std::make_shared<scanner::SaneWorkerArgs>();
  auto worker_source = std::make_shared<std::string>("adf_duplex");
  auto worker_mode = std::make_shared<std::string>("colour");
  auto worker_sets = std::make_shared<std::vector<std::string>>();
  worker_cmd->add_option("device", worker->device);
  worker_cmd->add_option("--source", *worker_source);
  worker_cmd->add_option("--dpi", worker->settings.dpi);
  worker_cmd->add_option("--mode", *worker_mode);
  worker_cmd->add_option("--set", *worker_sets);
  worker_cmd->add_flag("--list", worker->list_only);
  line.add(scan_cmd, [scan](Lang lang) { return run_scan(*scan, lang); });
  line.add(devices_cmd, [scan](Lang lang) { return run_devices(*scan, lang); });
  // No render session, no Qt: the worker only speaks to libsane.
  line.add(
      worker_cmd,
      [worker, worker_source, worker_mode, worker_sets](Lang) {
        worker->settings.source = *worker_source == "flatbed"     ? scanner::Source::flatbed
                                  : *worker_source == "adf_front" ? scanner::Source::adf_front
                                                                  : scanner::Source::adf_duplex;
        worker->settings.mode = *worker_mode == "gray"      ? scanner::ColourMode::gray
                                : *worker_mode == "lineart" ? scanner::ColourMode::lineart
                                                            : scanner::ColourMode::colour;
        for (const auto& s : *worker_sets) {
          const auto eq = s.find('=');
          if (eq != std::string::npos) worker->extra.emplace_back(s.substr(0, eq), s.substr(eq + 1));
        }
        return scanner::sane_worker_main(*worker);
      },
      false);
}

}  // namespace kp::cli
