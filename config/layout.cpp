#include "config/layout.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "common/digest.hpp"

namespace kp::config {
namespace {

// Page furniture, in millimetres.
constexpr double kMarkInset = 6;      // office printers leave 4–5 mm unprinted at the edges
constexpr double kMarkSize = 6;       // 35 px at 150 dpi: found reliably through blur and noise
constexpr double kContentMargin = 16; // clear of the registration marks by 4 mm
constexpr double kQrSizeSmall = 20;   // A5: 0.5 mm modules for a version-4/5 code, 3 px at 150 dpi
constexpr double kQrSizeLarge = 24;   // A4, A3
constexpr double kStampWidth = 36;    // a 30–34 mm round Party stamp fits with a margin
constexpr double kStampHeight = 24;
constexpr double kHeaderRowHeight = 8;
constexpr double kColumnGap = 6;
constexpr double kCellPadding = 2;    // text never closer than this to a ruling line
// The ruling is drawn 0.3 mm wide; targets stop 0.6 mm inside the cell so the printed line is
// never part of what recognition measures.
constexpr double kTargetInset = 0.6;
constexpr double kNumberWidthStrike = 12;
constexpr double kNumberWidthBox = 11;
constexpr double kBoxWidth = 22;      // "Không đồng ý" in bold at 2.4 mm em (18.7 mm) fits with padding
constexpr double kMaxStrikeTableWidth = 140;  // a wider name cell only lengthens the stroke
constexpr double kMaxBoxTableWidth = 160;
// The name's em size as a share of the row height: 9 mm rows give 4.05 mm (11.5 pt) type,
// the 6.5 mm minimum gives 2.9 mm (8.3 pt), still read comfortably on paper.
constexpr double kNameEmShare = 0.45;
// Row heights tried, largest first; 6.5 mm keeps every target at least 5 mm tall and still
// puts 200 names on both sides of an A3 sheet.
constexpr double kRowHeights[] = {9, 8, 7, 6.5};
constexpr double kMinTargetHeight = 5;

struct Option {
  int sides;
  int columns;
  double row_height;
};

std::vector<Option> options_in_preference_order() {
  std::vector<Option> out;
  for (int sides : {1, 2}) {
    for (double rh : kRowHeights) {
      out.push_back({sides, 1, rh});
      out.push_back({sides, 2, rh});
    }
  }
  // Within one side count, prefer one column at a row height before two columns at it, but a
  // larger row height in two columns before a smaller one in one column is not wanted: names
  // in one column read more easily, so one column wins down to 8 mm rows.
  std::stable_sort(out.begin(), out.end(), [](const Option& a, const Option& b) {
    if (a.sides != b.sides) return a.sides < b.sides;
    const auto rank = [](const Option& o) { return o.columns == 1 && o.row_height >= 8 ? 0 : 1; };
    return rank(a) < rank(b);
  });
  return out;
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

nlohmann::ordered_json box_json(const RectMm& r) {
  return nlohmann::ordered_json::array({round3(r.x), round3(r.y), round3(r.w), round3(r.h)});
}
nlohmann::ordered_json box_json(const std::optional<RectMm>& r) {
  return r ? box_json(*r) : nlohmann::ordered_json(nullptr);
}

std::optional<RectMm> box_from_json(const nlohmann::json& j) {
  if (!j.is_array() || j.size() != 4) return std::nullopt;
  for (const auto& v : j) {
    if (!v.is_number()) return std::nullopt;
  }
  return RectMm{j[0].get<double>(), j[1].get<double>(), j[2].get<double>(), j[3].get<double>()};
}

struct PageFrame {
  double width;
  double height;
  double qr_size;
  double front_table_top;
  double back_table_top;
  double table_bottom;
};

PageFrame frame_for(Paper paper) {
  const PaperSize size = paper_size(paper);
  PageFrame f{};
  f.width = size.width_mm;
  f.height = size.height_mm;
  f.qr_size = paper == Paper::A5 ? kQrSizeSmall : kQrSizeLarge;
  f.front_table_top = 70;
  f.back_table_top = kMarkInset + f.qr_size + 6;
  f.table_bottom = f.height - 17;  // leaves a 4.5 mm line for "(xem tiếp mặt sau)" above the marks
  return f;
}

std::array<RectMm, 4> registration_marks(const PageFrame& f) {
  const double right = f.width - kMarkInset - kMarkSize;
  const double bottom = f.height - kMarkInset - kMarkSize;
  return {RectMm{kMarkInset, kMarkInset, kMarkSize, kMarkSize}, RectMm{right, kMarkInset, kMarkSize, kMarkSize},
          RectMm{kMarkInset, bottom, kMarkSize, kMarkSize}, RectMm{right, bottom, kMarkSize, kMarkSize}};
}

// Picks the largest em size in `ems` at which `text` fits `width`; nullopt when none does.
std::optional<double> fitting_em(std::string_view text, double width, std::initializer_list<double> ems, bool bold) {
  for (double em : ems) {
    if (estimated_text_width_mm(text, em, bold) <= width) return em;
  }
  return std::nullopt;
}

std::string quote(std::string_view s) { return "“" + std::string(s) + "”"; }

struct TableGeometry {
  double x0;
  double column_width;
  double number_width;
  double name_width;
};

TableGeometry table_geometry(const PageFrame& f, BallotForm form, int columns) {
  const double available = f.width - 2 * kContentMargin;
  TableGeometry g{};
  g.number_width = form == BallotForm::strike ? kNumberWidthStrike : kNumberWidthBox;
  if (columns == 1) {
    g.column_width = std::min(available, form == BallotForm::strike ? kMaxStrikeTableWidth : kMaxBoxTableWidth);
  } else {
    g.column_width = (available - kColumnGap) / 2;
  }
  const double total = columns * g.column_width + (columns - 1) * kColumnGap;
  g.x0 = (f.width - total) / 2;
  g.name_width = g.column_width - g.number_width - (form == BallotForm::box ? 2 * kBoxWidth : 0);
  return g;
}

int rows_per_column(double top, double bottom, double row_height) {
  return std::max(0, static_cast<int>(std::floor((bottom - top - kHeaderRowHeight + 1e-9) / row_height)));
}

}  // namespace

double estimated_text_width_mm(std::string_view utf8, double em_mm, bool bold) {
  // Advance widths of DejaVu Sans, rounded up per class: lowercase ≤ 0.64 em except m and w,
  // capitals ≤ 0.78 em except M and W, digits 0.64 em, space 0.32 em. DejaVu Sans Bold runs up
  // to 20% wider (its lowercase averages 0.71 em, its space 0.35 em), hence the bold factor.
  double ems = 0;
  std::int32_t i = 0;
  const auto length = static_cast<std::int32_t>(utf8.size());
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(utf8.data(), i, length, c);
    if (c < 0) {
      ems += 1.0;
      continue;
    }
    if (u_getCombiningClass(c) != 0) continue;  // combining marks take no advance
    if (c == ' ') {
      ems += 0.32;
    } else if (c == 'm' || c == 'w') {
      ems += 0.98;
    } else if (c == 'M' || c == 'W') {
      ems += 1.0;
    } else if (u_isupper(c)) {
      ems += 0.78;
    } else if (u_isdigit(c)) {
      ems += 0.64;
    } else if (u_islower(c)) {
      ems += 0.64;
    } else {
      ems += 0.7;
    }
  }
  return ems * em_mm * (bold ? 1.2 : 1.0);
}

const SideLayout* ContestLayout::find_side(Side side) const {
  const auto it = std::find_if(sides.begin(), sides.end(), [&](const SideLayout& s) { return s.side == side; });
  return it == sides.end() ? nullptr : &*it;
}

std::string png_name(const std::string& contest_id, Side side) {
  return contest_id + "-" + std::string(to_string(side)) + ".png";
}

Result<ContestLayout> compute_layout(const Election& election, const Contest& contest) {
  const PageFrame f = frame_for(contest.paper);
  const int n = static_cast<int>(contest.candidates.size());
  const std::string paper = std::string(to_string(contest.paper));
  const double text_width = f.width - 2 * kContentMargin;

  // Header texts first: a title that cannot be printed is an error before any name is placed.
  const double half = f.width / 2;
  const auto issuer_em = fitting_em(election.issuer, half - kContentMargin - 4, {3.0, 2.7, 2.4}, true);
  const std::string party = "ĐẢNG CỘNG SẢN VIỆT NAM";
  const auto party_em = fitting_em(party, half - kContentMargin, {3.0, 2.7, 2.4}, true);
  const auto title_em = fitting_em(contest.title, text_width, {4.5, 4.0, 3.5, 3.0}, true);
  const auto congress_em = fitting_em(election.congress, text_width, {3.5, 3.0, 2.6}, false);
  const auto back_title_em = fitting_em(contest.title, text_width - f.qr_size - 4, {3.2, 2.8, 2.5}, false);
  if (!issuer_em) {
    return fail("does_not_fit",
                {"Tên cơ quan " + quote(election.issuer) + " quá dài cho đầu phiếu khổ " + paper,
                 "The issuing body " + quote(election.issuer) + " is too long for the header of an " + paper + " ballot"},
                contest.id);
  }
  if (!title_em || !back_title_em || !party_em) {
    return fail("does_not_fit",
                {"Tiêu đề cuộc bầu " + quote(contest.title) + " quá dài cho phiếu khổ " + paper + " (cuộc bầu " + contest.id + ")",
                 "Contest title " + quote(contest.title) + " is too long for an " + paper + " ballot (contest " + contest.id + ")"},
                contest.id);
  }
  if (!congress_em) {
    return fail("does_not_fit",
                {"Tên đại hội " + quote(election.congress) + " quá dài cho phiếu khổ " + paper + " (cuộc bầu " + contest.id + ")",
                 "Congress name " + quote(election.congress) + " is too long for an " + paper + " ballot (contest " + contest.id + ")"},
                contest.id);
  }

  std::optional<Option> chosen;
  const Candidate* widest_misfit = nullptr;
  int largest_capacity = 0;
  for (const Option& o : options_in_preference_order()) {
    const int per_col_front = rows_per_column(f.front_table_top, f.table_bottom, o.row_height);
    const int per_col_back = rows_per_column(f.back_table_top, f.table_bottom, o.row_height);
    const int capacity = o.columns * (per_col_front + (o.sides == 2 ? per_col_back : 0));
    largest_capacity = std::max(largest_capacity, capacity);
    if (capacity < n || (o.sides == 2 && o.columns * per_col_front >= n)) continue;
    const TableGeometry g = table_geometry(f, contest.ballot, o.columns);
    const double em = kNameEmShare * o.row_height;
    const auto misfit = std::find_if(contest.candidates.begin(), contest.candidates.end(), [&](const Candidate& c) {
      return estimated_text_width_mm(c.name, em, false) > g.name_width - 2 * kCellPadding;
    });
    if (misfit != contest.candidates.end()) {
      if (widest_misfit == nullptr) widest_misfit = &*misfit;
      continue;
    }
    chosen = o;
    break;
  }
  if (!chosen) {
    if (largest_capacity < n) {
      return fail("does_not_fit",
                  {"Cuộc bầu " + contest.id + " có " + std::to_string(n) + " người: phiếu khổ " + paper + " chứa tối đa " +
                       std::to_string(largest_capacity) + " tên trên hai mặt; hãy chọn khổ giấy lớn hơn",
                   "Contest " + contest.id + " has " + std::to_string(n) + " names: an " + paper + " ballot holds at most " +
                       std::to_string(largest_capacity) + " on both sides; choose a larger paper"},
                  contest.id);
    }
    const std::string name = widest_misfit ? widest_misfit->name : std::string();
    return fail("does_not_fit",
                {"Họ tên " + quote(name) + " quá dài cho ô tên trên phiếu khổ " + paper + " (cuộc bầu " + contest.id + ")",
                 "Name " + quote(name) + " is too long for the name cell of an " + paper + " ballot (contest " + contest.id + ")"},
                contest.id);
  }

  ContestLayout layout;
  layout.election_id = election.id;
  layout.contest_id = contest.id;
  layout.ballot = contest.ballot;
  layout.paper_width_mm = f.width;
  layout.paper_height_mm = f.height;
  layout.columns = chosen->columns;
  layout.row_height_mm = chosen->row_height;
  const TableGeometry g = table_geometry(f, contest.ballot, chosen->columns);
  const double name_em = kNameEmShare * chosen->row_height;
  const int per_col_front = rows_per_column(f.front_table_top, f.table_bottom, chosen->row_height);
  const int per_col_back = rows_per_column(f.back_table_top, f.table_bottom, chosen->row_height);

  int next = 0;
  for (int s = 0; s < chosen->sides; ++s) {
    SideLayout side;
    side.side = s == 0 ? Side::front : Side::back;
    side.registration_marks = registration_marks(f);
    const double top = s == 0 ? f.front_table_top : f.back_table_top;
    const int per_col = s == 0 ? per_col_front : per_col_back;
    if (s == 0) {
      side.stamp_box = {kContentMargin, 15, kStampWidth, kStampHeight};
      side.qr_box = {f.width - kContentMargin - f.qr_size, 15, f.qr_size, f.qr_size};
      side.texts.push_back({{kContentMargin, 8, half - kContentMargin - 4, 5}, election.issuer, *issuer_em, true});
      side.texts.push_back({{half, 8, half - kContentMargin, 5}, party, *party_em, true, Align::center, false, true});
      side.texts.push_back({{kContentMargin, 41, text_width, 8}, "PHIẾU BẦU", 6.5, true});
      side.texts.push_back({{kContentMargin, 50, text_width, 6}, contest.title, *title_em, true});
      side.texts.push_back({{kContentMargin, 57, text_width, 5}, election.congress, *congress_em, false});
      const std::string instruction = contest.ballot == BallotForm::strike
                                          ? "Gạch ngang cả họ và tên người không bầu"
                                          : "Mỗi người đánh dấu X vào một ô: “Đồng ý” hoặc “Không đồng ý”";
      side.texts.push_back({{kContentMargin, 63, text_width, 4.5}, instruction, 2.8, false});
      if (chosen->sides == 2) {
        side.texts.push_back({{kContentMargin, f.height - 16.5, text_width, 4.5}, "(Xem tiếp mặt sau)", 2.8, false});
      }
    } else {
      side.qr_box = {f.width - kContentMargin - f.qr_size, kMarkInset, f.qr_size, f.qr_size};
      const double w = text_width - f.qr_size - 4;
      side.texts.push_back({{kContentMargin, 9, w, 6}, "PHIẾU BẦU (tiếp theo)", 4.0, true, Align::left});
      side.texts.push_back({{kContentMargin, 16, w, 5}, contest.title, *back_title_em, false, Align::left});
    }
    for (int col = 0; col < chosen->columns && next < n; ++col) {
      const double x = g.x0 + col * (g.column_width + kColumnGap);
      side.texts.push_back({{x, top, g.number_width, kHeaderRowHeight}, "STT", 2.8, true, Align::center, true});
      side.texts.push_back({{x + g.number_width, top, g.name_width, kHeaderRowHeight}, "Họ và tên", 2.8, true, Align::center, true});
      if (contest.ballot == BallotForm::box) {
        const double bx = x + g.number_width + g.name_width;
        side.texts.push_back({{bx, top, kBoxWidth, kHeaderRowHeight}, "Đồng ý", 2.4, true, Align::center, true});
        side.texts.push_back({{bx + kBoxWidth, top, kBoxWidth, kHeaderRowHeight}, "Không đồng ý", 2.4, true, Align::center, true});
      }
      for (int r = 0; r < per_col && next < n; ++r, ++next) {
        const Candidate& cand = contest.candidates[static_cast<std::size_t>(next)];
        const double y = top + kHeaderRowHeight + r * chosen->row_height;
        RowLayout row;
        row.number = next + 1;
        row.candidate_id = cand.id;
        row.name = cand.name;
        row.number_cell = {x, y, g.number_width, chosen->row_height};
        row.name_cell = {x + g.number_width, y, g.name_width, chosen->row_height};
        row.name_box = row.name_cell.inset(kTargetInset);
        row.name_em_mm = name_em;
        if (contest.ballot == BallotForm::box) {
          const double bx = x + g.number_width + g.name_width;
          row.agree_cell = RectMm{bx, y, kBoxWidth, chosen->row_height};
          row.disagree_cell = RectMm{bx + kBoxWidth, y, kBoxWidth, chosen->row_height};
          row.agree_box = row.agree_cell->inset(kTargetInset);
          row.disagree_box = row.disagree_cell->inset(kTargetInset);
        }
        side.rows.push_back(std::move(row));
      }
    }
    layout.sides.push_back(std::move(side));
  }
  static_assert(kRowHeights[3] - 2 * kTargetInset >= kMinTargetHeight, "targets keep their minimum height");

  // The hash covers everything that decides where ink is expected, and no rendering detail.
  layout.layout_hash = sha256_hex(layout_json({layout}, 0));
  return layout;
}

std::string layout_json(const std::vector<ContestLayout>& layouts, int dpi) {
  nlohmann::ordered_json root;
  root["election_id"] = layouts.empty() ? std::string() : layouts.front().election_id;
  nlohmann::ordered_json contests = nlohmann::ordered_json::array();
  for (const auto& l : layouts) {
    nlohmann::ordered_json jc;
    jc["contest_id"] = l.contest_id;
    jc["ballot"] = to_string(l.ballot);
    jc["paper_mm"] = {round3(l.paper_width_mm), round3(l.paper_height_mm)};
    nlohmann::ordered_json sides = nlohmann::ordered_json::array();
    for (const auto& s : l.sides) {
      nlohmann::ordered_json js;
      js["side"] = to_string(s.side);
      if (dpi > 0) {
        js["png"] = png_name(l.contest_id, s.side);
        js["dpi"] = dpi;
      }
      js["stamp_box_mm"] = s.side == Side::front ? box_json(s.stamp_box) : nlohmann::ordered_json(nullptr);
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      for (const auto& r : s.rows) {
        nlohmann::ordered_json jr;
        jr["candidate_id"] = r.candidate_id;
        jr["name"] = r.name;
        jr["name_box_mm"] = box_json(r.name_box);
        jr["agree_box_mm"] = box_json(r.agree_box);
        jr["disagree_box_mm"] = box_json(r.disagree_box);
        jr["number"] = r.number;
        rows.push_back(std::move(jr));
      }
      js["rows"] = std::move(rows);
      js["qr_box_mm"] = box_json(s.qr_box);
      nlohmann::ordered_json marks = nlohmann::ordered_json::array();
      for (const auto& m : s.registration_marks) marks.push_back(box_json(m));
      js["registration_marks_mm"] = std::move(marks);
      sides.push_back(std::move(js));
    }
    jc["sides"] = std::move(sides);
    jc["columns"] = l.columns;
    jc["row_height_mm"] = round3(l.row_height_mm);
    if (!l.layout_hash.empty()) jc["layout_hash"] = l.layout_hash;
    contests.push_back(std::move(jc));
  }
  root["contests"] = std::move(contests);
  return root.dump(dpi > 0 ? 1 : -1);
}

Result<std::vector<ContestLayout>> parse_layout_json(std::string_view text) {
  const auto bad = [](const std::string& why) {
    return fail("bad_layout", {"layout.json không hợp lệ: " + why, "layout.json is not valid: " + why}, "layout.json");
  };
  const nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return bad("not a JSON object");
  if (!root.contains("contests") || !root["contests"].is_array()) return bad("no contests array");
  std::vector<ContestLayout> out;
  for (const auto& jc : root["contests"]) {
    ContestLayout l;
    l.election_id = root.value("election_id", "");
    l.contest_id = jc.value("contest_id", "");
    const auto form = parse_ballot_form(jc.value("ballot", ""));
    if (l.contest_id.empty() || !form) return bad("a contest has no contest_id or ballot");
    l.ballot = *form;
    if (!jc.contains("paper_mm") || !jc["paper_mm"].is_array() || jc["paper_mm"].size() != 2) return bad("paper_mm of " + l.contest_id);
    l.paper_width_mm = jc["paper_mm"][0].get<double>();
    l.paper_height_mm = jc["paper_mm"][1].get<double>();
    l.columns = jc.value("columns", 1);
    l.row_height_mm = jc.value("row_height_mm", 0.0);
    l.layout_hash = jc.value("layout_hash", "");
    for (const auto& js : jc.value("sides", nlohmann::json::array())) {
      SideLayout s;
      const auto side = parse_side(js.value("side", ""));
      if (!side) return bad("a side of " + l.contest_id + " is neither front nor back");
      s.side = *side;
      if (auto b = box_from_json(js.value("stamp_box_mm", nlohmann::json()))) s.stamp_box = *b;
      if (auto b = box_from_json(js.value("qr_box_mm", nlohmann::json()))) s.qr_box = *b;
      const auto marks = js.value("registration_marks_mm", nlohmann::json::array());
      for (std::size_t i = 0; i < marks.size() && i < 4; ++i) {
        if (auto b = box_from_json(marks[i])) s.registration_marks[i] = *b;
      }
      for (const auto& jr : js.value("rows", nlohmann::json::array())) {
        RowLayout r;
        r.candidate_id = jr.value("candidate_id", "");
        r.name = jr.value("name", "");
        r.number = jr.value("number", 0);
        const auto name_box = box_from_json(jr.value("name_box_mm", nlohmann::json()));
        if (r.candidate_id.empty() || !name_box) return bad("a row of " + l.contest_id + " lacks candidate_id or name_box_mm");
        r.name_box = *name_box;
        r.agree_box = box_from_json(jr.value("agree_box_mm", nlohmann::json()));
        r.disagree_box = box_from_json(jr.value("disagree_box_mm", nlohmann::json()));
        s.rows.push_back(std::move(r));
      }
      l.sides.push_back(std::move(s));
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace kp::config
