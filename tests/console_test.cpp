// The live results console: what it shows is worked out without Qt and tested here; the window
// is rendered off-screen to PNG, and opened for real under Xvfb.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>
#include <memory>
#include <thread>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "station/observer_feed.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"
#include "tie_congress.hpp"
#include "ui/results_view.hpp"


namespace kp::ui {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
  // The provisional headline is drawn in red near the top (under the station's bar and tabs); the
  // elected colour appears nowhere (nobody is elected yet), the bars' gray-blue does.
  int red = 0, bar = 0;
  for (int y = 0; y < shot.rows; ++y) {
    for (int x = 0; x < shot.cols; ++x) {
      const auto px = shot.at<cv::Vec3b>(y, x);
      if (y < 220 && px[2] > 150 && px[1] < 60 && px[0] < 60) ++red;
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
  const std::string head = *c.db->head();
  const auto back = parse_feed_message(feed_message("results", 7, head, results_view_json(view)));
  ASSERT_TRUE(back.has_value() && back->view.has_value());
  EXPECT_EQ(results_view_json(*back->view), results_view_json(view));
  EXPECT_EQ(back->view->contests[0].bars[1].name, "Trần Thị Bình");
  EXPECT_EQ(back->log_head, head);
  // A heartbeat carries the head and no view.
  const auto beat = parse_feed_message(feed_message("heartbeat", 8, head));
  ASSERT_TRUE(beat.has_value());
  EXPECT_FALSE(beat->view.has_value());
  EXPECT_EQ(beat->log_head, head);
  EXPECT_FALSE(parse_feed_message("{not json").has_value());
  EXPECT_FALSE(parse_feed_message(R"({"type":"results","seq":1})").has_value());  // results without a view
  EXPECT_FALSE(parse_feed_message(R"({"type":"other","seq":1})").has_value());
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
  const auto heads = (c.dir.path() / "observer-heads.txt").string();
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + " --station-key " + c.db->key_fingerprint() + " --keep-heads " + test::quote_arg(heads);
  const auto live = (c.dir.path() / "observer.png").string();
  const auto live_text = (c.dir.path() / "observer.txt").string();
  ASSERT_EQ(test::run_cli("console --observe " + url + " --screenshot " + test::quote_arg(live) + " --screen-text " + test::quote_arg(live_text)).exit_code,
            0);
  const Shot seen = look(live);
  EXPECT_GT(seen.red_headline, 200);  // the station's provisional results arrived
  EXPECT_EQ(seen.amber, 0);           // and nothing is wrong with the link
  stop(pid);
  // The observer kept the head of the log it was shown, signed with the results, and says so.
  const auto kept = station::read_kept_heads(heads);
  ASSERT_TRUE(kept.has_value()) << test::read_file(heads);
  const std::string head = kept->back();
  EXPECT_THAT(test::read_file(heads), HasSubstr(" " + c.db->key_fingerprint() + " " + head + "\n"));
  EXPECT_THAT(test::read_file(live_text), HasSubstr("đầu nhật ký của trạm: mục " + head.substr(0, head.find(':'))));
  const auto down = (c.dir.path() / "observer-down.png").string();
  ASSERT_EQ(test::run_cli("console --observe " + url + " --screenshot " + test::quote_arg(down)).exit_code, 0);
  const Shot gone = look(down);
  EXPECT_GT(gone.amber, 1000);  // the link-down banner
  EXPECT_EQ(gone.red_headline, 0);
  EXPECT_EQ(test::run_cli("console some.db --observe " + url).exit_code, 2);  // a station or an observer, not both
  // The auditor's question to the database with the observer's file: still there, then cut.
  const std::string verify = "audit verify " + test::quote_arg(c.path) + " --expect-heads-from " + test::quote_arg(heads);
  EXPECT_EQ(test::run_cli(verify).exit_code, 0);
  ASSERT_EQ(test::exec_sql(c.path, "DELETE FROM audit WHERE seq >= " + head.substr(0, head.find(':'))), "");
  const auto cut = test::run_cli(verify);
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_THAT(cut.out, HasSubstr("kept by an observer (" + head + "): the database was rolled back, cut or rewritten"));
}

// The observer's file of heads as an auditor hands it over: a line that is not a head is refused
// with its number, and a head typed from a record can be given beside it.
TEST(Console, AHeadsFileThatIsNotOneIsRefusedByLine) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  c.ballot(1, {"a", "b"});
  const std::string head = *c.db->head();
  const auto file = (c.dir.path() / "heads.txt").string();
  test::write_file(file, "# kept by the hall's screen\n2026-12-02T10:00:00Z " + c.db->key_fingerprint() + " " + head + "\n");
  const std::string verify = "audit verify " + test::quote_arg(c.path) + " --expect-heads-from " + test::quote_arg(file);
  EXPECT_EQ(test::run_cli(verify).exit_code, 0);
  EXPECT_EQ(test::run_cli(verify + " --expect-head " + head + " --expect-head " + head).exit_code, 0);
  // Another head the log never held, given by hand: found missing.
  const std::string invented = head.substr(0, head.find(':') + 1) + std::string(64, 'a');
  const auto wrong = test::run_cli(verify + " --expect-head " + invented);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.out, HasSubstr(invented));
  test::write_file(file, head + "\n2026-12-02T10:00:00Z nothing-here\n");
  const auto bad = test::run_cli(verify);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("heads.txt:2"));
  test::write_file(file, "\n# nothing\n");
  EXPECT_THAT(test::run_cli(verify).err, HasSubstr("heads.txt"));
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path) + " --expect-heads-from /no/such/file").exit_code, 1);
  // Typed from paper: upper-case hex and spaces are the same head; what is not one is a usage error.
  std::string upper = head;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path) + " --expect-head ' " + upper + " '").exit_code, 0);
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path) + " --expect-head 53:65ed").exit_code, 2);
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path) + " --expect-key ../../x").exit_code, 2);
  EXPECT_EQ(test::run_cli("audit verify " + test::quote_arg(c.path) + " --expect-heads-from /dev/zero").exit_code, 1);  // not a file: refused, not read
  EXPECT_EQ(test::run_cli("console --observe ws://127.0.0.1:9 --station-key ../../x").exit_code, 2);
  EXPECT_TRUE(station::is_log_head(head));
  for (const char* not_a_head : {"", "12", ":abc", "0:" "0000000000000000000000000000000000000000000000000000000000000000", "3:ABC", "x:y"}) {
    EXPECT_FALSE(station::is_log_head(not_a_head)) << not_a_head;
  }
}

// A fake station on the congress network (here: a station of another congress, with its own key,
// publishing plausible results) is refused by an observer started with the real station's key
// from the minutes: the refusal is on the screen and not one figure of the fake is shown.
TEST(Console, AnObserverRefusesAFakeStation) {
  Congress real;
  ASSERT_TRUE(real.db.has_value());
  Congress fake;
  ASSERT_TRUE(fake.db.has_value());
  fake.ballot(1, {"a", "b"});
  const int port = free_port();
  const pid_t pid = start_station(fake.path, port);
  const std::string url = "ws://127.0.0.1:" + std::to_string(port);
  const auto png = (real.dir.path() / "fake.png").string();
  const auto text = (real.dir.path() / "fake.json").string();
  const auto observed = test::run_cli("console --observe " + url + " --station-key " + real.db->key_fingerprint() + " --screenshot " +
                                      test::quote_arg(png) + " --view-json " + test::quote_arg(text));
  stop(pid);
  ASSERT_EQ(observed.exit_code, 0) << observed.err;
  const Shot seen = look(png);
  EXPECT_GT(seen.amber, 1000);      // the refusal banner
  EXPECT_EQ(seen.red_headline, 0);  // and none of the fake's results
  EXPECT_THAT(test::read_file(text), ::testing::Not(HasSubstr("\"contests\"")));
  // No fingerprint, no observer: it could not tell a fake from the station.
  const auto unpinned = test::run_cli("console --observe " + url);
  EXPECT_EQ(unpinned.exit_code, 2);
  EXPECT_THAT(unpinned.err, HasSubstr("--station-key"));
}

// A raw WebSocket client on loopback, as a hostile program on the congress network would be:
// the opening handshake by hand, then whatever it likes.
struct RawClient {
  int fd = -1;
  explicit RawClient(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    const std::string hello = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    (void)::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
  }
  ~RawClient() { ::close(fd); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  // What the station sent until `wanted` appears in it, it hangs up (`closed`), or `seconds` pass.
  std::string read_for(double seconds, bool* closed = nullptr, const std::string& wanted = {}) {
    std::string got;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      timeval tv{0, 100000};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        if (closed != nullptr) *closed = true;
        break;
      }
      if (n > 0) got.append(buffer, static_cast<std::size_t>(n));
      if (!wanted.empty() && got.find(wanted) != std::string::npos) break;
    }
    return got;
  }
};

std::int64_t resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

// One client announcing a 1.9 GB frame and streaming it (it once took the station to 2.3 GB):
// the station hangs up after the frame's header, long before the stream ends, and its memory
// does not grow with what was sent.
TEST(Attack, AnObserverSendingAHugeFrameIsCutOff) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  c.ballot(1, {"a", "b"});
  const int port = free_port();
  const pid_t pid = start_station(c.path, port);
  RawClient hostile(port);
  ASSERT_THAT(hostile.read_for(5, nullptr, "\r\n\r\n"), HasSubstr("101"));  // the handshake is answered as for any observer
  const std::int64_t before = resident_kib(pid);
  // FIN + text, masked, 64-bit length 1.9e9, a mask key.
  std::string header = {'\x81', '\xff'};
  const std::uint64_t length = 1'900'000'000ULL;
  for (int shift = 56; shift >= 0; shift -= 8) header.push_back(static_cast<char>((length >> shift) & 0xffU));
  header += "abcd";
  ASSERT_EQ(::send(hostile.fd, header.data(), header.size(), MSG_NOSIGNAL), static_cast<ssize_t>(header.size()));
  const std::string chunk(1 << 16, 'x');
  std::size_t sent = 0;
  // 256 MiB at most: far beyond what the socket buffers hold, far below the frame announced.
  while (sent < (256U << 20U)) {
    const ssize_t n = ::send(hostile.fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  EXPECT_LT(sent, 256U << 20U) << "the station kept reading a frame it should have refused";
  const std::int64_t after = resident_kib(pid);
  EXPECT_LT(after - before, 64 * 1024) << "resident memory grew from " << before << " to " << after << " KiB";
  // And the station still serves an honest observer.
  RawClient honest(port);
  EXPECT_THAT(honest.read_for(5, nullptr, "signature"), HasSubstr("\"signature\""));
  stop(pid);
}

// A hall has a few dozen screens: the 65th link is closed at once, the first 64 keep theirs.
TEST(Attack, TooManyObserversAreTurnedAway) {
  Congress c;
  ASSERT_TRUE(c.db.has_value());
  const int port = free_port();
  const pid_t pid = start_station(c.path, port);
  std::vector<std::unique_ptr<RawClient>> hall;
  for (int i = 0; i < 64; ++i) {
    hall.push_back(std::make_unique<RawClient>(port));
    ASSERT_THAT(hall.back()->read_for(5, nullptr, "\r\n\r\n"), HasSubstr("101")) << "observer " << i + 1;
  }
  RawClient extra(port);
  bool closed = false;
  const std::string said = extra.read_for(5, &closed);
  EXPECT_TRUE(closed || said.find('\x88') != std::string::npos) << "the 65th observer was let in";
  bool first_closed = false;
  (void)hall.front()->read_for(0.5, &first_closed);
  EXPECT_FALSE(first_closed);
  stop(pid);
}

// The hall's projector: one contest at a time in large type, which of them and how many, and when
// the figures last changed; the next contest follows by itself (and PageDown).
TEST(Console, TheProjectorShowsOneContestAtATimeAndWhenItWasUpdated) {
  const test::ScratchDir dir;
  const std::string db = (dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const auto png = (dir.path() / "projector.png").string();
  const auto text = (dir.path() / "projector.txt").string();
  const auto shown = test::run_cli("console " + test::quote_arg(db) + " --projector --screenshot " + test::quote_arg(png) + " --screen-text " + test::quote_arg(text));
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const std::string said = test::read_file(text);
  EXPECT_THAT(said, HasSubstr("Cuộc bầu 1/4"));
  EXPECT_THAT(said, HasSubstr("Cập nhật lúc "));
  EXPECT_THAT(said, HasSubstr("Bầu Ban Chấp hành Đảng bộ Khối khóa V"));
  EXPECT_THAT(said, Not(HasSubstr("Bầu Bí thư Đảng ủy Khối")));
  EXPECT_THAT(said, Not(HasSubstr("Tạ Thị Ngọc Ánh")));  // nothing from the second contest's list either
  const auto english = test::run_cli("--lang en console " + test::quote_arg(db) + " --projector --screenshot " + test::quote_arg(png) + " --screen-text " +
                                     test::quote_arg(text));
  ASSERT_EQ(english.exit_code, 0) << english.err;
  EXPECT_THAT(test::read_file(text), HasSubstr("Contest 1/4"));
}

// The feed's signature, message by message: only what the pinned key signed is opened.
TEST(ObserverFeed, OnlyWhatThePinnedKeySignedIsOpened) {
  Congress station;
  Congress other;
  ASSERT_TRUE(station.db.has_value() && other.db.has_value());
  const std::string body = feed_message("heartbeat", 3, *station.db->head());
  const auto signed_message = station::signed_feed_message(*station.db, body);
  ASSERT_TRUE(signed_message.has_value());
  const std::string pin = station.db->key_fingerprint();
  EXPECT_EQ(station::open_feed_message(*signed_message, pin).value_or(""), body);
  EXPECT_EQ(station::open_feed_message(body, pin).error().code, "feed_not_signed");
  EXPECT_EQ(station::open_feed_message(*station::signed_feed_message(*other.db, body), pin).error().code, "feed_other_station");
  auto changed = nlohmann::json::parse(*signed_message);
  changed["body"] = feed_message("heartbeat", 4, *station.db->head());
  EXPECT_EQ(station::open_feed_message(changed.dump(), pin).error().code, "feed_bad_signature");
  EXPECT_EQ(station::open_feed_message(std::string(station::kMaxFeedMessageBytes + 1, ' '), pin).error().code, "feed_too_large");
  EXPECT_EQ(station::open_feed_message(R"({"body":1,"key":[],"signature":{}})", pin).error().code, "feed_not_signed");
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
    const auto observed = test::run_cli("console --observe ws://127.0.0.1:" + std::to_string(port) + " --station-key " + opened->key_fingerprint() +
                                        " --keep-heads " + test::quote_arg((dir.path() / "heads.txt").string()) + " --screenshot " + test::quote_arg(png) +
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

// The counting station's screens, each rendered off-screen with every text it shows. The
// congress is filled through the console's own scanning screen from the simulated scanner, so
// this is also the end-to-end path from a batch to the live results.
struct StationScreens : ::testing::Test {
  test::ScratchDir dir;
  std::string db = (dir.path() / "dh.db").string();

  void SetUp() override {
    ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
    ASSERT_EQ(with_pin("member add " + test::quote_arg(db) + " 'Nguyễn Văn An'", "1234").exit_code, 0);
    ASSERT_EQ(with_pin("member add " + test::quote_arg(db) + " 'Trần Thị Bình' --by 'Nguyễn Văn An'", "5678\n1234").exit_code, 0);
  }

  // The program with PINs on its standard input, one per line.
  static test::CommandResult with_pin(const std::string& arguments, const std::string& pins) { return test::run_cli_with_input(arguments, pins + "\n"); }

  // Renders `screen` (signed in as An) and gives every text on it, one per line.
  std::string screen_text(const std::string& screen, const std::string& extra = "", const std::string& lang = "vi") {
    const auto png = (dir.path() / (screen + "-" + lang + ".png")).string();
    const auto text = (dir.path() / (screen + "-" + lang + ".txt")).string();
    const auto r = with_pin("--lang " + lang + " console " + test::quote_arg(db) + " --sign-in 'Nguyễn Văn An' --screen " + screen + " " + extra +
                                " --screenshot " + test::quote_arg(png) + " --screen-text " + test::quote_arg(text),
                            "1234");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const cv::Mat shot = cv::imread(png);
    EXPECT_EQ(shot.cols, 1280);
    EXPECT_EQ(shot.rows, 900);
    return test::read_file(text);
  }
};

TEST_F(StationScreens, ABatchFromTheScanningScreenReachesTheLiveResults) {
  const std::string scanned = screen_text("scan", "--scan " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")));
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  const auto summary = *opened->count();
  ASSERT_GT(summary.counted, 0);
  ASSERT_GT(summary.waiting, 0);
  // Said in ballots, with the sides beside them, exactly as the database counts them.
  EXPECT_THAT(scanned, HasSubstr("Tờ phiếu đã quét 40, đã đếm " + std::to_string(summary.counted) + ", chờ Ban kiểm phiếu " +
                                 std::to_string(summary.waiting) + " (mặt giấy 40)"));
  EXPECT_THAT(scanned, HasSubstr("Đợt quét kết thúc (hết giấy trong khay). Mọi tờ đã lưu vẫn còn nguyên."));
  EXPECT_THAT(scanned, HasSubstr("Đang làm việc: Nguyễn Văn An (Ban kiểm phiếu)"));
  EXPECT_THAT(scanned, HasSubstr(test::source_path("sample_ballots/deck")));  // the folder the batch came from
  // The batch is the operator's: the log names who scanned.
  const auto rows = opened->sheets();
  ASSERT_TRUE(rows.has_value());
  EXPECT_TRUE(rows->back().batch_id.has_value());
  // The results screen shows exactly the view the database gives.
  const auto json = (dir.path() / "results.json").string();
  ASSERT_EQ(with_pin("console " + test::quote_arg(db) + " --screenshot " + test::quote_arg((dir.path() / "r.png").string()) + " --view-json " +
                         test::quote_arg(json),
                     "")
                .exit_code,
            0);
  EXPECT_EQ(test::read_file(json), results_view_json(build_results_view(opened->election(), summary, Lang::vi)) + "\n");
}

TEST_F(StationScreens, EveryScreenShowsWhatItMust) {
  ASSERT_EQ(test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) +
                          " --speed 20000 --operator 'Nguyễn Văn An'")
                .exit_code,
            0);
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  const auto& election = opened->election();

  const std::string setup = screen_text("setup");
  EXPECT_THAT(setup, HasSubstr("Trần Thị Bình"));
  EXPECT_THAT(setup, HasSubstr(election.contests.front().title));
  EXPECT_THAT(setup, HasSubstr("đang mở"));
  EXPECT_THAT(setup, HasSubstr(opened->key_fingerprint()));

  // The queue: one row per waiting sheet, reasons in words, the first sheet's names.
  const std::string queue = screen_text("adjudication");
  const auto rows = *opened->sheets();
  int waiting = 0;
  for (const auto& s : rows) {
    if (s.status != tally::SheetStatus::waiting) continue;
    ++waiting;
    EXPECT_THAT(queue, HasSubstr("\n" + std::to_string(s.id) + "\n")) << "sheet " << s.id;
  }
  EXPECT_GT(waiting, 0);
  EXPECT_THAT(queue, HasSubstr("chưa rõ: "));
  EXPECT_THAT(queue, HasSubstr("Vì sao chờ"));
  EXPECT_THAT(queue, HasSubstr("Quyết định"));

  const std::string gallery = screen_text("gallery");
  EXPECT_THAT(gallery, HasSubstr("dấu, điểm thấp nhất trước. Ngưỡng: dưới 0.08 là giữ tên, từ 0.82 là gạch tên"));

  const std::string audit = screen_text("audit", "--run replay");
  EXPECT_THAT(audit, HasSubstr("Đọc lại xong: mọi tờ khớp đúng như đã ghi."));
  const std::string verified = screen_text("audit", "--run verify");
  EXPECT_THAT(verified, HasSubstr("Kiểm tra xong: mọi thứ khớp."));

  const std::string record = screen_text("record", "--run record");
  EXPECT_THAT(record, HasSubstr("Đã lập " + std::to_string(election.contests.size()) + " biên bản"));
  EXPECT_THAT(record, HasSubstr("-bien-ban.pdf"));
  // The records stay beside the congress database, where the log says they were written.
  EXPECT_THAT(record, HasSubstr(db + ".records/"));
  std::size_t kept = 0;
  for (const auto& run : std::filesystem::directory_iterator(db + ".records")) {
    for (const auto& f : std::filesystem::directory_iterator(run.path())) kept += f.path().extension() == ".pdf" ? 1 : 0;
  }
  EXPECT_EQ(kept, election.contests.size());

  // English from the translation, names unchanged.
  const std::string english = screen_text("adjudication", "", "en");
  EXPECT_THAT(english, HasSubstr("Why it waits"));
  EXPECT_THAT(english, HasSubstr("Signed in: Nguyễn Văn An (counting committee)"));
  EXPECT_THAT(english, Not(HasSubstr("Vì sao chờ")));
}

// The Alt keys a screen offers, with the texts that offer them: "&Ghi…" gives "g". The window's
// own buttons and tabs are part of every screen's texts.
std::map<std::string, std::vector<std::string>> alt_keys(const std::string& texts) {
  std::map<std::string, std::vector<std::string>> keys;
  std::istringstream lines(texts);
  for (std::string line; std::getline(lines, line);) {
    for (std::size_t at = line.find('&'); at != std::string::npos && at + 1 < line.size(); at = line.find('&', at + 2)) {
      if (line[at + 1] == '&') continue;  // "&&" is a literal ampersand
      std::string key(1, static_cast<char>(std::tolower(static_cast<unsigned char>(line[at + 1]))));
      keys[key].push_back(line);
    }
  }
  return keys;
}

TEST_F(StationScreens, EachAltKeyBelongsToOneControlOnEveryScreen) {
  ASSERT_EQ(test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) +
                          " --speed 20000 --operator 'Nguyễn Văn An'")
                .exit_code,
            0);
  for (const std::string lang : {"vi", "en"}) {
    for (const std::string screen : {"results", "setup", "scan", "adjudication", "gallery", "audit", "record"}) {
      const auto keys = alt_keys(screen_text(screen, "", lang));
      // The seven tabs' digits at least, and the screen's own keys.
      EXPECT_GE(keys.size(), 8U) << screen << " (" << lang << ")";
      for (const auto& [key, texts] : keys) {
        // ASCII only: a key a person can press with Alt on any keyboard layout.
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(key[0]))) << screen << " (" << lang << "): “" << texts.front() << "”";
        EXPECT_EQ(texts.size(), 1U) << screen << " (" << lang << "): Alt+" << key << " is offered by " << ::testing::PrintToString(texts);
      }
    }
  }
}

TEST_F(StationScreens, AnAlteredLogShowsOnTheAuditScreen) {
  ASSERT_EQ(test::run_cli("scan " + test::quote_arg(db) + " --source " + test::quote_arg("sim:" + test::source_path("sample_ballots/deck")) +
                          " --speed 20000")
                .exit_code,
            0);
  // Sheet 5: a colour scan counted as read (a gray one waits for its stamp to be seen).
  ASSERT_EQ(test::exec_sql(db, "UPDATE sheets SET marks = '{}' WHERE id = 5"), "");
  const std::string audit = screen_text("audit", "--run verify");
  // Twice: the marks are not the ones its entry gave, nor the ones its recognition line read.
  EXPECT_THAT(audit, HasSubstr("Kiểm tra xong: có 2 sai lệch."));
  EXPECT_THAT(audit, HasSubstr("sheet 5 ("));
  EXPECT_THAT(audit, HasSubstr("marks its stored recognition does not give"));
}

TEST_F(StationScreens, WithoutSignInTheStationIsReadOnly) {
  const auto png = (dir.path() / "ro.png").string();
  const auto text = (dir.path() / "ro.txt").string();
  ASSERT_EQ(test::run_cli("console " + test::quote_arg(db) + " --screen scan --screenshot " + test::quote_arg(png) + " --screen-text " + test::quote_arg(text))
                .exit_code,
            0);
  EXPECT_THAT(test::read_file(text), HasSubstr("Chưa đăng nhập: chỉ xem"));
  EXPECT_THAT(test::read_file(text), HasSubstr("Cần đăng nhập để quét"));
  // A wrong PIN at sign-in: refused, said, and recorded.
  const auto wrong = with_pin("console " + test::quote_arg(db) + " --sign-in 'Nguyễn Văn An' --screenshot " + test::quote_arg(png), "0000");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("Sai mã PIN của Nguyễn Văn An"));
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
