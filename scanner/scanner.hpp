#pragma once
// The scanner layer: every driver turns a device into one stream of whole sheets and typed
// events. A sheet is delivered whole (front and back together) or not at all; a fault names the
// sheet it struck and whether its images can be trusted, so the committee knows which sheet to
// take out and scan again. No OpenCV, libsane or libusb type appears here.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"

namespace kp::scanner {

enum class Source { flatbed, adf_front, adf_duplex };
enum class ColourMode { colour, gray, lineart };
std::string_view to_string(Source source);
std::string_view to_string(ColourMode mode);

struct Capabilities {
  std::vector<Source> sources;
  std::vector<int> resolutions_dpi;  // the discrete resolutions offered (a range is sampled at its common steps)
  std::vector<ColourMode> modes;
  std::vector<std::string> paper_sizes;  // "A5", "A4", "A3", as far as the device's area allows
  bool duplex = false;
  bool double_feed_detection = false;
};

struct DeviceInfo {
  std::string id;      // what `--source` takes: "sim:DIR", "folder:DIR", "sane:test:0", …
  std::string driver;  // "sim", "folder", "sane"
  std::string vendor;
  std::string model;
  std::string serial;  // empty when the device does not say
  Capabilities capabilities;
  // "vendor model (serial S) via driver": recorded with every batch in the audit log.
  [[nodiscard]] std::string identity() const;
};

struct ScanSettings {
  Source source = Source::adf_duplex;
  int dpi = 200;
  ColourMode mode = ColourMode::colour;
  std::string paper = "A4";
};

// One side as the device gave it, encoded (JPEG, PNG or PNM bytes), ready to be stored as is.
struct SideImage {
  std::string bytes;
  std::string extension;  // ".jpg", ".png", ".pnm"
  std::string origin;     // the file it came from, when there is one (simulated and folder sources)
};

struct Sheet {
  std::int64_t number = 0;  // 1-based, in the order the feeder took the sheets in this batch
  SideImage front;
  std::optional<SideImage> back;
  std::chrono::steady_clock::time_point scanned_at;
};

enum class FaultKind {
  paper_jam, double_feed, staple, cover_open, page_too_long, page_too_short,
  device_busy, permission_denied, device_unplugged, protocol_error, timeout,
};
std::string_view to_string(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::protocol_error;
  std::int64_t sheet = 0;       // the sheet it struck (0: before any sheet)
  bool images_trusted = false;  // false: that sheet was not delivered and must be scanned again
  std::string detail;           // the driver's own words, for the log
};

// What to tell the committee, in plain words with what to do ("Giấy kẹt: lấy tờ số 37 ra và
// quét lại").
Text describe(const Fault& fault);

enum class StatusKind { ready, hopper_loaded, hopper_empty, cover_open, warming_up };
std::string_view to_string(StatusKind kind);
struct Status {
  StatusKind kind = StatusKind::ready;
};

enum class BatchEnd { hopper_empty, cancelled, fault, device_lost };
std::string_view to_string(BatchEnd end);
struct BatchEnded {
  BatchEnd reason = BatchEnd::hopper_empty;
};

struct DeviceArrived {
  DeviceInfo device;
};
struct DeviceLeft {
  std::string device_id;
};

using ScanEvent = std::variant<DeviceArrived, DeviceLeft, Status, Sheet, Fault, BatchEnded>;

// One open device. next() blocks until the next event; after BatchEnded it keeps returning
// BatchEnded. cancel() may be called from any thread (a Ctrl-C handler's flag, the console).
class ScanSession {
 public:
  virtual ~ScanSession() = default;
  [[nodiscard]] virtual const DeviceInfo& device() const = 0;
  // Applies what the device supports and returns the settings it actually uses.
  virtual Result<ScanSettings> apply(const ScanSettings& wanted) = 0;
  virtual ScanEvent next() = 0;
  virtual void cancel() = 0;
};

// How fast and with which faults the simulated scanner feeds its folder.
struct SimulatedOptions {
  double images_per_minute = 300;  // a mid-range production scanner (fi-7160: 60 ppm duplex = 120 images/min; fi-7600: 100 ppm = 200 images/min)
  // Comma-separated faults "KIND@SHEET": jam, double_feed, staple, cover_open, too_long,
  // too_short, unplug, protocol_error, timeout; and "busy" (the device refuses to open).
  std::string fault_script;
};

struct FolderOptions {
  // No new file for this long ends the batch as hopper_empty; 0 waits until cancelled.
  std::chrono::milliseconds idle_end{0};
  // A front waits this long for its back (NAME-front.* with NAME-back.*) before it goes alone.
  std::chrono::milliseconds back_wait{2000};
};

struct SourceOptions {
  SimulatedOptions simulated;
  FolderOptions folder;
  std::string sane_worker;  // the program run as the SANE worker process (the kiemphieu binary)
};

// The files of given paths paired into papers by the rule the simulated scanner and folder
// import use (NAME-front.* with NAME-back.*, also "_front"/"_back"), in the order each paper's
// first file was given; a file of no side name is a paper alone (its front). `back` is empty
// for a one-sided paper.
struct PaperFiles {
  std::string front;
  std::string back;
};
std::vector<PaperFiles> pair_side_files(const std::vector<std::string>& paths);

// Opens "sim:DIR", "folder:DIR" or "sane:DEVICE". Fails with a typed code: bad_source,
// device_busy, permission_denied, no_device, protocol_error.
Result<std::unique_ptr<ScanSession>> open_source(const std::string& spec, const SourceOptions& options);

// Every device every driver can see now (the simulated scanner and folder import are listed
// as how to use them; SANE devices through the worker process).
Result<std::vector<DeviceInfo>> discover_devices(const SourceOptions& options);

// USB scanners arriving and leaving (libusb hotplug): an arrival carries the device's identity
// (maker, model and serial as the kernel read them), a departure its id. Devices with an
// IPP-over-USB interface and those of the vendors in the quirks file are reported.
class DeviceWatcher {
 public:
  virtual ~DeviceWatcher() = default;
  // The next arrival or departure, or nullopt when none came within `timeout`.
  virtual std::optional<ScanEvent> next(std::chrono::milliseconds timeout) = 0;
};
// Fails with "no_hotplug" where libusb cannot watch (no USB stack, no udev).
Result<std::unique_ptr<DeviceWatcher>> watch_usb_devices();

// The SANE worker process's main: speaks to libsane in its own process so a crashing or hanging
// backend cannot take the count down. Reads nothing, writes framed events to stdout. `extra`
// sets backend options by name after the standard ones (a device spec "sane:DEV?name=value&…").
struct SaneWorkerArgs {
  std::string device;
  ScanSettings settings;
  std::vector<std::pair<std::string, std::string>> extra;
  bool list_only = false;
};
int sane_worker_main(const SaneWorkerArgs& args);

}  // namespace kp::scanner
