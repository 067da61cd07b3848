// Set-up: open or create a congress (the definition's validation shown in place), register
// members, enter ballots issued, print a round's ballots, close a round and open the next.
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/files.hpp"
#include "config/load.hpp"
#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

void put(QTableWidget* t, int row, int column, const QString& text) { t->setItem(row, column, new QTableWidgetItem(text)); }

// Adds OK and Cancel under the form and shows the dialog; true when it was accepted.
bool ask(QDialog& dialog, QFormLayout* form) {
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  return dialog.exec() == QDialog::Accepted;
}

}  // namespace

SetupScreen::SetupScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QVBoxLayout(this);

  auto* congress_box = new QGroupBox(Tr::tr("Đại hội"), this);
  auto* congress_layout = new QVBoxLayout(congress_box);
  congress_ = new QLabel(congress_box);
  congress_->setWordWrap(true);
  congress_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  congress_layout->addWidget(congress_);
  auto* definition_row = new QHBoxLayout;
  definition_ = new QLineEdit(congress_box);
  definition_->setPlaceholderText(Tr::tr("Tệp định nghĩa cuộc bầu (.toml)"));
  auto* choose = new QPushButton(Tr::tr("&Chọn tệp…"), congress_box);
  auto* check = new QPushButton(Tr::tr("Kiểm t&ra"), congress_box);
  auto* create = new QPushButton(Tr::tr("&Tạo đại hội…"), congress_box);
  auto* open = new QPushButton(Tr::tr("&Mở đại hội…"), congress_box);
  definition_row->addWidget(definition_, 1);
  for (auto* b : {choose, check, create, open}) definition_row->addWidget(b);
  congress_layout->addLayout(definition_row);
  diagnostics_ = new QPlainTextEdit(congress_box);
  diagnostics_->setReadOnly(true);
  diagnostics_->setMaximumHeight(110);
  diagnostics_->hide();
  congress_layout->addWidget(diagnostics_);
  layout->addWidget(congress_box);
  connect(choose, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, Tr::tr("Tệp định nghĩa cuộc bầu"), {}, "TOML (*.toml)");
    if (!path.isEmpty()) {
      definition_->setText(path);
      check_definition(path);
    }
  });
  connect(check, &QPushButton::clicked, this, [this] { check_definition(definition_->text()); });
  connect(create, &QPushButton::clicked, this, &SetupScreen::create_congress);
  connect(open, &QPushButton::clicked, this, &SetupScreen::open_congress);

  auto* members_box = new QGroupBox(Tr::tr("Thành viên Ban kiểm phiếu và người quét"), this);
  auto* members_layout = new QVBoxLayout(members_box);
  members_ = read_only_table({Tr::tr("Họ và tên"), Tr::tr("Vai trò"), Tr::tr("Người thêm")}, 0, members_box);
  members_->setMaximumHeight(150);
  members_layout->addWidget(members_);
  auto* add = new QPushButton(Tr::tr("Thêm thành &viên…"), members_box);
  members_layout->addWidget(add, 0, Qt::AlignLeft);
  connect(add, &QPushButton::clicked, this, &SetupScreen::add_member);
  layout->addWidget(members_box);

  auto* rounds_box = new QGroupBox(Tr::tr("Cuộc bầu và các lần bầu"), this);
  auto* rounds_layout = new QVBoxLayout(rounds_box);
  rounds_ = read_only_table({Tr::tr("Cuộc bầu"), Tr::tr("Lần"), Tr::tr("Trạng thái"), Tr::tr("Số cần bầu"), Tr::tr("Phiếu phát ra"), Tr::tr("Mã mẫu phiếu")},
                            0, rounds_box);
  rounds_layout->addWidget(rounds_);
  auto* actions = new QHBoxLayout;
  issued_ = new QSpinBox(rounds_box);
  issued_->setRange(0, 1000000);
  auto* enter = new QPushButton(Tr::tr("&Ghi số phiếu phát ra"), rounds_box);
  auto* print = new QPushButton(Tr::tr("&In phiếu lần bầu này…"), rounds_box);
  auto* close = new QPushButton(Tr::tr("Kết thúc &lần bầu…"), rounds_box);
  auto* next = new QPushButton(Tr::tr("Mở lần bầ&u mới…"), rounds_box);
  auto* issued_label = new QLabel(Tr::tr("&Phiếu phát ra:"), rounds_box);
  issued_label->setBuddy(issued_);
  actions->addWidget(issued_label);
  actions->addWidget(issued_);
  for (auto* b : {enter, print, close, next}) actions->addWidget(b);
  actions->addStretch(1);
  rounds_layout->addLayout(actions);
  layout->addWidget(rounds_box, 1);
  committee_actions_ = {enter, close, next};
  // The figure shown is the stored one of the round selected, so entering it again changes
  // nothing; a wrong click can no longer write 0 over 148.
  connect(rounds_, &QTableWidget::itemSelectionChanged, this, [this] {
    const int row = rounds_->currentRow();
    bool known = false;
    const int stored = row >= 0 && rounds_->item(row, 4) != nullptr ? rounds_->item(row, 4)->text().toInt(&known) : 0;
    issued_->setValue(known ? stored : 0);
  });
  connect(enter, &QPushButton::clicked, this, &SetupScreen::enter_issued);
  connect(print, &QPushButton::clicked, this, &SetupScreen::print_ballots);
  connect(close, &QPushButton::clicked, this, &SetupScreen::close_round);
  connect(next, &QPushButton::clicked, this, &SetupScreen::open_round);

  message_ = new QLabel(this);
  message_->setWordWrap(true);
  layout->addWidget(message_);
  connect(&station_, &Station::member_changed, this, &SetupScreen::refresh);
  refresh();
}

bool SetupScreen::check_definition(const QString& path) {
  const auto loaded = config::load_election_file(us(path));
  const config::Diagnostics& found = loaded ? loaded->warnings : loaded.error();
  QStringList lines;
  for (const auto& d : found) lines << qs(d.format(station_.lang()));
  if (loaded) lines.prepend(Tr::tr("Tệp hợp lệ: %1 — %2 cuộc bầu.").arg(qs(loaded->election->congress)).arg(loaded->election->contests.size()));
  diagnostics_->setPlainText(lines.join('\n'));
  diagnostics_->setStyleSheet(loaded ? "color: #1b5e20" : "color: #b71c1c");
  diagnostics_->show();
  return static_cast<bool>(loaded);
}

void SetupScreen::create_congress() {
  const QString definition = definition_->text();
  if (!check_definition(definition)) return;
  const QString path = QFileDialog::getSaveFileName(this, Tr::tr("Cơ sở dữ liệu đại hội mới"), {}, "kiemphieu (*.db)");
  if (path.isEmpty()) return;
  const auto created = station_.create(us(path), read_file_bytes(us(definition)), us(QFileInfo(definition).fileName()));
  message_->setText(created ? Tr::tr("Đã tạo đại hội. Ghi dấu vân tay khóa của trạm vào biên bản: %1").arg(qs(station_.db()->key_fingerprint()))
                            : station_.said(created.error()));
}

void SetupScreen::open_congress() {
  const QString path = QFileDialog::getOpenFileName(this, Tr::tr("Mở đại hội"), {}, "kiemphieu (*.db)");
  if (path.isEmpty()) return;
  QString error;
  message_->setText(station_.open(us(path), &error) ? QString() : error);
}

void SetupScreen::refresh() {
  auto* db = station_.db();
  const bool committee = station_.committee_signed_in();
  for (auto* b : committee_actions_) {
    b->setEnabled(db != nullptr && committee);
    b->setToolTip(committee ? QString() : Tr::tr("Cần một thành viên Ban kiểm phiếu đăng nhập"));
  }
  // The contest in hand stays selected across the refresh its own change causes (read before the
  // table is emptied: after, the first contest was selected and the next action went to it).
  const std::string keep = selected_contest();
  members_->setRowCount(0);
  rounds_->setRowCount(0);
  if (db == nullptr) {
    congress_->setText(Tr::tr("Chưa mở đại hội nào. Chọn tệp định nghĩa để tạo, hoặc mở một đại hội đã có."));
    return;
  }
  const auto& election = db->election();
  congress_->setText(Tr::tr("%1 — %2\nCơ sở dữ liệu: %3\nDấu vân tay khóa của trạm: %4")
                         .arg(qs(election.congress), qs(election.date), qs(station_.path()), qs(db->key_fingerprint())));
  if (const auto members = db->members()) {
    for (const auto& m : *members) {
      const int row = members_->rowCount();
      members_->insertRow(row);
      put(members_, row, 0, qs(m.name));
      put(members_, row, 1, m.role == tally::MemberRole::committee ? Tr::tr("Ban kiểm phiếu") : Tr::tr("Người quét"));
      put(members_, row, 2, m.added_by.empty() ? Tr::tr("(người đầu tiên)") : qs(m.added_by));
    }
  }
  if (const auto rounds = db->rounds()) {
    for (const auto& r : *rounds) {
      const int row = rounds_->rowCount();
      rounds_->insertRow(row);
      put(rounds_, row, 0, qs(r.contest.title));
      rounds_->item(row, 0)->setData(Qt::UserRole, qs(r.contest_id));
      put(rounds_, row, 1, QString::number(r.round));
      put(rounds_, row, 2, r.open ? Tr::tr("đang mở") : Tr::tr("đã kết thúc %1").arg(qs(r.closed_at)));
      put(rounds_, row, 3, QString::number(r.contest.seats));
      put(rounds_, row, 4, r.issued ? QString::number(*r.issued) : Tr::tr("chưa nhập"));
      put(rounds_, row, 5, qs(r.layout_hash));
      if (r.contest_id == keep && r.open) rounds_->selectRow(row);
    }
  }
  if (rounds_->currentRow() < 0 && rounds_->rowCount() > 0) rounds_->selectRow(0);
}

std::string SetupScreen::selected_contest() const {
  const int row = rounds_->currentRow();
  if (row < 0 || rounds_->item(row, 0) == nullptr) return {};
  return us(rounds_->item(row, 0)->data(Qt::UserRole).toString());
}

void SetupScreen::add_member() {
  auto* db = station_.db();
  if (db == nullptr) return;
  const auto existing = db->members();
  const bool first = existing && existing->empty();
  if (!first && !station_.committee_signed_in()) {
    message_->setText(Tr::tr("Chỉ thành viên Ban kiểm phiếu đã đăng nhập mới thêm được người."));
    return;
  }
  QDialog dialog(this);
  dialog.setWindowTitle(Tr::tr("Thêm thành viên"));
  auto* form = new QFormLayout(&dialog);
  auto* name = new QLineEdit(&dialog);
  auto* committee = new QCheckBox(Tr::tr("Thành viên Ban kiểm phiếu (bỏ chọn: chỉ quét phiếu)"), &dialog);
  committee->setChecked(true);
  auto* pin = new QLineEdit(&dialog);
  auto* again = new QLineEdit(&dialog);
  for (auto* p : {pin, again}) {
    p->setEchoMode(QLineEdit::Password);
    p->setMaxLength(12);
  }
  form->addRow(Tr::tr("&Họ và tên"), name);
  form->addRow(QString(), committee);
  form->addRow(Tr::tr("&Mã PIN (4–12 chữ số)"), pin);
  form->addRow(Tr::tr("&Nhập lại mã PIN"), again);
  if (!ask(dialog, form)) return;
  if (pin->text() != again->text()) {
    message_->setText(Tr::tr("Hai lần nhập mã PIN không giống nhau."));
    return;
  }
  std::optional<station::Credential> by;
  if (station_.member()) by = station_.credential();
  const auto added = station::add_member(*db, us(name->text()), committee->isChecked() ? tally::MemberRole::committee : tally::MemberRole::scanner_operator,
                                         us(pin->text()), by);
  message_->setText(added ? Tr::tr("Đã thêm %1.").arg(qs(added->name)) : station_.said(added.error()));
  refresh();
}

void SetupScreen::enter_issued() {
  auto* db = station_.db();
  const std::string contest = selected_contest();
  if (db == nullptr || contest.empty() || !station_.committee_signed_in()) return;
  const int row = rounds_->currentRow();
  bool known = false;
  const int stored = rounds_->item(row, 4) != nullptr ? rounds_->item(row, 4)->text().toInt(&known) : 0;
  // Changing a figure already entered takes a second committee member, who sees the change.
  std::optional<station::Credential> second;
  if (known && stored != issued_->value()) {
    second = second_member_agrees(station_, Tr::tr("Sửa số phiếu phát ra: %1 → %2").arg(stored).arg(issued_->value()), this);
    if (!second) return;
  }
  const auto done = station::enter_issued(*db, contest, issued_->value(), station_.credential(), second);
  message_->setText(done ? Tr::tr("Đã ghi %1 phiếu phát ra.").arg(issued_->value()) : station_.said(done.error()));
}

void SetupScreen::print_ballots() {
  const std::string contest = selected_contest();
  if (station_.db() == nullptr || contest.empty()) return;
  const QString dir = QFileDialog::getExistingDirectory(this, Tr::tr("Thư mục để ghi phiếu in"));
  if (dir.isEmpty()) return;
  auto* process = new QProcess(this);
  connect(process, &QProcess::finished, this, [this, process, dir](int code, QProcess::ExitStatus) {
    message_->setText(code == 0 ? Tr::tr("Đã ghi phiếu in (PDF) vào %1").arg(dir) : QString::fromUtf8(process->readAllStandardError()));
    process->deleteLater();
  });
  QStringList command{"round", "ballots", qs(station_.path()), qs(contest), "--out", dir};
  // A committee member signed in: the printed files' hashes go into the log under their name, their PIN on the child's standard input.
  const bool logged = station_.committee_signed_in();
  if (logged) command << "--by" << qs(station_.member()->name);
  process->start(Station::program(), station_.program_arguments(command));
  if (logged) process->write(QByteArray::fromStdString(station_.credential().pin + "\n"));
  process->closeWriteChannel();
  message_->setText(Tr::tr("Đang in phiếu…"));
}

void SetupScreen::close_round() {
  auto* db = station_.db();
  const std::string contest = selected_contest();
  if (db == nullptr || contest.empty() || !station_.committee_signed_in()) return;
  const auto* named = db->election().find_contest(contest);
  const auto second = second_member_agrees(
      station_, Tr::tr("Kết thúc lần bầu đang mở của cuộc bầu “%1” và ghi kết quả.").arg(named != nullptr ? qs(named->title) : qs(contest)), this);
  if (!second) return;
  const auto closed = station::close_round(*db, contest, station_.credential(), *second);
  message_->setText(closed ? Tr::tr("Đã kết thúc lần bầu %1.").arg(closed->round) : station_.said(closed.error()));
}

void SetupScreen::open_round() {
  auto* db = station_.db();
  const std::string contest = selected_contest();
  const auto* first = db != nullptr ? db->election().find_contest(contest) : nullptr;
  if (first == nullptr || !station_.committee_signed_in()) return;
  QDialog dialog(this);
  dialog.setWindowTitle(Tr::tr("Mở lần bầu mới"));
  auto* form = new QFormLayout(&dialog);
  auto* list = new QListWidget(&dialog);
  for (const auto& c : first->candidates) {
    auto* item = new QListWidgetItem(qs(c.name), list);
    item->setData(Qt::UserRole, qs(c.id));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
  auto* seats = new QSpinBox(&dialog);
  seats->setRange(1, first->seats);
  auto* decision = new QLineEdit(&dialog);
  decision->setPlaceholderText(Tr::tr("Nghị quyết của đại hội về lần bầu này"));
  form->addRow(Tr::tr("Người được đưa vào lần bầu"), list);
  form->addRow(Tr::tr("Số cần bầu"), seats);
  form->addRow(Tr::tr("Quyết định"), decision);
  if (!ask(dialog, form)) return;
  std::vector<std::string> ids;
  for (int i = 0; i < list->count(); ++i) {
    if (list->item(i)->checkState() == Qt::Checked) ids.push_back(us(list->item(i)->data(Qt::UserRole).toString()));
  }
  const auto second = second_member_agrees(station_, Tr::tr("Mở lần bầu mới theo quyết định của đại hội."), this);
  if (!second) return;
  const auto opened = station::open_round(*db, contest, ids, seats->value(), us(decision->text()), station_.credential(), *second);
  message_->setText(opened ? Tr::tr("Đã mở lần bầu %1. In phiếu của lần bầu này trước khi phát.").arg(opened->round) : station_.said(opened.error()));
}

}  // namespace kp::ui
