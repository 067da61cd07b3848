#pragma once
// Internal: finding the page's four registration marks and reading its QR code where it must be.
#include <array>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "common/evidence.hpp"
#include "config/ballot_code.hpp"
#include "recognition/internal/gray_source.hpp"

namespace kp::recognition::internal {

struct LocatedPage {
  // Centres of the registration marks in image pixels, in page order: top-left, top-right,
  // bottom-right, bottom-left of the ballot as printed (whatever way it was fed).
  std::array<cv::Point2d, 4> marks;
  config::BallotCode code;
  int orientation_deg = 0;
  double mark_side_px = 0;
};

struct LocateOutcome {
  std::optional<LocatedPage> page;
  Rejection reason = Rejection::not_a_ballot;  // meaningful when page is empty
};

// `scan` gives the full-resolution pixels; `small_dark` is the binarisation (ink = 255) of the
// same image reduced `reduction` times, where the marks are searched.
LocateOutcome locate_page(const GraySource& scan, const cv::Mat& small_dark, int reduction);

}  // namespace kp::recognition::internal
