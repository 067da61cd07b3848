// The console's shared pieces: the PIN dialog and the sheet picture.
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/internal/screens.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {

PinDialog::PinDialog(Station& station, Purpose purpose, const QString& what, QWidget* parent)
    : QDialog(parent), station_(station), purpose_(purpose) {
  setWindowTitle(purpose == Purpose::sign_in ? Tr::tr("Đăng nhập") : Tr::tr("Thành viên thứ hai đồng ý"));
  auto* layout = new QVBoxLayout(this);
  auto* heading = new QLabel(what, this);
  heading->setWordWrap(true);
  layout->addWidget(heading);
  auto* form = new QFormLayout;
  name_ = new QComboBox(this);
  if (auto* db = station.db()) {
    if (const auto members = db->members()) {
      for (const auto& m : *members) {
        // The second member of a ruling is another committee member than the one signed in.
        if (purpose == Purpose::consent && (m.role != tally::MemberRole::committee || (station.member() && station.member()->name == m.name))) continue;
        name_->addItem(qs(m.name));
      }
    }
  }
  pin_ = new QLineEdit(this);
  pin_->setEchoMode(QLineEdit::Password);
  pin_->setInputMethodHints(Qt::ImhDigitsOnly);
  pin_->setMaxLength(12);
  form->addRow(Tr::tr("&Họ và tên"), name_);
  form->addRow(Tr::tr("&Mã PIN"), pin_);
  layout->addLayout(form);
  message_ = new QLabel(this);
  message_->setStyleSheet("color: #b71c1c");
  layout->addWidget(message_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(purpose == Purpose::sign_in ? Tr::tr("Đăng nhập") : Tr::tr("Đồng ý"));
  buttons->button(QDialogButtonBox::Cancel)->setText(Tr::tr("Hủy"));
  connect(buttons, &QDialogButtonBox::accepted, this, &PinDialog::try_accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  if (name_->count() == 0) {
    message_->setText(purpose == Purpose::sign_in ? Tr::tr("Chưa có thành viên nào: thêm ở màn hình Thiết lập.")
                                                  : Tr::tr("Không có thành viên Ban kiểm phiếu thứ hai."));
  }
  pin_->setFocus();
}

void PinDialog::fill(const QString& name, const QString& pin) {
  name_->setCurrentText(name);
  pin_->setText(pin);
}

void PinDialog::try_accept() {
  const std::string name = us(name_->currentText());
  const std::string pin = us(pin_->text());
  pin_->clear();
  Result<tally::MemberRow> checked = tl::unexpected(Error{"no_database", {"Chưa mở đại hội nào", "No congress is open"}, ""});
  if (purpose_ == Purpose::sign_in) {
    checked = station_.sign_in(name, pin);
  } else if (auto* db = station_.db()) {
    checked = db->authenticate(name, pin, "consent");
  }
  if (checked) {
    accepted_name_ = checked->name;
    accepted_pin_ = pin;
    accept();
    return;
  }
  // Five wrong PINs in a row and the dialog waits 30 s: enough to stop guessing at a keypad,
  // short enough not to hold up a count when someone mistypes.
  message_->setText(station_.said(checked.error()));
  if (++refused_ % 5 == 0) {
    setEnabled(false);
    message_->setText(Tr::tr("Sai mã PIN quá nhiều lần: chờ 30 giây."));
    QTimer::singleShot(30000, this, [this] {
      setEnabled(true);
      message_->clear();
    });
  }
}

QTableWidget* read_only_table(const QStringList& headers, int stretch_column, QWidget* parent) {
  auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
  t->setHorizontalHeaderLabels(headers);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  t->horizontalHeader()->setSectionResizeMode(stretch_column, QHeaderView::Stretch);
  t->verticalHeader()->hide();
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  return t;
}

std::optional<station::Credential> second_member_agrees(Station& station, const QString& what, QWidget* parent) {
  PinDialog dialog(station, PinDialog::Purpose::consent, what, parent);
  if (dialog.exec() != QDialog::Accepted) return std::nullopt;
  return dialog.credential();
}

SheetPicture::SheetPicture(const Station& station, QWidget* parent) : QWidget(parent), station_(station) {
  setMinimumSize(300, 400);
  connect(&station_, &Station::member_changed, this, [this] {
    if (sheet_) show_sheet(tally::SheetRow(*sheet_));
  });
}

void SheetPicture::clear_sheet() {
  sheet_.reset();
  image_ = {};
  outlines_.clear();
  banner_.clear();
  update();
}

void SheetPicture::show_sheet(const tally::SheetRow& sheet) {
  sheet_ = sheet;
  image_ = {};
  outlines_.clear();
  banner_.clear();
  const auto* db = station_.db();
  if (db == nullptr) return update();
  const LayoutBook& book = station_.layouts();
  const std::string image_path = db->images_dir() + "/" + sheet.stored_file;
  const bool allowed = station_.may_see_ballot_images();
  if (allowed && !tally::entered_by_hand(sheet)) image_ = QImage(qs(image_path));
  const auto reading = parse_stored_reading(sheet.recognition);
  QString said;  // what the reading says of the side: why it was not read, or its flags
  if (reading && !reading->ok) {
    QStringList reasons;
    for (const auto& r : reading->reasons) reasons << qs(r);
    said = Tr::tr("Không đọc được: %1").arg(reasons.join(", "));
  }
  if (reading) {
    if (const auto placement = SidePlacement::of(*reading, book)) {
      for (const auto& m : reading->marks) outlines_.push_back({placement->target(m.candidate_id), m.state});
    }
    QStringList flags;
    for (const auto& f : reading->flags) flags << flag_text(f);
    if (!flags.isEmpty()) said = flags.join(" · ");
  }
  if (!allowed) {
    banner_ = Tr::tr("Ảnh phiếu chỉ hiện khi một thành viên Ban kiểm phiếu đăng nhập (giữ bí mật phiếu bầu)");
    if (!said.isEmpty()) banner_ += "\n" + said;
  } else if (tally::entered_by_hand(sheet)) {
    banner_ = Tr::tr("Nhập tay: lá phiếu không quét được, hai thành viên Ban kiểm phiếu nhập độc lập và khớp nhau (không có ảnh quét)");
  } else if (image_.isNull() && said.isEmpty()) {
    banner_ = Tr::tr("Không mở được ảnh %1").arg(qs(image_path));
  } else {
    banner_ = said;
  }
  update();
}

void SheetPicture::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(0x37, 0x47, 0x4f));
  if (image_.isNull()) {
    p.setPen(Qt::white);
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, banner_.isEmpty() ? Tr::tr("Chưa có ảnh") : banner_);
    return;
  }
  const QSizeF fitted = QSizeF(image_.size()).scaled(QSizeF(size()), Qt::KeepAspectRatio);
  const QRectF target((width() - fitted.width()) / 2, (height() - fitted.height()) / 2, fitted.width(), fitted.height());
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  p.drawImage(target, image_);
  const double scale = fitted.width() / image_.width();
  QTransform to_widget;
  to_widget.translate(target.left(), target.top());
  to_widget.scale(scale, scale);
  p.setRenderHint(QPainter::Antialiasing);
  for (const auto& o : outlines_) {
    // Unclear in amber and thick: that is where the committee looks. Struck/disagree in red,
    // kept/agree in green, the rest in blue.
    QColor colour(0x15, 0x65, 0xc0);
    if (o.state == MarkState::unclear) colour = QColor(0xff, 0x8f, 0x00);
    if (o.state == MarkState::struck || o.state == MarkState::disagree) colour = QColor(0xc6, 0x28, 0x28);
    if (o.state == MarkState::kept || o.state == MarkState::agree) colour = QColor(0x2e, 0x7d, 0x32);
    p.setPen(QPen(colour, o.state == MarkState::unclear ? 4 : 2));
    p.drawPolygon(to_widget.map(o.polygon));
  }
  if (!banner_.isEmpty()) {
    QFont f = p.font();
    f.setBold(true);
    p.setFont(f);
    const QRect band(0, 0, width(), 28);
    p.fillRect(band, QColor(0xff, 0xc1, 0x07));
    p.setPen(Qt::black);
    p.drawText(band, Qt::AlignCenter, banner_);
  }
}

namespace {
// Around the row: 4 mm above and below is about half of each neighbouring row (rows are 6.5 to
// 9 mm), so a strike that strays into the next name is seen as such; 3 mm at the sides shows a
// stroke that overshoots the row's ends.
constexpr double kCloseUpMarginYMm = 4.0;
constexpr double kCloseUpMarginXMm = 3.0;
// The zoom slider in tenths: 1× fits the room the close-up has, 4× shows a pencil line several
// pixels wide even on a 1280-wide screen.
constexpr int kZoomMinTenths = 10;
constexpr int kZoomMaxTenths = 40;
}  // namespace

TargetCloseUp::TargetCloseUp(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* top = new QHBoxLayout;
  caption_ = new QLabel(this);
  caption_->setWordWrap(true);
  QFont bold = caption_->font();
  bold.setBold(true);
  caption_->setFont(bold);
  top->addWidget(caption_, 1);
  auto* zoom_label = new QLabel(Tr::tr("&Phóng to:"), this);
  top->addWidget(zoom_label);
  zoom_ = new QSlider(Qt::Horizontal, this);
  zoom_->setRange(kZoomMinTenths, kZoomMaxTenths);
  zoom_->setSingleStep(5);
  zoom_->setPageStep(10);
  zoom_->setFixedWidth(140);
  zoom_label->setBuddy(zoom_);
  top->addWidget(zoom_);
  layout->addLayout(top);
  area_ = new QScrollArea(this);
  area_->setAlignment(Qt::AlignCenter);
  area_->setBackgroundRole(QPalette::Dark);
  picture_ = new QLabel(area_);
  area_->setWidget(picture_);
  area_->setWidgetResizable(false);
  layout->addWidget(area_, 1);
  connect(zoom_, &QSlider::valueChanged, this, [this] { render(); });
  clear_target();
}

double TargetCloseUp::zoom() const { return zoom_->value() / 10.0; }

void TargetCloseUp::show_target(const QImage& scan, const QTransform& mm_to_image, const QRectF& target_mm, const QRectF& row_mm,
                                const QString& caption) {
  scan_ = scan;
  mm_to_image_ = mm_to_image;
  target_mm_ = target_mm;
  shown_mm_ = row_mm.united(target_mm).adjusted(-kCloseUpMarginXMm, -kCloseUpMarginYMm, kCloseUpMarginXMm, kCloseUpMarginYMm);
  caption_->setText(caption);
  // Once the layout has settled: a caption that wraps onto another line shrinks the room.
  QTimer::singleShot(0, this, [this] { render(); });
  render();
}

void TargetCloseUp::clear_target() {
  scan_ = {};
  caption_->setText(Tr::tr("Chọn một người ứng cử trong bảng để xem phóng to."));
  picture_->clear();
  picture_->resize(0, 0);
}

void TargetCloseUp::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  render();
}

void TargetCloseUp::render() {
  if (scan_.isNull() || shown_mm_.isEmpty()) return;
  // The room with no scroll bars shown: the same fit whether the last crop needed them or not.
  const QSize room = area_->maximumViewportSize();
  const double fit = std::min(room.width() / shown_mm_.width(), room.height() / shown_mm_.height());
  const double pixels_per_mm = std::max(1.0, fit * zoom());
  QImage crop = upright_crop(scan_, mm_to_image_, shown_mm_, pixels_per_mm);
  {
    QPainter p(&crop);
    p.setPen(QPen(QColor(0xff, 0x8f, 0x00), 2));
    p.drawRect(QRectF((target_mm_.x() - shown_mm_.x()) * pixels_per_mm, (target_mm_.y() - shown_mm_.y()) * pixels_per_mm,
                      target_mm_.width() * pixels_per_mm, target_mm_.height() * pixels_per_mm));
  }
  picture_->setPixmap(QPixmap::fromImage(crop));
  picture_->resize(crop.size());
}

QStringList Screen::shown_texts() const {
  QStringList out;
  for (const auto* l : findChildren<QLabel*>()) {
    if (l->isVisibleTo(this) && !l->text().isEmpty()) out << l->text();
  }
  for (const auto* b : findChildren<QAbstractButton*>()) {
    if (b->isVisibleTo(this)) out << b->text();
  }
  for (const auto* view : findChildren<QAbstractItemView*>()) {
    const auto* model = view->model();
    if (model == nullptr || !view->isVisibleTo(this)) continue;
    for (int c = 0; c < model->columnCount(); ++c) out << model->headerData(c, Qt::Horizontal).toString();
    for (int r = 0; r < model->rowCount(); ++r) {
      for (int c = 0; c < model->columnCount(); ++c) out << model->index(r, c).data().toString();
    }
  }
  for (const auto* box : findChildren<QComboBox*>()) {
    if (box->isVisibleTo(this)) out << box->currentText();
  }
  for (const auto* edit : findChildren<QLineEdit*>()) {
    if (edit->isVisibleTo(this) && edit->echoMode() == QLineEdit::Normal && !edit->text().isEmpty()) out << edit->text();
  }
  return out;
}

}  // namespace kp::ui
