#pragma once
// What recognition measures on a scanned side, and the pure rules that turn those measurements
// into the contract's mark states. Recognition stores evidence; a changed threshold or an
// auditor's replay re-decides from it without rescanning.
#include <optional>
#include <string>
#include <vector>

#include "common/geometry.hpp"
#include "common/marks.hpp"

namespace kp {

// Why a side was not read. Each is reported by name; none of them loses or counts a ballot.
enum class Rejection {
  unreadable_file,   // the file cannot be opened
  corrupt_image,     // the file cannot be decoded as an image
  blank_side,        // an empty page (the back of a one-sided ballot in a duplex scan)
  not_a_ballot,      // no registration marks, or a code that is not a kiemphieu ballot code
  unreadable_code,   // marks found, but the QR code cannot be read
  unknown_election,  // a ballot of another election, or of a contest this election does not have
  layout_mismatch,   // this election's ballot, but printed from a different layout
  too_skewed,        // rotated more than recognition is proven to handle
  wrong_scale,       // the page was scaled when printed or scanned ("fit to page")
};

std::string_view to_string(Rejection reason);
std::optional<Rejection> parse_rejection(std::string_view text);

// A strike ballot's name: how much new ink there is and how well it forms one stroke through
// the whole name.
struct StrikeEvidence {
  double ink = 0;          // new ink as a share of one 0.5 mm stroke along the name (1 ≈ one full strike)
  double coverage = 0;     // share of the name's width crossed by ink along the fitted line
  double band_offset = 0;  // distance of the line from the middle of the text, in text heights
  double off_line = 0;     // share of the ink farther than 1.2 mm from the fitted line
  double angle_deg = 0;    // the fitted line's angle
};

// One box of a box ballot.
struct BoxEvidence {
  double ink_mm2 = 0;     // new ink inside the box, away from its ruling
  double fill = 0;        // that ink as a share of the box's inner area
  double border_mm2 = 0;  // new ink within 1 mm of the box's ruling: a mark crossing into a neighbour
  int crossings = 0;      // most separate strokes met along one horizontal line: an X or check 1–2, a scribble many
};

struct TargetEvidence {
  std::string candidate_id;
  BallotForm form = BallotForm::strike;
  StrikeEvidence strike;
  BoxEvidence agree;
  BoxEvidence disagree;
};

struct SideEvidence {
  std::string election_id;
  std::string contest_id;
  Side side = Side::front;
  std::string layout_hash;
  std::uint32_t serial = 0;
  std::vector<Rejection> reasons;  // empty when the side was read
  std::vector<TargetEvidence> targets;
  // Sheet level.
  bool colour = false;              // a colour scan: the stamp can be checked
  double stamp_red_share = 0;       // share of the stamp area covered by red ink
  double write_in_mm2 = 0;          // ink below the list, where a name would be written in
  double other_ink_mm2 = 0;         // ink elsewhere outside every target and printed element
  double streak_share = 0;          // longest vertical dark run outside print, as a share of the page height
  // Geometry, for the committee and the auditor.
  double rotation_deg = 0;
  double px_per_mm = 0;
  int orientation_deg = 0;          // 0, 90, 180 or 270: how far the page was turned clockwise in the scanner
  // The registration marks' centres in image pixels (x, y), in page order: top-left, top-right,
  // bottom-right, bottom-left. With the layout they give every target's place in the image.
  std::vector<PointMm> marks_px;

  [[nodiscard]] bool ok() const { return reasons.empty(); }
};

// The two thresholds of each decision (definite and marginal); between them the answer is
// "unclear" and the committee looks. Defaults were chosen on the synthetic decks (the committed
// one and generated ones of 2,000 sides): see docs/recognition.md.
struct Thresholds {
  // Strike ballots: a score of 0–1 combining ink and stroke quality (see strike_score).
  double struck_at = 0.82;     // at or above: struck
  double kept_below = 0.08;    // below: kept (no more ink than a speck)
  // Box ballots, per box: ink relative to a small check mark (6 mm² = 12 mm of a 0.5 mm pen).
  double box_marked_at = 0.4;  // at or above: the box is marked (2.4 mm², 8 mm of a 0.3 mm pencil)
  double box_empty_below = 0.08;  // below: the box is empty (0.5 mm²: a dot)
  double box_max_fill = 0.4;   // more ink than this share of the box: filled in, unclear
  int box_max_crossings = 4;        // more strokes across the box than an X has: scribbled over, unclear
  double box_max_border_mm2 = 0.25; // ink crossing the ruling: unclear
  // Sheet flags.
  double stamp_min_red_share = 0.03;  // less red than this in the stamp area: no_stamp
  double outside_ink_min_mm2 = 4.0;   // less ink than this outside targets is dust, not a mark
  double streak_min_share = 0.5;      // a dark vertical run over half the page: a dirty scanner
};

struct MarkDecision {
  MarkState state = MarkState::unclear;
  double score = 0;
};

double strike_score(const StrikeEvidence& e);
MarkDecision decide(const TargetEvidence& evidence, const Thresholds& thresholds);
std::vector<SheetFlag> sheet_flags(const SideEvidence& evidence, const Thresholds& thresholds);

}  // namespace kp
