// kiemphieu recognize: every image on all cores, one JSON line each, in input order.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/preparation.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/overlay.hpp"
#include "recognition/recognizer.hpp"
#include "station/reading.hpp"

namespace kp::cli {

int run_recognize(const RecognizeArgs& args, Lang lang) {
  const auto prepared = prepare(config::load_election_file(args.election_path), lang);
  if (!prepared) return 1;
  const recognition::BlankProvider blank = station::blank_ballot;
  auto recognizer = recognition::Recognizer::create(*prepared->election, prepared->layouts, blank);
  if (!recognizer) {
    print_error(recognizer.error(), lang);
    return 1;
  }
  if (!args.debug_dir.empty()) std::filesystem::create_directories(args.debug_dir);
  const Thresholds& thresholds = prepared->election->thresholds;
  // Lines leave in input order as soon as each is ready.
  const bool overlays = !args.debug_dir.empty();
  station::recognise_in_order(
      *recognizer, args.images, args.threads,
      [&](std::size_t i, station::ReadSide& side) {
    const Result<Image>& image = side.image;
    const SideEvidence& evidence = side.evidence;
    const std::string& path = args.images[i];
    if (!image) {
      print_error(image.error(), lang);
      std::cout << recognition::unreadable_json_line(path, evidence.reasons.front()) << '\n';
      return;
    }
    std::cout << recognition::recognition_json_line(path, evidence, thresholds) << '\n';
    if (args.debug_dir.empty()) return;
    const auto layout = std::find_if(prepared->layouts.begin(), prepared->layouts.end(), [&](const auto& l) { return l.contest_id == evidence.contest_id; });
    const auto out = std::filesystem::path(args.debug_dir) / (std::filesystem::path(path).stem().string() + "-overlay.png");
    if (auto r = recognition::write_overlay(out.string(), image->view(), evidence, layout == prepared->layouts.end() ? nullptr : &*layout, thresholds); !r) {
      print_error(r.error(), lang);
    }
      },
      overlays);
  std::cout.flush();
  return 0;
}

void add_recognize_command(CLI::App& app, CommandLine& line) {
  auto recognize = std::make_shared<RecognizeArgs>();
  auto* recognize_cmd = app.add_subcommand("recognize", "Đọc ảnh quét, in một dòng JSON mỗi ảnh / read scanned sides, one JSON line per image");
  recognize_cmd->add_option("election", recognize->election_path, "ELECTION.toml")->required();
  recognize_cmd->add_option("images", recognize->images, "IMAGE…")->required();
  recognize_cmd->add_option("--threads", recognize->threads, "worker threads (default: one per core)")->check(CLI::Range(1, 256));
  recognize_cmd->add_option("--debug-dir", recognize->debug_dir, "write an overlay PNG per image showing what was read");
  line.add(recognize_cmd, [recognize](Lang lang) { return run_recognize(*recognize, lang); });
}

}  // namespace kp::cli
