// Recognition speed beside image decoding, end-to-end throughput from files, peak memory over
// many images, and accuracy on a large generated deck. Figures are printed, never asserted.
//
//   kp_bench                                   full run: 2,000-sheet deck, 10,000 images for memory
//   kp_bench --kp_deck_sheets=200 --kp_memory_images=1000
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "config/load.hpp"
#include "printing/ballot_renderer.hpp"
#include "printing/render_session.hpp"
#include "recognition/image_io.hpp"
#include "recognition/recognizer.hpp"
#include "sample_ballots/deck_scoring.hpp"

namespace {

namespace fs = std::filesystem;
using kp::recognition::Recognizer;

struct Fixture {
  kp::config::ElectionPtr election;
  std::vector<kp::config::ContestLayout> layouts;
  std::unique_ptr<Recognizer> recognizer;
  kp::Image decoded;                 // an A4 side at 200 dpi, colour, marked: luma and chroma, as decode_image gives a JPEG
  kp::Image decoded_bgr;             // the same side decoded to BGR (how a colour PNG arrives)
  std::vector<unsigned char> jpeg;   // the same side as a scanner writes it
  std::vector<unsigned char> png;
  fs::path files;                    // a folder of JPEG sides for the end-to-end run
  std::vector<std::string> file_list;       // every side of the deck: JPEG and PNG, colour and gray, 150–300 dpi
  std::vector<std::string> jpeg_file_list;  // its JPEG sides (the goal is stated for JPEG)
};

Fixture* g_fixture = nullptr;

kp::Result<kp::Image> blank(const kp::config::ContestLayout& layout, kp::Side side, int dpi) {
  return kp::printing::render_side(layout, side, dpi, 0);
}

void build_fixture(Fixture& f, int deck_sheets_for_files) {
  auto loaded = kp::config::load_election_file(std::string(KP_SOURCE_DIR) + "/sample_ballots/example-congress.toml");
  if (!loaded) throw std::runtime_error("example congress does not load");
  f.election = loaded->election;
  for (const auto& c : f.election->contests) f.layouts.push_back(*kp::config::compute_layout(*f.election, c));
  auto r = Recognizer::create(*f.election, f.layouts, blank);
  if (!r) throw std::runtime_error(r.error().message.en);
  f.recognizer = std::make_unique<Recognizer>(std::move(*r));
  // The A4 side: the committee ballot at 200 dpi with two names struck, on a scanner bed.
  const auto page = kp::printing::render_side(f.layouts[0], kp::Side::front, 200, 12345678);
  cv::Mat gray(page->height(), page->width(), CV_8UC1, const_cast<std::uint8_t*>(page->data()));
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  for (int i : {1, 4}) {
    const auto& row = f.layouts[0].sides[0].rows[static_cast<std::size_t>(i)];
    const int y = static_cast<int>(kp::mm_to_px(row.name_cell.center().y, 200));
    cv::line(bgr, {static_cast<int>(kp::mm_to_px(row.name_cell.x + 1, 200)), y}, {static_cast<int>(kp::mm_to_px(row.name_cell.x + 60, 200)), y},
             cv::Scalar(160, 50, 30), 4, cv::LINE_AA);
  }
  cv::copyMakeBorder(bgr, bgr, 60, 60, 60, 60, cv::BORDER_CONSTANT, cv::Scalar(70, 70, 70));
  cv::imencode(".jpg", bgr, f.jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
  cv::imencode(".png", bgr, f.png);
  f.decoded = *kp::recognition::decode_image(f.jpeg, "bench.jpg");
  const cv::Mat bgr_decoded = cv::imdecode(f.jpeg, cv::IMREAD_COLOR);
  f.decoded_bgr = kp::Image(bgr_decoded.cols, bgr_decoded.rows, kp::PixelFormat::bgr8);
  for (int y = 0; y < bgr_decoded.rows; ++y) std::memcpy(f.decoded_bgr.row(y), bgr_decoded.ptr(y), static_cast<std::size_t>(f.decoded_bgr.row_stride()));
  // A small generated deck written as files, for the end-to-end and memory runs.
  f.files = fs::temp_directory_path() / ("kp-bench-files-" + std::to_string(::getpid()));
  kp::synth::DeckOptions options;
  options.sheets = deck_sheets_for_files;
  options.seed = 99;
  const auto summary = kp::synth::write_deck(*f.election, f.layouts, blank, options, f.files.string());
  if (!summary) throw std::runtime_error(summary.error().message.en);
  const auto truth = kp::synth::read_truth(summary->truth_path);
  if (!truth) throw std::runtime_error(truth.error().message.en);
  for (const auto& t : *truth) {
    f.file_list.push_back((f.files / t.image).string());
    if (t.format == "jpeg") f.jpeg_file_list.push_back((f.files / t.image).string());
  }
}

void BM_Recognize_A4_200dpi(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(g_fixture->recognizer->recognize(g_fixture->decoded.view()));
  state.SetItemsProcessed(state.iterations());
}

// The same side given as BGR: recognition then converts colour itself.
void BM_Recognize_A4_200dpi_Bgr(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(g_fixture->recognizer->recognize(g_fixture->decoded_bgr.view()));
  state.SetItemsProcessed(state.iterations());
}

// OpenCV's full colour decode of the same JPEG, for comparison with decode_image's planes.
void BM_DecodeJpeg_A4_200dpi_OpenCvBgr(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cv::imdecode(g_fixture->jpeg, cv::IMREAD_COLOR));
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeJpeg_A4_200dpi(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kp::recognition::decode_image(g_fixture->jpeg, "x.jpg"));
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodePng_A4_200dpi(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kp::recognition::decode_image(g_fixture->png, "x.png"));
  state.SetItemsProcessed(state.iterations());
}

// Read, decode and recognise files on all cores, as `kiemphieu recognize` does: the deck's JPEG
// sides (second argument 0) or all its sides, PNG included (1).
void BM_EndToEnd_FromJpegFiles(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  const auto& files = state.range(1) == 0 ? g_fixture->jpeg_file_list : g_fixture->file_list;
  for (auto _ : state) {
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> pool;
    for (std::size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&] {
        for (std::size_t i = next++; i < files.size(); i = next++) {
          auto image = kp::recognition::read_image_file(files[i]);
          if (image) benchmark::DoNotOptimize(g_fixture->recognizer->recognize(image->view()));
        }
      });
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * files.size()));
  state.counters["sides_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * files.size()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Recognize_A4_200dpi)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_Recognize_A4_200dpi_Bgr)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_DecodeJpeg_A4_200dpi)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_DecodeJpeg_A4_200dpi_OpenCvBgr)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_DecodePng_A4_200dpi)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_EndToEnd_FromJpegFiles)->ArgNames({"threads", "with_png"})->Args({1, 0})->Args({2, 0})->Args({2, 1})->Unit(benchmark::kMillisecond)->UseRealTime();

// Keeps the medians so the ratios of the same run can be printed after the table.
class MedianCollector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> median_ms;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.aggregate_name == "median") median_ms[run.run_name.function_name] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // ru_maxrss is in KiB on Linux
}

int flag_value(int& argc, char** argv, const std::string& name, int fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(prefix, 0) == 0) {
      const int value = std::stoi(std::string(argv[i]).substr(prefix.size()));
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      return value;
    }
  }
  return fallback;
}

}  // namespace

// The child of the memory run: only what `kiemphieu recognize` holds, over many images.
int memory_child(const std::string& folder, int images) {
  const kp::printing::RenderSession session;
  auto loaded = kp::config::load_election_file(std::string(KP_SOURCE_DIR) + "/sample_ballots/example-congress.toml");
  std::vector<kp::config::ContestLayout> layouts;
  for (const auto& c : loaded->election->contests) layouts.push_back(*kp::config::compute_layout(*loaded->election, c));
  auto recognizer = Recognizer::create(*loaded->election, layouts, blank);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  const long before = peak_rss_mb();
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int> next{0};
  {
    std::vector<std::jthread> pool;
    for (int t = 0; t < 2; ++t) {
      pool.emplace_back([&] {
        for (int i = next++; i < images; i = next++) {
          auto image = kp::recognition::read_image_file(files[static_cast<std::size_t>(i) % files.size()]);
          if (image) benchmark::DoNotOptimize(recognizer->recognize(image->view()));
        }
      });
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "memory: " << images << " images read and recognised on 2 threads in " << seconds << " s (" << images / seconds
            << " sides/s); peak resident " << peak_rss_mb() << " MB, of which " << before
            << " MB before the first image (goal ≤ 300 MB)\n\n" << std::flush;
  return 0;
}

void register_audit_verify_benchmark(int sheets);  // tally_bench.cpp
void station_pipeline_overhead(const std::vector<std::string>& files);  // station_bench.cpp
void two_sided_latency(double images_per_minute, int sheets);            // station_bench.cpp

// The scanner layer keeping up with a scanner: `kiemphieu scan` (the program itself, in its own
// process) feeds the committed deck from the simulated scanner at `images_per_minute` into a
// fresh congress database; prints the rate achieved and the longest delay from a sheet leaving
// the scanner to its being stored and counted.
void scanner_end_to_end(double images_per_minute) {
  const fs::path dir = fs::temp_directory_path() / ("kp-bench-scan-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "dh.db").string();
  const std::string cli = KP_CLI_PATH;
  const std::string init = "'" + cli + "' init '" + db + "' '" + KP_SOURCE_DIR + "/sample_ballots/example-congress.toml' >/dev/null 2>&1";
  if (std::system(init.c_str()) != 0) {
    std::cerr << "scan benchmark: init failed\n";
    return;
  }
  const std::string out = (dir / "scan.jsonl").string();
  const std::string scan = "'" + cli + "' scan '" + db + "' --source 'sim:" + KP_SOURCE_DIR + "/sample_ballots/deck' --speed " +
                           std::to_string(images_per_minute) + " > '" + out + "' 2>/dev/null";
  const auto start = std::chrono::steady_clock::now();
  const int rc = std::system(scan.c_str());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ifstream in(out);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  const auto summary = nlohmann::json::parse(last, nullptr, false);
  if (rc != 0 || !summary.is_object()) {
    std::cerr << "scan benchmark: the scan failed\n";
  } else {
    const double sheets = summary.value("sheets", 0.0);
    std::cout << "\nscan end to end (simulated scanner at " << (images_per_minute >= 1e5 ? std::string("full speed") : std::to_string(static_cast<int>(images_per_minute)) + " images/min")
              << ", " << sheets << " one-sided sheets, recognised and stored in the congress database): " << sheets / seconds * 60
              << " sheets/min including start-up; longest delay from scan to counted " << summary.value("longest_scan_to_stored_ms", 0.0)
              << " ms (goal: keep up with 300 images/min)\n";
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

int main(int argc, char** argv) {
  const int deck_sheets = flag_value(argc, argv, "kp_deck_sheets", 2000);
  register_audit_verify_benchmark(flag_value(argc, argv, "kp_verify_sheets", 10000));
  const double scan_speed = flag_value(argc, argv, "kp_scan_speed", 300);
  const int memory_images = flag_value(argc, argv, "kp_memory_images", 10000);
  const int two_sided_sheets = flag_value(argc, argv, "kp_two_sided_sheets", 40);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--kp_memory_child=", 0) == 0) return memory_child(arg.substr(18), memory_images);
    // The station's figures alone, on a deck already written by `kiemphieu synth` (its JPEG
    // sides): the quick loop while working on the pipeline.
    if (arg.rfind("--kp_station_deck=", 0) == 0) {
      const kp::printing::RenderSession session;
      std::vector<std::string> jpegs;
      for (const auto& entry : fs::directory_iterator(arg.substr(18))) {
        if (entry.path().extension() == ".jpg") jpegs.push_back(entry.path().string());
      }
      std::sort(jpegs.begin(), jpegs.end());
      station_pipeline_overhead(jpegs);
      two_sided_latency(scan_speed, two_sided_sheets);
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  const kp::printing::RenderSession session;
  Fixture fixture;
  build_fixture(fixture, 24);
  g_fixture = &fixture;

  // Memory: a fresh process of this program recognises the files and reports its own peak, so
  // the figure is recognition's and not the deck generator's.
  {
    const std::string command = "'" + std::string(argv[0]) + "' --kp_memory_child='" + fixture.files.string() + "' --kp_memory_images=" +
                                std::to_string(memory_images);
    if (std::system(command.c_str()) != 0) std::cerr << "the memory run failed\n";
  }

  MedianCollector reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto& m = reporter.median_ms;
  if (m.count("BM_Recognize_A4_200dpi") && m.count("BM_DecodeJpeg_A4_200dpi") && m.count("BM_DecodePng_A4_200dpi")) {
    const double rec = m.at("BM_Recognize_A4_200dpi");
    std::cout << "\nrecognition median " << rec << " ms (goal ≤ 5 ms on one core); JPEG decode " << m.at("BM_DecodeJpeg_A4_200dpi")
              << " ms (to luma and chroma, as the program reads it), PNG decode " << m.at("BM_DecodePng_A4_200dpi") << " ms of the same side\n"
              << "recognition / JPEG decode = " << rec / m.at("BM_DecodeJpeg_A4_200dpi")
              << " (goal < 1); recognition / PNG decode = " << rec / m.at("BM_DecodePng_A4_200dpi") << "\n";
    if (m.count("BM_DecodeJpeg_A4_200dpi_OpenCvBgr") && m.count("BM_Recognize_A4_200dpi_Bgr")) {
      std::cout << "against a full colour decode (OpenCV, BGR) " << m.at("BM_DecodeJpeg_A4_200dpi_OpenCvBgr") << " ms: recognition / decode = "
                << rec / m.at("BM_DecodeJpeg_A4_200dpi_OpenCvBgr") << "; luma+chroma decode is " << m.at("BM_DecodeJpeg_A4_200dpi_OpenCvBgr") / m.at("BM_DecodeJpeg_A4_200dpi")
                << "× faster; recognition from BGR " << m.at("BM_Recognize_A4_200dpi_Bgr") << " ms\n";
    }
  }

  // Accuracy on a large generated deck: the committed-deck test's budgets, reported.
  const fs::path deck = fs::temp_directory_path() / ("kp-bench-deck-" + std::to_string(::getpid()));
  kp::synth::DeckOptions options;
  options.sheets = deck_sheets;
  options.seed = 20251;
  const auto start = std::chrono::steady_clock::now();
  const auto summary = kp::synth::write_deck(*fixture.election, fixture.layouts, blank, options, deck.string());
  if (!summary) {
    std::cerr << summary.error().message.en << "\n";
    return 1;
  }
  const auto truth = kp::synth::read_truth(summary->truth_path);
  if (!truth) {
    std::cerr << truth.error().message.en << "\n";
    return 1;
  }
  std::vector<kp::synth::DeckScore> partial(2);
  std::atomic<std::size_t> next{0};
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 0; t < 2; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = next++; i < truth->size(); i = next++) {
          const auto& side = (*truth)[i];
          const auto image = kp::recognition::read_image_file((deck / side.image).string());
          kp::SideEvidence e;
          if (image) e = fixture.recognizer->recognize(image->view());
          else e.reasons.push_back(kp::Rejection::corrupt_image);
          kp::synth::score_side(side, e, fixture.election->thresholds, partial[t]);
        }
      });
    }
  }
  kp::synth::DeckScore score;
  for (const auto& p : partial) score.add(p);
  std::cout << "\naccuracy on a generated deck of " << summary->sheets << " sheets (" << summary->images << " sides, seed "
            << options.seed << "), generated and read in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s:\n"
            << kp::synth::format_score(score);
  // The station's path beside recognition alone, on up to 400 of the deck's JPEG sides.
  std::vector<std::string> deck_jpegs;
  for (const auto& side : *truth) {
    if (side.format == "jpeg" && deck_jpegs.size() < 400) deck_jpegs.push_back((deck / side.image).string());
  }
  station_pipeline_overhead(deck_jpegs);
  std::error_code ec;
  fs::remove_all(deck, ec);
  fs::remove_all(fixture.files, ec);
  scanner_end_to_end(scan_speed);
  scanner_end_to_end(1e6);  // unthrottled: how far above the scanner the pipeline can go
  two_sided_latency(scan_speed, two_sided_sheets);
  return 0;
}
