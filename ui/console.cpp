#include "ui/console.hpp"

#include <QApplication>
#include <QFont>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>
#include <QWidget>

#include <cmath>
#include <iostream>

#include "tally/congress_db.hpp"
#include "ui/results_view.hpp"

namespace kp::ui {
namespace {

QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

// Type sizes in points, chosen for a hall: the projector mode multiplies them so the back rows
// of a 300-seat hall read a name on a 3 m screen.
constexpr double kBodyPt = 12, kTitlePt = 16, kHeadlinePt = 20, kProjectorScale = 1.6;

// One candidate's bar with the threshold line across it.
class Bar : public QWidget {
 public:
  Bar(const CandidateBar& bar, double threshold_at, double scale, QWidget* parent)
      : QWidget(parent), bar_(bar), threshold_at_(threshold_at) {
    setMinimumHeight(static_cast<int>(std::lround(22 * scale)));
    setMinimumWidth(300);
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    const QRectF area = rect().adjusted(0, 3, -1, -3);
    p.fillRect(area, QColor(0xee, 0xee, 0xee));
    QRectF filled = area;
    filled.setWidth(area.width() * std::clamp(bar_.length, 0.0, 1.0));
    // Elected in the Party's red; tied in amber; the rest in gray-blue.
    const QColor colour = bar_.elected ? QColor(0xc6, 0x28, 0x28) : bar_.tied ? QColor(0xef, 0x8f, 0x00) : QColor(0x54, 0x6e, 0x7a);
    p.fillRect(filled, colour);
    const double x = area.left() + area.width() * std::clamp(threshold_at_, 0.0, 1.0);
    p.setPen(QPen(Qt::black, 2, Qt::DashLine));
    p.drawLine(QPointF(x, rect().top()), QPointF(x, rect().bottom()));
  }

 private:
  CandidateBar bar_;
  double threshold_at_;
};

class ResultsWindow : public QWidget {
 public:
  ResultsWindow(ConsoleOptions options, Lang lang) : options_(std::move(options)), lang_(lang) {
    setWindowTitle(lang == Lang::en ? "kiemphieu — live results" : "kiemphieu — kết quả kiểm phiếu");
    auto* outer = new QVBoxLayout(this);  // owned by the widget (Qt parent ownership)
    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    outer->addWidget(scroll_);
    refresh();
    auto* timer = new QTimer(this);
    // Twice a second: a counted sheet is on screen within half a second of its commit.
    connect(timer, &QTimer::timeout, this, [this] { refresh(); });
    timer->start(500);
  }

  [[nodiscard]] bool readable() const { return readable_; }

  void refresh() {
    auto db = tally::CongressDb::open(options_.db_path);
    if (!db) {
      readable_ = false;
      return;
    }
    const auto summary = db->count();
    if (!summary) {
      readable_ = false;
      return;
    }
    readable_ = true;
    const ResultsView view = build_results_view(db->election(), *summary, lang_);
    // Rebuild only when something shown changed.
    std::string digest = view.headline + view.sheets;
    for (const auto& c : view.contests) {
      digest += c.title + c.figures + c.outcome;
      for (const auto& b : c.bars) digest += std::to_string(b.votes);
    }
    if (digest == shown_) return;
    shown_ = digest;
    show_view(view);
  }

 protected:
  void keyPressEvent(QKeyEvent* e) override {
    if (e->key() == Qt::Key_F11) {
      isFullScreen() ? showNormal() : showFullScreen();
    } else if (e->key() == Qt::Key_Escape && isFullScreen()) {
      showNormal();
    } else if (e->key() == Qt::Key_Q && (e->modifiers() & Qt::ControlModifier)) {
      close();
    } else {
      QWidget::keyPressEvent(e);
    }
  }

 private:
  QLabel* label(const std::string& text, double pt, bool bold, QWidget* parent, const QColor& colour = Qt::black) const {
    auto* l = new QLabel(qs(text), parent);
    QFont f("DejaVu Sans");
    f.setPointSizeF(pt * (options_.projector ? kProjectorScale : 1.0));
    f.setBold(bold);
    l->setFont(f);
    l->setWordWrap(true);
    QPalette pal = l->palette();
    pal.setColor(QPalette::WindowText, colour);
    l->setPalette(pal);
    return l;
  }

  void show_view(const ResultsView& view) {
    const double scale = options_.projector ? kProjectorScale : 1.0;
    auto* page = new QWidget;
    auto* v = new QVBoxLayout(page);
    v->addWidget(label(view.congress, kTitlePt, true, page));
    v->addWidget(label(view.headline, kHeadlinePt, true, page, view.final ? QColor(0x1b, 0x5e, 0x20) : QColor(0xb7, 0x1c, 0x1c)));
    v->addWidget(label(view.sheets, kBodyPt, false, page));
    for (const auto& c : view.contests) {
      v->addSpacing(static_cast<int>(12 * scale));
      v->addWidget(label(c.title + (c.closed ? (lang_ == Lang::en ? " — round closed" : " — đã kết thúc") : ""), kTitlePt, true, page));
      v->addWidget(label(c.figures, kBodyPt, false, page));
      v->addWidget(label((lang_ == Lang::en ? "Dashed line: " : "Vạch đứt: ") + c.threshold_label, kBodyPt - 1, false, page, QColor(0x42, 0x42, 0x42)));
      for (const auto& b : c.bars) {
        auto* row = new QHBoxLayout;
        auto* name = label(b.name, kBodyPt, b.elected, page);
        name->setMinimumWidth(static_cast<int>(260 * scale));
        name->setWordWrap(false);
        row->addWidget(name);
        row->addWidget(new Bar(b, c.threshold_at, scale, page), 1);
        char figures[64];
        std::snprintf(figures, sizeof figures, "%lld  (%.2f%%)", static_cast<long long>(b.votes), b.percent_of_base);
        auto* count = label(figures, kBodyPt, b.elected, page);
        count->setMinimumWidth(static_cast<int>(140 * scale));
        count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        row->addWidget(count);
        v->addLayout(row);
      }
      v->addWidget(label(c.outcome, kBodyPt, true, page));
    }
    v->addStretch(1);
    page->setAutoFillBackground(true);
    QPalette pal = page->palette();
    pal.setColor(QPalette::Window, Qt::white);
    page->setPalette(pal);
    scroll_->setWidget(page);  // the scroll area owns the page and deletes the previous one
  }

  ConsoleOptions options_;
  Lang lang_;
  QScrollArea* scroll_ = nullptr;
  std::string shown_;
  bool readable_ = false;
};

}  // namespace

struct ConsoleApplication::Impl {
  QApplication app;
  Impl(int& argc, char** argv) : app(argc, argv) {}
};

ConsoleApplication::ConsoleApplication(int& argc, char** argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
ConsoleApplication::~ConsoleApplication() = default;

int run_console(const ConsoleOptions& options, Lang lang) {
  ResultsWindow window(options, lang);
  if (!window.readable()) {
    std::cerr << (lang == Lang::en ? "The congress database cannot be read: " : "Không đọc được cơ sở dữ liệu đại hội: ") << options.db_path << '\n';
    return 1;
  }
  if (!options.screenshot.empty()) {
    // A fixed size so the reference image is the same on every machine.
    window.resize(1280, 900);
    window.show();
    QApplication::processEvents();
    return window.grab().save(qs(options.screenshot)) ? 0 : 1;
  }
  if (options.projector) {
    window.showFullScreen();
  } else {
    window.resize(1280, 900);
    window.show();
  }
  if (options.quit_after_seconds > 0) QTimer::singleShot(static_cast<int>(options.quit_after_seconds * 1000), &window, &QWidget::close);
  return QApplication::exec();
}

}  // namespace kp::ui
