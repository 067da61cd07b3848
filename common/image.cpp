#include "common/image.hpp"

#include <stdexcept>

namespace kp {

Image::Image(int width, int height, PixelFormat format, std::uint8_t fill)
    : width_(width), height_(height), format_(format), row_stride_(width * bytes_per_pixel(format)) {
  if (width < 0 || height < 0) throw std::invalid_argument("negative image size");
  pixels_.assign(static_cast<std::size_t>(row_stride_) * static_cast<std::size_t>(height), fill);
}

Image Image::for_decoding(int width, int height, PixelFormat format, int row_stride, int allocated_rows) {
  if (width < 0 || height < 0 || row_stride < width * bytes_per_pixel(format) || allocated_rows < height) {
    throw std::invalid_argument("bad image geometry");
  }
  Image out;
  out.width_ = width;
  out.height_ = height;
  out.format_ = format;
  out.row_stride_ = row_stride;
  out.pixels_.resize(static_cast<std::size_t>(row_stride) * static_cast<std::size_t>(allocated_rows));  // not zeroed
  return out;
}

}  // namespace kp
