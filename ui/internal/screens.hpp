#pragma once
// Internal to the console: its screens. Each works on the shared Station; what they show is
// worked out in models.hpp (tested under QtTest) and every text goes through Tr::tr.
#include <QDialog>
#include <QImage>
#include <QProcess>
#include <QWidget>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ui/internal/models.hpp"
#include "station/hand_entry.hpp"
#include "ui/internal/station.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPrinter;
class QProgressBar;
class QTemporaryDir;
class QPushButton;
class QScrollArea;
class QSlider;
class QSpinBox;
class QTableView;
class QTableWidget;
class QVBoxLayout;

namespace kp::ui {

// A member's name and PIN. For sign-in, and for the second committee member who agrees to a
// ruling or a round's close (then the PIN is only checked, and the name returned).
class PinDialog : public QDialog {
  Q_OBJECT

 public:
  enum class Purpose { sign_in, consent };
  PinDialog(Station& station, Purpose purpose, const QString& what, QWidget* parent);
  [[nodiscard]] std::string member_name() const { return accepted_name_; }
  [[nodiscard]] station::Credential credential() const { return {accepted_name_, accepted_pin_}; }
  // For tests and the screenshots: fill in without typing.
  void fill(const QString& name, const QString& pin);

 private:
  void try_accept();

  Station& station_;
  Purpose purpose_;
  QComboBox* name_ = nullptr;
  QLineEdit* pin_ = nullptr;
  QLabel* message_ = nullptr;
  std::string accepted_name_;
  std::string accepted_pin_;
  int refused_ = 0;
};

// One member's entry of a ballot that cannot be scanned, as the paper reads: the serial and,
// for each name of the open round, its state (on a strike ballot every name starts kept: one
// key per struck name, Space on its box). Made anew for each entry, so the second member never
// sees the first's. With `contest_id` empty the member chooses the contest and gives the reason.
class HandEntryDialog : public QDialog {
  Q_OBJECT

 public:
  HandEntryDialog(Station& station, const std::string& contest_id, const QString& who, QWidget* parent);
  [[nodiscard]] std::string contest_id() const;
  [[nodiscard]] station::HandEntry entry() const;
  [[nodiscard]] std::string reason() const;
  // For tests and the screenshots: fill in without typing.
  void fill(std::uint32_t serial, const std::map<std::string, MarkState>& marks, const QString& reason = {});

 private:
  void show_names();

  Station& station_;
  QComboBox* contest_ = nullptr;
  QLineEdit* serial_ = nullptr;
  QLineEdit* reason_ = nullptr;
  QTableWidget* names_ = nullptr;
  QLabel* message_ = nullptr;
  BallotForm form_ = BallotForm::strike;
};

// A table the screen fills and the user only reads and selects rows of: no row numbers, every
// column as wide as its contents but `stretch_column`, which takes the room left.
QTableWidget* read_only_table(const QStringList& headers, int stretch_column, QWidget* parent);

// Asks a second committee member (not the one signed in) to agree; their name, or nothing.
// The second committee member's consent, with their PIN: the station layer checks it again
// (and logs a wrong one) when the action is recorded.
std::optional<station::Credential> second_member_agrees(Station& station, const QString& what, QWidget* parent);

// A stored side with what recognition read drawn over it: each target outlined in the colour of
// its state (unclear in amber, thick), and the sheet's findings or refusal in a band on top.
class SheetPicture : public QWidget {
 public:
  // Follows who is signed in: the image is shown only while the station allows it
  // (Station::may_see_ballot_images), and is shown or hidden again when someone signs in or out.
  SheetPicture(const Station& station, QWidget* parent);
  // The sheet's stored image and its stored reading, placed with the layout of its round.
  void show_sheet(const tally::SheetRow& sheet);
  void clear_sheet();
  [[nodiscard]] const QImage& image() const { return image_; }
  [[nodiscard]] QSize sizeHint() const override { return {520, 700}; }
  // What is written in place of the image (why there is none, or the sheet's flags).
  [[nodiscard]] const QString& banner() const { return banner_; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  const Station& station_;
  std::optional<tally::SheetRow> sheet_;
  QImage image_;
  struct Outline {
    QPolygonF polygon;
    MarkState state;
  };
  std::vector<Outline> outlines_;
  QString banner_;
};

// The target the committee rules on, cut out upright and large beside the whole sheet: with the
// rows above and below it, its outline in amber, and a zoom from the room it has (1×) to 4×.
class TargetCloseUp : public QWidget {
 public:
  explicit TargetCloseUp(QWidget* parent);
  // `target_mm` is outlined; `shown_mm` (the target's whole row) is what is cut out, with a margin.
  void show_target(const QImage& scan, const QTransform& mm_to_image, const QRectF& target_mm, const QRectF& row_mm, const QString& caption);
  void clear_target();
  [[nodiscard]] double zoom() const;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void render();

  QLabel* caption_ = nullptr;
  QSlider* zoom_ = nullptr;
  QScrollArea* area_ = nullptr;
  QLabel* picture_ = nullptr;
  QImage scan_;
  QTransform mm_to_image_;
  QRectF target_mm_;
  QRectF shown_mm_;
};

class Screen : public QWidget {
 public:
  Screen(Station& station, QWidget* parent) : QWidget(parent), station_(station) {}
  virtual void refresh() = 0;
  [[nodiscard]] QStringList shown_texts() const;  // every text on the screen, for tests

 protected:
  Station& station_;
};

// Open or create a congress, members, ballots issued, printing, rounds.
class SetupScreen : public Screen {
  Q_OBJECT

 public:
  SetupScreen(Station& station, QWidget* parent);
  void refresh() override;
  // Loads a definition and shows its validation messages in place; true when it loads.
  bool check_definition(const QString& path);

 private:
  void create_congress();
  void open_congress();
  void add_member();
  void enter_issued();
  void print_ballots();
  void close_round();
  void open_round();
  [[nodiscard]] std::string selected_contest() const;

  QLineEdit* definition_ = nullptr;
  QPlainTextEdit* diagnostics_ = nullptr;
  QLabel* congress_ = nullptr;
  QTableWidget* members_ = nullptr;
  QTableWidget* rounds_ = nullptr;
  QSpinBox* issued_ = nullptr;
  QLabel* message_ = nullptr;
  QList<QPushButton*> committee_actions_;
};

// Choose a scanner, run a batch, follow it live.
class ScanScreen : public Screen {
  Q_OBJECT

 public:
  ScanScreen(Station& station, QWidget* parent);
  ~ScanScreen() override;
  ScanScreen(const ScanScreen&) = delete;
  ScanScreen& operator=(const ScanScreen&) = delete;
  void refresh() override;
  // `faults`: for the simulated scanner, a fault script (training: "jam@5,double_feed@12").
  void start(const QString& source, const QString& faults = {});
  void stop();
  // Selects a scanner by its source (sim:DIR, folder:DIR, sane:…, escl:…, usb:…) without starting.
  void choose(const QString& source);
  [[nodiscard]] bool running() const;
  [[nodiscard]] const ScanProgress& progress() const { return progress_; }
  void show_progress();

 private:
  void find_devices();
  void read_output();
  void show_last_sheet();
  // A ballot entered by hand: two members' entries, compared, then stored with the second's PIN.
  void enter_by_hand();

  QComboBox* source_ = nullptr;
  QLineEdit* folder_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* by_hand_ = nullptr;
  QLabel* counters_ = nullptr;
  QLabel* fault_ = nullptr;
  QLabel* state_ = nullptr;
  SheetPicture* picture_ = nullptr;
  QProcess* process_ = nullptr;
  QByteArray pending_;
  QByteArray errors_;  // the scan's standard error: its last line says why it could not run
  ScanProgress progress_;
};

// The sheets waiting for the committee: the image with the unclear targets highlighted, the
// evidence, and the ruling with its reason, agreed by two members.
class AdjudicationScreen : public Screen {
  Q_OBJECT

 public:
  AdjudicationScreen(Station& station, QWidget* parent);
  void refresh() override;
  void select(int row);

 private:
  void rule(bool set_aside);

  void show_close_up(int target_row);
  void confirm_stamps();
  enum class Tone { hint, done, refused };
  void say(const QString& text, Tone tone);

  WaitingSheetsModel model_;
  QTableView* queue_ = nullptr;
  SheetPicture* picture_ = nullptr;
  TargetCloseUp* close_up_ = nullptr;
  QTableWidget* targets_ = nullptr;
  QList<QCheckBox*> flags_;
  QLineEdit* reason_ = nullptr;
  QLabel* message_ = nullptr;
  QPushButton* decide_ = nullptr;
  QPushButton* set_aside_ = nullptr;
  QPushButton* confirm_stamps_ = nullptr;
  std::vector<std::int64_t> stamp_only_;  // the sheets waiting only for their stamp to be seen
  std::optional<tally::SheetRow> current_;
};

// Every mark of a contest, weakest evidence first, with where the thresholds fall.
class GalleryScreen : public Screen {
  Q_OBJECT

 public:
  GalleryScreen(Station& station, QWidget* parent);
  void refresh() override;
  [[nodiscard]] const MarkGalleryModel& model() const { return model_; }

 private:
  void open_sheet(int row);

  QComboBox* contest_ = nullptr;
  QComboBox* tile_size_ = nullptr;
  QLabel* thresholds_ = nullptr;
  QListView* list_ = nullptr;
  MarkGalleryModel model_;
};

// Verify the log; replay every stored scan with a progress bar; each difference with its image.
class AuditScreen : public Screen {
  Q_OBJECT

 public:
  AuditScreen(Station& station, QWidget* parent);
  void refresh() override;
  void verify();
  void replay();
  [[nodiscard]] bool busy() const;

 private:
  void run(const QStringList& command, bool replaying);

  QLabel* summary_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QTableWidget* problems_ = nullptr;
  SheetPicture* picture_ = nullptr;
  QPushButton* verify_ = nullptr;
  QPushButton* replay_ = nullptr;
  QProcess* process_ = nullptr;
  QByteArray out_, err_;
  int differences_ = 0;
};

// The counting record: written by the program's `report`, previewed page by page, printed, saved.
class RecordScreen : public Screen {
  Q_OBJECT

 public:
  RecordScreen(Station& station, QWidget* parent);
  ~RecordScreen() override;
  RecordScreen(const RecordScreen&) = delete;
  RecordScreen& operator=(const RecordScreen&) = delete;
  void refresh() override;
  void write_record();
  // Lists the records written into `dir` and shows the first.
  void show_documents(const QString& dir);
  // Prints the record shown on `printer`, page for page; the number of pages printed.
  int print_to(QPrinter& printer);
  [[nodiscard]] int pages_shown() const { return pages_shown_; }
  [[nodiscard]] bool busy() const;

 private:
  void show_pdf(const QString& pdf);
  void print();
  void save();
  [[nodiscard]] QString current_document() const;
  [[nodiscard]] QString record_title(const QString& pdf) const;

  QComboBox* documents_ = nullptr;
  QScrollArea* preview_ = nullptr;
  QLabel* message_ = nullptr;
  QPushButton* print_ = nullptr;
  QPushButton* save_ = nullptr;
  QProcess* process_ = nullptr;
  QString out_dir_;  // where the console's own `report` writes: DB.records/<UTC time>, kept
  QString documents_dir_;                    // the records shown
  int pages_shown_ = 0;
};

}  // namespace kp::ui
