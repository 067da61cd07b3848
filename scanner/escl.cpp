// eSCL (AirScan / Mopria, "driverless"): the scanner's HTTP/XML protocol. Capabilities and
// status are read as XML, a scan job is posted, and each NextDocument is one page (404: the
// feeder is done; 503: not ready yet, ask again). When a job stops early the scanner's ADF
// state says why: jam, hatch open, double feed. The same client speaks over TCP and over the
// bulk endpoints of an IPP-over-USB interface.
#include <deque>
#include <thread>

#include "scanner/internal/drivers.hpp"
#include "scanner/internal/pending_events.hpp"
#include "scanner/internal/sheet_assembly.hpp"
#include "scanner/internal/escl.hpp"
#include "scanner/internal/http.hpp"
#include "scanner/internal/xml_text.hpp"

namespace kp::scanner::internal {
namespace {


// A scanner answers 503 while it warms up or pulls the next sheet; this many tries, this far
// apart, before the wait counts as a time-out (30 s: a cold lamp on an office MFP).
constexpr int kBusyRetries = 60;
constexpr auto kBusyPause = std::chrono::milliseconds(500);

Capabilities parse_capabilities(const std::string& xml) {
  Capabilities c;
  if (xml.find("PlatenInputCaps") != std::string::npos) c.sources.push_back(Source::flatbed);
  if (xml.find("AdfSimplexInputCaps") != std::string::npos) c.sources.push_back(Source::adf_front);
  if (xml.find("AdfDuplexInputCaps") != std::string::npos) {
    c.sources.push_back(Source::adf_duplex);
    c.duplex = true;
  }
  for (const auto& m : xml_all(xml, "ColorMode")) {
    const ColourMode mode = m.find("RGB") != std::string::npos ? ColourMode::colour : m.find("Grayscale") != std::string::npos ? ColourMode::gray : ColourMode::lineart;
    if (std::find(c.modes.begin(), c.modes.end(), mode) == c.modes.end()) c.modes.push_back(mode);
  }
  for (const auto& r : xml_all(xml, "XResolution")) {
    const int dpi = std::atoi(r.c_str());
    if (dpi > 0 && std::find(c.resolutions_dpi.begin(), c.resolutions_dpi.end(), dpi) == c.resolutions_dpi.end()) c.resolutions_dpi.push_back(dpi);
  }
  std::sort(c.resolutions_dpi.begin(), c.resolutions_dpi.end());
  // Sizes in 1/300 inch.
  int width = 0, height = 0;
  for (const auto& w : xml_all(xml, "MaxWidth")) width = std::max(width, std::atoi(w.c_str()));
  for (const auto& h : xml_all(xml, "MaxHeight")) height = std::max(height, std::atoi(h.c_str()));
  const auto fits = [&](double w_mm, double h_mm) { return width * 25.4 / 300 >= w_mm - 1 && height * 25.4 / 300 >= h_mm - 1; };
  if (fits(148, 210)) c.paper_sizes.push_back("A5");
  if (fits(210, 297)) c.paper_sizes.push_back("A4");
  if (fits(297, 420)) c.paper_sizes.push_back("A3");
  c.double_feed_detection = xml.find("Multipick") != std::string::npos || xml.find("DoubleFeed") != std::string::npos;
  return c;
}

// Why the feeder stopped, from the scanner's ADF state; nullopt: it simply ran empty.
std::optional<FaultKind> adf_fault(const std::string& status_xml) {
  const std::string adf = xml_first(status_xml, "AdfState").value_or("");
  if (adf.find("Jam") != std::string::npos) return FaultKind::paper_jam;
  if (adf.find("Multipick") != std::string::npos || adf.find("DoubleFeed") != std::string::npos) return FaultKind::double_feed;
  if (adf.find("Open") != std::string::npos) return FaultKind::cover_open;  // ScannerAdfHatchOpen, ScannerAdfDoorOpen
  if (adf.find("Mispick") != std::string::npos) return FaultKind::paper_jam;
  return std::nullopt;
}

}  // namespace

std::string escl_scan_settings_xml(const ScanSettings& s, bool platen_only) {
  const bool feeder = !platen_only && s.source != Source::flatbed;
  // The region: the paper in 1/300 inch (A4 2480 × 3508, A5 1748 × 2480, A3 3508 × 4961).
  int w = 2480, h = 3508;
  if (s.paper == "A5") w = 1748, h = 2480;
  if (s.paper == "A3") w = 3508, h = 4961;
  const char* mode = s.mode == ColourMode::colour ? "RGB24" : s.mode == ColourMode::gray ? "Grayscale8" : "BlackAndWhite1";
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") +
         "<scan:ScanSettings xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\">"
         "<pwg:Version>2.0</pwg:Version><scan:Intent>Document</scan:Intent>"
         "<pwg:ScanRegions><pwg:ScanRegion><pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>"
         "<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>" + std::to_string(w) + "</pwg:Width><pwg:Height>" +
         std::to_string(h) + "</pwg:Height></pwg:ScanRegion></pwg:ScanRegions>"
         "<pwg:InputSource>" + (feeder ? "Feeder" : "Platen") + "</pwg:InputSource>" +
         (feeder ? std::string("<scan:Duplex>") + (s.source == Source::adf_duplex ? "true" : "false") + "</scan:Duplex>" : std::string()) +
         "<scan:ColorMode>" + mode + "</scan:ColorMode><scan:XResolution>" + std::to_string(s.dpi) + "</scan:XResolution><scan:YResolution>" +
         std::to_string(s.dpi) + "</scan:YResolution><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt>"
         "</scan:ScanSettings>";
}

namespace {

class EsclSession final : public ScanSession {
 public:
  EsclSession(DeviceInfo info, StreamFactory streams, std::string host, std::string base)
      : info_(std::move(info)), streams_(std::move(streams)), host_(std::move(host)), base_(std::move(base)) {
    sheets_.set_duplex(settings_.source == Source::adf_duplex);
  }

  ~EsclSession() override {
    if (!job_.empty() && !pending_.ended()) (void)http_exchange(streams_, host_, "DELETE", job_path_);
  }
  EsclSession(const EsclSession&) = delete;
  EsclSession& operator=(const EsclSession&) = delete;

  [[nodiscard]] const DeviceInfo& device() const override { return info_; }

  Result<ScanSettings> apply(const ScanSettings& wanted) override {
    ScanSettings s = wanted;
    const auto& caps = info_.capabilities;
    if (std::find(caps.sources.begin(), caps.sources.end(), s.source) == caps.sources.end()) {
      // No duplex feeder: the simplex one; no feeder: the glass.
      if (s.source == Source::adf_duplex && std::find(caps.sources.begin(), caps.sources.end(), Source::adf_front) != caps.sources.end()) {
        s.source = Source::adf_front;
      } else if (!caps.sources.empty()) {
        s.source = caps.sources.front();
      }
    }
    if (!caps.resolutions_dpi.empty() &&
        std::find(caps.resolutions_dpi.begin(), caps.resolutions_dpi.end(), s.dpi) == caps.resolutions_dpi.end()) {
      // The nearest resolution at or above the one asked for, else the highest.
      const auto it = std::lower_bound(caps.resolutions_dpi.begin(), caps.resolutions_dpi.end(), s.dpi);
      s.dpi = it == caps.resolutions_dpi.end() ? caps.resolutions_dpi.back() : *it;
    }
    if (!caps.modes.empty() && std::find(caps.modes.begin(), caps.modes.end(), s.mode) == caps.modes.end()) s.mode = caps.modes.front();
    settings_ = s;
    sheets_.set_duplex(s.source == Source::adf_duplex);
    return s;
  }

  void cancel() override { cancelled_ = true; }

  ScanEvent next() override {
    if (pending_.has_next()) return pending_.next();
    if (job_.empty()) {
      if (auto started = start_job(); !started) return pending_.end_after(BatchEnd::fault);
    }
    while (true) {
      if (cancelled_) {
        (void)http_exchange(streams_, host_, "DELETE", job_path_);
        return pending_.end_after(BatchEnd::cancelled);
      }
      auto page = http_exchange(streams_, host_, "GET", job_path_ + "/NextDocument");
      if (!page) {
        // The connection broke inside a page: that sheet was not delivered.
        pending_.push(Fault{FaultKind::protocol_error, sheets_.current(), false, page.error().message.en});
        return pending_.end_after(BatchEnd::device_lost);
      }
      if (page->status == 503) {
        if (busy_ == 0 && !warming_said_) {
          // A scanner warming its lamp says so in its state ("Testing"): tell the operator once.
          const auto status = http_exchange(streams_, host_, "GET", base_ + "/ScannerStatus");
          if (status && status->status == 200 && xml_first(status->body, "State").value_or("") == "Testing") {
            warming_said_ = true;
            ++busy_;
            return Status{StatusKind::warming_up};
          }
        }
        if (++busy_ > kBusyRetries) {
          pending_.push(Fault{FaultKind::timeout, sheets_.current(), false, "NextDocument answered 503 for too long"});
          return pending_.end_after(BatchEnd::fault);
        }
        std::this_thread::sleep_for(kBusyPause);
        continue;
      }
      busy_ = 0;
      if (page->status == 200) {
        if (auto sheet = sheets_.add(SideImage{std::move(page->body), ".jpg", ""})) return std::move(*sheet);
        continue;
      }
      // 404 (or another end of the job): the feeder ran empty, unless the ADF says otherwise.
      const auto status = http_exchange(streams_, host_, "GET", base_ + "/ScannerStatus");
      const auto fault = status && status->status == 200 ? adf_fault(status->body) : std::optional<FaultKind>{};
      if (sheets_.holding_front()) {
        sheets_.drop_front();
        pending_.push(Fault{fault.value_or(FaultKind::protocol_error), sheets_.current(), false, "front scanned without its back"});
        return pending_.end_after(BatchEnd::fault);
      }
      if (fault) {
        pending_.push(Fault{*fault, sheets_.current(), false, "ADF state: " + xml_first(status->body, "AdfState").value_or("")});
        return pending_.end_after(BatchEnd::fault);
      }
      if (page->status != 404) {
        pending_.push(Fault{FaultKind::protocol_error, sheets_.current(), false, "NextDocument answered " + std::to_string(page->status)});
        return pending_.end_after(BatchEnd::fault);
      }
      pending_.end_batch(BatchEnd::hopper_empty);
      return Status{StatusKind::hopper_empty};
    }
  }

 private:
  Result<void> start_job() {
    for (int attempt = 0;; ++attempt) {
      auto posted = http_exchange(streams_, host_, "POST", base_ + "/ScanJobs", "text/xml", escl_scan_settings_xml(settings_, false));
      if (!posted) {
        pending_.push(Fault{FaultKind::device_unplugged, 0, false, posted.error().message.en});
        return tl::unexpected(posted.error());
      }
      if (posted->status == 503 && attempt < 6) {
        std::this_thread::sleep_for(kBusyPause);
        continue;
      }
      if (posted->status == 503) {
        pending_.push(Fault{FaultKind::device_busy, 0, false, "ScanJobs answered 503: the scanner is busy"});
        return fail("device_busy", {"Máy quét bận", "The scanner is busy"});
      }
      if (posted->status == 409) {
        // Conflict: nothing in the feeder, or another job holds the scanner.
        const auto status = http_exchange(streams_, host_, "GET", base_ + "/ScannerStatus");
        const std::string adf = status && status->status == 200 ? xml_first(status->body, "AdfState").value_or("") : "";
        const Fault f = adf.find("Empty") != std::string::npos ? Fault{FaultKind::protocol_error, 0, false, "the feeder is empty"}
                                                                : Fault{FaultKind::device_busy, 0, false, "ScanJobs answered 409"};
        if (adf.find("Empty") != std::string::npos) {
          pending_.push(Status{StatusKind::hopper_empty});
          pending_.end_batch(BatchEnd::hopper_empty);
          job_ = "none";
          return {};
        }
        pending_.push(f);
        return fail("device_busy", {"Máy quét bận", "The scanner is busy"});
      }
      if (posted->status != 201) {
        pending_.push(Fault{FaultKind::protocol_error, 0, false, "ScanJobs answered " + std::to_string(posted->status)});
        return fail("protocol_error", {"Máy quét từ chối lệnh quét", "The scanner refused the scan job"});
      }
      job_ = posted->headers["location"];
      // The Location may be absolute ("http://host/eSCL/ScanJobs/ID") or a path.
      if (const auto url = parse_http_url(job_)) {
        job_path_ = url->path;
      } else {
        job_path_ = job_;
      }
      while (!job_path_.empty() && job_path_.back() == '/') job_path_.pop_back();
      return {};
    }
  }


  DeviceInfo info_;
  StreamFactory streams_;
  std::string host_;
  std::string base_;
  ScanSettings settings_;
  std::string job_;
  std::string job_path_;
  PendingEvents pending_;
  SheetAssembler sheets_;
  int busy_ = 0;
  bool warming_said_ = false;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

Result<std::unique_ptr<ScanSession>> open_escl_over(StreamFactory streams, const std::string& host, const std::string& base, DeviceInfo known) {
  const std::string id = known.id;
  auto caps = http_exchange(streams, host, "GET", base + "/ScannerCapabilities");
  if (!caps) return tl::unexpected(caps.error());
  if (caps->status != 200) {
    return fail("protocol_error", {"Máy quét không trả lời khả năng (HTTP " + std::to_string(caps->status) + ")",
                                   "The scanner gave no capabilities (HTTP " + std::to_string(caps->status) + ")"},
                id);
  }
  // What the transport already knows (the kernel's USB strings) stands; eSCL fills the rest.
  DeviceInfo info = std::move(known);
  if (info.vendor.empty()) info.vendor = xml_first(caps->body, "Manufacturer").value_or("");
  if (info.model.empty()) info.model = xml_first(caps->body, "MakeAndModel").value_or("eSCL scanner");
  if (info.serial.empty()) info.serial = xml_first(caps->body, "SerialNumber").value_or("");
  info.capabilities = parse_capabilities(caps->body);
  return std::make_unique<EsclSession>(std::move(info), std::move(streams), host, base);
}

Result<std::unique_ptr<ScanSession>> open_escl(const std::string& url_text) {
  auto url = parse_http_url(url_text);
  if (!url) return fail("bad_source", {"Địa chỉ eSCL không hợp lệ: " + url_text, "Not an eSCL address: " + url_text}, url_text);
  if (url->path.empty()) url->path = "/eSCL";
  const std::string host = url->host + (url->port == 80 ? std::string() : ":" + std::to_string(url->port));
  // A page of a 300 dpi colour A4 takes a few seconds on a slow MFP; 60 s of silence is a fault.
  DeviceInfo known;
  known.id = "escl:" + url_text;
  known.driver = "escl";
  return open_escl_over(tcp_streams(url->host, url->port, std::chrono::seconds(60)), host, url->path, std::move(known));
}

}  // namespace kp::scanner::internal
