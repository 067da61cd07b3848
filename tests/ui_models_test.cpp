// The console's models and view logic under QtTest: what the committee's queue, the gallery of
// marks and the scanning screen show, where a stored sheet's targets are found in its image,
// sign-in with a PIN, and the English translation. Run on a congress made by the program itself
// from the committed deck.
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QDir>
#include <QPdfDocument>
#include <QPlainTextEdit>
#include <QPrinter>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QPixmap>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/files.hpp"

#include "tally/congress_db.hpp"
#include "ui/internal/models.hpp"
#include "ui/internal/screens.hpp"
#include "ui/internal/station.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {

class UiModelsTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string db_path_;

  static int run(const std::string& command) { return std::system(command.c_str()); }
  static std::string quoted(const std::string& s) { return "'" + s + "'"; }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    db_path_ = us(dir_.filePath("dh.db"));
    const std::string cli = quoted(KP_CLI_PATH);
    QCOMPARE(run(cli + " init " + quoted(db_path_) + " " + quoted(KP_SOURCE_DIR "/sample_ballots/example-congress.toml") + " > /dev/null"), 0);
    std::string images;
    for (const auto& entry : std::filesystem::directory_iterator(KP_SOURCE_DIR "/sample_ballots/deck")) {
      if (entry.path().extension() != ".jsonl") images += " " + quoted(entry.path().string());
    }
    QCOMPARE(run(cli + " ingest " + quoted(db_path_) + images + " > /dev/null 2>&1"), 0);
    auto db = tally::CongressDb::open(db_path_);
    QVERIFY(db.has_value());
    QVERIFY(db->add_member("Nguyễn Văn An", tally::MemberRole::committee, "1234", "").has_value());
    QVERIFY(db->add_member("Trần Thị Bình", tally::MemberRole::committee, "5678", "Nguyễn Văn An").has_value());
    QVERIFY(db->add_member("Lê Văn Cường", tally::MemberRole::scanner_operator, "2468", "Nguyễn Văn An").has_value());
  }

  void waitingQueueListsExactlyTheWaitingSheets() {
    auto db = tally::CongressDb::open(db_path_);
    QVERIFY(db.has_value());
    const auto sheets = db->sheets();
    QVERIFY(sheets.has_value());
    WaitingSheetsModel model;
    model.set_sheets(db->election(), *sheets);
    int waiting = 0;
    for (const auto& s : *sheets) waiting += s.status == tally::SheetStatus::waiting ? 1 : 0;
    QVERIFY(waiting > 0);
    QCOMPARE(model.rowCount(), waiting);
    QCOMPARE(model.columnCount(), static_cast<int>(WaitingSheetsModel::column_count));
    QCOMPARE(model.headerData(WaitingSheetsModel::serial, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Số phiếu"));
    for (int r = 0; r < model.rowCount(); ++r) {
      const auto* s = model.sheet_at(r);
      QVERIFY(s != nullptr);
      QCOMPARE(s->status, tally::SheetStatus::waiting);
      QCOMPARE(model.index(r, WaitingSheetsModel::sheet).data().toLongLong(), s->id);
      QCOMPARE(model.index(r, WaitingSheetsModel::contest).data().toString(), qs(db->election().find_contest(s->contest_id)->title));
      // Every reason is said in words, none left as a code.
      const QString reasons = model.index(r, WaitingSheetsModel::reasons).data().toString();
      QVERIFY(!reasons.isEmpty());
      QVERIFY2(!reasons.contains("unclear:") && !reasons.contains("flag:"), qPrintable(reasons));
    }
    QVERIFY(model.sheet_at(model.rowCount()) == nullptr);
  }

  void aStoredSheetsTargetsAreFoundInItsImage() {
    auto db = tally::CongressDb::open(db_path_);
    QVERIFY(db.has_value());
    LayoutBook book;
    book.load(db->election(), *db->rounds());
    int placed = 0;
    const auto sheets = db->sheets();  // held: a range-for over *db->sheets() would read a destroyed temporary
    QVERIFY(sheets.has_value());
    for (const auto& s : *sheets) {
      const auto reading = parse_stored_reading(s.recognition);
      QVERIFY2(reading.has_value(), s.recognition.c_str());
      const auto placement = SidePlacement::of(*reading, book);
      QCOMPARE(placement.has_value(), reading->ok);
      if (!placement) continue;
      // The registration marks of the layout land exactly where recognition found them.
      const auto& lm = placement->side().registration_marks;
      const QPointF top_left = placement->mm_to_image().map(QPointF(lm[0].center().x, lm[0].center().y));
      QVERIFY(QLineF(top_left, (*reading->marks_px)[0]).length() < 0.01);
      const QImage image(qs(db->images_dir() + "/" + s.stored_file));
      for (const auto& m : reading->marks) {
        const QPolygonF outline = placement->target(m.candidate_id);
        QCOMPARE(outline.size(), 5);  // a closed quadrilateral
        QVERIFY(QRectF(image.rect()).contains(outline.boundingRect()));
        ++placed;
      }
      QVERIFY(placement->target("no-such-candidate").isEmpty());
    }
    QVERIFY(placed > 100);
  }

  void galleryShowsEveryMarkWeakestFirst() {
    auto db = tally::CongressDb::open(db_path_);
    QVERIFY(db.has_value());
    LayoutBook book;
    book.load(db->election(), *db->rounds());
    const std::string contest = db->election().contests.front().id;
    int expected = 0;
    const auto sheets = db->sheets();
    QVERIFY(sheets.has_value());
    for (const auto& s : *sheets) {
      if (s.contest_id != contest || s.status == tally::SheetStatus::rejected) continue;
      expected += static_cast<int>(parse_stored_reading(s.recognition)->marks.size());
    }
    MarkGalleryModel model;
    model.set_images_shown(true);
    model.set_marks(db->election(), contest, *sheets, book, db->images_dir());
    QCOMPARE(model.rowCount(), expected);
    for (int i = 1; i < model.rowCount(); ++i) QVERIFY(model.item(i - 1).score <= model.item(i).score);
    // Both ends of the scale are there on the committed deck: blank names and full strikes.
    QVERIFY(model.item(0).score < 0.08);
    QVERIFY(model.item(model.rowCount() - 1).score > 0.82);
    const QPixmap crop = model.data(model.index(model.rowCount() - 1), Qt::DecorationRole).value<QPixmap>();
    QVERIFY(!crop.isNull());
    // The crop fills the tile one way, at the chosen size: the committee can make them larger.
    const QSize tile = model.tile_size();
    QVERIFY(crop.width() == tile.width() || crop.height() == tile.height());
    model.set_tile_size(QSize(680, 102));
    const QPixmap large = model.data(model.index(model.rowCount() - 1), Qt::DecorationRole).value<QPixmap>();
    QVERIFY(large.width() == 680 || large.height() == 102);
    QVERIFY(large.width() > crop.width());
    QVERIFY(model.data(model.index(0), Qt::DisplayRole).toString().contains(" · "));
    // Nobody of the committee signed in: the tiles keep their words, and no cut-out of a ballot.
    model.set_images_shown(false);
    QVERIFY(model.data(model.index(model.rowCount() - 1), Qt::DecorationRole).isNull());
    QVERIFY(model.data(model.index(0), Qt::DisplayRole).toString().contains(" · "));
  }

  // The secrecy of the vote on the station's own screen: a ballot's image is shown to a signed-in
  // committee member only, not to an operator or to whoever stands at an unattended console, and
  // it goes again when the member signs out.
  void ballotImagesAreShownOnlyToASignedInCommitteeMember() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    const auto sheets = station.db()->sheets();
    QVERIFY(sheets.has_value() && !sheets->empty());
    const auto counted = std::find_if(sheets->begin(), sheets->end(), [](const tally::SheetRow& s) { return s.status == tally::SheetStatus::counted; });
    QVERIFY(counted != sheets->end());
    SheetPicture picture(station, nullptr);
    picture.show_sheet(*counted);
    const QString secrecy = "chỉ hiện khi một thành viên Ban kiểm phiếu đăng nhập";
    QVERIFY(picture.image().isNull());
    QVERIFY2(picture.banner().contains(secrecy), qPrintable(picture.banner()));
    QVERIFY(station.sign_in("Lê Văn Cường", "2468").has_value());  // an operator
    QVERIFY(picture.image().isNull());
    station.sign_out();
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    QVERIFY(!picture.image().isNull());  // shown again without being asked
    QVERIFY(!picture.banner().contains(secrecy));
    GalleryScreen gallery(station, nullptr);
    const auto* tiles = gallery.findChild<QListView*>()->model();
    QVERIFY(tiles->rowCount() > 0);
    QVERIFY(!tiles->data(tiles->index(tiles->rowCount() - 1, 0), Qt::DecorationRole).isNull());
    station.sign_out();
    QVERIFY(picture.image().isNull());
    QVERIFY(tiles->data(tiles->index(tiles->rowCount() - 1, 0), Qt::DecorationRole).isNull());
  }

  // A ballot that cannot be scanned, entered on the console: two fresh forms, a disagreement
  // shown and entered again, then the second member's PIN; counted and marked as entered by hand.
  void aBallotIsEnteredByHandTwiceOnTheConsole() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    ScanScreen screen(station, nullptr);
    QPushButton* by_hand = nullptr;
    for (auto* b : screen.findChildren<QPushButton*>()) {
      if (b->text().contains("Nhập t")) by_hand = b;
    }
    QVERIFY(by_hand != nullptr && by_hand->isEnabled());
    constexpr std::uint32_t kSerial = 987654;
    int forms = 0;
    QString warned, asked;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
      QWidget* modal = QApplication::activeModalWidget();
      if (auto* form = qobject_cast<HandEntryDialog*>(modal)) {
        ++forms;
        // The second form of the first try has another serial: the entries differ.
        form->fill(forms == 2 ? kSerial + 1 : kSerial, {}, "phiếu bị ướt");
        form->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
      } else if (auto* box = qobject_cast<QMessageBox*>(modal)) {
        warned = box->text();
        box->accept();
      } else if (auto* pin = qobject_cast<PinDialog*>(modal)) {
        for (auto* l : pin->findChildren<QLabel*>()) asked += l->text();
        pin->fill("Trần Thị Bình", "5678");
        pin->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        answer.stop();
      }
    });
    answer.start(50);
    by_hand->click();
    QCOMPARE(forms, 4);
    QVERIFY2(warned.contains("Hai lần nhập không khớp") && warned.contains(QString::number(kSerial + 1)), qPrintable(warned));
    QVERIFY2(asked.contains(QString("phiếu số %1 khớp nhau").arg(kSerial)), qPrintable(asked));
    const auto sheets = station.db()->sheets();
    const auto entered = std::find_if(sheets->begin(), sheets->end(), [&](const tally::SheetRow& s) { return s.serial == kSerial; });
    QVERIFY(entered != sheets->end());
    QCOMPARE(entered->status, tally::SheetStatus::counted);
    QVERIFY(tally::entered_by_hand(*entered));
    QVERIFY(std::none_of(sheets->begin(), sheets->end(), [&](const tally::SheetRow& s) { return s.serial == kSerial + 1; }));
    QVERIFY2(screen.shown_texts().join("\n").contains(QString("Đã nhập tay phiếu số %1").arg(kSerial)), qPrintable(screen.shown_texts().join("\n")));
    QVERIFY(station.db()->verify().empty());
    // The sheet's picture says what it is: there is no scan to show.
    SheetPicture picture(station, nullptr);
    picture.show_sheet(*entered);
    QVERIFY2(picture.banner().contains("Nhập tay"), qPrintable(picture.banner()));
    station.sign_out();
    QVERIFY(!by_hand->isEnabled());
  }

  void scanProgressFollowsTheScanOutput() {
    ScanProgress p;
    QVERIFY(p.feed_line(R"({"sheet":1,"side":"front","sheet_id":7,"duplicate":false,"round":1,"status":"counted","wait_reasons":[]})"));
    QVERIFY(p.feed_line(R"({"paper":1,"state":"counted","scan_to_stored_ms":20})"));
    QVERIFY(p.feed_line(R"({"sheet":2,"side":"front","sheet_id":8,"duplicate":false,"round":1,"status":"waiting","wait_reasons":["unclear:c03"]})"));
    QVERIFY(p.feed_line(R"({"sheet":2,"side":"back","sheet_id":9,"duplicate":false,"round":1,"status":"counted","wait_reasons":[]})"));
    QVERIFY(p.feed_line(R"({"paper":2,"state":"waiting","scan_to_stored_ms":20})"));
    QVERIFY(p.feed_line(R"({"sheet":3,"side":"front","sheet_id":8,"duplicate":true,"round":1,"status":"waiting","wait_reasons":[]})"));
    QVERIFY(p.feed_line(R"({"paper":3,"state":"already_stored","scan_to_stored_ms":20})"));
    QVERIFY(p.feed_line(R"({"fault":"paper_jam","sheet":4,"images_trusted":false,"message":"Giấy kẹt: lấy tờ số 4 ra","detail":""})"));
    QVERIFY(!p.feed_line("not json"));
    QVERIFY(!p.feed_line(R"({"sheet_id":3,"status":"eaten"})"));  // a state the station never writes
    QVERIFY(!p.finished);
    QCOMPARE(p.totals.papers, std::int64_t{3});
    QCOMPARE(p.totals.ballots_counted, std::int64_t{1});
    QCOMPARE(p.totals.ballots_waiting, std::int64_t{1});
    QCOMPARE(p.totals.papers_already_stored, std::int64_t{1});
    QCOMPARE(p.totals.sides_counted, std::int64_t{2});
    QCOMPARE(p.totals.sides_waiting, std::int64_t{1});
    QCOMPARE(p.totals.sides_already_stored, std::int64_t{1});
    QCOMPARE(p.totals.faults, std::int64_t{1});
    QCOMPARE(p.last_sheet_id, std::int64_t{8});
    QCOMPARE(p.last_fault, QString("Giấy kẹt: lấy tờ số 4 ra"));
    QCOMPARE(QString::fromStdString(station::batch_progress_text(p.totals, Lang::vi)),
             QString("Tờ phiếu đã quét 3, đã đếm 1, chờ Ban kiểm phiếu 1, đã có từ trước 1 (mặt giấy 4)"));
    // The batch's summary line, as `kiemphieu scan` writes it, is the final word.
    QVERIFY(p.feed_line(R"({"batch":1,"end":"fault","sheets":4,"ballots":{"counted":1,"waiting":1,"refused":0,"already_stored":1},"counted":2,"waiting":1,"rejected":0,"duplicates":1,"blank_backs":0,"faults":1,"problems":0,"longest_scan_to_stored_ms":20})"));
    QVERIFY(p.finished);
    QCOMPARE(p.end_reason, QString("fault"));
    QCOMPARE(p.totals.papers, std::int64_t{4});
  }

  void signInNeedsTheRightPinAndIsRecorded() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    const auto before = *station.db()->last_event();
    PinDialog dialog(station, PinDialog::Purpose::sign_in, "", nullptr);
    dialog.fill("Nguyễn Văn An", "9999");
    dialog.accept();  // QDialog::accept does not check; the OK button does:
    QVERIFY(!station.member().has_value());
    QVERIFY(!station.sign_in("Nguyễn Văn An", "9999").has_value());
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    QVERIFY(station.committee_signed_in());
    QCOMPARE(*station.db()->last_event(), before + 2);  // one refusal, one sign-in
    // The second member of a ruling is somebody else: the consent dialog does not offer An.
    PinDialog consent(station, PinDialog::Purpose::consent, "", nullptr);
    consent.fill("Nguyễn Văn An", "1234");
    QVERIFY(consent.member_name().empty());
    station.sign_out();
    QVERIFY(!station.anyone_signed_in());
    QCOMPARE(*station.db()->last_event(), before + 3);
  }

  void aRulingNeedsASecondMembersPin() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    AdjudicationScreen screen(station, nullptr);
    auto* queue = screen.findChild<QTableView*>();
    QVERIFY(queue != nullptr);
    const int waiting_before = queue->model()->rowCount();
    QVERIFY(waiting_before > 0);
    const std::int64_t sheet_id = queue->model()->index(0, WaitingSheetsModel::sheet).data().toLongLong();
    // The committee decides every unclear target and gives its reason.
    auto* targets = screen.findChild<QTableWidget*>();
    QVERIFY(targets != nullptr && targets->rowCount() > 0);
    for (int r = 0; r < targets->rowCount(); ++r) {
      auto* choice = qobject_cast<QComboBox*>(targets->cellWidget(r, 3));
      if (choice->currentData().toString().isEmpty()) choice->setCurrentIndex(1);
    }
    screen.findChild<QLineEdit*>()->setText("Nét gạch rõ khi xem bằng mắt");
    QPushButton* decide = nullptr;
    for (auto* b : screen.findChildren<QPushButton*>()) {
      if (b->text() == "&Ghi quyết định…") decide = b;
    }
    QVERIFY(decide != nullptr && decide->isEnabled());
    // The second member answers the PIN dialog: a wrong PIN first (the dialog stays and says
    // so), then the right one.
    int attempts = 0;
    QString said_after_wrong;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
      auto* dialog = qobject_cast<PinDialog*>(QApplication::activeModalWidget());
      if (dialog == nullptr) return;
      auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
      if (attempts++ == 0) {
        dialog->fill("Trần Thị Bình", "0000");
        ok->click();
        for (auto* l : dialog->findChildren<QLabel*>()) said_after_wrong += l->text();
      } else {
        dialog->fill("Trần Thị Bình", "5678");
        ok->click();
        answer.stop();
      }
    });
    answer.start(50);
    decide->click();
    QCOMPARE(attempts, 2);
    QVERIFY2(said_after_wrong.contains("Sai mã PIN của Trần Thị Bình"), qPrintable(said_after_wrong));
    const auto ruled = station.db()->sheet(sheet_id);
    QVERIFY(ruled.has_value());
    QVERIFY(ruled->status == tally::SheetStatus::counted || ruled->status == tally::SheetStatus::rejected);
    QCOMPARE(queue->model()->rowCount(), waiting_before - 1);
    QVERIFY(station.db()->verify().empty());
    station.sign_out();
  }

  // The waiting screen: the first unclear target of the sheet shown large, and the sheets that
  // wait only for their stamp (gray scans) confirmed at once with the second member's PIN.
  void grayScansAreConfirmedTogetherAndTheUnclearTargetIsShownLarge() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    AdjudicationScreen screen(station, nullptr);
    screen.resize(1280, 820);
    screen.show();
    QCoreApplication::processEvents();
    auto* close_up = screen.findChild<TargetCloseUp*>();
    QVERIFY(close_up != nullptr);
    // A sheet with an unclear target (the first in the queue may wait only for its stamp).
    auto* queue = screen.findChild<QTableView*>();
    int unclear_row = -1;
    for (int r = 0; r < queue->model()->rowCount() && unclear_row < 0; ++r) {
      if (queue->model()->index(r, WaitingSheetsModel::reasons).data().toString().contains("chưa rõ")) unclear_row = r;
    }
    QVERIFY(unclear_row >= 0);
    queue->selectRow(unclear_row);
    QCoreApplication::processEvents();
    auto* targets = screen.findChild<QTableWidget*>();
    QVERIFY(targets != nullptr && targets->currentRow() >= 0);
    QCOMPARE(targets->item(targets->currentRow(), 1)->text(), mark_state_text(MarkState::unclear));
    bool enlarged = false;
    for (auto* l : close_up->findChildren<QLabel*>()) {
      const QPixmap shown = l->pixmap();
      if (!shown.isNull() && shown.width() > 400) enlarged = true;
    }
    QVERIFY2(enlarged, "the unclear target is not shown large");

    auto stamp_only = [&] {
      int n = 0;
      const auto sheets = station.db()->sheets();
      for (const auto& s : *sheets) n += tally::waits_only_for_the_stamp(s) ? 1 : 0;
      return n;
    };
    const int gray = stamp_only();
    QVERIFY(gray > 0);  // the committed deck has gray scans with clear marks
    QPushButton* confirm = nullptr;
    for (auto* b : screen.findChildren<QPushButton*>()) {
      if (b->text().contains("quét xám")) confirm = b;
    }
    QVERIFY(confirm != nullptr && confirm->isEnabled());
    QVERIFY2(confirm->text().contains(QString("(%1)").arg(gray)), qPrintable(confirm->text()));
    QString asked;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
      auto* dialog = qobject_cast<PinDialog*>(QApplication::activeModalWidget());
      if (dialog == nullptr) return;
      for (auto* l : dialog->findChildren<QLabel*>()) asked += l->text();
      dialog->fill("Trần Thị Bình", "5678");
      dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
      answer.stop();
    });
    answer.start(50);
    const auto waiting_before = station.db()->count()->waiting;
    confirm->click();
    QVERIFY2(asked.contains(QString("%1 tờ quét xám").arg(gray)), qPrintable(asked));
    QCOMPARE(stamp_only(), 0);
    QVERIFY(!confirm->isEnabled());
    QVERIFY(station.db()->count()->waiting < waiting_before);
    QVERIFY(station.db()->verify().empty());
    QStringList said = screen.shown_texts();
    QVERIFY2(said.join("\n").contains(QString("Đã xác nhận dấu đỏ của %1 tờ quét xám").arg(gray)), qPrintable(said.join("\n")));
    station.sign_out();
  }

  // Signing in while the waiting screen is open takes the sign-in hint away.
  void theSignInHintGoesWhenAMemberSignsIn() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    AdjudicationScreen screen(station, nullptr);
    const QString hint = "Cần một thành viên Ban kiểm phiếu đăng nhập để quyết định.";
    QVERIFY(screen.shown_texts().contains(hint));
    QVERIFY(station.sign_in("Nguyễn Văn An", "1234").has_value());
    QVERIFY2(!screen.shown_texts().contains(hint), qPrintable(screen.shown_texts().join("\n")));
    station.sign_out();
    QVERIFY(screen.shown_texts().contains(hint));
  }

  void setUpShowsTheDefinitionsProblemsInPlaceAndCreatesACongress() {
    Station station(Lang::vi, nullptr);
    SetupScreen setup(station, nullptr);
    // A definition with a seat count past its list: refused, the message in place with its line.
    const QString broken = dir_.filePath("broken.toml");
    std::string text = read_file_bytes(KP_SOURCE_DIR "/sample_ballots/example-congress.toml");
    const auto seats = text.find("seats  = 9");
    QVERIFY(seats != std::string::npos);
    text.replace(seats, text.find('\n', seats) - seats, "seats = 900");
    {
      std::ofstream out(us(broken));
      out << text;
    }
    QVERIFY(!setup.check_definition(broken));
    auto* diagnostics = setup.findChild<QPlainTextEdit*>();
    QVERIFY(diagnostics != nullptr && diagnostics->isVisibleTo(&setup));
    QVERIFY2(diagnostics->toPlainText().contains("broken.toml:"), qPrintable(diagnostics->toPlainText()));
    QVERIFY(diagnostics->toPlainText().contains("lỗi"));
    // The example loads, and a congress is created from it and opened as the station's.
    QVERIFY(setup.check_definition(KP_SOURCE_DIR "/sample_ballots/example-congress.toml"));
    QVERIFY(diagnostics->toPlainText().startsWith("Tệp hợp lệ"));
    const std::string db = us(dir_.filePath("new.db"));
    QVERIFY(station.create(db, read_file_bytes(KP_SOURCE_DIR "/sample_ballots/example-congress.toml"), "example-congress.toml").has_value());
    QVERIFY(station.db() != nullptr);
    QCOMPARE(station.path(), db);
    setup.refresh();
    QVERIFY(setup.shown_texts().join('\n').contains(qs(station.db()->key_fingerprint())));
  }

  void theRecordIsPreviewedAndPrintedPageForPage() {
    Station station(Lang::vi, nullptr);
    QString error;
    QVERIFY(station.open(db_path_, &error));
    // The record as the program writes it, shown and printed by the record screen.
    const QString out = dir_.filePath("record");
    QCOMPARE(run(quoted(KP_CLI_PATH) + " report " + quoted(db_path_) + " --out " + quoted(us(out)) + " > /dev/null 2>&1"), 0);
    RecordScreen record(station, nullptr);
    record.show_documents(out);
    QPdfDocument written;
    written.load(QDir(out).filePath(QDir(out).entryList({"*.pdf"}, QDir::Files, QDir::Name).front()));
    QVERIFY(written.pageCount() > 0);
    QCOMPARE(record.pages_shown(), written.pageCount());
    QPrinter printer(QPrinter::HighResolution);
    printer.setOutputFormat(QPrinter::PdfFormat);
    const QString printed_file = dir_.filePath("printed.pdf");
    printer.setOutputFileName(printed_file);
    QCOMPARE(record.print_to(printer), written.pageCount());
    QPdfDocument printed;
    QCOMPARE(printed.load(printed_file), QPdfDocument::Error::None);
    QCOMPARE(printed.pageCount(), written.pageCount());
  }

  void englishComesFromTheTranslation() {
    QCOMPARE(mark_state_text(MarkState::struck), QString("gạch"));
    QTranslator english;
    QVERIFY(english.load(":/i18n/kiemphieu_en.qm"));
    QCoreApplication::installTranslator(&english);
    QCOMPARE(mark_state_text(MarkState::struck), QString("struck"));
    QCOMPARE(flag_text("write_in"), QString("a name written in"));
    WaitingSheetsModel model;
    QCOMPARE(model.headerData(WaitingSheetsModel::serial, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Serial"));
    QCoreApplication::removeTranslator(&english);
    QCOMPARE(mark_state_text(MarkState::struck), QString("gạch"));
  }
};

}  // namespace kp::ui

QTEST_MAIN(kp::ui::UiModelsTest)
#include "ui_models_test.moc"
