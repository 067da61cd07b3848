// Printed ballots: the PNG matches layout.json to within a pixel at any resolution, the QR code
// reads back through ZXing, and the PDF is vector with the font embedded and the text correct.
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ZXing/DecodeHints.h>
#include <ZXing/ReadBarcode.h>

#include "config/ballot_code.hpp"
#include "printing/ballot_renderer.hpp"
#include "printing/counting_record.hpp"
#include "test_support.hpp"

namespace kp::printing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Finds the dark square around `expected` (in pixels) and returns its pixel bounds.
struct Bounds {
  int left = 1 << 30, top = 1 << 30, right = -1, bottom = -1;
};
Bounds dark_bounds(const Image& img, const RectMm& box, int dpi) {
  const int margin = 6;
  const int x0 = std::max(0, static_cast<int>(mm_to_px(box.x, dpi)) - margin);
  const int y0 = std::max(0, static_cast<int>(mm_to_px(box.y, dpi)) - margin);
  const int x1 = std::min(img.width() - 1, static_cast<int>(mm_to_px(box.right(), dpi)) + margin);
  const int y1 = std::min(img.height() - 1, static_cast<int>(mm_to_px(box.bottom(), dpi)) + margin);
  Bounds b;
  for (int y = y0; y <= y1; ++y) {
    const auto* row = img.view().row(y);
    for (int x = x0; x <= x1; ++x) {
      if (row[x] >= 128) continue;
      b.left = std::min(b.left, x);
      b.right = std::max(b.right, x + 1);
      b.top = std::min(b.top, y);
      b.bottom = std::max(b.bottom, y + 1);
    }
  }
  return b;
}

class PngGeometry : public ::testing::TestWithParam<int> {};

TEST_P(PngGeometry, RegistrationMarksAndQrSitWhereLayoutSays) {
  const int dpi = GetParam();
  for (const auto& layout : test::example_layouts()) {
    const auto image = render_side(layout, Side::front, dpi, 0);
    ASSERT_TRUE(image.has_value()) << image.error().message.en;
    EXPECT_NEAR(image->width(), mm_to_px(layout.paper_width_mm, dpi), 1.0);
    EXPECT_NEAR(image->height(), mm_to_px(layout.paper_height_mm, dpi), 1.0);
    const auto& side = layout.sides[0];
    for (const auto& mark : side.registration_marks) {
      const Bounds b = dark_bounds(*image, mark, dpi);
      EXPECT_NEAR(b.left, mm_to_px(mark.x, dpi), 1.0) << layout.contest_id << " at " << dpi;
      EXPECT_NEAR(b.top, mm_to_px(mark.y, dpi), 1.0);
      EXPECT_NEAR(b.right, mm_to_px(mark.right(), dpi), 1.0);
      EXPECT_NEAR(b.bottom, mm_to_px(mark.bottom(), dpi), 1.0);
    }
    // The QR symbol starts after its quiet zone inside qr_box.
    const auto m = config::qr_matrix(config::encode_ballot_code({layout.election_id, layout.contest_id, Side::front, layout.short_hash(), 0}));
    const RectMm first_module = config::qr_module_box(side.qr_box, m, 0, 0);
    const Bounds q = dark_bounds(*image, side.qr_box, dpi);
    EXPECT_NEAR(q.left, mm_to_px(first_module.x, dpi), 1.0);
    EXPECT_NEAR(q.top, mm_to_px(first_module.y, dpi), 1.0);
    // The first row's ruling lies on the name cell's edges.
    const auto& row = side.rows.front();
    const int y_mid = static_cast<int>(mm_to_px(row.name_cell.center().y, dpi));
    const int x_edge = static_cast<int>(std::lround(mm_to_px(row.name_cell.right(), dpi)));
    int darkest = 255;
    for (int dx = -1; dx <= 1; ++dx) darkest = std::min<int>(darkest, image->view().row(y_mid)[x_edge + dx]);
    EXPECT_LT(darkest, 128) << "ruling of the name cell at " << dpi << " dpi";
  }
}

INSTANTIATE_TEST_SUITE_P(Resolutions, PngGeometry, ::testing::Values(97, 150, 200, 300));

TEST(Printing, QrCodeReadsBackThroughZxing) {
  for (const auto& layout : test::example_layouts()) {
    const std::uint32_t serial = 31415926;
    const auto image = render_side(layout, Side::front, 150, serial);
    ASSERT_TRUE(image.has_value());
    const ZXing::ImageView view(image->data(), image->width(), image->height(), ZXing::ImageFormat::Lum);
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    const auto result = ZXing::ReadBarcode(view, hints);
    ASSERT_TRUE(result.isValid()) << layout.contest_id;
    const auto code = config::decode_ballot_code(result.text());
    ASSERT_TRUE(code.has_value()) << result.text();
    EXPECT_EQ(code->election_id, "dhdb-khoi-2025");
    EXPECT_EQ(code->contest_id, layout.contest_id);
    EXPECT_EQ(code->side, Side::front);
    EXPECT_EQ(code->layout_hash, layout.short_hash());
    EXPECT_EQ(code->serial, serial);
  }
}

TEST(Printing, BackSideCarriesItsOwnCode) {
  auto election = *test::example_election();
  auto& contest = election.contests[0];
  contest.paper = config::Paper::A5;
  for (int i = 0; i < 30; ++i) {
    config::Candidate c;
    c.id = "x" + std::to_string(i);
    c.name = "Trần Văn Phụ " + std::to_string(i);
    contest.candidates.push_back(c);
  }
  contest.seats = static_cast<int>(contest.candidates.size()) - 1;
  const auto layout = config::compute_layout(election, contest);
  ASSERT_TRUE(layout.has_value()) << layout.error().message.en;
  ASSERT_EQ(layout->sides.size(), 2u);
  const auto back = render_side(*layout, Side::back, 200, 7);
  ASSERT_TRUE(back.has_value());
  const ZXing::ImageView view(back->data(), back->width(), back->height(), ZXing::ImageFormat::Lum);
  const auto result = ZXing::ReadBarcode(view, ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
  ASSERT_TRUE(result.isValid());
  EXPECT_EQ(config::decode_ballot_code(result.text())->side, Side::back);
  EXPECT_FALSE(render_side(*test::example_layouts().begin(), Side::back, 200, 0).has_value());
}

TEST(Printing, PdfIsVectorWithEmbeddedFontAndCorrectDiacritics) {
  const test::ScratchDir dir;
  const auto layouts = test::example_layouts();
  const auto pdf = (dir.path() / "bch.pdf").string();
  ASSERT_TRUE(write_ballots_pdf(layouts[0], {11111111, 22222222}, pdf).has_value());
  const auto text = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg(pdf) + " -");
  ASSERT_EQ(text.exit_code, 0) << "pdftotext (poppler-utils) is needed: " << text.err;
  const auto election = test::example_election();
  for (const auto& c : election->contests[0].candidates) EXPECT_THAT(text.out, HasSubstr(c.name));
  EXPECT_THAT(text.out, HasSubstr("ĐẢNG CỘNG SẢN VIỆT NAM"));
  EXPECT_THAT(text.out, HasSubstr("PHIẾU BẦU"));
  EXPECT_THAT(text.out, HasSubstr("Gạch ngang cả họ và tên người không bầu"));
  const auto info = test::run_command("pdfinfo " + test::quote_arg(pdf));
  EXPECT_THAT(info.out, HasSubstr("Pages:           2"));
  EXPECT_THAT(info.out, HasSubstr("595 x 842 pts (A4)"));
  const auto fonts = test::run_command("pdffonts " + test::quote_arg(pdf));
  ASSERT_EQ(fonts.exit_code, 0);
  EXPECT_THAT(fonts.out, HasSubstr("DejaVuSans"));
  // Every font embedded: the "emb" column, fifth from the end of each row, says yes.
  std::istringstream rows(fonts.out);
  int font_rows = 0;
  for (std::string row; std::getline(rows, row);) {
    if (row.rfind("DejaVu", 0) != 0) continue;
    std::vector<std::string> tokens;
    std::istringstream words(row);
    for (std::string w; words >> w;) tokens.push_back(w);
    ASSERT_GE(tokens.size(), 5u);
    EXPECT_EQ(tokens[tokens.size() - 5], "yes") << row;
    ++font_rows;
  }
  EXPECT_EQ(font_rows, 2);  // regular and bold
  const auto images = test::run_command("pdfimages -list " + test::quote_arg(pdf));
  ASSERT_EQ(images.exit_code, 0);
  // Header lines only: no raster image anywhere, the QR code and marks included.
  EXPECT_EQ(std::count(images.out.begin(), images.out.end(), '\n'), 2) << images.out;
}

TEST(Printing, RealFontConfirmsTheLayoutEstimate) {
  for (const auto& layout : test::example_layouts()) {
    const auto fits = check_text_fits(layout);
    EXPECT_TRUE(fits.has_value()) << fits.error().message.en;
  }
}

// Qt draws a glyph differently the first time it meets it (a cold glyph cache); images are
// therefore drawn from glyph outlines. Rendering in a fresh process and again must agree: the
// deck test covers the cold case, this one a layout no other test renders first.
TEST(Printing, RenderingIsDeterministic) {
  const auto layout = test::example_layouts()[1];
  const auto a = render_side(layout, Side::front, 173, 5);
  const auto b = render_side(layout, Side::front, 173, 5);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->width(), b->width());
  EXPECT_TRUE(std::equal(a->data(), a->data() + a->row_stride() * a->height(), b->data()));
}

// Every word pdftotext finds on a page, with its box (points).
struct Word {
  double x0, y0, x1, y1;
  std::string text;
};
std::vector<std::vector<Word>> words_by_page(const std::string& pdf) {
  const auto html = test::run_command("pdftotext -enc UTF-8 -bbox " + test::quote_arg(pdf) + " -").out;
  std::vector<std::vector<Word>> pages;
  std::istringstream in(html);
  const std::regex word(R"re(<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>)re");
  for (std::string line; std::getline(in, line);) {
    if (line.find("<page ") != std::string::npos) pages.emplace_back();
    std::smatch m;
    if (!pages.empty() && std::regex_search(line, m, word)) {
      pages.back().push_back({std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), m[5]});
    }
  }
  return pages;
}

// A realistic record: a congress name and a contest title of two lines, committee members with
// long names, a long name in the table. Nothing printed runs into anything else (no two words'
// boxes overlap, with a quarter point of slack for the font's side bearings) and every word of
// the long texts is there.
TEST(CountingRecordPdf, LongTitlesAndNamesWrapOrShrinkAndNeverOverlap) {
  const test::ScratchDir dir;
  CountingRecord record;
  record.issuer = "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH";
  record.congress = "Đại hội đại biểu Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh lần thứ VII, nhiệm kỳ 2025–2030, phiên chính thức";
  record.date = "2025-08-20";
  record.contest_title = "Bầu Ban Chấp hành Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh khóa VII, nhiệm kỳ 2025–2030 (lần thứ nhất)";
  record.seats = 2;
  record.rules = "party-190";
  record.base = 148;
  record.attendance = Attendance{150, 2};
  record.candidates = {{"Công Tôn Nữ Thị Phương Thảo Hoàng Lan Anh Nguyễn", 80, 54.05, 3}, {"Lê Văn An", 60, 40.54, 20}};
  record.election_hash = "5317fcdcd5c3f518a93ddbdcdf6dc9145c55d4045614cf10d60b58091445303a";
  record.committee = {"Công Tôn Nữ Thị Phương Thảo Hoàng", "Nguyễn Thị Ngọc Bích Phượng Hằng", "Trần Văn Bình", "Âu Dương Thị Kim Chi Hồng"};
  for (const Lang lang : {Lang::vi, Lang::en}) {
    const auto pdf = (dir.path() / (lang == Lang::vi ? "vi.pdf" : "en.pdf")).string();
    ASSERT_TRUE(write_counting_record_pdf(record, lang, pdf).has_value());
    const auto pages = words_by_page(pdf);
    ASSERT_FALSE(pages.empty());
    std::string all;
    for (std::size_t p = 0; p < pages.size(); ++p) {
      const auto& words = pages[p];
      for (std::size_t i = 0; i < words.size(); ++i) {
        all += words[i].text + " ";
        for (std::size_t j = i + 1; j < words.size(); ++j) {
          const Word& a = words[i];
          const Word& b = words[j];
          const bool overlap = std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > 0.25 && std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > 0.25;
          EXPECT_FALSE(overlap) << "page " << p + 1 << ": “" << a.text << "” runs into “" << b.text << "”";
        }
      }
    }
    for (const auto& long_text : {record.congress, record.contest_title}) {
      std::istringstream each(long_text);
      for (std::string w; each >> w;) EXPECT_THAT(all, HasSubstr(w + " ")) << w;
    }
    for (const auto& member : record.committee) {
      std::istringstream each(member);
      for (std::string w; each >> w;) EXPECT_THAT(all, HasSubstr(w));
    }
  }
}

}  // namespace
}  // namespace kp::printing

namespace kp::printing {
namespace {

// Hashes and fingerprints are copied from the printed record by auditors; they must read back
// exactly, with no "ff" or "fi" shaped into one ligature glyph.
TEST(CountingRecordPdf, HashesReadBackExactly) {
  const test::ScratchDir dir;
  CountingRecord record;
  record.issuer = "ĐẢNG BỘ KHỐI";
  record.congress = "Đại hội đại biểu";
  record.contest_title = "Bầu Ban Chấp hành (bầu lần 2)";
  record.seats = 1;
  record.rules = "party-190";
  record.candidates = {{"Nguyễn Thị Phương", 3, 50.0, {}}, {"Trần Văn Fi", 3, 50.0, {}}};
  record.election_hash = "ffff00fffi";
  record.key_fingerprint = "bfd90c7e6872b2e81fbff44b0879cb1cc6e31283c19f78f6412b2d8ab861f7fb";
  const auto pdf = (dir.path() / "record.pdf").string();
  ASSERT_TRUE(write_counting_record_pdf(record, Lang::vi, pdf).has_value());
  const auto text = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg(pdf) + " -");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.out, ::testing::HasSubstr(record.key_fingerprint));
  EXPECT_THAT(text.out, ::testing::HasSubstr("ffff00fffi"));
  EXPECT_THAT(text.out, ::testing::HasSubstr("Nguyễn Thị Phương"));
  EXPECT_THAT(text.out, ::testing::HasSubstr("(bầu lần 2)"));
}

// The record as a committee signs it: every page says which contest and definition it belongs
// to and "Trang x/y", so no page can be stapled to another record; the close, the date line and
// the registered members' signatures stay on one page; figures in Vietnamese with a decimal
// comma; the rules by their own name, not the program's code.
TEST(CountingRecordPdf, EveryPageNamesItsContestAndTheSignaturesStayTogether) {
  const test::ScratchDir dir;
  CountingRecord record;
  record.issuer = "ĐẢNG BỘ KHỐI";
  record.congress = "Đại hội đại biểu";
  record.date = "2025-08-20";
  record.contest_title = "Bầu Ban Chấp hành Đảng bộ Khối khóa V";
  record.seats = 45;
  record.rules = "party-190";
  record.base = 148;
  for (int i = 0; i < 60; ++i) record.candidates.push_back({"Người thứ " + std::to_string(i + 1), 99, 200.0 / 3, {}});
  record.election_hash = "5317fcdcd5c3f518a93ddbdcdf6dc9145c55d4045614cf10d60b58091445303a";
  record.committee = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"};
  const auto pdf = (dir.path() / "record.pdf").string();
  ASSERT_TRUE(write_counting_record_pdf(record, Lang::vi, pdf).has_value());
  const auto info = test::run_command("pdfinfo " + test::quote_arg(pdf));
  const auto at = info.out.find("Pages:");
  ASSERT_NE(at, std::string::npos);
  const int pages = std::stoi(info.out.substr(at + 6));
  ASSERT_GE(pages, 2) << "sixty names take more than one A4 page";
  int signatures_on = 0;
  for (int page = 1; page <= pages; ++page) {
    const auto text = test::run_command("pdftotext -enc UTF-8 -f " + std::to_string(page) + " -l " + std::to_string(page) + " " + test::quote_arg(pdf) + " -").out;
    EXPECT_THAT(text, HasSubstr("Trang " + std::to_string(page) + "/" + std::to_string(pages))) << "page " << page;
    EXPECT_THAT(text, HasSubstr(record.contest_title)) << "page " << page;
    EXPECT_THAT(text, HasSubstr("5317fcdcd5c3f518")) << "page " << page;
    if (text.find("Kết thúc kiểm phiếu lúc") == std::string::npos) continue;
    signatures_on = page;
    EXPECT_THAT(text, HasSubstr("ngày 20 tháng 8 năm 2025"));
    for (const auto& member : record.committee) EXPECT_THAT(text, HasSubstr(member)) << "page " << page;
  }
  EXPECT_EQ(signatures_on, pages);
  const auto all = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg(pdf) + " -").out;
  EXPECT_THAT(all, HasSubstr("66,67"));
  EXPECT_THAT(all, Not(HasSubstr("66.67")));
  EXPECT_THAT(all, HasSubstr("Quy chế bầu cử trong Đảng (Quyết định 190-QĐ/TW)"));
  EXPECT_THAT(all, Not(HasSubstr("party-190")));
  EXPECT_THAT(all, Not(HasSubstr("D =")));

  const auto english = (dir.path() / "record-en.pdf").string();
  ASSERT_TRUE(write_counting_record_pdf(record, Lang::en, english).has_value());
  const auto en = test::run_command("pdftotext -enc UTF-8 " + test::quote_arg(english) + " -").out;
  EXPECT_THAT(en, HasSubstr("66.67"));
  EXPECT_THAT(en, HasSubstr("Page 1/"));
  EXPECT_THAT(en, HasSubstr("20 August 2025"));
}

}  // namespace
}  // namespace kp::printing
