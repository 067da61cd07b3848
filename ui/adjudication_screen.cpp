// The committee's work: the queue of waiting sheets with the image and evidence, rulings agreed
// by two members; and the gallery of every mark of a contest sorted by its score.
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

constexpr std::array kRulableFlags{SheetFlag::no_stamp, SheetFlag::write_in, SheetFlag::identifying_mark};

}  // namespace

AdjudicationScreen::AdjudicationScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  // The queue across the whole width on top (contest and reasons in full); below it the whole
  // sheet, and beside it the target being ruled on, large, above the table of targets and the
  // ruling. Laid out for 1280 × 900 and wider; the splitters give the room to what is needed.
  auto* layout = new QVBoxLayout(this);
  auto* rows = new QSplitter(Qt::Vertical, this);
  layout->addWidget(rows);
  queue_ = new QTableView(rows);
  queue_->setModel(&model_);
  queue_->setSelectionBehavior(QAbstractItemView::SelectRows);
  queue_->setSelectionMode(QAbstractItemView::SingleSelection);
  queue_->verticalHeader()->hide();
  queue_->setWordWrap(false);
  queue_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  queue_->horizontalHeader()->setSectionResizeMode(WaitingSheetsModel::reasons, QHeaderView::Stretch);
  auto* below = new QSplitter(Qt::Horizontal, rows);
  picture_ = new SheetPicture(station_, below);
  auto* work = new QWidget(below);
  auto* w = new QVBoxLayout(work);
  w->setContentsMargins(0, 0, 0, 0);
  close_up_ = new TargetCloseUp(work);
  w->addWidget(close_up_, 2);
  auto* ruling_row = new QHBoxLayout;
  targets_ = read_only_table({Tr::tr("Người ứng cử"), Tr::tr("Máy đọc"), Tr::tr("Điểm"), Tr::tr("Quyết định")}, 0, work);
  targets_->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Fixed);
  targets_->setColumnWidth(3, 150);
  ruling_row->addWidget(targets_, 3);
  auto* ruling = new QVBoxLayout;
  auto* findings = new QLabel(Tr::tr("Phát hiện trên tờ phiếu (làm phiếu không hợp lệ):"), work);
  findings->setWordWrap(true);
  ruling->addWidget(findings);
  for (const auto f : kRulableFlags) {
    auto* box = new QCheckBox(flag_text(std::string(to_string(f))), work);
    box->setProperty("flag", qs(std::string(to_string(f))));
    flags_ << box;
    ruling->addWidget(box);
  }
  auto* reason_label = new QLabel(Tr::tr("Lý &do (ghi vào biên bản):"), work);
  ruling->addWidget(reason_label);
  reason_ = new QLineEdit(work);
  reason_->setPlaceholderText(Tr::tr("Lý do quyết định (ghi vào biên bản)"));
  reason_label->setBuddy(reason_);
  ruling->addWidget(reason_);
  decide_ = new QPushButton(Tr::tr("&Ghi quyết định…"), work);
  set_aside_ = new QPushButton(Tr::tr("Để &riêng, không đếm…"), work);
  ruling->addWidget(decide_);
  ruling->addWidget(set_aside_);
  // A gray scan cannot show the red stamp: the committee looks at the paper stack and confirms
  // every such sheet at once (a sheet that waits for anything else is ruled on by itself).
  confirm_stamps_ = new QPushButton(work);
  ruling->addWidget(confirm_stamps_);
  message_ = new QLabel(work);
  message_->setWordWrap(true);
  message_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  ruling->addWidget(message_, 1);
  ruling_row->addLayout(ruling, 2);
  w->addLayout(ruling_row, 3);
  rows->setSizes({190, 690});
  below->setSizes({400, 860});
  connect(queue_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& now) { select(now.row()); });
  connect(targets_, &QTableWidget::currentCellChanged, this, [this](int row) { show_close_up(row); });
  connect(decide_, &QPushButton::clicked, this, [this] { rule(false); });
  connect(set_aside_, &QPushButton::clicked, this, [this] { rule(true); });
  connect(confirm_stamps_, &QPushButton::clicked, this, &AdjudicationScreen::confirm_stamps);
  connect(&station_, &Station::member_changed, this, [this] {
    refresh();
    // The sheet picture has followed the sign-in already (it is connected first); the close-up
    // is cut from its image, so it is shown or hidden with it.
    show_close_up(targets_->currentRow());
  });
  refresh();
}

void AdjudicationScreen::say(const QString& text, Tone tone) {
  // A recorded ruling in green, what is missing or refused in red: told apart at a glance.
  message_->setStyleSheet(tone == Tone::done      ? QStringLiteral("color: #1b5e20; font-weight: bold")
                          : tone == Tone::refused ? QStringLiteral("color: #b71c1c")
                                                  : QString());
  message_->setText(text);
}

void AdjudicationScreen::show_close_up(int target_row) {
  auto* db = station_.db();
  if (db == nullptr || !current_ || target_row < 0 || target_row >= targets_->rowCount()) {
    close_up_->clear_target();
    return;
  }
  const auto reading = parse_stored_reading(current_->recognition);
  const auto placement = reading ? SidePlacement::of(*reading, station_.layouts()) : std::nullopt;
  const std::string candidate = us(targets_->item(target_row, 0)->data(Qt::UserRole).toString());
  const auto target = placement ? placement->target_mm(candidate) : std::nullopt;
  const auto row = placement ? placement->row_mm(candidate) : std::nullopt;
  if (!target || !row || picture_->image().isNull()) {
    close_up_->clear_target();
    return;
  }
  close_up_->show_target(picture_->image(), placement->mm_to_image(), QRectF(target->x, target->y, target->w, target->h),
                         QRectF(row->x, row->y, row->w, row->h),
                         Tr::tr("%1 — máy đọc: %2 (điểm %3)")
                             .arg(targets_->item(target_row, 0)->text(), targets_->item(target_row, 1)->text(), targets_->item(target_row, 2)->text()));
}

void AdjudicationScreen::refresh() {
  auto* db = station_.db();
  const bool committee = station_.committee_signed_in();
  decide_->setEnabled(committee);
  set_aside_->setEnabled(committee);
  const QString sign_in_hint = Tr::tr("Cần một thành viên Ban kiểm phiếu đăng nhập để quyết định.");
  if (!committee) {
    say(sign_in_hint, Tone::hint);
  } else if (message_->text() == sign_in_hint) {
    message_->clear();  // signed in on this screen: the sheet shown stays, the hint goes
  }
  if (db == nullptr) return;
  const auto sheets = db->sheets();
  if (!sheets) return;
  stamp_only_.clear();
  for (const auto& s : *sheets) {
    if (tally::waits_only_for_the_stamp(s)) stamp_only_.push_back(s.id);
  }
  confirm_stamps_->setText(Tr::tr("Xác nhận dấu đỏ các tờ &quét xám (%1)…").arg(stamp_only_.size()));
  confirm_stamps_->setEnabled(committee && !stamp_only_.empty());
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
    close_up_->clear_target();
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
  picture_->show_sheet(*sheet);
  const auto reading = parse_stored_reading(sheet->recognition);
  const auto* layout = reading ? station_.layouts().find(reading->contest_id, reading->layout_hash) : nullptr;
  const BallotForm form = layout != nullptr ? layout->ballot : BallotForm::strike;
  targets_->setRowCount(0);
  int first_unclear = -1;
  if (reading) {
    for (const auto& m : reading->marks) {
      const int r = targets_->rowCount();
      targets_->insertRow(r);
      targets_->setItem(r, 0, new QTableWidgetItem(candidate_name(db->election(), sheet->contest_id, m.candidate_id)));
      targets_->item(r, 0)->setData(Qt::UserRole, qs(m.candidate_id));
      auto* read = new QTableWidgetItem(mark_state_text(m.state));
      if (m.state == MarkState::unclear) read->setBackground(QColor(0xff, 0xe0, 0x82));
      if (m.state == MarkState::unclear && first_unclear < 0) first_unclear = r;
      targets_->setItem(r, 1, read);
      targets_->setItem(r, 2, new QTableWidgetItem(QString::number(m.score, 'f', 2)));
      auto* choice = new QComboBox(targets_);
      if (m.state == MarkState::unclear) choice->addItem(Tr::tr("— chọn —"), QString());
      for (const auto s : mark_choices(form)) choice->addItem(mark_state_text(s), qs(std::string(to_string(s))));
      if (m.state != MarkState::unclear) choice->setCurrentIndex(choice->findData(qs(std::string(to_string(m.state)))));
      targets_->setCellWidget(r, 3, choice);
    }
  }
  for (auto* box : flags_) {
    const std::string flag = us(box->property("flag").toString());
    box->setChecked(reading && std::find(reading->flags.begin(), reading->flags.end(), flag) != reading->flags.end());
  }
  // The first unclear target is shown large at once: that is what the committee is to look at.
  if (first_unclear >= 0) {
    targets_->setCurrentCell(first_unclear, 0);
  } else {
    targets_->setCurrentCell(-1, -1);
    close_up_->clear_target();
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
    say(missing.join(QStringLiteral(" ")), Tone::refused);
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
  // A gray scan's stamp is seen only on the paper: counting it says the committee saw it there
  // (the record counts such ballots), so the second member is told so.
  const bool gray = tally::scanned_in_gray(*current_);
  bool no_stamp = false;
  for (auto* box : flags_) no_stamp = no_stamp || (box->isChecked() && box->property("flag").toString() == qs(std::string(to_string(SheetFlag::no_stamp))));
  if (!set_aside && gray && !no_stamp) what += QStringLiteral("\n") + Tr::tr("Ảnh quét xám: Ban kiểm phiếu đã xem dấu đỏ trên tờ giấy.");
  const auto second = second_member_agrees(station_, what, this);
  if (!second) return;
  const std::string me = station_.member()->name, reason = us(reason_->text().trimmed());
  const auto done = set_aside ? station::set_aside(*db, current_->id, reason, station_.credential(), *second)
                              : station::rule(*db, current_->id, marks, flags, reason, station_.credential(), *second);
  if (!done) {
    say(station_.said(done.error()), Tone::refused);
    return;
  }
  const QString recorded = set_aside ? Tr::tr("Đã để riêng tờ %1, không đếm (%2 và %3).").arg(current_->id).arg(qs(me), qs(second->name))
                                     : Tr::tr("Đã ghi quyết định về tờ %1 (%2 và %3).").arg(current_->id).arg(qs(me), qs(second->name));
  current_.reset();
  refresh();
  // Said after the next sheet is shown, so it stays until the committee moves on.
  say(recorded, Tone::done);
}

void AdjudicationScreen::confirm_stamps() {
  auto* db = station_.db();
  if (db == nullptr || stamp_only_.empty() || !station_.committee_signed_in()) return;
  // The sheets the dialog lists are the ones confirmed: the screen refreshes while it is open (a
  // batch may store more gray sides), and those were not shown to the second member.
  const std::vector<std::int64_t> listed = stamp_only_;
  QStringList ids;
  for (const auto id : listed) ids << QString::number(id);
  // A paper without its stamp is taken out of the batch by ruling on it first, on its own, with
  // "không có dấu đỏ": the dialog says so, beside the sheets it covers.
  const QString what = Tr::tr("Ban kiểm phiếu đã xem dấu đỏ trên giấy của %1 tờ quét xám, đếm như máy đã đọc: tờ %2")
                           .arg(listed.size())
                           .arg(ids.join(QStringLiteral(", "))) +
                       QStringLiteral("\n") + Tr::tr("Tờ nào không có dấu đỏ: hủy, rồi quyết định riêng tờ đó với “không có dấu đỏ”.");
  const auto second = second_member_agrees(station_, what, this);
  if (!second) return;
  const std::string me = station_.member()->name;
  const auto done = station::confirm_stamps(*db, listed, us(Tr::tr("Đã xem dấu đỏ trên tờ giấy (ảnh quét xám)")), station_.credential(), *second);
  if (!done) {
    refresh();  // what is waiting now (another station or the command line may have ruled meanwhile)
    say(station_.said(done.error()), Tone::refused);
    return;
  }
  current_.reset();
  refresh();
  say(Tr::tr("Đã xác nhận dấu đỏ của %1 tờ quét xám (%2 và %3).").arg(*done).arg(qs(me), qs(second->name)), Tone::done);
}

GalleryScreen::GalleryScreen(Station& station, QWidget* parent) : Screen(station, parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  auto* contest_label = new QLabel(Tr::tr("&Cuộc bầu:"), this);
  top->addWidget(contest_label);
  contest_ = new QComboBox(this);
  contest_label->setBuddy(contest_);  // without a buddy the label showed its "&" and Alt+C did nothing
  top->addWidget(contest_, 1);
  auto* size_label = new QLabel(Tr::tr("Cỡ ản&h:"), this);
  top->addWidget(size_label);
  tile_size_ = new QComboBox(this);
  size_label->setBuddy(tile_size_);
  top->addWidget(tile_size_);
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
  layout->addWidget(list_, 1);
  // Three sizes: the smallest shows a screenful of marks to compare, the largest a strike row at
  // about the scan's own resolution (200 dpi is 7.9 px/mm; a name row with its margin is ~85 mm).
  for (const auto& [label, size] : {std::pair{Tr::tr("nhỏ"), QSize(320, 48)}, std::pair{Tr::tr("vừa"), QSize(480, 72)},
                                    std::pair{Tr::tr("lớn"), QSize(680, 102)}}) {
    tile_size_->addItem(label, size);
  }
  tile_size_->setCurrentIndex(1);
  const auto apply_size = [this] {
    const QSize tile = tile_size_->currentData().toSize();
    model_.set_tile_size(tile);
    list_->setIconSize(tile);
    // Room under the picture for its line of text (score · state · serial).
    list_->setGridSize(tile + QSize(20, 24));
  };
  apply_size();
  connect(tile_size_, &QComboBox::currentIndexChanged, this, apply_size);
  // Double-click and Enter both activate (doubleClicked too would open it a second time).
  connect(list_, &QListView::activated, this, [this](const QModelIndex& index) { open_sheet(index.row()); });
  connect(contest_, &QComboBox::currentIndexChanged, this, &GalleryScreen::refresh);
  connect(&station_, &Station::member_changed, this, &GalleryScreen::refresh);
  connect(&station_, &Station::database_changed, this, [this] {
    contest_->clear();
    refresh();
  });
  refresh();
}

void GalleryScreen::open_sheet(int row) {
  auto* db = station_.db();
  if (db == nullptr || row < 0 || row >= model_.rowCount()) return;
  const auto sheets = db->sheets();
  if (!sheets) return;
  const auto& item = model_.item(row);
  const auto sheet = std::find_if(sheets->begin(), sheets->end(), [&](const tally::SheetRow& s) { return s.id == item.sheet_id; });
  if (sheet == sheets->end()) return;
  // The whole sheet the mark came from, with every target outlined: a mark is judged in context.
  QDialog view(this);
  view.setWindowTitle(Tr::tr("Tờ %1 — số phiếu %2").arg(item.sheet_id).arg(item.serial));
  auto* layout = new QVBoxLayout(&view);
  auto* caption = new QLabel(Tr::tr("%1: %2 (điểm %3)").arg(item.name, mark_state_text(item.state), QString::number(item.score, 'f', 2)), &view);
  layout->addWidget(caption);
  auto* picture = new SheetPicture(station_, &view);
  picture->show_sheet(*sheet);
  layout->addWidget(picture, 1);
  auto* close = new QPushButton(Tr::tr("Đóng"), &view);
  connect(close, &QPushButton::clicked, &view, &QDialog::accept);
  layout->addWidget(close, 0, Qt::AlignRight);
  view.resize(720, 940);
  view.exec();
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
  model_.set_images_shown(station_.may_see_ballot_images());
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
      // Once the view has laid its tiles out: scrolled before that, it stayed at the top.
      QTimer::singleShot(0, list_, [this, i] {
        if (i < model_.rowCount()) list_->scrollTo(model_.index(i), QAbstractItemView::PositionAtTop);
      });
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
