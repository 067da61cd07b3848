#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <map>
#include <set>

#include <openssl/rand.h>

#include "station/election_summary.hpp"
#include "station/reading.hpp"
#include "cli/preparation.hpp"
#include "station/authority.hpp"
#include "station/record.hpp"
#include "common/files.hpp"
#include "config/layout.hpp"
#include "config/load.hpp"
#include "printing/ballot_renderer.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/image_io.hpp"
#include "recognition/recognizer.hpp"
#include "sample_ballots/deck_generator.hpp"
#include "sample_ballots/deck_scoring.hpp"
#include "tally/congress_db.hpp"
#include "tally/records.hpp"
#include "sample_ballots/example_congress.hpp"

namespace kp::cli {
namespace {

namespace fs = std::filesystem;

// Issued ballots carry serials drawn at random, so the order of issue cannot be read from
// a ballot; the list is written beside the PDF for the committee's record.
std::vector<std::uint32_t> draw_serials(int count, std::set<std::uint32_t>& used) {
  std::vector<std::uint32_t> out;
  while (static_cast<int>(out.size()) < count) {
    std::uint32_t r = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) throw std::runtime_error("RAND_bytes failed");
    const std::uint32_t serial = 10'000'000 + r % 90'000'000;  // eight digits
    if (used.insert(serial).second) out.push_back(serial);
  }
  return out;
}

}  // namespace

int write_ballots(const Prepared& p, const std::string& out_dir, int dpi, int count, Lang lang) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    print_error({"write_failed", {"Không tạo được thư mục", "Cannot create the folder"}, out_dir}, lang);
    return 1;
  }
  std::set<std::uint32_t> used;
  for (const auto& layout : p.layouts) {
    for (const auto& side : layout.sides) {
      const auto path = (fs::path(out_dir) / config::png_name(layout.contest_id, side.side)).string();
      if (auto r = printing::write_side_png(layout, side.side, dpi, 0, path); !r) {
        print_error(r.error(), lang);
        return 1;
      }
      std::cout << path << '\n';
    }
    const auto serials = draw_serials(count, used);
    const auto pdf = (fs::path(out_dir) / (layout.contest_id + ".pdf")).string();
    if (auto r = printing::write_ballots_pdf(layout, serials, pdf); !r) {
      print_error(r.error(), lang);
      return 1;
    }
    std::cout << pdf << '\n';
    // The committee's list of serials issued, in ascending order, never in the order of the
    // printed stack: ballots are handed out from the top of the stack, so a list in that order
    // would tie each serial (and so each scanned ballot) to the delegate who received it.
    std::vector<std::uint32_t> sorted = serials;
    std::sort(sorted.begin(), sorted.end());
    std::string list;
    for (auto s : sorted) list += std::to_string(s) + '\n';
    const auto serial_path = fs::path(out_dir) / (layout.contest_id + "-serials.txt");
    if (!write_file_bytes(serial_path, list)) {
      print_error({"write_failed", {"Không ghi được tệp", "Cannot write the file"}, serial_path.string()}, lang);
      return 1;
    }
    std::cout << serial_path.string() << '\n';
  }
  const auto layout_path = fs::path(out_dir) / "layout.json";
  if (!write_file_bytes(layout_path, config::layout_json(p.layouts, dpi) + "\n")) {
    print_error({"write_failed", {"Không ghi được tệp", "Cannot write the file"}, layout_path.string()}, lang);
    return 1;
  }
  std::cout << layout_path.string() << '\n';
  return 0;
}

namespace {

int write_synthetic_deck(const Prepared& p, const std::string& out_dir, int sheets, std::uint64_t seed, Lang lang,
                         synth::DeckSummary* summary_out = nullptr) {
  const synth::BlankProvider blank = station::blank_ballot;
  synth::DeckOptions options;
  options.sheets = sheets;
  options.seed = seed;
  auto summary = synth::write_deck(*p.election, p.layouts, blank, options, out_dir);
  if (!summary) {
    print_error(summary.error(), lang);
    return 1;
  }
  if (summary_out != nullptr) *summary_out = *summary;
  return 0;
}

// Recognises every side of a deck, writes the contract's JSON lines and prints what was read,
// with the committee's share of the work and how the reading compares with the deck's truth.
// Reads every side of a deck and compares the reading with the deck's ground truth: what the
// demo shows of recognition's accuracy (the count itself comes from the congress database).
int score_deck(const Prepared& p, const fs::path& deck, Lang lang) {
  const bool en = lang == Lang::en;
  const recognition::BlankProvider blank = station::blank_ballot;
  auto recognizer = recognition::Recognizer::create(*p.election, p.layouts, blank);
  if (!recognizer) {
    print_error(recognizer.error(), lang);
    return 1;
  }
  const auto truth = synth::read_truth((deck / "truth.jsonl").string());
  if (!truth) {
    print_error(truth.error(), lang);
    return 1;
  }
  synth::DeckScore score;
  for (const auto& side : *truth) {
    auto image = recognition::read_image_file((deck / side.image).string());
    SideEvidence e;
    if (image) {
      e = recognizer->recognize(image->view());
    } else {
      e.reasons.push_back(Rejection::corrupt_image);
    }
    synth::score_side(side, e, p.election->thresholds, score);
  }
  std::cout << (en ? "  against the deck's truth: wrong " : "  so với đáp án: đọc sai ") << score.wrong
            << (en ? ", clear marks sent to the committee " : ", dấu rõ ràng phải chuyển Ban kiểm phiếu ") << score.clear_unclear
            << (en ? ", ambiguous marks decided alone " : ", dấu không rõ mà máy tự quyết ") << score.ambiguous_decided << "\n\n";
  return 0;
}

}  // namespace

int run_check(const CheckArgs& args, Lang lang) {
  const auto p = prepare(config::load_election_file(args.election_path), lang);
  if (!p) return 1;
  std::cout << (args.json ? station::election_summary_json(*p->election, p->layouts, p->warnings) + "\n"
                          : station::election_summary_text(*p->election, p->layouts, lang));
  return 0;
}

int run_ballots(const BallotsArgs& args, Lang lang) {
  const auto p = prepare(config::load_election_file(args.election_path), lang);
  if (!p) return 1;
  return write_ballots(*p, args.out_dir, args.dpi, args.count, lang);
}

int run_synth(const SynthArgs& args, Lang lang) {
  const auto p = prepare(config::load_election_file(args.election_path), lang);
  if (!p) return 1;
  synth::DeckSummary summary;
  if (const int rc = write_synthetic_deck(*p, args.out_dir, args.sheets, args.seed, lang, &summary); rc != 0) return rc;
  std::cout << summary.truth_path << '\n';
  return 0;
}

int run_demo(const DemoArgs& args, Lang lang) {
  const bool en = lang == Lang::en;
  const auto p = prepare(config::parse_election(sample::kExampleCongressToml, "example-congress.toml"), lang);
  if (!p) return 1;
  std::cout << station::election_summary_text(*p->election, p->layouts, lang) << '\n';
  const fs::path out(args.out_dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (!write_file_bytes(out / "example-congress.toml", std::string(sample::kExampleCongressToml))) {
    print_error({"write_failed", {"Không ghi được tệp", "Cannot write the file"}, (out / "example-congress.toml").string()}, lang);
    return 1;
  }
  std::cout << (en ? "Printing ballots…\n" : "In phiếu bầu…\n");
  if (const int rc = write_ballots(*p, (out / "ballots").string(), 200, 3, lang); rc != 0) return rc;
  std::cout << (en ? "Writing a synthetic scanned deck of " : "Tạo bộ ảnh quét mô phỏng gồm ") << args.sheets
            << (en ? " sheets…\n" : " tờ…\n");
  synth::DeckSummary summary;
  fs::remove_all(out / "deck", ec);  // the scanner feeds every image in the folder: none from an earlier run
  if (const int rc = write_synthetic_deck(*p, (out / "deck").string(), args.sheets, args.seed, lang, &summary); rc != 0) return rc;
  std::cout << (en ? "Done: " : "Xong: ") << summary.sheets << (en ? " sheets, " : " tờ, ") << summary.images
            << (en ? " images; ground truth in " : " ảnh; đáp án trong ") << summary.truth_path << '\n';
  // A fresh congress database each run: the demo's own output, never a real congress's.
  const std::string db = (out / "congress.db").string();
  for (const auto* suffix : {"", "-wal", "-shm", ".key"}) fs::remove(db + suffix, ec);
  fs::remove_all(db + ".images", ec);
  InitArgs init{db, (out / "example-congress.toml").string()};
  if (const int rc = run_init(init, lang); rc != 0) return rc;
  // The demo's counting committee and operator, with PINs everyone can read: this congress is
  // only an example. A real congress registers its own at set-up.
  struct DemoMember {
    const char* name;
    tally::MemberRole role;
    const char* pin;
  };
  const std::vector<DemoMember> members{{"Nguyễn Văn An", tally::MemberRole::committee, "1111"},
                                        {"Trần Thị Bình", tally::MemberRole::committee, "2222"},
                                        {"Lê Thị Hoa", tally::MemberRole::scanner_operator, "3333"}};
  const station::Credential secretary{members[0].name, members[0].pin};
  {
    auto opened = tally::CongressDb::open(db);
    if (!opened) {
      print_error(opened.error(), lang);
      return 1;
    }
    for (const auto& m : members) {
      const std::optional<station::Credential> by = &m == &members.front() ? std::nullopt : std::optional(secretary);
      if (auto added = station::add_member(*opened, m.name, m.role, m.pin, by); !added) {
        print_error(added.error(), lang);
        return 1;
      }
      std::cout << (en ? "Demo member: " : "Thành viên mẫu: ") << m.name << " (" << (m.role == tally::MemberRole::committee ? (en ? "committee" : "Ban kiểm phiếu") : (en ? "operator" : "người quét"))
                << "), PIN " << m.pin << '\n';
    }
    for (const auto& contest : p->election->contests) {
      // Ballots issued: every delegate present received one of each (D of the example).
      if (auto entered = station::enter_issued(*opened, contest.id, 148, secretary); !entered) {
        print_error(entered.error(), lang);
        return 1;
      }
    }
  }
  std::cout << (en ? "Scanning the deck with the simulated scanner (600 images/min)…\n" : "Quét bộ phiếu bằng máy quét mô phỏng (600 ảnh/phút)…\n");
  ScanArgs scan;
  scan.db_path = db;
  scan.source = "sim:" + (out / "deck").string();
  scan.images_per_minute = 600;
  scan.operator_name = members[2].name;
  scan.quiet = true;
  if (const int rc = run_scan(scan, lang); rc != 0) return rc;
  std::cout << (en ? "How recognition read the deck:\n" : "Máy đọc bộ phiếu thế nào:\n");
  if (const int rc = score_deck(*p, out / "deck", lang); rc != 0) return rc;
  DbArgs results{db, false};
  if (const int rc = run_results(results, lang); rc != 0) return rc;
  std::cout << (en ? "Counting record (biên bản):\n" : "Biên bản kiểm phiếu:\n");
  {
    auto opened = tally::CongressDb::open(db);
    const auto record = opened ? station::write_record(*opened, (out / "record").string(), lang) : tl::unexpected(opened.error());
    if (!record) {
      print_error(record.error(), lang);
      return 1;
    }
    for (const auto& e : record->errors) print_error(e, lang);
    for (const auto& path : record->written) std::cout << path << '\n';
    // Written by the secretary: the files and their hashes go into the signed log.
    if (auto logged = station::record_documents(*opened, "record", secretary, record->written); !logged || !record->errors.empty()) {
      if (!logged) print_error(logged.error(), lang);
      return 1;
    }
  }
  if (const int rc = run_audit_verify(VerifyArgs{db, "", {}, ""}, lang); rc != 0) return rc;
  // With a display, the live results console opens on the congress just counted.
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  const auto console = console_program();
  if ((x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0')) {
    if (console) {
      std::cout << (en ? "Opening the console on the counted congress, with the simulated scanner on the deck (sign in with a demo member above; close it to finish)…\n"
                       : "Mở bàn kiểm phiếu trên đại hội vừa đếm, máy quét mô phỏng đặt sẵn trên bộ phiếu (đăng nhập bằng một thành viên mẫu ở trên; đóng cửa sổ để kết thúc)…\n")
                << std::flush;
      const std::string command = "'" + *console + "' --lang " + (en ? "en" : "vi") + " '" + db + "' --scanner 'sim:" + (out / "deck").string() + "'";
      if (std::system(command.c_str()) != 0) std::cerr << (en ? "The console could not be opened\n" : "Không mở được bảng kết quả\n");
    } else {
      std::cout << (en ? "The console is not installed (Debian package kiemphieu-console): it is not opened\n"
                       : "Chưa cài bàn kiểm phiếu (gói Debian kiemphieu-console): không mở bảng kết quả\n");
    }
  } else {
    std::cout << (en ? "No display: the console is not opened (kiemphieu-console " : "Không có màn hình: không mở bảng kết quả (kiemphieu-console ") << db << ")\n";
  }
  std::cout << '\n' << (en ? "Congress database: " : "Cơ sở dữ liệu đại hội: ") << db << '\n'
            << (en ? "Ballots: " : "Phiếu bầu: ") << (out / "ballots").string() << '\n'
            << (en ? "Sheets waiting for the committee: kiemphieu waiting " : "Tờ chờ Ban kiểm phiếu: kiemphieu waiting ") << db << '\n';
  return 0;
}

void add_definition_commands(CLI::App& app, CommandLine& line) {
  auto check = std::make_shared<CheckArgs>();
  auto* check_cmd = app.add_subcommand("check", "Kiểm tra tệp định nghĩa cuộc bầu / validate an election definition");
  check_cmd->add_option("election", check->election_path, "ELECTION.toml")->required();
  check_cmd->add_flag("--json", check->json, "JSON output");

  auto ballots = std::make_shared<BallotsArgs>();
  auto* ballots_cmd = app.add_subcommand("ballots", "In phiếu bầu (PDF, PNG, layout.json) / write printable ballots");
  ballots_cmd->add_option("election", ballots->election_path, "ELECTION.toml")->required();
  ballots_cmd->add_option("--out", ballots->out_dir, "DIR")->required();
  ballots_cmd->add_option("--dpi", ballots->dpi, "PNG resolution (default 200)")->check(CLI::Range(50, 1200));
  ballots_cmd->add_option("--count", ballots->count, "ballots per contest in the PDF (default 1)")->check(CLI::Range(1, 100000));


  auto synth = std::make_shared<SynthArgs>();
  auto* synth_cmd = app.add_subcommand("synth", "Tạo bộ ảnh quét mô phỏng có đáp án / write a synthetic scanned deck with ground truth");
  synth_cmd->add_option("election", synth->election_path, "ELECTION.toml")->required();
  synth_cmd->add_option("--out", synth->out_dir, "DIR")->required();
  synth_cmd->add_option("--sheets", synth->sheets, "number of sheets (default 40)")->check(CLI::Range(1, 1000000));
  synth_cmd->add_option("--seed", synth->seed, "seed; the same seed gives the same deck (default 1)");

  auto demo = std::make_shared<DemoArgs>();
  auto* demo_cmd = app.add_subcommand("demo", "Chạy đại hội mẫu từ đầu đến cuối / run the example congress end to end");
  demo_cmd->add_option("--out", demo->out_dir, "DIR (default demo-output)");
  demo_cmd->add_option("--sheets", demo->sheets, "sheets in the scanned deck (default 40)")->check(CLI::Range(1, 100000));
  demo_cmd->add_option("--seed", demo->seed, "deck seed (default 2025)");
  line.add(check_cmd, [check](Lang lang) { return run_check(*check, lang); });
  line.add(ballots_cmd, [ballots](Lang lang) { return run_ballots(*ballots, lang); });
  line.add(synth_cmd, [synth](Lang lang) { return run_synth(*synth, lang); });
  line.add(demo_cmd, [demo](Lang lang) { return run_demo(*demo, lang); });
}

}  // namespace kp::cli
