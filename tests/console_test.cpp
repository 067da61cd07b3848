// The live results console: what it shows is worked out without Qt and tested here; the window
// is rendered off-screen to PNG, and opened for real under Xvfb.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"
#include "ui/results_view.hpp"


namespace kp::ui {
namespace {

using ::testing::HasSubstr;

// The small congress of the round tests (seven delegates, two seats, three names).
struct Congress : test::TieCongress {
  void ballot(std::uint32_t serial, const std::set<std::string>& kept, bool unclear = false) { sheet(1, serial, kept, {}, unclear ? "c" : ""); }
};

TEST(ResultsView, ProvisionalWhileASheetWaitsAndNobodyDeclared) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  for (std::uint32_t s = 1; s <= 3; ++s) c.ballot(s, {"a", "b"});
  c.ballot(4, {"a"}, true);  // waits: an unclear mark
  ASSERT_TRUE(c.db->set_issued("bt", 7, "Thư ký").has_value());
  const auto view = build_results_view(c.db->election(), *c.db->count(), Lang::vi);
  EXPECT_FALSE(view.final);
  EXPECT_THAT(view.headline, HasSubstr("TẠM THỜI"));
  EXPECT_THAT(view.sheets, HasSubstr("đã đếm 3 · chờ Ban kiểm phiếu 1"));
  ASSERT_EQ(view.contests.size(), 1u);
  const auto& p = view.contests[0];
  EXPECT_THAT(p.outcome, HasSubstr("chưa công bố ai trúng cử"));
  EXPECT_DOUBLE_EQ(p.threshold_at, 4.0 / 7.0);  // floor(7/2)+1 = 4 on a scale of D = 7
  EXPECT_EQ(p.threshold_label, "4 phiếu (quá một nửa D)");
  ASSERT_EQ(p.bars.size(), 3u);
  EXPECT_EQ(p.bars[0].name, "Nguyễn Văn An");
  EXPECT_EQ(p.bars[0].votes, 3);
  EXPECT_DOUBLE_EQ(p.bars[0].length, 3.0 / 7.0);
  EXPECT_FALSE(p.bars[0].elected);  // the engine elects nobody below the threshold
}

TEST(ResultsView, FinalWithTheElectedAndTheTieExplained) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  std::uint32_t serial = 0;
  for (int i = 0; i < 3; ++i) c.ballot(++serial, {"a", "b"});
  for (int i = 0; i < 3; ++i) c.ballot(++serial, {"a", "c"});
  c.ballot(++serial, {"b", "c"});
  ASSERT_TRUE(c.db->set_issued("bt", 7, "Thư ký").has_value());
  const auto vi = build_results_view(c.db->election(), *c.db->count(), Lang::vi);
  EXPECT_TRUE(vi.final);
  EXPECT_EQ(vi.headline, "KẾT QUẢ CHÍNH THỨC");
  const auto& p = vi.contests[0];
  EXPECT_TRUE(p.bars[0].elected);
  EXPECT_TRUE(p.bars[1].tied);
  EXPECT_TRUE(p.bars[2].tied);
  EXPECT_THAT(p.outcome, HasSubstr("Trúng cử: Nguyễn Văn An"));
  EXPECT_THAT(p.outcome, HasSubstr("Bằng phiếu ở suất cuối"));
  const auto en = build_results_view(c.db->election(), *c.db->count(), Lang::en);
  EXPECT_EQ(en.headline, "FINAL RESULT");
  EXPECT_THAT(en.contests[0].outcome, HasSubstr("Tied at the last seat"));
}

TEST(Console, RendersOffScreenToPng) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  for (std::uint32_t s = 1; s <= 3; ++s) c.ballot(s, {"a", "b"});
  const auto png = (c.dir.path() / "results.png").string();
  const auto r = test::run_cli("console " + test::quote_arg(c.path) + " --screenshot " + test::quote_arg(png));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const cv::Mat shot = cv::imread(png);
  ASSERT_FALSE(shot.empty());
  EXPECT_EQ(shot.cols, 1280);
  EXPECT_EQ(shot.rows, 900);
  // The provisional headline is drawn in red near the top; the elected colour appears nowhere
  // (nobody is elected yet), the bars' gray-blue does.
  int red = 0, bar = 0;
  for (int y = 0; y < shot.rows; ++y) {
    for (int x = 0; x < shot.cols; ++x) {
      const auto px = shot.at<cv::Vec3b>(y, x);
      if (y < 120 && px[2] > 150 && px[1] < 60 && px[0] < 60) ++red;
      if (px == cv::Vec3b(0x7a, 0x6e, 0x54)) ++bar;
    }
  }
  EXPECT_GT(red, 200);
  EXPECT_GT(bar, 1000);
  EXPECT_EQ(test::run_cli("console /no/such.db --screenshot " + test::quote_arg(png)).exit_code, 1);
}

TEST(ResultsView, TheFeedCarriesTheViewUnchanged) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  c.ballot(1, {"a", "b"});
  const auto view = build_results_view(c.db->election(), *c.db->count(), Lang::vi);
  const auto back = parse_feed_message(feed_message("results", 7, results_view_json(view)));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(results_view_json(*back), results_view_json(view));
  EXPECT_EQ(back->contests[0].bars[1].name, "Trần Thị Bình");
  EXPECT_FALSE(parse_feed_message(feed_message("heartbeat", 8)).has_value());
  EXPECT_FALSE(parse_feed_message("{not json").has_value());
}

struct Shot {
  int red_headline = 0;  // the provisional headline's red, near the top
  int amber = 0;         // a warning banner
};

Shot look(const std::string& png) {
  const cv::Mat shot = cv::imread(png);
  Shot s;
  for (int y = 0; y < shot.rows; ++y) {
    for (int x = 0; x < shot.cols; ++x) {
      const auto px = shot.at<cv::Vec3b>(y, x);
      if (y < 160 && px[2] > 150 && px[1] < 60 && px[0] < 60) ++s.red_headline;
      if (px == cv::Vec3b(0x07, 0xc1, 0xff)) ++s.amber;
    }
  }
  return s;
}

// A free port: bound, read, released.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The counting station's console, off-screen, publishing on `port`; returns once it listens.
pid_t start_station(const std::string& db, int port) {
  const std::string station = "QT_QPA_PLATFORM=offscreen exec " + test::quote_arg(KP_CLI_PATH) + " console " + test::quote_arg(db) + " --publish " +
                              std::to_string(port) + " --quit-after 60";
  const pid_t pid = test::spawn_process({"sh", "-c", station});
  EXPECT_GT(pid, 0);
  for (int i = 0; i < 100; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pid;
}

void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

// An observer on another computer (here another process) sees the station's results, read
// only, and says so when the station is gone.
TEST(Console, AnObserverFollowsTheStationAndSeesTheLinkGoDown) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  c.ballot(1, {"a", "b"});
  const int port = free_port();
  const pid_t pid = start_station(c.path, port);
  const std::string url = "ws://127.0.0.1:" + std::to_string(port);
  const auto live = (c.dir.path() / "observer.png").string();
  ASSERT_EQ(test::run_cli("console --observe " + url + " --screenshot " + test::quote_arg(live)).exit_code, 0);
  const Shot seen = look(live);
  EXPECT_GT(seen.red_headline, 200);  // the station's provisional results arrived
  EXPECT_EQ(seen.amber, 0);           // and nothing is wrong with the link
  stop(pid);
  const auto down = (c.dir.path() / "observer-down.png").string();
  ASSERT_EQ(test::run_cli("console --observe " + url + " --screenshot " + test::quote_arg(down)).exit_code, 0);
  const Shot gone = look(down);
  EXPECT_GT(gone.amber, 1000);  // the link-down banner
  EXPECT_EQ(gone.red_headline, 0);
  EXPECT_EQ(test::run_cli("console").exit_code, 2);  // neither a database nor a station
}

// End to end: the simulated scanner feeds the committed deck into a congress; the station's
// console publishes; an observer's screen shows exactly the count the database gives.
TEST(Console, FromTheSimulatedScannerToAnObserversScreen) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const int port = free_port();
  const pid_t pid = start_station(db, port);
  const auto scanned = test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) +
                                     " --speed 20000");
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  const std::string expected = results_view_json(build_results_view(opened->election(), *opened->count(), Lang::vi));
  // The station notices within 100 ms; on a loaded machine an observer may connect a moment
  // before it has, so it looks again a few times.
  const auto png = (dir.path() / "observer.png").string();
  const auto json = (dir.path() / "observer.json").string();
  std::optional<ResultsView> seen;
  for (int attempt = 0; attempt < 10 && !(seen && results_view_json(*seen) == expected); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto observed = test::run_cli("console --observe ws://127.0.0.1:" + std::to_string(port) + " --screenshot " + test::quote_arg(png) +
                                        " --view-json " + test::quote_arg(json));
    ASSERT_EQ(observed.exit_code, 0) << observed.err;
    seen = parse_results_view_json(test::read_file(json));
  }
  stop(pid);
  ASSERT_TRUE(seen.has_value()) << test::read_file(json);
  EXPECT_EQ(results_view_json(*seen), expected);
  EXPECT_THAT(seen->sheets, HasSubstr("đã đếm " + std::to_string(opened->count()->counted)));
  EXPECT_GT(opened->count()->counted, 0);
}

// The real window on an X server (Xvfb): it opens, refreshes and closes by itself.
TEST(Console, OpensUnderXvfb) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  c.ballot(1, {"a", "b"});
  const auto r = test::run_command("env -u QT_QPA_PLATFORM xvfb-run -a " + test::quote_arg(KP_CLI_PATH) + " console " + test::quote_arg(c.path) +
                                   " --quit-after 1.5");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace kp::ui
