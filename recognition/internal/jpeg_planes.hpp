#pragma once
// Internal: decoding a colour JPEG the way recognition needs it — the luma plane at full
// resolution as the gray image, the two chroma planes at their own (usually halved) resolution
// for the stamp's red — straight from libjpeg's raw output, without upsampling the chroma or
// converting to RGB. That is most of the cost of a colour decode (measured in kp_bench).
#include <optional>
#include <vector>

#include "common/image.hpp"

namespace kp::recognition::internal {

// A gray JPEG is decoded straight into a gray image. Nothing when the file is neither that nor a
// YCbCr JPEG whose chroma is subsampled by whole factors (then the caller decodes it the general
// way); a damaged file also gives nothing.
std::optional<Image> decode_jpeg_planes(const std::vector<unsigned char>& bytes);

}  // namespace kp::recognition::internal
