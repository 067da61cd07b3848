#pragma once
// Internal: measuring new ink on each target against the blank ballot.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "common/evidence.hpp"
#include "config/layout.hpp"
#include "recognition/internal/gray_source.hpp"

namespace kp::recognition::internal {

// Targets are compared with the blank at 200 dpi (7.9 px/mm): a 0.3 mm pencil line is 2.4 px
// wide, and a row of ten names costs about 0.3 megapixels to resample.
constexpr int kWorkDpi = 200;
inline double work_px_per_mm() { return kWorkDpi / 25.4; }

struct RowTemplate {
  std::string candidate_id;
  BallotForm form = BallotForm::strike;
  cv::Rect patch_px;   // the compared region, in pixels of the 200-dpi blank page
  cv::Mat blank;       // that region of the blank
  cv::Mat print_mask;  // the blank's print, widened to absorb blur and misregistration
  std::vector<double> blank_row_profile, blank_column_profile;  // the blank's darkness profiles, for alignment
  // Strike ballots, in patch pixels.
  cv::Rect name_box;
  int text_x0 = 0, text_x1 = 0;     // horizontal extent of the printed name
  double core_y0 = 0, core_y1 = 0;  // the body of the letters (x-height band)
  // Box ballots, in patch pixels.
  cv::Rect agree_cell, disagree_cell, agree_inner, disagree_inner;
};

// Prepares every row of a side from its blank at kWorkDpi.
std::vector<RowTemplate> build_row_templates(const config::SideLayout& side, BallotForm form, const cv::Mat& blank_page);

// Measures one row on the scan. `mm_to_image` maps page millimetres to scan pixels.
TargetEvidence read_row(const RowTemplate& row, const GraySource& scan, const cv::Matx33d& mm_to_image);

}  // namespace kp::recognition::internal
