#include "recognition/internal/jpeg_planes.hpp"

#include <csetjmp>
#include <cstdio>
#include <string>

#include <jpeglib.h>
// After jpeglib.h: the message codes (JWRN_…, JERR_…) as an enum.
#include <jerror.h>

namespace kp::recognition::internal {
namespace {

// A progressive JPEG may hold any number of scans, each a pass over the whole image's
// coefficients: a small file of thousands of empty scans keeps a decoder busy for minutes (the
// reason libjpeg-turbo's djpeg has -maxscans). libjpeg's standard progressive script has 10 scans
// for a colour image and optimised scripts (jpegtran, mozjpeg) stay near that; a baseline JPEG,
// what scanners write, has 1 (3 when its components are coded apart). 100 is ten times the most
// an encoder writes.
constexpr int kMaxScans = 100;

// Why the decoder stopped.
enum class Fault { none, error, truncated, damaged, too_many_scans, no_image };

// libjpeg reports errors by calling error_exit, which must not return: it jumps back to the
// decoder. Only plain data lives across the jump (see JpegReader::State), so nothing is left
// half-built. Warnings that mean libjpeg is making pixels up (the data ended or is corrupt, and it
// carries on with gray) jump back the same way while pixels are still being produced: such an
// image is not the scan, and recognition must not read it.
struct ErrorManager {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  Fault fault = Fault::none;
  bool pixels_done = false;  // every row is out: a missing end marker now costs nothing
  char message[JMSG_LENGTH_MAX] = {};
};

ErrorManager& errors_of(j_common_ptr info) { return *reinterpret_cast<ErrorManager*>(info->err); }

[[noreturn]] void stop(j_common_ptr info, Fault fault) {
  ErrorManager& e = errors_of(info);
  e.fault = fault;
  if (fault != Fault::too_many_scans) (*info->err->format_message)(info, e.message);
  std::longjmp(e.jump, 1);
}

[[noreturn]] void on_error(j_common_ptr info) { stop(info, Fault::error); }

void on_message(j_common_ptr info, int level) {
  if (level >= 0) return;  // trace messages, never printed
  ++info->err->num_warnings;
  if (errors_of(info).pixels_done) return;
  switch (info->err->msg_code) {
    case JWRN_JPEG_EOF: stop(info, Fault::truncated);
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL: stop(info, Fault::damaged);
    default: return;  // an unknown JFIF version, bytes between markers: the pixels are still the file's
  }
}

void on_output(j_common_ptr) {}  // nothing is printed: every problem is returned

// Called by libjpeg once per row of blocks read, in every scan.
void on_progress(j_common_ptr info) {
  if (info->is_decompressor && reinterpret_cast<j_decompress_ptr>(info)->input_scan_number > kMaxScans) {
    stop(info, Fault::too_many_scans);
  }
}

Text fault_text(Fault fault, const char* message) {
  const std::string said = message;
  switch (fault) {
    case Fault::truncated:
      return {"tệp JPEG hết trước khi hết ảnh (tệp bị cắt cụt)", "the JPEG file ends before the image does (it was cut short)"};
    case Fault::damaged:
      return {"dữ liệu ảnh JPEG bị hỏng (libjpeg: " + said + ")", "the JPEG image data is damaged (libjpeg: " + said + ")"};
    case Fault::too_many_scans:
      return {"tệp JPEG có hơn " + std::to_string(kMaxScans) + " lượt quét (scan), nhiều hơn mọi bộ mã hóa ghi",
              "the JPEG has more than " + std::to_string(kMaxScans) + " scans, more than any encoder writes"};
    case Fault::no_image: return {"tệp JPEG không chứa ảnh nào", "the JPEG file holds no image"};
    case Fault::error:
    case Fault::none: break;
  }
  return {"tệp JPEG hỏng (libjpeg: " + said + ")", "the JPEG file is damaged (libjpeg: " + said + ")"};
}

}  // namespace

// The libjpeg state and the steps that may jump. Each step has its own setjmp and touches no C++
// object that allocates after it, so a jump never skips a destructor.
struct JpegReader::State {
  explicit State(const std::vector<unsigned char>& bytes) {
    info.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = on_error;
    errors.mgr.emit_message = on_message;
    errors.mgr.output_message = on_output;
    progress.progress_monitor = on_progress;
    if (setjmp(errors.jump)) return;  // no memory for libjpeg's own state, or no bytes at all
    jpeg_create_decompress(&info);
    info.progress = &progress;
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    created = true;
  }
  ~State() { jpeg_destroy_decompress(&info); }  // also after a jump: it frees what libjpeg had
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  Fault header() {
    if (setjmp(errors.jump)) return errors.fault;
    return jpeg_read_header(&info, TRUE) == JPEG_HEADER_OK ? Fault::none : Fault::no_image;
  }

  Fault start() {
    if (setjmp(errors.jump)) return errors.fault;
    jpeg_start_decompress(&info);
    return Fault::none;
  }

  // A gray JPEG: its rows straight into the image.
  Fault read_gray(Image& out) {
    if (setjmp(errors.jump)) return errors.fault;
    while (info.output_scanline < info.output_height) {
      JSAMPROW row = out.row(static_cast<int>(info.output_scanline));
      if (jpeg_read_scanlines(&info, &row, 1) != 1) return Fault::truncated;
    }
    errors.pixels_done = true;
    jpeg_finish_decompress(&info);
    return Fault::none;
  }

  // Reads every iMCU row into the planes' row pointers (already sized by the caller).
  Fault read_raw(JSAMPARRAY* rows_per_component, int rows_per_call) {
    if (setjmp(errors.jump)) return errors.fault;
    while (info.output_scanline < info.output_height) {
      if (jpeg_read_raw_data(&info, next(rows_per_component), static_cast<JDIMENSION>(rows_per_call)) == 0) return Fault::truncated;
      ++imcu_row;
    }
    errors.pixels_done = true;
    jpeg_finish_decompress(&info);
    return Fault::none;
  }

  // Row pointers of the next iMCU row of each component, into its plane.
  JSAMPIMAGE next(JSAMPARRAY* rows) const {
    for (int c = 0; c < 3; ++c) {
      const int per_row = info.comp_info[c].v_samp_factor * DCTSIZE;
      for (int i = 0; i < per_row; ++i) {
        rows[c][i] = planes[c] + static_cast<std::size_t>(imcu_row * per_row + i) * static_cast<std::size_t>(widths[c]);
      }
    }
    return rows;
  }

  Error failure(Fault fault) const { return Error{"corrupt_image", fault_text(fault, errors.message), ""}; }

  jpeg_decompress_struct info{};
  ErrorManager errors{};
  jpeg_progress_mgr progress{};
  bool created = false;
  Fault header_fault = Fault::error;  // until read_header has read one
  std::uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int widths[3] = {0, 0, 0};
  int imcu_row = 0;
};

JpegReader::JpegReader(const std::vector<unsigned char>& bytes) : state_(std::make_unique<State>(bytes)) {}
JpegReader::~JpegReader() = default;

Result<JpegSize> JpegReader::read_header() {
  State& s = *state_;
  if (!s.created) return tl::unexpected(s.failure(Fault::error));
  s.header_fault = s.header();
  const JpegSize declared{static_cast<int>(s.info.image_width), static_cast<int>(s.info.image_height)};
  // A frame whose size libjpeg refuses (a side of 0, or more than 65500) still says what it
  // declares, so the caller refuses it in the same words as any other size; decode() then fails.
  const bool size_refused = s.header_fault == Fault::error &&
                            (s.errors.mgr.msg_code == JERR_EMPTY_IMAGE || s.errors.mgr.msg_code == JERR_IMAGE_TOO_BIG);
  if (s.header_fault != Fault::none && !size_refused) return tl::unexpected(s.failure(s.header_fault));
  return declared;
}

Result<std::optional<Image>> JpegReader::decode() {
  State& s = *state_;
  if (!s.created || s.header_fault != Fault::none) return tl::unexpected(s.failure(s.created ? s.header_fault : Fault::error));
  jpeg_decompress_struct& info = s.info;
  info.dct_method = JDCT_ISLOW;  // libjpeg's default, the one a gray decode uses: the same luma
  if (info.num_components == 1 && info.jpeg_color_space == JCS_GRAYSCALE) {
    info.out_color_space = JCS_GRAYSCALE;
    if (const Fault f = s.start(); f != Fault::none) return tl::unexpected(s.failure(f));
    // Allocated before the read, which may jump back: the image is only written into.
    const int width = static_cast<int>(info.output_width), height = static_cast<int>(info.output_height);
    Image gray = Image::for_decoding(width, height, PixelFormat::gray8, width, height);
    if (const Fault f = s.read_gray(gray); f != Fault::none) return tl::unexpected(s.failure(f));
    return std::optional<Image>(std::move(gray));
  }
  if (info.num_components != 3 || info.jpeg_color_space != JCS_YCbCr) return std::optional<Image>();
  // Luma must be the fully sampled component and chroma subsampled by whole factors (known from
  // the header: nothing is allocated for a file the caller decodes the general way).
  const int max_h = info.max_h_samp_factor, max_v = info.max_v_samp_factor;
  if (info.comp_info[0].h_samp_factor != max_h || info.comp_info[0].v_samp_factor != max_v) return std::optional<Image>();
  for (int c = 1; c < 3; ++c) {
    if (max_h % info.comp_info[c].h_samp_factor != 0 || max_v % info.comp_info[c].v_samp_factor != 0) return std::optional<Image>();
    if (info.comp_info[c].h_samp_factor != info.comp_info[1].h_samp_factor || info.comp_info[c].v_samp_factor != info.comp_info[1].v_samp_factor) {
      return std::optional<Image>();
    }
  }
  info.raw_data_out = TRUE;
  info.out_color_space = JCS_YCbCr;
  if (const Fault f = s.start(); f != Fault::none) return tl::unexpected(s.failure(f));
  // Each plane holds whole iMCU rows, a little wider than the component's blocks because
  // libjpeg writes whole MCUs. Luma is decoded straight into the image (its rows padded), chroma
  // into planes kept as they are: nothing is copied or zeroed.
  const int width = static_cast<int>(info.output_width), height = static_cast<int>(info.output_height);
  int plane_rows[3];
  for (int c = 0; c < 3; ++c) {
    const auto& comp = info.comp_info[c];
    s.widths[c] = static_cast<int>((comp.width_in_blocks + static_cast<JDIMENSION>(comp.h_samp_factor)) * DCTSIZE);
    plane_rows[c] = static_cast<int>(info.total_iMCU_rows) * comp.v_samp_factor * DCTSIZE;
  }
  Image luma = Image::for_decoding(width, height, PixelFormat::gray8, s.widths[0], plane_rows[0]);
  PixelBuffer cb(static_cast<std::size_t>(s.widths[1]) * static_cast<std::size_t>(plane_rows[1]));
  PixelBuffer cr(static_cast<std::size_t>(s.widths[2]) * static_cast<std::size_t>(plane_rows[2]));
  s.planes[0] = luma.data();
  s.planes[1] = cb.data();
  s.planes[2] = cr.data();
  std::vector<JSAMPROW> row_storage[3];
  JSAMPARRAY rows[3];
  for (int c = 0; c < 3; ++c) {
    row_storage[c].assign(static_cast<std::size_t>(info.comp_info[c].v_samp_factor * DCTSIZE), nullptr);
    rows[c] = row_storage[c].data();
  }
  // Taken before reading: finishing the decompression frees the component descriptions.
  const int scale_x = max_h / info.comp_info[1].h_samp_factor, scale_y = max_v / info.comp_info[1].v_samp_factor;
  if (const Fault f = s.read_raw(rows, max_v * DCTSIZE); f != Fault::none) return tl::unexpected(s.failure(f));

  const int chroma_width = (width + scale_x - 1) / scale_x, chroma_height = (height + scale_y - 1) / scale_y;
  luma.set_chroma(std::move(cb), std::move(cr), chroma_width, chroma_height, s.widths[1], scale_x, scale_y);
  return std::optional<Image>(std::move(luma));
}

}  // namespace kp::recognition::internal
