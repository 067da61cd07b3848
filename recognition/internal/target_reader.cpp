#include "recognition/internal/target_reader.hpp"

#include "recognition/internal/page_math.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

namespace kp::recognition::internal {
namespace {

constexpr double kPatchMarginMm = 1.5;  // around each target: the cell's ruling is in view for alignment
constexpr int kSearchPx = 6;            // ±0.76 mm local search absorbs paper stretch and skew residue
// Ink is darker than 80% of the paper's brightness: light pencil on our decks reaches 70%,
// sensor noise and JPEG ringing stay above 90%.
constexpr double kInkRatio = 0.80;
// Print pixels of the blank are those darker than 200 of 255; they are widened by 2 px (0.25 mm)
// to cover the blur of a 150-dpi scan and half a pixel of misregistration.
constexpr int kBlankDark = 200;
constexpr int kMaskRadiusPx = 2;
constexpr int kMinSpeckPx = 5;        // connected ink under 0.08 mm² is dust or JPEG noise
constexpr double kStrokeMm = 0.5;     // a ballpoint line: the unit "ink" is measured in
constexpr double kLineTolMm = 1.2;    // ink within this distance of the fitted line is on it
constexpr double kBoxInsetMm = 1.0;   // box ink is measured this far inside the ruling
constexpr double kBorderMm = 1.0;     // and crossing ink within this distance either side of it
constexpr double kOvershootMm = 12;   // strikes reach past the name; the patch stops 12 mm after it
constexpr int kRunGapPx = 3;          // runs of ink closer than 0.4 mm are one stroke

cv::Rect to_px(const RectMm& r, double s) {
  const int x0 = static_cast<int>(std::floor(r.x * s));
  const int y0 = static_cast<int>(std::floor(r.y * s));
  const int x1 = static_cast<int>(std::ceil(r.right() * s));
  const int y1 = static_cast<int>(std::ceil(r.bottom() * s));
  return {x0, y0, x1 - x0, y1 - y0};
}

cv::Rect shifted(const cv::Rect& r, const cv::Point& origin) { return {r.x - origin.x, r.y - origin.y, r.width, r.height}; }

// The buffers of one row's measurement, one set per thread, reused row after row and side after
// side: once each row size has been seen, reading a row allocates nothing of its own (OpenCV's
// labelling still allocates its working arrays, on the rows that carry ink).
struct RowScratch {
  cv::Mat wide;                        // the scan patch resampled to the blank's pixels
  cv::Mat sums;                        // a profile's sums
  std::vector<double> scan_profile;
  cv::Mat dark, labels, stats, centroids;
  std::vector<std::uint8_t> speck, on_column;
  std::vector<cv::Point2f> points, near;
};

RowScratch& scratch() {
  thread_local RowScratch buffers;
  return buffers;
}

cv::Mat widen(const cv::Mat& dark, int radius) {
  cv::Mat out;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
  cv::dilate(dark, out, kernel);
  return out;
}

// The scan patch (with kSearchPx to spare on every side) resampled from the image; only the
// image region under the patch is converted to gray.
void extract(const GraySource& scan, const cv::Matx33d& mm_to_image, const cv::Rect& patch_px, cv::Mat& out) {
  const double s = work_px_per_mm();
  // Patch pixel (u, v) is page pixel (patch.x - search + u, …), i.e. millimetre (… ) / s.
  const cv::Matx33d patch_to_mm(1 / s, 0, (patch_px.x - kSearchPx) / s, 0, 1 / s, (patch_px.y - kSearchPx) / s, 0, 0, 1);
  const cv::Size size(patch_px.width + 2 * kSearchPx, patch_px.height + 2 * kSearchPx);
  const cv::Matx33d m = mm_to_image * patch_to_mm;
  std::vector<cv::Point2f> corners;
  for (const auto& [u, v] : {std::pair{0, 0}, std::pair{size.width, 0}, std::pair{0, size.height}, std::pair{size.width, size.height}}) {
    const cv::Vec3d p = m * cv::Vec3d(u, v, 1);
    corners.emplace_back(static_cast<float>(p[0] / p[2]), static_cast<float>(p[1] / p[2]));
  }
  cv::Rect source = cv::boundingRect(corners);
  source = cv::Rect(source.x - 2, source.y - 2, source.width + 4, source.height + 4) & cv::Rect(0, 0, scan.size().width, scan.size().height);
  if (source.area() == 0) {
    out.create(size, CV_8UC1);
    out.setTo(255);
    return;
  }
  // Over a patch of a few centimetres the page's perspective is an affine map to well under a
  // tenth of a pixel; the affine warp needs no division per pixel.
  const std::array<cv::Point2f, 3> from{cv::Point2f(0, 0), cv::Point2f(static_cast<float>(size.width), 0),
                                        cv::Point2f(0, static_cast<float>(size.height))};
  const std::array<cv::Point2f, 3> to{cv::Point2f(corners[0].x - static_cast<float>(source.x), corners[0].y - static_cast<float>(source.y)),
                                      cv::Point2f(corners[1].x - static_cast<float>(source.x), corners[1].y - static_cast<float>(source.y)),
                                      cv::Point2f(corners[2].x - static_cast<float>(source.x), corners[2].y - static_cast<float>(source.y))};
  const cv::Mat affine = cv::getAffineTransform(from.data(), to.data());
  cv::warpAffine(scan.region(source), out, affine, size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
}

// Darkness profile of `img` along rows (axis 0) or columns (axis 1), mean removed, into `p`.
void profile(const cv::Mat& img, int axis, cv::Mat& sums, std::vector<double>& p) {
  cv::reduce(img, sums, axis, cv::REDUCE_SUM, CV_64F);
  p.assign(sums.begin<double>(), sums.end<double>());
  const double mean = p.empty() ? 0 : std::accumulate(p.begin(), p.end(), 0.0) / static_cast<double>(p.size());
  for (auto& v : p) v = mean - v;  // dark is high
}

std::vector<double> profile(const cv::Mat& img, int axis) {
  cv::Mat sums;
  std::vector<double> p;
  profile(img, axis, sums, p);
  return p;
}

int best_offset(const std::vector<double>& reference, const std::vector<double>& wide) {
  int best = 0;
  double best_score = -1e300;
  for (int d = -kSearchPx; d <= kSearchPx; ++d) {
    double score = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) score += reference[i] * wide[i + static_cast<std::size_t>(kSearchPx + d)];
    // Ties go to the smaller shift, so the result does not depend on the order of the loop.
    if (score > best_score + 1e-9 || (std::abs(score - best_score) <= 1e-9 && std::abs(d) < std::abs(best))) {
      best_score = score;
      best = d;
    }
  }
  return best;
}

// Aligns the wide scan patch on the blank (rulings and print dominate both profiles; the
// blank's are computed once, with the row's template).
cv::Mat align(const cv::Mat& wide, const RowTemplate& row, RowScratch& k) {
  const cv::Mat middle_rows = wide(cv::Rect(kSearchPx, 0, row.blank.cols, wide.rows));
  profile(middle_rows, 1, k.sums, k.scan_profile);
  const int dy = best_offset(row.blank_row_profile, k.scan_profile);
  const cv::Mat band = wide(cv::Rect(0, kSearchPx + dy, wide.cols, row.blank.rows));
  profile(band, 0, k.sums, k.scan_profile);
  const int dx = best_offset(row.blank_column_profile, k.scan_profile);
  return wide(cv::Rect(kSearchPx + dx, kSearchPx + dy, row.blank.cols, row.blank.rows));
}

StrikeEvidence measure_strike(const RowTemplate& row, const cv::Mat& ink, RowScratch& k) {
  StrikeEvidence e;
  const double s = work_px_per_mm();
  const cv::Mat box = ink(row.name_box);
  // The ink's pixels in row order, as findNonZero gives them, into the reused list.
  std::vector<cv::Point2f>& points = k.points;
  points.clear();
  for (int y = 0; y < box.rows; ++y) {
    const uchar* line = box.ptr<uchar>(y);
    for (int x = 0; x < box.cols; ++x) {
      if (line[x] != 0) points.emplace_back(static_cast<float>(x + row.name_box.x), static_cast<float>(y + row.name_box.y));
    }
  }
  if (points.empty()) return e;
  const double text_width = std::max(1, row.text_x1 - row.text_x0);
  e.ink = static_cast<double>(points.size()) / (text_width * kStrokeMm * s);
  if (points.size() < 3) return e;
  // Least squares, then again on the ink within 2 mm of the first line: robust to a tick or a
  // few dots beside the stroke, and a single pass each (an M-estimator iterates far longer).
  cv::Vec4f line;
  cv::fitLine(points, line, cv::DIST_L2, 0, 0.01, 0.01);
  {
    const double trim = 2.0 * s;
    std::vector<cv::Point2f>& near = k.near;
    near.clear();
    for (const auto& p : points) {
      if (std::abs((p.x - line[2]) * line[1] - (p.y - line[3]) * line[0]) <= trim) near.push_back(p);
    }
    if (near.size() >= 3 && near.size() < points.size()) cv::fitLine(near, line, cv::DIST_L2, 0, 0.01, 0.01);
  }
  double vx = line[0], vy = line[1];
  if (vx < 0) {
    vx = -vx;
    vy = -vy;
  }
  const cv::Point2d p0(line[2], line[3]);
  e.angle_deg = std::atan2(vy, vx) * 180.0 / CV_PI;
  const double tol = kLineTolMm * s;
  std::vector<std::uint8_t>& on_column = k.on_column;
  on_column.assign(static_cast<std::size_t>(row.blank.cols), 0);
  std::size_t on = 0;
  int leftmost = row.blank.cols, rightmost = -1;
  for (const auto& p : points) {
    const double distance = std::abs((p.x - p0.x) * vy - (p.y - p0.y) * vx);
    if (distance > tol) continue;
    ++on;
    const int x = static_cast<int>(p.x);
    on_column[static_cast<std::size_t>(x)] = 1;
    leftmost = std::min(leftmost, x);
    rightmost = std::max(rightmost, x);
  }
  e.off_line = 1.0 - static_cast<double>(on) / static_cast<double>(points.size());
  const double core_mid = (row.core_y0 + row.core_y1) / 2;
  const double core_height = std::max(1.0, row.core_y1 - row.core_y0);
  const double text_mid_x = (row.text_x0 + row.text_x1) / 2.0;
  const double y_at_mid = std::abs(vx) < 1e-6 ? 1e9 : p0.y + (text_mid_x - p0.x) * vy / vx;
  e.band_offset = std::min(99.0, std::abs(y_at_mid - core_mid) / core_height);
  if (rightmost < 0) return e;
  // Coverage: of the columns of the name where the line could be seen (not hidden under the
  // printed letters), the share that carry ink on the line; and no more than the share of the
  // name between the line's ends.
  int observable = 0, crossed = 0;
  for (int x = std::max(0, row.text_x0); x <= std::min(row.text_x1, row.print_mask.cols - 1); ++x) {
    const double y = p0.y + (x - p0.x) * vy / vx;
    const int yi = static_cast<int>(std::lround(y));
    bool visible = false;
    for (int dy = -1; dy <= 1; ++dy) {
      const int yy = yi + dy;
      if (yy >= 0 && yy < row.print_mask.rows && row.print_mask.at<uchar>(yy, x) == 0) visible = true;
    }
    if (!visible) continue;
    ++observable;
    if (on_column[static_cast<std::size_t>(x)] != 0) ++crossed;
  }
  const double span = (std::min(rightmost, row.text_x1) - std::max(leftmost, row.text_x0) + 1) / text_width;
  const double seen = observable > 0 ? static_cast<double>(crossed) / observable : span;
  e.coverage = std::clamp(std::min(seen, span), 0.0, 1.0);
  return e;
}

BoxEvidence measure_box(const cv::Mat& ink, const cv::Rect& cell, const cv::Rect& inner) {
  const double s = work_px_per_mm();
  BoxEvidence e;
  const cv::Rect bounds(0, 0, ink.cols, ink.rows);
  const int inside = cv::countNonZero(ink(inner & bounds));
  e.ink_mm2 = inside / (s * s);
  e.fill = inside / std::max(1.0, static_cast<double>(inner.area()));
  const int b = static_cast<int>(std::lround(kBorderMm * s));
  const cv::Rect outer = cv::Rect(cell.x - b, cell.y - b, cell.width + 2 * b, cell.height + 2 * b) & bounds;
  const cv::Rect core = cv::Rect(cell.x + b, cell.y + b, cell.width - 2 * b, cell.height - 2 * b) & bounds;
  e.border_mm2 = (cv::countNonZero(ink(outer)) - cv::countNonZero(ink(core))) / (s * s);
  // Crossings: the most separate runs of ink met along a horizontal line through the box. An X
  // or a check gives one or two; a box scribbled over gives many.
  const cv::Mat inside_ink = ink(inner & bounds);
  for (int y = 0; y < inside_ink.rows; ++y) {
    const uchar* row = inside_ink.ptr<uchar>(y);
    int runs = 0, gap = kRunGapPx;
    for (int x = 0; x < inside_ink.cols; ++x) {
      if (row[x] != 0) {
        if (gap >= kRunGapPx) ++runs;
        gap = 0;
      } else {
        ++gap;
      }
    }
    e.crossings = std::max(e.crossings, runs);
  }
  return e;
}

}  // namespace

namespace {

// New ink in `scan` (already aligned to the blank): dark against the paper, outside the print,
// specks dropped; into the reused buffers (the result is `k.dark`).
const cv::Mat& new_ink_into(const cv::Mat& scan, const cv::Mat& print_mask, RowScratch& k) {
  const int paper = paper_level(scan);
  cv::Mat& dark = k.dark;
  cv::threshold(scan, dark, kInkRatio * paper, 255, cv::THRESH_BINARY_INV);
  dark.setTo(0, print_mask);
  if (cv::countNonZero(dark) == 0) return dark;  // most names are left alone
  // Drop specks: dust, noise and compression artefacts.
  cv::Mat& labels = k.labels;
  cv::Mat& stats = k.stats;
  const int n = cv::connectedComponentsWithStats(dark, labels, stats, k.centroids, 8, CV_32S);
  std::vector<std::uint8_t>& speck = k.speck;
  speck.assign(static_cast<std::size_t>(n), 0);
  bool any = false;
  for (int i = 1; i < n; ++i) {
    speck[static_cast<std::size_t>(i)] = stats.at<int>(i, cv::CC_STAT_AREA) < kMinSpeckPx ? 1 : 0;
    any = any || speck[static_cast<std::size_t>(i)] != 0;
  }
  if (!any) return dark;
  for (int y = 0; y < dark.rows; ++y) {
    uchar* d = dark.ptr<uchar>(y);
    const int* l = labels.ptr<int>(y);
    for (int x = 0; x < dark.cols; ++x) {
      if (speck[static_cast<std::size_t>(l[x])] != 0) d[x] = 0;
    }
  }
  return dark;
}

}  // namespace

std::vector<RowTemplate> build_row_templates(const config::SideLayout& side, BallotForm form, const cv::Mat& blank_page) {
  const double s = work_px_per_mm();
  const cv::Rect page(0, 0, blank_page.cols, blank_page.rows);
  std::vector<RowTemplate> rows;
  for (const auto& r : side.rows) {
    RowTemplate t;
    t.candidate_id = r.candidate_id;
    t.form = form;
    if (form == BallotForm::strike) {
      // Where the name is printed, from the blank itself.
      const cv::Rect cell_px = to_px(r.name_box, s) & page;
      const cv::Mat dark = blank_page(cell_px) < kBlankDark;
      cv::Mat nz;
      cv::findNonZero(dark, nz);
      const cv::Rect text = nz.empty() ? cv::Rect(0, 0, cell_px.width, cell_px.height) : cv::boundingRect(nz);
      const double right_mm = std::min(r.name_box.right(), (cell_px.x + text.br().x) / s + kOvershootMm);
      const RectMm region{r.name_box.x - kPatchMarginMm, r.name_box.y - kPatchMarginMm,
                          right_mm - r.name_box.x + 2 * kPatchMarginMm, r.name_box.h + 2 * kPatchMarginMm};
      t.patch_px = to_px(region, s) & page;
      t.name_box = shifted(to_px(r.name_box, s), t.patch_px.tl()) & cv::Rect(0, 0, t.patch_px.width, t.patch_px.height);
      t.name_box.width = std::min(t.name_box.width, t.patch_px.width - t.name_box.x);
      t.text_x0 = cell_px.x + text.x - t.patch_px.x;
      t.text_x1 = cell_px.x + text.br().x - 1 - t.patch_px.x;
      // The letters' body: from the baseline (the last row of the x-height band, where rows hold
      // at least 40% of the busiest row's print) up by the capital height, 0.73 em in DejaVu
      // Sans. Voters strike through the middle of that, whatever the accents above.
      cv::Mat row_counts;
      cv::reduce(dark / 255, row_counts, 1, cv::REDUCE_SUM, CV_32S);
      int peak = 0;
      for (int y = 0; y < row_counts.rows; ++y) peak = std::max(peak, row_counts.at<int>(y));
      int baseline = cell_px.height - 1;
      for (int y = 0; y < row_counts.rows; ++y) {
        if (peak > 0 && row_counts.at<int>(y) >= 0.4 * peak) baseline = y;
      }
      constexpr double kCapHeightEm = 0.73;
      t.core_y1 = cell_px.y + baseline - t.patch_px.y;
      t.core_y0 = t.core_y1 - kCapHeightEm * r.name_em_mm * s;
    } else if (r.agree_cell && r.disagree_cell) {
      const RectMm cells{r.agree_cell->x, r.agree_cell->y, r.disagree_cell->right() - r.agree_cell->x, r.agree_cell->h};
      t.patch_px = to_px({cells.x - kPatchMarginMm, cells.y - kPatchMarginMm, cells.w + 2 * kPatchMarginMm, cells.h + 2 * kPatchMarginMm}, s) & page;
      t.agree_cell = shifted(to_px(*r.agree_cell, s), t.patch_px.tl());
      t.disagree_cell = shifted(to_px(*r.disagree_cell, s), t.patch_px.tl());
      t.agree_inner = shifted(to_px(r.agree_box->inset(kBoxInsetMm), s), t.patch_px.tl());
      t.disagree_inner = shifted(to_px(r.disagree_box->inset(kBoxInsetMm), s), t.patch_px.tl());
    }
    t.blank = blank_page(t.patch_px).clone();
    t.print_mask = widen(t.blank < kBlankDark, kMaskRadiusPx);
    t.blank_row_profile = profile(t.blank, 1);
    t.blank_column_profile = profile(t.blank, 0);
    rows.push_back(std::move(t));
  }
  return rows;
}

TargetEvidence read_row(const RowTemplate& row, const GraySource& scan, const cv::Matx33d& mm_to_image) {
  TargetEvidence e;
  e.candidate_id = row.candidate_id;
  e.form = row.form;
  RowScratch& k = scratch();
  extract(scan, mm_to_image, row.patch_px, k.wide);
  const cv::Mat aligned = align(k.wide, row, k);  // a view into k.wide
  const cv::Mat& ink = new_ink_into(aligned, row.print_mask, k);
  if (row.form == BallotForm::strike) {
    e.strike = measure_strike(row, ink, k);
  } else {
    e.agree = measure_box(ink, row.agree_cell, row.agree_inner);
    e.disagree = measure_box(ink, row.disagree_cell, row.disagree_inner);
  }
  return e;
}

}  // namespace kp::recognition::internal
