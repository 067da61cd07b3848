#pragma once
// A synthetic ballot deck: blank ballots marked as voters mark them, then degraded as scanners
// and paper degrade them, each image with its ground truth. Seeded: the same options give the
// same deck, byte for byte.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/image.hpp"
#include "config/election.hpp"
#include "config/layout.hpp"

namespace kp::synth {

// Supplies the blank template of one side at `dpi` (gray, serial 0). The command line wires it
// to the PDF/PNG renderer; this module never links a font engine.
using BlankProvider = std::function<Result<Image>(const config::ContestLayout& layout, Side side, int dpi)>;

struct DeckOptions {
  int sheets = 40;
  std::uint64_t seed = 1;
  // Marks are drawn at 300 dpi, the finest resolution a deck is scanned at, then resampled.
  int master_dpi = 300;
  // Share of sheets carrying one of the hard cases (ambiguous marks, ink outside the targets).
  double hard_case_share = 0.3;
};

// What the voter meant for one target, as the ground truth states it.
struct TargetTruth {
  std::string candidate_id;
  std::string intended;  // a contract state, or "ambiguous" for the hard cases
  std::string mark;      // how it was drawn: "none", "straight", "wavy", …, "family_only", …
  std::string ink;       // "blue", "black", "red", "pencil", or "" when nothing was drawn
};

struct SideTruth {
  std::string image;  // file name inside the deck folder
  int sheet = 0;
  std::string contest_id;
  Side side = Side::front;
  std::uint32_t serial = 0;
  int dpi = 0;
  double rotation_deg = 0;
  bool upside_down = false;
  bool colour = true;
  std::string format;  // "jpeg" or "png"
  int jpeg_quality = 0;
  bool stamped = true;  // whether the sheet carries the red stamp (a gray scan cannot show it)
  std::vector<TargetTruth> targets;
  std::vector<std::string> flags;  // sheet flags the committee should be shown
};

struct DeckSummary {
  int sheets = 0;
  int images = 0;
  std::string truth_path;
};

// Writes DIR/NNNN-<side>.{jpg,png} and DIR/truth.jsonl (one SideTruth per line).
Result<DeckSummary> write_deck(const config::Election& election, const std::vector<config::ContestLayout>& layouts,
                               const BlankProvider& blank, const DeckOptions& options, const std::string& out_dir);

std::string truth_json_line(const SideTruth& truth);

}  // namespace kp::synth
