// kiemphieu scan and kiemphieu devices: the scanner layer wired to recognition and the congress
// database. The device is read on its own thread so the feeder never waits for recognition;
// each sheet is recognised and stored whole in one commit; faults are said in plain words,
// logged, and never lose a stored sheet or count one twice (the same image is stored once).
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/preparation.hpp"
#include "cli/sheet_reading.hpp"
#include "recognition/image_io.hpp"
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

// The device's events, pulled on their own thread and handed over in order.
class EventPump {
 public:
  explicit EventPump(scanner::ScanSession& session)
      : thread_([this, &session] {
          while (true) {
            scanner::ScanEvent e = session.next();
            const bool last = std::holds_alternative<scanner::BatchEnded>(e);
            {
              std::lock_guard lock(mutex_);
              queue_.push_back(std::move(e));
            }
            ready_.notify_one();
            if (last) return;
          }
        }) {}

  scanner::ScanEvent pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    scanner::ScanEvent e = std::move(queue_.front());
    queue_.pop_front();
    return e;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<scanner::ScanEvent> queue_;
  std::jthread thread_;
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

struct Counters {
  std::int64_t sheets = 0, counted = 0, waiting = 0, rejected = 0, duplicates = 0, blank_backs = 0, faults = 0;
  double longest_delay_ms = 0;
};

}  // namespace

int run_scan(const ScanArgs& args, Lang lang) {
  const bool en = lang == Lang::en;
  auto opened = tally::CongressDb::open(args.db_path);
  if (!opened) {
    print_error(opened.error(), lang);
    return 1;
  }
  tally::CongressDb& db = *opened;
  auto recognizer = recognizer_for(db);
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
  const std::string identity = (*session)->device().identity();
  std::cerr << (en ? "Scanner: " : "Máy quét: ") << identity << " — " << to_string(applied->source) << ", " << applied->dpi << " dpi, "
            << to_string(applied->mode) << '\n';
  const auto batch = db.start_batch(args.source, identity, args.operator_name);
  if (!batch) {
    print_error(batch.error(), lang);
    return 1;
  }
  const fs::path spool = fs::path(args.db_path + ".spool");
  fs::create_directories(spool);
  const Thresholds& t = db.election().thresholds;
  Counters c;
  scanner::BatchEnd end = scanner::BatchEnd::hopper_empty;
  int failures = 0;
  {
    InterruptGuard guard(**session);
    EventPump pump(**session);
    while (true) {
      scanner::ScanEvent event = pump.pop();
      if (const auto* ended = std::get_if<scanner::BatchEnded>(&event)) {
        end = ended->reason;
        break;
      }
      if (const auto* fault = std::get_if<scanner::Fault>(&event)) {
        ++c.faults;
        const Text said = scanner::describe(*fault);
        std::cerr << '\n' << (en ? said.en : said.vi) << '\n';
        std::cout << nlohmann::json{{"fault", to_string(fault->kind)}, {"sheet", fault->sheet}, {"images_trusted", fault->images_trusted},
                                    {"message", en ? said.en : said.vi}, {"detail", fault->detail}}
                         .dump()
                  << '\n'
                  << std::flush;
        if (auto logged = db.record_fault(*batch, std::string(to_string(fault->kind)), fault->sheet, fault->images_trusted, fault->detail); !logged) {
          print_error(logged.error(), lang);
          ++failures;
        }
        continue;
      }
      if (const auto* status = std::get_if<scanner::Status>(&event)) {
        if (status->kind == scanner::StatusKind::cover_open) std::cerr << '\n' << (en ? "Cover open\n" : "Nắp máy quét đang mở\n");
        if (status->kind == scanner::StatusKind::warming_up) std::cerr << '\n' << (en ? "The scanner is warming up…\n" : "Máy quét đang khởi động đèn…\n");
        continue;
      }
      const auto* sheet = std::get_if<scanner::Sheet>(&event);
      if (sheet == nullptr) continue;
      ++c.sheets;
      // Both sides to the spool, recognised side by side, then stored together in one commit.
      std::vector<std::pair<const scanner::SideImage*, std::string>> sides{{&sheet->front, "front"}};
      if (sheet->back) sides.emplace_back(&*sheet->back, "back");
      std::vector<fs::path> files;
      std::vector<std::future<SideEvidence>> readings;
      for (const auto& [side, name] : sides) {
        files.push_back(spool / ("batch" + std::to_string(*batch) + "-sheet" + std::to_string(sheet->number) + "-" + name + side->extension));
        if (!write_text(files.back(), side->bytes)) {
          print_error({"write_failed", {"Không ghi được ảnh vào thư mục tạm", "Cannot write the image to the spool"}, files.back().string()}, lang);
          // Stop the feeder and let the batch end as it must: the device thread is waiting on it.
          (*session)->cancel();
          ++failures;
          break;
        }
        readings.push_back(std::async(std::launch::async, [&r = *recognizer, path = files.back().string()] {
          auto image = recognition::read_image_file(path);
          if (image) return r.recognize(image->view());
          SideEvidence e;
          e.reasons.push_back(image.error().code == "corrupt_image" ? Rejection::corrupt_image : Rejection::unreadable_file);
          return e;
        }));
      }
      if (readings.size() != sides.size()) continue;  // a side could not be spooled: the sheet is not stored
      std::vector<SideEvidence> evidence;
      for (auto& f : readings) evidence.push_back(f.get());
      std::vector<tally::SheetInput> inputs;
      for (std::size_t i = 0; i < sides.size(); ++i) {
        const std::string origin = sides[i].first->origin.empty() ? files[i].filename().string() : sides[i].first->origin;
        inputs.push_back(sheet_input(origin, files[i].string(), evidence[i], t, *batch));
      }
      if (inputs.size() == 2 && inputs[0].recognised && !inputs[1].recognised) {
        const auto& back = evidence[1].reasons;
        if (back.size() == 1 && back.front() == Rejection::blank_side) {
          // The blank back of a one-sided ballot: nothing on it to keep.
          inputs.pop_back();
          ++c.blank_backs;
        } else if (std::find(back.begin(), back.end(), Rejection::not_a_ballot) != back.end()) {
          // Ink on the back of a one-sided ballot may identify the voter: the committee looks.
          inputs[0].findings.insert(SheetFlag::identifying_mark);
        }
      }
      const auto stored = db.ingest_batch(inputs);
      if (!stored) {
        print_error(stored.error(), lang);
        ++failures;
        continue;
      }
      const double delay_ms = std::chrono::duration<double, std::milli>(Clock::now() - sheet->scanned_at).count();
      c.longest_delay_ms = std::max(c.longest_delay_ms, delay_ms);
      for (std::size_t i = 0; i < stored->size(); ++i) {
        const auto& o = (*stored)[i];
        if (o.duplicate) {
          ++c.duplicates;
        } else if (o.sheet.status == tally::SheetStatus::counted) {
          ++c.counted;
        } else if (o.sheet.status == tally::SheetStatus::waiting) {
          ++c.waiting;
        } else {
          ++c.rejected;
        }
        if (args.quiet) continue;
        std::cout << nlohmann::json{{"sheet", sheet->number}, {"side", sides[i].second}, {"image", inputs[i].image_name}, {"sheet_id", o.sheet.id},
                                    {"duplicate", o.duplicate}, {"round", o.sheet.round}, {"status", to_string(o.sheet.status)},
                                    {"wait_reasons", o.sheet.wait_reasons}}
                         .dump()
                  << '\n';
      }
      std::cout << std::flush;
      for (const auto& f : files) fs::remove(f);
      std::cerr << '\r' << (en ? "scanned " : "đã quét ") << c.sheets << (en ? ", counted " : ", đã đếm ") << c.counted
                << (en ? ", waiting " : ", chờ Ban kiểm phiếu ") << c.waiting << (en ? ", refused " : ", từ chối ") << c.rejected
                << (c.duplicates > 0 ? (en ? ", already stored " : ", đã có từ trước ") + std::to_string(c.duplicates) : std::string()) << std::flush;
    }
  }
  if (auto ended = db.end_batch(*batch, std::string(to_string(end))); !ended) {
    print_error(ended.error(), lang);
    ++failures;
  }
  std::cerr << '\n';
  const nlohmann::json summary{{"batch", *batch},     {"end", to_string(end)},          {"sheets", c.sheets},
                               {"counted", c.counted}, {"waiting", c.waiting},          {"rejected", c.rejected},
                               {"duplicates", c.duplicates}, {"blank_backs", c.blank_backs}, {"faults", c.faults},
                               {"longest_scan_to_stored_ms", c.longest_delay_ms}};
  std::cout << summary.dump() << '\n';
  const bool clean = end == scanner::BatchEnd::hopper_empty || end == scanner::BatchEnd::cancelled;
  return clean && failures == 0 ? 0 : 1;
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

}  // namespace kp::cli
