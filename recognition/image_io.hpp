#pragma once
// Decoding scanned files into images, with a named error for anything that is not one.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/image.hpp"

namespace kp::recognition {

// Gray files stay gray (one channel); colour files are BGR. Fails with "corrupt_image".
Result<Image> decode_image(const std::vector<unsigned char>& bytes, const std::string& name);
Result<Image> read_image_file(const std::string& path);

}  // namespace kp::recognition
