#pragma once
// Internal to the console: what its screens show, as Qt models and plain values, tested under
// QtTest (tests/ui_models_test.cpp). Nothing here draws.
#include <QAbstractListModel>
#include <QAbstractTableModel>
#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QPolygonF>
#include <QTransform>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/election.hpp"
#include "config/layout.hpp"
#include "station/scan_batch.hpp"
#include "tally/congress_db.hpp"

namespace kp::ui {

// A stored recognition line (cli-contract.md §4), as far as the console needs it.
struct StoredMark {
  std::string candidate_id;
  MarkState state = MarkState::unclear;
  double score = 0;
};

struct StoredReading {
  bool ok = false;
  std::string contest_id;
  Side side = Side::front;
  std::string layout_hash;
  std::int64_t serial = 0;
  std::vector<StoredMark> marks;
  std::vector<std::string> flags;
  std::vector<std::string> reasons;
  std::optional<std::array<QPointF, 4>> marks_px;  // top-left, top-right, bottom-right, bottom-left
};

std::optional<StoredReading> parse_stored_reading(const std::string& recognition_json);

// Every round's ballot layout of a congress, by contest and the layout hash in the ballot code,
// so a stored sheet's targets can be found in its image again.
class LayoutBook {
 public:
  void load(const config::Election& election, const std::vector<tally::RoundRow>& rounds);
  [[nodiscard]] const config::ContestLayout* find(const std::string& contest_id, const std::string& layout_hash) const;

 private:
  std::map<std::pair<std::string, std::string>, config::ContestLayout> layouts_;
};

// Where a read side's targets lie in its scanned image: the layout's millimetres mapped through
// the registration marks recognition found (the same projective map recognition used).
class SidePlacement {
 public:
  static std::optional<SidePlacement> of(const StoredReading& reading, const LayoutBook& book);
  // The target on the page in millimetres (both boxes of a box ballot), and its outline in image
  // pixels; nothing / empty when the side has no such candidate.
  [[nodiscard]] std::optional<RectMm> target_mm(const std::string& candidate_id) const;
  [[nodiscard]] QPolygonF target(const std::string& candidate_id) const;
  // The candidate's whole row on the page: the name and, on a box ballot, both boxes.
  [[nodiscard]] std::optional<RectMm> row_mm(const std::string& candidate_id) const;
  [[nodiscard]] const config::SideLayout& side() const { return *side_; }
  [[nodiscard]] const QTransform& mm_to_image() const { return mm_to_image_; }

 private:
  const config::SideLayout* side_ = nullptr;
  QTransform mm_to_image_;
};

// A candidate's name as printed, or the id when the contest has no such candidate.
QString candidate_name(const config::Election& election, const std::string& contest_id, const std::string& candidate_id);

// Plain words for what the program records as codes.
QString mark_state_text(MarkState state);
// The states a member may give a target of this form, in the order the choices are offered.
std::vector<MarkState> mark_choices(BallotForm form);
QString wait_reason_text(const tally::WaitReason& reason, const config::Election& election, const std::string& contest_id);
QString flag_text(const std::string& flag);

// The sheets waiting for the committee, oldest first.
class WaitingSheetsModel : public QAbstractTableModel {
 public:
  enum Column { sheet, contest, round, side, serial, reasons, column_count };
  using QAbstractTableModel::QAbstractTableModel;
  void set_sheets(const config::Election& election, const std::vector<tally::SheetRow>& sheets);
  [[nodiscard]] const tally::SheetRow* sheet_at(int row) const;
  [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
  [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<tally::SheetRow> rows_;
  std::vector<QString> reason_texts_;
  std::map<std::string, QString> contest_titles_;
};

// A target cut out of a scan upright, as printed: the page's millimetres `box_mm` mapped through
// `mm_to_image` (so skew and turn are undone by the same map that placed the target), drawn at
// `pixels_per_mm` on white.
QImage upright_crop(const QImage& scan, const QTransform& mm_to_image, const QRectF& box_mm, double pixels_per_mm);

// Every mark of one contest on the sheets read so far, weakest evidence first, so the committee
// sees where the thresholds fall among real marks. Images are cropped only when shown.
struct GalleryItem {
  std::int64_t sheet_id = 0;
  std::int64_t serial = 0;
  std::string candidate_id;
  QString name;
  MarkState state = MarkState::unclear;
  double score = 0;
  std::string image_path;
  QRectF box_mm;            // the target and a margin around it, on the page
  QTransform mm_to_image;   // the page's millimetres in the scanned image
};

class MarkGalleryModel : public QAbstractListModel {
 public:
  using QAbstractListModel::QAbstractListModel;
  void set_marks(const config::Election& election, const std::string& contest_id, const std::vector<tally::SheetRow>& sheets,
                 const LayoutBook& book, const std::string& images_dir);
  [[nodiscard]] const GalleryItem& item(int row) const { return items_.at(static_cast<std::size_t>(row)); }
  // The largest a tile's picture may be; the cut-outs are made again at the new size.
  void set_tile_size(QSize size);
  [[nodiscard]] QSize tile_size() const { return tile_; }
  // Without it (nobody of the committee signed in) the tiles say score, state and serial only:
  // no cut-out of a ballot is shown (Station::may_see_ballot_images).
  void set_images_shown(bool shown);
  [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
  [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;

 private:
  std::vector<GalleryItem> items_;
  QSize tile_{480, 72};
  bool images_shown_ = false;
  mutable QHash<int, QPixmap> crops_;
  mutable std::pair<std::string, QImage> last_image_;  // marks of one sheet are often shown together
};

// Follows `kiemphieu scan`'s output (one JSON object per line: a side, a fault, the batch summary).
// What a batch run as `kiemphieu scan` in a child process has done so far, from its output
// (read with the station's own codec, station/scan_batch.hpp).
struct ScanProgress {
  station::BatchTotals totals;     // ballots (papers) and sides as they came
  std::int64_t last_sheet_id = 0;  // the newest stored side
  QString last_fault;              // said in plain words, with what to do
  bool finished = false;
  QString end_reason;              // hopper_empty, cancelled, fault, device_lost…
  // True when the line was understood.
  bool feed_line(const std::string& line);
};

}  // namespace kp::ui
