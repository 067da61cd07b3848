// The station's one path into the count, measured beside recognition alone in the same run:
// what pairing, the sheet rules, admission and the durable store add end to end, and how soon
// a two-sided ballot is counted after its second side leaves the scanner.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "station/pipeline.hpp"
#include "station/reading.hpp"
#include "tally/congress_db.hpp"

namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// `files`: a deck's sides. Recognition alone reads and recognises them on two threads in input
// order (as `recognize` does); the pipeline does the same and stores every paper in a fresh
// congress database, up to 32 papers per durable commit (as `ingest` does). Best of three each,
// same run.
void station_pipeline_overhead(const std::vector<std::string>& files) {
  const fs::path dir = fs::temp_directory_path() / ("kp-bench-station-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string toml = kp::read_file_bytes(std::string(KP_SOURCE_DIR) + "/sample_ballots/example-congress.toml");
  double alone = 1e9, pipeline = 1e9;
  for (int run = 0; run < 3; ++run) {
    const std::string db_path = (dir / ("dh-" + std::to_string(run) + ".db")).string();
    auto db = kp::tally::CongressDb::create(db_path, toml, "example-congress.toml");
    if (!db) {
      std::cerr << "station benchmark: " << db.error().message.en << "\n";
      return;
    }
    auto recognizer = kp::station::recognizer_for(*db);
    if (!recognizer) return;
    auto start = std::chrono::steady_clock::now();
    kp::station::recognise_in_order(*recognizer, files, 2, [](std::size_t, kp::station::ReadSide& side) {
      benchmark::DoNotOptimize(side.evidence.targets.size());
    });
    alone = std::min(alone, seconds_since(start));
    auto papers = kp::station::papers_of(files);
    std::vector<std::string> ordered;
    for (const auto& p : papers) {
      ordered.push_back(p.first.path);
      if (p.second) ordered.push_back(p.second->path);
    }
    kp::station::SheetPipeline line(*db, *recognizer);
    std::size_t at = 0;
    std::vector<kp::SideEvidence> evidence;
    std::vector<kp::station::Paper> group;
    std::vector<std::vector<kp::SideEvidence>> group_evidence;
    const auto flush = [&] {
      if (!group.empty() && !line.store_all(group, group_evidence, std::nullopt)) std::cerr << "station benchmark: papers were not stored\n";
      group.clear();
      group_evidence.clear();
    };
    start = std::chrono::steady_clock::now();
    // As `ingest` does: up to 32 papers per durable commit.
    kp::station::recognise_in_order(*recognizer, ordered, 2, [&](std::size_t, kp::station::ReadSide& side) {
      evidence.push_back(std::move(side.evidence));
      kp::station::Paper& paper = papers[at];
      (evidence.size() == 1 ? paper.first : *paper.second).bytes = std::move(side.bytes);
      if (evidence.size() < (paper.second ? 2u : 1u)) return;
      group.push_back(std::move(paper));
      group_evidence.push_back(std::move(evidence));
      evidence.clear();
      ++at;
      if (group.size() == 32) flush();
    });
    flush();
    pipeline = std::min(pipeline, seconds_since(start));
  }
  std::cout << "\nthe one path into the count, " << files.size() << " sides on 2 threads, best of 3: recognition alone " << alone * 1000 << " ms ("
            << static_cast<double>(files.size()) / alone << " sides/s); recognition, sheet rules, admission and the durable store "
            << pipeline * 1000 << " ms (" << static_cast<double>(files.size()) / pipeline << " sides/s): the pipeline adds "
            << (pipeline / alone - 1) * 100 << "% (goal ≤ 10%)\n";
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// `kiemphieu scan` (its own process) feeds a generated two-sided deck from the simulated scanner
// at `images_per_minute`; each paper's line says how long after its second side left the scanner
// the ballot was stored and counted.
void two_sided_latency(double images_per_minute, int sheets) {
  const fs::path dir = fs::temp_directory_path() / ("kp-bench-two-sided-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string cli = KP_CLI_PATH;
  const std::string toml = std::string(KP_SOURCE_DIR) + "/tests/data/two-sided-congress.toml";
  const std::string db = (dir / "dh.db").string();
  const std::string prepare = "'" + cli + "' synth '" + toml + "' --out '" + (dir / "deck").string() + "' --sheets " + std::to_string(sheets) +
                              " --seed 5 >/dev/null 2>&1 && '" + cli + "' init '" + db + "' '" + toml + "' >/dev/null 2>&1";
  if (std::system(prepare.c_str()) != 0) {
    std::cerr << "two-sided benchmark: the deck or the database could not be made\n";
    return;
  }
  const std::string out = (dir / "scan.jsonl").string();
  const std::string scan = "'" + cli + "' scan '" + db + "' --source 'sim:" + (dir / "deck").string() + "' --speed " + std::to_string(images_per_minute) +
                           " > '" + out + "' 2>/dev/null";
  if (std::system(scan.c_str()) != 0) std::cerr << "two-sided benchmark: the scan failed\n";
  std::ifstream in(out);
  std::vector<double> delays;
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("paper")) delays.push_back(j.value("scan_to_stored_ms", 0.0));
  }
  std::sort(delays.begin(), delays.end());
  if (delays.empty()) {
    std::cerr << "two-sided benchmark: no paper was stored\n";
  } else {
    std::cout << "two-sided ballots (A4, 72 names, front and back) from the simulated scanner at " << images_per_minute << " images/min: "
              << delays.size() << " ballots; from the second side leaving the scanner to the ballot counted: median "
              << delays[delays.size() / 2] << " ms, 90th percentile " << delays[delays.size() * 9 / 10] << " ms, longest " << delays.back()
              << " ms (goal ≤ 150 ms); the five longest:";
    for (std::size_t i = delays.size() > 5 ? delays.size() - 5 : 0; i < delays.size(); ++i) std::cout << ' ' << delays[i];
    std::cout << "\n";
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
