// The SANE worker process: the only code that calls libsane. It opens one device, applies the
// settings, scans until the feeder is empty or a fault, and writes each page as PNM with framed
// events on stdout. A backend that crashes or hangs takes only this process down; the counting
// process sees the pipe end or time out and reports a typed fault.
#include <sane/sane.h>
#include <sane/saneopts.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include "scanner/internal/frames.hpp"
#include "scanner/internal/quirks.hpp"
#include "scanner/scanner.hpp"

namespace kp::scanner {
namespace {

using Json = nlohmann::json;
using internal::write_frame;

std::string fault_for(SANE_Status status) {
  switch (status) {
    case SANE_STATUS_JAMMED: return "paper_jam";
    case SANE_STATUS_COVER_OPEN: return "cover_open";
    case SANE_STATUS_DEVICE_BUSY: return "device_busy";
    case SANE_STATUS_ACCESS_DENIED: return "permission_denied";
    case SANE_STATUS_IO_ERROR: return "protocol_error";
    default: return "protocol_error";
  }
}

struct Options {
  SANE_Handle handle;
  std::map<std::string, SANE_Int> index;

  explicit Options(SANE_Handle h) : handle(h) {
    for (SANE_Int i = 1;; ++i) {
      const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, i);
      if (d == nullptr) break;
      if (d->name != nullptr && d->name[0] != '\0') index[d->name] = i;
    }
  }

  [[nodiscard]] const SANE_Option_Descriptor* descriptor(const std::string& name) const {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : sane_get_option_descriptor(handle, it->second);
  }

  [[nodiscard]] std::vector<std::string> strings(const std::string& name) const {
    std::vector<std::string> out;
    const auto* d = descriptor(name);
    if (d != nullptr && d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
      for (const SANE_String_Const* s = d->constraint.string_list; *s != nullptr; ++s) out.emplace_back(*s);
    }
    return out;
  }

  bool set_string(const std::string& name, const std::string& value) {
    const auto* d = descriptor(name);
    if (d == nullptr || !SANE_OPTION_IS_SETTABLE(d->cap) || d->type != SANE_TYPE_STRING) return false;
    std::vector<char> buffer(static_cast<std::size_t>(std::max<SANE_Int>(d->size, static_cast<SANE_Int>(value.size() + 1))), '\0');
    std::memcpy(buffer.data(), value.c_str(), value.size());
    return sane_control_option(handle, index.at(name), SANE_ACTION_SET_VALUE, buffer.data(), nullptr) == SANE_STATUS_GOOD;
  }

  bool set_number(const std::string& name, double value) {
    const auto* d = descriptor(name);
    if (d == nullptr || !SANE_OPTION_IS_SETTABLE(d->cap)) return false;
    SANE_Word word = d->type == SANE_TYPE_FIXED ? SANE_FIX(value) : static_cast<SANE_Word>(std::lround(value));
    if (d->type == SANE_TYPE_BOOL) word = value != 0 ? SANE_TRUE : SANE_FALSE;
    return sane_control_option(handle, index.at(name), SANE_ACTION_SET_VALUE, &word, nullptr) == SANE_STATUS_GOOD;
  }

  // A user-given option by its text value, whatever its type.
  bool set_text(const std::string& name, const std::string& value) {
    const auto* d = descriptor(name);
    if (d == nullptr) return false;
    if (d->type == SANE_TYPE_STRING) return set_string(name, value);
    if (d->type == SANE_TYPE_BOOL) return set_number(name, value == "yes" || value == "true" || value == "1" ? 1 : 0);
    try {
      return set_number(name, std::stod(value));
    } catch (const std::exception&) {
      return false;
    }
  }

  [[nodiscard]] std::optional<std::string> get_string(const std::string& name) const {
    const auto* d = descriptor(name);
    if (d == nullptr || d->type != SANE_TYPE_STRING || !SANE_OPTION_IS_ACTIVE(d->cap)) return std::nullopt;
    std::vector<char> buffer(static_cast<std::size_t>(d->size) + 1, '\0');
    if (sane_control_option(handle, index.at(name), SANE_ACTION_GET_VALUE, buffer.data(), nullptr) != SANE_STATUS_GOOD) return std::nullopt;
    return std::string(buffer.data());
  }

  [[nodiscard]] std::optional<double> get_number(const std::string& name) const {
    const auto* d = descriptor(name);
    if (d == nullptr || d->size != static_cast<SANE_Int>(sizeof(SANE_Word)) || !SANE_OPTION_IS_ACTIVE(d->cap)) return std::nullopt;
    SANE_Word word = 0;
    if (sane_control_option(handle, index.at(name), SANE_ACTION_GET_VALUE, &word, nullptr) != SANE_STATUS_GOOD) return std::nullopt;
    return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(word) : static_cast<double>(word);
  }
};

bool contains(const std::string& text, const char* word) {
  std::string a = text, b = word;
  for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a.find(b) != std::string::npos;
}

// Which of the backend's source names means flatbed, feeder or duplex feeder.
std::optional<Source> classify_source(const std::string& name) {
  if (contains(name, "duplex")) return Source::adf_duplex;
  if (contains(name, "adf") || contains(name, "feeder")) return Source::adf_front;
  if (contains(name, "flatbed")) return Source::flatbed;
  return std::nullopt;
}

Json capabilities(const Options& o) {
  Json sources = Json::array(), modes = Json::array(), resolutions = Json::array();
  bool duplex = false;
  for (const auto& s : o.strings(SANE_NAME_SCAN_SOURCE)) {
    if (const auto kind = classify_source(s)) {
      sources.push_back(std::string(to_string(*kind)));
      duplex = duplex || *kind == Source::adf_duplex;
    }
  }
  if (sources.empty()) sources.push_back("flatbed");
  for (const auto& m : o.strings(SANE_NAME_SCAN_MODE)) {
    if (contains(m, "color") || contains(m, "colour")) modes.push_back("colour");
    else if (contains(m, "gray") || contains(m, "grey")) modes.push_back("gray");
    else if (contains(m, "lineart") || contains(m, "binary")) modes.push_back("lineart");
  }
  if (const auto* d = o.descriptor(SANE_NAME_SCAN_RESOLUTION)) {
    const auto value = [&](SANE_Word w) { return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : static_cast<double>(w); };
    if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
      for (SANE_Int i = 1; i <= d->constraint.word_list[0]; ++i) resolutions.push_back(static_cast<int>(value(d->constraint.word_list[i])));
    } else if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
      // A range is listed at the steps a ballot scan would use.
      for (const int dpi : {150, 200, 300, 400, 600}) {
        if (dpi >= value(d->constraint.range->min) && dpi <= value(d->constraint.range->max)) resolutions.push_back(dpi);
      }
    }
  }
  // Area: which ISO sizes fit the scan area (br-x × br-y in mm).
  Json papers = Json::array();
  const auto* bx = o.descriptor(SANE_NAME_SCAN_BR_X);
  const auto* by = o.descriptor(SANE_NAME_SCAN_BR_Y);
  if (bx != nullptr && by != nullptr && bx->constraint_type == SANE_CONSTRAINT_RANGE && by->constraint_type == SANE_CONSTRAINT_RANGE) {
    const auto max = [](const SANE_Option_Descriptor* d) {
      return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(d->constraint.range->max) : static_cast<double>(d->constraint.range->max);
    };
    const double w = max(bx), h = max(by);
    if (w >= 148 && h >= 210) papers.push_back("A5");
    if (w >= 210 && h >= 297) papers.push_back("A4");
    if (w >= 297 && h >= 420) papers.push_back("A3");
  }
  bool double_feed = false;
  for (const auto& [name, i] : o.index) double_feed = double_feed || contains(name, "double") || name.rfind("df-", 0) == 0;
  return {{"sources", sources}, {"modes", modes}, {"resolutions", resolutions}, {"papers", papers}, {"duplex", duplex},
          {"double_feed_detection", double_feed}};
}

// PNM bytes of one frame: P5 (gray), P6 (RGB) or P4 (1 bit); 16-bit samples are cut to 8.
std::optional<std::string> to_pnm(const SANE_Parameters& p, const std::string& data) {
  const int width = p.pixels_per_line;
  const int bpl = p.bytes_per_line;
  if (bpl <= 0 || width <= 0) return std::nullopt;
  const int lines = static_cast<int>(data.size() / static_cast<std::size_t>(bpl));
  const int channels = p.format == SANE_FRAME_RGB ? 3 : p.format == SANE_FRAME_GRAY ? 1 : 0;
  if (channels == 0) return std::nullopt;  // three-pass frames are not supported
  std::string header, body;
  if (p.depth == 1 && channels == 1) {
    header = "P4\n" + std::to_string(width) + " " + std::to_string(lines) + "\n";
    const int row = (width + 7) / 8;
    for (int y = 0; y < lines; ++y) body.append(data, static_cast<std::size_t>(y) * bpl, static_cast<std::size_t>(row));
  } else if (p.depth == 8 || p.depth == 16) {
    header = std::string(channels == 3 ? "P6\n" : "P5\n") + std::to_string(width) + " " + std::to_string(lines) + "\n255\n";
    const int bytes_per_sample = p.depth / 8;
    body.reserve(static_cast<std::size_t>(width) * channels * lines);
    for (int y = 0; y < lines; ++y) {
      const char* line = data.data() + static_cast<std::size_t>(y) * bpl;
      for (int x = 0; x < width * channels; ++x) {
        // 16-bit samples are in host order; the high byte is kept.
        std::uint16_t v = static_cast<unsigned char>(line[x * bytes_per_sample]);
        if (bytes_per_sample == 2) std::memcpy(&v, line + x * 2, 2), v = static_cast<std::uint16_t>(v >> 8);
        body.push_back(static_cast<char>(v));
      }
    }
  } else {
    return std::nullopt;
  }
  return header + body;
}

int end_with(const std::string& reason) {
  write_frame({{"type", "end"}, {"reason", reason}});
  return 0;
}

// The batch is said to have ended before the backends are unloaded: sane_exit can hang in
// dlclose (seen about once in two hundred runs of the test backend on a loaded machine, the
// loader's lock left held by the reader thread sane_cancel cancelled), and by then nothing
// the counting process needs is left to say; it stops a worker that does not exit.
int unload_and_end_with(const std::string& reason) {
  end_with(reason);
  sane_exit();
  return 0;
}

}  // namespace

int sane_worker_main(const SaneWorkerArgs& args) {
  // A network backend writing to a saned that died must get an error, not kill the worker
  // before it has said why.
  ::signal(SIGPIPE, SIG_IGN);
  SANE_Int version = 0;
  if (sane_init(&version, nullptr) != SANE_STATUS_GOOD) {
    write_frame({{"type", "fault"}, {"kind", "protocol_error"}, {"detail", "sane_init failed"}});
    return end_with("device_lost");
  }
  if (args.list_only) {
    const SANE_Device** list = nullptr;
    if (sane_get_devices(&list, SANE_FALSE) == SANE_STATUS_GOOD) {
      for (int i = 0; list[i] != nullptr; ++i) {
        Json device{{"type", "device"}, {"name", list[i]->name}, {"vendor", list[i]->vendor}, {"model", list[i]->model}, {"kind", list[i]->type}};
        SANE_Handle h = nullptr;
        if (sane_open(list[i]->name, &h) == SANE_STATUS_GOOD) {
          const Options o(h);
          device["capabilities"] = capabilities(o);
          if (auto serial = o.get_string("serial")) device["serial"] = *serial;
          sane_close(h);
        }
        write_frame(device);
      }
    }
    return unload_and_end_with("hopper_empty");
  }
  SANE_Handle handle = nullptr;
  const SANE_Status opened = sane_open(args.device.c_str(), &handle);
  if (opened != SANE_STATUS_GOOD) {
    // SANE_STATUS_INVAL from sane_open: no such device.
    write_frame({{"type", "fault"}, {"kind", opened == SANE_STATUS_INVAL ? "no_device" : fault_for(opened)}, {"sheet", 0},
                 {"detail", std::string("sane_open: ") + sane_strstatus(opened)}});
    return unload_and_end_with("fault");
  }
  Options o(handle);
  // Settings: the nearest the device offers, then read back what it actually uses.
  for (const auto& name : o.strings(SANE_NAME_SCAN_SOURCE)) {
    if (classify_source(name) == args.settings.source) {
      o.set_string(SANE_NAME_SCAN_SOURCE, name);
      break;
    }
  }
  if (args.settings.source == Source::adf_duplex && o.get_string(SANE_NAME_SCAN_SOURCE).has_value() &&
      classify_source(*o.get_string(SANE_NAME_SCAN_SOURCE)) != Source::adf_duplex) {
    // No duplex feeder: take the simplex feeder rather than the flatbed.
    for (const auto& name : o.strings(SANE_NAME_SCAN_SOURCE)) {
      if (classify_source(name) == Source::adf_front) o.set_string(SANE_NAME_SCAN_SOURCE, name);
    }
  }
  for (const auto& name : o.strings(SANE_NAME_SCAN_MODE)) {
    const bool match = (args.settings.mode == ColourMode::colour && (contains(name, "color") || contains(name, "colour"))) ||
                       (args.settings.mode == ColourMode::gray && (contains(name, "gray") || contains(name, "grey"))) ||
                       (args.settings.mode == ColourMode::lineart && (contains(name, "lineart") || contains(name, "binary")));
    if (match) {
      o.set_string(SANE_NAME_SCAN_MODE, name);
      break;
    }
  }
  o.set_number(SANE_NAME_SCAN_RESOLUTION, args.settings.dpi);
  for (const auto& [name, value] : args.extra) {
    if (!o.set_text(name, value)) write_frame({{"type", "warning"}, {"detail", "option " + name + " could not be set to " + value}});
  }
  const std::string source_name = o.get_string(SANE_NAME_SCAN_SOURCE).value_or("Flatbed");
  const Source source = classify_source(source_name).value_or(Source::flatbed);
  const std::string mode_name = o.get_string(SANE_NAME_SCAN_MODE).value_or("");
  write_frame({{"type", "settings"}, {"source", std::string(to_string(source))}, {"source_name", source_name},
               {"dpi", static_cast<int>(std::lround(o.get_number(SANE_NAME_SCAN_RESOLUTION).value_or(args.settings.dpi)))},
               {"mode", contains(mode_name, "gray") ? "gray" : contains(mode_name, "lineart") ? "lineart" : "colour"},
               {"capabilities", capabilities(o)}});
  std::string reason = "hopper_empty";
  for (int page = 1;; ++page) {
    // (SANE 1.0 has no warming-up status: backends wait for the lamp inside sane_start.)
    SANE_Status status = sane_start(handle);
    if (status == SANE_STATUS_NO_DOCS) {
      write_frame({{"type", "status"}, {"kind", "hopper_empty"}});
      break;
    }
    SANE_Parameters params{};
    std::string data;
    if (status == SANE_STATUS_GOOD) status = sane_get_parameters(handle, &params);
    if (status == SANE_STATUS_GOOD) {
      if (params.lines > 0 && params.bytes_per_line > 0) data.reserve(static_cast<std::size_t>(params.lines) * params.bytes_per_line);
      std::vector<SANE_Byte> buffer(65536);
      while (true) {
        SANE_Int got = 0;
        status = sane_read(handle, buffer.data(), static_cast<SANE_Int>(buffer.size()), &got);
        if (status != SANE_STATUS_GOOD) break;
        data.append(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(got));
      }
      if (status == SANE_STATUS_EOF) status = SANE_STATUS_GOOD;
    }
    if (status != SANE_STATUS_GOOD) {
      std::string kind = fault_for(status);
      // Some backends report a double feed as a jam plus a sensor (fujitsu: "double-feed"); which
      // sensor is a quirk of the backend, read from the quirks file.
      const auto* quirk = internal::quirks().for_sane_device(args.device);
      if (status == SANE_STATUS_JAMMED && quirk != nullptr && !quirk->double_feed_sensor.empty()) {
        // Some backends refuse options while a scan is under way: read again once it is cancelled.
        auto sensor = o.get_number(quirk->double_feed_sensor);
        if (!sensor) {
          sane_cancel(handle);
          sensor = o.get_number(quirk->double_feed_sensor);
        }
        if (sensor.value_or(0) != 0) kind = "double_feed";
      }
      // Over the network, a dropped connection leaves the net backend reading whatever status
      // word the broken wire holds (seen as "jammed" about one time in eight when saned is
      // killed mid-page): a paper fault is believed only while the server still answers.
      std::string detail = sane_strstatus(status);
      if (kind != "protocol_error" && args.device.rfind("net:", 0) == 0) {
        SANE_Int option_count = 0;
        if (sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &option_count, nullptr) != SANE_STATUS_GOOD) {
          kind = "protocol_error";
          detail = "the network scanner stopped answering (" + detail + ")";
        }
      }
      write_frame({{"type", "fault"}, {"kind", kind}, {"page", page}, {"detail", detail}});
      reason = "fault";
      break;
    }
    const auto pnm = to_pnm(params, data);
    if (!pnm) {
      write_frame({{"type", "fault"}, {"kind", "protocol_error"}, {"page", page}, {"detail", "unsupported frame format or depth"}});
      reason = "fault";
      break;
    }
    write_frame({{"type", "page"}, {"page", page}, {"ext", ".pnm"}, {"bytes", pnm->size()}}, *pnm);
    if (source == Source::flatbed) break;  // one page per batch on the glass
  }
  sane_cancel(handle);
  sane_close(handle);
  return unload_and_end_with(reason);
}

namespace internal {

void write_frame(const nlohmann::json& header, const std::string& payload) {
  const std::string line = header.dump() + "\n";
  const auto write_all = [](const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(STDOUT_FILENO, p, n);
      if (w <= 0) return;
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  };
  write_all(line.data(), line.size());
  write_all(payload.data(), payload.size());
}

}  // namespace internal
}  // namespace kp::scanner
