// Hostile files where scans are expected: what an attacker (or a half-copied file, a wrong
// folder, a broken disk) can put in front of recognition is refused by name, as a value, and
// never stops a count. Files that are not regular files or are larger than any scan are refused
// without being read; images that declare more pixels than an A3 page at 600 dpi are refused
// from their header, before anything of that size is allocated; truncated and damaged data and
// formats scanners do not write are refused with the reason. Then the same files among good
// scans through `kiemphieu recognize` and `kiemphieu ingest`, and a bounded fuzz of the header
// parsers. Each test is named as the attack it is.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "printing/ballot_renderer.hpp"
#include "recognition/image_io.hpp"
#include "recognition/recognizer.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp::recognition {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;
using ::testing::HasSubstr;

// The codes the station maps: a file that cannot be read as a file is not stored at all
// (Rejection::unreadable_file); bytes that are not a sane image are stored as refused.
constexpr const char* kUnreadable = "file_unreadable";
constexpr const char* kCorrupt = "corrupt_image";

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

Bytes encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params = {}) {
  Bytes out;
  EXPECT_TRUE(cv::imencode(ext, image, out, params)) << ext;
  return out;
}

// Colour noise: it does not compress, so a small image makes a file of a known size.
cv::Mat noise(int width, int height, std::uint64_t seed) {
  cv::Mat m(height, width, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(m, cv::RNG::UNIFORM, 0, 256);
  return m;
}

// Offset of the frame header (SOF0…SOF15 but DHT, JPG and DAC) of a JPEG: where its size is.
std::size_t sof_offset(const Bytes& jpeg) {
  std::size_t p = 2;
  while (p + 9 < jpeg.size() && jpeg[p] == 0xFF) {
    const unsigned marker = jpeg[p + 1];
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) return p;
    p += 2 + ((static_cast<std::size_t>(jpeg[p + 2]) << 8) | jpeg[p + 3]);
  }
  ADD_FAILURE() << "no frame header";
  return 0;
}

// What an attacker edits to make a decoder allocate: the frame size the JPEG declares.
void set_jpeg_size(Bytes& jpeg, unsigned width, unsigned height) {
  const std::size_t p = sof_offset(jpeg);
  jpeg[p + 5] = static_cast<unsigned char>(height >> 8);
  jpeg[p + 6] = static_cast<unsigned char>(height & 0xFF);
  jpeg[p + 7] = static_cast<unsigned char>(width >> 8);
  jpeg[p + 8] = static_cast<unsigned char>(width & 0xFF);
}

std::uint32_t crc32(const unsigned char* data, std::size_t n) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put_be32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<unsigned char>(v >> (24 - 8 * i));
}

bool has_type(const Bytes& b, std::size_t at, const char* type) { return at + 4 <= b.size() && std::memcmp(b.data() + at, type, 4) == 0; }

// The PNG's IHDR says width × height, with a correct CRC, so libpng believes it.
void set_png_size(Bytes& png, std::uint32_t width, std::uint32_t height) {
  ASSERT_GE(png.size(), 33u);
  put_be32(png, 16, width);
  put_be32(png, 20, height);
  put_be32(png, 29, crc32(png.data() + 12, 17));
}

// A minimal little-endian TIFF: one uncompressed 8-bit gray strip of `data` bytes.
Bytes tiff_declaring(std::uint32_t width, std::uint32_t height, std::uint32_t data_bytes) {
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t value;
  };
  const std::uint32_t entries = 9, data_at = 8 + 2 + entries * 12 + 4;
  const std::vector<Entry> ifd{{256, 4, width}, {257, 4, height},   {258, 3, 8},          {259, 3, 1},         {262, 3, 1},
                               {273, 4, data_at}, {277, 3, 1},       {278, 4, height},     {279, 4, data_bytes}};
  Bytes out{'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto le16 = [&](std::uint32_t v) {
    out.push_back(static_cast<unsigned char>(v));
    out.push_back(static_cast<unsigned char>(v >> 8));
  };
  const auto le32 = [&](std::uint32_t v) {
    le16(v & 0xFFFF);
    le16(v >> 16);
  };
  le16(entries);
  for (const auto& e : ifd) {
    le16(e.tag);
    le16(e.type);
    le32(1);
    if (e.type == 3) {
      le16(e.value);
      le16(0);
    } else {
      le32(e.value);
    }
  }
  le32(0);  // no further directory
  out.resize(out.size() + data_bytes, 0xF0);
  return out;
}

Error refusal_of(const Result<Image>& r) {
  if (r) {
    ADD_FAILURE() << "decoded as " << r->width() << "×" << r->height() << " instead of refused";
    return {};
  }
  return r.error();
}

// ---------------------------------------------------------------------------------------------
// Images that declare more pixels than a page: refused from the header.

TEST(HostileFiles, AJpegWhoseFrameClaims1x65000IsRefusedFromItsHeader) {
  // A real JPEG of that size (libjpeg accepts up to 65500 on a side): recognition would reduce it
  // to a zero-pixel-wide copy and OpenCV would abort the process.
  const Bytes jpeg = encode(".jpg", cv::Mat(65000, 1, CV_8UC3, cv::Scalar(250, 250, 250)));
  const Error e = refusal_of(decode_image(jpeg, "tall.jpg"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_EQ(e.where, "tall.jpg");
  EXPECT_THAT(e.message.en, HasSubstr("1×65000 pixels"));
  EXPECT_THAT(e.message.vi, HasSubstr("1×65000 điểm ảnh"));
}

TEST(HostileFiles, A100KBJpegClaiming65500x65500IsRefusedBeforeAllocatingIt) {
  // 4.3 gigapixels declared by a file of 100 KB: decoded, it took 41 s and 5.5 GB. The refusal
  // must come from the header: the message says what the header declared.
  Bytes jpeg = encode(".jpg", noise(300, 300, 1), {cv::IMWRITE_JPEG_QUALITY, 95});
  ASSERT_GE(jpeg.size(), 100'000u);
  set_jpeg_size(jpeg, 65500, 65500);
  const Error e = refusal_of(decode_image(jpeg, "huge.jpg"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("the image declares 65500×65500 pixels, more than an A3 page at 600 dpi"));
  EXPECT_THAT(e.message.vi, HasSubstr("ảnh khai báo 65500×65500 điểm ảnh, lớn hơn một trang A3 ở 600 dpi"));
}

TEST(HostileFiles, AStripTooNarrowToBeAPageIsRefused) {
  // Within the page's pixels but 1 : 5500 and 1 : 8000: recognition reduces a scan to about
  // 1,100 px on its long side, which leaves these no pixel wide, and OpenCV aborted the process.
  for (const auto& [width, height] : {std::pair{2, 11000}, std::pair{8000, 1}}) {
    const Bytes png = encode(".png", cv::Mat(height, width, CV_8UC1, cv::Scalar(20)));
    const Error e = refusal_of(decode_image(png, "strip.png"));
    EXPECT_EQ(e.code, kCorrupt);
    EXPECT_THAT(e.message.en, HasSubstr(std::to_string(width) + "×" + std::to_string(height) + " pixels, more than 20 times as long as it is wide"));
  }
  // A 1 : 20 strip is still decoded (recognition then says it is not a ballot).
  EXPECT_TRUE(decode_image(encode(".png", cv::Mat(2000, 100, CV_8UC1, cv::Scalar(240))), "narrow.png").has_value());
}

TEST(HostileFiles, AJpegClaimingZeroRowsIsRefused) {
  Bytes jpeg = encode(".jpg", noise(64, 64, 2));
  set_jpeg_size(jpeg, 64, 0);  // "height defined later by DNL": never written by a scanner
  const Error e = refusal_of(decode_image(jpeg, "zero.jpg"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("64×0"));
}

TEST(HostileFiles, APngOf30000x30000IsRefusedFromItsHeader) {
  // A small honest PNG whose IHDR is rewritten (with its CRC): 900 megapixels declared in a few
  // hundred bytes; decoded, it took 1.9 GB.
  Bytes png = encode(".png", cv::Mat(16, 16, CV_8UC1, cv::Scalar(200)));
  ASSERT_TRUE(decode_image(png, "honest.png").has_value());
  set_png_size(png, 30000, 30000);
  ASSERT_LT(png.size(), 1000u);
  const Error e = refusal_of(decode_image(png, "huge.png"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("the image declares 30000×30000 pixels, more than an A3 page at 600 dpi"));
}

TEST(HostileFiles, APgmClaiming100000x100000IsRefusedFromItsHeader) {
  const std::string header = "P5\n# a scanner's comment\n100000 100000\n255\n";
  Bytes pgm(header.begin(), header.end());
  pgm.resize(pgm.size() + 4096, 0x80);
  const Error e = refusal_of(decode_image(pgm, "huge.pgm"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("100000×100000 pixels"));
}

TEST(HostileFiles, ATiffClaiming50000x50000IsRefusedFromItsHeader) {
  // The control: the same hand-made TIFF at an honest size decodes.
  const auto honest = decode_image(tiff_declaring(40, 30, 40 * 30), "honest.tif");
  ASSERT_TRUE(honest.has_value()) << honest.error().message.en;
  EXPECT_EQ(honest->width(), 40);
  EXPECT_EQ(honest->height(), 30);
  const Error e = refusal_of(decode_image(tiff_declaring(50000, 50000, 4096), "huge.tif"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("50000×50000 pixels"));
}

TEST(HostileFiles, AFormatScannersDoNotWriteIsRefusedByName) {
  // A BMP decodes in OpenCV, but no scanner writes one: its header is not checked, so it is not taken.
  const Error e = refusal_of(decode_image(encode(".bmp", noise(32, 32, 3)), "scan.bmp"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("BMP"));
  EXPECT_THAT(e.message.en, HasSubstr("JPEG, PNG, PNM or TIFF"));
}

// ---------------------------------------------------------------------------------------------
// Damaged data.

TEST(HostileFiles, ATruncatedJpegIsRefusedNotPaddedWithGray) {
  // libjpeg fills what is missing with gray and only warns: recognition would read a made-up
  // lower half (gray is "ink" against white paper).
  const Bytes whole = read_bytes(test::source_path("sample_ballots/deck/0001-front.jpg"));
  ASSERT_TRUE(decode_image(whole, "whole.jpg").has_value());
  const Bytes cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() * 6 / 10));
  const Error e = refusal_of(decode_image(cut, "cut.jpg"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("ends before the image does"));
}

TEST(HostileFiles, AJpegWithGarbledDataIsRefusedNotPatchedUp) {
  Bytes jpeg = read_bytes(test::source_path("sample_ballots/deck/0001-front.jpg"));
  std::mt19937 rng(11);
  for (std::size_t i = jpeg.size() / 3; i < jpeg.size() / 3 + 4000; ++i) jpeg[i] = static_cast<unsigned char>(rng());
  const Error e = refusal_of(decode_image(jpeg, "garbled.jpg"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("damaged"));
}

TEST(HostileFiles, RandomBytesNamedPngAreRefusedAsNoImageFormat) {
  std::mt19937 rng(2024);
  Bytes bytes(4096);
  for (auto& b : bytes) b = static_cast<unsigned char>(rng());
  bytes[0] = 0x42;  // not the first byte of any image signature, whatever the seed gives
  const Error e = refusal_of(decode_image(bytes, "random.png"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("not an image in a format scanners write (JPEG, PNG, PNM or TIFF)"));
}

TEST(HostileFiles, APngSignatureFollowedByRandomBytesIsRefused) {
  std::mt19937 rng(7);
  Bytes bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<unsigned char>(rng()));
  const Error e = refusal_of(decode_image(bytes, "fake.png"));
  EXPECT_EQ(e.code, kCorrupt);
  EXPECT_THAT(e.message.en, HasSubstr("PNG"));
}

// ---------------------------------------------------------------------------------------------
// Files that are not scans at all: refused before anything is read.

TEST(HostileFiles, AZeroByteFileIsUnreadableNotAnImage) {
  const test::ScratchDir dir;
  const fs::path empty = dir.path() / "empty.jpg";
  write_bytes(empty, {});
  const Error e = refusal_of(read_image_file(empty.string()));
  EXPECT_EQ(e.code, kUnreadable);
  EXPECT_EQ(e.where, empty.string());
  EXPECT_THAT(e.message.en, HasSubstr("empty"));
}

TEST(HostileFiles, ADirectoryNamedLikeAJpegIsRefusedWithoutReading) {
  // It used to be "read": its size came back as 2⁶³ and the allocation threw bad_alloc.
  const test::ScratchDir dir;
  const fs::path folder = dir.path() / "x.jpg";
  fs::create_directory(folder);
  const Error e = refusal_of(read_image_file(folder.string()));
  EXPECT_EQ(e.code, kUnreadable);
  EXPECT_THAT(e.message.en, HasSubstr("a directory"));
  EXPECT_THAT(e.message.vi, HasSubstr("thư mục"));
}

TEST(HostileFiles, ADeviceNamedAsAScanIsRefusedWithoutOpeningIt) {
  // /dev/zero would give bytes for ever; a tape or a serial port would change state when opened.
  for (const char* device : {"/dev/zero", "/dev/null"}) {
    if (!fs::exists(device)) continue;
    const Error e = refusal_of(read_image_file(device));
    EXPECT_EQ(e.code, kUnreadable) << device;
    EXPECT_THAT(e.message.en, HasSubstr("a device")) << device;
  }
}

TEST(HostileFiles, ASocketNamedLikeAPngIsRefused) {
  const test::ScratchDir dir;
  const fs::path path = dir.path() / "x.png";
  sockaddr_un address{};
  if (path.string().size() >= sizeof address.sun_path) GTEST_SKIP() << "scratch path too long for a socket";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const Error e = refusal_of(read_image_file(path.string()));
  ::close(fd);
  EXPECT_EQ(e.code, kUnreadable);
  EXPECT_THAT(e.message.en, HasSubstr("a socket"));
}

TEST(HostileFiles, AFileLargerThanAnyScanIsRefusedUnread) {
  // A sparse file of 1 GiB: no disk space, and nothing of it is read or allocated.
  const test::ScratchDir dir;
  const fs::path big = dir.path() / "big.png";
  write_bytes(big, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
  fs::resize_file(big, std::uintmax_t{1} << 30);
  const Error e = refusal_of(read_image_file(big.string()));
  EXPECT_EQ(e.code, kUnreadable);
  EXPECT_THAT(e.message.en, HasSubstr("1073741824 bytes"));
  EXPECT_THAT(e.message.en, HasSubstr("larger than"));
}

TEST(HostileFiles, ASymlinkToAScanIsReadButOneToADirectoryIsNot) {
  const test::ScratchDir dir;
  fs::create_symlink(test::source_path("sample_ballots/deck/0001-front.jpg"), dir.path() / "link.jpg");
  fs::create_directory(dir.path() / "folder");
  fs::create_directory_symlink(dir.path() / "folder", dir.path() / "folder.jpg");
  EXPECT_TRUE(read_image_file((dir.path() / "link.jpg").string()).has_value());
  const Error e = refusal_of(read_image_file((dir.path() / "folder.jpg").string()));
  EXPECT_EQ(e.code, kUnreadable);
  EXPECT_THAT(e.message.en, HasSubstr("a directory"));
}

// ---------------------------------------------------------------------------------------------
// Through the program, hostile files among good scans.

// Every kind of hostile file in `dir`, by name, with the reason `recognize` must give.
std::vector<std::pair<std::string, std::string>> write_hostile_files(const fs::path& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto add = [&](const std::string& name, const Bytes& bytes, const std::string& reason) {
    write_bytes(dir / name, bytes);
    out.emplace_back((dir / name).string(), reason);
  };
  add("tall.jpg", encode(".jpg", cv::Mat(65000, 1, CV_8UC3, cv::Scalar(250, 250, 250))), "corrupt_image");
  add("strip.png", encode(".png", cv::Mat(1, 8000, CV_8UC1, cv::Scalar(20))), "corrupt_image");
  Bytes huge = encode(".jpg", noise(300, 300, 1), {cv::IMWRITE_JPEG_QUALITY, 95});
  set_jpeg_size(huge, 65500, 65500);
  add("huge.jpg", huge, "corrupt_image");
  Bytes png = encode(".png", cv::Mat(16, 16, CV_8UC1, cv::Scalar(200)));
  set_png_size(png, 30000, 30000);
  add("huge.png", png, "corrupt_image");
  const Bytes whole = read_bytes(test::source_path("sample_ballots/deck/0002-front.jpg"));
  add("cut.jpg", Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2)), "corrupt_image");
  std::mt19937 rng(99);
  Bytes random(2048);
  for (auto& b : random) b = static_cast<unsigned char>(rng());
  random[0] = 0x42;
  add("random.png", random, "corrupt_image");
  add("empty.jpg", {}, "unreadable_file");
  fs::create_directory(dir / "x.jpg");
  out.emplace_back((dir / "x.jpg").string(), "unreadable_file");
  EXPECT_EQ(::mkfifo((dir / "fifo.jpg").c_str(), 0600), 0);
  out.emplace_back((dir / "fifo.jpg").string(), "unreadable_file");
  return out;
}

// The program under `timeout`: a file that blocks it (a FIFO) fails the test instead of hanging it.
test::CommandResult run_guarded(const std::string& arguments) {
  return test::run_command("timeout 60 " + test::quote_arg(KP_CLI_PATH) + " --lang en " + arguments);
}

const std::string kElection = test::source_path("sample_ballots/example-congress.toml");

std::string deck_file(int n) {
  char name[32];
  std::snprintf(name, sizeof name, "%04d-front.jpg", n);
  const std::string jpg = test::source_path("sample_ballots/deck/") + name;
  if (fs::exists(jpg)) return jpg;
  std::snprintf(name, sizeof name, "%04d-front.png", n);
  return test::source_path("sample_ballots/deck/") + name;
}

// Good scans and hostile files interleaved: good, hostile, good, hostile, …
std::vector<std::pair<std::string, std::string>> interleaved(const std::vector<std::pair<std::string, std::string>>& hostile) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    out.emplace_back(deck_file(static_cast<int>(i) + 1), "");
    out.push_back(hostile[i]);
  }
  out.emplace_back(deck_file(static_cast<int>(hostile.size()) + 1), "");
  return out;
}

std::string arguments_of(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& f : files) out += " " + test::quote_arg(f.first);
  return out;
}

TEST(HostileFiles, RecognizeRefusesEachHostileFileByNameAmongGoodScansAndFinishes) {
  const test::ScratchDir dir;
  const auto files = interleaved(write_hostile_files(dir.path()));
  const auto r = run_guarded("recognize " + test::quote_arg(kElection) + arguments_of(files) + " --threads 2");
  ASSERT_NE(r.exit_code, 124) << "timed out: a hostile file blocked the program";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    ASSERT_LT(n, files.size()) << line;
    const auto j = nlohmann::json::parse(line);
    const auto& [path, reason] = files[n];
    EXPECT_EQ(j["image"], path);
    if (reason.empty()) {
      EXPECT_EQ(j["status"], "ok") << path;
    } else {
      EXPECT_EQ(j["status"], "rejected") << path;
      EXPECT_EQ(j["reasons"], nlohmann::json::array({reason})) << path;
      EXPECT_THAT(r.err, HasSubstr(path + ": error: ")) << "the hostile file is named on stderr";
    }
  }
  EXPECT_EQ(n, files.size());
  // The reasons, in words, on stderr.
  for (const char* why : {"1×65000 pixels", "8000×1 pixels", "65500×65500 pixels", "30000×30000 pixels", "ends before the image does",
                          "not an image in a format scanners write", "empty", "a directory", "a FIFO"}) {
    EXPECT_THAT(r.err, HasSubstr(why));
  }
}

TEST(HostileFiles, IngestStoresEveryGoodScanNamesEachHostileFileAndExitsOne) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  const auto init = test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(kElection));
  ASSERT_EQ(init.exit_code, 0) << init.err;
  fs::create_directory(dir.path() / "in");
  const auto files = interleaved(write_hostile_files(dir.path() / "in"));
  const std::string ingest = "ingest " + test::quote_arg(db) + arguments_of(files);

  const auto first = run_guarded(ingest);
  ASSERT_NE(first.exit_code, 124) << "timed out: a hostile file blocked the program";
  EXPECT_EQ(first.exit_code, 1) << first.err;  // not 0: some files could not be stored; not a crash
  for (const auto& [path, reason] : files) {
    if (!reason.empty()) {
      EXPECT_THAT(first.err, HasSubstr(path + ": error: "));
    }
  }
  // Every good scan is stored and read; a damaged image is kept as refused; a file that is not
  // one is not stored.
  const auto stored = [&] {
    std::map<std::string, tally::SheetRow> by_name;
    auto opened = tally::CongressDb::open(db);
    EXPECT_TRUE(opened.has_value());
    if (!opened) return by_name;
    const auto sheets = opened->sheets();
    EXPECT_TRUE(sheets.has_value());
    if (sheets) {
      for (const auto& s : *sheets) by_name[s.image_name] = s;
    }
    EXPECT_TRUE(opened->verify().empty());
    return by_name;
  };
  std::map<std::string, std::string> status_of;  // image → the status its line says
  std::istringstream lines(first.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    status_of[j["image"].get<std::string>()] = j["status"].get<std::string>();
  }
  const auto after_first = stored();
  for (const auto& [path, reason] : files) {
    const auto sheet = after_first.find(path);
    if (reason.empty()) {
      ASSERT_NE(sheet, after_first.end()) << path << " was not stored";
      EXPECT_NE(sheet->second.status, tally::SheetStatus::rejected) << path;
      EXPECT_NE(status_of[path], "rejected") << path;
    } else if (reason == "corrupt_image") {
      ASSERT_NE(sheet, after_first.end()) << path << " was not kept as refused";
      EXPECT_EQ(sheet->second.status, tally::SheetStatus::rejected) << path;
      EXPECT_EQ(status_of[path], "rejected") << path;
    } else {
      EXPECT_EQ(sheet, after_first.end()) << path << " is not a file and must not be stored";
      EXPECT_EQ(status_of[path], "not_stored") << path;
    }
  }
  EXPECT_EQ(status_of.size(), files.size()) << "one line per file";
  // Again: nothing is stored twice.
  const auto again = run_guarded(ingest);
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_THAT(again.out, ::testing::Not(HasSubstr("\"duplicate\":false")));
  const auto after_again = stored();
  EXPECT_EQ(after_again.size(), after_first.size());
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->sheets()->size(), after_first.size());
}

// ---------------------------------------------------------------------------------------------
// A bounded fuzz of the header parsers: bytes in the first 2 KB of a committed scan and of small
// PNGs made here are mutated with a fixed seed. Each must give an image of a sane size or an
// error, never a crash or an exception; and what does decode is given to recognition, which must
// not crash on it either (that is where a decodable but absurd image used to abort the process).
// About a thousand cases run in a few seconds in Release.

// Where the JPEG's entropy-coded data begins: the markers before it are what libjpeg parses.
std::size_t jpeg_header_length(const Bytes& jpeg) {
  std::size_t p = 2;
  while (p + 4 <= jpeg.size() && jpeg[p] == 0xFF) {
    const std::size_t length = (static_cast<std::size_t>(jpeg[p + 2]) << 8) | jpeg[p + 3];
    if (jpeg[p + 1] == 0xDA) return p + 2 + length;
    p += 2 + length;
  }
  return jpeg.size();
}

// libpng checks every chunk's CRC: mutated bytes are given correct CRCs (for the chunks whose
// lengths still fit), so the fuzz reaches the parsers behind the check, not only the check.
void repair_png_crcs(Bytes& png) {
  std::size_t p = 8;
  while (p + 12 <= png.size()) {
    const std::size_t length = (static_cast<std::size_t>(png[p]) << 24) | (static_cast<std::size_t>(png[p + 1]) << 16) |
                               (static_cast<std::size_t>(png[p + 2]) << 8) | png[p + 3];
    if (length > png.size() - p - 12) return;
    put_be32(png, p + 8 + length, crc32(png.data() + p + 4, length + 4));
    p += 12 + length;
  }
}

// Where a PNG's image data begins (its first IDAT chunk): the chunks before it are its header.
std::size_t png_header_length(const Bytes& png) {
  for (std::size_t p = 8; p + 8 <= png.size();) {
    if (has_type(png, p + 4, "IDAT")) return p;
    p += 12 + ((static_cast<std::size_t>(png[p]) << 24) | (static_cast<std::size_t>(png[p + 1]) << 16) |
               (static_cast<std::size_t>(png[p + 2]) << 8) | png[p + 3]);
  }
  return png.size();
}

// What a scanner's PNG carries besides the pixels — its resolution (pHYs, 600 dpi), the software
// (tEXt), a gamma — put after the IHDR, so the fuzz meets the chunk parsers a scan goes through.
Bytes with_scanner_chunks(Bytes png) {
  const auto chunk = [](const std::string& type, const Bytes& data) {
    Bytes c;
    const auto be32_out = [&c](std::uint32_t v) {
      for (int i = 0; i < 4; ++i) c.push_back(static_cast<unsigned char>(v >> (24 - 8 * i)));
    };
    be32_out(static_cast<std::uint32_t>(data.size()));
    for (const char t : type) c.push_back(static_cast<unsigned char>(t));
    for (const unsigned char d : data) c.push_back(d);
    be32_out(crc32(c.data() + 4, data.size() + 4));
    return c;
  };
  Bytes phys(9, 0);
  put_be32(phys, 0, 23622);  // 600 dpi in pixels per metre
  put_be32(phys, 4, 23622);
  phys[8] = 1;
  const std::string text = std::string("Software") + '\0' + "kiemphieu test scanner";
  Bytes gamma(4, 0);
  put_be32(gamma, 0, 45455);
  Bytes extra = chunk("pHYs", phys);
  for (const auto& c : {chunk("tEXt", Bytes(text.begin(), text.end())), chunk("gAMA", gamma)}) extra.insert(extra.end(), c.begin(), c.end());
  png.insert(png.begin() + 33, extra.begin(), extra.end());  // right after the signature and IHDR
  return png;
}

Bytes mutated(const Bytes& base, std::size_t span, std::mt19937& rng) {
  Bytes b = base;
  span = std::min({span, std::size_t{2048}, b.size()});
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int k = 0; k < edits; ++k) {
    const std::size_t at = rng() % span;
    switch (rng() % 6) {
      case 0: b[at] = static_cast<unsigned char>(rng()); break;
      case 1: b[at] ^= static_cast<unsigned char>(1u << (rng() % 8)); break;
      case 2: b[at] = 0xFF; break;  // markers, huge sizes and lengths
      case 3: b[at] = 0x00; break;  // zero sizes, counts and lengths
      case 4: b[at] = static_cast<unsigned char>(b[at] + 1); break;
      default:  // a segment or chunk repeated: markers out of order, tables twice
        if (at + 64 <= b.size()) b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at),
                                          b.begin() + static_cast<std::ptrdiff_t>(at + 1 + rng() % 63));
        break;
    }
  }
  if (rng() % 10 == 0) b.resize(rng() % b.size());  // sometimes cut short as well
  return b;
}

const Recognizer& fuzz_recognizer() {
  static const Recognizer r = [] {
    auto created = Recognizer::create(*test::example_election(), test::example_layouts(),
                                      [](const config::ContestLayout& layout, Side side, int dpi) { return printing::render_side(layout, side, dpi, 0); });
    if (!created) throw std::runtime_error(created.error().message.en);
    return std::move(*created);
  }();
  return r;
}

struct FuzzCounts {
  int decoded = 0;
  int refused = 0;
};

FuzzCounts fuzz(const Bytes& base, const std::string& name, bool png, std::uint32_t seed, int cases) {
  std::mt19937 rng(seed);
  FuzzCounts n;
  // Half the cases only in the header (for a JPEG, the markers before its data; a PNG's first
  // chunks are all header), half anywhere in the first 2 KB.
  const std::size_t header = png ? png_header_length(base) : jpeg_header_length(base);
  for (int i = 0; i < cases; ++i) {
    Bytes input = mutated(base, i % 2 == 0 ? header : base.size(), rng);
    if (png && i % 4 != 3) repair_png_crcs(input);
    try {
      const auto r = decode_image(input, name);
      if (r) {
        ++n.decoded;
        const int longer = std::max(r->width(), r->height()), shorter = std::min(r->width(), r->height());
        EXPECT_GT(shorter, 0) << name << " case " << i;
        EXPECT_LE(longer, 11000) << name << " case " << i;
        EXPECT_LE(shorter, 8000) << name << " case " << i;
        EXPECT_LE(longer, 20 * shorter) << name << " case " << i;
        (void)fuzz_recognizer().recognize(r->view());
      } else {
        ++n.refused;
        EXPECT_EQ(r.error().code, kCorrupt) << name << " case " << i << ": " << r.error().message.en;
        EXPECT_EQ(r.error().where, name);
        EXPECT_FALSE(r.error().message.en.empty());
        EXPECT_FALSE(r.error().message.vi.empty());
      }
    } catch (const std::exception& ex) {
      ADD_FAILURE() << name << " case " << i << " threw " << ex.what();
    }
  }
  return n;
}

TEST(Fuzz, ImageHeadersNeverCrashTheDecoder) {
  const FuzzCounts jpeg = fuzz(read_bytes(test::source_path("sample_ballots/deck/0001-front.jpg")), "fuzz.jpg", false, 1, 400);
  const FuzzCounts colour = fuzz(with_scanner_chunks(encode(".png", noise(40, 30, 5))), "fuzz.png", true, 2, 400);
  const FuzzCounts gray = fuzz(with_scanner_chunks(encode(".png", cv::Mat(30, 40, CV_8UC1, cv::Scalar(128)))), "fuzz-gray.png", true, 3, 200);
  // The fuzz reached both sides of the parsers: some mutations still decode, most are refused.
  for (const auto& n : {jpeg, colour, gray}) {
    EXPECT_GT(n.decoded, 0);
    EXPECT_GT(n.refused, 0);
  }
}

}  // namespace
}  // namespace kp::recognition
