#include "recognition/internal/jpeg_planes.hpp"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>

namespace kp::recognition::internal {
namespace {

// libjpeg reports errors by calling error_exit, which must not return: it jumps back to the
// decoder. Only plain data lives across the jump (see Decoder), so nothing is left half-built.
struct ErrorManager {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

[[noreturn]] void on_error(j_common_ptr info) { std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->jump, 1); }
void on_message(j_common_ptr) {}  // warnings (a truncated file) are not printed; errors jump

// The libjpeg state and the steps that may jump. Each step has its own setjmp and touches no C++
// object that allocates after it, so a jump never skips a destructor.
class Decoder {
 public:
  explicit Decoder(const std::vector<unsigned char>& bytes) {
    info_.err = jpeg_std_error(&errors_.mgr);
    errors_.mgr.error_exit = on_error;
    errors_.mgr.output_message = on_message;
    jpeg_create_decompress(&info_);
    jpeg_mem_src(&info_, bytes.data(), static_cast<unsigned long>(bytes.size()));
  }
  ~Decoder() { jpeg_destroy_decompress(&info_); }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  bool start() {
    if (setjmp(errors_.jump)) return false;
    if (jpeg_read_header(&info_, TRUE) != JPEG_HEADER_OK) return false;
    info_.dct_method = JDCT_ISLOW;  // libjpeg's default, the one a gray decode uses: the same luma
    if (info_.num_components == 1 && info_.jpeg_color_space == JCS_GRAYSCALE) {
      gray_ = true;
      info_.out_color_space = JCS_GRAYSCALE;
    } else if (info_.num_components == 3 && info_.jpeg_color_space == JCS_YCbCr) {
      info_.raw_data_out = TRUE;
      info_.out_color_space = JCS_YCbCr;
    } else {
      return false;
    }
    jpeg_start_decompress(&info_);
    return true;
  }

  [[nodiscard]] bool gray() const { return gray_; }

  // A gray JPEG: its rows straight into the image.
  bool read_gray(Image& out) {
    if (setjmp(errors_.jump)) return false;
    while (info_.output_scanline < info_.output_height) {
      JSAMPROW row = out.row(static_cast<int>(info_.output_scanline));
      if (jpeg_read_scanlines(&info_, &row, 1) != 1) return false;
    }
    jpeg_finish_decompress(&info_);
    return true;
  }

  // Reads every iMCU row into the planes' row pointers (already sized by the caller).
  bool read(JSAMPARRAY* rows_per_component, int rows_per_call) {
    if (setjmp(errors_.jump)) return false;
    while (info_.output_scanline < info_.output_height) {
      if (jpeg_read_raw_data(&info_, next(rows_per_component), static_cast<JDIMENSION>(rows_per_call)) == 0) {
        return false;
      }
      ++imcu_row_;
    }
    jpeg_finish_decompress(&info_);
    return true;
  }

  [[nodiscard]] const jpeg_decompress_struct& info() const { return info_; }
  void set_planes(std::uint8_t* const* planes, const int* widths) {
    planes_ = planes;
    widths_ = widths;
  }

 private:
  // Row pointers of the next iMCU row of each component, into its plane.
  JSAMPIMAGE next(JSAMPARRAY* rows) {
    for (int c = 0; c < 3; ++c) {
      const int per_row = info_.comp_info[c].v_samp_factor * DCTSIZE;
      for (int i = 0; i < per_row; ++i) {
        rows[c][i] = planes_[c] + static_cast<std::size_t>(imcu_row_ * per_row + i) * static_cast<std::size_t>(widths_[c]);
      }
    }
    return rows;
  }

  jpeg_decompress_struct info_{};
  ErrorManager errors_{};
  std::uint8_t* const* planes_ = nullptr;
  const int* widths_ = nullptr;
  int imcu_row_ = 0;
  bool gray_ = false;
};

}  // namespace

std::optional<Image> decode_jpeg_planes(const std::vector<unsigned char>& bytes) {
  if (bytes.size() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) return std::nullopt;
  Decoder decoder(bytes);
  if (!decoder.start()) return std::nullopt;
  const auto& info = decoder.info();
  if (decoder.gray()) {
    // Allocated before the read, which may jump back: the image is only written into.
    const int width = static_cast<int>(info.output_width), height = static_cast<int>(info.output_height);
    Image gray = Image::for_decoding(width, height, PixelFormat::gray8, width, height);
    if (!decoder.read_gray(gray)) return std::nullopt;
    return gray;
  }
  const int max_h = info.max_h_samp_factor, max_v = info.max_v_samp_factor;
  // Luma must be the fully sampled component and chroma subsampled by whole factors.
  if (info.comp_info[0].h_samp_factor != max_h || info.comp_info[0].v_samp_factor != max_v) return std::nullopt;
  for (int c = 1; c < 3; ++c) {
    if (max_h % info.comp_info[c].h_samp_factor != 0 || max_v % info.comp_info[c].v_samp_factor != 0) return std::nullopt;
    if (info.comp_info[c].h_samp_factor != info.comp_info[1].h_samp_factor || info.comp_info[c].v_samp_factor != info.comp_info[1].v_samp_factor) {
      return std::nullopt;
    }
  }
  // Each plane holds whole iMCU rows, a little wider than the component's blocks because
  // libjpeg writes whole MCUs. Luma is decoded straight into the image (its rows padded), chroma
  // into planes kept as they are: nothing is copied or zeroed.
  const int width = static_cast<int>(info.output_width), height = static_cast<int>(info.output_height);
  int widths[3];
  int plane_rows[3];
  for (int c = 0; c < 3; ++c) {
    const auto& comp = info.comp_info[c];
    widths[c] = static_cast<int>((comp.width_in_blocks + static_cast<JDIMENSION>(comp.h_samp_factor)) * DCTSIZE);
    plane_rows[c] = static_cast<int>(info.total_iMCU_rows) * comp.v_samp_factor * DCTSIZE;
  }
  Image luma = Image::for_decoding(width, height, PixelFormat::gray8, widths[0], plane_rows[0]);
  PixelBuffer cb(static_cast<std::size_t>(widths[1]) * static_cast<std::size_t>(plane_rows[1]));
  PixelBuffer cr(static_cast<std::size_t>(widths[2]) * static_cast<std::size_t>(plane_rows[2]));
  std::uint8_t* const planes[3] = {luma.data(), cb.data(), cr.data()};
  std::vector<JSAMPROW> row_storage[3];
  JSAMPARRAY rows[3];
  for (int c = 0; c < 3; ++c) {
    row_storage[c].assign(static_cast<std::size_t>(info.comp_info[c].v_samp_factor * DCTSIZE), nullptr);
    rows[c] = row_storage[c].data();
  }
  // Taken before reading: finishing the decompression frees the component descriptions.
  const int scale_x = max_h / info.comp_info[1].h_samp_factor, scale_y = max_v / info.comp_info[1].v_samp_factor;
  decoder.set_planes(planes, widths);
  if (!decoder.read(rows, max_v * DCTSIZE)) return std::nullopt;

  const int chroma_width = (width + scale_x - 1) / scale_x, chroma_height = (height + scale_y - 1) / scale_y;
  luma.set_chroma(std::move(cb), std::move(cr), chroma_width, chroma_height, widths[1], scale_x, scale_y);
  return luma;
}

}  // namespace kp::recognition::internal
