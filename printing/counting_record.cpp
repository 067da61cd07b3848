#include "printing/counting_record.hpp"

#include <QFont>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

#include "common/words.hpp"
#include "printing/internal/qt_runtime.hpp"

namespace kp::printing {
namespace {

constexpr int kResolution = 1200;            // as the ballots: 0.02 mm precision
constexpr double kMarginMm = 20;             // the usual margin of an administrative A4 page
constexpr double kLineMm = 6.2;              // body line pitch for 11 pt text
constexpr double kBodyPt = 11, kTitlePt = 15, kSmallPt = 9;

QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

std::string reason_name(const std::string& code, bool en) { return words::say(words::Kind::invalid_reason, code, en ? Lang::en : Lang::vi); }

class Page {
 public:
  Page(QPdfWriter& writer, QPainter& painter, QString family) : writer_(writer), p_(painter), family_(std::move(family)) {}

  // No shaping (Latin needs none; Vietnamese text is NFC, precomposed): a hash or fingerprint must read
  // back from the PDF exactly as printed, and "ff" would otherwise become one glyph.
  [[nodiscard]] QFont record_font(double pt, bool bold) const {
    QFont font(family_);
    font.setPointSizeF(pt);
    font.setBold(bold);
    font.setStyleStrategy(QFont::PreferNoShaping);
    return font;
  }

  void line(const std::string& text, double pt = kBodyPt, bool bold = false, Qt::Alignment align = Qt::AlignLeft, double indent_mm = 0) {
    room(kLineMm);
    QFont font = record_font(pt, bold);
    p_.setFont(font);
    const double x = px(kMarginMm + indent_mm), w = px(210 - 2 * kMarginMm - indent_mm);
    p_.drawText(QRectF(x, px(y_), w, px(kLineMm)), static_cast<int>(align | Qt::AlignVCenter | Qt::TextWordWrap), qs(text));
    y_ += kLineMm * (pt > kBodyPt ? 1.3 : 1.0);
  }

  // A table row: cells at the given widths (mm), right-aligned numbers.
  void row(const std::vector<std::string>& cells, const std::vector<double>& widths, bool bold = false) {
    room(kLineMm);
    QFont font = record_font(kBodyPt - 1, bold);
    p_.setFont(font);
    double x = kMarginMm;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const QRectF r(px(x), px(y_), px(widths[i]), px(kLineMm));
      p_.setPen(QPen(Qt::black, px(0.2)));
      p_.drawRect(r);
      p_.drawText(r.adjusted(px(1), 0, -px(1), 0), static_cast<int>((i == 1 ? Qt::AlignLeft : Qt::AlignCenter) | Qt::AlignVCenter), qs(cells[i]));
      x += widths[i];
    }
    y_ += kLineMm;
  }

  void gap(double mm) { y_ += mm; }

 private:
  [[nodiscard]] double px(double mm) const { return mm * kResolution / 25.4; }
  void room(double mm) {
    if (y_ + mm <= 297 - kMarginMm) return;
    writer_.newPage();
    y_ = kMarginMm;
  }

  QPdfWriter& writer_;
  QPainter& p_;
  QString family_;
  double y_ = kMarginMm;
};

}  // namespace

Result<void> write_counting_record_pdf(const CountingRecord& r, Lang lang, const std::string& path) {
  const QString family = internal::ballot_font_family();
  if (family.isEmpty()) return fail("font_missing", {"Không nạp được phông chữ", "Cannot load the font"});
  const bool en = lang == Lang::en;
  QPdfWriter writer(qs(path));
  writer.setResolution(kResolution);
  writer.setPageSize(QPageSize(QPageSize::A4));
  writer.setPageMargins(QMarginsF(0, 0, 0, 0));
  writer.setTitle(qs(en ? "Counting record" : "Biên bản kiểm phiếu"));
  writer.setCreator(QStringLiteral("kiemphieu"));
  QPainter painter;
  if (!painter.begin(&writer)) return fail("write_failed", {"Không ghi được tệp PDF", "Cannot write the PDF file"}, path);
  Page page(writer, painter, family);
  page.line(r.issuer, kSmallPt, true);
  page.line("ĐẢNG CỘNG SẢN VIỆT NAM", kSmallPt, true, Qt::AlignRight);
  page.gap(4);
  page.line(en ? "COUNTING RECORD" : "BIÊN BẢN KIỂM PHIẾU", kTitlePt, true, Qt::AlignHCenter);
  if (!r.final) page.line(en ? "(PROVISIONAL — NOT FINAL)" : "(TẠM THỜI — CHƯA PHẢI KẾT QUẢ CHÍNH THỨC)", kBodyPt, true, Qt::AlignHCenter);
  page.line(r.contest_title, kBodyPt, true, Qt::AlignHCenter);
  page.gap(3);
  page.line((en ? "Congress: " : "Đại hội: ") + r.congress);
  page.line((en ? "Date: " : "Ngày: ") + r.date + (en ? "   Rules: " : "   Quy tắc: ") + r.rules);
  page.line((en ? "Seats: " : "Số lượng cần bầu: ") + std::to_string(r.seats));
  page.line("D = " + std::to_string(r.base) + " (" + r.base_explanation + ")");
  page.line((en ? "Elected with strictly more than half of D: at least " : "Trúng cử khi được quá một nửa D: ít nhất ") +
            std::to_string(r.votes_needed) + (en ? " votes" : " phiếu"));
  page.gap(2);
  page.line(en ? "1. Ballots" : "1. Số phiếu", kBodyPt, true);
  page.line((en ? "Issued: " : "Phát ra: ") + (r.issued ? std::to_string(*r.issued) : (en ? "not entered" : "chưa nhập")) +
                (en ? "   Collected: " : "   Thu vào: ") + std::to_string(r.collected) + (en ? "   Valid: " : "   Hợp lệ: ") +
                std::to_string(r.valid) + (en ? "   Invalid: " : "   Không hợp lệ: ") + std::to_string(r.invalid),
            kBodyPt, false, Qt::AlignLeft, 5);
  for (const auto& [reason, n] : r.invalid_by_reason) page.line("– " + reason_name(reason, en) + ": " + std::to_string(n), kBodyPt, false, Qt::AlignLeft, 10);
  if (r.waiting > 0) {
    page.line((en ? "Ballots still waiting for the committee: " : "Số tờ phiếu còn chờ Ban kiểm phiếu xem xét: ") + std::to_string(r.waiting), kBodyPt,
              false, Qt::AlignLeft, 5);
  }
  page.gap(2);
  page.line(en ? "2. Votes for each candidate (list order)" : "2. Số phiếu bầu cho từng người (theo thứ tự danh sách)", kBodyPt, true);
  const std::vector<double> widths{12, 92, 28, 38};
  page.row({en ? "No." : "STT", en ? "Full name" : "Họ và tên", en ? "Votes" : "Số phiếu", en ? "% of D" : "Tỷ lệ % so với D"}, widths, true);
  for (std::size_t i = 0; i < r.candidates.size(); ++i) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.2f", r.candidates[i].percent_of_base);
    page.row({std::to_string(i + 1), r.candidates[i].name, std::to_string(r.candidates[i].votes), pct}, widths);
  }
  page.gap(3);
  page.line(en ? "3. Elected (by votes, high to low)" : "3. Người trúng cử (theo số phiếu từ cao xuống thấp)", kBodyPt, true);
  if (r.elected.empty()) page.line(en ? "None." : "Không có.", kBodyPt, false, Qt::AlignLeft, 5);
  for (std::size_t i = 0; i < r.elected.size(); ++i) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.2f", r.elected[i].percent_of_base);
    page.line(std::to_string(i + 1) + ". " + r.elected[i].name + " — " + std::to_string(r.elected[i].votes) + (en ? " votes, " : " phiếu, ") + pct +
                  "%",
              kBodyPt, false, Qt::AlignLeft, 5);
  }
  if (!r.tied.empty()) {
    std::string names;
    for (const auto& n : r.tied) names += (names.empty() ? "" : "; ") + n;
    page.line(words::say(words::Kind::next_step, "tie_round", lang) + ": " + names, kBodyPt, false, Qt::AlignLeft, 5);
  }
  if (r.seats_unfilled > 0 && r.tied.empty()) {
    page.line(words::say(words::Kind::next_step, "further_round", lang) + " (" + std::to_string(r.seats_unfilled) + ")", kBodyPt, false,
              Qt::AlignLeft, 5);
  }
  page.gap(3);
  page.line((en ? "Count closed at: " : "Kết thúc kiểm phiếu lúc: ") + r.closed_at);
  page.line((en ? "Election definition SHA-256: " : "Mã băm định nghĩa cuộc bầu: ") + r.election_hash, kSmallPt);
  if (!r.key_fingerprint.empty()) page.line((en ? "Station key fingerprint: " : "Dấu vân tay khóa của trạm: ") + r.key_fingerprint, kSmallPt);
  // The log's head: kept with the signed paper, it shows later whether the database still holds
  // this count (`audit verify --expect-head`), or was rolled back or cut.
  if (!r.log_head.empty()) page.line((en ? "Log head: " : "Đầu nhật ký: ") + r.log_head, kSmallPt);
  page.gap(6);
  page.line(en ? "THE COUNTING COMMITTEE" : "BAN KIỂM PHIẾU", kBodyPt, true, Qt::AlignHCenter);
  const std::size_t members = std::max<std::size_t>(3, r.committee.size());
  for (std::size_t i = 0; i < members; ++i) {
    page.gap(8);
    const std::string role = i == 0 ? (en ? "Head" : "Trưởng ban") : (en ? "Member" : "Thành viên");
    page.line(role + ": " + (i < r.committee.size() ? r.committee[i] : std::string(40, '.')) + (en ? "   Signature: " : "   Ký tên: ") +
              std::string(25, '.'));
  }
  if (!painter.end()) return fail("write_failed", {"Không ghi được tệp PDF", "Cannot write the PDF file"}, path);
  return {};
}

}  // namespace kp::printing
