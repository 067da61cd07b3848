// Folder import: the scanner's own capture software writes files into a folder; a file is taken
// only once it is complete (closed after writing, or renamed into the folder), fronts and backs
// are paired by name (NAME-front.* with NAME-back.*), and a file whose content was already taken
// is ignored.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/digest.hpp"
#include "scanner/internal/drivers.hpp"
#include "scanner/internal/pending_events.hpp"

namespace kp::scanner::internal {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class FolderSession final : public ScanSession {
 public:
  FolderSession(DeviceInfo info, std::string dir, int inotify_fd, FolderOptions options)
      : info_(std::move(info)), dir_(std::move(dir)), fd_(inotify_fd), options_(options), last_activity_(Clock::now()) {
    // Files already complete when the import starts are taken first, in name order.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.is_regular_file() && is_image_file(entry.path().filename().string())) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) take(n);
  }
  ~FolderSession() override { ::close(fd_); }
  FolderSession(const FolderSession&) = delete;
  FolderSession& operator=(const FolderSession&) = delete;

  [[nodiscard]] const DeviceInfo& device() const override { return info_; }
  Result<ScanSettings> apply(const ScanSettings& wanted) override { return wanted; }  // the capture software decides
  void cancel() override { cancelled_ = true; }

  ScanEvent next() override {
    while (true) {
      if (pending_.has_next()) return pending_.next();
      if (cancelled_) return finish(BatchEnd::cancelled);
      const auto now = Clock::now();
      release_lone_sides(now, false);
      if (pending_.has_next()) continue;
      if (options_.idle_end.count() > 0 && waiting_.empty() && now - last_activity_ >= options_.idle_end) {
        pending_.end_batch(BatchEnd::hopper_empty);
        return Status{StatusKind::hopper_empty};
      }
      // Wait for the folder in short slices so a cancel and the idle end are honoured.
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) read_events();
    }
  }

 private:
  struct Waiting {
    SideImage side;
    bool back = false;
    Clock::time_point since;
  };

  ScanEvent finish(BatchEnd end) {
    release_lone_sides(Clock::now(), true);
    return pending_.end_after(end);
  }

  void read_events() {
    alignas(inotify_event) char buffer[16384];
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    for (ssize_t at = 0; n > 0 && at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
      if (e->len > 0 && (e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) take(e->name);
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
    }
  }

  void take(const std::string& name) {
    if (!is_image_file(name)) return;
    const std::string path = (fs::path(dir_) / name).string();
    SideImage side{read_file_bytes(path), fs::path(name).extension().string(), path};
    if (side.bytes.empty()) return;
    if (!seen_.insert(sha256_hex(side.bytes)).second) return;  // the same content again: ignored
    last_activity_ = Clock::now();
    const auto named = side_name(name);
    if (!named) {
      deliver(std::move(side), std::nullopt);
      return;
    }
    const auto other = waiting_.find(named->sheet);
    if (other != waiting_.end() && other->second.back != named->back) {
      SideImage first = std::move(other->second.side);
      const bool first_is_back = other->second.back;
      waiting_.erase(other);
      if (first_is_back) {
        deliver(std::move(side), std::move(first));
      } else {
        deliver(std::move(first), std::move(side));
      }
      return;
    }
    waiting_[named->sheet] = Waiting{std::move(side), named->back, Clock::now()};
  }

  // A side whose partner has not come within back_wait goes alone (a single-sided ballot).
  void release_lone_sides(Clock::time_point now, bool all) {
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (all || now - it->second.since >= options_.back_wait) {
        deliver(std::move(it->second.side), std::nullopt);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void deliver(SideImage front, std::optional<SideImage> back) {
    Sheet s;
    s.number = ++sheets_;
    s.front = std::move(front);
    s.back = std::move(back);
    s.scanned_at = Clock::now();
    pending_.push(std::move(s));
  }

  DeviceInfo info_;
  std::string dir_;
  int fd_;
  FolderOptions options_;
  PendingEvents pending_;
  std::map<std::string, Waiting> waiting_;
  std::set<std::string> seen_;
  Clock::time_point last_activity_;
  std::int64_t sheets_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

Capabilities folder_capabilities() {
  Capabilities c;
  c.sources = {Source::adf_front, Source::adf_duplex};
  c.duplex = true;
  return c;
}

Result<std::unique_ptr<ScanSession>> open_folder(const std::string& dir, const FolderOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail("no_device", {"Không có thư mục: " + dir, "No such folder: " + dir}, dir);
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || ::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    if (fd >= 0) ::close(fd);
    return fail("permission_denied", {"Không theo dõi được thư mục: " + dir, "Cannot watch the folder: " + dir}, dir);
  }
  DeviceInfo info;
  info.id = "folder:" + dir;
  info.driver = "folder";
  info.vendor = "kiemphieu";
  info.model = "folder import";
  info.capabilities = folder_capabilities();
  return std::make_unique<FolderSession>(std::move(info), dir, fd, options);
}

}  // namespace kp::scanner::internal
