#include "printing/counting_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include <QFont>
#include <QFontMetricsF>
#include <QImage>
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
constexpr double kAnchorPt = 8;              // a label and 64 hex digits on one line of the 170 mm text width
constexpr double kSmallLineMm = 4.6;         // 9 pt lines (hashes, fingerprints): 1.45 × the type size, as the body's
// Room to sign by hand between "(ký, ghi rõ họ tên)" and the name: 11 mm takes a signature at
// the height people sign forms, and keeps a record of ten names and two members on one A4 page.
constexpr double kSignatureRoomMm = 11;
constexpr double kSignatureRowMm = kSmallLineMm + kSignatureRoomMm + kLineMm;

QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

std::string reason_name(const std::string& code, bool en) { return words::say(words::Kind::invalid_reason, code, en ? Lang::en : Lang::vi); }

// One page after another, laid out twice: a first pass without a painter finds how many pages the
// record takes, so the second can print "Trang x/y" on each.
class Page {
 public:
  struct Footer {
    std::string contest;        // the contest, so a page can never be stapled to another record
    std::string hash;           // the election definition's hash, shortened
    bool en = false;
  };

  Page(QPdfWriter* writer, QPainter* painter, QString family, Footer footer, int total_pages)
      : writer_(writer), p_(painter), family_(std::move(family)), footer_(std::move(footer)), total_(total_pages) {}

  // No shaping (Latin needs none; Vietnamese text is NFC, precomposed): a hash or fingerprint must read
  // back from the PDF exactly as printed, and "ff" would otherwise become one glyph.
  [[nodiscard]] QFont record_font(double pt, bool bold) const {
    QFont font(family_);
    font.setPointSizeF(pt);
    font.setBold(bold);
    font.setStyleStrategy(QFont::PreferNoShaping);
    return font;
  }

  // A line of text; one too long for the width wraps, and takes the room of every line it wraps
  // onto (a congress name or a contest title of ordinary length needs two).
  void line(const std::string& text, double pt = kBodyPt, bool bold = false, Qt::Alignment align = Qt::AlignLeft, double indent_mm = 0) {
    const double w = px(210 - 2 * kMarginMm - indent_mm);
    const QFont font = record_font(pt, bold);
    const QFontMetricsF m = metrics(font);
    const int flags = static_cast<int>(align | Qt::AlignTop | Qt::TextWordWrap);
    const double lines = std::max(1.0, std::round(m.boundingRect(QRectF(0, 0, w, 1e7), flags, qs(text)).height() / m.lineSpacing()));
    const double height = pitch(pt) * lines;
    room(height);
    if (p_ != nullptr) {
      p_->setFont(font);
      // One line is centred in its pitch as before; wrapped lines start from the same place.
      const double top = px(y_) + (px(pitch(pt)) - m.lineSpacing()) / 2;
      p_->drawText(QRectF(px(kMarginMm + indent_mm), top, w, px(height)), flags, qs(text));
    }
    y_ += height;
  }

  // One row of signatures, up to three side by side as Vietnamese records sign: "(ký, ghi rõ họ
  // tên)", room to sign, the name.
  void signatures(const std::vector<std::string>& names, bool en) {
    room(kSignatureRowMm);
    if (p_ != nullptr) {
      const double column = (210 - 2 * kMarginMm) / 3;
      const double left = kMarginMm + column * (3 - static_cast<double>(names.size())) / 2;  // centred under the title
      for (std::size_t i = 0; i < names.size(); ++i) {
        const double x = left + column * static_cast<double>(i);
        p_->setFont(record_font(kSmallPt, false));
        p_->drawText(QRectF(px(x), px(y_), px(column), px(kSmallLineMm)), static_cast<int>(Qt::AlignHCenter | Qt::AlignVCenter),
                     qs(en ? "(signature and full name)" : "(ký, ghi rõ họ tên)"));
        // A long name is set smaller until it fits its third of the line (never into its
        // neighbour's), down to the small type; below that it wraps.
        p_->setFont(fitting_font(names[i], kBodyPt, true, px(column - 2)));
        p_->drawText(QRectF(px(x), px(y_ + kSmallLineMm + kSignatureRoomMm), px(column), px(kLineMm)),
                     static_cast<int>(Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextWordWrap), qs(names[i]));
      }
    }
    y_ += kSignatureRowMm;
  }

  // A table row: cells at the given widths (mm), right-aligned numbers. A cell's text is set
  // smaller until it fits (down to 7 pt); a name longer still wraps, and the row grows to hold it.
  void row(const std::vector<std::string>& cells, const std::vector<double>& widths, bool bold = false) {
    std::vector<QFont> fonts;
    double height = kLineMm;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      fonts.push_back(fitting_font(cells[i], kBodyPt - 1, bold, px(widths[i] - 2)));
      const QFontMetricsF m = metrics(fonts.back());
      const double text_height = m.boundingRect(QRectF(0, 0, px(widths[i] - 2), 1e7), static_cast<int>(Qt::TextWordWrap), qs(cells[i])).height();
      height = std::max(height, text_height / px(1) + 1.6);  // 0.8 mm above and below, as a one-line row leaves
    }
    room(height);
    if (p_ != nullptr) {
      double x = kMarginMm;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const QRectF r(px(x), px(y_), px(widths[i]), px(height));
        p_->setPen(QPen(Qt::black, px(0.2)));
        p_->drawRect(r);
        p_->setFont(fonts[i]);
        p_->drawText(r.adjusted(px(1), 0, -px(1), 0),
                     static_cast<int>((i == 1 ? Qt::AlignLeft : Qt::AlignCenter) | Qt::AlignVCenter | Qt::TextWordWrap), qs(cells[i]));
        x += widths[i];
      }
    }
    y_ += height;
  }

  void gap(double mm) { y_ += mm; }

  // What follows (mm of it) goes on one page: the closing lines and the signatures are never
  // parted from each other.
  void keep_together(double mm) { room(mm); }

  // The last page's footer; the pages laid out.
  int finish() {
    draw_footer();
    return page_;
  }

 private:
  [[nodiscard]] double px(double mm) const { return mm * kResolution / 25.4; }

  // Text measured at the PDF's resolution in both passes (the first has no painter): an image of
  // one pixel that claims kResolution dots per inch.
  static QFontMetricsF metrics(const QFont& font) {
    static const QImage device = [] {
      QImage image(1, 1, QImage::Format_Mono);
      const int per_metre = static_cast<int>(std::lround(kResolution / 0.0254));
      image.setDotsPerMeterX(per_metre);
      image.setDotsPerMeterY(per_metre);
      return image;
    }();
    return QFontMetricsF(font, &device);
  }

  // The type size, from `pt` down to 7 pt by halves, at which `text` fits `width_px`.
  [[nodiscard]] QFont fitting_font(const std::string& text, double pt, bool bold, double width_px) const {
    QFont font = record_font(pt, bold);
    for (double size = pt; size > 7; size -= 0.5) {
      font = record_font(size, bold);
      if (metrics(font).horizontalAdvance(qs(text)) <= width_px) break;
    }
    return font;
  }
  [[nodiscard]] static double pitch(double pt) { return pt > kBodyPt ? kLineMm * 1.3 : (pt <= kSmallPt ? kSmallLineMm : kLineMm); }

  void room(double mm) {
    if (y_ + mm <= 297 - kMarginMm) return;
    draw_footer();
    if (writer_ != nullptr) writer_->newPage();
    ++page_;
    y_ = kMarginMm;
  }

  // "Trang 2/3" on the right; the contest and the definition's hash on the left, in the margin.
  void draw_footer() {
    if (p_ == nullptr) return;
    p_->setFont(record_font(kSmallPt - 1, false));
    const QRectF band(px(kMarginMm), px(297 - kMarginMm + 4), px(210 - 2 * kMarginMm), px(kLineMm));
    const std::string page = (footer_.en ? "Page " : "Trang ") + std::to_string(page_) + "/" + std::to_string(total_);
    const std::string hash = (footer_.en ? " · definition " : " · định nghĩa ") + footer_.hash;
    // The page number and the hash are printed whole; a contest title too long for what is left
    // ends in "…" rather than running under "Trang x/y".
    const QFontMetricsF m = metrics(p_->font());
    const double left = band.width() - m.horizontalAdvance(qs(page)) - m.horizontalAdvance(qs(hash)) - px(4);
    const QString contest = m.elidedText(qs(footer_.contest), Qt::ElideRight, std::max(0.0, left));
    p_->drawText(band, static_cast<int>(Qt::AlignLeft | Qt::AlignVCenter), contest + qs(hash));
    p_->drawText(band, static_cast<int>(Qt::AlignRight | Qt::AlignVCenter), qs(page));
  }

  QPdfWriter* writer_;
  QPainter* p_;
  QString family_;
  Footer footer_;
  int total_;
  int page_ = 1;
  double y_ = kMarginMm;
};

// Percentages as the language writes them: "66,67" in Vietnamese, "66.67" in English.
std::string percent_text(double percent, bool en) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", percent);
  std::string out = text;
  if (!en) std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

struct CalendarDate {
  int year = 0, month = 0, day = 0;
};

std::optional<CalendarDate> calendar_date(const std::string& iso_date) {
  CalendarDate d;
  if (std::sscanf(iso_date.c_str(), "%d-%d-%d", &d.year, &d.month, &d.day) != 3 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) {
    return std::nullopt;
  }
  return d;
}

constexpr const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};

// "20/08/2025" as Vietnamese write a date; "20 August 2025" in English.
std::string day_month_year(const std::string& iso_date, bool en) {
  const auto d = calendar_date(iso_date);
  if (!d) return iso_date;
  if (en) return std::to_string(d->day) + " " + kMonths[d->month - 1] + " " + std::to_string(d->year);
  char text[16];
  std::snprintf(text, sizeof text, "%02d/%02d/%04d", d->day, d->month, d->year);
  return text;
}

// "……, ngày 20 tháng 8 năm 2025" as Vietnamese records date themselves (the place is written in
// by hand: the definition does not hold it); "……, 20 August 2025" in English.
std::string place_and_date(const std::string& iso_date, bool en) {
  const std::string place = "……………………, ";
  const auto d = calendar_date(iso_date);
  if (!d) return place + iso_date;
  if (en) return place + day_month_year(iso_date, true);
  // Days below 10 and the months January and February take a leading zero, as Vietnamese
  // administrative documents write them (Nghị định 30/2020/NĐ-CP): "ngày 05 tháng 02 năm 2025".
  const std::string day = (d->day < 10 ? "0" : "") + std::to_string(d->day);
  const std::string month = (d->month < 3 ? "0" : "") + std::to_string(d->month);
  return place + "ngày " + day + " tháng " + month + " năm " + std::to_string(d->year);
}

void lay_out(Page& page, const CountingRecord& r, Lang lang) {
  const bool en = lang == Lang::en;
  page.line(r.issuer, kSmallPt, true);
  page.line("ĐẢNG CỘNG SẢN VIỆT NAM", kSmallPt, true, Qt::AlignRight);
  page.gap(4);
  page.line(en ? "COUNTING RECORD" : "BIÊN BẢN KIỂM PHIẾU", kTitlePt, true, Qt::AlignHCenter);
  if (!r.final) page.line(en ? "(PROVISIONAL — NOT FINAL)" : "(TẠM THỜI — CHƯA PHẢI KẾT QUẢ CHÍNH THỨC)", kBodyPt, true, Qt::AlignHCenter);
  page.line(r.contest_title, kBodyPt, true, Qt::AlignHCenter);
  page.gap(3);
  page.line((en ? "Congress: " : "Đại hội: ") + r.congress);
  page.line((en ? "Date: " : "Ngày họp: ") + day_month_year(r.date, en));
  page.line((en ? "Counted under " : "Kiểm phiếu theo ") + words::say(words::Kind::rule_profile, r.rules, lang));
  page.line((en ? "Seats: " : "Số lượng cần bầu: ") + std::to_string(r.seats));
  page.line((en ? "Base of the result (D): " : "Căn cứ tính kết quả (D): ") + std::to_string(r.base) + " (" + r.base_explanation + ")");
  page.line((en ? "Elected with strictly more than half of D: at least " : "Trúng cử khi được quá một nửa D: ít nhất ") +
            std::to_string(r.votes_needed) + (en ? " votes" : " phiếu"));
  if (r.attendance) {
    const auto& a = *r.attendance;
    page.line((en ? "Convened: " : "Triệu tập: ") + std::to_string(a.convened) + (en ? "   Present: " : "   Có mặt: ") + std::to_string(a.convened - a.absent) +
              (en ? "   Absent for the whole congress: " : "   Vắng mặt cả đại hội: ") + std::to_string(a.absent));
  }
  page.gap(2);
  page.line(en ? "1. Ballots" : "1. Số phiếu", kBodyPt, true);
  page.line((en ? "Issued: " : "Phát ra: ") + (r.issued ? std::to_string(*r.issued) : (en ? "not entered" : "chưa nhập")) +
                (en ? "   Collected: " : "   Thu vào: ") + std::to_string(r.collected) + (en ? "   Valid: " : "   Hợp lệ: ") +
                std::to_string(r.valid) + (en ? "   Invalid: " : "   Không hợp lệ: ") + std::to_string(r.invalid),
            kBodyPt, false, Qt::AlignLeft, 5);
  for (const auto& [reason, n] : r.invalid_by_reason) page.line("– " + reason_name(reason, en) + ": " + std::to_string(n), kBodyPt, false, Qt::AlignLeft, 10);
  if (r.stamps_seen_on_paper > 0) {
    // A gray scan cannot show the stamp: these were counted once a member saw it on the paper.
    page.line((en ? "Scanned in gray, stamp confirmed on the paper by the committee: " : "Quét ảnh xám, Ban kiểm phiếu xác nhận dấu đỏ trên tờ giấy: ") +
                  std::to_string(r.stamps_seen_on_paper),
              kBodyPt, false, Qt::AlignLeft, 5);
  }
  if (r.entered_by_hand > 0) {
    // Not scanned (torn, wet, no scanner): entered twice by two members, who agreed.
    page.line((en ? "Entered by hand (twice, by two committee members who agreed): " : "Nhập tay (hai thành viên Ban kiểm phiếu nhập độc lập, khớp nhau): ") +
                  std::to_string(r.entered_by_hand),
              kBodyPt, false, Qt::AlignLeft, 5);
  }
  if (r.waiting > 0) {
    page.line((en ? "Ballots still waiting for the committee: " : "Số tờ phiếu còn chờ Ban kiểm phiếu xem xét: ") + std::to_string(r.waiting), kBodyPt,
              false, Qt::AlignLeft, 5);
  }
  page.gap(2);
  page.line(en ? "2. Votes for each candidate (list order)" : "2. Số phiếu bầu cho từng người (theo thứ tự danh sách)", kBodyPt, true);
  // A box ballot's record reads both columns out: "đồng ý" (the votes) and "không đồng ý".
  const bool boxes = !r.candidates.empty() && r.candidates.front().disagree.has_value();
  if (boxes) {
    const std::vector<double> widths{12, 62, 24, 36, 36};
    page.row({en ? "No." : "STT", en ? "Full name" : "Họ và tên", en ? "Agree" : "Đồng ý", en ? "% of D" : "Tỷ lệ % so với D",
              en ? "Disagree" : "Không đồng ý"},
             widths, true);
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
      const auto& c = r.candidates[i];
      page.row({std::to_string(i + 1), c.name, std::to_string(c.votes), percent_text(c.percent_of_base, en), std::to_string(c.disagree.value_or(0))}, widths);
    }
  } else {
    const std::vector<double> widths{12, 92, 28, 38};
    page.row({en ? "No." : "STT", en ? "Full name" : "Họ và tên", en ? "Votes" : "Số phiếu", en ? "% of D" : "Tỷ lệ % so với D"}, widths, true);
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
      page.row({std::to_string(i + 1), r.candidates[i].name, std::to_string(r.candidates[i].votes), percent_text(r.candidates[i].percent_of_base, en)}, widths);
    }
  }
  page.gap(3);
  page.line(en ? "3. Elected (by votes, high to low)" : "3. Người trúng cử (theo số phiếu từ cao xuống thấp)", kBodyPt, true);
  if (r.elected.empty()) page.line(en ? "None." : "Không có.", kBodyPt, false, Qt::AlignLeft, 5);
  for (std::size_t i = 0; i < r.elected.size(); ++i) {
    page.line(std::to_string(i + 1) + ". " + r.elected[i].name + " — " + std::to_string(r.elected[i].votes) + (en ? " votes, " : " phiếu, ") +
                  percent_text(r.elected[i].percent_of_base, en) + "%",
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
  page.gap(2);
  // The close, the anchors an auditor checks, the date and every signature stay together, on the
  // page of the figures when they fit (members unknown: three lines to fill in), three
  // signatures to a row: nothing that proves which count this is stands below or apart from the
  // signatures.
  std::vector<std::string> signers = r.committee;
  if (signers.empty()) signers.assign(3, std::string(30, '.'));
  const std::size_t rows = (signers.size() + 2) / 3;
  page.keep_together(kLineMm * 3 + kSmallLineMm * 3 + 1 + 1 + static_cast<double>(rows) * kSignatureRowMm);
  page.line((en ? "Count closed at: " : "Kết thúc kiểm phiếu lúc: ") + r.closed_at);
  page.line((en ? "Election definition SHA-256: " : "Mã băm định nghĩa cuộc bầu: ") + r.election_hash, kAnchorPt);
  if (!r.key_fingerprint.empty()) page.line((en ? "Station key fingerprint: " : "Dấu vân tay khóa của trạm: ") + r.key_fingerprint, kAnchorPt);
  // The log's head: kept with the signed paper, it shows later whether the database still holds
  // this count (`audit verify --expect-head`), or was rolled back or cut.
  if (!r.log_head.empty()) page.line((en ? "Log head: " : "Đầu nhật ký: ") + r.log_head, kAnchorPt);
  page.gap(1);
  page.line(place_and_date(r.date, en), kBodyPt, false, Qt::AlignRight);
  page.gap(1);
  page.line(en ? "THE COUNTING COMMITTEE" : "BAN KIỂM PHIẾU", kBodyPt, true, Qt::AlignHCenter);
  for (std::size_t from = 0; from < signers.size(); from += 3) {
    page.signatures(std::vector<std::string>(signers.begin() + static_cast<std::ptrdiff_t>(from),
                                             signers.begin() + static_cast<std::ptrdiff_t>(std::min(from + 3, signers.size()))),
                    en);
  }
}

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
  const Page::Footer footer{r.contest_title, r.election_hash.substr(0, 16) + "…", en};
  Page measure(nullptr, nullptr, family, footer, 0);
  lay_out(measure, r, lang);
  const int pages = measure.finish();
  Page page(&writer, &painter, family, footer, pages);
  lay_out(page, r, lang);
  (void)page.finish();
  if (!painter.end()) return fail("write_failed", {"Không ghi được tệp PDF", "Cannot write the PDF file"}, path);
  return {};
}

}  // namespace kp::printing
