#include "common/evidence.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace kp {
namespace {

constexpr std::array<std::pair<Rejection, std::string_view>, 9> kRejections{{
    {Rejection::unreadable_file, "unreadable_file"},
    {Rejection::corrupt_image, "corrupt_image"},
    {Rejection::blank_side, "blank_side"},
    {Rejection::not_a_ballot, "not_a_ballot"},
    {Rejection::unreadable_code, "unreadable_code"},
    {Rejection::unknown_election, "unknown_election"},
    {Rejection::layout_mismatch, "layout_mismatch"},
    {Rejection::too_skewed, "too_skewed"},
    {Rejection::wrong_scale, "wrong_scale"},
}};

enum class BoxReading { empty, marked, unclear };

BoxReading read_box(const BoxEvidence& e, const Thresholds& t) {
  // 6 mm² is 12 mm of a 0.5 mm ballpoint stroke: about one small check mark.
  constexpr double kFullMarkMm2 = 6.0;
  const double score = std::min(1.0, e.ink_mm2 / kFullMarkMm2);
  if (score < t.box_empty_below) return BoxReading::empty;
  if (e.border_mm2 > t.box_max_border_mm2 || e.fill > t.box_max_fill || e.crossings > t.box_max_crossings) {
    return BoxReading::unclear;
  }
  if (score >= t.box_marked_at) return BoxReading::marked;
  return BoxReading::unclear;
}

double box_score(const BoxEvidence& e) { return std::min(1.0, e.ink_mm2 / 6.0); }

}  // namespace

std::string_view to_string(Rejection reason) {
  for (const auto& [r, name] : kRejections) {
    if (r == reason) return name;
  }
  return "?";
}

std::optional<Rejection> parse_rejection(std::string_view text) {
  for (const auto& [r, name] : kRejections) {
    if (name == text) return r;
  }
  return std::nullopt;
}

double strike_score(const StrikeEvidence& e) {
  // Half the score is how much ink there is (saturating at a third of a full strike, so a thin
  // faint pencil line counts fully), half is how much it looks like one stroke through the whole name: the
  // share of the name crossed, times how well the line passes through the text (full credit
  // within half a text height of its middle, none beyond 1.2), times the share of ink on the line.
  const double ink_part = std::min(1.0, e.ink / 0.35);
  const double band_fit = std::clamp(1.0 - (e.band_offset - 0.5) / 0.7, 0.0, 1.0);
  const double on_line = std::clamp(1.0 - e.off_line, 0.0, 1.0);
  const double stroke_part = std::clamp(e.coverage, 0.0, 1.0) * band_fit * on_line * on_line;
  return 0.5 * ink_part + 0.5 * stroke_part;
}

MarkDecision decide(const TargetEvidence& e, const Thresholds& t) {
  if (e.form == BallotForm::strike) {
    const double s = strike_score(e.strike);
    if (s >= t.struck_at) return {MarkState::struck, s};
    if (s < t.kept_below) return {MarkState::kept, s};
    return {MarkState::unclear, s};
  }
  const BoxReading agree = read_box(e.agree, t);
  const BoxReading disagree = read_box(e.disagree, t);
  const double a = box_score(e.agree);
  const double d = box_score(e.disagree);
  if (agree == BoxReading::unclear || disagree == BoxReading::unclear) return {MarkState::unclear, std::max(a, d)};
  if (agree == BoxReading::marked && disagree == BoxReading::marked) return {MarkState::both, std::min(a, d)};
  if (agree == BoxReading::marked) return {MarkState::agree, a};
  if (disagree == BoxReading::marked) return {MarkState::disagree, d};
  return {MarkState::none, std::max(a, d)};
}

std::vector<SheetFlag> sheet_flags(const SideEvidence& e, const Thresholds& t) {
  std::vector<SheetFlag> flags;
  if (!e.ok()) return flags;
  if (e.side == Side::front) {
    if (!e.colour) {
      flags.push_back(SheetFlag::stamp_not_checked);
    } else if (e.stamp_red_share < t.stamp_min_red_share) {
      flags.push_back(SheetFlag::no_stamp);
    }
  }
  if (e.write_in_mm2 >= t.outside_ink_min_mm2) flags.push_back(SheetFlag::write_in);
  if (e.other_ink_mm2 >= t.outside_ink_min_mm2) flags.push_back(SheetFlag::identifying_mark);
  if (e.streak_share >= t.streak_min_share) flags.push_back(SheetFlag::scanner_streak);
  return flags;
}

}  // namespace kp
