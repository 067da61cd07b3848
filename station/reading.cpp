#include "station/reading.hpp"

#include <algorithm>
#include <atomic>
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

void recognise_in_order(const recognition::Recognizer& r, const std::vector<std::string>& files, int threads, const EachSide& each) {
  const std::size_t n = files.size();
  std::vector<std::optional<std::pair<Result<Image>, SideEvidence>>> done(n);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      auto image = recognition::read_image_file(files[i]);
      SideEvidence e;
      if (image) {
        e = r.recognize(image->view());
      } else {
        e.reasons.push_back(image.error().code == "corrupt_image" ? Rejection::corrupt_image : Rejection::unreadable_file);
      }
      {
        std::lock_guard lock(mutex);
        done[i].emplace(std::move(image), std::move(e));
      }
      ready.notify_all();
    }
  };
  const std::size_t count =
      std::min<std::size_t>(n, threads > 0 ? static_cast<std::size_t>(threads) : std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::jthread> pool;
  for (std::size_t t = 0; t < count; ++t) pool.emplace_back(work);
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return done[i].has_value(); });
    auto item = std::move(*done[i]);
    done[i].reset();
    lock.unlock();
    each(i, item.first, item.second);
  }
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
