#include "station/reading.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "printing/ballot_renderer.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/image_io.hpp"

namespace kp::station {

Result<Image> blank_ballot(const config::ContestLayout& layout, Side side, int dpi) { return printing::render_side(layout, side, dpi, 0); }

Result<recognition::Recognizer> recognizer_for(const tally::CongressDb& db) {
  const auto rounds = db.rounds();
  if (!rounds) return tl::unexpected(rounds.error());
  std::vector<config::ContestLayout> layouts;
  for (const auto& r : *rounds) {
    auto layout = config::compute_layout(db.election(), r.contest);
    if (!layout) return tl::unexpected(layout.error());
    layouts.push_back(std::move(*layout));
  }
  const recognition::BlankProvider blank = blank_ballot;
  return recognition::Recognizer::create(db.election(), std::move(layouts), blank);
}

namespace {

// The ordered parallel reading behind both entry points: `read(i)` gives the i-th side's bytes.
void recognise_each(const recognition::Recognizer& r, std::size_t n, const std::function<Result<SideBytes>(std::size_t)>& read,
                    const std::vector<std::string>& names, int threads, const EachSide& each, bool keep_pixels) {
  const std::size_t count =
      std::min<std::size_t>(n, threads > 0 ? static_cast<std::size_t>(threads) : std::max(1u, std::thread::hardware_concurrency()));
  // How far the readers may run ahead of `each`: enough that a thread never waits for a short
  // pause of the consumer (a commit's flush is a few sides' worth of recognition), few enough that
  // what waits stays small (file bytes and evidence; with keep_pixels also the decoded sides,
  // ~7 MB each at 200 dpi).
  const std::size_t window = count * kReadAhead;
  std::vector<std::optional<ReadSide>> done(n);
  std::mutex mutex;
  std::condition_variable ready, room;
  std::size_t next = 0, consumed = 0;
  bool stop = false;
  const auto work = [&] {
    for (;;) {
      std::size_t i = 0;
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return stop || next >= n || next < consumed + window; });
        if (stop || next >= n) return;
        i = next++;
      }
      ReadSide side{tl::unexpected(Error{}), {}, nullptr};
      auto bytes = read(i);
      if (bytes) {
        side.image = recognition::decode_image(**bytes, names[i]);
        side.bytes = std::move(*bytes);
      } else {
        side.image = tl::unexpected(bytes.error());
      }
      if (side.image) {
        side.evidence = r.recognize(side.image->view());
        if (!keep_pixels) *side.image = Image{};
      } else {
        side.evidence.reasons.push_back(side.image.error().code == "corrupt_image" ? Rejection::corrupt_image : Rejection::unreadable_file);
      }
      {
        std::lock_guard lock(mutex);
        done[i].emplace(std::move(side));
      }
      ready.notify_all();
    }
  };
  std::vector<std::jthread> pool;
  for (std::size_t t = 0; t < count; ++t) pool.emplace_back(work);
  // Should `each` throw (a broken invariant), the readers are told to stop before they are joined.
  struct StopReaders {
    std::mutex& mutex;
    bool& stop;
    std::condition_variable& room;
    ~StopReaders() {
      {
        std::lock_guard lock(mutex);
        stop = true;
      }
      room.notify_all();
    }
  } stop_readers{mutex, stop, room};
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return done[i].has_value(); });
    ReadSide side = std::move(*done[i]);
    done[i].reset();
    consumed = i + 1;
    lock.unlock();
    room.notify_all();
    each(i, side);
  }
}

}  // namespace

void recognise_in_order(const recognition::Recognizer& r, const std::vector<std::string>& files, int threads, const EachSide& each, bool keep_pixels) {
  const auto read = [&](std::size_t i) -> Result<SideBytes> {
    auto bytes = recognition::read_scan_file(files[i]);
    if (!bytes) return tl::unexpected(bytes.error());
    return std::make_shared<const std::vector<unsigned char>>(std::move(*bytes));
  };
  recognise_each(r, files.size(), read, files, threads, each, keep_pixels);
}

void recognise_in_order(const recognition::Recognizer& r, const std::vector<SideBytes>& images, const std::vector<std::string>& names, int threads,
                        const EachSide& each) {
  const auto read = [&](std::size_t i) -> Result<SideBytes> {
    if (!images[i] || images[i]->empty()) return tl::unexpected(Error{"file_unreadable", {"ảnh rỗng", "the image is empty"}, names[i]});
    return images[i];
  };
  recognise_each(r, images.size(), read, names, threads, each, false);
}

tally::SheetInput sheet_input(const std::string& image_name, const std::string& image_path, const SideEvidence& e, const Thresholds& t,
                              std::optional<std::int64_t> batch) {
  tally::SheetInput in;
  in.image_name = image_name;
  in.image_path = image_path;
  in.recognition = recognition::recognition_json_line(image_name, e, t);
  in.recognised = e.ok();
  in.contest_id = e.contest_id;
  in.side = e.side;
  in.serial = e.serial;
  in.layout_hash = e.layout_hash;
  in.batch_id = batch;
  for (const auto& target : e.targets) in.marks[target.candidate_id] = decide(target, t).state;
  for (const auto f : sheet_flags(e, t)) in.findings.insert(f);
  return in;
}

}  // namespace kp::station
