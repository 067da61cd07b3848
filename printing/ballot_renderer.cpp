#include "printing/ballot_renderer.hpp"

#include <cstring>

#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>

#include "config/ballot_code.hpp"
#include "printing/internal/qt_runtime.hpp"

namespace kp::printing {
namespace {

using config::Align;
using config::ContestLayout;
using config::SideLayout;
using config::TextItem;

constexpr double kRuleWidthMm = 0.3;       // table ruling: visible, thin enough to stay out of targets
constexpr double kStampOutlineGray = 140;  // the stamp area is marked, lighter than any ink
constexpr double kPointsPerMm = 72.0 / 25.4;
// The PDF is drawn on a 1200-dpi grid so coordinates keep 0.02 mm precision.
constexpr int kPdfResolution = 1200;
constexpr int kReferenceEmPx = 1000;  // text is laid out at this em size, then scaled

Error font_missing() {
  return Error{"font_missing",
               {"Không nạp được phông chữ DejaVu Sans (gói fonts-dejavu-core)",
                "Cannot load the DejaVu Sans font (package fonts-dejavu-core)"},
               KP_FONT_DIR};
}

QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

QFont ballot_font(const QString& family, double em_mm, bool bold) {
  QFont font(family);
  font.setPointSizeF(em_mm * kPointsPerMm);
  font.setBold(bold);
  font.setHintingPreference(QFont::PreferNoHinting);  // the same advances at every resolution
  font.setKerning(true);
  return font;
}

// Draws in device pixels; `scale` converts millimetres to them.
class SidePainter {
 public:
  SidePainter(QPainter& painter, double dpi, QString family, bool as_text)
      : p_(painter), scale_(dpi / 25.4), family_(std::move(family)), as_text_(as_text) {}

  [[nodiscard]] QRectF rect(const RectMm& r) const { return {r.x * scale_, r.y * scale_, r.w * scale_, r.h * scale_}; }

  void fill(const RectMm& r, QColor color) {
    p_.setRenderHint(QPainter::Antialiasing, false);
    p_.fillRect(rect(r), color);
  }

  void outline(const RectMm& r, QColor color, Qt::PenStyle style = Qt::SolidLine) {
    p_.setRenderHint(QPainter::Antialiasing, true);
    QPen pen(color);
    pen.setWidthF(kRuleWidthMm * scale_);
    pen.setStyle(style);
    pen.setJoinStyle(Qt::MiterJoin);
    p_.setPen(pen);
    p_.setBrush(Qt::NoBrush);
    p_.drawRect(rect(r));
  }

  void text(const RectMm& box, const std::string& text, double em_mm, bool bold, Align align, double padding_mm,
            bool underline = false, QColor color = Qt::black) {
    p_.setRenderHint(QPainter::TextAntialiasing, true);
    p_.setRenderHint(QPainter::Antialiasing, true);
    const QString string = qs(text);
    const QRectF r = rect({box.x + padding_mm, box.y, box.w - 2 * padding_mm, box.h});
    // Outlines are taken from the font at a fixed 1000 px em and scaled to the page, so the
    // size does not depend on any screen resolution Qt assumes.
    QFont reference = ballot_font(family_, 1.0, bold);
    reference.setPixelSize(kReferenceEmPx);
    const QFontMetricsF metrics(reference);
    const double k = em_mm * scale_ / kReferenceEmPx;
    const double width = metrics.horizontalAdvance(string) * k;
    double x = r.left();
    if (align == Align::center) x = r.center().x() - width / 2;
    if (align == Align::right) x = r.right() - width;
    const double baseline = r.center().y() + (metrics.ascent() - metrics.descent()) * k / 2;
    if (as_text_) {
      // PDF: real text, so it can be searched, copied and checked with pdftotext.
      p_.save();
      p_.translate(x, baseline);
      p_.scale(k, k);
      p_.setFont(reference);
      p_.setPen(color);
      p_.drawText(QPointF(0, 0), string);
      p_.restore();
    } else {
      // Images: glyph outlines filled directly. Qt's glyph cache renders a glyph differently
      // the first time it is drawn, and the blank ballot must be the same image every time.
      QPainterPath path;
      path.addText(QPointF(0, 0), reference, string);
      p_.fillPath(QTransform(k, 0, 0, k, x, baseline).map(path), color);
    }
    if (underline) {
      QPen pen(color);
      pen.setWidthF(0.25 * scale_);
      p_.setPen(pen);
      const double y = baseline + metrics.descent() * k + 0.3 * scale_;
      const double inset = width * 0.2;
      p_.drawLine(QPointF(x + inset, y), QPointF(x + width - inset, y));
    }
  }

  void qr(const RectMm& box, const config::QrMatrix& m) {
    p_.setRenderHint(QPainter::Antialiasing, false);
    for (int y = 0; y < m.size; ++y) {
      for (int x = 0; x < m.size; ++x) {
        if (!m.at(x, y)) continue;
        // Whole modules snap to the pixel grid edge to edge, so no hairline gaps appear.
        p_.fillRect(rect(config::qr_module_box(box, m, x, y)), Qt::black);
      }
    }
  }

 private:
  QPainter& p_;
  double scale_;
  QString family_;
  bool as_text_;
};

void draw_side(QPainter& painter, double dpi, const QString& family, const ContestLayout& layout, const SideLayout& side,
               std::uint32_t serial, bool as_text) {
  SidePainter sp(painter, dpi, family, as_text);
  for (const auto& mark : side.registration_marks) sp.fill(mark, Qt::black);
  if (side.side == Side::front) {
    sp.outline(side.stamp_box, QColor::fromRgb(static_cast<int>(kStampOutlineGray), static_cast<int>(kStampOutlineGray),
                                               static_cast<int>(kStampOutlineGray)),
               Qt::DashLine);
  }
  for (const TextItem& t : side.texts) {
    if (t.framed) sp.outline(t.box, Qt::black);
    sp.text(t.box, t.text, t.em_mm, t.bold, t.align, t.framed ? 0.5 : 0, t.underline);
  }
  for (const auto& row : side.rows) {
    sp.outline(row.number_cell, Qt::black);
    sp.outline(row.name_cell, Qt::black);
    sp.text(row.number_cell, std::to_string(row.number), row.name_em_mm, false, Align::center, 0);
    sp.text(row.name_cell, row.name, row.name_em_mm, false, Align::left, 2.0);
    if (row.agree_cell) sp.outline(*row.agree_cell, Qt::black);
    if (row.disagree_cell) sp.outline(*row.disagree_cell, Qt::black);
  }
  const config::BallotCode code{layout.election_id, layout.contest_id, side.side, layout.short_hash(), serial};
  sp.qr(side.qr_box, config::qr_matrix(config::encode_ballot_code(code)));
}

std::string quote(const std::string& s) { return "“" + s + "”"; }

}  // namespace

Result<void> check_text_fits(const ContestLayout& layout) {
  const QString family = internal::ballot_font_family();
  if (family.isEmpty()) return tl::unexpected(font_missing());
  const auto fits = [&](const std::string& text, double em, bool bold, double width_mm) {
    QFont reference = ballot_font(family, 1.0, bold);
    reference.setPixelSize(kReferenceEmPx);
    const QFontMetricsF metrics(reference);
    return metrics.horizontalAdvance(qs(text)) * em / kReferenceEmPx <= width_mm;
  };
  for (const auto& side : layout.sides) {
    for (const auto& t : side.texts) {
      if (!fits(t.text, t.em_mm, t.bold, t.box.w - (t.framed ? 1.0 : 0.0))) {
        return fail("does_not_fit",
                    {"Dòng chữ " + quote(t.text) + " không vừa chỗ trên phiếu (cuộc bầu " + layout.contest_id + ")",
                     "The text " + quote(t.text) + " does not fit its place on the ballot (contest " + layout.contest_id + ")"},
                    layout.contest_id);
      }
    }
    for (const auto& row : side.rows) {
      if (!fits(row.name, row.name_em_mm, false, row.name_cell.w - 4.0)) {
        return fail("does_not_fit",
                    {"Họ tên " + quote(row.name) + " quá dài cho ô tên (cuộc bầu " + layout.contest_id + ")",
                     "Name " + quote(row.name) + " is too long for its name cell (contest " + layout.contest_id + ")"},
                    layout.contest_id);
      }
    }
  }
  return {};
}

Result<Image> render_side(const ContestLayout& layout, Side side, int dpi,
                          std::uint32_t serial) {
  const QString family = internal::ballot_font_family();
  if (family.isEmpty()) return tl::unexpected(font_missing());
  const SideLayout* s = layout.find_side(side);
  if (s == nullptr) {
    return fail("no_such_side", {"Phiếu của cuộc bầu " + layout.contest_id + " không có mặt sau",
                                 "The ballot of contest " + layout.contest_id + " has no back side"},
                layout.contest_id);
  }
  if (dpi < 50 || dpi > 1200) {
    return fail("bad_dpi", {"Độ phân giải phải trong khoảng 50–1200 dpi", "The resolution must be 50–1200 dpi"});
  }
  const int width = static_cast<int>(std::lround(mm_to_px(layout.paper_width_mm, dpi)));
  const int height = static_cast<int>(std::lround(mm_to_px(layout.paper_height_mm, dpi)));
  QImage canvas(width, height, QImage::Format_RGB32);
  canvas.setDotsPerMeterX(static_cast<int>(std::lround(dpi / 0.0254)));
  canvas.setDotsPerMeterY(static_cast<int>(std::lround(dpi / 0.0254)));
  canvas.fill(Qt::white);
  {
    QPainter painter(&canvas);
    draw_side(painter, dpi, family, layout, *s, serial, false);
  }
  const QImage gray = canvas.convertToFormat(QImage::Format_Grayscale8);
  Image out(width, height, PixelFormat::gray8);
  for (int y = 0; y < height; ++y) std::memcpy(out.row(y), gray.constScanLine(y), static_cast<std::size_t>(width));
  return out;
}

Result<void> write_side_png(const ContestLayout& layout, Side side, int dpi,
                            std::uint32_t serial, const std::string& path) {
  auto image = render_side(layout, side, dpi, serial);
  if (!image) return tl::unexpected(image.error());
  QImage q(image->data(), image->width(), image->height(), image->row_stride(), QImage::Format_Grayscale8);
  q.setDotsPerMeterX(static_cast<int>(std::lround(dpi / 0.0254)));
  q.setDotsPerMeterY(static_cast<int>(std::lround(dpi / 0.0254)));
  if (!q.save(qs(path), "PNG")) {
    return fail("write_failed", {"Không ghi được tệp ảnh", "Cannot write the image file"}, path);
  }
  return {};
}

Result<void> write_ballots_pdf(const ContestLayout& layout,
                               const std::vector<std::uint32_t>& serials, const std::string& path) {
  const QString family = internal::ballot_font_family();
  if (family.isEmpty()) return tl::unexpected(font_missing());
  QPdfWriter writer(qs(path));
  writer.setResolution(kPdfResolution);
  writer.setPageSize(QPageSize(QSizeF(layout.paper_width_mm, layout.paper_height_mm), QPageSize::Millimeter));
  writer.setPageMargins(QMarginsF(0, 0, 0, 0));
  writer.setTitle(qs("Phiếu bầu — " + layout.contest_id));
  writer.setCreator(QStringLiteral("kiemphieu"));
  QPainter painter;
  if (!painter.begin(&writer)) {
    return fail("write_failed", {"Không ghi được tệp PDF", "Cannot write the PDF file"}, path);
  }
  bool first = true;
  for (const std::uint32_t serial : serials) {
    for (const auto& side : layout.sides) {
      if (!first) writer.newPage();
      first = false;
      draw_side(painter, kPdfResolution, family, layout, side, serial, true);
    }
  }
  if (!painter.end()) {
    return fail("write_failed", {"Không ghi được tệp PDF", "Cannot write the PDF file"}, path);
  }
  return {};
}

}  // namespace kp::printing
