// The counting process's side of the SANE driver: runs the worker process, reads its framed
// events with a time limit, pairs duplex pages into sheets, and turns a worker that crashes,
// hangs or stops mid-sheet into a typed fault naming the sheet to scan again.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <thread>

#include <nlohmann/json.hpp>

#include "scanner/internal/drivers.hpp"
#include "scanner/internal/pending_events.hpp"
#include "scanner/internal/sheet_assembly.hpp"

extern char** environ;

namespace kp::scanner::internal {
namespace {

using Json = nlohmann::json;

// A scanner warming up or a slow feeder can be silent this long before the worker is judged hung.
constexpr auto kWorkerSilence = std::chrono::seconds(90);
// A worker that has said the batch ended only unloads the backends before it exits, which takes
// milliseconds (a net backend saying goodbye to saned: well under a second); one still there
// after this is hung in the unloading and is stopped.
constexpr auto kWorkerExitGrace = std::chrono::seconds(5);

std::optional<FaultKind> fault_kind(const std::string& name) {
  for (const auto kind : {FaultKind::paper_jam, FaultKind::double_feed, FaultKind::staple, FaultKind::cover_open, FaultKind::page_too_long,
                          FaultKind::page_too_short, FaultKind::device_busy, FaultKind::permission_denied, FaultKind::device_unplugged,
                          FaultKind::protocol_error, FaultKind::timeout}) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<Source> source_from(const std::string& s) {
  for (const auto v : {Source::flatbed, Source::adf_front, Source::adf_duplex}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

Capabilities capabilities_from(const Json& j) {
  Capabilities c;
  for (const auto& s : j.value("sources", Json::array())) {
    if (auto v = source_from(s.get<std::string>())) c.sources.push_back(*v);
  }
  for (const auto& m : j.value("modes", Json::array())) {
    const auto name = m.get<std::string>();
    c.modes.push_back(name == "gray" ? ColourMode::gray : name == "lineart" ? ColourMode::lineart : ColourMode::colour);
  }
  for (const auto& r : j.value("resolutions", Json::array())) c.resolutions_dpi.push_back(r.get<int>());
  for (const auto& p : j.value("papers", Json::array())) c.paper_sizes.push_back(p.get<std::string>());
  c.duplex = j.value("duplex", false);
  c.double_feed_detection = j.value("double_feed_detection", false);
  return c;
}

// The worker as a child process with its stdout on a pipe.
class Worker {
 public:
  static Result<Worker> spawn(const std::string& program, const std::vector<std::string>& args) {
    if (program.empty()) return fail("no_device", {"Không có chương trình làm việc với SANE", "No SANE worker program"});
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail("protocol_error", {"Không tạo được ống nối", "Cannot create a pipe"});
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      return fail("protocol_error", {"Không chạy được chương trình làm việc với SANE", "Cannot start the SANE worker"}, program);
    }
    return Worker(pid, fds[0]);
  }

  Worker(Worker&& o) noexcept : pid_(std::exchange(o.pid_, -1)), fd_(std::exchange(o.fd_, -1)), buffer_(std::move(o.buffer_)) {}
  Worker& operator=(Worker&&) = delete;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() { stop(); }

  // The next frame; nullopt with `why` set when the worker ended, hung or broke the framing.
  std::optional<std::pair<Json, std::string>> read(std::string& why) {
    std::string line;
    if (!read_until_newline(line, why)) return std::nullopt;
    Json header = Json::parse(line, nullptr, false);
    if (!header.is_object()) {
      why = "unreadable frame from the SANE worker";
      return std::nullopt;
    }
    std::string payload;
    if (header.contains("bytes")) {
      const auto n = header["bytes"].get<std::size_t>();
      if (!read_exact(payload, n, why)) return std::nullopt;
    }
    return std::pair{std::move(header), std::move(payload)};
  }

  void stop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
  }

  // How the worker ended, for the log ("exit 0", "killed by signal 11"); one that said all it had
  // to say but does not exit is given kWorkerExitGrace, then stopped.
  std::string ending() {
    if (pid_ <= 0) return "stopped";
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + kWorkerExitGrace;
    pid_t waited = 0;
    while ((waited = ::waitpid(pid_, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (waited == 0) {
      stop();
      return "did not exit and was stopped";
    }
    if (waited != pid_) return "unknown";
    pid_ = -1;
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit " + std::to_string(WEXITSTATUS(status));
  }

 private:
  Worker(pid_t pid, int fd) : pid_(pid), fd_(fd) {}

  bool fill(std::string& why) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kWorkerSilence).count()));
    if (ready == 0) {
      why = "timeout";
      return false;
    }
    char chunk[65536];
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) {
      why = "eof";
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  bool read_until_newline(std::string& line, std::string& why) {
    while (true) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return true;
      }
      if (!fill(why)) return false;
    }
  }

  bool read_exact(std::string& out, std::size_t n, std::string& why) {
    while (buffer_.size() < n) {
      if (!fill(why)) return false;
    }
    out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
};

std::vector<std::string> worker_args(const std::string& device, const ScanSettings& s, const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> args{"sane-worker", device, "--source", std::string(to_string(s.source)), "--dpi", std::to_string(s.dpi), "--mode",
                                std::string(to_string(s.mode))};
  for (const auto& [k, v] : extra) {
    args.push_back("--set");
    args.push_back(k + "=" + v);
  }
  return args;
}

class SaneSession final : public ScanSession {
 public:
  SaneSession(DeviceInfo info, std::string device, std::vector<std::pair<std::string, std::string>> extra, std::string program)
      : info_(std::move(info)), device_(std::move(device)), extra_(std::move(extra)), program_(std::move(program)) {}

  [[nodiscard]] const DeviceInfo& device() const override { return info_; }

  Result<ScanSettings> apply(const ScanSettings& wanted) override {
    if (worker_) return fail("protocol_error", {"Đã bắt đầu quét: không đổi được thiết lập", "Scanning has started: settings cannot change"});
    auto started = start(wanted);
    if (!started) return tl::unexpected(started.error());
    return applied_;
  }

  void cancel() override { cancelled_ = true; }

  ScanEvent next() override {
    if (pending_.has_next()) return pending_.next();
    if (!worker_) {
      if (auto started = start(applied_); !started) {
        pending_.push(Fault{FaultKind::protocol_error, 0, false, started.error().message.en});
        return pending_.end_after(BatchEnd::fault);
      }
      if (pending_.has_next()) return pending_.next();
    }
    while (true) {
      if (cancelled_) {
        // Stopping the worker mid-page drops only that page, whose sheet was not delivered.
        worker_->stop();
        return pending_.end_after(BatchEnd::cancelled);
      }
      std::string why;
      auto frame = worker_->read(why);
      if (!frame) {
        const std::string ending = why == "timeout" ? "stopped answering" : worker_->ending();
        worker_->stop();
        // A worker that already named the fault and then died while closing adds nothing new.
        if (fault_said_) return pending_.end_after(BatchEnd::fault);
        pending_.push(Fault{why == "timeout" ? FaultKind::timeout : FaultKind::protocol_error, sheets_.current(), false,
                                    "the SANE worker " + ending + (sheets_.holding_front() ? " after the front of the sheet" : "")});
        return pending_.end_after(why == "timeout" ? BatchEnd::fault : BatchEnd::device_lost);
      }
      const Json& h = frame->first;
      const std::string type = h.value("type", "");
      if (type == "page") {
        if (auto sheet = sheets_.add(SideImage{std::move(frame->second), h.value("ext", ".pnm"), ""})) return std::move(*sheet);
        continue;
      }
      if (type == "fault") {
        // The sheet being fed is not delivered, even when its front was read.
        sheets_.drop_front();
        fault_said_ = true;
        pending_.push(Fault{fault_kind(h.value("kind", "")).value_or(FaultKind::protocol_error), sheets_.current(), false, h.value("detail", "")});
        continue;
      }
      if (type == "status") {
        const std::string kind = h.value("kind", "");
        if (kind == "hopper_empty") return Status{StatusKind::hopper_empty};
        continue;
      }
      if (type == "end") {
        const std::string reason = h.value("reason", "fault");
        worker_->ending();
        if (sheets_.holding_front()) {
          // A duplex feed that ended after a front: the back never came.
          pending_.push(Fault{FaultKind::protocol_error, sheets_.current(), false, "front scanned without its back"});
          sheets_.drop_front();
        }
        const BatchEnd end = reason == "hopper_empty" ? BatchEnd::hopper_empty : reason == "device_lost" ? BatchEnd::device_lost : BatchEnd::fault;
        return pending_.end_after(end);
      }
    }
  }

 private:
  Result<void> start(const ScanSettings& wanted) {
    auto worker = Worker::spawn(program_, worker_args(device_, wanted, extra_));
    if (!worker) return tl::unexpected(worker.error());
    worker_.emplace(std::move(*worker));
    applied_ = wanted;
    // The first frame is the applied settings, or a fault when the device cannot be opened.
    while (true) {
      std::string why;
      auto frame = worker_->read(why);
      if (!frame) return fail("protocol_error", {"Chương trình SANE dừng: " + why, "The SANE worker stopped: " + why}, device_);
      const Json& h = frame->first;
      const std::string type = h.value("type", "");
      if (type == "settings") {
        applied_.source = source_from(h.value("source", "")).value_or(wanted.source);
        applied_.dpi = h.value("dpi", wanted.dpi);
        sheets_.set_duplex(applied_.source == Source::adf_duplex);
        const std::string mode = h.value("mode", "colour");
        applied_.mode = mode == "gray" ? ColourMode::gray : mode == "lineart" ? ColourMode::lineart : ColourMode::colour;
        info_.capabilities = capabilities_from(h.value("capabilities", Json::object()));
        return {};
      }
      if (type == "fault") {
        if (h.value("kind", "") == "no_device") {
          return fail("no_device", {"Không tìm thấy máy quét " + device_ + " (xem “kiemphieu devices”)", "No scanner " + device_ + " (see “kiemphieu devices”)"},
                      device_);
        }
        const FaultKind kind = fault_kind(h.value("kind", "")).value_or(FaultKind::protocol_error);
        const Fault f{kind, 0, false, h.value("detail", "")};
        return fail(std::string(to_string(kind)), describe(f), device_);
      }
    }
  }


  DeviceInfo info_;
  std::string device_;
  std::vector<std::pair<std::string, std::string>> extra_;
  std::string program_;
  ScanSettings applied_;
  std::optional<Worker> worker_;
  PendingEvents pending_;
  SheetAssembler sheets_;
  std::atomic<bool> cancelled_{false};
  bool fault_said_ = false;
};

}  // namespace

Result<std::unique_ptr<ScanSession>> open_sane(const std::string& spec, const std::string& worker_program) {
  // "DEVICE?name=value&name=value": backend options set after the standard ones.
  const auto q = spec.find('?');
  const std::string device = spec.substr(0, q);
  std::vector<std::pair<std::string, std::string>> extra;
  if (q != std::string::npos) {
    std::string rest = spec.substr(q + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
      const std::size_t amp = std::min(rest.find('&', start), rest.size());
      const std::string item = rest.substr(start, amp - start);
      const auto eq = item.find('=');
      if (eq != std::string::npos) extra.emplace_back(item.substr(0, eq), item.substr(eq + 1));
      start = amp + 1;
    }
  }
  DeviceInfo info;
  info.id = "sane:" + device;
  info.driver = "sane";
  info.model = device;
  auto devices = discover_sane(worker_program);
  if (devices) {
    for (const auto& d : *devices) {
      if (d.id == info.id) info = d;
    }
  }
  return std::make_unique<SaneSession>(std::move(info), device, std::move(extra), worker_program);
}

Result<std::vector<DeviceInfo>> discover_sane(const std::string& worker_program) {
  std::vector<DeviceInfo> out;
  auto worker = Worker::spawn(worker_program, {"sane-worker", "", "--list"});
  if (!worker) return out;  // no worker: no SANE devices to list
  while (true) {
    std::string why;
    auto frame = worker->read(why);
    if (!frame) break;
    const Json& h = frame->first;
    if (h.value("type", "") == "end") break;
    if (h.value("type", "") != "device") continue;
    DeviceInfo d;
    d.id = "sane:" + h.value("name", "");
    d.driver = "sane";
    d.vendor = h.value("vendor", "");
    d.model = h.value("model", "");
    d.serial = h.value("serial", "");
    // A USB scanner's serial from the kernel when the backend does not say ("fujitsu:libusb:001:007").
    int bus = 0, address = 0;
    if (const auto at = d.id.find("libusb:"); d.serial.empty() && at != std::string::npos &&
        std::sscanf(d.id.c_str() + at, "libusb:%d:%d", &bus, &address) == 2) {
      d.serial = usb_serial(bus, address);
    }
    d.capabilities = capabilities_from(h.value("capabilities", Json::object()));
    out.push_back(std::move(d));
  }
  worker->ending();
  return out;
}

}  // namespace kp::scanner::internal
