#pragma once
// Internal: findings about the whole sheet: the stamp, ink outside every target, scanner streaks.
#include <opencv2/core.hpp>

#include "common/evidence.hpp"
#include "common/image.hpp"
#include "config/layout.hpp"

namespace kp::recognition::internal {

// The page is checked at 51 dpi (2 px/mm): handwriting stays visible, the page costs 0.25 Mpx.
constexpr int kSheetDpi = 51;
inline double sheet_px_per_mm() { return kSheetDpi / 25.4; }

struct SheetTemplate {
  cv::Mat print;          // the blank's print, widened by 1 mm
  cv::Mat ignored;        // targets, stamp, code, marks and page edge: ink there is not "outside"
  cv::Mat write_in_zone;  // below the list, where a name would be added
  RectMm stamp_box;
  bool has_stamp = false;
  cv::Size size;
};

SheetTemplate build_sheet_template(const config::ContestLayout& layout, const config::SideLayout& side, const cv::Mat& blank_51dpi);

// `small` is the scan reduced `reduction` times; `colour` the full-resolution BGR scan or empty;
// `chroma` the chroma planes of a scan decoded to luma and chroma, or empty.
void check_sheet(const SheetTemplate& t, const cv::Mat& small, int reduction, const cv::Mat& colour, const ChromaView& chroma,
                 const cv::Matx33d& mm_to_image, SideEvidence& out);

}  // namespace kp::recognition::internal
