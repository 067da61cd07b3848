#include "recognition/internal/page_locator.hpp"

#include <algorithm>
#include <cmath>

#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>
#include <opencv2/imgproc.hpp>

namespace kp::recognition::internal {
namespace {

// The marks are 6 mm squares (config/layout.cpp).
constexpr double kMarkMm = 6.0;
// Solid squares. (μ20 + μ02) / area² is 1/6 for a filled square at any angle; a QR finder ring
// scores about 0.3, a disc 0.159; 0.025 either side admits blur and JPEG. The bounding box of
// a turned square stays within 0.75–1.33 of square only up to ~8°, so the aspect test is
// loose and the moments do the work.
constexpr double kSquareSpread = 1.0 / 6.0;
constexpr double kSquareSpreadTolerance = 0.012;
constexpr double kSquareImbalance = 0.035;  // a 1.25:1 rectangle scores 0.04; a 12 px mark up to 0.02
constexpr double kMinAspect = 0.6;
constexpr double kMaxAspect = 1.67;
// Mark centres of A5, A4 and A3 pages are 130×192, 192×279 and 279×402 mm apart: a long/short
// ratio of 1.44–1.48; 1.38–1.54 leaves room for perspective.
constexpr double kMinPageRatio = 1.38;
constexpr double kMaxPageRatio = 1.54;
// Opposite sides and the two diagonals of the mark rectangle agree within 4%.
constexpr double kRectTolerance = 0.04;
// Where the QR code can be, relative to the top-right mark's centre (page mm, x right, y down):
// covers the front (y 15–39) and back (y 6–30) boxes of every paper size, with 4 mm to spare.
constexpr double kQrLeft = -38, kQrRight = 0, kQrTop = -7, kQrBottom = 36;

struct Candidate {
  cv::Point2d center;  // in small-image pixels
  double side = 0;
};

std::vector<Candidate> square_candidates(const cv::Mat& small_dark) {
  // On the reduced copy nearly every blob is a letter one or two pixels thick. Eroding by one
  // pixel removes them and leaves every mark (9 px or more there) a square one pixel smaller on
  // each side, its centre where it was. The outlines of what is left are traced (much cheaper
  // than labelling every pixel: 0.2 against 1.0 ms on an A4 side, kp_bench), and only blobs of
  // a mark's size are measured.
  cv::Mat solid;
  cv::erode(small_dark, solid, cv::Mat());
  std::vector<std::vector<cv::Point>> outlines;
  // Every outline, not only the outermost: a dark scanner bed around the page makes the page a
  // hole in one big blob, and the marks islands in that hole.
  cv::findContours(solid, outlines, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Candidate> out;
  const double max_side = std::max(small_dark.cols, small_dark.rows) / 15.0;
  // A 6 mm mark is at least 1.7% of the scan's short side (an A3 page with 30 mm of bed each
  // side); 1.2% keeps a margin and rules out body text before the costlier shape test.
  const double min_side = std::max(5.0, 0.012 * std::min(small_dark.cols, small_dark.rows));
  for (const auto& outline : outlines) {
    const cv::Rect box = cv::boundingRect(outline);
    const int x = box.x, y = box.y, w = box.width, h = box.height;
    if (x <= 1 || y <= 1 || x + w + 1 >= small_dark.cols || y + h + 1 >= small_dark.rows) continue;  // the scanner bed
    // Sizes as before the erosion: two pixels more across.
    if (w + 2 < min_side || h + 2 < min_side || w + 2 > max_side || h + 2 > max_side) continue;
    const double aspect = static_cast<double>(w) / h;
    if (aspect < kMinAspect || aspect > kMaxAspect) continue;
    // Solid and square at any angle: a filled square's second moments about its centre are
    // area²/12 along both axes, whatever its rotation; rings (QR finder patterns), letters and
    // strokes spread their mass farther out or unevenly. Measured on the pixels of the box,
    // which around a mark holds nothing else.
    const cv::Moments m = cv::moments(solid(box), true);
    const double area = m.m00;
    // A square turned by θ fills 1/(1 + sin 2θ) of its bounding box: 0.67 at 15°, past any skew
    // worth naming.
    if (area < 0.62 * w * h) continue;
    const double a2 = area * area;
    const double spread = (m.mu20 + m.mu02) / a2;
    const double imbalance = std::hypot(m.mu20 - m.mu02, 2 * m.mu11) / a2;
    if (std::abs(spread - kSquareSpread) > kSquareSpreadTolerance || imbalance > kSquareImbalance) continue;
    out.push_back({{x + m.m10 / area, y + m.m01 / area}, std::sqrt(area) + 2});
  }
  return out;
}

double dist(cv::Point2d a, cv::Point2d b) { return std::hypot(a.x - b.x, a.y - b.y); }

bool near(double a, double b, double tolerance) { return std::abs(a - b) <= tolerance * std::max(a, b); }

// The four marks in image order (top-left, top-right, bottom-right, bottom-left of the image).
std::optional<std::array<Candidate, 4>> pick_marks(const std::vector<Candidate>& candidates) {
  std::optional<std::array<Candidate, 4>> best;
  double best_area = 0;
  for (const auto& reference : candidates) {
    std::vector<const Candidate*> group;
    for (const auto& c : candidates) {
      if (c.side >= 0.75 * reference.side && c.side <= 1.33 * reference.side) group.push_back(&c);
    }
    if (group.size() < 4) continue;
    const auto extreme = [&](auto key) {
      return **std::max_element(group.begin(), group.end(), [&](const Candidate* a, const Candidate* b) { return key(*a) < key(*b); });
    };
    const Candidate tl = extreme([](const Candidate& c) { return -(c.center.x + c.center.y); });
    const Candidate br = extreme([](const Candidate& c) { return c.center.x + c.center.y; });
    const Candidate tr = extreme([](const Candidate& c) { return c.center.x - c.center.y; });
    const Candidate bl = extreme([](const Candidate& c) { return c.center.y - c.center.x; });
    const double top = dist(tl.center, tr.center), bottom = dist(bl.center, br.center);
    const double left = dist(tl.center, bl.center), right = dist(tr.center, br.center);
    const double d1 = dist(tl.center, br.center), d2 = dist(tr.center, bl.center);
    if (!near(top, bottom, kRectTolerance) || !near(left, right, kRectTolerance) || !near(d1, d2, kRectTolerance)) continue;
    const double ratio = std::max(top, left) / std::max(1.0, std::min(top, left));
    if (ratio < kMinPageRatio || ratio > kMaxPageRatio) continue;
    // Marks are 6 mm; the short spacing is 130–279 mm, so 18–52 mark sides.
    const double spacing_in_marks = std::min(top, left) / reference.side;
    if (spacing_in_marks < 18 || spacing_in_marks > 52) continue;
    const double area = top * left;
    if (area > best_area) {
      best_area = area;
      best = std::array<Candidate, 4>{tl, tr, br, bl};
    }
  }
  return best;
}

// The mark's centre at full resolution: the centroid of the dark blob under the coarse centre.
cv::Point2d refine_center(const GraySource& scan, cv::Point2d coarse, double side) {
  const int half = static_cast<int>(std::ceil(side));
  const cv::Rect roi = cv::Rect(static_cast<int>(coarse.x) - half, static_cast<int>(coarse.y) - half, 2 * half + 1, 2 * half + 1) &
                       cv::Rect(0, 0, scan.size().width, scan.size().height);
  if (roi.width < 4 || roi.height < 4) return coarse;
  cv::Mat dark;
  cv::threshold(scan.region(roi), dark, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(dark, labels, stats, centroids, 8, CV_32S);
  const cv::Point local(static_cast<int>(coarse.x) - roi.x, static_cast<int>(coarse.y) - roi.y);
  int label = labels.at<int>(std::clamp(local.y, 0, roi.height - 1), std::clamp(local.x, 0, roi.width - 1));
  if (label == 0) {
    int best = 0;
    for (int i = 1; i < n; ++i) {
      if (best == 0 || stats.at<int>(i, cv::CC_STAT_AREA) > stats.at<int>(best, cv::CC_STAT_AREA)) best = i;
    }
    label = best;
  }
  if (label == 0) return coarse;
  return {roi.x + centroids.at<double>(label, 0), roi.y + centroids.at<double>(label, 1)};
}

// The region where the code must be if the page lies as `page` says, in image pixels.
cv::Rect code_region(const std::array<cv::Point2d, 4>& page, double px_per_mm, cv::Size image) {
  const cv::Point2d ux = (page[1] - page[0]) * (1.0 / std::max(1.0, dist(page[0], page[1])));
  const cv::Point2d uy = (page[3] - page[0]) * (1.0 / std::max(1.0, dist(page[0], page[3])));
  std::vector<cv::Point2f> corners;
  for (double dx : {kQrLeft, kQrRight}) {
    for (double dy : {kQrTop, kQrBottom}) {
      const cv::Point2d p = page[1] + (ux * dx + uy * dy) * px_per_mm;
      corners.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
    }
  }
  return cv::boundingRect(corners) & cv::Rect(0, 0, image.width, image.height);
}

std::optional<config::BallotCode> read_code_in(const GraySource& scan, const cv::Rect& region, bool& saw_foreign_code) {
  if (region.width < 20 || region.height < 20) return std::nullopt;
  const cv::Mat crop = scan.region(region);
  const ZXing::ImageView view(crop.data, crop.cols, crop.rows, ZXing::ImageFormat::Lum, static_cast<int>(crop.step));
  // A quick look first; the thorough one only when that fails (a blurred or damaged code).
  for (const bool thorough : {false, true}) {
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode).setTryRotate(thorough).setTryHarder(thorough).setTryDownscale(thorough)
        .setMaxNumberOfSymbols(1);
    const ZXing::Result result = ZXing::ReadBarcode(view, hints);
    if (!result.isValid()) continue;
    auto code = config::decode_ballot_code(result.text());
    if (!code) saw_foreign_code = true;
    return code;
  }
  return std::nullopt;
}

}  // namespace

LocateOutcome locate_page(const GraySource& scan, const cv::Mat& small_dark, int reduction) {
  LocateOutcome outcome;
  const auto marks = pick_marks(square_candidates(small_dark));
  if (!marks) {
    // A page with almost no ink is the empty back of a one-sided ballot.
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(small_dark, labels, stats, centroids, 8, CV_32S);
    int inner_ink = 0;
    for (int i = 1; i < n; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (x == 0 || y == 0 || x + w >= small_dark.cols || y + h >= small_dark.rows) continue;
      inner_ink += stats.at<int>(i, cv::CC_STAT_AREA);
    }
    // 0.2% of the page: dust and a few specks, never a printed ballot (whose print covers ~5%).
    outcome.reason = inner_ink < 0.002 * static_cast<double>(small_dark.total()) ? Rejection::blank_side : Rejection::not_a_ballot;
    return outcome;
  }
  std::array<cv::Point2d, 4> image_order{};
  double side = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const cv::Point2d coarse = (*marks)[i].center * static_cast<double>(reduction);
    image_order[i] = refine_center(scan, coarse, (*marks)[i].side * reduction);
    side += (*marks)[i].side * reduction / 4.0;
  }
  const double px_per_mm = side / kMarkMm;
  bool saw_foreign_code = false;
  // Each rotation of the corner list is a way the sheet could have been fed; the short edge is
  // the top. The QR code decides between the two that remain; the region with more ink (a code
  // is half dark, the header text around the other corner far less) is tried first.
  struct Hypothesis {
    int r;
    std::array<cv::Point2d, 4> page;
    cv::Rect region;
    double ink;
  };
  std::vector<Hypothesis> hypotheses;
  for (int r = 0; r < 4; ++r) {
    std::array<cv::Point2d, 4> page{};
    for (int i = 0; i < 4; ++i) page[static_cast<std::size_t>(i)] = image_order[static_cast<std::size_t>((i + r) % 4)];
    if (dist(page[0], page[1]) > dist(page[1], page[2])) continue;
    const cv::Rect region = code_region(page, px_per_mm, scan.size());
    const cv::Rect small_region(region.x / reduction, region.y / reduction, std::max(1, region.width / reduction),
                                std::max(1, region.height / reduction));
    const cv::Rect clipped = small_region & cv::Rect(0, 0, small_dark.cols, small_dark.rows);
    const double ink = clipped.area() > 0 ? cv::countNonZero(small_dark(clipped)) / static_cast<double>(clipped.area()) : 0;
    hypotheses.push_back({r, page, region, ink});
  }
  std::stable_sort(hypotheses.begin(), hypotheses.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.ink > b.ink; });
  for (const auto& h : hypotheses) {
    if (auto code = read_code_in(scan, h.region, saw_foreign_code)) {
      outcome.page = LocatedPage{h.page, *code, 90 * h.r, side};
      return outcome;
    }
  }
  outcome.reason = saw_foreign_code ? Rejection::not_a_ballot : Rejection::unreadable_code;
  return outcome;
}

}  // namespace kp::recognition::internal
