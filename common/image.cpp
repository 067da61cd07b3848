#include "common/image.hpp"

#include <stdexcept>

namespace kp {

Image::Image(int width, int height, PixelFormat format, std::uint8_t fill)
    : width_(width), height_(height), format_(format) {
  if (width < 0 || height < 0) throw std::invalid_argument("negative image size");
  pixels_.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                     static_cast<std::size_t>(bytes_per_pixel(format)),
                 fill);
}

}  // namespace kp
