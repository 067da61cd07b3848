// The committee's work: the queue of waiting sheets with the image and evidence, rulings agreed
// by two members; and the gallery of every mark of a contest sorted by its score.
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

constexpr std::array kRulableFlags{SheetFlag::no_stamp, SheetFlag::write_in, SheetFlag::identifying_mark};

std::vector<MarkState> choices_for(BallotForm form) {
  if (form == BallotForm::strike) return {MarkState::kept, MarkState::struck};
  return {MarkState::agree, MarkState::disagree, MarkState::both, MarkState::none};
}

}  // namespace

AdjudicationScreen::AdjudicationScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QHBoxLayout(this);
  auto* splitter = new QSplitter(this);
  layout->addWidget(splitter);
  queue_ = new QTableView(splitter);
  queue_->setModel(&model_);
  queue_->setSelectionBehavior(QAbstractItemView::SelectRows);
  queue_->setSelectionMode(QAbstractItemView::SingleSelection);
  queue_->verticalHeader()->hide();
  picture_ = new SheetPicture(splitter);
  auto* ruling = new QWidget(splitter);
  auto* r = new QVBoxLayout(ruling);
  targets_ = read_only_table({Tr::tr("Người ứng cử"), Tr::tr("Máy đọc"), Tr::tr("Điểm"), Tr::tr("Ban kiểm phiếu quyết định")}, 0, ruling);
  r->addWidget(targets_, 1);
  r->addWidget(new QLabel(Tr::tr("Phát hiện trên tờ phiếu (làm phiếu không hợp lệ):"), ruling));
  for (const auto f : kRulableFlags) {
    auto* box = new QCheckBox(flag_text(std::string(to_string(f))), ruling);
    box->setProperty("flag", qs(std::string(to_string(f))));
    flags_ << box;
    r->addWidget(box);
  }
  reason_ = new QLineEdit(ruling);
  reason_->setPlaceholderText(Tr::tr("Lý do quyết định (ghi vào biên bản)"));
  r->addWidget(reason_);
  auto* buttons = new QHBoxLayout;
  decide_ = new QPushButton(Tr::tr("&Ghi quyết định…"), ruling);
  set_aside_ = new QPushButton(Tr::tr("Để &riêng, không đếm…"), ruling);
  buttons->addWidget(decide_);
  buttons->addWidget(set_aside_);
  r->addLayout(buttons);
  message_ = new QLabel(ruling);
  message_->setWordWrap(true);
  r->addWidget(message_);
  splitter->setSizes({380, 480, 420});
  queue_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  queue_->horizontalHeader()->setSectionResizeMode(WaitingSheetsModel::contest, QHeaderView::Stretch);
  queue_->setWordWrap(false);
  connect(queue_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& now) { select(now.row()); });
  connect(decide_, &QPushButton::clicked, this, [this] { rule(false); });
  connect(set_aside_, &QPushButton::clicked, this, [this] { rule(true); });
  connect(&station_, &Station::member_changed, this, &AdjudicationScreen::refresh);
  refresh();
}

void AdjudicationScreen::refresh() {
  auto* db = station_.db();
  const bool committee = station_.committee_signed_in();
  decide_->setEnabled(committee);
  set_aside_->setEnabled(committee);
  if (!committee) message_->setText(Tr::tr("Cần một thành viên Ban kiểm phiếu đăng nhập để quyết định."));
  if (db == nullptr) return;
  const auto sheets = db->sheets();
  if (!sheets) return;
  const std::int64_t keep = current_ ? current_->id : 0;
  model_.set_sheets(db->election(), *sheets);
  int row = 0;
  for (int i = 0; i < model_.rowCount(); ++i) {
    if (model_.sheet_at(i)->id == keep) row = i;
  }
  if (model_.rowCount() > 0) {
    queue_->selectRow(row);
    select(row);
  } else {
    // Nothing waits: the form is emptied too, so no reason or finding of the last ruling stays.
    current_.reset();
    picture_->clear_sheet();
    targets_->setRowCount(0);
    reason_->clear();
    for (auto* box : flags_) box->setChecked(false);
  }
}

void AdjudicationScreen::select(int row) {
  auto* db = station_.db();
  const auto* sheet = model_.sheet_at(row);
  if (db == nullptr || sheet == nullptr) return;
  if (current_ && current_->id == sheet->id) return;  // the form keeps what the committee is typing
  current_ = *sheet;
  picture_->show_sheet(*db, *sheet, station_.layouts());
  const auto reading = parse_stored_reading(sheet->recognition);
  const auto* layout = reading ? station_.layouts().find(reading->contest_id, reading->layout_hash) : nullptr;
  const BallotForm form = layout != nullptr ? layout->ballot : BallotForm::strike;
  targets_->setRowCount(0);
  if (reading) {
    for (const auto& m : reading->marks) {
      const int r = targets_->rowCount();
      targets_->insertRow(r);
      targets_->setItem(r, 0, new QTableWidgetItem(candidate_name(db->election(), sheet->contest_id, m.candidate_id)));
      targets_->item(r, 0)->setData(Qt::UserRole, qs(m.candidate_id));
      auto* read = new QTableWidgetItem(mark_state_text(m.state));
      if (m.state == MarkState::unclear) read->setBackground(QColor(0xff, 0xe0, 0x82));
      targets_->setItem(r, 1, read);
      targets_->setItem(r, 2, new QTableWidgetItem(QString::number(m.score, 'f', 2)));
      auto* choice = new QComboBox(targets_);
      if (m.state == MarkState::unclear) choice->addItem(Tr::tr("— chọn —"), QString());
      for (const auto s : choices_for(form)) choice->addItem(mark_state_text(s), qs(std::string(to_string(s))));
      if (m.state != MarkState::unclear) choice->setCurrentIndex(choice->findData(qs(std::string(to_string(m.state)))));
      targets_->setCellWidget(r, 3, choice);
    }
  }
  for (auto* box : flags_) {
    const std::string flag = us(box->property("flag").toString());
    box->setChecked(reading && std::find(reading->flags.begin(), reading->flags.end(), flag) != reading->flags.end());
  }
  reason_->clear();
  if (station_.committee_signed_in()) message_->clear();
}

void AdjudicationScreen::rule(bool set_aside) {
  auto* db = station_.db();
  if (db == nullptr || !current_ || !station_.committee_signed_in()) return;
  // Everything still missing is said at once, not one thing per try.
  QStringList missing;
  if (reason_->text().trimmed().isEmpty()) missing << Tr::tr("Ghi lý do trước khi quyết định.");
  std::map<std::string, MarkState> marks;
  QStringList changes;  // what the second member approves: "Vũ Thị Ân: chưa rõ → gạch"
  for (int r = 0; r < targets_->rowCount(); ++r) {
    const auto* choice = qobject_cast<QComboBox*>(targets_->cellWidget(r, 3));
    const auto state = parse_mark_state(us(choice->currentData().toString()));
    if (!set_aside && !state) missing << Tr::tr("Chọn quyết định cho %1.").arg(targets_->item(r, 0)->text());
    if (!state) continue;
    marks[us(targets_->item(r, 0)->data(Qt::UserRole).toString())] = *state;
    if (targets_->item(r, 1)->text() != mark_state_text(*state)) {
      changes << targets_->item(r, 0)->text() + QStringLiteral(": ") + targets_->item(r, 1)->text() + QStringLiteral(" → ") + mark_state_text(*state);
    }
  }
  if (!missing.isEmpty()) {
    message_->setText(missing.join(QStringLiteral(" ")));
    if (reason_->text().trimmed().isEmpty()) reason_->setFocus();
    return;
  }
  std::set<SheetFlag> flags;
  for (auto* box : flags_) {
    if (box->isChecked()) flags.insert(*parse_sheet_flag(us(box->property("flag").toString())));
  }
  QString what = set_aside ? Tr::tr("Để riêng tờ %1 (không đếm): %2").arg(current_->id).arg(reason_->text())
                           : Tr::tr("Quyết định về tờ %1: %2").arg(current_->id).arg(reason_->text());
  if (!set_aside && !changes.isEmpty()) what += QStringLiteral("\n") + changes.join(QStringLiteral("\n"));
  const auto second = second_member_agrees(station_, what, this);
  if (!second) return;
  const std::string me = station_.member()->name, reason = us(reason_->text().trimmed());
  const auto done = set_aside ? station::set_aside(*db, current_->id, reason, station_.credential(), *second)
                              : station::rule(*db, current_->id, marks, flags, reason, station_.credential(), *second);
  if (!done) {
    message_->setText(station_.said(done.error()));
    return;
  }
  message_->setText(Tr::tr("Đã ghi quyết định về tờ %1 (%2 và %3).").arg(current_->id).arg(qs(me), qs(second->name)));
  current_.reset();
  refresh();
}

GalleryScreen::GalleryScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  auto* contest_label = new QLabel(Tr::tr("&Cuộc bầu:"), this);
  top->addWidget(contest_label);
  contest_ = new QComboBox(this);
  contest_label->setBuddy(contest_);  // without a buddy the label showed its "&" and Alt+C did nothing
  top->addWidget(contest_, 1);
  layout->addLayout(top);
  thresholds_ = new QLabel(this);
  thresholds_->setWordWrap(true);
  layout->addWidget(thresholds_);
  list_ = new QListView(this);
  list_->setModel(&model_);
  list_->setViewMode(QListView::IconMode);
  list_->setFlow(QListView::LeftToRight);
  list_->setWrapping(true);
  list_->setResizeMode(QListView::Adjust);
  list_->setUniformItemSizes(true);
  list_->setIconSize(QSize(320, 48));
  list_->setGridSize(QSize(340, 72));
  layout->addWidget(list_, 1);
  connect(contest_, &QComboBox::currentIndexChanged, this, &GalleryScreen::refresh);
  connect(&station_, &Station::database_changed, this, [this] {
    contest_->clear();
    refresh();
  });
  refresh();
}

void GalleryScreen::refresh() {
  auto* db = station_.db();
  if (db == nullptr) return;
  if (contest_->count() == 0) {
    const QSignalBlocker quiet(contest_);
    for (const auto& c : db->election().contests) contest_->addItem(qs(c.title), qs(c.id));
  }
  const std::string contest_id = us(contest_->currentData().toString());
  const auto* contest = db->election().find_contest(contest_id);
  if (contest == nullptr) return;
  const auto sheets = db->sheets();
  if (!sheets) return;
  model_.set_marks(db->election(), contest_id, *sheets, station_.layouts(), db->images_dir());
  const auto& t = db->election().thresholds;
  // The first round's form says how the marks were scored (a later round of a contest keeps it
  // unless its list leaves no surplus; the gallery is about where the thresholds fall, not the form).
  const auto layout = config::compute_layout(db->election(), *contest);
  const bool strike = !layout || layout->ballot == BallotForm::strike;
  // Opens where the marks stop being blank: the band the thresholds decide.
  const double low = strike ? t.kept_below : t.box_empty_below;
  for (int i = 0; i < model_.rowCount(); ++i) {
    if (model_.item(i).score >= low) {
      list_->scrollTo(model_.index(i), QAbstractItemView::PositionAtTop);
      break;
    }
  }
  thresholds_->setText(
      (strike ? Tr::tr("%1 dấu, điểm thấp nhất trước. Ngưỡng: dưới %2 là giữ tên, từ %3 là gạch tên, ở giữa là chưa rõ (Ban kiểm phiếu xem).")
                    .arg(model_.rowCount())
                    .arg(t.kept_below)
                    .arg(t.struck_at)
              : Tr::tr("%1 dấu, điểm thấp nhất trước. Ngưỡng mỗi ô: dưới %2 là ô trống, từ %3 là ô có đánh dấu, ở giữa là chưa rõ (Ban kiểm phiếu xem).")
                    .arg(model_.rowCount())
                    .arg(t.box_empty_below)
                    .arg(t.box_marked_at)));
}

}  // namespace kp::ui
