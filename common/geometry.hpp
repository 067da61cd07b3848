#pragma once
// Page geometry in millimetres from the top-left corner of the page, x right, y down.

namespace kp {

struct PointMm {
  double x = 0;
  double y = 0;
};

struct RectMm {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;

  [[nodiscard]] double right() const { return x + w; }
  [[nodiscard]] double bottom() const { return y + h; }
  [[nodiscard]] PointMm center() const { return {x + w / 2, y + h / 2}; }
  [[nodiscard]] bool contains(const RectMm& o) const {
    return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
  }
  [[nodiscard]] bool overlaps(const RectMm& o) const {
    return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
  }
  [[nodiscard]] RectMm inset(double d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
};

constexpr double kMmPerInch = 25.4;

inline double mm_to_px(double mm, int dpi) { return mm * dpi / kMmPerInch; }
inline double px_to_mm(double px, int dpi) { return px * kMmPerInch / dpi; }

}  // namespace kp
