#pragma once
// Internal: small computations shared by the recognition stages and the overlay.
#include <array>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/geometry.hpp"
#include "config/layout.hpp"

namespace kp::recognition::internal {

// The paper's brightness: the 90th percentile of the pixels (a patch or a page is mostly paper,
// even when struck through), never below 64 so a black region is not taken for paper.
inline int paper_level(const cv::Mat& gray) {
  std::array<int, 256> histogram{};
  for (int y = 0; y < gray.rows; ++y) {
    const uchar* row = gray.ptr<uchar>(y);
    for (int x = 0; x < gray.cols; ++x) ++histogram[row[x]];
  }
  const auto target = static_cast<long>(0.9 * static_cast<double>(gray.total()));
  long seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += histogram[static_cast<std::size_t>(v)];
    if (seen >= target) return std::max(v, 64);
  }
  return 255;
}

// Page millimetres to scan pixels, from the side's registration marks and where they were found
// (image pixels in page order: top-left, top-right, bottom-right, bottom-left).
inline cv::Matx33d mm_to_image(const config::SideLayout& side, const std::array<cv::Point2d, 4>& marks_px) {
  // Layout marks are stored top-left, top-right, bottom-left, bottom-right.
  const auto& lm = side.registration_marks;
  const auto at = [](const RectMm& r) { return cv::Point2f(static_cast<float>(r.center().x), static_cast<float>(r.center().y)); };
  const std::array<cv::Point2f, 4> mm{at(lm[0]), at(lm[1]), at(lm[3]), at(lm[2])};
  std::array<cv::Point2f, 4> px{};
  for (std::size_t i = 0; i < 4; ++i) px[i] = cv::Point2f(static_cast<float>(marks_px[i].x), static_cast<float>(marks_px[i].y));
  return cv::Matx33d(cv::getPerspectiveTransform(mm.data(), px.data()));
}

}  // namespace kp::recognition::internal
