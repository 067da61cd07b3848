#include "scanner/scanner.hpp"

#include "scanner/internal/drivers.hpp"
#include "scanner/internal/escl.hpp"

namespace kp::scanner {

std::string_view to_string(Source source) {
  switch (source) {
    case Source::flatbed: return "flatbed";
    case Source::adf_front: return "adf_front";
    case Source::adf_duplex: return "adf_duplex";
  }
  return "?";
}

std::string_view to_string(ColourMode mode) {
  switch (mode) {
    case ColourMode::colour: return "colour";
    case ColourMode::gray: return "gray";
    case ColourMode::lineart: return "lineart";
  }
  return "?";
}

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::paper_jam: return "paper_jam";
    case FaultKind::double_feed: return "double_feed";
    case FaultKind::staple: return "staple";
    case FaultKind::cover_open: return "cover_open";
    case FaultKind::page_too_long: return "page_too_long";
    case FaultKind::page_too_short: return "page_too_short";
    case FaultKind::device_busy: return "device_busy";
    case FaultKind::permission_denied: return "permission_denied";
    case FaultKind::device_unplugged: return "device_unplugged";
    case FaultKind::protocol_error: return "protocol_error";
    case FaultKind::timeout: return "timeout";
  }
  return "?";
}

std::string_view to_string(StatusKind kind) {
  switch (kind) {
    case StatusKind::ready: return "ready";
    case StatusKind::hopper_loaded: return "hopper_loaded";
    case StatusKind::hopper_empty: return "hopper_empty";
    case StatusKind::cover_open: return "cover_open";
    case StatusKind::warming_up: return "warming_up";
  }
  return "?";
}

std::string_view to_string(BatchEnd end) {
  switch (end) {
    case BatchEnd::hopper_empty: return "hopper_empty";
    case BatchEnd::cancelled: return "cancelled";
    case BatchEnd::fault: return "fault";
    case BatchEnd::device_lost: return "device_lost";
  }
  return "?";
}

std::string DeviceInfo::identity() const {
  // "Fujitsu fi-7160", not "Fujitsu Fujitsu fi-7160" when the model already names its maker.
  std::string out = vendor.empty() || model.rfind(vendor, 0) == 0 ? model : vendor + " " + model;
  if (!serial.empty()) out += " (serial " + serial + ")";
  return out + " via " + driver;
}

Text describe(const Fault& fault) {
  const std::string n = std::to_string(fault.sheet);
  const std::string next = std::to_string(fault.sheet + 1);
  switch (fault.kind) {
    case FaultKind::paper_jam:
      return {"Giấy kẹt: lấy tờ số " + n + " ra và quét lại từ tờ đó", "Paper jam: take out sheet " + n + " and scan again from it"};
    case FaultKind::double_feed:
      return {"Kéo hai tờ một lúc: lấy tờ số " + n + " và " + next + " ra, quét lại từng tờ",
              "Two sheets fed at once: take out sheets " + n + " and " + next + " and scan them again one by one"};
    case FaultKind::staple:
      return {"Tờ số " + n + " có ghim: gỡ ghim rồi quét lại tờ đó", "Sheet " + n + " is stapled: remove the staple and scan it again"};
    case FaultKind::cover_open:
      return {"Nắp máy quét đang mở: đóng nắp, quét lại từ tờ số " + n, "The scanner cover is open: close it and scan again from sheet " + n};
    case FaultKind::page_too_long:
      return {"Tờ số " + n + " dài hơn khổ phiếu (có thể hai tờ chồng nhau): kiểm tra và quét lại",
              "Sheet " + n + " is longer than a ballot (perhaps two sheets overlapping): check it and scan again"};
    case FaultKind::page_too_short:
      return {"Tờ số " + n + " ngắn hơn khổ phiếu (bị gấp hoặc rách): kiểm tra và quét lại",
              "Sheet " + n + " is shorter than a ballot (folded or torn): check it and scan again"};
    case FaultKind::device_busy:
      return {"Máy quét đang bận hoặc chương trình khác đang dùng: đóng chương trình đó rồi thử lại",
              "The scanner is busy or another program holds it: close that program and try again"};
    case FaultKind::permission_denied:
      return {"Tài khoản này không được dùng máy quét: cài quy tắc udev kèm theo (xem README)",
              "This account may not open the scanner: install the shipped udev rule (see README)"};
    case FaultKind::device_unplugged:
      return {"Mất kết nối máy quét ở tờ số " + n + ": cắm lại, quét lại từ tờ đó",
              "The scanner was disconnected at sheet " + n + ": reconnect it and scan again from that sheet"};
    case FaultKind::protocol_error:
      return {"Lỗi giao tiếp với máy quét ở tờ số " + n + ": quét lại từ tờ đó; nếu lặp lại, khởi động lại máy quét",
              "Communication error with the scanner at sheet " + n + ": scan again from it; if it repeats, restart the scanner"};
    case FaultKind::timeout:
      return {"Máy quét không trả lời ở tờ số " + n + ": kiểm tra máy, quét lại từ tờ đó",
              "The scanner stopped answering at sheet " + n + ": check it and scan again from that sheet"};
  }
  return {"Lỗi máy quét", "Scanner fault"};
}

Result<std::unique_ptr<ScanSession>> open_source(const std::string& spec, const SourceOptions& options) {
  const auto colon = spec.find(':');
  const std::string driver = spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
  if (driver == "sim" && !rest.empty()) return internal::open_simulated(rest, options.simulated);
  if (driver == "folder" && !rest.empty()) return internal::open_folder(rest, options.folder);
  if (driver == "sane" && !rest.empty()) return internal::open_sane(rest, options.sane_worker);
  if (driver == "escl" && !rest.empty()) return internal::open_escl(rest);
  if (driver == "usb" && !rest.empty()) return internal::open_usb(rest);
  return fail("bad_source", {"Nguồn quét không hiểu được: " + spec + " (sim:THƯ_MỤC, folder:THƯ_MỤC, sane:THIẾT_BỊ, escl:http://MÁY:CỔNG, usb:VID:PID)",
                             "Unknown scan source: " + spec + " (sim:DIR, folder:DIR, sane:DEVICE, escl:http://HOST:PORT, usb:VID:PID)"},
              spec);
}

Result<std::vector<DeviceInfo>> discover_devices(const SourceOptions& options) {
  std::vector<DeviceInfo> out;
  DeviceInfo sim;
  sim.id = "sim:DIR";
  sim.driver = "sim";
  sim.vendor = "kiemphieu";
  sim.model = "simulated scanner (a folder of ballot images, --speed, --faults)";
  sim.capabilities = internal::simulated_capabilities();
  out.push_back(sim);
  DeviceInfo folder;
  folder.id = "folder:DIR";
  folder.driver = "folder";
  folder.vendor = "kiemphieu";
  folder.model = "folder import (files written by the scanner's own capture software)";
  folder.capabilities = internal::folder_capabilities();
  out.push_back(folder);
  auto usb = internal::discover_usb();
  if (!usb) return tl::unexpected(usb.error());
  out.insert(out.end(), usb->begin(), usb->end());
  auto sane = internal::discover_sane(options.sane_worker);
  if (!sane) return tl::unexpected(sane.error());
  out.insert(out.end(), sane->begin(), sane->end());
  return out;
}

}  // namespace kp::scanner
