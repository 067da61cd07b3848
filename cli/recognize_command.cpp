// kiemphieu recognize: every image on all cores, one JSON line each, in input order.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/preparation.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/image_io.hpp"
#include "recognition/overlay.hpp"
#include "recognition/recognizer.hpp"

namespace kp::cli {

int run_recognize(const RecognizeArgs& args, Lang lang) {
  const auto prepared = prepare(config::load_election_file(args.election_path), lang);
  if (!prepared) return 1;
  const recognition::BlankProvider blank = blank_ballot;
  auto recognizer = recognition::Recognizer::create(*prepared->election, prepared->layouts, blank);
  if (!recognizer) {
    print_error(recognizer.error(), lang);
    return 1;
  }
  if (!args.debug_dir.empty()) std::filesystem::create_directories(args.debug_dir);
  const Thresholds& thresholds = prepared->election->thresholds;
  const std::size_t n = args.images.size();
  std::vector<std::optional<std::string>> lines(n);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      const std::string& path = args.images[i];
      std::string line;
      auto image = recognition::read_image_file(path);
      if (!image) {
        std::lock_guard lock(mutex);
        print_error(image.error(), lang);
        line = recognition::unreadable_json_line(path, image.error().code == "corrupt_image" ? Rejection::corrupt_image
                                                                                          : Rejection::unreadable_file);
      } else {
        const SideEvidence evidence = recognizer->recognize(image->view());
        line = recognition::recognition_json_line(path, evidence, thresholds);
        if (!args.debug_dir.empty()) {
          const auto layout = std::find_if(prepared->layouts.begin(), prepared->layouts.end(),
                                           [&](const auto& l) { return l.contest_id == evidence.contest_id; });
          const auto out = std::filesystem::path(args.debug_dir) / (std::filesystem::path(path).stem().string() + "-overlay.png");
          if (auto r = recognition::write_overlay(out.string(), image->view(), evidence,
                                                  layout == prepared->layouts.end() ? nullptr : &*layout, thresholds);
              !r) {
            std::lock_guard lock(mutex);
            print_error(r.error(), lang);
          }
        }
      }
      {
        std::lock_guard lock(mutex);
        lines[i] = std::move(line);
      }
      ready.notify_all();
    }
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min<std::size_t>(n, args.threads > 0 ? static_cast<std::size_t>(args.threads) : cores);
  std::vector<std::jthread> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  // Lines leave in input order as soon as each is ready.
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return lines[i].has_value(); });
    std::cout << *lines[i] << '\n';
    lines[i].reset();
  }
  std::cout.flush();
  return 0;
}

}  // namespace kp::cli
