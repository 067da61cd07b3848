// A ballot entered by hand on the console (station/hand_entry.hpp): the form one member fills in.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "config/layout.hpp"
#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {

HandEntryDialog::HandEntryDialog(Station& station, const std::string& contest_id, const QString& who, QWidget* parent)
    : QDialog(parent), station_(station) {
  setWindowTitle(Tr::tr("Nhập tay một lá phiếu"));
  auto* layout = new QVBoxLayout(this);
  auto* heading = new QLabel(who, this);
  QFont bold = heading->font();
  bold.setBold(true);
  heading->setFont(bold);
  heading->setWordWrap(true);
  layout->addWidget(heading);
  auto* form = new QFormLayout;
  contest_ = new QComboBox(this);
  if (const auto* db = station_.db()) {
    if (const auto rounds = db->rounds()) {
      for (const auto& r : *rounds) {
        if (r.open && (contest_id.empty() || r.contest_id == contest_id)) contest_->addItem(qs(r.contest.title), qs(r.contest_id));
      }
    }
  }
  contest_->setEnabled(contest_id.empty());
  form->addRow(Tr::tr("&Cuộc bầu:"), contest_);
  serial_ = new QLineEdit(this);
  serial_->setValidator(new QIntValidator(1, 999999999, serial_));
  form->addRow(Tr::tr("&Số phiếu (trên tờ phiếu):"), serial_);
  reason_ = new QLineEdit(this);
  reason_->setPlaceholderText(Tr::tr("phiếu rách, ướt, máy quét hỏng…"));
  if (contest_id.empty()) form->addRow(Tr::tr("&Lý do nhập tay:"), reason_);
  reason_->setVisible(contest_id.empty());
  layout->addLayout(form);
  names_ = new QTableWidget(0, 3, this);
  names_->setHorizontalHeaderLabels({Tr::tr("STT"), Tr::tr("Họ và tên"), Tr::tr("Trên tờ phiếu")});
  names_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  names_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  names_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  names_->verticalHeader()->hide();
  names_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(names_, 1);
  message_ = new QLabel(this);
  message_->setStyleSheet(QStringLiteral("color: #b71c1c"));
  message_->setWordWrap(true);
  layout->addWidget(message_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(Tr::tr("&Xong lần nhập"));
  buttons->button(QDialogButtonBox::Cancel)->setText(Tr::tr("Hủy"));
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    // Everything missing said at once; the entry itself is compared and checked by the station.
    QStringList missing;
    if (serial_->text().isEmpty()) missing << Tr::tr("số phiếu");
    if (reason_->isVisible() && reason_->text().trimmed().isEmpty()) missing << Tr::tr("lý do nhập tay");
    for (int r = 0; r < names_->rowCount(); ++r) {
      const auto* choice = qobject_cast<QComboBox*>(names_->cellWidget(r, 2));
      if (choice != nullptr && choice->currentData().toString().isEmpty()) missing << names_->item(r, 1)->text();
    }
    if (!missing.isEmpty()) {
      message_->setText(Tr::tr("Còn thiếu: %1").arg(missing.join(", ")));
      return;
    }
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(contest_, &QComboBox::currentIndexChanged, this, &HandEntryDialog::show_names);
  show_names();
  resize(640, 720);
}

void HandEntryDialog::show_names() {
  names_->setRowCount(0);
  const auto* db = station_.db();
  if (db == nullptr) return;
  const auto rounds = db->rounds();
  if (!rounds) return;
  for (const auto& r : *rounds) {
    if (!r.open || qs(r.contest_id) != contest_->currentData().toString()) continue;
    const auto layout = config::compute_layout(db->election(), r.contest);
    if (!layout) return;
    form_ = layout->ballot;
    for (const auto& side : layout->sides) {
      for (const auto& row : side.rows) {
        const int n = names_->rowCount();
        names_->insertRow(n);
        names_->setItem(n, 0, new QTableWidgetItem(QString::number(row.number)));
        names_->setItem(n, 1, new QTableWidgetItem(qs(row.name)));
        names_->item(n, 1)->setData(Qt::UserRole, qs(row.candidate_id));
        auto* choice = new QComboBox(names_);
        // A strike ballot starts as the blank paper reads (every name kept); a ballot with boxes
        // has no such reading, so every name is chosen.
        if (form_ != BallotForm::strike) choice->addItem(Tr::tr("— chọn —"), QString());
        for (const auto s : mark_choices(form_)) choice->addItem(mark_state_text(s), qs(std::string(to_string(s))));
        names_->setCellWidget(n, 2, choice);
      }
    }
  }
}

std::string HandEntryDialog::contest_id() const { return us(contest_->currentData().toString()); }

std::string HandEntryDialog::reason() const { return us(reason_->text().trimmed()); }

station::HandEntry HandEntryDialog::entry() const {
  station::HandEntry e;
  e.serial = serial_->text().toUInt();
  for (int r = 0; r < names_->rowCount(); ++r) {
    const auto* choice = qobject_cast<QComboBox*>(names_->cellWidget(r, 2));
    const auto state = choice == nullptr ? std::nullopt : parse_mark_state(us(choice->currentData().toString()));
    if (state) e.marks[us(names_->item(r, 1)->data(Qt::UserRole).toString())] = *state;
  }
  return e;
}

void HandEntryDialog::fill(std::uint32_t serial, const std::map<std::string, MarkState>& marks, const QString& reason) {
  serial_->setText(QString::number(serial));
  if (!reason.isEmpty()) reason_->setText(reason);
  for (int r = 0; r < names_->rowCount(); ++r) {
    auto* choice = qobject_cast<QComboBox*>(names_->cellWidget(r, 2));
    const auto it = marks.find(us(names_->item(r, 1)->data(Qt::UserRole).toString()));
    if (choice != nullptr && it != marks.end()) choice->setCurrentIndex(choice->findData(qs(std::string(to_string(it->second)))));
  }
}

}  // namespace kp::ui
