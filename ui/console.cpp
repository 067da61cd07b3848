#include "ui/console.hpp"

#include <QApplication>
#include <QMainWindow>
#include <QPushButton>
#include <QShortcut>
#include <QTabWidget>
#include <QTranslator>
#include <QFont>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QWidget>

#include <chrono>
#include <optional>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iostream>

#include "common/files.hpp"
#include "common/words.hpp"
#include "station/authority.hpp"
#include "station/observer_feed.hpp"
#include "tally/congress_db.hpp"
#include "ui/internal/screens.hpp"
#include "ui/internal/station.hpp"
#include "ui/internal/tr.hpp"
#include "ui/results_view.hpp"

namespace kp::ui {
namespace {


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
    setWindowTitle(Tr::tr("kiemphieu — kết quả kiểm phiếu"));
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
    if (options_.projector) {
      page_timer_.setInterval(kProjectorPageMs);
      connect(&page_timer_, &QTimer::timeout, this, [this] { turn_page(1); });
      page_timer_.start();
    }
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
    view_ = view;
    // The time the figures last changed, so a hall can tell live figures from a frozen screen.
    updated_at_ = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    show_view(view_);
    return true;
  }

  // Every text on the page as shown (for tests and the screen-text file).
  [[nodiscard]] QStringList shown_texts() const {
    QStringList out;
    if (!banner_->isHidden()) out << banner_->text();
    if (scroll_->widget() != nullptr) {
      for (const auto* l : scroll_->widget()->findChildren<QLabel*>()) out << l->text();
    }
    return out;
  }

  // The projector shows one contest at a time, every contest in turn (4 contests of 10 to 70
  // names do not fit one screen in type read from the back rows); PageDown/PageUp turn by hand.
  void turn_page(int by) {
    if (view_.contests.empty()) return;
    const int n = static_cast<int>(view_.contests.size());
    page_ = ((page_ + by) % n + n) % n;
    show_view(view_);
  }

 protected:
  void keyPressEvent(QKeyEvent* e) override {
    if (e->key() == Qt::Key_F11) {
      isFullScreen() ? showNormal() : showFullScreen();
    } else if (e->key() == Qt::Key_Escape && isFullScreen()) {
      showNormal();
    } else if (e->key() == Qt::Key_Q && (e->modifiers() & Qt::ControlModifier)) {
      close();
    } else if (options_.projector && (e->key() == Qt::Key_PageDown || e->key() == Qt::Key_Right)) {
      turn_page(1);
      page_timer_.start();  // a page turned by hand stays its full time
    } else if (options_.projector && (e->key() == Qt::Key_PageUp || e->key() == Qt::Key_Left)) {
      turn_page(-1);
      page_timer_.start();
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
    const int n = static_cast<int>(view.contests.size());
    if (page_ >= n) page_ = 0;
    if (!updated_at_.isEmpty()) {
      QString where = Tr::tr("Cập nhật lúc %1").arg(updated_at_);
      if (options_.projector && n > 1) {
        where = Tr::tr("Cuộc bầu %1/%2 · tự chuyển sau %3 giây (PageDown, PageUp)").arg(page_ + 1).arg(n).arg(kProjectorPageMs / 1000) + QStringLiteral(" · ") + where;
      }
      v->addWidget(label(us(where), kBodyPt - 1, false, page, QColor(0x42, 0x42, 0x42)));
    }
    for (int index = 0; index < n; ++index) {
      if (options_.projector && index != page_) continue;
      const auto& c = view.contests[static_cast<std::size_t>(index)];
      v->addSpacing(static_cast<int>(12 * scale));
      v->addWidget(label(c.title + (c.closed ? us(Tr::tr(" — đã kết thúc")) : ""), kTitlePt, true, page));
      v->addWidget(label(c.figures, kBodyPt, false, page));
      v->addWidget(label(us(Tr::tr("Vạch đứt: %1").arg(qs(c.threshold_label))), kBodyPt - 1, false, page, QColor(0x42, 0x42, 0x42)));
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

  // Twelve seconds a contest: a 70-name list is read in that time, and four contests come round
  // within a minute.
  static constexpr int kProjectorPageMs = 12000;
  QLabel* banner_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  ResultsView view_;
  QString updated_at_;
  int page_ = 0;
  QTimer page_timer_;
  std::string shown_;
};

// The counting station's results: from the congress database, recounted when the station says
// the congress changed, and published read-only to observers when asked. The server never reads
// what observers send.
class StationResults : public ResultsPage {
 public:
  StationResults(Station& station, const ConsoleOptions& options, Lang lang, bool publish) : ResultsPage(options, lang), station_(station) {
    if (publish && options.publish_port > 0) {
      server_ = new QWebSocketServer(QStringLiteral("kiemphieu"), QWebSocketServer::NonSecureMode, this);
      const QHostAddress address(qs(options.publish_address));
      if (address.isNull() || !server_->listen(address, static_cast<quint16>(options.publish_port))) {
        std::cerr << (lang == Lang::en ? "Cannot publish on " : "Không phát được trên ") << options.publish_address << ":" << options.publish_port << '\n';
      }
      connect(server_, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket* observer = server_->nextPendingConnection()) {
          // Observers only listen: what they send is never read, and a frame or message longer
          // than a few bytes closes their link before it is buffered (one client's 1.9 GB frame
          // once took the station to 2.3 GB). A hall has a few dozen screens at most.
          observer->setMaxAllowedIncomingFrameSize(kObserverFrameBytes);
          observer->setMaxAllowedIncomingMessageSize(kObserverFrameBytes);
          if (observers_.size() >= kMaxObservers) {
            observer->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too many observers"));
            observer->deleteLater();
            continue;
          }
          observers_.push_back(observer);
          connect(observer, &QWebSocket::disconnected, this, [this, observer] {
            observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
            observer->deleteLater();
          });
          if (const std::string m = latest_.empty() ? std::string() : message("results"); !m.empty()) observer->sendTextMessage(qs(m));
        }
      });
      // A heartbeat every 2 s lets an observer tell a quiet count from a lost link.
      auto* heartbeat = new QTimer(this);
      connect(heartbeat, &QTimer::timeout, this, [this] { broadcast(message("heartbeat")); });
      heartbeat->start(2000);
    }
    connect(&station_, &Station::changed, this, [this] { refresh(); });
    connect(&station_, &Station::database_changed, this, [this] { refresh(); });
    refresh();
  }

  // Qt deletes the sockets after this object's members are gone; their signals must not reach it.
  ~StationResults() override {
    for (QWebSocket* o : observers_) QObject::disconnect(o, nullptr, this, nullptr);
  }
  StationResults(const StationResults&) = delete;
  StationResults& operator=(const StationResults&) = delete;

  [[nodiscard]] bool readable() const { return readable_; }

  void refresh() {
    auto* db = station_.db();
    if (db == nullptr) {
      set_banner(us(Tr::tr("Chưa mở đại hội nào: mở hoặc tạo ở màn hình Thiết lập")), false);
      return;
    }
    const auto summary = db->count();
    readable_ = static_cast<bool>(summary);
    if (!summary) {
      set_banner(us(Tr::tr("Không đọc được cơ sở dữ liệu đại hội")));
      return;
    }
    set_banner("");
    const ResultsView view = build_results_view(db->election(), *summary, lang_);
    if (display(view)) {
      latest_ = results_view_json(view);
      broadcast(message("results"));
    }
  }

 private:
  static constexpr qint64 kObserverFrameBytes = 125;  // a WebSocket control frame's own limit
  static constexpr std::size_t kMaxObservers = 64;

  // Every message signed with the station key; none is sent when the key is not at hand.
  std::string message(const std::string& type) {
    auto* db = station_.db();
    if (db == nullptr) return {};
    auto signed_message =
        station::signed_feed_message(*db, feed_message(type, ++seq_, db->head().value_or(std::string()), type == "results" ? latest_ : std::string()));
    return signed_message ? *signed_message : std::string();
  }

  void broadcast(const std::string& text) {
    if (text.empty()) return;
    for (QWebSocket* o : observers_) o->sendTextMessage(qs(text));
  }

  Station& station_;
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
      const auto body = station::open_feed_message(text.toStdString(), options_.observe_key);
      if (!body) {
        // Refused loudly and never shown: a fake station, a changed message, another congress.
        refused_ = body.error().message;
        update_banner();
        return;
      }
      last_word_ = std::chrono::steady_clock::now();
      if (auto message = parse_feed_message(*body)) {
        if (message->view) {
          display(*message->view);
          received_ = true;
        }
        keep(message->log_head);
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
    if (!refused_.vi.empty()) {
      set_banner(us(Tr::tr("TIN BỊ TỪ CHỐI từ %1: %2").arg(qs(options_.observe_url), qs(lang_ == Lang::en ? refused_.en : refused_.vi))));
    } else if (socket_->state() != QAbstractSocket::ConnectedState) {
      set_banner(us(Tr::tr("MẤT KẾT NỐI với trạm kiểm phiếu (%1): số liệu dưới đây có thể đã cũ. Đang kết nối lại…").arg(qs(options_.observe_url))));
    } else if (std::chrono::steady_clock::now() - last_word_ > std::chrono::seconds(6)) {
      set_banner(us(Tr::tr("DỮ LIỆU CŨ: trạm kiểm phiếu không gửi tin quá 6 giây")));
    } else if (!keeping_failed_.isEmpty()) {
      set_banner(us(keeping_failed_));
    } else if (!head_.empty()) {
      set_banner(us(Tr::tr("Quan sát viên: chỉ xem kết quả của trạm kiểm phiếu · đầu nhật ký của trạm: mục %1 (%2…), đã giữ trong %3")
                        .arg(qs(head_.substr(0, head_.find(':'))), qs(head_.substr(head_.find(':') + 1, 16)), qs(options_.keep_heads))),
                 false);
    } else {
      set_banner(us(Tr::tr("Quan sát viên: chỉ xem kết quả của trạm kiểm phiếu")), false);
    }
  }

 private:
  // Each new head the station signed is kept on the observer's own disk: what the log held when
  // these figures were shown, for an auditor to ask the database about later.
  void keep(const std::string& head) {
    if (head.empty() || head == head_ || !station::is_log_head(head)) return;
    head_ = head;
    if (options_.keep_heads.empty()) return;
    if (auto kept = station::keep_head(options_.keep_heads, options_.observe_key, head); !kept) {
      keeping_failed_ = Tr::tr("KHÔNG GIỮ ĐƯỢC đầu nhật ký của trạm trong %1: hãy ghi tay mục %2 (%3)")
                            .arg(qs(options_.keep_heads), qs(head.substr(0, head.find(':'))), qs(head.substr(head.find(':') + 1)));
    } else {
      keeping_failed_.clear();
    }
  }

  QWebSocket* socket_ = nullptr;
  std::string head_;         // the newest head shown
  QString keeping_failed_;   // set while the heads file cannot be written
  std::chrono::steady_clock::time_point last_word_{};
  bool received_ = false;
  Text refused_;  // the last refusal: stays on the banner, so a forged message is never missed
};

// The counting station: every screen in tabs under a bar that says which congress is open and
// who is signed in. Ctrl+1…7 reach the screens, F2 signs in or out.
class StationConsole : public QMainWindow {
 public:
  StationConsole(Station& station, const ConsoleOptions& options, Lang lang) : station_(station), options_(options), lang_(lang) {
    setWindowTitle(Tr::tr("kiemphieu — trạm kiểm phiếu"));
    auto* central = new QWidget(this);
    auto* v = new QVBoxLayout(central);
    auto* bar = new QHBoxLayout;
    congress_ = new QLabel(central);
    QFont bold = congress_->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    congress_->setFont(bold);
    congress_->setWordWrap(true);  // a long congress name wraps rather than widening the window
    member_ = new QLabel(central);
    member_->setWordWrap(true);
    sign_ = new QPushButton(central);
    // F2 as a window shortcut of its own: a button's shortcut is replaced by the Alt mnemonic
    // its text sets ("Đăng &nhập"), which left F2 doing nothing.
    auto* f2 = new QShortcut(QKeySequence(Qt::Key_F2), this);
    f2->setContext(Qt::WindowShortcut);
    connect(f2, &QShortcut::activated, sign_, &QPushButton::click);
    projector_ = new QPushButton(Tr::tr("Màn hình má&y chiếu"), central);
    // Shown only while the station key is encrypted and nobody has unlocked it this session:
    // until then the station reads and shows, and records nothing.
    unlock_ = new QPushButton(Tr::tr("Mở &khóa trạm…"), central);
    bar->addWidget(congress_, 1);
    bar->addWidget(member_);
    bar->addWidget(unlock_);
    bar->addWidget(sign_);
    bar->addWidget(projector_);
    v->addLayout(bar);
    tabs_ = new QTabWidget(central);
    results_ = new StationResults(station, options, lang, true);
    scan_ = new ScanScreen(station, tabs_);
    audit_ = new AuditScreen(station, tabs_);
    record_ = new RecordScreen(station, tabs_);
    tabs_->addTab(results_, Tr::tr("&1 Kết quả"));
    tabs_->addTab(new SetupScreen(station, tabs_), Tr::tr("&2 Thiết lập"));
    tabs_->addTab(scan_, Tr::tr("&3 Quét phiếu"));
    tabs_->addTab(new AdjudicationScreen(station, tabs_), Tr::tr("&4 Phiếu chờ xét"));
    tabs_->addTab(new GalleryScreen(station, tabs_), Tr::tr("&5 Các dấu theo điểm"));
    tabs_->addTab(audit_, Tr::tr("&6 Kiểm tra"));
    tabs_->addTab(record_, Tr::tr("&7 Biên bản"));
    for (int i = 0; i < tabs_->count(); ++i) {
      auto* go = new QShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this);
      connect(go, &QShortcut::activated, this, [this, i] { tabs_->setCurrentIndex(i); });
    }
    v->addWidget(tabs_, 1);
    setCentralWidget(central);
    connect(sign_, &QPushButton::clicked, this, [this] {
      if (station_.member()) {
        station_.sign_out();
      } else {
        PinDialog dialog(station_, PinDialog::Purpose::sign_in, Tr::tr("Đăng nhập để thao tác; mọi thao tác được ghi vào nhật ký với tên người làm."), this);
        dialog.exec();
      }
    });
    connect(unlock_, &QPushButton::clicked, this, [this] {
      auto* db = station_.db();
      if (db == nullptr) return;
      bool given = false;
      const QString passphrase =
          QInputDialog::getText(this, Tr::tr("Mở khóa trạm"),
                                Tr::tr("Mật khẩu khóa trạm (Ban kiểm phiếu giữ). Khóa được mở cho phiên làm việc này, %1 giờ.").arg(tally::kDefaultUnlockHours),
                                QLineEdit::Password, QString(), &given);
      if (!given) return;
      if (auto unlocked = station::unlock_key(*db, passphrase.toStdString(), tally::kDefaultUnlockHours); !unlocked) {
        QMessageBox::warning(this, Tr::tr("Mở khóa trạm"), station_.said(unlocked.error()));
      }
      show_identity();  // the log's new entry reaches every screen at the next poll
    });
    connect(projector_, &QPushButton::clicked, this, [this] {
      // A second window for the hall's projector: the live results only, large type, full screen.
      projector_options_ = options_;
      projector_options_.projector = true;
      projector_window_ = std::make_unique<StationResults>(station_, projector_options_, lang_, false);
      projector_window_->showFullScreen();
    });
    // The screen in view follows the congress's changes; the others catch up when they are
    // shown. (Re-reading every sheet for a hidden queue or gallery after each sheet a scanner
    // stores would cost the station its responsiveness on a large congress.)
    const auto refresh_shown = [this] {
      if (auto* screen = dynamic_cast<Screen*>(tabs_->currentWidget())) screen->refresh();
    };
    connect(&station_, &Station::changed, this, refresh_shown);
    connect(tabs_, &QTabWidget::currentChanged, this, refresh_shown);
    connect(&station_, &Station::database_changed, this, [this] { show_identity(); });
    connect(&station_, &Station::member_changed, this, [this] { show_identity(); });
    show_identity();
  }

  ~StationConsole() override { station_.sign_out(); }
  StationConsole(const StationConsole&) = delete;
  StationConsole& operator=(const StationConsole&) = delete;

  [[nodiscard]] StationResults& results() { return *results_; }
  [[nodiscard]] ScanScreen& scanning() { return *scan_; }
  [[nodiscard]] AuditScreen& audit() { return *audit_; }
  [[nodiscard]] RecordScreen& record() { return *record_; }

  // Shows a screen by its name; false for a name it does not know.
  bool show_screen(const std::string& name) {
    const std::vector<std::string> names{"results", "setup", "scan", "adjudication", "gallery", "audit", "record"};
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return false;
    tabs_->setCurrentIndex(static_cast<int>(it - names.begin()));
    return true;
  }

  [[nodiscard]] QStringList shown_texts() const {
    QStringList out{congress_->text(), member_->text()};
    // The window's own buttons and tabs too: their Alt keys are shared with every screen's.
    for (const auto* b : {unlock_, sign_, projector_}) {
      if (b->isVisibleTo(this)) out << b->text();
    }
    for (int i = 0; i < tabs_->count(); ++i) out << tabs_->tabText(i);
    if (auto* screen = dynamic_cast<Screen*>(tabs_->currentWidget())) return out + screen->shown_texts();
    for (const auto* l : tabs_->currentWidget()->findChildren<QLabel*>()) out << l->text();
    return out;
  }

 private:
  void show_identity() {
    auto* db = station_.db();
    congress_->setText(db != nullptr ? qs(db->election().congress) : Tr::tr("Chưa mở đại hội nào"));
    if (const auto& m = station_.member()) {
      member_->setText(Tr::tr("Đang làm việc: %1 (%2)").arg(qs(m->name), m->role == tally::MemberRole::committee ? Tr::tr("Ban kiểm phiếu") : Tr::tr("người quét")));
      sign_->setText(Tr::tr("Đăng &xuất (F2)"));
    } else {
      member_->setText(Tr::tr("Chưa đăng nhập: chỉ xem"));
      sign_->setText(Tr::tr("Đăng &nhập (F2)"));
    }
    const bool locked = db != nullptr && db->key_state() == tally::KeyState::locked;
    if (locked) member_->setText(member_->text() + QStringLiteral(" · ") + qs(words::say(words::Kind::key_state, "locked", lang_)));
    unlock_->setVisible(locked);
    sign_->setEnabled(db != nullptr);
  }

  Station& station_;
  const ConsoleOptions& options_;
  Lang lang_;
  QLabel* congress_ = nullptr;
  QLabel* member_ = nullptr;
  QPushButton* sign_ = nullptr;
  QPushButton* unlock_ = nullptr;
  QPushButton* projector_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  StationResults* results_ = nullptr;
  ScanScreen* scan_ = nullptr;
  AuditScreen* audit_ = nullptr;
  RecordScreen* record_ = nullptr;
  ConsoleOptions projector_options_;
  std::unique_ptr<StationResults> projector_window_;
};

}  // namespace

struct ConsoleApplication::Impl {
  QApplication app;
  QTranslator english;
  Impl(int& argc, char** argv) : app(argc, argv) {}
};

ConsoleApplication::ConsoleApplication(int& argc, char** argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
ConsoleApplication::~ConsoleApplication() = default;

void ConsoleApplication::use_language(Lang lang) {
  // Vietnamese is the source language of every text; English comes from the compiled Qt
  // Linguist translation built into the program.
  if (lang == Lang::en && impl_->english.load(QStringLiteral(":/i18n/kiemphieu_en.qm"))) QCoreApplication::installTranslator(&impl_->english);
}

namespace {

template <class Window>
int show_window(Window& window, const ConsoleOptions& options) {
  if (options.projector) {
    window.showFullScreen();
  } else {
    window.resize(1280, 900);
    window.show();
  }
  if (options.quit_after_seconds > 0) QTimer::singleShot(static_cast<int>(options.quit_after_seconds * 1000), &window, &QWidget::close);
  return QApplication::exec();
}

// Lets the event loop run until `done` or `seconds` pass.
template <class Done>
void wait_until(Done done, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (!done() && std::chrono::steady_clock::now() < until) QApplication::processEvents(QEventLoop::AllEvents, 50);
}

template <class Window>
bool save_screenshot(Window& window, const ConsoleOptions& options, const std::string& view_json, const QStringList& texts) {
  // A fixed size so the reference image is the same on every machine.
  window.resize(1280, 900);
  window.show();
  QApplication::processEvents();
  if (!options.view_json.empty() && !write_file_bytes(options.view_json, view_json + "\n")) return false;
  if (!options.screen_text.empty() && !write_file_bytes(options.screen_text, us(texts.join('\n')) + "\n")) return false;
  return window.grab().save(QString::fromStdString(options.screenshot));
}

}  // namespace

bool normalize_station_key(std::string& fingerprint) {
  for (auto& c : fingerprint) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return station::is_key_fingerprint(fingerprint);
}

int run_console(const ConsoleOptions& options, Lang lang) {
  if (!options.observe_url.empty()) {
    ObserverWindow window(options, lang);
    if (!options.screenshot.empty()) {
      // Wait for the first results (or give up after 5 s and show the link as it is).
      wait_until([&] { return window.received(); }, 5);
      window.update_banner();
      return save_screenshot(window, options, window.shown_json(), window.shown_texts()) ? 0 : 1;
    }
    return show_window(window, options);
  }
  // Large type for a hall under pressure: 12 pt at the least (Qt's default is 9–10), chosen so the
  // queue, the evidence and the buttons read from an arm's length on a 1280 × 900 screen.
  QFont hall_font = QApplication::font();
  hall_font.setPointSizeF(std::max(12.0, hall_font.pointSizeF()));
  QApplication::setFont(hall_font);
  Station station(lang, nullptr);
  if (!options.db_path.empty()) {
    QString error;
    if (!station.open(options.db_path, &error)) {
      std::cerr << (lang == Lang::en ? "The congress database cannot be read: " : "Không đọc được cơ sở dữ liệu đại hội: ") << options.db_path << " — "
                << us(error) << '\n';
      return 1;
    }
  }
  if (options.unlock_key && station.db() != nullptr) {
    // The passphrase comes on standard input (first, before a PIN), never as an argument.
    std::string passphrase;
    std::getline(std::cin, passphrase);
    if (auto unlocked = station::unlock_key(*station.db(), passphrase, tally::kDefaultUnlockHours); !unlocked) {
      std::cerr << us(station.said(unlocked.error())) << '\n';
      return 1;
    }
  }
  if (!options.sign_in.empty()) {
    // The PIN comes on standard input, never as an argument (it would show in the process list).
    std::string pin;
    std::getline(std::cin, pin);
    if (const auto member = station.sign_in(options.sign_in, pin); !member) {
      std::cerr << us(station.said(member.error())) << '\n';
      return 1;
    }
  }
  if (options.projector) {
    StationResults window(station, options, lang, true);
    if (!options.screenshot.empty()) return save_screenshot(window, options, window.shown_json(), window.shown_texts()) ? 0 : 1;
    return show_window(window, options);
  }
  StationConsole window(station, options, lang);
  if (!options.screen.empty() && !window.show_screen(options.screen)) {
    std::cerr << "console: unknown screen " << options.screen << '\n';
    return 2;
  }
  if (!options.scanner.empty()) window.scanning().choose(qs(options.scanner));
  // Actions for the screenshots and tests: each runs as a person would start it, and the
  // picture is taken once it has finished.
  if (!options.scan_source.empty()) {
    window.scanning().start(qs(options.scan_source), qs(options.scan_faults));
    wait_until([&] { return !window.scanning().running(); }, 300);
    QApplication::processEvents();
  }
  if (options.action == "verify" || options.action == "replay") {
    options.action == "verify" ? window.audit().verify() : window.audit().replay();
    wait_until([&] { return !window.audit().busy(); }, 300);
    QApplication::processEvents();
  } else if (options.action == "record") {
    window.record().write_record();
    wait_until([&] { return !window.record().busy(); }, 120);
    QApplication::processEvents();
  }
  if (!options.screenshot.empty()) {
    window.results().refresh();
    return save_screenshot(window, options, window.results().shown_json(), window.shown_texts()) ? 0 : 1;
  }
  return show_window(window, options);
}

}  // namespace kp::ui
