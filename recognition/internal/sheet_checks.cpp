#include "recognition/internal/sheet_checks.hpp"

#include "recognition/internal/page_math.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace kp::recognition::internal {
namespace {

constexpr int kBlankDark = 200;
constexpr double kInkRatio = 0.80;       // as for targets (target_reader.cpp)
constexpr double kTargetMarginMm = 1.5;  // strikes overshoot their cell a little
constexpr double kStampMarginMm = 8;     // a round stamp of 28–32 mm overflows its 36×24 mm box
constexpr double kCodeMarginMm = 2;
constexpr double kEdgeMm = 5;            // page edges: shadows and the scanner's border
constexpr int kMinBlobPx = 3;            // 0.75 mm² at 2 px/mm
constexpr double kWriteInDepthMm = 35;   // a written-in name goes just below the list,
constexpr double kWriteInWidthShare = 0.6;  // under the names; ink farther right is a signature or other mark

void fill(cv::Mat& m, const RectMm& r, double margin_mm) {
  const double s = sheet_px_per_mm();
  const cv::Rect px(static_cast<int>(std::floor((r.x - margin_mm) * s)), static_cast<int>(std::floor((r.y - margin_mm) * s)),
                    static_cast<int>(std::ceil((r.w + 2 * margin_mm) * s)) + 1, static_cast<int>(std::ceil((r.h + 2 * margin_mm) * s)) + 1);
  m(px & cv::Rect(0, 0, m.cols, m.rows)).setTo(255);
}

}  // namespace

SheetTemplate build_sheet_template(const config::ContestLayout& layout, const config::SideLayout& side, const cv::Mat& blank) {
  const double s = sheet_px_per_mm();
  SheetTemplate t;
  t.size = cv::Size(static_cast<int>(std::lround(layout.paper_width_mm * s)), static_cast<int>(std::lround(layout.paper_height_mm * s)));
  cv::Mat resized;
  cv::resize(blank, resized, t.size, 0, 0, cv::INTER_AREA);
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5));
  cv::dilate(resized < kBlankDark, t.print, kernel);
  t.ignored = cv::Mat::zeros(t.size, CV_8U);
  t.write_in_zone = cv::Mat::zeros(t.size, CV_8U);
  double names_left = layout.paper_width_mm, names_right = 0, table_bottom = 0;
  for (const auto& row : side.rows) {
    fill(t.ignored, row.name_cell, kTargetMarginMm);
    fill(t.ignored, row.number_cell, kTargetMarginMm);
    if (row.agree_cell) fill(t.ignored, *row.agree_cell, kTargetMarginMm);
    if (row.disagree_cell) fill(t.ignored, *row.disagree_cell, kTargetMarginMm);
    names_left = std::min(names_left, row.name_cell.x);
    names_right = std::max(names_right, row.name_cell.x + kWriteInWidthShare * row.name_cell.w);
    table_bottom = std::max(table_bottom, row.name_cell.bottom());
  }
  if (side.side == Side::front) {
    fill(t.ignored, side.stamp_box, kStampMarginMm);
    t.stamp_box = side.stamp_box;
    t.has_stamp = true;
  }
  fill(t.ignored, side.qr_box, kCodeMarginMm);
  for (const auto& m : side.registration_marks) fill(t.ignored, m, kCodeMarginMm);
  const int edge = static_cast<int>(std::ceil(kEdgeMm * s));
  t.ignored(cv::Rect(0, 0, t.size.width, edge)).setTo(255);
  t.ignored(cv::Rect(0, t.size.height - edge, t.size.width, edge)).setTo(255);
  t.ignored(cv::Rect(0, 0, edge, t.size.height)).setTo(255);
  t.ignored(cv::Rect(t.size.width - edge, 0, edge, t.size.height)).setTo(255);
  if (!side.rows.empty()) fill(t.write_in_zone, {names_left, table_bottom, names_right - names_left, kWriteInDepthMm}, 0);
  return t;
}

void check_sheet(const SheetTemplate& t, const cv::Mat& small, int reduction, const cv::Mat& colour, const ChromaView& chroma,
                 const cv::Matx33d& mm_to_image, SideEvidence& out) {
  const double s = sheet_px_per_mm();
  const cv::Matx33d page_to_mm(1 / s, 0, 0, 0, 1 / s, 0, 0, 0, 1);
  const cv::Matx33d image_to_small(1.0 / reduction, 0, 0, 0, 1.0 / reduction, 0, 0, 0, 1);
  const cv::Matx33d m = image_to_small * mm_to_image * page_to_mm;
  cv::Mat page;
  cv::warpPerspective(small, page, cv::Mat(m), t.size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
  const double paper = paper_level(page);
  cv::Mat ink;
  cv::threshold(page, ink, kInkRatio * paper, 255, cv::THRESH_BINARY_INV);
  ink.setTo(0, t.print);
  // A streak from dirt on the scanner glass runs down the whole page through everything; the
  // page's own edges (where the scanner bed may show) are left out.
  const int edge = static_cast<int>(std::ceil(kEdgeMm * s));
  cv::Mat column_counts;
  cv::reduce(ink(cv::Rect(edge, edge, ink.cols - 2 * edge, ink.rows - 2 * edge)) / 255, column_counts, 0, cv::REDUCE_SUM, CV_32S);
  int longest = 0;
  for (int x = 0; x < column_counts.cols; ++x) longest = std::max(longest, column_counts.at<int>(0, x));
  out.streak_share = static_cast<double>(longest) / (t.size.height - 2 * edge);
  ink.setTo(0, t.ignored);
  double write_in = 0, other = 0;
  if (cv::countNonZero(ink) > 0) {
    // Blobs of ink, each in the zone of its centre; specks (dust, noise) are left out.
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
      const int area = stats.at<int>(i, cv::CC_STAT_AREA);
      if (area < kMinBlobPx) continue;
      const cv::Point c(static_cast<int>(centroids.at<double>(i, 0)), static_cast<int>(centroids.at<double>(i, 1)));
      (t.write_in_zone.at<uchar>(c) != 0 ? write_in : other) += area / (s * s);
    }
  }
  out.write_in_mm2 = write_in;
  out.other_ink_mm2 = other;
  if (!t.has_stamp || (colour.empty() && chroma.empty())) return;
  // Red ink in the stamp area: red clearly above green and blue, as a stamp pad prints.
  std::vector<cv::Point2f> corners;
  for (const auto& [x, y] : {std::pair{t.stamp_box.x, t.stamp_box.y}, std::pair{t.stamp_box.right(), t.stamp_box.y},
                             std::pair{t.stamp_box.right(), t.stamp_box.bottom()}, std::pair{t.stamp_box.x, t.stamp_box.bottom()}}) {
    const cv::Vec3d p = mm_to_image * cv::Vec3d(x, y, 1);
    corners.emplace_back(static_cast<float>(p[0] / p[2]), static_cast<float>(p[1] / p[2]));
  }
  const cv::Rect box = cv::boundingRect(corners);
  if (!chroma.empty()) {
    // The same test on the chroma planes: with R = Y + 1.402 Cr', G = Y − 0.344 Cb' − 0.714 Cr',
    // B = Y + 1.772 Cb' (JFIF), r − g and r − b do not depend on Y, so the red is read where the
    // chroma was sampled (a 2 × 2 block of a 4:2:0 scan), in integers so it is exact everywhere.
    const cv::Rect area = cv::Rect(box.x / chroma.scale_x, box.y / chroma.scale_y, (box.width + chroma.scale_x - 1) / chroma.scale_x,
                                   (box.height + chroma.scale_y - 1) / chroma.scale_y) &
                          cv::Rect(0, 0, chroma.width, chroma.height);
    if (area.area() == 0) return;
    int red = 0;
    for (int y = area.y; y < area.br().y; ++y) {
      const std::uint8_t* cb = chroma.cb + static_cast<std::ptrdiff_t>(y) * chroma.row_stride;
      const std::uint8_t* cr = chroma.cr + static_cast<std::ptrdiff_t>(y) * chroma.row_stride;
      for (int x = area.x; x < area.br().x; ++x) {
        const int b = cb[x] - 128, r = cr[x] - 128;
        if (2116 * r + 344 * b > 45000 && 1402 * r - 1772 * b > 45000) ++red;  // r − g > 45 and r − b > 45, × 1000
      }
    }
    out.stamp_red_share = static_cast<double>(red) / area.area();
    return;
  }
  const cv::Rect area = box & cv::Rect(0, 0, colour.cols, colour.rows);
  if (area.area() == 0) return;
  int red = 0;
  for (int y = area.y; y < area.br().y; ++y) {
    const auto* row = colour.ptr<cv::Vec3b>(y);
    for (int x = area.x; x < area.br().x; ++x) {
      const int b = row[x][0], g = row[x][1], r = row[x][2];
      if (r - g > 45 && r - b > 45) ++red;  // 45 of 255: clear of JPEG colour noise on black ink
    }
  }
  out.stamp_red_share = static_cast<double>(red) / area.area();
}

}  // namespace kp::recognition::internal
