#include "recognition/recognizer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <opencv2/imgproc.hpp>

#include "recognition/internal/page_locator.hpp"
#include "recognition/internal/page_math.hpp"
#include "recognition/internal/sheet_checks.hpp"
#include "recognition/internal/target_reader.hpp"

namespace kp::recognition {
namespace {

// Skew up to ±5° is what the decks prove; past 5.5° a side is refused rather than guessed.
constexpr double kMaxSkewDeg = 5.5;
// Scanners resolve within 1% of their nominal setting; a page printed or scanned "fit to page"
// is 3–7% small. Farther than 2.5% from every usual resolution is a scaled page.
constexpr double kMaxScaleDeviation = 0.025;
constexpr double kUsualDpi[] = {100, 150, 200, 240, 300, 400, 600};
// The marks are searched, and the sheet checked at 2 px/mm, on a copy 600–1,200 px on its long
// side: a 6 mm mark is still 9 px or more, and labelling the copy costs a quarter of the scan.
constexpr int kSearchLongSide = 1200;

cv::Mat to_mat(const ImageView& view) {
  return cv::Mat(view.height(), view.width(), view.format() == PixelFormat::gray8 ? CV_8UC1 : CV_8UC3,
                 const_cast<std::uint8_t*>(view.data()), static_cast<std::size_t>(view.row_stride()));
}

cv::Mat to_mat(const Image& image) { return to_mat(image.view()).clone(); }

struct SideModel {
  const config::ContestLayout* layout = nullptr;
  const config::SideLayout* side = nullptr;
  std::vector<internal::RowTemplate> rows;
  internal::SheetTemplate sheet;
};

}  // namespace

struct Recognizer::Impl {
  std::string election_id;
  std::vector<config::ContestLayout> layouts;
  // Keyed by contest, side and layout hash: a later round of a contest prints another list under
  // the same contest id, and only the hash in the code tells its ballots from the first round's.
  std::map<std::tuple<std::string, Side, std::string>, SideModel> sides;
};

Recognizer::Recognizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Recognizer::~Recognizer() = default;
Recognizer::Recognizer(Recognizer&&) noexcept = default;
Recognizer& Recognizer::operator=(Recognizer&&) noexcept = default;

const std::vector<config::ContestLayout>& Recognizer::layouts() const { return impl_->layouts; }

Result<Recognizer> Recognizer::create(const config::Election& election, std::vector<config::ContestLayout> layouts,
                                      const BlankProvider& blank) {
  // Images are recognised in parallel, one per thread; OpenCV's own workers would only compete.
  cv::setNumThreads(1);
  auto impl = std::make_unique<Impl>();
  impl->election_id = election.id;
  impl->layouts = std::move(layouts);
  for (const auto& layout : impl->layouts) {
    for (const auto& side : layout.sides) {
      auto work = blank(layout, side.side, internal::kWorkDpi);
      if (!work) return tl::unexpected(work.error());
      auto low = blank(layout, side.side, internal::kSheetDpi);
      if (!low) return tl::unexpected(low.error());
      SideModel model;
      model.layout = &layout;
      model.side = &side;
      model.rows = internal::build_row_templates(side, layout.ballot, to_mat(*work));
      model.sheet = internal::build_sheet_template(layout, side, to_mat(*low));
      impl->sides[{layout.contest_id, side.side, layout.short_hash()}] = std::move(model);
    }
  }
  return Recognizer(std::move(impl));
}

SideEvidence Recognizer::recognize(const ImageView& image) const {
  SideEvidence out;
  if (image.empty()) {
    out.reasons.push_back(Rejection::corrupt_image);
    return out;
  }
  const cv::Mat input = to_mat(image);
  const internal::GraySource scan(input);
  // A colour scan is either BGR (a PNG) or luma with its chroma planes (a JPEG).
  out.colour = scan.colour() || !image.chroma().empty();
  // The reduced copy is made from the scan as it is (reducing first, converting the colour of a
  // quarter of the pixels after); full-resolution gray is made only where needed.
  // Reduced by a power of two (area averaging stays on its fast path) to at most kSearchLongSide.
  const int long_side = std::max(input.cols, input.rows);
  int reduction = 1;
  while (long_side / reduction > kSearchLongSide) reduction *= 2;
  // Halving an even-sized image takes OpenCV's fast path for area averaging (4× faster on
  // colour than other factors); a pixel cut at the right or bottom edge is scanner bed. Colour
  // is halved once and converted; later halvings are on gray.
  const auto halve = [](const cv::Mat& m) {
    cv::Mat half;
    const cv::Mat even = m(cv::Rect(0, 0, m.cols & ~1, m.rows & ~1));
    cv::resize(even, half, cv::Size(even.cols / 2, even.rows / 2), 0, 0, cv::INTER_AREA);
    return half;
  };
  cv::Mat small = reduction > 1 ? halve(input) : input;
  if (small.channels() == 3) {
    cv::Mat gray_small;
    cv::cvtColor(small, gray_small, cv::COLOR_BGR2GRAY);
    small = gray_small;
  }
  for (int step = 2; step < reduction; step *= 2) small = halve(small);
  cv::Mat small_dark;
  cv::threshold(small, small_dark, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);

  const internal::LocateOutcome located = internal::locate_page(scan, small_dark, reduction);
  if (!located.page) {
    out.reasons.push_back(located.reason);
    return out;
  }
  const auto& page = *located.page;
  out.election_id = page.code.election_id;
  out.contest_id = page.code.contest_id;
  out.side = page.code.side;
  out.layout_hash = page.code.layout_hash;
  out.serial = page.code.serial;
  out.orientation_deg = page.orientation_deg;
  for (const auto& m : page.marks) out.marks_px.push_back({m.x, m.y});
  if (page.code.election_id != impl_->election_id) {
    out.reasons.push_back(Rejection::unknown_election);
    return out;
  }
  const auto it = impl_->sides.find({page.code.contest_id, page.code.side, page.code.layout_hash});
  if (it == impl_->sides.end()) {
    const bool contest_known = std::any_of(impl_->layouts.begin(), impl_->layouts.end(),
                                           [&](const auto& l) { return l.contest_id == page.code.contest_id; });
    out.reasons.push_back(contest_known ? Rejection::layout_mismatch : Rejection::unknown_election);
    return out;
  }
  const SideModel& model = it->second;
  const cv::Matx33d mm_to_image = internal::mm_to_image(*model.side, page.marks);
  // Mark spacing in millimetres, for the scale.
  const auto& lm = model.side->registration_marks;
  const double spacing_x_mm = lm[1].center().x - lm[0].center().x;
  const double spacing_y_mm = lm[2].center().y - lm[0].center().y;

  const cv::Point2d top = page.marks[1] - page.marks[0];
  double rotation = std::atan2(top.y, top.x) * 180.0 / CV_PI - page.orientation_deg;
  while (rotation > 180) rotation -= 360;
  while (rotation <= -180) rotation += 360;
  out.rotation_deg = rotation;
  const double spacing_x = std::hypot(top.x, top.y) / spacing_x_mm;
  const cv::Point2d left = page.marks[3] - page.marks[0];
  const double spacing_y = std::hypot(left.x, left.y) / spacing_y_mm;
  out.px_per_mm = (spacing_x + spacing_y) / 2;
  if (std::abs(rotation) > kMaxSkewDeg) {
    out.reasons.push_back(Rejection::too_skewed);
    return out;
  }
  const double dpi = out.px_per_mm * 25.4;
  double deviation = 1e9;
  for (double usual : kUsualDpi) deviation = std::min(deviation, std::abs(dpi - usual) / usual);
  if (deviation > kMaxScaleDeviation) {
    out.reasons.push_back(Rejection::wrong_scale);
    return out;
  }
  for (const auto& row : model.rows) out.targets.push_back(internal::read_row(row, scan, mm_to_image));
  internal::check_sheet(model.sheet, small, reduction, scan.colour() ? input : cv::Mat(), image.chroma(), mm_to_image, out);
  return out;
}

}  // namespace kp::recognition
