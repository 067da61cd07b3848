#pragma once
// Scoring recognition against a deck's ground truth, in the manner of zxing-cpp's blackbox
// tests: every side is counted, every miss is named, and budgets are checked by the caller.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "sample_ballots/deck_generator.hpp"

namespace kp::synth {

Result<std::vector<SideTruth>> read_truth(const std::string& truth_path);

struct DeckScore {
  int sides = 0;
  int rejected = 0;               // sides recognition refused (a deck has none that should be)
  int clear_marks = 0;            // targets whose intent is not ambiguous
  int wrong = 0;                  // decided automatically, and wrongly (budget 0)
  int clear_unclear = 0;          // clear intent sent to the committee (budget 1%)
  int ambiguous_marks = 0;
  int ambiguous_decided = 0;      // ambiguous intent decided automatically (budget 0)
  int flags_expected = 0;
  int flags_missed = 0;           // a sheet flag the truth has and recognition did not raise
  int flags_extra = 0;            // raised but not in the truth (sends a sheet to the committee)
  std::vector<std::string> problems;  // one line per miss, for the report

  [[nodiscard]] double clear_unclear_share() const { return clear_marks ? static_cast<double>(clear_unclear) / clear_marks : 0; }
  void add(const DeckScore& other);
};

void score_side(const SideTruth& truth, const SideEvidence& evidence, const Thresholds& thresholds, DeckScore& score);

std::string format_score(const DeckScore& score, std::size_t max_problems = 20);

}  // namespace kp::synth
