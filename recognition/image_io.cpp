#include "recognition/image_io.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "recognition/internal/jpeg_planes.hpp"

namespace kp::recognition {

Result<Image> decode_image(const std::vector<unsigned char>& bytes, const std::string& name) {
  const auto corrupt = [&] {
    return fail("corrupt_image", {"Tệp không phải là ảnh đọc được (hỏng hoặc sai định dạng)",
                                  "The file is not a readable image (damaged or of another format)"},
                name);
  };
  if (bytes.empty()) return corrupt();
  // A colour JPEG (what scanners write) is decoded to its luma and chroma planes: recognition
  // reads the page from the luma and the stamp's red from the chroma, and never needs RGB.
  if (auto planes = internal::decode_jpeg_planes(bytes)) return std::move(*planes);
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(bytes, cv::IMREAD_ANYCOLOR);
  } catch (const cv::Exception&) {
    return corrupt();
  }
  if (decoded.empty() || decoded.depth() != CV_8U) return corrupt();
  if (decoded.channels() == 4) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2BGR);
  if (decoded.channels() != 1 && decoded.channels() != 3) return corrupt();
  Image out(decoded.cols, decoded.rows, decoded.channels() == 1 ? PixelFormat::gray8 : PixelFormat::bgr8);
  for (int y = 0; y < decoded.rows; ++y) {
    std::memcpy(out.row(y), decoded.ptr(y), static_cast<std::size_t>(out.row_stride()));
  }
  return out;
}

Result<Image> read_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return fail("file_unreadable", {"Không mở được tệp ảnh", "Cannot open the image file"}, path);
  }
  // One read of the whole file (reading it character by character cost 3% of recognising it).
  const std::streamoff size = in.tellg();
  if (size < 0) return fail("file_unreadable", {"Không đọc được tệp ảnh", "Cannot read the image file"}, path);  // a folder, a pipe
  std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) return fail("file_unreadable", {"Không đọc được tệp ảnh", "Cannot read the image file"}, path);
  return decode_image(bytes, path);
}

}  // namespace kp::recognition
