#pragma once
// Internal: gray pixels of the scan, converted only where they are needed. A colour A4 scan at
// 200 dpi has 4.4 million pixels; the marks, the code and the targets use a tenth of them.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kp::recognition::internal {

class GraySource {
 public:
  explicit GraySource(const cv::Mat& input) : input_(input) {}

  [[nodiscard]] cv::Size size() const { return input_.size(); }
  [[nodiscard]] bool colour() const { return input_.channels() == 3; }
  [[nodiscard]] const cv::Mat& input() const { return input_; }

  // The gray pixels of `region` (clipped to the image); a view when the scan is gray already.
  [[nodiscard]] cv::Mat region(const cv::Rect& region) const {
    const cv::Rect r = region & cv::Rect(0, 0, input_.cols, input_.rows);
    if (r.area() == 0) return {};
    if (!colour()) return input_(r);
    cv::Mat gray;
    cv::cvtColor(input_(r), gray, cv::COLOR_BGR2GRAY);
    return gray;
  }

 private:
  cv::Mat input_;
};

}  // namespace kp::recognition::internal
