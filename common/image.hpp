#pragma once
// A decoded image passed between modules without exposing OpenCV or Qt types.
// Modelled on zxing-cpp's ImageView: a non-owning view plus a small owning buffer.
#include <cstdint>
#include <vector>

namespace kp {

enum class PixelFormat { gray8, bgr8 };

inline int bytes_per_pixel(PixelFormat f) { return f == PixelFormat::gray8 ? 1 : 3; }

class ImageView {
 public:
  ImageView() = default;
  ImageView(const std::uint8_t* data, int width, int height, PixelFormat format, int row_stride = 0)
      : data_(data), width_(width), height_(height), format_(format),
        row_stride_(row_stride ? row_stride : width * bytes_per_pixel(format)) {}

  [[nodiscard]] const std::uint8_t* data() const { return data_; }
  [[nodiscard]] const std::uint8_t* row(int y) const { return data_ + static_cast<std::ptrdiff_t>(y) * row_stride_; }
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] int row_stride() const { return row_stride_; }
  [[nodiscard]] PixelFormat format() const { return format_; }
  [[nodiscard]] bool empty() const { return data_ == nullptr || width_ <= 0 || height_ <= 0; }

 private:
  const std::uint8_t* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray8;
  int row_stride_ = 0;
};

class Image {
 public:
  Image() = default;
  Image(int width, int height, PixelFormat format, std::uint8_t fill = 255);

  [[nodiscard]] ImageView view() const { return {pixels_.data(), width_, height_, format_}; }
  [[nodiscard]] std::uint8_t* data() { return pixels_.data(); }
  [[nodiscard]] const std::uint8_t* data() const { return pixels_.data(); }
  [[nodiscard]] std::uint8_t* row(int y) { return pixels_.data() + static_cast<std::ptrdiff_t>(y) * row_stride(); }
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] int row_stride() const { return width_ * bytes_per_pixel(format_); }
  [[nodiscard]] PixelFormat format() const { return format_; }
  [[nodiscard]] bool empty() const { return pixels_.empty(); }

 private:
  std::vector<std::uint8_t> pixels_;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray8;
};

}  // namespace kp
