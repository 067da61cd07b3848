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
#include <QWebSocket>
#include <QWebSocketServer>
#include <QWidget>

#include <chrono>
#include <optional>

#include <algorithm>
#include <cmath>
#include <fstream>
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

// The page both the station and an observer show: the view, and a banner when something is wrong
// with where it comes from.
class ResultsPage : public QWidget {
 public:
  ResultsPage(const ConsoleOptions& options, Lang lang) : options_(options), lang_(lang) {
    setWindowTitle(lang == Lang::en ? "kiemphieu — live results" : "kiemphieu — kết quả kiểm phiếu");
    // Widgets below are owned by their Qt parents, which delete them.
    auto* outer = new QVBoxLayout(this);
    banner_ = label("", kBodyPt, true, this);
    banner_->setAutoFillBackground(true);
    banner_->setMargin(8);
    banner_->hide();
    outer->addWidget(banner_);
    scroll_ = new QScrollArea(this);
    scroll_->setWidgetResizable(true);
    outer->addWidget(scroll_);
  }

  // A warning in amber; a plain note (the observer's "read-only") in light blue.
  void set_banner(const std::string& text, bool warning = true) {
    QPalette pal = banner_->palette();
    pal.setColor(QPalette::Window, warning ? QColor(0xff, 0xc1, 0x07) : QColor(0xe3, 0xf2, 0xfd));
    banner_->setPalette(pal);
    banner_->setText(qs(text));
    banner_->setVisible(!text.empty());
  }

  [[nodiscard]] const std::string& shown_json() const { return shown_; }

  // Shows the view unless it is what is already shown; true when it changed.
  bool display(const ResultsView& view) {
    const std::string digest = results_view_json(view);
    if (digest == shown_) return false;
    shown_ = digest;
    show_view(view);
    return true;
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

  const ConsoleOptions& options_;
  Lang lang_;

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

  QLabel* banner_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  std::string shown_;
};

// The counting station's screen: results from the congress database, published read-only to
// observers when asked. The server never reads what observers send.
class StationWindow : public ResultsPage {
 public:
  StationWindow(const ConsoleOptions& options, Lang lang) : ResultsPage(options, lang) {
    if (options.publish_port > 0) {
      server_ = new QWebSocketServer(QStringLiteral("kiemphieu"), QWebSocketServer::NonSecureMode, this);
      if (!server_->listen(QHostAddress::Any, static_cast<quint16>(options.publish_port))) {
        std::cerr << (lang == Lang::en ? "Cannot publish on port " : "Không phát được trên cổng ") << options.publish_port << '\n';
      }
      connect(server_, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* observer = server_->nextPendingConnection()) {
          observers_.push_back(observer);
          connect(observer, &QWebSocket::disconnected, this, [this, observer] {
            observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
            observer->deleteLater();
          });
          if (!latest_.empty()) observer->sendTextMessage(qs(message("results")));
        }
      });
      // A heartbeat every 2 s lets an observer tell a quiet count from a lost link.
      auto* heartbeat = new QTimer(this);
      connect(heartbeat, &QTimer::timeout, this, [this] { broadcast(message("heartbeat")); });
      heartbeat->start(2000);
    }
    refresh();
    auto* timer = new QTimer(this);
    // Every 100 ms a one-row query says whether anything changed; only then is the count redone.
    // With the recount's own time (kp_bench: BM_ResultsRefresh) a counted sheet is on screen well
    // within the 200 ms the hall expects.
    connect(timer, &QTimer::timeout, this, [this] { refresh(); });
    timer->start(100);
  }

  // Qt deletes the sockets after this object's members are gone; their signals must not reach it.
  ~StationWindow() override {
    for (QWebSocket* o : observers_) QObject::disconnect(o, nullptr, this, nullptr);
  }
  StationWindow(const StationWindow&) = delete;
  StationWindow& operator=(const StationWindow&) = delete;

  [[nodiscard]] bool readable() const { return readable_; }

  void refresh() {
    if (!db_) {
      auto opened = tally::CongressDb::open(options_.db_path);
      if (opened) db_.emplace(std::move(*opened));
    }
    const auto event = db_ ? db_->last_event() : Result<std::int64_t>(0);
    if (db_ && event && *event == seen_event_) return;  // nothing happened since the last look
    const auto summary = db_ ? db_->count() : Result<tally::CountSummary>(tl::unexpected(Error{"database_error", {}, ""}));
    readable_ = static_cast<bool>(summary);
    if (!summary) {
      set_banner(lang_ == Lang::en ? "The congress database cannot be read" : "Không đọc được cơ sở dữ liệu đại hội");
      db_.reset();  // opened again next time
      return;
    }
    if (event) seen_event_ = *event;
    set_banner("");
    const ResultsView view = build_results_view(db_->election(), *summary, lang_);
    if (display(view)) {
      latest_ = results_view_json(view);
      broadcast(message("results"));
    }
  }

 private:
  std::string message(const std::string& type) { return feed_message(type, ++seq_, type == "results" ? latest_ : std::string()); }

  void broadcast(const std::string& text) {
    for (QWebSocket* o : observers_) o->sendTextMessage(qs(text));
  }

  std::optional<tally::CongressDb> db_;
  std::int64_t seen_event_ = -1;
  QWebSocketServer* server_ = nullptr;
  std::vector<QWebSocket*> observers_;
  std::string latest_;
  std::int64_t seq_ = 0;
  bool readable_ = false;
};

// An observer's screen on another computer: the station's feed, read-only, with the state of
// the link always visible.
class ObserverWindow : public ResultsPage {
 public:
  ObserverWindow(const ConsoleOptions& options, Lang lang) : ResultsPage(options, lang) {
    socket_ = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(socket_, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
      last_word_ = std::chrono::steady_clock::now();
      if (auto view = parse_feed_message(text.toStdString())) {
        display(*view);
        received_ = true;
      }
      update_banner();
    });
    connect(socket_, &QWebSocket::connected, this, [this] { update_banner(); });
    connect(socket_, &QWebSocket::disconnected, this, [this] { update_banner(); });
    socket_->open(QUrl(qs(options.observe_url)));
    auto* watch = new QTimer(this);
    connect(watch, &QTimer::timeout, this, [this] {
      if (socket_->state() == QAbstractSocket::UnconnectedState) socket_->open(QUrl(qs(options_.observe_url)));
      update_banner();
    });
    watch->start(1000);
    update_banner();
  }

  // The socket is deleted after the labels; its last "disconnected" must not reach them.
  ~ObserverWindow() override { QObject::disconnect(socket_, nullptr, this, nullptr); }
  ObserverWindow(const ObserverWindow&) = delete;
  ObserverWindow& operator=(const ObserverWindow&) = delete;

  [[nodiscard]] bool received() const { return received_; }
  void update_banner() {
    const bool en = lang_ == Lang::en;
    if (socket_->state() != QAbstractSocket::ConnectedState) {
      set_banner(en ? "NO LINK to the counting station (" + options_.observe_url + "): the figures below may be out of date. Reconnecting…"
                    : "MẤT KẾT NỐI với trạm kiểm phiếu (" + options_.observe_url + "): số liệu dưới đây có thể đã cũ. Đang kết nối lại…");
    } else if (std::chrono::steady_clock::now() - last_word_ > std::chrono::seconds(6)) {
      set_banner(en ? "STALE: no word from the counting station for more than 6 seconds" : "DỮ LIỆU CŨ: trạm kiểm phiếu không gửi tin quá 6 giây");
    } else {
      set_banner(en ? "Observer: read-only view of the counting station's results" : "Quan sát viên: chỉ xem kết quả của trạm kiểm phiếu", false);
    }
  }

 private:
  QWebSocket* socket_ = nullptr;
  std::chrono::steady_clock::time_point last_word_{};
  bool received_ = false;
};

}  // namespace

struct ConsoleApplication::Impl {
  QApplication app;
  Impl(int& argc, char** argv) : app(argc, argv) {}
};

ConsoleApplication::ConsoleApplication(int& argc, char** argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
ConsoleApplication::~ConsoleApplication() = default;

namespace {

int show_window(ResultsPage& window, const ConsoleOptions& options) {
  if (options.projector) {
    window.showFullScreen();
  } else {
    window.resize(1280, 900);
    window.show();
  }
  if (options.quit_after_seconds > 0) QTimer::singleShot(static_cast<int>(options.quit_after_seconds * 1000), &window, &QWidget::close);
  return QApplication::exec();
}

bool save_screenshot(ResultsPage& window, const ConsoleOptions& options) {
  // A fixed size so the reference image is the same on every machine.
  window.resize(1280, 900);
  window.show();
  QApplication::processEvents();
  if (!options.view_json.empty()) {
    std::ofstream out(options.view_json, std::ios::binary | std::ios::trunc);
    out << window.shown_json() << '\n';
    if (!out) return false;
  }
  return window.grab().save(QString::fromStdString(options.screenshot));
}

}  // namespace

int run_console(const ConsoleOptions& options, Lang lang) {
  if (!options.observe_url.empty()) {
    ObserverWindow window(options, lang);
    if (!options.screenshot.empty()) {
      // Wait for the first results (or give up after 5 s and show the link as it is).
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!window.received() && std::chrono::steady_clock::now() < until) QApplication::processEvents(QEventLoop::AllEvents, 50);
      window.update_banner();
      return save_screenshot(window, options) ? 0 : 1;
    }
    return show_window(window, options);
  }
  StationWindow window(options, lang);
  if (!window.readable()) {
    std::cerr << (lang == Lang::en ? "The congress database cannot be read: " : "Không đọc được cơ sở dữ liệu đại hội: ") << options.db_path << '\n';
    return 1;
  }
  if (!options.screenshot.empty()) return save_screenshot(window, options) ? 0 : 1;
  return show_window(window, options);
}

}  // namespace kp::ui
