#include "recognition/overlay.hpp"

#include "recognition/internal/page_math.hpp"

#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kp::recognition {
namespace {

cv::Scalar colour_of(MarkState state) {
  switch (state) {
    case MarkState::struck: return {0, 0, 220};
    case MarkState::kept:
    case MarkState::agree: return {0, 170, 0};
    case MarkState::disagree: return {200, 80, 0};
    case MarkState::both:
    case MarkState::none: return {150, 0, 150};
    case MarkState::unclear: return {0, 140, 255};
  }
  return {0, 0, 0};
}

}  // namespace

Result<void> write_overlay(const std::string& path, const ImageView& scan, const SideEvidence& e,
                           const config::ContestLayout* layout, const Thresholds& t) {
  cv::Mat canvas;
  const cv::Mat input(scan.height(), scan.width(), scan.format() == PixelFormat::gray8 ? CV_8UC1 : CV_8UC3,
                      const_cast<std::uint8_t*>(scan.data()), static_cast<std::size_t>(scan.row_stride()));
  if (input.channels() == 1) {
    cv::cvtColor(input, canvas, cv::COLOR_GRAY2BGR);
  } else {
    canvas = input.clone();
  }
  const double scale = std::max(1.0, canvas.cols / 1600.0);
  std::string banner = e.ok() ? "ok " + e.contest_id + " " + std::string(to_string(e.side)) + " #" + std::to_string(e.serial)
                              : "rejected: " + std::string(to_string(e.reasons.front()));
  for (const auto f : sheet_flags(e, t)) banner += " " + std::string(to_string(f));
  cv::putText(canvas, banner, {20, static_cast<int>(40 * scale)}, cv::FONT_HERSHEY_SIMPLEX, 1.0 * scale, {0, 0, 255},
              static_cast<int>(2 * scale));
  const config::SideLayout* side = layout ? layout->find_side(e.side) : nullptr;
  if (e.ok() && side != nullptr && e.marks_px.size() == 4) {
    std::array<cv::Point2d, 4> marks{};
    for (std::size_t i = 0; i < 4; ++i) marks[i] = {e.marks_px[i].x, e.marks_px[i].y};
    const cv::Matx33d h = internal::mm_to_image(*side, marks);
    const auto project = [&](double x, double y) {
      const cv::Vec3d p = h * cv::Vec3d(x, y, 1);
      return cv::Point(static_cast<int>(p[0] / p[2]), static_cast<int>(p[1] / p[2]));
    };
    const auto outline = [&](const RectMm& r, cv::Scalar colour) {
      const std::vector<cv::Point> quad{project(r.x, r.y), project(r.right(), r.y), project(r.right(), r.bottom()), project(r.x, r.bottom())};
      cv::polylines(canvas, std::vector<std::vector<cv::Point>>{quad}, true, colour, static_cast<int>(2 * scale));
    };
    for (std::size_t i = 0; i < e.targets.size() && i < side->rows.size(); ++i) {
      const MarkDecision d = decide(e.targets[i], t);
      const auto& row = side->rows[i];
      const cv::Scalar colour = colour_of(d.state);
      if (row.agree_box && row.disagree_box) {
        outline(*row.agree_box, colour);
        outline(*row.disagree_box, colour);
      } else {
        outline(row.name_box, colour);
      }
      char label[64];
      std::snprintf(label, sizeof label, "%s %s %.2f", e.targets[i].candidate_id.c_str(), std::string(to_string(d.state)).c_str(), d.score);
      const RectMm& anchor = row.disagree_box ? *row.disagree_box : row.name_box;
      cv::putText(canvas, label, project(anchor.right() + 1, anchor.bottom() - 1), cv::FONT_HERSHEY_SIMPLEX, 0.5 * scale, colour,
                  static_cast<int>(std::max(1.0, scale)));
    }
  }
  if (!cv::imwrite(path, canvas)) {
    return fail("write_failed", {"Không ghi được ảnh kiểm tra", "Cannot write the overlay image"}, path);
  }
  return {};
}

}  // namespace kp::recognition
