#pragma once
// Printable ballots: vector PDF with the font embedded, and page images at any resolution, both
// drawn by one routine from the layout so the paper and the PNG match layout.json.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/image.hpp"
#include "config/layout.hpp"

namespace kp::printing {

// Measures every text of the layout with the real font; fails with code "does_not_fit",
// naming the contest and the text, where the conservative layout estimate was not enough.
Result<void> check_text_fits(const config::ContestLayout& layout);

// One side as an 8-bit gray image at `dpi`, carrying the QR code for `serial` (0 = template).
Result<Image> render_side(const config::ContestLayout& layout, Side side, int dpi,
                          std::uint32_t serial);

Result<void> write_side_png(const config::ContestLayout& layout, Side side, int dpi,
                            std::uint32_t serial, const std::string& path);

// One sheet per serial: front page, then back page when the layout has one (print duplex).
Result<void> write_ballots_pdf(const config::ContestLayout& layout,
                               const std::vector<std::uint32_t>& serials, const std::string& path);

}  // namespace kp::printing
