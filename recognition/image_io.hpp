#pragma once
// Decoding scanned files into images, with a named error for anything that is not one.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/image.hpp"

namespace kp::recognition {

// Gray files stay gray (one channel); colour files are BGR. Only JPEG, PNG, PNM and TIFF (what
// scanners write) are decoded, and only of a page's size (image_io.cpp says the limits): the
// size is read from the header first. Fails with "corrupt_image" when the bytes are not such an
// image, and "file_unreadable" when there is no memory to decode one now; never throws.
Result<Image> decode_image(const std::vector<unsigned char>& bytes, const std::string& name);
// The same for a file, which must be a regular file (a directory, FIFO, device or socket is never
// opened for reading), not empty and no larger than a scan can be; otherwise "file_unreadable".
Result<Image> read_image_file(const std::string& path);
// The checked read alone (the same refusals as read_image_file, "file_unreadable"): the bytes
// that are then decoded, recognised and stored, so what is kept is what was read.
Result<std::vector<unsigned char>> read_scan_file(const std::string& path);

}  // namespace kp::recognition
