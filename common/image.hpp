#pragma once
// A decoded image passed between modules without exposing OpenCV or Qt types.
// Modelled on zxing-cpp's ImageView: a non-owning view plus a small owning buffer.
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace kp {

// Pixel storage that is not zeroed when it grows: a decoder writes every byte anyway, and
// zeroing a 200 dpi A4 scan's planes cost more than a tenth of reading it (kp_bench).
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: left as it is for bytes
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using PixelBuffer = std::vector<std::uint8_t, DefaultInitAllocator<std::uint8_t>>;

enum class PixelFormat { gray8, bgr8 };

inline int bytes_per_pixel(PixelFormat f) { return f == PixelFormat::gray8 ? 1 : 3; }

// The colour of a scan kept as a JPEG carries it: the two chroma planes (Cb, Cr, 128 = no
// colour) at their own, usually halved, resolution. A gray image with chroma is a colour scan
// whose colour was never converted to RGB: recognition reads the page from the gray (luma) plane
// and the red of the stamp from the chroma, which is all it needs colour for.
struct ChromaView {
  const std::uint8_t* cb = nullptr;
  const std::uint8_t* cr = nullptr;
  int width = 0;
  int height = 0;
  int row_stride = 0;
  int scale_x = 1;  // image pixels per chroma pixel
  int scale_y = 1;
  [[nodiscard]] bool empty() const { return cb == nullptr || cr == nullptr || width <= 0 || height <= 0; }
};

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
  // Chroma planes of a gray8 view decoded from a colour scan; empty otherwise.
  [[nodiscard]] ChromaView chroma() const { return chroma_; }  // by value: views are often temporaries
  [[nodiscard]] ImageView with_chroma(const ChromaView& chroma) const {
    ImageView out = *this;
    out.chroma_ = chroma;
    return out;
  }

 private:
  const std::uint8_t* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray8;
  int row_stride_ = 0;
  ChromaView chroma_;
};

class Image {
 public:
  Image() = default;
  Image(int width, int height, PixelFormat format, std::uint8_t fill = 255);
  // An image a decoder fills itself: rows `row_stride` bytes apart (a decoder's padded width),
  // `allocated_rows` ≥ height of them, contents undefined until written.
  static Image for_decoding(int width, int height, PixelFormat format, int row_stride, int allocated_rows);

  [[nodiscard]] ImageView view() const {
    const ImageView plain(pixels_.data(), width_, height_, format_, row_stride_);
    if (cb_.empty()) return plain;
    return plain.with_chroma({cb_.data(), cr_.data(), chroma_width_, chroma_height_, chroma_stride_, chroma_scale_x_, chroma_scale_y_});
  }
  // Attaches chroma planes (rows `stride` bytes apart, `width` × `height` used) to a gray8 image.
  void set_chroma(PixelBuffer cb, PixelBuffer cr, int width, int height, int stride, int scale_x, int scale_y) {
    cb_ = std::move(cb);
    cr_ = std::move(cr);
    chroma_width_ = width;
    chroma_height_ = height;
    chroma_stride_ = stride;
    chroma_scale_x_ = scale_x;
    chroma_scale_y_ = scale_y;
  }
  [[nodiscard]] std::uint8_t* data() { return pixels_.data(); }
  [[nodiscard]] const std::uint8_t* data() const { return pixels_.data(); }
  [[nodiscard]] std::uint8_t* row(int y) { return pixels_.data() + static_cast<std::ptrdiff_t>(y) * row_stride(); }
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] int row_stride() const { return row_stride_; }
  [[nodiscard]] PixelFormat format() const { return format_; }
  [[nodiscard]] bool empty() const { return pixels_.empty(); }

 private:
  PixelBuffer pixels_;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray8;
  int row_stride_ = 0;
  PixelBuffer cb_, cr_;
  int chroma_width_ = 0, chroma_height_ = 0, chroma_stride_ = 0, chroma_scale_x_ = 1, chroma_scale_y_ = 1;
};

}  // namespace kp
