// kp_fuzz: mutation fuzzing of every parser that reads what someone other than the station hands
// it — an election definition (TOML), ballot records (JSONL), scanned image files (their headers
// first) and the observer feed's signed messages. Built into the CI build and, by the ctest case
// fuzz_under_asan, with AddressSanitizer and UBSan (cmake/FuzzUnderSanitizers.cmake).
//
//   kp_fuzz TARGET [--cases N] [--seed S] [--corpus DIR]... [--replay DIR]...
//
// Every seed of the corpus folders (and the seeds the target makes itself) runs once as it is,
// every file of a --replay folder runs once (the crashes found before, kept as regressions), then
// N mutated cases. The cases are a pure function of (--seed, case number, the seeds): a failure
// names its case and writes its input to kp-fuzz-TARGET-crash.bin in the working folder, so it
// can be kept as a regression and replayed. (observer_feed signs its seeds with a station key
// made at start, so its signed seeds, and the cases made from them, differ from run to run; the
// crash file is what reproduces one.) A target may refuse an input in any way it likes; it may not
// crash, hang, throw, or leak an exception across the boundary (errors there are values).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/files.hpp"
#include "config/load.hpp"
#include "recognition/image_io.hpp"
#include "station/observer_feed.hpp"
#include "tally/congress_db.hpp"
#include "tally/records.hpp"
#include "ui/results_view.hpp"

#if defined(__has_include)
#if __has_include(<sanitizer/common_interface_defs.h>) && defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define KP_FUZZ_SANITIZED 1
#endif
#endif

namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

using Bytes = std::string;  // inputs are bytes; std::string keeps them and views them cheaply

struct Target {
  std::string name;
  std::vector<std::string> dictionary;              // tokens the mutator inserts whole
  std::function<std::vector<Bytes>()> make_seeds;   // seeds the target makes itself (signed messages, encoded images)
  std::function<bool(const Bytes&)> one;            // runs one input: whether the parser accepted it
};

// --- the current input, for a crash report written from a signal or the sanitizer's death ----
std::string g_crash_path;
const Bytes* g_current = nullptr;

void write_current_input() {
  if (g_current == nullptr || g_crash_path.empty()) return;
  const int fd = ::open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  const char* p = g_current->data();
  std::size_t left = g_current->size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
}

extern "C" void on_fatal_signal(int sig) {
  write_current_input();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// --- the mutator -------------------------------------------------------------------------------

// Values that break parsers most often: boundaries of integer widths, empty, huge and odd text.
const std::vector<std::string> kInterestingText = {"0", "-1", "1", "255", "256", "65535", "65536", "2147483647", "-2147483648",
                                                   "4294967296", "9223372036854775807", "99999999999999999999999", "1e308",
                                                   "-1e308", "nan", "inf", "\"\"", "[]", "{}", "null", "true", "\\u0000",
                                                   "\xEF\xBB\xBF", "\xE2\x80\xAE", "\xCC\x81", "\xFF\xFE", "\n", "\r\n", "\t"};

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : random_(seed) {}

  Bytes mutate(const std::vector<Bytes>& corpus, const std::vector<std::string>& dictionary) {
    Bytes input = corpus[pick(corpus.size())];
    const int rounds = 1 + static_cast<int>(pick(8));
    for (int r = 0; r < rounds; ++r) mutate_once(input, corpus, dictionary);
    // A page image at 600 dpi A3 is the largest input anything reads whole (~30 MB); fuzzing
    // beyond a megabyte finds nothing smaller inputs do not, and slows every case.
    if (input.size() > (1u << 20)) input.resize(1u << 20);
    return input;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random_() % n); }

  void mutate_once(Bytes& input, const std::vector<Bytes>& corpus, const std::vector<std::string>& dictionary) {
    const std::size_t at = pick(input.size() + 1);
    switch (pick(11)) {
      case 0:  // one bit
        if (!input.empty()) input[pick(input.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1: {  // one byte, often a delimiter
        // Sized by the array, not strlen: the list starts with a NUL.
        static constexpr char kByteList[] = "\0\x01\x7f\x80\xff\"\\\n[]{},:=.#'";
        static constexpr std::string_view kBytes{kByteList, sizeof kByteList - 1};
        if (!input.empty()) input[pick(input.size())] = kBytes[pick(kBytes.size())];
        break;
      }
      case 2:  // a range deleted
        if (!input.empty()) input.erase(pick(input.size()), 1 + pick(std::min<std::size_t>(64, input.size())));
        break;
      case 3:  // a range repeated (deep nesting, long lists, many contests)
        if (!input.empty()) {
          const std::size_t from = pick(input.size());
          const std::size_t len = 1 + pick(std::min<std::size_t>(256, input.size() - from));
          const Bytes piece = input.substr(from, len);
          const std::size_t times = 1 + pick(16);
          for (std::size_t i = 0; i < times; ++i) input.insert(std::min(at, input.size()), piece);
        }
        break;
      case 4:  // random bytes
        for (std::size_t i = 0, n = 1 + pick(8); i < n; ++i) input.insert(input.begin() + static_cast<std::ptrdiff_t>(std::min(at, input.size())), static_cast<char>(random_()));
        break;
      case 5:  // a token of the format
        if (!dictionary.empty()) input.insert(std::min(at, input.size()), dictionary[pick(dictionary.size())]);
        break;
      case 6:  // an interesting value in place of a few bytes
        if (!input.empty()) {
          const std::size_t from = pick(input.size());
          input.replace(from, std::min<std::size_t>(1 + pick(6), input.size() - from), kInterestingText[pick(kInterestingText.size())]);
        }
        break;
      case 7: {  // spliced with another seed
        const Bytes& other = corpus[pick(corpus.size())];
        if (!other.empty()) input = input.substr(0, std::min(at, input.size())) + other.substr(pick(other.size()));
        break;
      }
      case 8:  // a 16- or 32-bit field set to a boundary (image dimensions, chunk lengths)
        if (input.size() >= 4) {
          static constexpr std::uint32_t kFields[] = {0, 1, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 65000, 30000};
          const std::uint32_t v = kFields[pick(std::size(kFields))];
          const std::size_t from = pick(input.size() - 3);
          const bool wide = pick(2) == 0;
          const bool big_endian = pick(2) == 0;
          for (std::size_t i = 0; i < (wide ? 4u : 2u); ++i) {
            const std::size_t shift = big_endian ? ((wide ? 3 : 1) - i) * 8 : i * 8;
            input[from + i] = static_cast<char>((v >> shift) & 0xff);
          }
        }
        break;
      case 9:  // cut short (a file half written, a frame cut off)
        input.resize(pick(input.size() + 1));
        break;
      default:  // two bytes swapped
        if (input.size() >= 2) std::swap(input[pick(input.size())], input[pick(input.size())]);
        break;
    }
  }

  std::mt19937_64 random_;
};

// --- the targets -------------------------------------------------------------------------------

std::string source_file(const std::string& relative) { return kp::read_file_bytes(std::string(KP_SOURCE_DIR) + "/" + relative); }

Target election_toml() {
  return {"election_toml",
          {"[election]", "[electorate]", "[[contest]]", "id = ", "congress = ", "kind = ", "\"members\"", "\"delegates\"", "date = ",
           "rules = ", "\"party-190\"", "\"state-na-2015\"", "convened = ", "seats = ", "ballot = ", "\"strike\"", "\"box\"", "paper = ",
           "\"A5\"", "\"A3\"", "candidates = [", "{ id = \"c01\", name = \"Nguyễn Văn An\" }", "sides = ", "columns = ", "title = ",
           "\"\"\"", "'''", "[[", "]]", "= {", "\\u00e9"},
          // The definitions the project ships besides the corpus folder's.
          [] { return std::vector<Bytes>{source_file("sample_ballots/example-congress.toml"), source_file("tests/data/two-sided-congress.toml")}; },
          [](const Bytes& input) {
            return kp::config::parse_election(input, "fuzz.toml").has_value();
          }};
}

Target ballot_records() {
  // The records are read against an election: the example congress's, parsed once.
  auto loaded = kp::config::parse_election(source_file("sample_ballots/example-congress.toml"), "example-congress.toml");
  if (!loaded) throw std::runtime_error("the example congress does not parse");
  auto election = loaded->election;
  return {"ballot_records",
          {"{\"contest_id\": \"bch\", ", "\"marks\": {", "\"flags\": [", "\"issued\": ", "\"struck\"", "\"kept\"", "\"yes\"", "\"no\"",
           "\"blank\"", "\"both\"", "\"no_stamp\"", "\"write_in\"", "\"identifying_mark\"", "\"c01\": ", "\"bi-thu\"", "\"ubkt\"",
           "\"dai-bieu\"", "\n"},
          [] { return std::vector<Bytes>{}; },
          [election](const Bytes& input) {
            const auto records = kp::tally::parse_records(input, "fuzz.jsonl", *election);
            if (!records) return false;
            (void)kp::tally::results_json(kp::tally::count_all(*election, *records));
            return true;
          }};
}

Target image_headers() {
  return {"image_headers",
          // std::string literals ("…"s) keep the NULs inside TIFF and JPEG headers.
          {"\xFF\xD8\xFF\xE0"s, "\xFF\xC0\x00\x11\x08"s, "\xFF\xC2"s, "\xFF\xDA"s, "\xFF\xD9"s, "\x89PNG\r\n\x1a\n"s, "IHDR"s, "IDAT"s,
           "IEND"s, "II*\x00"s, "MM\x00*"s, "BM"s, "P5\n"s, "P6\n65500 65500\n255\n"s, "RIFF"s, "WEBPVP8 "s},
          [] {
            // Small images in every format a scanner writes or a folder may hold, encoded here by
            // OpenCV so the seeds are the same on every machine.
            std::vector<Bytes> seeds;
            cv::Mat gray(24, 32, CV_8UC1);
            cv::Mat colour(24, 32, CV_8UC3);
            for (int y = 0; y < 24; ++y) {
              for (int x = 0; x < 32; ++x) {
                gray.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(x * 8);
                colour.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(x * 8), static_cast<std::uint8_t>(y * 10), 128);
              }
            }
            cv::Mat gray16;
            gray.convertTo(gray16, CV_16UC1, 256);
            const auto encode = [&](const std::string& ext, const cv::Mat& image, const std::vector<int>& params = {}) {
              std::vector<unsigned char> out;
              if (cv::imencode(ext, image, out, params)) seeds.emplace_back(out.begin(), out.end());
            };
            encode(".jpg", gray);
            encode(".jpg", colour, {cv::IMWRITE_JPEG_QUALITY, 70});
            encode(".jpg", colour, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
            encode(".png", gray);
            encode(".png", colour);
            encode(".png", gray16);
            encode(".tif", gray);
            encode(".tif", colour);
            encode(".bmp", colour);
            encode(".pgm", gray);
            encode(".ppm", colour);
            return seeds;
          },
          [](const Bytes& input) {
            return kp::recognition::decode_image(std::vector<unsigned char>(input.begin(), input.end()), "fuzz").has_value();
          }};
}

Target observer_feed() {
  // Messages signed by a real station key, as a station publishes them: results and heartbeats.
  struct Station {
    fs::path folder;
    std::string fingerprint;
    std::vector<Bytes> messages;
    ~Station() {
      std::error_code ec;
      fs::remove_all(folder, ec);
    }
  };
  auto station = std::make_shared<Station>();
  char folder_template[] = "/tmp/kp-fuzz-feed-XXXXXX";
  if (::mkdtemp(folder_template) == nullptr) throw std::runtime_error("no temporary folder");
  station->folder = folder_template;
  const std::string toml = source_file("sample_ballots/example-congress.toml");
  auto db = kp::tally::CongressDb::create((station->folder / "congress.db").string(), toml, "example-congress.toml");
  if (!db) throw std::runtime_error("no station for the feed's seeds");
  station->fingerprint = db->key_fingerprint();
  const auto summary = db->count();
  if (!summary) throw std::runtime_error("the station cannot count");
  const auto view = kp::ui::results_view_json(kp::ui::build_results_view(db->election(), *summary, kp::Lang::vi));
  const std::string head = db->head().value_or("");
  for (const auto& body : {kp::ui::feed_message("results", 1, head, view), kp::ui::feed_message("heartbeat", 2, head)}) {
    auto signed_message = kp::station::signed_feed_message(*db, body);
    if (!signed_message) throw std::runtime_error("the station cannot sign");
    station->messages.push_back(*signed_message);
    station->messages.push_back(body);  // the body alone: what the observer parses once the signature holds
  }
  return {"observer_feed",
          {"{\"body\":", "\"key\":", "\"signature\":", "\"type\":\"results\"", "\"type\":\"heartbeat\"", "\"seq\":", "\"log_head\":", "\"view\":{",
           "\"contests\":[", "\"bars\":[", "\"votes\":", "\"final\":true", "\"headline\":", "-----BEGIN PUBLIC KEY-----\\n", "\\n", "\\\""},
          [station] { return station->messages; },
          [station](const Bytes& input) {
            // The observer's path: the signature and the pinned key first, the view only then...
            bool shown = false;
            if (const auto body = kp::station::open_feed_message(input, station->fingerprint)) {
              const auto m = kp::ui::parse_feed_message(*body);
              shown = m && m->view.has_value();
            }
            // ...and the view's parser by itself, since a forged signature never reaches it.
            (void)kp::ui::parse_feed_message(input);
            return shown;
          }};
}

std::vector<Bytes> files_in(const fs::path& folder) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());  // the same order on every machine
  std::vector<Bytes> out;
  for (const auto& p : paths) out.push_back(kp::read_file_bytes(p.string()));
  return out;
}

int usage() {
  std::cerr << "usage: kp_fuzz election_toml|ballot_records|image_headers|observer_feed [--cases N] [--seed S] [--corpus DIR]... "
               "[--replay DIR]...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string name = argv[1];
  std::uint64_t cases = 1000;
  std::uint64_t base_seed = 20251;
  std::vector<fs::path> corpora;
  std::vector<fs::path> replays;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--cases") {
      cases = std::stoull(argv[i + 1]);
    } else if (option == "--seed") {
      base_seed = std::stoull(argv[i + 1]);
    } else if (option == "--corpus") {
      corpora.emplace_back(argv[i + 1]);
    } else if (option == "--replay") {
      replays.emplace_back(argv[i + 1]);
    } else {
      return usage();
    }
  }
  Target target;
  if (name == "election_toml") {
    target = election_toml();
  } else if (name == "ballot_records") {
    target = ballot_records();
  } else if (name == "image_headers") {
    target = image_headers();
  } else if (name == "observer_feed") {
    target = observer_feed();
  } else {
    return usage();
  }

  g_crash_path = (fs::current_path() / ("kp-fuzz-" + name + "-crash.bin")).string();
  for (const int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_fatal_signal);
#ifdef KP_FUZZ_SANITIZED
  __sanitizer_set_death_callback(write_current_input);
#endif

  std::vector<Bytes> corpus = target.make_seeds();
  for (const auto& folder : corpora) {
    for (auto& seed : files_in(folder)) corpus.push_back(std::move(seed));
  }
  if (corpus.empty()) {
    std::cerr << name << ": no seeds\n";
    return 1;
  }
  std::vector<Bytes> replay;
  for (const auto& folder : replays) {
    for (auto& input : files_in(folder)) replay.push_back(std::move(input));
  }

  std::uint64_t accepted = 0;
  const auto run = [&](const Bytes& input, const std::string& which) {
    g_current = &input;
    try {
      accepted += target.one(input) ? 1 : 0;
    } catch (const std::exception& e) {
      write_current_input();
      std::cerr << name << ": " << which << " threw across the parser's boundary: " << e.what() << "\n  input kept in " << g_crash_path << '\n';
      std::exit(1);
    }
    g_current = nullptr;
  };

  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < corpus.size(); ++i) run(corpus[i], "seed " + std::to_string(i));
  for (std::size_t i = 0; i < replay.size(); ++i) run(replay[i], "regression " + std::to_string(i));
  std::uint64_t bytes = 0;
  for (std::uint64_t c = 0; c < cases; ++c) {
    // Each case from its own generator: case c is the same whatever ran before it.
    Mutator mutator(base_seed * 0x9E3779B97F4A7C15ull + c);
    const Bytes input = mutator.mutate(corpus, target.dictionary);
    bytes += input.size();
    run(input, "case " + std::to_string(c) + " (--seed " + std::to_string(base_seed) + ")");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << name << ": " << corpus.size() << " seeds, " << replay.size() << " regressions, " << cases << " mutated cases ("
            << bytes / std::max<std::uint64_t>(cases, 1) << " bytes on average) in " << seconds << " s, " << accepted
            << " inputs accepted: no crash, no exception\n";
  return 0;
}
