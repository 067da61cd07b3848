#include "sample_ballots/deck_generator.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <random>
#include <set>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "config/ballot_code.hpp"

namespace kp::synth {
namespace {

using config::ContestLayout;
using config::RowLayout;
using config::SideLayout;

// ---------------------------------------------------------------------------------------------
// Randomness. std::mt19937_64 is specified bit for bit by the standard, but the distributions
// are not, so every draw goes through these helpers to keep decks identical across libraries.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : engine_(seed) {}
  double uniform(double lo, double hi) {
    const double unit = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * unit;
  }
  int integer(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(engine_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  double normal(double mean, double sigma) {
    // Box–Muller from two uniforms; portable, unlike std::normal_distribution.
    const double u1 = std::max(uniform(0, 1), 1e-12);
    const double u2 = uniform(0, 1);
    return mean + sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(integer(0, static_cast<int>(v.size()) - 1))]; }
  std::uint64_t raw() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------------------------------------
// Ink. Colours are BGR as a scan shows them; `opacity` is how much light the stroke stops.
struct Ink {
  std::string name;
  cv::Scalar bgr;
  double opacity;
};

const std::vector<Ink>& inks() {
  static const std::vector<Ink> all{
      {"blue", cv::Scalar(165, 60, 30), 0.92},
      {"black", cv::Scalar(35, 35, 35), 0.95},
      {"red", cv::Scalar(40, 40, 190), 0.9},
      {"pencil", cv::Scalar(115, 115, 115), 0.55},  // light pencil: the faint case recognition must still see
  };
  return all;
}

// Strokes are drawn into a float coverage mask, then laid on the paper by multiplication, so
// ink over printed text darkens it as real ink does.
class InkLayer {
 public:
  InkLayer(cv::Size size, double px_per_mm) : coverage_(size, CV_32F, cv::Scalar(0)), px_per_mm_(px_per_mm) {}

  [[nodiscard]] double px(double mm) const { return mm * px_per_mm_; }
  cv::Point2f at(double x_mm, double y_mm) const { return {static_cast<float>(px(x_mm)), static_cast<float>(px(y_mm))}; }

  void polyline(const std::vector<cv::Point2f>& points_px, double width_mm) {
    std::vector<cv::Point> pts;
    pts.reserve(points_px.size());
    // Sub-pixel precision (4 fractional bits) keeps thin strokes smooth.
    for (const auto& p : points_px) pts.emplace_back(static_cast<int>(std::lround(p.x * 16)), static_cast<int>(std::lround(p.y * 16)));
    const int thickness = std::max(1, static_cast<int>(std::lround(px(width_mm))));
    cv::polylines(coverage_, std::vector<std::vector<cv::Point>>{pts}, false, cv::Scalar(1.0), thickness, cv::LINE_AA, 4);
  }

  void ellipse(cv::Point2f center, cv::Size2f axes, double angle_deg, double width_mm) {
    const int thickness = std::max(1, static_cast<int>(std::lround(px(width_mm))));
    cv::ellipse(coverage_, cv::RotatedRect(center, axes, static_cast<float>(angle_deg)), cv::Scalar(1.0), thickness, cv::LINE_AA);
  }

  void apply(cv::Mat& page_bgr, const Ink& ink) {
    cv::Mat cov;
    cv::min(coverage_, 1.0, cov);
    for (int y = 0; y < page_bgr.rows; ++y) {
      auto* row = page_bgr.ptr<cv::Vec3b>(y);
      const float* c = cov.ptr<float>(y);
      for (int x = 0; x < page_bgr.cols; ++x) {
        if (c[x] <= 0) continue;
        const double a = c[x] * ink.opacity;
        for (int k = 0; k < 3; ++k) {
          const double paper = row[x][k];
          const double inked = paper * ink.bgr[k] / 255.0;
          row[x][k] = cv::saturate_cast<uchar>(paper * (1 - a) + inked * a);
        }
      }
    }
    coverage_.setTo(0);
  }

 private:
  cv::Mat coverage_;
  double px_per_mm_;
};

// A hand-drawn line from a to b (mm): slight bow and tremor, optionally wavy.
std::vector<cv::Point2f> hand_line(const InkLayer& ink, Dice& dice, cv::Point2d a, cv::Point2d b, double wave_mm = 0,
                                   double wave_period_mm = 6) {
  const double length = std::hypot(b.x - a.x, b.y - a.y);
  const int steps = std::max(8, static_cast<int>(length / 0.7));
  const double bow = dice.uniform(-0.6, 0.6);
  const double phase = dice.uniform(0, 2 * std::numbers::pi);
  const cv::Point2d dir = (b - a) * (1.0 / std::max(length, 1e-6));
  const cv::Point2d normal(-dir.y, dir.x);
  std::vector<cv::Point2f> pts;
  double tremor = 0;
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    tremor = 0.8 * tremor + dice.normal(0, 0.05);
    double offset = bow * 4 * t * (1 - t) + tremor;
    if (wave_mm > 0) offset += wave_mm * std::sin(phase + 2 * std::numbers::pi * t * length / wave_period_mm);
    const cv::Point2d p = a + (b - a) * t + normal * offset;
    pts.push_back(ink.at(p.x, p.y));
  }
  return pts;
}

// Where the printed name sits inside its cell: left-aligned after a 2 mm padding, centred
// vertically, as the renderer draws it. The width is the layout's conservative estimate.
struct TextBand {
  double left, right, center_y, height;
};
TextBand name_band(const RowLayout& row) {
  const double width = config::estimated_text_width_mm(row.name, row.name_em_mm, false) * 0.88;
  return {row.name_cell.x + 2.0, row.name_cell.x + 2.0 + width, row.name_cell.y + row.name_cell.h / 2, row.name_em_mm * 0.75};
}

// ---------------------------------------------------------------------------------------------
// Voter marks on strike ballots.
const std::vector<std::string> kStrikeStyles{"straight", "wavy", "slanted", "double"};
const std::vector<std::string> kStrikeHardCases{"family_only", "half_line", "underline", "circle", "scribble",
                                                "struck_restored"};

void draw_strike(InkLayer& ink, Dice& dice, const RowLayout& row, const std::string& style, double width_mm) {
  const TextBand band = name_band(row);
  const double x0 = std::max(row.name_cell.x + 0.8, band.left - dice.uniform(1.0, 4.0));
  const double x1 = std::min(row.name_cell.right() - 0.8, band.right + dice.uniform(1.0, 6.0));
  const double y = band.center_y + dice.uniform(-0.5, 0.5);
  if (style == "straight") {
    ink.polyline(hand_line(ink, dice, {x0, y}, {x1, y + dice.uniform(-0.4, 0.4)}), width_mm);
  } else if (style == "wavy") {
    ink.polyline(hand_line(ink, dice, {x0, y}, {x1, y}, dice.uniform(0.4, 0.8), dice.uniform(4, 8)), width_mm);
  } else if (style == "slanted") {
    // Rises or falls across the name but stays within the row.
    const double rise = std::min(row.name_cell.h * 0.35, (x1 - x0) * std::tan(dice.uniform(2, 5) * std::numbers::pi / 180));
    const double sign = dice.chance(0.5) ? 1 : -1;
    ink.polyline(hand_line(ink, dice, {x0, y + sign * rise / 2}, {x1, y - sign * rise / 2}), width_mm);
  } else {  // double
    const double gap = dice.uniform(0.7, 1.1);
    ink.polyline(hand_line(ink, dice, {x0, y - gap / 2}, {x1, y - gap / 2}), width_mm);
    ink.polyline(hand_line(ink, dice, {x0 + dice.uniform(-1, 1), y + gap / 2}, {x1 + dice.uniform(-1, 1), y + gap / 2}), width_mm);
  }
}

void draw_strike_hard_case(InkLayer& ink, Dice& dice, const RowLayout& row, const std::string& kind, double width_mm) {
  const TextBand band = name_band(row);
  const double y = band.center_y + dice.uniform(-0.3, 0.3);
  if (kind == "family_only") {
    const auto space = row.name.find(' ');
    const std::string family = row.name.substr(0, space);
    const double w = config::estimated_text_width_mm(family, row.name_em_mm, false) * 0.88;
    ink.polyline(hand_line(ink, dice, {band.left - 1, y}, {band.left + w + 0.5, y}), width_mm);
  } else if (kind == "half_line") {
    const double stop = band.left + (band.right - band.left) * dice.uniform(0.35, 0.6);
    ink.polyline(hand_line(ink, dice, {band.left - 1.5, y}, {stop, y}), width_mm);
  } else if (kind == "underline") {
    const double yu = std::min(band.center_y + band.height * 0.75 + 0.5, row.name_cell.bottom() - 0.9);
    ink.polyline(hand_line(ink, dice, {band.left - 1, yu}, {band.right + 1, yu}), width_mm);
  } else if (kind == "circle") {
    const cv::Point2f c = ink.at((band.left + band.right) / 2, band.center_y);
    const cv::Size2f axes(static_cast<float>(ink.px(band.right - band.left + 5)), static_cast<float>(ink.px(row.name_cell.h * 0.85)));
    ink.ellipse(c, axes, dice.uniform(-3, 3), width_mm);
  } else if (kind == "scribble") {
    std::vector<cv::Point2f> pts;
    const double start = band.left + dice.uniform(0, 8);
    const double stop = std::min(band.right, start + dice.uniform(8, 16));
    for (double x = start; x < stop; x += dice.uniform(0.8, 1.6)) {
      pts.push_back(ink.at(x, band.center_y + dice.uniform(-band.height * 0.7, band.height * 0.7)));
    }
    ink.polyline(pts, width_mm);
  } else {  // struck_restored: struck through, then a tick and dots under it to take it back
    draw_strike(ink, dice, row, "straight", width_mm);
    const double tx = std::min(row.name_cell.right() - 5, band.right + 4);
    ink.polyline({ink.at(tx, band.center_y), ink.at(tx + 1.2, band.center_y + 1.5), ink.at(tx + 3.5, band.center_y - 2)}, width_mm);
    for (double x = band.left; x < band.right; x += 2.5) {
      const double yd = std::min(band.center_y + band.height * 0.8, row.name_cell.bottom() - 1.0);
      ink.polyline({ink.at(x, yd), ink.at(x + 0.3, yd)}, width_mm * 1.3);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Voter marks on box ballots.
void draw_box_mark(InkLayer& ink, Dice& dice, const RectMm& box, const std::string& style, double width_mm) {
  const double mx = box.w * dice.uniform(0.18, 0.3);
  const double my = box.h * dice.uniform(0.15, 0.25);
  const double l = box.x + mx, r = box.right() - mx, t = box.y + my, b = box.bottom() - my;
  if (style == "x") {
    ink.polyline(hand_line(ink, dice, {l, t}, {r, b}), width_mm);
    ink.polyline(hand_line(ink, dice, {r + dice.uniform(-0.5, 0.5), t}, {l, b + dice.uniform(-0.5, 0.5)}), width_mm);
  } else {  // check
    const double mid_x = l + (r - l) * 0.35;
    std::vector<cv::Point2f> pts = hand_line(ink, dice, {l, t + (b - t) * 0.55}, {mid_x, b});
    const auto up = hand_line(ink, dice, {mid_x, b}, {r, t});
    pts.insert(pts.end(), up.begin() + 1, up.end());
    ink.polyline(pts, width_mm);
  }
}

// ---------------------------------------------------------------------------------------------
// Ink outside every target.
void draw_handwriting(InkLayer& ink, Dice& dice, double x, double y, double length_mm, double height_mm, double width_mm) {
  std::vector<cv::Point2f> pts;
  double t = 0;
  for (double cx = x; cx < x + length_mm; cx += 0.25) {
    t += 0.25;
    const double loop = std::sin(t * 2.2) * height_mm * 0.5 + std::sin(t * 0.9) * height_mm * 0.2;
    pts.push_back(ink.at(cx + 0.6 * std::cos(t * 2.2), y + loop));
    if (dice.chance(0.02) && pts.size() > 4) {  // pen lifted between words
      ink.polyline(pts, width_mm);
      pts.clear();
      cx += dice.uniform(1.5, 3);
    }
  }
  if (pts.size() > 1) ink.polyline(pts, width_mm);
}

// The red round stamp of the convening committee, pressed over the stamp area.
void draw_stamp(cv::Mat& page, Dice& dice, const RectMm& box, double px_per_mm) {
  cv::Mat mask(page.size(), CV_32F, cv::Scalar(0));
  const cv::Point2f c(static_cast<float>((box.x + box.w / 2 + dice.uniform(-3, 3)) * px_per_mm),
                      static_cast<float>((box.y + box.h / 2 + dice.uniform(-2, 2)) * px_per_mm));
  const double r = dice.uniform(14, 16) * px_per_mm;
  const auto thick = [&](double mm) { return std::max(1, static_cast<int>(std::lround(mm * px_per_mm))); };
  cv::circle(mask, c, static_cast<int>(r), cv::Scalar(1), thick(0.8), cv::LINE_AA);
  cv::circle(mask, c, static_cast<int>(r * 0.72), cv::Scalar(1), thick(0.4), cv::LINE_AA);
  // Lettering around the ring, as short radial ticks.
  for (int i = 0; i < 36; ++i) {
    const double a = 2 * std::numbers::pi * i / 36;
    const cv::Point2f p1(c.x + static_cast<float>(r * 0.8 * std::cos(a)), c.y + static_cast<float>(r * 0.8 * std::sin(a)));
    const cv::Point2f p2(c.x + static_cast<float>(r * 0.92 * std::cos(a)), c.y + static_cast<float>(r * 0.92 * std::sin(a)));
    cv::line(mask, p1, p2, cv::Scalar(1), thick(0.35), cv::LINE_AA);
  }
  // The star in the centre.
  std::vector<cv::Point> star;
  for (int i = 0; i < 10; ++i) {
    const double a = -std::numbers::pi / 2 + std::numbers::pi * i / 5;
    const double rr = (i % 2 == 0 ? 0.4 : 0.16) * r;
    star.emplace_back(static_cast<int>(c.x + rr * std::cos(a)), static_cast<int>(c.y + rr * std::sin(a)));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{star}, cv::Scalar(1), cv::LINE_AA);
  const double strength = dice.uniform(0.55, 0.85);  // stamp pads run dry
  const cv::Vec3d red(50, 45, 205);
  for (int y = 0; y < page.rows; ++y) {
    auto* row = page.ptr<cv::Vec3b>(y);
    const float* m = mask.ptr<float>(y);
    for (int x = 0; x < page.cols; ++x) {
      if (m[x] <= 0) continue;
      const double a = std::min(1.0f, m[x]) * strength;
      for (int k = 0; k < 3; ++k) row[x][k] = cv::saturate_cast<uchar>(row[x][k] * (1 - a) + row[x][k] * red[k] / 255.0 * a);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scanner and paper.
struct Degradation {
  int dpi = 200;
  double rotation_deg = 0;
  double scale = 1;
  double shift_x_mm = 0;
  double shift_y_mm = 0;
  double perspective = 0;  // corner displacement as a share of the page size
  bool upside_down = false;
  double blur_sigma_px = 0;
  double noise_sigma = 0;
  double lighting_drop = 0;  // darkest corner's share of light lost
  bool colour = true;
  bool jpeg = true;
  int jpeg_quality = 90;
  int background = 60;       // scanner lid / bed grey around the page
};

Degradation draw_degradation(Dice& dice) {
  Degradation d;
  const std::vector<int> dpis{150, 200, 200, 240, 300};
  d.dpi = dice.pick(dpis);
  d.rotation_deg = dice.uniform(-4, 4);
  d.scale = dice.uniform(0.985, 1.015);
  d.shift_x_mm = dice.uniform(-4, 4);
  d.shift_y_mm = dice.uniform(-4, 4);
  d.perspective = dice.uniform(0, 0.004);
  d.upside_down = dice.chance(0.1);
  d.blur_sigma_px = dice.uniform(0, 1.1);
  d.noise_sigma = dice.uniform(1, 5);
  d.lighting_drop = dice.uniform(0, 0.15);
  d.colour = dice.chance(0.7);
  d.jpeg = dice.chance(0.88);
  // Sensor noise makes lossless colour scans 4 MB each; the lossless ones are gray, as
  // archival scanner profiles usually are, which keeps a committed deck small.
  if (!d.jpeg) d.colour = false;
  d.jpeg_quality = dice.integer(60, 95);
  d.background = dice.chance(0.5) ? dice.integer(20, 80) : dice.integer(225, 245);
  return d;
}

cv::Mat degrade(const cv::Mat& page, double master_px_per_mm, const Degradation& d, Dice& dice) {
  const double out_px_per_mm = d.dpi / 25.4;
  const double k = out_px_per_mm / master_px_per_mm;
  const double border_mm = 8;  // the scan shows the bed around the sheet, the whole sheet
  const double page_w = page.cols * k, page_h = page.rows * k;
  // Page corners after rotation about the centre, scale and perspective; then the scan area is
  // the sheet's bounding box plus the bed border, with the sheet shifted inside it.
  const double theta = (d.rotation_deg + (d.upside_down ? 180.0 : 0.0)) * std::numbers::pi / 180;
  const std::array<cv::Point2f, 4> src{cv::Point2f(0, 0), cv::Point2f(static_cast<float>(page.cols), 0),
                                       cv::Point2f(static_cast<float>(page.cols), static_cast<float>(page.rows)),
                                       cv::Point2f(0, static_cast<float>(page.rows))};
  std::array<cv::Point2d, 4> turned{};
  double min_x = 1e18, min_y = 1e18, max_x = -1e18, max_y = -1e18;
  for (std::size_t i = 0; i < 4; ++i) {
    const double x = (src[i].x - page.cols / 2.0) * k * d.scale;
    const double y = (src[i].y - page.rows / 2.0) * k * d.scale;
    const double jitter_x = dice.uniform(-1, 1) * d.perspective * page_w;
    const double jitter_y = dice.uniform(-1, 1) * d.perspective * page_h;
    turned[i] = {x * std::cos(theta) - y * std::sin(theta) + jitter_x, x * std::sin(theta) + y * std::cos(theta) + jitter_y};
    min_x = std::min(min_x, turned[i].x);
    max_x = std::max(max_x, turned[i].x);
    min_y = std::min(min_y, turned[i].y);
    max_y = std::max(max_y, turned[i].y);
  }
  const double border_px = border_mm * out_px_per_mm;
  const double slack_x = std::abs(d.shift_x_mm) * out_px_per_mm, slack_y = std::abs(d.shift_y_mm) * out_px_per_mm;
  const cv::Size out_size(static_cast<int>(std::lround(max_x - min_x + 2 * border_px + slack_x)),
                          static_cast<int>(std::lround(max_y - min_y + 2 * border_px + slack_y)));
  const double offset_x = border_px - min_x + (d.shift_x_mm > 0 ? slack_x : 0);
  const double offset_y = border_px - min_y + (d.shift_y_mm > 0 ? slack_y : 0);
  std::array<cv::Point2f, 4> dst{};
  for (std::size_t i = 0; i < 4; ++i) {
    dst[i] = cv::Point2f(static_cast<float>(turned[i].x + offset_x), static_cast<float>(turned[i].y + offset_y));
  }
  const cv::Mat h = cv::getPerspectiveTransform(src.data(), dst.data());
  cv::Mat out;
  // INTER_AREA is not available for warps; a light pre-blur stands in for the scanner's optics
  // and keeps thin strokes from aliasing away when the resolution drops by half.
  cv::Mat smoothed;
  const double pre_sigma = std::max(0.0, 0.5 / k - 0.3);
  if (pre_sigma > 0.05) {
    cv::GaussianBlur(page, smoothed, cv::Size(0, 0), pre_sigma);
  } else {
    smoothed = page;
  }
  cv::warpPerspective(smoothed, out, h, out_size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                      cv::Scalar(d.background, d.background, d.background));
  if (d.blur_sigma_px > 0.05) cv::GaussianBlur(out, out, cv::Size(0, 0), d.blur_sigma_px);
  // Uneven lighting: a smooth ramp from one corner, and noise from the sensor.
  cv::Mat light(out.size(), CV_32F);
  const double ax = dice.uniform(-1, 1), ay = dice.uniform(-1, 1);
  for (int y = 0; y < out.rows; ++y) {
    float* l = light.ptr<float>(y);
    for (int x = 0; x < out.cols; ++x) {
      const double u = (ax * x / out.cols + ay * y / out.rows + 2) / 4;  // 0.25 … 0.75
      l[x] = static_cast<float>(1.0 - d.lighting_drop * u * 2);
    }
  }
  cv::Mat noise(out.size(), CV_32F);
  cv::RNG rng(static_cast<std::uint64_t>(dice.raw()));  // cv::RNG is specified and portable
  rng.fill(noise, cv::RNG::NORMAL, 0, d.noise_sigma);
  cv::Mat result(out.size(), CV_8UC3);
  for (int y = 0; y < out.rows; ++y) {
    const auto* src_row = out.ptr<cv::Vec3b>(y);
    auto* dst_row = result.ptr<cv::Vec3b>(y);
    const float* l = light.ptr<float>(y);
    const float* n = noise.ptr<float>(y);
    for (int x = 0; x < out.cols; ++x) {
      for (int c = 0; c < 3; ++c) dst_row[x][c] = cv::saturate_cast<uchar>(src_row[x][c] * l[x] + n[x]);
    }
  }
  if (!d.colour) {
    cv::Mat gray;
    cv::cvtColor(result, gray, cv::COLOR_BGR2GRAY);
    return gray;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// One sheet: what the voter does, decided before anything is drawn.
struct SheetPlan {
  std::map<std::string, TargetTruth> targets;  // by candidate id
  std::vector<std::string> flags;
  bool stamp = true;
  bool write_in = false;
  bool signature = false;
  std::string hard_candidate;  // the row carrying a hard case, if any
  std::string hard_kind;
  std::string ink;  // one pen per voter
};

// Hard cases are dealt in turn rather than drawn, so even a small deck holds every kind.
struct HardCaseTurns {
  std::size_t strike = 0;
  std::size_t box = 0;
  std::size_t sheets = 0;  // hard sheets so far: every third also has a written-in name, every fourth a signature
};

SheetPlan plan_sheet(const config::Contest& contest, int sheet, Dice& dice, double hard_share, HardCaseTurns& turns) {
  SheetPlan plan;
  const Ink& ink = inks()[static_cast<std::size_t>(dice.integer(0, static_cast<int>(inks().size()) - 1))];
  plan.ink = ink.name;
  const int n = static_cast<int>(contest.candidates.size());
  const bool hard = dice.chance(hard_share);
  if (contest.ballot == BallotForm::strike) {
    // Most voters strike exactly the surplus; some strike more; a few strike none or all.
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    for (int i = n - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(dice.integer(0, i))]);
    int strikes = std::max(0, contest.surplus());
    const double r = dice.uniform(0, 1);
    if (r < 0.25) strikes = std::min(n, strikes + dice.integer(1, 3));
    else if (r < 0.3) strikes = 0;
    else if (r < 0.33) strikes = n;
    for (int i = 0; i < n; ++i) {
      const auto& cand = contest.candidates[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
      TargetTruth t{cand.id, "kept", "none", ""};
      if (i < strikes) t = {cand.id, "struck", dice.pick(kStrikeStyles), ink.name};
      plan.targets[cand.id] = t;
    }
    if (hard) {
      const auto& cand = contest.candidates[static_cast<std::size_t>(dice.integer(0, n - 1))];
      plan.hard_candidate = cand.id;
      plan.hard_kind = kStrikeHardCases[turns.strike++ % kStrikeHardCases.size()];
      plan.targets[cand.id] = {cand.id, "ambiguous", plan.hard_kind, ink.name};
    }
  } else {
    for (const auto& cand : contest.candidates) {
      const double r = dice.uniform(0, 1);
      const std::string style = dice.chance(0.6) ? "x" : "check";
      TargetTruth t{cand.id, "agree", style, ink.name};
      if (r < 0.25) t.intended = "disagree";
      else if (r < 0.28) t = {cand.id, "none", "none", ""};
      else if (r < 0.3) t.intended = "both";
      plan.targets[cand.id] = t;
    }
    if (hard) {
      const auto& cand = contest.candidates[static_cast<std::size_t>(dice.integer(0, n - 1))];
      plan.hard_candidate = cand.id;
      plan.hard_kind = (turns.box++ % 2 == 0) ? "across_both" : "scribbled_over";
      plan.targets[cand.id] = {cand.id, "ambiguous", plan.hard_kind, ink.name};
    }
  }
  plan.stamp = sheet % 7 != 3;  // about one ballot in seven arrives without the stamp
  if (hard) {
    ++turns.sheets;
    plan.write_in = turns.sheets % 3 == 0;
    plan.signature = turns.sheets % 4 == 2;
  }
  if (!plan.stamp) plan.flags.push_back("no_stamp");
  if (plan.write_in) plan.flags.push_back("write_in");
  if (plan.signature) plan.flags.push_back("identifying_mark");
  return plan;
}

const Ink& ink_named(const std::string& name) {
  for (const auto& ink : inks()) {
    if (ink.name == name) return ink;
  }
  return inks().front();
}

void mark_side(cv::Mat& page, const SideLayout& side, const ContestLayout& layout, const SheetPlan& plan, Dice& dice,
               double px_per_mm) {
  InkLayer layer(page.size(), px_per_mm);
  const double width_mm = dice.uniform(0.3, 0.8);  // ballpoint 0.3 mm up to a felt pen
  for (const auto& row : side.rows) {
    const auto it = plan.targets.find(row.candidate_id);
    if (it == plan.targets.end()) continue;
    const TargetTruth& t = it->second;
    if (layout.ballot == BallotForm::strike) {
      if (t.intended == "struck") draw_strike(layer, dice, row, t.mark, width_mm);
      if (t.intended == "ambiguous") draw_strike_hard_case(layer, dice, row, t.mark, width_mm);
    } else if (row.agree_box && row.disagree_box) {
      if (t.intended == "agree" || t.intended == "both") draw_box_mark(layer, dice, *row.agree_box, t.mark, width_mm);
      if (t.intended == "disagree" || t.intended == "both") draw_box_mark(layer, dice, *row.disagree_box, t.mark, width_mm);
      if (t.intended == "ambiguous") {
        if (t.mark == "across_both") {
          const double y = row.agree_box->center().y + dice.uniform(-1, 1);
          layer.polyline(hand_line(layer, dice, {row.agree_box->x + row.agree_box->w * 0.5, y},
                                   {row.disagree_box->x + row.disagree_box->w * 0.5, y + dice.uniform(-1, 1)}),
                         width_mm);
        } else {  // an X in one box, then scribbled over
          const RectMm& box = dice.chance(0.5) ? *row.agree_box : *row.disagree_box;
          draw_box_mark(layer, dice, box, "x", width_mm);
          std::vector<cv::Point2f> pts;
          for (double x = box.x + 2; x < box.right() - 2; x += 0.9) pts.push_back(layer.at(x, box.y + dice.uniform(1, box.h - 1)));
          layer.polyline(pts, width_mm);
        }
      }
    }
  }
  if (side.side == Side::front) {
    const double free_top = side.rows.empty() ? 80 : side.rows.back().name_cell.bottom() + 6;
    if (plan.write_in && free_top + 8 < layout.paper_height_mm - 20) {
      draw_handwriting(layer, dice, side.rows.front().name_cell.x + 4, free_top + 3, dice.uniform(25, 45), 2.5, width_mm);
    }
    if (plan.signature) {
      const double y = std::min(free_top + 12, layout.paper_height_mm - 24);
      draw_handwriting(layer, dice, layout.paper_width_mm - 60, y, dice.uniform(18, 28), 5, width_mm);
    }
  }
  layer.apply(page, ink_named(plan.ink));
}

std::string image_name(int sheet, Side side, bool jpeg) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%s.%s", sheet, side == Side::front ? "front" : "back", jpeg ? "jpg" : "png");
  return buf;
}

// Replaces the template's QR code (serial 0) with the sheet's own.
void stamp_serial(cv::Mat& page, const SideLayout& side, const ContestLayout& layout, std::uint32_t serial, double px_per_mm) {
  const RectMm& box = side.qr_box;
  cv::rectangle(page, cv::Point(static_cast<int>(box.x * px_per_mm), static_cast<int>(box.y * px_per_mm)),
                cv::Point(static_cast<int>(std::ceil(box.right() * px_per_mm)), static_cast<int>(std::ceil(box.bottom() * px_per_mm))),
                cv::Scalar(255, 255, 255), cv::FILLED);
  const config::BallotCode code{layout.election_id, layout.contest_id, side.side, layout.short_hash(), serial};
  const config::QrMatrix m = config::qr_matrix(config::encode_ballot_code(code));
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size; ++x) {
      if (!m.at(x, y)) continue;
      const RectMm module = config::qr_module_box(box, m, x, y);
      const double l = module.x * px_per_mm;
      const double t = module.y * px_per_mm;
      const double s = module.w * px_per_mm;
      cv::rectangle(page, cv::Point(static_cast<int>(std::lround(l)), static_cast<int>(std::lround(t))),
                    cv::Point(static_cast<int>(std::lround(l + s)) - 1, static_cast<int>(std::lround(t + s)) - 1),
                    cv::Scalar(0, 0, 0), cv::FILLED);
    }
  }
}

}  // namespace

std::string truth_json_line(const SideTruth& t) {
  nlohmann::ordered_json j;
  j["image"] = t.image;
  j["sheet"] = t.sheet;
  j["contest_id"] = t.contest_id;
  j["side"] = to_string(t.side);
  j["serial"] = t.serial;
  j["dpi"] = t.dpi;
  j["rotation_deg"] = std::round(t.rotation_deg * 100) / 100;
  j["upside_down"] = t.upside_down;
  j["colour"] = t.colour;
  j["format"] = t.format;
  j["stamped"] = t.stamped;
  if (t.format == "jpeg") j["jpeg_quality"] = t.jpeg_quality;
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const auto& target : t.targets) {
    targets.push_back({{"candidate_id", target.candidate_id}, {"intended", target.intended}, {"mark", target.mark}, {"ink", target.ink}});
  }
  j["targets"] = std::move(targets);
  j["flags"] = t.flags;
  return j.dump();
}

Result<DeckSummary> write_deck(const config::Election& election, const std::vector<ContestLayout>& layouts,
                               const BlankProvider& blank, const DeckOptions& options, const std::string& out_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return fail("write_failed", {"Không tạo được thư mục", "Cannot create the folder"}, out_dir);
  if (layouts.empty() || options.sheets < 1) {
    return fail("empty_deck", {"Không có cuộc bầu hay số tờ nào để tạo", "No contest or sheet to generate"});
  }
  const double px_per_mm = options.master_dpi / 25.4;
  // Blank templates, rendered once per side, in colour for the stamp and the ink.
  std::map<std::pair<std::string, Side>, cv::Mat> templates;
  for (const auto& layout : layouts) {
    for (const auto& side : layout.sides) {
      auto image = blank(layout, side.side, options.master_dpi);
      if (!image) return tl::unexpected(image.error());
      const cv::Mat gray(image->height(), image->width(), CV_8UC1, const_cast<std::uint8_t*>(image->data()),
                         static_cast<std::size_t>(image->row_stride()));
      cv::Mat bgr;
      cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
      templates[{layout.contest_id, side.side}] = bgr;
    }
  }
  Dice dice(options.seed);
  HardCaseTurns hard_turns;
  std::set<std::uint32_t> serials;
  const std::string truth_path = (fs::path(out_dir) / "truth.jsonl").string();
  std::ofstream truth(truth_path, std::ios::binary | std::ios::trunc);
  if (!truth) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, truth_path);
  DeckSummary summary;
  summary.truth_path = truth_path;
  for (int sheet = 1; sheet <= options.sheets; ++sheet) {
    const ContestLayout& layout = layouts[static_cast<std::size_t>(sheet - 1) % layouts.size()];
    const config::Contest* contest = election.find_contest(layout.contest_id);
    if (contest == nullptr) return fail("unknown_contest", {"Không có cuộc bầu " + layout.contest_id, "No contest " + layout.contest_id});
    std::uint32_t serial = 0;
    do {
      serial = static_cast<std::uint32_t>(10'000'000 + dice.raw() % 90'000'000);
    } while (!serials.insert(serial).second);
    const SheetPlan plan = plan_sheet(*contest, sheet, dice, options.hard_case_share, hard_turns);
    for (const auto& side : layout.sides) {
      cv::Mat page = templates.at({layout.contest_id, side.side}).clone();
      stamp_serial(page, side, layout, serial, px_per_mm);
      if (side.side == Side::front && plan.stamp) draw_stamp(page, dice, side.stamp_box, px_per_mm);
      mark_side(page, side, layout, plan, dice, px_per_mm);
      const Degradation d = draw_degradation(dice);
      const cv::Mat scan = degrade(page, px_per_mm, d, dice);
      SideTruth t;
      t.image = image_name(sheet, side.side, d.jpeg);
      t.sheet = sheet;
      t.contest_id = layout.contest_id;
      t.side = side.side;
      t.serial = serial;
      t.dpi = d.dpi;
      t.rotation_deg = d.rotation_deg;
      t.upside_down = d.upside_down;
      t.colour = d.colour;
      t.format = d.jpeg ? "jpeg" : "png";
      t.jpeg_quality = d.jpeg_quality;
      for (const auto& row : side.rows) {
        const auto it = plan.targets.find(row.candidate_id);
        if (it != plan.targets.end()) t.targets.push_back(it->second);
      }
      t.stamped = plan.stamp;
      if (side.side == Side::front) {
        t.flags = plan.flags;
        // A gray scan cannot show the red stamp: the truth says what recognition can know.
        if (!d.colour) {
          t.flags.erase(std::remove(t.flags.begin(), t.flags.end(), "no_stamp"), t.flags.end());
          t.flags.push_back("stamp_not_checked");
        }
      }
      std::vector<int> params;
      if (d.jpeg) params = {cv::IMWRITE_JPEG_QUALITY, d.jpeg_quality};
      std::vector<uchar> bytes;
      if (!cv::imencode(d.jpeg ? ".jpg" : ".png", scan, bytes, params)) {
        return fail("encode_failed", {"Không mã hóa được ảnh", "Cannot encode the image"}, t.image);
      }
      const auto path = fs::path(out_dir) / t.image;
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!out) return fail("write_failed", {"Không ghi được tệp ảnh", "Cannot write the image file"}, path.string());
      truth << truth_json_line(t) << '\n';
      ++summary.images;
    }
    ++summary.sheets;
  }
  truth.flush();
  if (!truth) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, truth_path);
  return summary;
}

}  // namespace kp::synth
