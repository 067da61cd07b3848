// Scanning: choose a scanner (every driver the program has), start and stop a batch, follow it
// live. The batch runs as `kiemphieu scan` in a child process — exactly what the command line
// does, so a crash of the window loses no sheet and the log names the same operator.
#include <signal.h>

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "common/words.hpp"

#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

QString batch_end_text(const QString& reason) { return qs(words::say(words::Kind::batch_end, us(reason), ui_language())); }

}  // namespace

ScanScreen::ScanScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QHBoxLayout(this);
  auto* left = new QVBoxLayout;
  auto* choose = new QGroupBox(Tr::tr("Máy quét"), this);
  auto* choose_layout = new QVBoxLayout(choose);
  source_ = new QComboBox(choose);
  source_->addItem(Tr::tr("Máy quét mô phỏng (ảnh trong một thư mục)"), "sim:DIR");
  source_->addItem(Tr::tr("Nhận ảnh từ một thư mục (máy quét ghi vào đó)"), "folder:DIR");
  choose_layout->addWidget(source_);
  auto* folder_row = new QHBoxLayout;
  folder_ = new QLineEdit(choose);
  folder_->setPlaceholderText(Tr::tr("Thư mục ảnh"));
  auto* browse = new QPushButton(Tr::tr("&Chọn thư mục…"), choose);
  folder_row->addWidget(folder_, 1);
  folder_row->addWidget(browse);
  choose_layout->addLayout(folder_row);
  auto* find = new QPushButton(Tr::tr("&Tìm máy quét"), choose);
  choose_layout->addWidget(find, 0, Qt::AlignLeft);
  left->addWidget(choose);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, Tr::tr("Thư mục ảnh"));
    if (!dir.isEmpty()) folder_->setText(dir);
  });
  connect(find, &QPushButton::clicked, this, &ScanScreen::find_devices);

  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(Tr::tr("&Bắt đầu quét"), this);
  stop_ = new QPushButton(Tr::tr("&Dừng"), this);
  stop_->setEnabled(false);
  // A ballot that cannot be scanned (torn, wet, folded), or every ballot when there is no scanner.
  by_hand_ = new QPushButton(Tr::tr("Nhập t&ay một lá phiếu…"), this);
  buttons->addWidget(start_);
  buttons->addWidget(stop_);
  buttons->addStretch(1);
  buttons->addWidget(by_hand_);
  left->addLayout(buttons);
  connect(start_, &QPushButton::clicked, this, [this] {
    QString source = source_->currentData().toString();
    if (source.endsWith("DIR")) source = source.chopped(3) + folder_->text();
    start(source);
  });
  connect(stop_, &QPushButton::clicked, this, &ScanScreen::stop);
  connect(by_hand_, &QPushButton::clicked, this, &ScanScreen::enter_by_hand);

  state_ = new QLabel(this);
  state_->setWordWrap(true);
  left->addWidget(state_);
  counters_ = new QLabel(this);
  QFont big = counters_->font();
  big.setPointSizeF(big.pointSizeF() * 1.5);
  big.setBold(true);
  counters_->setFont(big);
  counters_->setWordWrap(true);
  left->addWidget(counters_);
  fault_ = new QLabel(this);
  fault_->setWordWrap(true);
  fault_->setStyleSheet("background: #ffc107; color: black; padding: 8px; font-weight: bold");
  fault_->hide();
  left->addWidget(fault_);
  left->addStretch(1);
  layout->addLayout(left, 1);
  picture_ = new SheetPicture(station_, this);
  layout->addWidget(picture_, 1);
  connect(&station_, &Station::member_changed, this, &ScanScreen::refresh);
  show_progress();
  refresh();
}

ScanScreen::~ScanScreen() {
  // A batch in progress is ended as cancelled, like Ctrl-C at the command line, so the log
  // says why it stopped; the child is waited for.
  if (running()) {
    QObject::disconnect(process_, nullptr, this, nullptr);
    ::kill(static_cast<pid_t>(process_->processId()), SIGINT);
    process_->waitForFinished(10000);
  }
}

bool ScanScreen::running() const { return process_ != nullptr && process_->state() != QProcess::NotRunning; }

void ScanScreen::refresh() {
  const bool allowed = station_.db() != nullptr && station_.anyone_signed_in();
  start_->setEnabled(allowed && !running());
  stop_->setEnabled(running());
  by_hand_->setEnabled(station_.db() != nullptr && station_.committee_signed_in());
  if (!running() && !progress_.finished && process_ == nullptr) {
    state_->setText(station_.db() == nullptr ? Tr::tr("Chưa mở đại hội nào.")
                    : allowed                ? Tr::tr("Sẵn sàng. Người quét: %1").arg(qs(station_.member()->name))
                                             : Tr::tr("Cần đăng nhập để quét (người quét hoặc thành viên Ban kiểm phiếu)."));
  }
}

void ScanScreen::enter_by_hand() {
  auto* db = station_.db();
  if (db == nullptr || !station_.committee_signed_in()) return;
  const QString me = qs(station_.member()->name);
  // Two entries, each in a fresh form; when they differ both are shown and both enter it again.
  for (int attempt = 1; attempt <= 3; ++attempt) {
    HandEntryDialog first(station_, {}, Tr::tr("Lần nhập thứ nhất — %1. Nhập đúng như trên tờ phiếu.").arg(me), this);
    if (first.exec() != QDialog::Accepted) return;
    HandEntryDialog second(station_, first.contest_id(),
                           Tr::tr("Lần nhập thứ hai — thành viên thứ hai, tự đọc tờ phiếu và nhập, không xem lần nhập thứ nhất."), this);
    if (second.exec() != QDialog::Accepted) return;
    const auto a = first.entry(), b = second.entry();
    const auto differ = station::entries_differ(*db, first.contest_id(), a, b);
    if (!differ.empty()) {
      QStringList lines;
      for (const auto& d : differ) {
        const auto said = [&](const station::HandEntry& e) {
          if (d == "serial") return QString::number(e.serial);
          const auto it = e.marks.find(d);
          return it == e.marks.end() ? QStringLiteral("—") : mark_state_text(it->second);
        };
        lines << (d == "serial" ? Tr::tr("Số phiếu") : candidate_name(db->election(), first.contest_id(), d)) + ": " + said(a) + " / " + said(b);
      }
      QMessageBox::warning(this, Tr::tr("Nhập tay một lá phiếu"),
                           Tr::tr("Hai lần nhập không khớp (lần thứ nhất / lần thứ hai):") + "\n" + lines.join("\n") + "\n" +
                               Tr::tr("Không lưu gì. Hai thành viên nhập lại lá phiếu."));
      continue;
    }
    const auto agreed = second_member_agrees(
        station_, Tr::tr("Thành viên thứ hai: hai lần nhập tay phiếu số %1 khớp nhau. Lý do: %2").arg(a.serial).arg(qs(first.reason())), this);
    if (!agreed) return;
    const auto entered = station::enter_by_hand(*db, first.contest_id(), a, b, first.reason(), station_.credential(), *agreed);
    state_->setText(entered ? Tr::tr("Đã nhập tay phiếu số %1 (%2 và %3).").arg(a.serial).arg(me, qs(agreed->name))
                            : station_.said(entered.error()));
    return;
  }
}

void ScanScreen::find_devices() {
  // Discovery can take seconds (network scanners answer slowly): it runs beside the window,
  // which keeps answering and shows that it is looking.
  auto* devices = new QProcess(this);
  connect(devices, &QProcess::finished, this, [this, devices] {
    int found = 0;
    while (source_->count() > 2) source_->removeItem(2);
    for (const auto& line : devices->readAllStandardOutput().split('\n')) {
      const auto j = nlohmann::json::parse(line.toStdString(), nullptr, false);
      if (!j.is_object()) continue;
      const std::string id = j.value("id", "");
      if (id.rfind("sim:", 0) == 0 || id.rfind("folder:", 0) == 0) continue;  // offered above already
      source_->addItem(qs(j.value("vendor", "") + " " + j.value("model", "") + " — " + id), qs(id));
      ++found;
    }
    state_->setText(found == 0 ? Tr::tr("Không thấy máy quét nào.") : Tr::tr("Tìm thấy %1 máy quét.").arg(found));
    if (found > 0) source_->setCurrentIndex(2);
    devices->deleteLater();
  });
  devices->start(Station::program(), station_.program_arguments({"devices"}));
  state_->setText(Tr::tr("Đang tìm máy quét…"));
}

void ScanScreen::start(const QString& source, const QString& faults) {
  if (running() || station_.db() == nullptr || !station_.anyone_signed_in()) return;
  choose(source);  // the screen shows the scanner the batch comes from, however it was started
  progress_ = {};
  pending_.clear();
  errors_.clear();
  fault_->hide();
  picture_->clear_sheet();
  if (process_ != nullptr) process_->deleteLater();
  process_ = new QProcess(this);
  connect(process_, &QProcess::readyReadStandardOutput, this, &ScanScreen::read_output);
  connect(process_, &QProcess::readyReadStandardError, this, [this] { errors_ += process_->readAllStandardError(); });
  connect(process_, &QProcess::finished, this, [this](int, QProcess::ExitStatus status) {
    read_output();
    errors_ += process_->readAllStandardError();
    if (progress_.end_reason.isEmpty()) {
      // It never ran a batch: say why, in the words the command line used.
      const QStringList lines = QString::fromUtf8(errors_).split(QRegularExpression("[\r\n]"), Qt::SkipEmptyParts);
      state_->setText(Tr::tr("Không quét được: %1").arg(status == QProcess::CrashExit ? Tr::tr("chương trình quét dừng bất thường") : lines.value(lines.size() - 1)));
    } else {
      state_->setText(Tr::tr("Đợt quét kết thúc (%1). Mọi tờ đã lưu vẫn còn nguyên.").arg(batch_end_text(progress_.end_reason)));
    }
    refresh();
  });
  QStringList command{"scan", qs(station_.path()), "--source", source, "--operator", qs(station_.member()->name)};
  if (!faults.isEmpty()) command << "--faults" << faults;
  process_->start(Station::program(), station_.program_arguments(command));
  state_->setText(Tr::tr("Đang quét từ %1 — người quét: %2").arg(source, qs(station_.member()->name)));
  show_progress();
  refresh();
}

void ScanScreen::choose(const QString& source) {
  for (const QString prefix : {"sim:", "folder:"}) {
    if (source.startsWith(prefix)) {
      source_->setCurrentIndex(source_->findData(prefix + "DIR"));
      folder_->setText(source.mid(prefix.size()));
      return;
    }
  }
  if (source_->findData(source) < 0) source_->addItem(source, source);
  source_->setCurrentIndex(source_->findData(source));
}

void ScanScreen::stop() {
  if (running()) ::kill(static_cast<pid_t>(process_->processId()), SIGINT);
}

void ScanScreen::read_output() {
  if (process_ == nullptr) return;
  pending_ += process_->readAllStandardOutput();
  bool new_sheet = false;
  for (qsizetype end = pending_.indexOf('\n'); end >= 0; end = pending_.indexOf('\n')) {
    const std::string line = pending_.left(end).toStdString();
    pending_.remove(0, end + 1);
    const std::int64_t before = progress_.last_sheet_id;
    progress_.feed_line(line);
    new_sheet = new_sheet || progress_.last_sheet_id != before;
  }
  show_progress();
  if (new_sheet) show_last_sheet();
}

void ScanScreen::show_progress() {
  counters_->setText(qs(station::batch_progress_text(progress_.totals, ui_language())));
  fault_->setText(progress_.last_fault);
  fault_->setVisible(!progress_.last_fault.isEmpty());
}

void ScanScreen::show_last_sheet() {
  auto* db = station_.db();
  if (db == nullptr || progress_.last_sheet_id == 0) return;
  const auto sheet = db->sheet(progress_.last_sheet_id);
  if (!sheet) return;
  picture_->show_sheet(*sheet);
}

}  // namespace kp::ui
