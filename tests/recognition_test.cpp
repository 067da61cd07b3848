// Recognition: the committed deck within its budgets, every rejection reason on an image made
// to deserve it, any orientation, marks drawn by the test, sheet flags, thresholds that
// re-decide stored evidence, and the same answer from any number of threads.
#include <fstream>
#include <future>
#include <thread>

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "printing/ballot_renderer.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/image_io.hpp"
#include "recognition/recognizer.hpp"
#include "sample_ballots/deck_scoring.hpp"
#include "test_support.hpp"

namespace kp::recognition {
namespace {

namespace fs = std::filesystem;

Result<Image> blank_provider(const config::ContestLayout& layout, Side side, int dpi) {
  return printing::render_side(layout, side, dpi, 0);
}

const Recognizer& recognizer() {
  static const Recognizer r = [] {
    auto created = Recognizer::create(*test::example_election(), test::example_layouts(), blank_provider);
    if (!created) throw std::runtime_error(created.error().message.en);
    return std::move(*created);
  }();
  return r;
}

const config::ContestLayout& layout_of(const std::string& contest_id) {
  const auto& all = recognizer().layouts();
  return *std::find_if(all.begin(), all.end(), [&](const auto& l) { return l.contest_id == contest_id; });
}

// Pages are drawn at 200 dpi unless a test says otherwise; the test's marks follow.
int g_dpi = 200;

// A printed ballot as a scanner would deliver it: the page at `dpi` on a gray bed, BGR.
cv::Mat printed(const std::string& contest_id, int dpi = 200, std::uint32_t serial = 4242) {
  g_dpi = dpi;
  const auto image = printing::render_side(layout_of(contest_id), Side::front, dpi, serial);
  EXPECT_TRUE(image.has_value());
  const cv::Mat gray(image->height(), image->width(), CV_8UC1, const_cast<std::uint8_t*>(image->data()));
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  cv::copyMakeBorder(bgr, bgr, 40, 40, 40, 40, cv::BORDER_CONSTANT, cv::Scalar(60, 60, 60));
  return bgr;
}


cv::Point to_px(const cv::Mat& page, double x_mm, double y_mm) {
  (void)page;
  return {static_cast<int>(std::lround(mm_to_px(x_mm, g_dpi))) + 40, static_cast<int>(std::lround(mm_to_px(y_mm, g_dpi))) + 40};
}

void stamp(cv::Mat& page, const config::ContestLayout& layout) {
  const RectMm box = layout.sides[0].stamp_box;
  cv::circle(page, to_px(page, box.center().x, box.center().y), static_cast<int>(mm_to_px(13, g_dpi)), cv::Scalar(40, 40, 200),
             static_cast<int>(mm_to_px(1, g_dpi)));
}

SideEvidence read(const cv::Mat& m) {
  const ImageView view(m.data, m.cols, m.rows, m.channels() == 1 ? PixelFormat::gray8 : PixelFormat::bgr8, static_cast<int>(m.step));
  return recognizer().recognize(view);
}

MarkState state_of(const SideEvidence& e, const std::string& candidate) {
  const Thresholds t;
  for (const auto& target : e.targets) {
    if (target.candidate_id == candidate) return decide(target, t).state;
  }
  ADD_FAILURE() << "no target " << candidate;
  return MarkState::unclear;
}

const config::RowLayout& row_of(const std::string& contest_id, const std::string& candidate) {
  const auto& rows = layout_of(contest_id).sides[0].rows;
  return *std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.candidate_id == candidate; });
}

void strike(cv::Mat& page, const config::RowLayout& row, double share = 1.0) {
  const double y = row.name_cell.y + row.name_cell.h / 2 - 0.3;
  const double x0 = row.name_cell.x + 1.0;
  const double text = config::estimated_text_width_mm(row.name, row.name_em_mm, false) * 0.9 + 2.0;
  const int pen = static_cast<int>(std::lround(mm_to_px(0.5, g_dpi)));
  cv::line(page, to_px(page, x0, y), to_px(page, x0 + (text + 3) * share, y + 0.3), cv::Scalar(150, 40, 20), pen, cv::LINE_AA);
}

void cross(cv::Mat& page, const RectMm& box) {
  const RectMm b = box.inset(2.0);
  cv::line(page, to_px(page, b.x, b.y), to_px(page, b.right(), b.bottom()), cv::Scalar(150, 40, 20), 4, cv::LINE_AA);
  cv::line(page, to_px(page, b.right(), b.y), to_px(page, b.x, b.bottom()), cv::Scalar(150, 40, 20), 4, cv::LINE_AA);
}

// ---------------------------------------------------------------------------------------------
// The committed deck, in the manner of zxing-cpp's blackbox tests: budgets are assertions.
TEST(RecognitionCorpus, CommittedDeckMeetsItsBudgets) {
  const std::string deck = test::source_path("sample_ballots/deck");
  const auto truth = synth::read_truth(deck + "/truth.jsonl");
  ASSERT_TRUE(truth.has_value());
  synth::DeckScore score;
  for (const auto& t : *truth) {
    const auto image = read_image_file(deck + "/" + t.image);
    ASSERT_TRUE(image.has_value()) << t.image;
    synth::score_side(t, recognizer().recognize(image->view()), Thresholds{}, score);
  }
  std::cout << synth::format_score(score);
  EXPECT_EQ(score.sides, static_cast<int>(truth->size()));
  EXPECT_EQ(score.rejected, 0);
  EXPECT_EQ(score.wrong, 0) << "a wrong automatic decision";
  EXPECT_EQ(score.ambiguous_decided, 0) << "an ambiguous mark decided without the committee";
  EXPECT_LE(score.clear_unclear_share(), 0.01);
  EXPECT_EQ(score.flags_missed, 0);
  EXPECT_GT(score.clear_marks, 200);
  EXPECT_GT(score.ambiguous_marks, 10);
}

// ---------------------------------------------------------------------------------------------
TEST(Recognition, UntouchedBallotsReadAsUntouched) {
  for (const char* contest : {"bch", "ubkt"}) {
    cv::Mat page = printed(contest);
    stamp(page, layout_of(contest));
    const SideEvidence e = read(page);
    ASSERT_TRUE(e.ok()) << to_string(e.reasons.front());
    EXPECT_EQ(e.contest_id, contest);
    EXPECT_EQ(e.serial, 4242u);
    EXPECT_EQ(e.orientation_deg, 0);
    EXPECT_NEAR(e.px_per_mm, 200 / 25.4, 0.05);
    for (const auto& t : e.targets) {
      EXPECT_EQ(decide(t, Thresholds{}).state, std::string(contest) == "bch" ? MarkState::kept : MarkState::none) << t.candidate_id;
    }
    EXPECT_TRUE(sheet_flags(e, Thresholds{}).empty());
  }
}

TEST(Recognition, StrikesAndBoxesDrawnByTheTest) {
  cv::Mat page = printed("bch");
  stamp(page, layout_of("bch"));
  strike(page, row_of("bch", "c03"));
  strike(page, row_of("bch", "c08"), 0.45);  // stops half way: the committee decides
  const SideEvidence e = read(page);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(state_of(e, "c03"), MarkState::struck);
  EXPECT_EQ(state_of(e, "c08"), MarkState::unclear);
  EXPECT_EQ(state_of(e, "c01"), MarkState::kept);

  cv::Mat box = printed("ubkt");
  stamp(box, layout_of("ubkt"));
  cross(box, *row_of("ubkt", "c01").agree_box);
  cross(box, *row_of("ubkt", "c02").disagree_box);
  cross(box, *row_of("ubkt", "c03").agree_box);
  cross(box, *row_of("ubkt", "c03").disagree_box);
  const SideEvidence b = read(box);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(state_of(b, "c01"), MarkState::agree);
  EXPECT_EQ(state_of(b, "c02"), MarkState::disagree);
  EXPECT_EQ(state_of(b, "c03"), MarkState::both);
  EXPECT_EQ(state_of(b, "c04"), MarkState::none);
}

TEST(Recognition, AnyOrientationReadsTheSame) {
  cv::Mat page = printed("dai-bieu", 150);
  stamp(page, layout_of("dai-bieu"));
  strike(page, row_of("dai-bieu", "c02"));
  // orientation_deg is how far the page was turned clockwise on its way through the scanner.
  for (const auto& [rotation, degrees] : {std::pair{-1, 0}, std::pair{static_cast<int>(cv::ROTATE_90_CLOCKWISE), 90},
                                          std::pair{static_cast<int>(cv::ROTATE_180), 180},
                                          std::pair{static_cast<int>(cv::ROTATE_90_COUNTERCLOCKWISE), 270}}) {
    cv::Mat turned;
    if (rotation >= 0) {
      cv::rotate(page, turned, rotation);
    } else {
      turned = page;
    }
    const SideEvidence e = read(turned);
    ASSERT_TRUE(e.ok()) << "rotation " << degrees;
    EXPECT_EQ(e.orientation_deg, degrees);
    EXPECT_EQ(state_of(e, "c02"), MarkState::struck) << degrees;
    EXPECT_EQ(state_of(e, "c01"), MarkState::kept) << degrees;
  }
}

// ---------------------------------------------------------------------------------------------
TEST(RecognitionRejects, CorruptAndMissingFiles) {
  const auto corrupt = decode_image({0x89, 'P', 'N', 'G', 1, 2, 3}, "x.png");
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code, "corrupt_image");
  EXPECT_EQ(read_image_file("/nonexistent/scan.jpg").error().code, "file_unreadable");
  const auto line = nlohmann::json::parse(unreadable_json_line("x.png", Rejection::corrupt_image));
  EXPECT_EQ(line["status"], "rejected");
  EXPECT_EQ(line["reasons"][0], "corrupt_image");
  EXPECT_TRUE(line["marks"].empty());
}

TEST(RecognitionRejects, BlankSideAndNotABallot) {
  const cv::Mat white(2339, 1654, CV_8UC1, cv::Scalar(245));
  EXPECT_EQ(read(white).reasons, std::vector<Rejection>{Rejection::blank_side});
  cv::Mat letter = white.clone();
  for (int y = 200; y < 2000; y += 60) cv::putText(letter, "Lorem ipsum dolor sit amet", {150, y}, cv::FONT_HERSHEY_SIMPLEX, 1.5, 0, 3);
  EXPECT_EQ(read(letter).reasons, std::vector<Rejection>{Rejection::not_a_ballot});
}

TEST(RecognitionRejects, CodeCoveredIsUnreadable) {
  cv::Mat page = printed("bch");
  const RectMm qr = layout_of("bch").sides[0].qr_box;
  cv::rectangle(page, to_px(page, qr.x, qr.y), to_px(page, qr.right(), qr.bottom()), cv::Scalar(255, 255, 255), cv::FILLED);
  EXPECT_EQ(read(page).reasons, std::vector<Rejection>{Rejection::unreadable_code});
}

TEST(RecognitionRejects, AnotherElectionAndAnotherLayout) {
  auto other = *test::example_election();
  other.id = "another-congress";
  auto layout = config::compute_layout(other, other.contests[0]);
  ASSERT_TRUE(layout.has_value());
  auto image = printing::render_side(*layout, Side::front, 200, 1);
  const cv::Mat foreign(image->height(), image->width(), CV_8UC1, image->data());
  EXPECT_EQ(read(foreign).reasons, std::vector<Rejection>{Rejection::unknown_election});

  auto changed = *test::example_election();
  changed.contests[0].candidates[2].name = "Vũ Thị Ân Khác";
  layout = config::compute_layout(changed, changed.contests[0]);
  image = printing::render_side(*layout, Side::front, 200, 1);
  const cv::Mat stale(image->height(), image->width(), CV_8UC1, image->data());
  EXPECT_EQ(read(stale).reasons, std::vector<Rejection>{Rejection::layout_mismatch});
}

cv::Mat transformed(const cv::Mat& page, double degrees, double scale) {
  const cv::Point2f centre(page.cols / 2.0f, page.rows / 2.0f);
  cv::Mat m = cv::getRotationMatrix2D(centre, degrees, scale);
  // Turned about its centre and kept whole inside a larger scan.
  const int margin = static_cast<int>(0.2 * std::max(page.cols, page.rows));
  m.at<double>(0, 2) += margin;
  m.at<double>(1, 2) += margin;
  cv::Mat out;
  cv::warpAffine(page, out, m, cv::Size(page.cols + 2 * margin, page.rows + 2 * margin), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(60, 60, 60));
  return out;
}

TEST(RecognitionRejects, TooSkewedAndWrongScale) {
  const cv::Mat page = printed("bi-thu");
  EXPECT_TRUE(read(transformed(page, 4.5, 1.0)).ok());
  EXPECT_EQ(read(transformed(page, 9.0, 1.0)).reasons, std::vector<Rejection>{Rejection::too_skewed});
  EXPECT_EQ(read(transformed(page, 0, 0.95)).reasons, std::vector<Rejection>{Rejection::wrong_scale});  // printed "fit to page"
  EXPECT_TRUE(read(transformed(page, 0, 0.99)).ok());
}

// ---------------------------------------------------------------------------------------------
TEST(RecognitionFlags, StampCheckedOnlyInColour) {
  const cv::Mat unstamped = printed("bch");
  const auto flags = [](const cv::Mat& m) { return sheet_flags(read(m), Thresholds{}); };
  EXPECT_EQ(flags(unstamped), std::vector<SheetFlag>{SheetFlag::no_stamp});
  cv::Mat stamped = unstamped.clone();
  stamp(stamped, layout_of("bch"));
  EXPECT_TRUE(flags(stamped).empty());
  cv::Mat gray;
  cv::cvtColor(stamped, gray, cv::COLOR_BGR2GRAY);
  EXPECT_EQ(flags(gray), std::vector<SheetFlag>{SheetFlag::stamp_not_checked});
}

// A colour JPEG is read as its luma and chroma planes: the luma is exactly what a gray decode
// gives, and the stamp's red is found in the chroma as it is in BGR.
TEST(RecognitionJpeg, LumaAndChromaPlanesGiveTheSameReading) {
  cv::Mat stamped = printed("bch");
  stamp(stamped, layout_of("bch"));
  std::vector<unsigned char> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", stamped, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}));
  const auto planes = decode_image(jpeg, "stamped.jpg");
  ASSERT_TRUE(planes.has_value());
  EXPECT_EQ(planes->format(), PixelFormat::gray8);
  const ChromaView chroma = planes->view().chroma();
  ASSERT_FALSE(chroma.empty());
  EXPECT_EQ(chroma.scale_x, 2);  // OpenCV writes 4:2:0
  EXPECT_EQ(chroma.width, (planes->width() + 1) / 2);
  const cv::Mat gray = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
  ASSERT_EQ(gray.cols, planes->width());
  for (int y = 0; y < gray.rows; ++y) {
    ASSERT_EQ(std::memcmp(gray.ptr(y), planes->view().row(y), static_cast<std::size_t>(gray.cols)), 0) << "row " << y;
  }
  const SideEvidence from_planes = recognizer().recognize(planes->view());
  ASSERT_TRUE(from_planes.ok());
  EXPECT_TRUE(from_planes.colour);
  EXPECT_TRUE(sheet_flags(from_planes, Thresholds{}).empty());  // the stamp is seen
  // The same marks as from the BGR decode of the same file.
  const SideEvidence from_bgr = read(cv::imdecode(jpeg, cv::IMREAD_COLOR));
  for (std::size_t i = 0; i < from_bgr.targets.size(); ++i) {
    EXPECT_EQ(decide(from_planes.targets[i], Thresholds{}).state, decide(from_bgr.targets[i], Thresholds{}).state);
  }
  EXPECT_NEAR(from_planes.stamp_red_share, from_bgr.stamp_red_share, 0.05);
  // Without the stamp, the chroma says so.
  std::vector<unsigned char> unstamped;
  ASSERT_TRUE(cv::imencode(".jpg", printed("bch"), unstamped, {cv::IMWRITE_JPEG_QUALITY, 85}));
  EXPECT_EQ(sheet_flags(recognizer().recognize(decode_image(unstamped, "plain.jpg")->view()), Thresholds{}), std::vector<SheetFlag>{SheetFlag::no_stamp});
  // A gray JPEG is gray, without chroma, and the stamp is not checked.
  cv::Mat gray_page;
  cv::cvtColor(stamped, gray_page, cv::COLOR_BGR2GRAY);
  std::vector<unsigned char> gray_jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", gray_page, gray_jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}));
  const auto gray_decoded = decode_image(gray_jpeg, "gray.jpg");
  ASSERT_TRUE(gray_decoded.has_value());
  EXPECT_TRUE(gray_decoded->view().chroma().empty());
  const cv::Mat gray_reference = cv::imdecode(gray_jpeg, cv::IMREAD_GRAYSCALE);
  for (int y = 0; y < gray_reference.rows; ++y) {
    ASSERT_EQ(std::memcmp(gray_reference.ptr(y), gray_decoded->view().row(y), static_cast<std::size_t>(gray_reference.cols)), 0) << "row " << y;
  }
  EXPECT_EQ(sheet_flags(recognizer().recognize(gray_decoded->view()), Thresholds{}), std::vector<SheetFlag>{SheetFlag::stamp_not_checked});
}

TEST(RecognitionJpeg, ATruncatedOrDamagedJpegIsACorruptImage) {
  std::vector<unsigned char> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", printed("bch"), jpeg, {cv::IMWRITE_JPEG_QUALITY, 85}));
  // Cut in the middle of the entropy-coded data: libjpeg pads it with gray and warns; the side
  // is still refused or read, never a crash.
  std::vector<unsigned char> cut(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2));
  const auto half = decode_image(cut, "cut.jpg");
  const auto whole = decode_image(jpeg, "whole.jpg");
  if (half) {
    EXPECT_EQ(half->width(), whole->width());
    EXPECT_EQ(half->height(), whole->height());
    const SideEvidence e = recognizer().recognize(half->view());
    EXPECT_TRUE(e.ok() || !e.reasons.empty());
  } else {
    EXPECT_EQ(half.error().code, "corrupt_image");
  }
  // The header destroyed: a named error.
  std::vector<unsigned char> broken = jpeg;
  for (std::size_t i = 2; i < 200 && i < broken.size(); ++i) broken[i] = 0x5a;
  const auto damaged = decode_image(broken, "broken.jpg");
  ASSERT_FALSE(damaged.has_value());
  EXPECT_EQ(damaged.error().code, "corrupt_image");
}

TEST(RecognitionFlags, InkOutsideTargetsAndScannerStreaks) {
  cv::Mat page = printed("bch");
  stamp(page, layout_of("bch"));
  const auto& last = layout_of("bch").sides[0].rows.back();
  // A name written in below the list.
  cv::putText(page, "Nguyen Van Moi", to_px(page, last.name_cell.x + 3, last.name_cell.bottom() + 12), cv::FONT_HERSHEY_SCRIPT_SIMPLEX,
              1.2, cv::Scalar(150, 40, 20), 2, cv::LINE_AA);
  auto flags = sheet_flags(read(page), Thresholds{});
  EXPECT_EQ(flags, std::vector<SheetFlag>{SheetFlag::write_in});
  // A signature at the foot of the page.
  cv::putText(page, "Ky ten", to_px(page, 150, 270), cv::FONT_HERSHEY_SCRIPT_SIMPLEX, 1.5, cv::Scalar(150, 40, 20), 3, cv::LINE_AA);
  flags = sheet_flags(read(page), Thresholds{});
  EXPECT_THAT(flags, ::testing::UnorderedElementsAre(SheetFlag::write_in, SheetFlag::identifying_mark));
  // Dirt on the scanner glass: a thin dark line down the whole scan.
  cv::Mat streaked = printed("bch");
  stamp(streaked, layout_of("bch"));
  cv::line(streaked, {900, 0}, {900, streaked.rows - 1}, cv::Scalar(90, 90, 90), 2);
  EXPECT_THAT(sheet_flags(read(streaked), Thresholds{}), ::testing::Contains(SheetFlag::scanner_streak));
}

// ---------------------------------------------------------------------------------------------
TEST(RecognitionEvidence, ThresholdsReDecideWithoutRescanning) {
  cv::Mat page = printed("bch");
  stamp(page, layout_of("bch"));
  strike(page, row_of("bch", "c03"), 0.45);
  const SideEvidence e = read(page);
  const auto& target = *std::find_if(e.targets.begin(), e.targets.end(), [](const auto& t) { return t.candidate_id == "c03"; });
  Thresholds lax;
  lax.struck_at = 0.5;
  EXPECT_EQ(decide(target, Thresholds{}).state, MarkState::unclear);
  EXPECT_EQ(decide(target, lax).state, MarkState::struck);
  // The thresholds come from the election definition's [recognition] table.
  std::string toml = test::read_file(test::source_path("sample_ballots/example-congress.toml"));
  toml += "\n[recognition]\nstruck_at = 0.999\n";
  const auto loaded = config::parse_election(toml, "t.toml");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->election->thresholds.struck_at, 0.999);
  const auto bad = config::parse_election(toml + "kept_below = 2\n", "t.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().front().code, "bad_threshold");
}

TEST(RecognitionDeterminism, SameJsonFromEveryThread) {
  const std::string deck = test::source_path("sample_ballots/deck");
  const auto truth = synth::read_truth(deck + "/truth.jsonl");
  ASSERT_TRUE(truth.has_value());
  std::vector<Image> images;
  for (std::size_t i = 0; i < 8; ++i) images.push_back(*read_image_file(deck + "/" + (*truth)[i].image));
  const auto run = [&](std::size_t i) { return recognition_json_line("x", recognizer().recognize(images[i].view()), Thresholds{}); };
  std::vector<std::string> serial;
  for (std::size_t i = 0; i < images.size(); ++i) serial.push_back(run(i));
  std::vector<std::future<std::string>> parallel;
  for (std::size_t i = 0; i < images.size(); ++i) parallel.push_back(std::async(std::launch::async, run, i));
  for (std::size_t i = 0; i < images.size(); ++i) EXPECT_EQ(parallel[i].get(), serial[i]) << i;
}

}  // namespace
}  // namespace kp::recognition
