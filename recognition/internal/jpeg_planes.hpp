#pragma once
// Internal: decoding a colour JPEG the way recognition needs it — the luma plane at full
// resolution as the gray image, the two chroma planes at their own (usually halved) resolution
// for the stamp's red — straight from libjpeg's raw output, without upsampling the chroma or
// converting to RGB. That is most of the cost of a colour decode (measured in kp_bench).
//
// The header is read first and on its own, so the caller can refuse an image from the size it
// declares before anything of that size is allocated; the decode then goes on from where the
// header stopped (the file is parsed once).
#include <memory>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/image.hpp"

namespace kp::recognition::internal {

// What the frame header (SOF) declares.
struct JpegSize {
  int width = 0;
  int height = 0;
};

class JpegReader {
 public:
  // `bytes` must outlive the reader.
  explicit JpegReader(const std::vector<unsigned char>& bytes);
  ~JpegReader();
  JpegReader(const JpegReader&) = delete;
  JpegReader& operator=(const JpegReader&) = delete;

  // Reads the markers up to the first scan, nothing of the image data: the size the frame
  // declares, or why there is none ("corrupt_image", no `where`).
  Result<JpegSize> read_header();

  // After read_header: a gray JPEG straight into a gray image, a YCbCr one whose chroma is
  // subsampled by whole factors into its planes. Nothing when the file is another kind of JPEG
  // (then the caller decodes it the general way). An error ("corrupt_image", no `where`) when
  // libjpeg fails, when the file ends before the image does or its data is damaged (libjpeg
  // would only warn and make the missing pixels up), or when it has more scans than any
  // encoder writes.
  Result<std::optional<Image>> decode();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kp::recognition::internal
