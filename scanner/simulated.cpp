// The simulated scanner: feeds a folder of ballot images as sheets at a set speed, with a
// script of faults, exactly as a real feeder would report them. The demo and the tests use it.
#include <algorithm>
#include <filesystem>
#include <map>
#include <thread>

#include "scanner/internal/drivers.hpp"
#include "scanner/internal/pending_events.hpp"

namespace kp::scanner::internal {
namespace {

namespace fs = std::filesystem;

struct SheetFiles {
  std::string front;
  std::string back;  // empty: single-sided
};

std::optional<FaultKind> parse_fault(const std::string& name) {
  static const std::map<std::string, FaultKind> kinds{
      {"jam", FaultKind::paper_jam},         {"double_feed", FaultKind::double_feed},     {"staple", FaultKind::staple},
      {"cover_open", FaultKind::cover_open}, {"too_long", FaultKind::page_too_long},      {"too_short", FaultKind::page_too_short},
      {"unplug", FaultKind::device_unplugged}, {"protocol_error", FaultKind::protocol_error}, {"timeout", FaultKind::timeout}};
  const auto it = kinds.find(name);
  return it == kinds.end() ? std::nullopt : std::optional(it->second);
}

std::vector<SheetFiles> sheets_in(const std::string& dir) {
  std::map<std::string, SheetFiles> paired;  // by sheet name, sorted
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_image_file(entry.path().filename().string())) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const std::string path = (fs::path(dir) / name).string();
    if (const auto side = side_name(name)) {
      auto& s = paired[side->sheet];
      (side->back ? s.back : s.front) = path;
    } else {
      paired[name].front = path;
    }
  }
  std::vector<SheetFiles> out;
  for (auto& [name, files] : paired) {
    if (files.front.empty()) std::swap(files.front, files.back);  // a back without its front is fed as it is
    out.push_back(files);
  }
  return out;
}

class SimulatedSession final : public ScanSession {
 public:
  SimulatedSession(DeviceInfo info, std::vector<SheetFiles> sheets, std::map<std::int64_t, FaultKind> faults, double images_per_minute)
      : info_(std::move(info)), sheets_(std::move(sheets)), faults_(std::move(faults)),
        per_image_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(60.0 / images_per_minute))) {
    pending_.push(Status{StatusKind::hopper_loaded});
  }

  [[nodiscard]] const DeviceInfo& device() const override { return info_; }

  Result<ScanSettings> apply(const ScanSettings& wanted) override {
    // The folder's images are what they are: the settings are recorded, the images not changed.
    settings_ = wanted;
    return settings_;
  }

  ScanEvent next() override {
    if (pending_.has_next()) return pending_.next();
    if (cancelled_) return pending_.end_after(BatchEnd::cancelled);
    if (index_ == sheets_.size()) {
      pending_.end_batch(BatchEnd::hopper_empty);
      return Status{StatusKind::hopper_empty};
    }
    const SheetFiles& files = sheets_[index_];
    const auto sides = files.back.empty() ? 1 : 2;
    if (due_ == std::chrono::steady_clock::time_point{}) due_ = std::chrono::steady_clock::now();
    due_ += per_image_ * sides;
    // Wait for the feeder in short slices so a cancel is honoured at once.
    while (std::chrono::steady_clock::now() < due_) {
      if (cancelled_) return pending_.end_after(BatchEnd::cancelled);
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(due_ - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
    }
    const auto number = static_cast<std::int64_t>(++index_);
    if (const auto fault = faults_.find(number); fault != faults_.end()) {
      Fault f{fault->second, number, false, "simulated " + std::string(to_string(fault->second))};
      if (fault->second == FaultKind::cover_open) pending_.push(Status{StatusKind::cover_open});
      pending_.push(f);
      if (fault->second == FaultKind::device_unplugged) {
        pending_.push(DeviceLeft{info_.id});
        return pending_.end_after(BatchEnd::device_lost);
      }
      return pending_.end_after(BatchEnd::fault);
    }
    Sheet sheet;
    sheet.number = number;
    sheet.front = side(files.front);
    if (!files.back.empty()) sheet.back = side(files.back);
    sheet.scanned_at = std::chrono::steady_clock::now();
    return sheet;
  }

  void cancel() override { cancelled_ = true; }

 private:
  static SideImage side(const std::string& path) { return {read_file_bytes(path), fs::path(path).extension().string(), path}; }

  DeviceInfo info_;
  std::vector<SheetFiles> sheets_;
  std::map<std::int64_t, FaultKind> faults_;
  std::chrono::steady_clock::duration per_image_;
  std::chrono::steady_clock::time_point due_{};
  PendingEvents pending_;
  ScanSettings settings_;
  std::size_t index_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

Capabilities simulated_capabilities() {
  Capabilities c;
  c.sources = {Source::adf_front, Source::adf_duplex};
  c.resolutions_dpi = {150, 200, 300};
  c.modes = {ColourMode::colour, ColourMode::gray};
  c.paper_sizes = {"A5", "A4", "A3"};
  c.duplex = true;
  c.double_feed_detection = true;
  return c;
}

Result<std::unique_ptr<ScanSession>> open_simulated(const std::string& dir, const SimulatedOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail("no_device", {"Không có thư mục ảnh cho máy quét mô phỏng: " + dir, "No image folder for the simulated scanner: " + dir}, dir);
  }
  if (!(options.images_per_minute > 0)) {
    return fail("bad_source", {"Tốc độ phải lớn hơn 0", "The speed must be above 0"}, dir);
  }
  std::map<std::int64_t, FaultKind> faults;
  std::string script = options.fault_script;
  std::size_t start = 0;
  while (start < script.size()) {
    const std::size_t comma = std::min(script.find(',', start), script.size());
    const std::string item = script.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    if (item == "busy") {
      return fail("device_busy", describe(Fault{FaultKind::device_busy, 0, false, ""}), dir);
    }
    const auto at = item.find('@');
    const auto kind = at == std::string::npos ? std::nullopt : parse_fault(item.substr(0, at));
    std::int64_t sheet = 0;
    try {
      if (kind) sheet = std::stoll(item.substr(at + 1));
    } catch (const std::exception&) {
      sheet = 0;
    }
    if (!kind || sheet < 1) {
      return fail("bad_source", {"Kịch bản lỗi không hiểu được: " + item + " (ví dụ jam@5,double_feed@12)",
                                 "Unreadable fault script item: " + item + " (for example jam@5,double_feed@12)"},
                  options.fault_script);
    }
    faults[sheet] = *kind;
  }
  DeviceInfo info;
  info.id = "sim:" + dir;
  info.driver = "sim";
  info.vendor = "kiemphieu";
  info.model = "simulated scanner";
  info.serial = "SIM-" + fs::path(dir).filename().string();
  info.capabilities = simulated_capabilities();
  return std::make_unique<SimulatedSession>(std::move(info), sheets_in(dir), std::move(faults), options.images_per_minute);
}

bool is_image_file(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;  // temporaries of capture software and of this program
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".pnm" || ext == ".pgm" || ext == ".ppm" || ext == ".pbm" ||
         ext == ".tif" || ext == ".tiff";
}

std::optional<SideName> side_name(const std::string& file_name) {
  const std::string stem = fs::path(file_name).stem().string();
  for (const auto& [suffix, back] : {std::pair{std::string("-front"), false}, {"_front", false}, {"-back", true}, {"_back", true}}) {
    if (stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return SideName{stem.substr(0, stem.size() - suffix.size()), back};
    }
  }
  return std::nullopt;
}

}  // namespace kp::scanner::internal

namespace kp::scanner {

namespace fs = std::filesystem;

std::vector<PaperFiles> pair_side_files(const std::vector<std::string>& paths) {
  std::vector<PaperFiles> out;
  std::map<std::string, std::size_t> by_name;  // directory and sheet name → its paper in `out`
  for (const auto& path : paths) {
    const auto named = internal::side_name(fs::path(path).filename().string());
    if (!named) {
      out.push_back({path, ""});
      continue;
    }
    const std::string key = (fs::path(path).parent_path() / named->sheet).string();
    auto [it, fresh] = by_name.try_emplace(key, out.size());
    if (fresh) out.emplace_back();
    PaperFiles& paper = out[it->second];
    std::string& slot = named->back ? paper.back : paper.front;
    if (!slot.empty()) {
      // The same side named twice: a paper of its own, so nothing given is lost.
      out.push_back(named->back ? PaperFiles{"", path} : PaperFiles{path, ""});
      continue;
    }
    slot = path;
  }
  for (auto& paper : out) {
    if (paper.front.empty()) std::swap(paper.front, paper.back);  // a back without its front goes as it is
  }
  return out;
}

}  // namespace kp::scanner

