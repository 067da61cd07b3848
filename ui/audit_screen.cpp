// The auditor's screens: verify the log, replay every stored scan with a progress bar and each
// difference shown with its image; and the counting record, previewed, printed and saved. Both
// run the program's own commands (`audit verify`, `audit replay`, `report`), so what the screen
// says is exactly what an auditor gets at the command line.
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPdfDocument>
#include <QPrintDialog>
#include <QPrinter>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {

AuditScreen::AuditScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout;
  verify_ = new QPushButton(Tr::tr("Kiểm &tra nhật ký"), this);
  replay_ = new QPushButton(Tr::tr("Đọc &lại mọi ảnh đã quét"), this);
  buttons->addWidget(verify_);
  buttons->addWidget(replay_);
  buttons->addStretch(1);
  layout->addLayout(buttons);
  summary_ = new QLabel(Tr::tr("Kiểm tra nhật ký: chuỗi băm, chữ ký của trạm, mọi ảnh và trạng thái mọi tờ phiếu. "
                               "Đọc lại: chạy lại nhận dạng trên mọi ảnh đã lưu và so với kết quả đã ghi."),
                        this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  layout->addWidget(progress_);
  auto* splitter = new QSplitter(this);
  problems_ = read_only_table({Tr::tr("Vị trí / tờ"), Tr::tr("Sai lệch"), Tr::tr("Ảnh")}, 1, splitter);
  picture_ = new SheetPicture(station_, splitter);
  layout->addWidget(splitter, 1);
  connect(verify_, &QPushButton::clicked, this, &AuditScreen::verify);
  connect(replay_, &QPushButton::clicked, this, &AuditScreen::replay);
  connect(problems_, &QTableWidget::currentCellChanged, this, [this](int row) {
    auto* db = station_.db();
    const auto* item = problems_->item(row, 0);
    if (db == nullptr || item == nullptr || !item->data(Qt::UserRole).isValid()) return;
    const auto sheet = db->sheet(item->data(Qt::UserRole).toLongLong());
    if (!sheet) return;
    picture_->show_sheet(*sheet);
  });
  refresh();
}

bool AuditScreen::busy() const { return process_ != nullptr && process_->state() != QProcess::NotRunning; }

void AuditScreen::refresh() {
  verify_->setEnabled(station_.db() != nullptr && !busy());
  replay_->setEnabled(station_.db() != nullptr && !busy());
}

void AuditScreen::verify() { run({"audit", "verify", qs(station_.path())}, false); }
void AuditScreen::replay() { run({"audit", "replay", qs(station_.path())}, true); }

void AuditScreen::run(const QStringList& command, bool replaying) {
  if (busy() || station_.db() == nullptr) return;
  problems_->setRowCount(0);
  picture_->clear_sheet();
  out_.clear();
  err_.clear();
  differences_ = 0;
  progress_->setRange(0, replaying ? 1 : 0);  // verify has no progress to show: a busy bar
  progress_->setValue(0);
  summary_->setText(replaying ? Tr::tr("Đang đọc lại mọi ảnh…") : Tr::tr("Đang kiểm tra nhật ký…"));
  if (process_ != nullptr) process_->deleteLater();
  process_ = new QProcess(this);
  const auto take_lines = [this, replaying] {
    out_ += process_->readAllStandardOutput();
    for (qsizetype end = out_.indexOf('\n'); end >= 0; end = out_.indexOf('\n')) {
      const auto j = nlohmann::json::parse(out_.left(end).toStdString(), nullptr, false);
      out_.remove(0, end + 1);
      if (!j.is_object()) continue;
      const int row = problems_->rowCount();
      problems_->insertRow(row);
      if (replaying) {
        ++differences_;
        auto* where = new QTableWidgetItem(Tr::tr("tờ %1").arg(j.value("sheet_id", std::int64_t{0})));
        where->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(j.value("sheet_id", std::int64_t{0})));
        problems_->setItem(row, 0, where);
        problems_->setItem(row, 1, new QTableWidgetItem(Tr::tr("đọc lại khác với kết quả đã ghi")));
        problems_->item(row, 1)->setToolTip(qs(j.value("stored", "") + "\n→\n" + j.value("replayed", "")));
        problems_->setItem(row, 2, new QTableWidgetItem(qs(j.value("image", ""))));
      } else {
        problems_->setItem(row, 0, new QTableWidgetItem(QString::number(j.value("position", std::int64_t{0}))));
        problems_->setItem(row, 1, new QTableWidgetItem(qs(j.value("problem", ""))));
      }
    }
  };
  connect(process_, &QProcess::readyReadStandardOutput, this, take_lines);
  connect(process_, &QProcess::readyReadStandardError, this, [this] {
    err_ += process_->readAllStandardError();
    // Replay draws "[####    ] … 12/40" again and again on one line: the last one counts.
    static const QRegularExpression counter(R"((\d+)/(\d+))");
    QRegularExpressionMatch last;
    for (auto it = counter.globalMatch(QString::fromUtf8(err_.right(200))); it.hasNext();) last = it.next();
    if (last.hasMatch()) {
      progress_->setRange(0, last.captured(2).toInt());
      progress_->setValue(last.captured(1).toInt());
    }
  });
  connect(process_, &QProcess::finished, this, [this, replaying, take_lines](int code, QProcess::ExitStatus) {
    take_lines();
    progress_->setRange(0, 1);
    progress_->setValue(1);
    const QString said = QString::fromUtf8(err_).split(QRegularExpression("[\r\n]"), Qt::SkipEmptyParts).value(-1);
    if (code == 0) {
      summary_->setText(replaying ? Tr::tr("Đọc lại xong: mọi tờ khớp đúng như đã ghi.") : Tr::tr("Kiểm tra xong: mọi thứ khớp."));
      summary_->setStyleSheet("color: #1b5e20; font-weight: bold");
    } else {
      summary_->setText(replaying ? Tr::tr("Đọc lại xong: %1 tờ khác với kết quả đã ghi.").arg(differences_)
                                  : Tr::tr("Kiểm tra xong: có %1 sai lệch. %2").arg(problems_->rowCount()).arg(said));
      summary_->setStyleSheet("color: #b71c1c; font-weight: bold");
    }
    refresh();
  });
  process_->start(Station::program(), station_.program_arguments(command));
  refresh();
}

RecordScreen::RecordScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  auto* write = new QPushButton(Tr::tr("&Lập biên bản từ số liệu hiện tại"), this);
  documents_ = new QComboBox(this);
  print_ = new QPushButton(Tr::tr("&In…"), this);
  save_ = new QPushButton(Tr::tr("Lưu &PDF…"), this);
  // The button keeps its whole text; the list of records takes the room left (a record's name
  // is its contest's title, which runs to 60 characters).
  write->setMinimumWidth(write->sizeHint().width());
  documents_->setMinimumContentsLength(30);
  top->addWidget(write);
  top->addWidget(documents_, 1);
  top->addWidget(print_);
  top->addWidget(save_);
  layout->addLayout(top);
  message_ = new QLabel(Tr::tr("Biên bản kiểm phiếu của mỗi cuộc bầu và mỗi lần bầu, lập từ cơ sở dữ liệu đại hội."), this);
  message_->setWordWrap(true);
  layout->addWidget(message_);
  preview_ = new QScrollArea(this);
  preview_->setWidgetResizable(true);
  layout->addWidget(preview_, 1);
  connect(write, &QPushButton::clicked, this, &RecordScreen::write_record);
  connect(documents_, &QComboBox::currentIndexChanged, this, [this] {
    if (documents_->count() > 0) show_pdf(current_document());
  });
  connect(print_, &QPushButton::clicked, this, &RecordScreen::print);
  connect(save_, &QPushButton::clicked, this, &RecordScreen::save);
  refresh();
}

RecordScreen::~RecordScreen() {
  if (busy()) process_->waitForFinished(10000);
}

bool RecordScreen::busy() const { return process_ != nullptr && process_->state() != QProcess::NotRunning; }

void RecordScreen::refresh() {
  print_->setEnabled(documents_->count() > 0);
  save_->setEnabled(documents_->count() > 0);
}

void RecordScreen::write_record() {
  if (busy() || station_.db() == nullptr) return;
  // Kept beside the congress database, one folder per writing: the log's documents_written
  // entry names files that stay where it says (a temporary folder vanished with the window).
  out_dir_ = qs(station_.path()) + ".records/" + QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss");
  QDir().mkpath(out_dir_);
  if (process_ != nullptr) process_->deleteLater();
  process_ = new QProcess(this);
  connect(process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
    show_documents(out_dir_);
    message_->setText(code == 0 ? Tr::tr("Đã lập %1 biên bản (kèm JSON và CSV) trong %2").arg(documents_->count()).arg(out_dir_)
                                : QString::fromUtf8(process_->readAllStandardError()));
  });
  QStringList command{"report", qs(station_.path()), "--out", out_dir_};
  // A committee member signed in: the record's hashes go into the log under their name, their PIN on the child's standard input.
  const bool logged = station_.committee_signed_in();
  if (logged) command << "--by" << qs(station_.member()->name);
  process_->start(Station::program(), station_.program_arguments(command));
  if (logged) process_->write(QByteArray::fromStdString(station_.credential().pin + "\n"));
  process_->closeWriteChannel();
  message_->setText(Tr::tr("Đang lập biên bản…"));
}

void RecordScreen::show_documents(const QString& dir) {
  documents_dir_ = dir;
  const QStringList pdfs = QDir(dir).entryList({"*.pdf"}, QDir::Files, QDir::Name);
  {
    const QSignalBlocker quiet(documents_);
    documents_->clear();
    for (const auto& pdf : pdfs) documents_->addItem(record_title(pdf), pdf);
  }
  if (!pdfs.isEmpty()) show_pdf(current_document());
  refresh();
}

QString RecordScreen::current_document() const { return QDir(documents_dir_).filePath(documents_->currentData().toString()); }

QString RecordScreen::record_title(const QString& pdf) const {
  // "bch-bien-ban.pdf" is the record of contest bch: shown by the title the committee knows.
  // The longest id that names it, so a contest "bch" never takes the record of a "bch-tt".
  const config::Contest* named = nullptr;
  if (const auto* db = station_.db()) {
    for (const auto& c : db->election().contests) {
      if (pdf.startsWith(qs(c.id) + "-") && (named == nullptr || c.id.size() > named->id.size())) named = &c;
    }
  }
  return named != nullptr ? qs(named->title) + QStringLiteral(" (") + pdf + QStringLiteral(")") : pdf;
}

void RecordScreen::show_pdf(const QString& pdf) {
  QPdfDocument document;
  document.load(pdf);
  auto* pages = new QWidget;
  auto* v = new QVBoxLayout(pages);
  pages_shown_ = 0;
  for (int i = 0; i < document.pageCount(); ++i) {
    // 100 dpi: an A4 page is 827 px wide, readable on the station's screen without scrolling sideways.
    const QSizeF points = document.pagePointSize(i);
    const QImage page = document.render(i, (points * 100.0 / 72.0).toSize());
    auto* label = new QLabel(pages);
    label->setPixmap(QPixmap::fromImage(page));
    label->setFrameShape(QFrame::Box);
    v->addWidget(label, 0, Qt::AlignHCenter);
    ++pages_shown_;
  }
  preview_->setWidget(pages);  // the scroll area owns the pages and deletes the previous ones
}

void RecordScreen::print() {
  if (documents_->count() == 0) return;
  QPrinter printer(QPrinter::HighResolution);
  QPrintDialog dialog(&printer, this);
  if (dialog.exec() != QDialog::Accepted) return;
  const int pages = print_to(printer);
  message_->setText(Tr::tr("Đã gửi %1 trang đi in.").arg(pages));
}

int RecordScreen::print_to(QPrinter& printer) {
  if (documents_->count() == 0) return 0;
  QPdfDocument document;
  document.load(current_document());
  QPainter painter(&printer);
  int printed = 0;
  for (int i = 0; i < document.pageCount(); ++i) {
    if (i > 0) printer.newPage();
    // Each page rendered at the printer's own resolution over its printable area.
    const QRect area = painter.viewport();
    const QSize size = document.pagePointSize(i).scaled(area.size(), Qt::KeepAspectRatio).toSize();
    painter.drawImage(QRect(area.topLeft(), size), document.render(i, size));
    ++printed;
  }
  return printed;
}

void RecordScreen::save() {
  if (documents_->count() == 0) return;
  const QString target = QFileDialog::getSaveFileName(this, Tr::tr("Lưu biên bản"), documents_->currentData().toString(), "PDF (*.pdf)");
  if (target.isEmpty()) return;
  QFile::remove(target);
  message_->setText(QFile::copy(current_document(), target) ? Tr::tr("Đã lưu %1").arg(target)
                                                                                       : Tr::tr("Không lưu được %1").arg(target));
}

}  // namespace kp::ui
