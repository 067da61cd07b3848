// The command-line contract: help, version, exit codes 0/1/2, data on stdout and diagnostics on
// stderr naming the file and line, in Vietnamese by default and English on request.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

const std::string kExample = test::quote_arg(test::source_path("sample_ballots/example-congress.toml"));

TEST(Cli, HelpAndVersion) {
  const auto help = test::run_cli("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* cmd : {"check", "ballots", "synth", "demo"}) EXPECT_THAT(help.out, HasSubstr(cmd));
  const auto sub_help = test::run_cli("ballots --help");
  EXPECT_EQ(sub_help.exit_code, 0);
  EXPECT_THAT(sub_help.out, HasSubstr("--dpi"));
  const auto version = test::run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("kiemphieu 0."));
}

// The help speaks the language asked for, options and headings included; every description of
// both programs has its Vietnamese wording (the hidden check lists any that has none).
TEST(Cli, HelpInVietnameseByDefaultAndEnglishOnRequest) {
  const auto vi = test::run_cli("issued --help");
  ASSERT_EQ(vi.exit_code, 0);
  EXPECT_THAT(vi.out, HasSubstr("Cách dùng:"));
  EXPECT_THAT(vi.out, HasSubstr("Nhập số phiếu phát ra"));
  EXPECT_THAT(vi.out, HasSubstr("thành viên Ban kiểm phiếu nhập số (mã PIN trên đầu vào chuẩn)"));
  EXPECT_THAT(vi.out, HasSubstr("In hướng dẫn này rồi thoát"));
  EXPECT_THAT(vi.out, Not(HasSubstr("the committee member who enters it")));
  EXPECT_THAT(vi.out, Not(HasSubstr("enter ballots issued")));
  const auto en = test::run_cli("--lang en issued --help");
  ASSERT_EQ(en.exit_code, 0);
  EXPECT_THAT(en.out, HasSubstr("Usage:"));
  EXPECT_THAT(en.out, HasSubstr("the committee member who enters it (PIN on standard input)"));
  EXPECT_THAT(en.out, Not(HasSubstr("Nhập số phiếu phát ra")));
  EXPECT_THAT(test::run_cli("--help").out, HasSubstr("Lệnh:"));
  const auto missing = test::run_cli("--help-without-vietnamese");
  EXPECT_EQ(missing.exit_code, 0);
  EXPECT_EQ(missing.out, "");
  const std::string console = test::quote_arg((fs::path(KP_CLI_PATH).parent_path() / "kiemphieu-console").string());
  const auto console_missing = test::run_command(console + " --help-without-vietnamese");
  EXPECT_EQ(console_missing.exit_code, 0);
  EXPECT_EQ(console_missing.out, "");
  EXPECT_THAT(test::run_command(console + " --help").out, HasSubstr("phát kết quả (chỉ xem) cho quan sát viên trên cổng này"));
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(test::run_cli("").exit_code, 2);
  EXPECT_EQ(test::run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(test::run_cli("check").exit_code, 2);
  EXPECT_EQ(test::run_cli("ballots " + kExample).exit_code, 2);  // --out is required
  EXPECT_EQ(test::run_cli("ballots " + kExample + " --out /tmp/x --dpi 10").exit_code, 2);
  EXPECT_EQ(test::run_cli("--lang fr check " + kExample).exit_code, 2);
}

TEST(Cli, CheckListsCandidatesInPrintedOrder) {
  const auto r = test::run_cli("check " + kExample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("D = 148"));
  const auto an = r.out.find("c01   Nguyễn Văn An");
  const auto anh = r.out.find("c05   Hoàng Minh Ánh");
  const auto duc = r.out.find("c03   Lê Văn Đức");
  const auto dung = r.out.find("c04   Phạm Thị Dung");
  ASSERT_NE(an, std::string::npos);
  EXPECT_LT(an, anh);
  EXPECT_LT(dung, duc);
  EXPECT_THAT(r.out, HasSubstr("Cuộc bầu bch"));
  EXPECT_EQ(r.err, "");
}

TEST(Cli, CheckJsonIsMachineReadable) {
  const auto r = test::run_cli("check --json " + kExample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["D"], 148);
  EXPECT_EQ(j["votes_needed"], 75);
  EXPECT_EQ(j["contests"][1]["candidates"][1]["name"], "Tạ Thị Ngọc Ánh");
  EXPECT_EQ(j["contests"][1]["candidates"][1]["candidate_id"], "c06");
}

TEST(Cli, InvalidDefinitionFailsWithFileLineInBothLanguages) {
  const test::ScratchDir dir;
  const auto path = dir.path() / "bad.toml";
  std::string text = test::read_file(test::source_path("sample_ballots/example-congress.toml"));
  text.replace(text.find("seats  = 9"), 10, "seats  = 0");
  test::write_file(path, text);
  const auto vi = test::run_cli("check " + test::quote_arg(path.string()));
  EXPECT_EQ(vi.exit_code, 1);
  EXPECT_EQ(vi.out, "");
  EXPECT_THAT(vi.err, HasSubstr(path.string() + ":22:"));
  EXPECT_THAT(vi.err, HasSubstr("lỗi: Số lượng cần bầu phải ít nhất là 1"));
  const auto en = test::run_cli("--lang en check " + test::quote_arg(path.string()));
  EXPECT_EQ(en.exit_code, 1);
  EXPECT_THAT(en.err, HasSubstr("error: The number of seats must be at least 1"));
  const auto missing = test::run_cli("check " + test::quote_arg((dir.path() / "none.toml").string()));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("none.toml"));
}

// Secrecy of the vote: ballots are handed out from the top of the printed stack, so the list of
// serials the committee keeps must not be in the stack's order (it would tie each serial, and so
// each scanned ballot, to the delegate who received it). The stack's order is read back from the
// printed PDF itself (rasterised by poppler, recognised), the list must be those serials sorted.
TEST(Secrecy, TheSerialListIsSortedNotInTheOrderOfThePrintedStack) {
  const test::ScratchDir dir;
  const auto r = test::run_cli("ballots " + kExample + " --out " + test::quote_arg(dir.path().string()) + " --count 6");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto pages = test::run_command("pdftoppm -r 150 -gray -png " + test::quote_arg((dir.path() / "bch.pdf").string()) + " " +
                                       test::quote_arg((dir.path() / "page").string()));
  ASSERT_EQ(pages.exit_code, 0) << pages.err;
  std::vector<std::string> images;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().filename().string().rfind("page", 0) == 0) images.push_back(e.path().string());
  }
  std::sort(images.begin(), images.end());  // page-1.png … page-6.png
  ASSERT_EQ(images.size(), 6u);
  std::string files;
  for (const auto& i : images) files += " " + test::quote_arg(i);
  const auto read = test::run_cli("recognize " + kExample + files + " --threads 1");
  ASSERT_EQ(read.exit_code, 0) << read.err;
  std::vector<std::uint32_t> stack;
  std::istringstream lines(read.out);
  for (std::string line; std::getline(lines, line);) stack.push_back(nlohmann::json::parse(line).at("serial").get<std::uint32_t>());
  ASSERT_EQ(stack.size(), 6u);
  std::vector<std::uint32_t> listed;
  std::istringstream list(test::read_file(dir.path() / "bch-serials.txt"));
  for (std::string line; std::getline(list, line);) listed.push_back(static_cast<std::uint32_t>(std::stoul(line)));
  auto sorted = stack;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(listed, sorted);
}

TEST(Cli, BallotsWritesPdfPngAndLayout) {
  const test::ScratchDir dir;
  const auto r = test::run_cli("ballots " + kExample + " --out " + test::quote_arg(dir.path().string()) + " --dpi 150 --count 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* contest : {"bch", "dai-bieu", "ubkt", "bi-thu"}) {
    EXPECT_TRUE(fs::exists(dir.path() / (std::string(contest) + ".pdf"))) << contest;
    const auto png = dir.path() / (std::string(contest) + "-front.png");
    EXPECT_THAT(r.out, HasSubstr(png.string()));
    const cv::Mat img = cv::imread(png.string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(img.empty());
    EXPECT_EQ(img.channels(), 1);
    const auto serials = test::read_file(dir.path() / (std::string(contest) + "-serials.txt"));
    EXPECT_EQ(std::count(serials.begin(), serials.end(), '\n'), 4);
  }
  const cv::Mat a4 = cv::imread((dir.path() / "bch-front.png").string(), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(a4.cols, 1240);  // 210 mm at 150 dpi
  EXPECT_EQ(a4.rows, 1754);  // 297 mm at 150 dpi
  const auto layout = nlohmann::json::parse(test::read_file(dir.path() / "layout.json"));
  EXPECT_EQ(layout["contests"][0]["sides"][0]["dpi"], 150);
  const auto pages = test::run_command("pdfinfo " + test::quote_arg((dir.path() / "bch.pdf").string()));
  EXPECT_THAT(pages.out, HasSubstr("Pages:           4"));
}

TEST(Cli, BallotsRefuseANameThatDoesNotFit) {
  const test::ScratchDir dir;
  const auto path = dir.path() / "long.toml";
  std::string text = test::read_file(test::source_path("sample_ballots/example-congress.toml"));
  const std::string long_name = "Công Tằng Tôn Nữ Thị Phương Thảo Nguyên Hạnh Phúc Hoàng Lan Anh";
  text.replace(text.find("Kiều Thị Ly"), std::string("Kiều Thị Ly").size(), long_name);
  test::write_file(path, text);
  const auto r = test::run_cli("ballots " + test::quote_arg(path.string()) + " --out " + test::quote_arg((dir.path() / "out").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(long_name));
  EXPECT_THAT(r.err, HasSubstr("ubkt"));
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "ubkt.pdf"));
}

TEST(Cli, DemoScansTheDeckIntoACongressAndWritesTheRecord) {
  const test::ScratchDir dir;
  const auto r = test::run_cli("demo --sheets 4 --out " + test::quote_arg(dir.path().string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "ballots" / "bch.pdf"));
  EXPECT_TRUE(fs::exists(dir.path() / "ballots" / "layout.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "deck" / "truth.jsonl"));
  EXPECT_TRUE(fs::exists(dir.path() / "example-congress.toml"));
  EXPECT_TRUE(fs::exists(dir.path() / "record" / "bch-bien-ban.pdf"));
  EXPECT_THAT(r.out, HasSubstr("\"sheets\":4"));  // the simulated scanner's batch summary
  EXPECT_THAT(r.out, HasSubstr("\"end\":\"hopper_empty\""));
  EXPECT_THAT(r.out, HasSubstr("TẠM THỜI"));
  EXPECT_THAT(r.out, HasSubstr("Đại hội"));
  EXPECT_THAT(r.err, HasSubstr("kiểm tra: mọi thứ khớp"));
  auto db = tally::CongressDb::open((dir.path() / "congress.db").string());
  ASSERT_TRUE(db.has_value());
  EXPECT_EQ(db->sheets()->size(), 4u);
  // A second run starts a fresh congress in the same folder.
  ASSERT_EQ(test::run_cli("demo --sheets 2 --out " + test::quote_arg(dir.path().string())).exit_code, 0);
  EXPECT_EQ(tally::CongressDb::open((dir.path() / "congress.db").string())->sheets()->size(), 2u);
  const auto en = test::run_cli("--lang en demo --sheets 1 --out " + test::quote_arg((dir.path() / "en").string()));
  EXPECT_EQ(en.exit_code, 0);
  EXPECT_THAT(en.out, HasSubstr("Congress:"));
  EXPECT_THAT(en.out, Not(HasSubstr("Đại hội: ")));
}

}  // namespace
}  // namespace kp

namespace kp {
namespace {

TEST(CliRecognize, OneLinePerImageInOrderWhateverTheThreads) {
  const std::string deck = test::source_path("sample_ballots/deck");
  std::string images;
  std::vector<std::string> names;
  for (int i : {3, 1, 2, 5, 4, 8, 7, 6}) {
    char name[32];
    std::snprintf(name, sizeof name, "%04d-front.jpg", i);
    if (!fs::exists(deck + "/" + name)) std::snprintf(name, sizeof name, "%04d-front.png", i);
    names.push_back(deck + "/" + name);
    images += " " + test::quote_arg(names.back());
  }
  images += " " + test::quote_arg("/nonexistent/scan.jpg");
  const auto one = test::run_cli("recognize " + kExample + images + " --threads 1");
  const auto two = test::run_cli("recognize " + kExample + images + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);  // byte for byte
  std::istringstream lines(one.out);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    if (n < names.size()) {
      EXPECT_EQ(j["image"], names[n]);
      EXPECT_EQ(j["status"], "ok");
      EXPECT_FALSE(j["marks"].empty());
    } else {
      EXPECT_EQ(j["status"], "rejected");
      EXPECT_EQ(j["reasons"][0], "unreadable_file");
    }
  }
  EXPECT_EQ(n, names.size() + 1);
  EXPECT_THAT(one.err, HasSubstr("/nonexistent/scan.jpg"));
}

TEST(CliRecognize, DebugOverlaysAndUsage) {
  const test::ScratchDir dir;
  const std::string image = test::quote_arg(test::source_path("sample_ballots/deck/0002-front.jpg"));
  const auto r = test::run_cli("recognize " + kExample + " " + image + " --debug-dir " + test::quote_arg(dir.path().string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() / "0002-front-overlay.png"));
  EXPECT_EQ(test::run_cli("recognize " + kExample).exit_code, 2);  // no image
}

}  // namespace
}  // namespace kp

namespace kp {
namespace {

TEST(CliTally, CountsRecordsAndRefusesBadOnes) {
  const test::ScratchDir dir;
  const auto records = dir.path() / "ballots.jsonl";
  test::write_file(records, R"({"contest_id": "bi-thu", "issued": 150})"
                            "\n"
                            R"({"contest_id": "bi-thu", "marks": {"c01": "agree"}})"
                            "\n");
  const auto r = test::run_cli("tally " + kExample + " --ballots " + test::quote_arg(records.string()) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["contests"][3]["contest_id"], "bi-thu");
  EXPECT_EQ(j["contests"][3]["ballots"]["valid"], 1);
  EXPECT_EQ(j["contests"][3]["candidates"][0]["votes"], 1);
  const auto text = test::run_cli("tally " + kExample + " --ballots " + test::quote_arg(records.string()));
  EXPECT_THAT(text.out, HasSubstr("Cuộc bầu bi-thu"));
  test::write_file(records, R"({"contest_id": "bi-thu", "marks": {"c01": "struck"}})" "\n");
  const auto bad = test::run_cli("tally " + kExample + " --ballots " + test::quote_arg(records.string()));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr(records.string() + ":1 [marks.c01]"));
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(test::run_cli("tally " + kExample).exit_code, 2);
}

}  // namespace
}  // namespace kp
