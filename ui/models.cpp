#include "ui/internal/models.hpp"

#include <QPainter>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/words.hpp"

#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

using Json = nlohmann::json;

QString contest_title(const config::Election& election, const std::string& contest_id) {
  const auto* c = election.find_contest(contest_id);
  return c != nullptr ? qs(c->title) : qs(contest_id);
}

}  // namespace

QString candidate_name(const config::Election& election, const std::string& contest_id, const std::string& candidate_id) {
  const auto* c = election.find_contest(contest_id);
  const auto* person = c != nullptr ? c->find_candidate(candidate_id) : nullptr;
  return person != nullptr ? qs(person->name) : qs(candidate_id);
}

std::optional<StoredReading> parse_stored_reading(const std::string& recognition_json) {
  const Json j = Json::parse(recognition_json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  StoredReading r;
  r.ok = j.value("status", "") == "ok";
  r.contest_id = j.value("contest_id", "");
  r.side = parse_side(j.value("side", "front")).value_or(Side::front);
  r.layout_hash = j.value("layout_hash", "");
  r.serial = j.value("serial", std::int64_t{0});
  for (const auto& m : j.value("marks", Json::array())) {
    r.marks.push_back({m.value("candidate_id", ""), parse_mark_state(m.value("state", "unclear")).value_or(MarkState::unclear), m.value("score", 0.0)});
  }
  for (const auto& f : j.value("flags", Json::array())) r.flags.push_back(f.get<std::string>());
  for (const auto& f : j.value("reasons", Json::array())) r.reasons.push_back(f.get<std::string>());
  if (j.contains("geometry") && j["geometry"].contains("marks_px") && j["geometry"]["marks_px"].size() == 4) {
    std::array<QPointF, 4> px{};
    for (std::size_t i = 0; i < 4; ++i) px[i] = QPointF(j["geometry"]["marks_px"][i][0].get<double>(), j["geometry"]["marks_px"][i][1].get<double>());
    r.marks_px = px;
  }
  return r;
}

void LayoutBook::load(const config::Election& election, const std::vector<tally::RoundRow>& rounds) {
  layouts_.clear();
  for (const auto& r : rounds) {
    auto layout = config::compute_layout(election, r.contest);
    if (layout) layouts_[{r.contest_id, r.layout_hash}] = std::move(*layout);
  }
}

const config::ContestLayout* LayoutBook::find(const std::string& contest_id, const std::string& layout_hash) const {
  const auto it = layouts_.find({contest_id, layout_hash});
  return it == layouts_.end() ? nullptr : &it->second;
}

std::optional<SidePlacement> SidePlacement::of(const StoredReading& reading, const LayoutBook& book) {
  if (!reading.ok || !reading.marks_px) return std::nullopt;
  const auto* layout = book.find(reading.contest_id, reading.layout_hash);
  const auto* side = layout != nullptr ? layout->find_side(reading.side) : nullptr;
  if (side == nullptr) return std::nullopt;
  // Layout marks are stored top-left, top-right, bottom-left, bottom-right; the found ones in
  // page order around the sheet (as recognition's own map takes them).
  const auto& lm = side->registration_marks;
  const auto at = [](const RectMm& r) { return QPointF(r.center().x, r.center().y); };
  const QPolygonF mm{QList<QPointF>{at(lm[0]), at(lm[1]), at(lm[3]), at(lm[2])}};
  const auto& f = *reading.marks_px;
  const QPolygonF px{QList<QPointF>{f[0], f[1], f[2], f[3]}};
  SidePlacement out;
  out.side_ = side;
  if (!QTransform::quadToQuad(mm, px, out.mm_to_image_)) return std::nullopt;
  return out;
}

std::optional<RectMm> SidePlacement::target_mm(const std::string& candidate_id) const {
  for (const auto& row : side_->rows) {
    if (row.candidate_id != candidate_id) continue;
    RectMm r = row.name_box;
    if (row.agree_box && row.disagree_box) {
      const double x0 = std::min(row.agree_box->x, row.disagree_box->x), y0 = std::min(row.agree_box->y, row.disagree_box->y);
      const double x1 = std::max(row.agree_box->right(), row.disagree_box->right()), y1 = std::max(row.agree_box->bottom(), row.disagree_box->bottom());
      r = {x0, y0, x1 - x0, y1 - y0};
    }
    return r;
  }
  return std::nullopt;
}

std::optional<RectMm> SidePlacement::row_mm(const std::string& candidate_id) const {
  auto r = target_mm(candidate_id);
  if (!r) return r;
  for (const auto& row : side_->rows) {
    if (row.candidate_id != candidate_id) continue;
    const double x0 = std::min(r->x, row.name_box.x), y0 = std::min(r->y, row.name_box.y);
    const double x1 = std::max(r->right(), row.name_box.right()), y1 = std::max(r->bottom(), row.name_box.bottom());
    r = RectMm{x0, y0, x1 - x0, y1 - y0};
  }
  return r;
}

QPolygonF SidePlacement::target(const std::string& candidate_id) const {
  const auto r = target_mm(candidate_id);
  return r ? mm_to_image_.map(QPolygonF(QRectF(r->x, r->y, r->w, r->h))) : QPolygonF();
}

QString mark_state_text(MarkState state) { return qs(words::say(state, ui_language())); }

std::vector<MarkState> mark_choices(BallotForm form) {
  if (form == BallotForm::strike) return {MarkState::kept, MarkState::struck};
  return {MarkState::agree, MarkState::disagree, MarkState::both, MarkState::none};
}

QString flag_text(const std::string& flag) { return qs(words::say(words::Kind::sheet_flag, flag, ui_language())); }

QString wait_reason_text(const tally::WaitReason& reason, const config::Election& election, const std::string& contest_id) {
  return qs(tally::say(reason, election, contest_id, ui_language()));
}

void WaitingSheetsModel::set_sheets(const config::Election& election, const std::vector<tally::SheetRow>& sheets) {
  beginResetModel();
  rows_.clear();
  reason_texts_.clear();
  contest_titles_.clear();
  for (const auto& s : sheets) {
    if (s.status != tally::SheetStatus::waiting) continue;
    QStringList said;
    for (const auto& r : s.wait_reasons) said << wait_reason_text(r, election, s.contest_id);
    reason_texts_.push_back(said.join("; "));
    contest_titles_[s.contest_id] = contest_title(election, s.contest_id);
    rows_.push_back(s);
  }
  endResetModel();
}

const tally::SheetRow* WaitingSheetsModel::sheet_at(int row) const {
  return row >= 0 && static_cast<std::size_t>(row) < rows_.size() ? &rows_[static_cast<std::size_t>(row)] : nullptr;
}

int WaitingSheetsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int WaitingSheetsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant WaitingSheetsModel::data(const QModelIndex& index, int role) const {
  const auto* s = sheet_at(index.row());
  if (s == nullptr) return {};
  // The reasons in full wherever the pointer rests: the column is often narrower than they are.
  if (role == Qt::ToolTipRole) return reason_texts_[static_cast<std::size_t>(index.row())];
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case sheet: return QVariant::fromValue(s->id);
    case contest: return contest_titles_.count(s->contest_id) ? contest_titles_.at(s->contest_id) : qs(s->contest_id);
    case round: return s->round;
    case side: return s->side == "back" ? Tr::tr("sau") : Tr::tr("trước");
    case serial: return QVariant::fromValue(s->serial);
    case reasons: return reason_texts_[static_cast<std::size_t>(index.row())];
    default: return {};
  }
}

QVariant WaitingSheetsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case sheet: return Tr::tr("Tờ");
    case contest: return Tr::tr("Cuộc bầu");
    case round: return Tr::tr("Lần");
    case side: return Tr::tr("Mặt");
    case serial: return Tr::tr("Số phiếu");
    case reasons: return Tr::tr("Vì sao chờ");
    default: return {};
  }
}

void MarkGalleryModel::set_marks(const config::Election& election, const std::string& contest_id, const std::vector<tally::SheetRow>& sheets,
                                 const LayoutBook& book, const std::string& images_dir) {
  beginResetModel();
  items_.clear();
  crops_.clear();
  last_image_ = {};
  for (const auto& s : sheets) {
    if (s.contest_id != contest_id || s.status == tally::SheetStatus::rejected) continue;
    const auto reading = parse_stored_reading(s.recognition);
    if (!reading) continue;
    const auto placement = SidePlacement::of(*reading, book);
    if (!placement) continue;
    for (const auto& m : reading->marks) {
      const auto box = placement->target_mm(m.candidate_id);
      if (!box) continue;
      // 1.5 mm around the target shows ink that strays out of it, without the next row.
      constexpr double kMarginMm = 1.5;
      GalleryItem item{s.id, s.serial, m.candidate_id, candidate_name(election, contest_id, m.candidate_id), m.state, m.score,
                       (std::filesystem::path(images_dir) / s.stored_file).string(),
                       QRectF(box->x, box->y, box->w, box->h).adjusted(-kMarginMm, -kMarginMm, kMarginMm, kMarginMm), placement->mm_to_image()};
      items_.push_back(std::move(item));
    }
  }
  // Weakest evidence first; equal scores in sheet then candidate order, so the order never
  // depends on anything but the data.
  std::sort(items_.begin(), items_.end(), [](const GalleryItem& a, const GalleryItem& b) {
    return std::tie(a.score, a.sheet_id, a.candidate_id) < std::tie(b.score, b.sheet_id, b.candidate_id);
  });
  endResetModel();
}

void MarkGalleryModel::set_tile_size(QSize size) {
  beginResetModel();
  tile_ = size;
  crops_.clear();
  endResetModel();
}

void MarkGalleryModel::set_images_shown(bool shown) {
  if (shown == images_shown_) return;
  beginResetModel();
  images_shown_ = shown;
  crops_.clear();
  last_image_ = {};
  endResetModel();
}

QImage upright_crop(const QImage& scan, const QTransform& mm_to_image, const QRectF& box_mm, double pixels_per_mm) {
  QImage crop(std::max(1, static_cast<int>(box_mm.width() * pixels_per_mm)), std::max(1, static_cast<int>(box_mm.height() * pixels_per_mm)),
              QImage::Format_RGB32);
  crop.fill(Qt::white);
  QPainter painter(&crop);
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  const QTransform page_to_crop = QTransform::fromTranslate(-box_mm.x(), -box_mm.y()) * QTransform::fromScale(pixels_per_mm, pixels_per_mm);
  painter.setTransform(mm_to_image.inverted() * page_to_crop);
  painter.drawImage(0, 0, scan);
  painter.end();
  return crop;
}

int MarkGalleryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(items_.size()); }

QVariant MarkGalleryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const GalleryItem& it = item(index.row());
  if (role == Qt::DisplayRole) {
    return QString("%1 · %2 · #%3").arg(QString::number(it.score, 'f', 2), mark_state_text(it.state)).arg(it.serial);
  }
  if (role == Qt::ToolTipRole) return Tr::tr("%1 — tờ %2").arg(it.name).arg(it.sheet_id);
  if (role == Qt::DecorationRole) {
    if (!images_shown_) return {};
    if (const auto cached = crops_.find(index.row()); cached != crops_.end()) return cached.value();
    if (last_image_.first != it.image_path) last_image_ = {it.image_path, QImage(qs(it.image_path))};
    // At most the tile's size, so a screen of marks can be compared at a glance.
    const double scale = std::min(tile_.width() / it.box_mm.width(), tile_.height() / it.box_mm.height());
    const QPixmap shown = QPixmap::fromImage(upright_crop(last_image_.second, it.mm_to_image, it.box_mm, scale));
    crops_.insert(index.row(), shown);
    return shown;
  }
  return {};
}

bool ScanProgress::feed_line(const std::string& line) {
  const auto event = station::parse_batch_event(line);
  if (!event) return false;
  station::accumulate(totals, *event);
  if (const auto* side = std::get_if<station::SideEvent>(&*event)) {
    last_sheet_id = side->sheet_id;
  } else if (const auto* fault = std::get_if<station::FaultEvent>(&*event)) {
    last_fault = qs(fault->message.vi.empty() ? fault->kind : fault->message.vi);
  } else if (const auto* problem = std::get_if<station::ProblemEvent>(&*event)) {
    last_fault = qs(problem->error.message.vi);
  } else if (const auto* end = std::get_if<station::BatchEndEvent>(&*event)) {
    finished = true;
    end_reason = qs(end->end);
    // The batch's own totals are the final word (a line may have been lost with a crash).
    totals = end->totals;
  }
  return true;
}

}  // namespace kp::ui
