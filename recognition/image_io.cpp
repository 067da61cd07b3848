#include "recognition/image_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>
#include <system_error>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "recognition/internal/jpeg_planes.hpp"

namespace kp::recognition {
namespace {

// ---------------------------------------------------------------------------------------------
// Limits. Whatever is put where scans are expected is checked against these before a decoder
// sees it, so no file can make a decoder allocate more than the largest real scan needs.

// The largest page a scan is: A3 (297 × 420 mm, the largest sheet the layout prints) at 600 dpi
// (the highest resolution recognition knows) is 7016 × 9921 px. The limits add the margin a
// scanner gives beyond the sheet, 14% on the short side and 11% on the long one: 8000 × 11000 px
// (339 × 466 mm at 600 dpi), which also holds the 11 × 17 in bed of an A3 scanner (6600 × 10200
// px) with its overscan. In either orientation.
constexpr std::uint64_t kMaxShortSide = 8000;
constexpr std::uint64_t kMaxLongSide = 11000;

// The largest file a sane scan makes: an image at the limits above in 8-bit colour, stored
// without compression — PNM (what SANE gives), an uncompressed TIFF, or a PNG of it that deflate
// cannot shrink (noise), which adds only a filter byte per row and 5 bytes per 64 KiB block — is
// 8000 × 11000 × 3 = 264 MB. 16 MiB more holds metadata (ICC profile, EXIF, a thumbnail). (The A3
// page at 600 dpi itself is 209 MB that way, and a few tens of MB as a JPEG.)
constexpr std::uint64_t kMaxFileBytes = kMaxShortSide * kMaxLongSide * 3 + (std::uint64_t{16} << 20);

// A TIFF's tiles or strips are decoded into a buffer of their own: no larger than the image.
constexpr std::uint64_t kMaxPixels = kMaxShortSide * kMaxLongSide;

// No sheet is a strip: A-series paper is 1 : 1.41, and even a scanner's long-paper mode (for
// receipts) stays near 1 : 10. 1 : 20 leaves that twice over. A narrower image is not a page, and
// recognition, which first reduces a scan to about 1,100 px on its long side, would be left with
// a side of less than a pixel (from about 1 : 2200 on OpenCV aborts the process).
constexpr std::uint64_t kMaxElongation = 20;

using Bytes = std::vector<unsigned char>;

tl::unexpected<Error> corrupt(const std::string& name, const Text& why) {
  return fail("corrupt_image", {"Không nhận ảnh: " + why.vi, "Image refused: " + why.en}, name);
}

tl::unexpected<Error> unreadable(const std::string& path, const Text& why) {
  return fail("file_unreadable", {"Không đọc được tệp ảnh: " + why.vi, "Cannot read the image file: " + why.en}, path);
}

std::string size_text(std::uint64_t width, std::uint64_t height) { return std::to_string(width) + "×" + std::to_string(height); }

// What a header declares, before anything is decoded.
struct Declared {
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t piece_pixels = 0;  // a TIFF's largest strip or tile, decoded into a buffer of its own
};

// Why an image of that size is not a scan; nothing when it could be one.
std::optional<Text> size_refusal(std::uint64_t width, std::uint64_t height) {
  const std::string size = size_text(width, height);
  if (width == 0 || height == 0) {
    return Text{"ảnh khai báo " + size + " điểm ảnh, tức là không có điểm ảnh nào", "the image declares " + size + " pixels, that is none"};
  }
  if (std::max(width, height) > kMaxLongSide || std::min(width, height) > kMaxShortSide) {
    const std::string most = size_text(kMaxShortSide, kMaxLongSide);
    return Text{"ảnh khai báo " + size + " điểm ảnh, lớn hơn một trang A3 ở 600 dpi (nhiều nhất " + most + ")",
                "the image declares " + size + " pixels, more than an A3 page at 600 dpi (at most " + most + ")"};
  }
  if (std::max(width, height) > kMaxElongation * std::min(width, height)) {
    const std::string times = std::to_string(kMaxElongation);
    return Text{"ảnh khai báo " + size + " điểm ảnh, dài hơn " + times + " lần bề rộng: đó không phải một trang giấy",
                "the image declares " + size + " pixels, more than " + times + " times as long as it is wide: not a page"};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Which format the bytes are, from their signature: the four scanners write are read further;
// the others OpenCV would decode are refused by name, their headers never checked.

enum class Format { jpeg, png, pnm, tiff };

bool has(const Bytes& b, std::size_t at, std::string_view signature) {
  return b.size() >= at + signature.size() && std::equal(signature.begin(), signature.end(), b.begin() + static_cast<std::ptrdiff_t>(at),
                                                         [](char s, unsigned char c) { return static_cast<unsigned char>(s) == c; });
}

bool space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

struct Sniffed {
  std::optional<Format> format;
  const char* other = nullptr;  // a format scanners do not write
};

Sniffed sniff(const Bytes& b) {
  using namespace std::string_view_literals;
  if (has(b, 0, "\xFF\xD8\xFF"sv)) return {Format::jpeg};
  if (has(b, 0, "\x89PNG\r\n\x1A\n"sv)) return {Format::png};
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && space(b[2])) return {Format::pnm};
  if (has(b, 0, "II*\0"sv) || has(b, 0, "MM\0*"sv)) return {Format::tiff};
  if (has(b, 0, "II+\0"sv) || has(b, 0, "MM\0+"sv)) return {std::nullopt, "BigTIFF"};
  if (has(b, 0, "BM"sv)) return {std::nullopt, "BMP"};
  if (has(b, 0, "GIF8"sv)) return {std::nullopt, "GIF"};
  if (has(b, 0, "RIFF"sv) && has(b, 8, "WEBP"sv)) return {std::nullopt, "WebP"};
  if (has(b, 0, "\xFF\x4F\xFF\x51"sv) || has(b, 0, "\0\0\0\x0CjP  \r\n\x87\n"sv)) return {std::nullopt, "JPEG 2000"};
  if (has(b, 0, "\x76\x2F\x31\x01"sv)) return {std::nullopt, "OpenEXR"};
  if (has(b, 0, "#?RADIANCE"sv) || has(b, 0, "#?RGBE"sv)) return {std::nullopt, "Radiance HDR"};
  if (has(b, 0, "\x59\xA6\x6A\x95"sv)) return {std::nullopt, "Sun raster"};
  if (has(b, 0, "P7"sv)) return {std::nullopt, "PAM"};
  if (has(b, 0, "Pf"sv) || has(b, 0, "PF"sv)) return {std::nullopt, "PFM"};
  if (has(b, 128, "DICM"sv)) return {std::nullopt, "DICOM"};
  if (has(b, 0, "%PDF"sv)) return {std::nullopt, "PDF"};
  return {};
}

// ---------------------------------------------------------------------------------------------
// Header parsers: the declared size, read from the bytes alone (libjpeg reads the JPEG's).

using Parsed = tl::expected<Declared, Text>;

std::uint32_t be32(const Bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// PNG: the IHDR chunk must come first (length 13, then width and height, big-endian).
Parsed png_size(const Bytes& b) {
  if (b.size() < 8 + 8 + 13 + 4 || be32(b, 8) != 13 || !has(b, 12, "IHDR")) {
    return tl::unexpected(Text{"tệp PNG không bắt đầu bằng phần đầu IHDR (hỏng hoặc bị cắt cụt)",
                               "the PNG does not begin with its IHDR header (damaged or cut short)"});
  }
  return Declared{be32(b, 16), be32(b, 20)};
}

// PNM (P1–P6): the magic, then width and height as decimal numbers between whitespace and
// "#" comments.
Parsed pnm_size(const Bytes& b) {
  std::size_t p = 2;
  const auto number = [&]() -> std::optional<std::uint64_t> {
    while (p < b.size() && (space(b[p]) || b[p] == '#')) {
      if (b[p] == '#') {
        while (p < b.size() && b[p] != '\n' && b[p] != '\r') ++p;
      } else {
        ++p;
      }
    }
    std::uint64_t value = 0;
    int digits = 0;
    for (; p < b.size() && std::isdigit(b[p]) != 0; ++p, ++digits) {
      if (digits == 18) return std::nullopt;  // beyond any size, and would overflow
      value = value * 10 + static_cast<std::uint64_t>(b[p] - '0');
    }
    if (digits == 0) return std::nullopt;
    return value;
  };
  const auto width = number();
  const auto height = width ? number() : std::nullopt;
  if (!width || !height) {
    return tl::unexpected(Text{"phần đầu tệp PNM không ghi rõ chiều rộng và chiều cao", "the PNM header does not give a width and a height"});
  }
  return Declared{*width, *height};
}

// TIFF: the first directory (the one OpenCV decodes) gives ImageWidth and ImageLength, and the
// tiles or strips a decoder allocates a buffer for.
Parsed tiff_size(const Bytes& b) {
  const bool little = b[0] == 'I';
  const auto u16 = [&](std::size_t at) -> std::uint32_t {
    return little ? (std::uint32_t{b[at + 1]} << 8 | b[at]) : (std::uint32_t{b[at]} << 8 | b[at + 1]);
  };
  const auto u32 = [&](std::size_t at) -> std::uint32_t {
    return little ? (u16(at + 2) << 16 | u16(at)) : (u16(at) << 16 | u16(at + 2));
  };
  const Text damaged{"phần đầu tệp TIFF hỏng: thư mục ảnh đầu tiên nằm ngoài tệp", "the TIFF header is damaged: its first directory lies outside the file"};
  if (b.size() < 8) return tl::unexpected(damaged);
  const std::uint64_t ifd = u32(4);
  if (ifd < 8 || ifd + 2 > b.size()) return tl::unexpected(damaged);
  const std::uint64_t entries = u16(static_cast<std::size_t>(ifd));
  if (ifd + 2 + entries * 12 > b.size()) return tl::unexpected(damaged);
  std::optional<std::uint64_t> width, height, tile_width, tile_length, rows_per_strip;
  for (std::uint64_t i = 0; i < entries; ++i) {
    const auto at = static_cast<std::size_t>(ifd + 2 + i * 12);
    const std::uint32_t tag = u16(at), type = u16(at + 2), count = u32(at + 4);
    if (count == 0 || (type != 3 && type != 4)) continue;  // these tags are a SHORT or a LONG
    const std::uint64_t value = type == 3 ? u16(at + 8) : u32(at + 8);
    switch (tag) {
      case 256: width = value; break;
      case 257: height = value; break;
      case 278: rows_per_strip = value; break;
      case 322: tile_width = value; break;
      case 323: tile_length = value; break;
      default: break;
    }
  }
  if (!width || !height) {
    return tl::unexpected(Text{"phần đầu tệp TIFF không ghi chiều rộng và chiều cao của ảnh", "the TIFF header does not give the image's width and height"});
  }
  // 2³² − 1 rows per strip is TIFF's "the whole image in one strip".
  const std::uint64_t strip = rows_per_strip && *rows_per_strip != 0xFFFFFFFFu ? *rows_per_strip * *width : 0;
  const std::uint64_t tile = tile_width && tile_length ? *tile_width * *tile_length : 0;
  return Declared{*width, *height, std::max(strip, tile)};
}

const char* name_of(Format f) {
  switch (f) {
    case Format::jpeg: return "JPEG";
    case Format::png: return "PNG";
    case Format::pnm: return "PNM";
    case Format::tiff: return "TIFF";
  }
  return "";
}

Image image_of(const cv::Mat& decoded) {
  Image out(decoded.cols, decoded.rows, decoded.channels() == 1 ? PixelFormat::gray8 : PixelFormat::bgr8);
  for (int y = 0; y < decoded.rows; ++y) {
    std::memcpy(out.row(y), decoded.ptr(y), static_cast<std::size_t>(out.row_stride()));
  }
  return out;
}

Result<Image> decode_checked(const Bytes& bytes, const std::string& name) {
  if (bytes.empty()) return corrupt(name, {"tệp rỗng", "the file is empty"});
  const Sniffed sniffed = sniff(bytes);
  if (!sniffed.format) {
    if (sniffed.other != nullptr) {
      const std::string other = sniffed.other;
      return corrupt(name, {"tệp theo định dạng " + other + ", không phải định dạng máy quét ghi (JPEG, PNG, PNM hoặc TIFF)",
                            "the file is in the " + other + " format, not one scanners write (JPEG, PNG, PNM or TIFF)"});
    }
    return corrupt(name, {"tệp không phải là ảnh theo định dạng máy quét ghi (JPEG, PNG, PNM hoặc TIFF)",
                          "the file is not an image in a format scanners write (JPEG, PNG, PNM or TIFF)"});
  }
  const Format format = *sniffed.format;
  // A JPEG's header is read by the decoder that then goes on to decode it: the file is parsed once.
  std::optional<internal::JpegReader> jpeg;
  Parsed declared;
  switch (format) {
    case Format::jpeg: {
      jpeg.emplace(bytes);
      const auto header = jpeg->read_header();
      if (!header) return corrupt(name, header.error().message);
      declared = Declared{static_cast<std::uint64_t>(header->width), static_cast<std::uint64_t>(header->height)};
      break;
    }
    case Format::png: declared = png_size(bytes); break;
    case Format::pnm: declared = pnm_size(bytes); break;
    case Format::tiff: declared = tiff_size(bytes); break;
  }
  if (!declared) return corrupt(name, declared.error());
  if (const auto why = size_refusal(declared->width, declared->height)) return corrupt(name, *why);
  if (declared->piece_pixels > kMaxPixels) {
    return corrupt(name, {"tệp TIFF khai báo từng mảnh ảnh (strip, tile) lớn hơn cả một trang A3 ở 600 dpi",
                          "the TIFF declares strips or tiles larger than a whole A3 page at 600 dpi"});
  }

  // A colour JPEG (what scanners write) is decoded to its luma and chroma planes: recognition
  // reads the page from the luma and the stamp's red from the chroma, and never needs RGB.
  if (jpeg) {
    auto planes = jpeg->decode();
    if (!planes) return corrupt(name, planes.error().message);
    if (*planes) return std::move(**planes);
    jpeg.reset();  // another kind of JPEG (CMYK, uneven chroma sampling): libjpeg's state goes first
  }
  const cv::Mat read = cv::imdecode(bytes, cv::IMREAD_ANYCOLOR);
  const std::string format_name = name_of(format);
  if (read.empty() || read.depth() != CV_8U) {
    return corrupt(name, {"dữ liệu ảnh " + format_name + " hỏng, không giải mã được", "the " + format_name + " image data is damaged and cannot be decoded"});
  }
  // The size checked is the size decoded (an EXIF orientation may have turned it).
  if (const auto why = size_refusal(static_cast<std::uint64_t>(read.cols), static_cast<std::uint64_t>(read.rows))) return corrupt(name, *why);
  cv::Mat decoded = read;
  if (decoded.channels() == 4) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2BGR);
  if (decoded.channels() != 1 && decoded.channels() != 3) {
    return corrupt(name, {"ảnh " + format_name + " có số kênh màu không dùng được", "the " + format_name + " image has an unusable number of channels"});
  }
  return image_of(decoded);
}

// A file descriptor closed when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

Text system_error_text(int error) {
  switch (error) {
    case ENOENT: return {"tệp không tồn tại", "the file does not exist"};
    case EACCES:
    case EPERM: return {"không có quyền đọc tệp", "permission to read it is denied"};
    default: break;
  }
  const std::string said = std::error_code(error, std::generic_category()).message();
  return {"lỗi hệ thống (" + said + ")", "system error (" + said + ")"};
}

// Why a file of this type is not read at all; nothing for a regular file.
std::optional<Text> not_a_file(mode_t mode) {
  if (S_ISREG(mode)) return std::nullopt;
  if (S_ISDIR(mode)) return Text{"đây là một thư mục, không phải tệp ảnh", "it is a directory, not an image file"};
  if (S_ISFIFO(mode)) return Text{"đây là một đường ống (FIFO), không phải tệp ảnh", "it is a FIFO (named pipe), not an image file"};
  if (S_ISCHR(mode) || S_ISBLK(mode)) return Text{"đây là một thiết bị, không phải tệp ảnh", "it is a device, not an image file"};
  if (S_ISSOCK(mode)) return Text{"đây là một socket, không phải tệp ảnh", "it is a socket, not an image file"};
  return Text{"đây không phải là một tệp thông thường", "it is not a regular file"};
}

std::optional<Text> too_large(std::uint64_t size) {
  if (size <= kMaxFileBytes) return std::nullopt;
  const std::string limit = std::to_string(kMaxFileBytes);
  return Text{"tệp có " + std::to_string(size) + " byte, lớn hơn ảnh quét lớn nhất (" + limit + " byte: một trang A3 ở 600 dpi, màu, không nén)",
              "the file is " + std::to_string(size) + " bytes, larger than the largest scan (" + limit +
                  " bytes: an A3 page at 600 dpi in colour, uncompressed)"};
}

const Text kEmpty{"tệp rỗng (0 byte), không có gì để đọc", "the file is empty (0 bytes): there is nothing to read"};

}  // namespace

Result<Image> decode_image(const std::vector<unsigned char>& bytes, const std::string& name) {
  // Every decoder error is a value. The sizes are bounded before any decoder runs, so running
  // out of memory says nothing about the file: it is "unreadable" (not stored, read again
  // later), never kept as a refused image.
  try {
    return decode_checked(bytes, name);
  } catch (const cv::Exception& e) {
    return corrupt(name, {"OpenCV không giải mã được ảnh (" + e.err + ")", "OpenCV cannot decode the image (" + e.err + ")"});
  } catch (const std::bad_alloc&) {
    return unreadable(name, {"không đủ bộ nhớ để giải mã ảnh lúc này", "there is not enough memory to decode the image now"});
  } catch (const std::exception& e) {
    const std::string said = e.what();
    return corrupt(name, {"không giải mã được ảnh (" + said + ")", "the image cannot be decoded (" + said + ")"});
  }
}

Result<std::vector<unsigned char>> read_scan_file(const std::string& path) {
  // The type and size are checked before the file is opened: a FIFO would block the open, a
  // device could change state or give bytes for ever, a directory has no bytes at all.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return unreadable(path, system_error_text(errno));
  if (const auto why = not_a_file(st.st_mode)) return unreadable(path, *why);
  if (const auto why = too_large(static_cast<std::uint64_t>(st.st_size))) return unreadable(path, *why);
  if (st.st_size == 0) return unreadable(path, kEmpty);
  // O_NONBLOCK in case it was replaced by a FIFO since: the open returns at once, and the type is
  // checked again on what was opened.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return unreadable(path, system_error_text(errno));
  if (::fstat(fd.get(), &st) != 0) return unreadable(path, system_error_text(errno));
  if (const auto why = not_a_file(st.st_mode)) return unreadable(path, *why);
  if (const auto why = too_large(static_cast<std::uint64_t>(st.st_size))) return unreadable(path, *why);
  // One read of the whole file (reading it character by character cost 3% of recognising it).
  std::vector<unsigned char> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unreadable(path, system_error_text(errno));
    if (n == 0) break;  // shorter than it was a moment ago: what is there is what is decoded
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  if (bytes.empty()) return unreadable(path, kEmpty);
  return bytes;
}

Result<Image> read_image_file(const std::string& path) {
  const auto bytes = read_scan_file(path);
  if (!bytes) return tl::unexpected(bytes.error());
  return decode_image(*bytes, path);
}

}  // namespace kp::recognition
