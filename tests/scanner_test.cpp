// The scanner layer against real peers: the simulated scanner with its fault script, folder
// import with files written the way capture software writes them, libsane with the `test`
// backend in a private SANE_CONFIG_DIR, saned on loopback killed in the middle of a page, and
// `kiemphieu scan` end to end into a congress database.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "scanner/scanner.hpp"
#include "tally/congress_db.hpp"
#include "scanner_support.hpp"
#include "test_support.hpp"


namespace kp::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string deck() { return test::source_path("sample_ballots/deck"); }

using test::drain;
using test::only;

SourceOptions fast(const std::string& faults = "") {
  SourceOptions o;
  o.simulated.images_per_minute = 60000;
  o.simulated.fault_script = faults;
  o.sane_worker = KP_CLI_PATH;
  return o;
}

TEST(SimulatedScanner, FeedsTheFolderInOrderToTheEnd) {
  auto s = open_source("sim:" + deck(), fast());
  ASSERT_TRUE(s.has_value());
  const auto events = drain(**s);
  const auto sheets = only<Sheet>(events);
  ASSERT_EQ(sheets.size(), 40u);
  EXPECT_EQ(sheets.front().number, 1);
  EXPECT_THAT(sheets.front().front.origin, HasSubstr("0001-front"));
  EXPECT_EQ(sheets.front().front.bytes, test::read_file(sheets.front().front.origin));
  EXPECT_THAT(sheets.back().front.origin, HasSubstr("0040-front"));
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
  EXPECT_THAT((*s)->device().identity(), HasSubstr("simulated scanner"));
}

TEST(SimulatedScanner, AJamStopsTheBatchAndNamesTheSheet) {
  auto s = open_source("sim:" + deck(), fast("jam@3"));
  ASSERT_TRUE(s.has_value());
  const auto events = drain(**s);
  EXPECT_EQ(only<Sheet>(events).size(), 2u);  // sheet 3 is not delivered at all
  const auto faults = only<Fault>(events);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, FaultKind::paper_jam);
  EXPECT_EQ(faults[0].sheet, 3);
  EXPECT_FALSE(faults[0].images_trusted);
  EXPECT_EQ(describe(faults[0]).vi, "Giấy kẹt: lấy tờ số 3 ra và quét lại từ tờ đó");
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::fault);
}

TEST(SimulatedScanner, UnpluggedDoubleFeedBusyAndBadScripts) {
  auto unplug = open_source("sim:" + deck(), fast("unplug@2"));
  const auto events = drain(**unplug);
  EXPECT_EQ(only<DeviceLeft>(events).size(), 1u);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::device_lost);
  auto df = open_source("sim:" + deck(), fast("double_feed@7"));
  const auto df_faults = only<Fault>(drain(**df));
  ASSERT_EQ(df_faults.size(), 1u);
  EXPECT_THAT(describe(df_faults[0]).en, HasSubstr("sheets 7 and 8"));
  EXPECT_EQ(open_source("sim:" + deck(), fast("busy")).error().code, "device_busy");
  EXPECT_EQ(open_source("sim:" + deck(), fast("jam@x")).error().code, "bad_source");
  EXPECT_EQ(open_source("sim:/no/such/folder", fast()).error().code, "no_device");
  EXPECT_EQ(open_source("floppy:/dev/fd0", fast()).error().code, "bad_source");
}

TEST(SimulatedScanner, CancelEndsTheBatchFromAnotherThread) {
  SourceOptions slow = fast();
  slow.simulated.images_per_minute = 60;  // a sheet a second: the cancel must not wait for them all
  auto s = open_source("sim:" + deck(), slow);
  std::jthread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (*s)->cancel();
  });
  const auto events = drain(**s);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::cancelled);
  EXPECT_LE(only<Sheet>(events).size(), 1u);
}

void write_slowly(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  out.flush();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  out.write(bytes.data() + bytes.size() / 2, static_cast<std::streamsize>(bytes.size() - bytes.size() / 2));
}

TEST(FolderImport, TakesCompleteFilesPairsSidesAndIgnoresRepeats) {
  const test::ScratchDir dir;
  const std::string front = test::read_file(deck() + "/0001-front.jpg");
  const std::string back = test::read_file(deck() + "/0002-front.jpg");
  const std::string single = test::read_file(deck() + "/0003-front.png");
  test::write_file(dir.path() / "a-front.jpg", front);  // already there when the import starts
  SourceOptions o = fast();
  o.folder.idle_end = std::chrono::milliseconds(800);
  o.folder.back_wait = std::chrono::milliseconds(400);
  auto s = open_source("folder:" + dir.path().string(), o);
  ASSERT_TRUE(s.has_value()) << s.error().message.en;
  std::jthread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write_slowly(dir.path() / "a-back.jpg", back);                 // taken only once closed
    test::write_file(dir.path() / ".partial-b.png", single);       // capture software's temporary…
    fs::rename(dir.path() / ".partial-b.png", dir.path() / "b.png");  // …renamed when complete
    test::write_file(dir.path() / "again.jpg", front);             // the same content again: ignored
    test::write_file(dir.path() / "notes.txt", "not an image");
  });
  const auto events = drain(**s);
  const auto sheets = only<Sheet>(events);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].front.bytes, front);
  ASSERT_TRUE(sheets[0].back.has_value());
  EXPECT_EQ(sheets[0].back->bytes, back);
  EXPECT_EQ(sheets[1].front.bytes, single);
  EXPECT_FALSE(sheets[1].back.has_value());
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
}

// A private SANE configuration: only the backends named, nothing from the machine's.
struct SaneConfig {
  test::ScratchDir dir;
  explicit SaneConfig(const std::string& backends) {
    test::write_file(dir.path() / "dll.conf", backends + "\n");
    test::write_file(dir.path() / "test.conf", "number_of_devices 1\n");
    ::setenv("SANE_CONFIG_DIR", dir.path().c_str(), 1);
  }
  ~SaneConfig() { ::unsetenv("SANE_CONFIG_DIR"); }
  SaneConfig(const SaneConfig&) = delete;
  SaneConfig& operator=(const SaneConfig&) = delete;
};

TEST(SaneDriver, ListsTheTestBackendWithItsCapabilities) {
  const SaneConfig config("test");
  const auto devices = discover_devices(fast());
  ASSERT_TRUE(devices.has_value());
  const auto it = std::find_if(devices->begin(), devices->end(), [](const auto& d) { return d.id == "sane:test:0"; });
  ASSERT_NE(it, devices->end());
  EXPECT_EQ(it->vendor, "Noname");
  EXPECT_THAT(it->capabilities.sources, ::testing::Contains(Source::adf_front));
  EXPECT_THAT(it->capabilities.resolutions_dpi, ::testing::Contains(200));
}

TEST(SaneDriver, AFeederBatchRunsToTheEnd) {
  const SaneConfig config("test");
  auto s = open_source("sane:test:0?test-picture=Grid", fast());
  ASSERT_TRUE(s.has_value());
  ScanSettings wanted;
  wanted.dpi = 100;
  wanted.mode = ColourMode::gray;
  const auto applied = (*s)->apply(wanted);
  ASSERT_TRUE(applied.has_value()) << applied.error().message.en;
  EXPECT_EQ(applied->source, Source::adf_front);  // no duplex feeder: the simplex one, not the glass
  EXPECT_EQ(applied->dpi, 100);
  EXPECT_EQ(applied->mode, ColourMode::gray);
  const auto events = drain(**s);
  const auto sheets = only<Sheet>(events);
  ASSERT_EQ(sheets.size(), 10u);  // the test backend's feeder holds ten sheets
  EXPECT_EQ(sheets[0].front.bytes.substr(0, 3), "P5\n");
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
}

class SaneFaults : public ::testing::TestWithParam<std::pair<const char*, FaultKind>> {};

TEST_P(SaneFaults, AreTypedAndNameTheSheet) {
  const SaneConfig config("test");
  auto s = open_source(std::string("sane:test:0?read-return-value=") + GetParam().first, fast());
  ASSERT_TRUE(s.has_value());
  const auto events = drain(**s);
  EXPECT_TRUE(only<Sheet>(events).empty());
  const auto faults = only<Fault>(events);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, GetParam().second);
  EXPECT_EQ(faults[0].sheet, 1);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::fault);
}

INSTANTIATE_TEST_SUITE_P(Injected, SaneFaults,
                         ::testing::Values(std::pair{"SANE_STATUS_JAMMED", FaultKind::paper_jam},
                                           std::pair{"SANE_STATUS_COVER_OPEN", FaultKind::cover_open},
                                           std::pair{"SANE_STATUS_IO_ERROR", FaultKind::protocol_error}));

// Which sensor tells a double feed from a jam is a quirk of the backend, read from the quirks
// file: here the test backend's bool test option plays the fujitsu "double-feed" sensor.
TEST(SaneDriver, ADoubleFeedSensorNamedInTheQuirksFile) {
  const SaneConfig config("test");
  const auto quirks = config.dir.path() / "quirks.toml";
  test::write_file(quirks, "[[sane_backend]]\nname = \"test\"\ndouble_feed_sensor = \"bool-soft-select-soft-detect\"\n");
  ::setenv("KIEMPHIEU_SCANNER_QUIRKS", quirks.c_str(), 1);
  auto s = open_source("sane:test:0?enable-test-options=yes&bool-soft-select-soft-detect=yes&read-return-value=SANE_STATUS_JAMMED", fast());
  ASSERT_TRUE(s.has_value());
  const auto faults = only<Fault>(drain(**s));
  ::unsetenv("KIEMPHIEU_SCANNER_QUIRKS");
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, FaultKind::double_feed);
  // Without the quirk the same status is a plain jam.
  auto plain = open_source("sane:test:0?enable-test-options=yes&bool-soft-select-soft-detect=yes&read-return-value=SANE_STATUS_JAMMED", fast());
  const auto plain_faults = only<Fault>(drain(**plain));
  ASSERT_EQ(plain_faults.size(), 1u);
  EXPECT_EQ(plain_faults[0].kind, FaultKind::paper_jam);
}

// A worker that has said the batch ended but never exits (sane_exit hanging in dlclose, as the
// test backend once did here) ends the batch as it said, and is stopped rather than waited for:
// when listing the device and when scanning.
TEST(SaneDriver, AWorkerThatHangsAfterTheEndIsStopped) {
  const test::ScratchDir dir;
  const auto pid_file = dir.path() / "worker.pid";
  const auto worker = dir.path() / "hanging-worker";
  test::write_file(worker, "#!/bin/sh\necho $$ > '" + pid_file.string() + "'\n" +
                               R"(echo '{"type":"settings","source":"adf_front","dpi":100,"mode":"gray","capabilities":{}}')" "\n"
                               R"(echo '{"type":"status","kind":"hopper_empty"}')" "\n"
                               R"(echo '{"type":"end","reason":"hopper_empty"}')" "\n"
                               "exec sleep 600\n");
  fs::permissions(worker, fs::perms::owner_all);
  SourceOptions o = fast();
  o.sane_worker = worker.string();
  auto s = open_source("sane:test:0", o);
  ASSERT_TRUE(s.has_value());
  const auto events = drain(**s);
  EXPECT_TRUE(only<Fault>(events).empty());
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
  const pid_t pid = std::stoi(test::read_file(pid_file));
  EXPECT_NE(::kill(pid, 0), 0) << "the hanging worker is still running";
}

// The udev rule lets the counting account open exactly the vendors the quirks file lists, and
// every IPP-over-USB device.
TEST(ScannerFiles, UdevRuleAndQuirksFileAgree) {
  const std::string rules = test::read_file(test::source_path("scanner/udev/60-kiemphieu-scanners.rules"));
  const std::string quirks = test::read_file(test::source_path("scanner/scanner-quirks.toml"));
  std::set<std::string> in_rules, in_quirks;
  const std::regex rule_vendor(R"re(ATTR\{idVendor\}=="([0-9a-f]{4})")re"), quirk_vendor(R"re(vendor_id\s*=\s*"([0-9a-f]{4})")re");
  for (std::sregex_iterator it(rules.begin(), rules.end(), rule_vendor), end; it != end; ++it) in_rules.insert((*it)[1]);
  for (std::sregex_iterator it(quirks.begin(), quirks.end(), quirk_vendor), end; it != end; ++it) in_quirks.insert((*it)[1]);
  EXPECT_FALSE(in_rules.empty());
  EXPECT_EQ(in_rules, in_quirks);
  EXPECT_THAT(rules, HasSubstr("ENV{ID_USB_INTERFACES}==\"*:070104:*\""));
}

TEST(SaneDriver, AnUnknownDeviceIsNamed) {
  const SaneConfig config("test");
  auto s = open_source("sane:test:9", fast());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ((*s)->apply({}).error().code, "no_device");
}


// saned on loopback serves the test backend over the net backend; killing it in the middle of
// a page gives a typed fault for that sheet, and the sheets before it stay delivered.
TEST(SaneDriver, SanedOnLoopbackKilledMidPage) {
  const test::ScratchDir server;
  test::write_file(server.path() / "dll.conf", "test\n");
  test::write_file(server.path() / "test.conf", "number_of_devices 1\n");
  test::write_file(server.path() / "saned.conf", "127.0.0.1\nlocalhost\n");
  ::setenv("SANE_CONFIG_DIR", server.path().c_str(), 1);
  // saned's port is the net backend's default (6566): the net backend takes no port in net.conf.
  struct Saned {
    // In a process group of its own: saned serves each connection from a child, which the kill must reach too.
    pid_t pid = test::spawn_process({"saned", "-l", "-b", "127.0.0.1", "-p", "6566"}, {.own_group = true});
    ~Saned() {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    Saned() = default;
    Saned(const Saned&) = delete;
    Saned& operator=(const Saned&) = delete;
  } saned_process;
  const pid_t saned = saned_process.pid;
  const SaneConfig client("net");
  test::write_file(client.dir.path() / "net.conf", "connect_timeout = 5\n127.0.0.1\n");
  // Wait until saned listens (a loaded machine starts it slowly).
  for (int i = 0; i < 100; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(6566);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Slow pages (a delay per buffer) so the kill lands inside one.
  auto s = open_source("sane:net:127.0.0.1:test:0?read-limit=yes&read-limit-size=4096&read-delay=yes&read-delay-duration=20000", fast());
  ASSERT_TRUE(s.has_value());
  ScanSettings wanted;
  wanted.dpi = 75;
  wanted.mode = ColourMode::gray;
  ASSERT_TRUE((*s)->apply(wanted).has_value());
  std::vector<ScanEvent> events;
  events.push_back((*s)->next());  // the first sheet arrives whole
  ASSERT_TRUE(std::holds_alternative<Sheet>(events.back()));
  ::kill(-saned, SIGKILL);
  while (!std::holds_alternative<BatchEnded>(events.back())) events.push_back((*s)->next());
  const auto faults = only<Fault>(events);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, FaultKind::protocol_error);
  EXPECT_EQ(faults[0].sheet, static_cast<std::int64_t>(only<Sheet>(events).size()) + 1);
  EXPECT_FALSE(faults[0].images_trusted);
  EXPECT_NE(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
}

// kiemphieu scan end to end: a jam stops the batch, the rescan stores each sheet once, and the
// log records the batches and the fault.
TEST(ScanCommand, AJamAndARescanCountEverySheetOnce) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const std::string scan = "scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + deck()) + " --speed 20000";
  const auto jammed = test::run_cli(scan + " --faults jam@5");
  EXPECT_EQ(jammed.exit_code, 1);
  EXPECT_THAT(jammed.err, HasSubstr("Giấy kẹt: lấy tờ số 5 ra và quét lại từ tờ đó"));
  EXPECT_THAT(jammed.out, HasSubstr("\"fault\":\"paper_jam\""));
  const auto rescan = test::run_cli(scan);
  ASSERT_EQ(rescan.exit_code, 0) << rescan.err;
  std::string last;
  std::istringstream lines(rescan.out);
  for (std::string line; std::getline(lines, line);) last = line;
  const auto summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["sheets"], 40);
  EXPECT_EQ(summary["duplicates"], 4);
  EXPECT_EQ(summary["end"], "hopper_empty");
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->sheets()->size(), 40u);
  EXPECT_TRUE(opened->verify().empty());
  // The log holds the fault with the sheet it struck, and how each batch ended.
  std::string log;
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, "SELECT type, payload FROM audit WHERE type IN ('scanner_fault','batch_ended') ORDER BY seq", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) {
      log += std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) + "|" + reinterpret_cast<const char*>(sqlite3_column_text(q, 1)) + "\n";
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
  }
  EXPECT_THAT(log, HasSubstr("scanner_fault|{\"batch\":1,\"detail\":\"simulated paper_jam\",\"images_trusted\":false,\"kind\":\"paper_jam\",\"sheet_in_batch\":5}"));
  EXPECT_THAT(log, HasSubstr("\"reason\":\"fault\""));
  EXPECT_THAT(log, HasSubstr("\"reason\":\"hopper_empty\""));
  const auto english = test::run_cli("--lang en " + scan + " --faults double_feed@1");
  EXPECT_THAT(english.err, HasSubstr("Two sheets fed at once: take out sheets 1 and 2"));
}

// Duplex scans of one-sided ballots: a blank back is not stored; ink on the back (a signature,
// a mark) is kept as a refused side and makes the front wait for the committee.
TEST(ScanCommand, BlankBacksAreDroppedAndInkOnABackMakesTheFrontWait) {
  const test::ScratchDir dir;
  const auto feeder = dir.path() / "feeder";
  std::filesystem::create_directories(feeder);
  std::filesystem::copy_file(deck() + "/0002-front.jpg", feeder / "s1-front.jpg");
  std::filesystem::copy_file(deck() + "/0004-front.jpg", feeder / "s2-front.jpg");
  const cv::Mat blank(2339, 1654, CV_8UC3, cv::Scalar(255, 255, 255));  // A4 at 200 dpi
  cv::imwrite((feeder / "s1-back.png").string(), blank);
  cv::Mat signed_back = blank.clone();
  cv::line(signed_back, {300, 900}, {1200, 1100}, cv::Scalar(40, 40, 40), 12);
  cv::putText(signed_back, "Nguyen Van A", {400, 1400}, cv::FONT_HERSHEY_SCRIPT_SIMPLEX, 4, cv::Scalar(30, 30, 30), 8);
  cv::imwrite((feeder / "s2-back.png").string(), signed_back);
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const auto r = test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + feeder.string()) + " --speed 20000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  const auto& summary = lines.back();
  EXPECT_EQ(summary["sheets"], 2);
  EXPECT_EQ(summary["blank_backs"], 1);
  const auto side = [&](int sheet, const std::string& name) -> std::optional<nlohmann::json> {
    for (const auto& l : lines) {
      if (l.value("sheet", 0) == sheet && l.value("side", "") == name) return l;
    }
    return std::nullopt;
  };
  EXPECT_TRUE(side(1, "front").has_value());
  EXPECT_FALSE(side(1, "back").has_value());  // the blank back is not stored
  ASSERT_TRUE(side(2, "front").has_value());
  EXPECT_EQ((*side(2, "front"))["status"], "waiting");
  EXPECT_THAT((*side(2, "front"))["wait_reasons"].dump(), HasSubstr("flag:identifying_mark"));
  ASSERT_TRUE(side(2, "back").has_value());
  EXPECT_EQ((*side(2, "back"))["status"], "rejected");
}

// SQLite's crash-testing spirit for the scanner path: `kiemphieu scan` killed (SIGKILL) at random
// moments, many times, then run to the end: every sheet stored once, the log verifying after
// each kill, every killed batch ended as interrupted by the next.
TEST(ScanCommand, KilledAtRandomMomentsLosesNothing) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  std::mt19937 rng(11);
  for (int kill_number = 0; kill_number < 6; ++kill_number) {
    const pid_t pid = test::spawn_process({KP_CLI_PATH, "scan", db, "--source", "sim:" + deck(), "--speed", "1200"}, {.quiet = true});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1200));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    auto opened = tally::CongressDb::open(db);
    ASSERT_TRUE(opened.has_value());
    const auto problems = opened->verify();
    ASSERT_TRUE(problems.empty()) << "after kill " << kill_number << ": " << problems.front().what;
  }
  const auto finish = test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + deck()) + " --speed 20000");
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  const auto sheets = *opened->sheets();
  EXPECT_EQ(sheets.size(), 40u);
  std::set<std::string> hashes;
  for (const auto& s : sheets) hashes.insert(s.image_sha256);
  EXPECT_EQ(hashes.size(), 40u);
  EXPECT_TRUE(opened->verify().empty());
  // No image left half-written in the store.
  for (const auto& f : std::filesystem::directory_iterator(opened->images_dir())) EXPECT_NE(f.path().filename().string().rfind(".tmp-", 0), 0u) << f.path();
}

// Two scanners feeding one congress at once: each batch runs to its end (neither is taken for
// an interrupted one), every sheet is stored once, the log verifies.
TEST(ScanCommand, TwoScannersInParallel) {
  const test::ScratchDir dir;
  std::vector<std::string> images;
  for (const auto& f : std::filesystem::directory_iterator(deck())) {
    if (f.path().extension() != ".jsonl") images.push_back(f.path().string());
  }
  std::sort(images.begin(), images.end());
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto folder = dir.path() / (i % 2 == 0 ? "left" : "right");
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(images[i], folder / std::filesystem::path(images[i]).filename());
  }
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  std::vector<pid_t> scans;
  for (const char* side : {"left", "right"}) {
    const pid_t pid = test::spawn_process({KP_CLI_PATH, "scan", db, "--source", "sim:" + (dir.path() / side).string(), "--speed", "600"}, {.quiet = true});
    ASSERT_GT(pid, 0);
    scans.push_back(pid);
  }
  for (const pid_t pid : scans) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->sheets()->size(), images.size());
  EXPECT_TRUE(opened->verify().empty());
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h, "SELECT count(*) FROM batches WHERE end_reason = 'hopper_empty'", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 2);
  sqlite3_finalize(q);
  sqlite3_close(h);
}

TEST(ScanCommand, CtrlCEndsTheBatchCleanly) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const std::string out = (dir.path() / "out.jsonl").string();
  const pid_t pid = test::spawn_process({"sh", "-c", "exec " + test::quote_arg(KP_CLI_PATH) + " scan " + test::quote_arg(db) + " --source " +
                                           test::quote_arg("sim:" + deck()) + " --speed 120 > " + test::quote_arg(out) + " 2>/dev/null"});
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const std::string text = test::read_file(out);
  EXPECT_THAT(text, HasSubstr("\"end\":\"cancelled\""));
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  EXPECT_LT(opened->sheets()->size(), 40u);
  EXPECT_TRUE(opened->verify().empty());
}

}  // namespace
}  // namespace kp::scanner
