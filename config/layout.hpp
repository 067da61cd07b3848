#pragma once
// Ballot geometry, computed once from the election definition; it drives both printing and
// recognition and is written as layout.json (cli-contract.md §3). Pure code and a pure function
// of the definition, so recognition (which has no font engine) derives exactly the geometry the
// printer used. Text widths come from a conservative per-character estimate; the renderer checks
// every text against the real font and refuses to print anything that would overflow.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/geometry.hpp"
#include "common/marks.hpp"
#include "config/election.hpp"

namespace kp::config {

// Upper bound of the width in millimetres of `text` in the ballot font (DejaVu Sans) at an em
// size of `em_mm`.
double estimated_text_width_mm(std::string_view utf8, double em_mm, bool bold);

enum class Align { left, center, right };

struct TextItem {
  RectMm box;
  std::string text;
  double em_mm = 3;
  bool bold = false;
  Align align = Align::center;
  bool framed = false;     // a table header cell draws its border
  bool underline = false;
};

struct RowLayout {
  int number = 0;  // STT, 1-based in printed order
  std::string candidate_id;
  std::string name;
  RectMm number_cell;
  RectMm name_cell;
  RectMm name_box;  // the target a voter strikes through (cell minus its ruling)
  double name_em_mm = 0;
  std::optional<RectMm> agree_cell;
  std::optional<RectMm> disagree_cell;
  std::optional<RectMm> agree_box;
  std::optional<RectMm> disagree_box;
};

struct SideLayout {
  Side side = Side::front;
  RectMm stamp_box;  // front only meaningful; zero-size on the back
  RectMm qr_box;
  std::array<RectMm, 4> registration_marks{};  // top-left, top-right, bottom-left, bottom-right
  std::vector<TextItem> texts;
  std::vector<RowLayout> rows;
};

struct ContestLayout {
  std::string election_id;
  std::string contest_id;
  BallotForm ballot = BallotForm::strike;
  double paper_width_mm = 0;
  double paper_height_mm = 0;
  int columns = 1;
  double row_height_mm = 0;
  std::vector<SideLayout> sides;
  std::string layout_hash;  // SHA-256 over the geometry and the names (hex)

  [[nodiscard]] const SideLayout* find_side(Side side) const;
  [[nodiscard]] std::string short_hash() const { return layout_hash.substr(0, 12); }
};

// Fails with code "does_not_fit" naming the contest and the first name that does not fit,
// or the number of names a sheet can hold.
Result<ContestLayout> compute_layout(const Election& election, const Contest& contest);

// layout.json for all contests, exactly as the contract spells it (with additive extra keys).
// `dpi` and the PNG names are those `kiemphieu ballots` writes.
std::string layout_json(const std::vector<ContestLayout>& layouts, int dpi);

// Reads back the contract's part of layout.json (used by recognition tools and tests).
Result<std::vector<ContestLayout>> parse_layout_json(std::string_view json);

std::string png_name(const std::string& contest_id, Side side);

}  // namespace kp::config
