// Commands on a congress database: init, ingest, issued, waiting, adjudicate, results, audit.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/files.hpp"
#include "cli/preparation.hpp"
#include "cli/report_writer.hpp"
#include "cli/sheet_reading.hpp"
#include "recognition/evidence_json.hpp"
#include "recognition/image_io.hpp"
#include "recognition/recognizer.hpp"
#include "tally/congress_db.hpp"

namespace kp::cli {
namespace {

namespace fs = std::filesystem;

std::optional<tally::CongressDb> open_db(const std::string& path, Lang lang) {
  auto db = tally::CongressDb::open(path);
  if (!db) {
    print_error(db.error(), lang);
    return std::nullopt;
  }
  return std::move(*db);
}

// Says the error, if any; true when the result holds a value.
template <class T>
bool reported(const Result<T>& result, Lang lang) {
  if (!result) print_error(result.error(), lang);
  return static_cast<bool>(result);
}

// Recognises the files on all cores; `each` sees them in input order.
template <class Each>
void recognise_in_order(const recognition::Recognizer& r, const std::vector<std::string>& files, int threads, Each each) {
  const std::size_t n = files.size();
  std::vector<std::optional<std::pair<Result<Image>, SideEvidence>>> done(n);
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      auto image = recognition::read_image_file(files[i]);
      SideEvidence e;
      if (image) {
        e = r.recognize(image->view());
      } else {
        e.reasons.push_back(image.error().code == "corrupt_image" ? Rejection::corrupt_image : Rejection::unreadable_file);
      }
      {
        std::lock_guard lock(mutex);
        done[i].emplace(std::move(image), std::move(e));
      }
      ready.notify_all();
    }
  };
  const std::size_t count = std::min<std::size_t>(n, threads > 0 ? static_cast<std::size_t>(threads)
                                                                  : std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::jthread> pool;
  for (std::size_t t = 0; t < count; ++t) pool.emplace_back(work);
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return done[i].has_value(); });
    auto item = std::move(*done[i]);
    done[i].reset();
    lock.unlock();
    each(i, item.first, item.second);
  }
}

// "[██████····]" — 30 cells, for progress on stderr.
std::string progress_bar(std::size_t done, std::size_t total) {
  constexpr std::size_t kCells = 30;
  const std::size_t filled = total == 0 ? kCells : done * kCells / total;
  std::string bar = "[";
  for (std::size_t c = 0; c < kCells; ++c) bar += c < filled ? "█" : "·";
  return bar + "]";
}

}  // namespace

int run_init(const InitArgs& args, Lang lang) {
  const auto p = prepare(config::load_election_file(args.election_path), lang);
  if (!p) return 1;
  const std::string toml = read_file_bytes(args.election_path);
  auto db = tally::CongressDb::create(args.db_path, toml, fs::path(args.election_path).filename().string());
  if (!reported(db, lang)) return 1;
  const bool en = lang == Lang::en;
  std::cout << nlohmann::json{{"database", args.db_path}, {"election_id", db->election().id}, {"election_hash", db->election().content_hash},
                              {"key_fingerprint", db->key_fingerprint()}, {"images", db->images_dir()}}
                   .dump()
            << '\n';
  std::cerr << (en ? "Write the station key fingerprint in the minutes: " : "Ghi dấu vân tay khóa của trạm vào biên bản: ")
            << db->key_fingerprint() << '\n';
  return 0;
}

int run_ingest(const IngestArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  auto recognizer = recognizer_for(*db);
  if (!reported(recognizer, lang)) return 1;
  const Thresholds& t = db->election().thresholds;
  // The files given are one batch: its start and end are in the log, and a killed run leaves it
  // open until the next batch ends it as interrupted.
  const auto batch = db->start_batch("files", "", "");
  if (!reported(batch, lang)) return 1;
  int failures = 0;
  recognise_in_order(*recognizer, args.images, args.threads, [&](std::size_t i, const Result<Image>& image, const SideEvidence& e) {
    const std::string& path = args.images[i];
    if (!image) {
      print_error(image.error(), lang);
      ++failures;
      std::cout << nlohmann::json{{"image", path}, {"status", "not_stored"}, {"reasons", {image.error().code}}}.dump() << '\n';
      return;
    }
    const auto outcome = db->ingest(sheet_input(path, path, e, t, *batch));
    if (!outcome) {
      print_error(outcome.error(), lang);
      ++failures;
      return;
    }
    std::cout << nlohmann::json{{"image", path}, {"sheet_id", outcome->sheet.id}, {"duplicate", outcome->duplicate}, {"round", outcome->sheet.round},
                                {"status", to_string(outcome->sheet.status)}, {"wait_reasons", outcome->sheet.wait_reasons}}
                     .dump()
              << '\n'
              << std::flush;
  });
  if (!reported(db->end_batch(*batch, "done"), lang)) return 1;
  return failures == 0 ? 0 : 1;
}

int run_issued(const IssuedArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  return reported(db->set_issued(args.contest_id, args.count, args.by), lang) ? 0 : 1;
}

int run_member_add(const MemberArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto members = db->members();
  if (!reported(members, lang)) return 1;
  std::string pin, consent_pin;
  std::getline(std::cin, pin);
  if (!members->empty()) {
    if (args.by.empty()) {
      print_error(Error{"not_committee", {"Cần một thành viên Ban kiểm phiếu đồng ý (--by, mã PIN ở dòng thứ hai)",
                                          "A committee member must consent (--by, their PIN on the second line)"}, ""}, lang);
      return 1;
    }
    std::getline(std::cin, consent_pin);
    if (!reported(db->check_pin(args.by, consent_pin), lang)) return 1;
  }
  const auto role = tally::parse_member_role(args.role);
  const auto added = db->add_member(args.name, role.value_or(tally::MemberRole::committee), pin, args.by);
  if (!reported(added, lang)) return 1;
  std::cout << nlohmann::json{{"name", added->name}, {"role", tally::to_string(added->role)}, {"added_by", added->added_by}}.dump() << '\n';
  return 0;
}

int run_member_list(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto members = db->members();
  if (!reported(members, lang)) return 1;
  for (const auto& m : *members) {
    std::cout << nlohmann::json{{"name", m.name}, {"role", tally::to_string(m.role)}, {"added_at", m.added_at}, {"added_by", m.added_by}}.dump() << '\n';
  }
  return 0;
}

int run_waiting(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto sheets = db->sheets();
  if (!reported(sheets, lang)) return 1;
  for (const auto& s : *sheets) {
    if (s.status != tally::SheetStatus::waiting) continue;
    std::cout << nlohmann::json{{"sheet_id", s.id}, {"image", s.image_name}, {"contest_id", s.contest_id}, {"side", s.side},
                                {"serial", s.serial}, {"wait_reasons", s.wait_reasons}}
                     .dump()
              << '\n';
  }
  return 0;
}

int run_adjudicate(const AdjudicateArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  if (args.set_aside) {
    const auto row = db->set_aside(args.sheet_id, args.reason, args.members.at(0), args.members.at(1));
    if (!reported(row, lang)) return 1;
    std::cout << nlohmann::json{{"sheet_id", row->id}, {"status", to_string(row->status)}}.dump() << '\n';
    return 0;
  }
  std::map<std::string, MarkState> marks;
  for (const auto& m : args.marks) {
    const auto eq = m.find('=');
    const auto state = eq == std::string::npos ? std::nullopt : parse_mark_state(m.substr(eq + 1));
    if (!state) {
      print_error({"bad_mark", {"“--mark” cần dạng ỨNG_CỬ_VIÊN=TRẠNG_THÁI: " + m, "“--mark” takes CANDIDATE=STATE: " + m}, "--mark"}, lang);
      return 2;
    }
    marks[m.substr(0, eq)] = *state;
  }
  std::set<SheetFlag> flags;
  for (const auto& f : args.flags) {
    const auto flag = parse_sheet_flag(f);
    if (!flag) {
      print_error({"bad_flag", {"Dấu hiệu không có: " + f, "Unknown flag: " + f}, "--flag"}, lang);
      return 2;
    }
    flags.insert(*flag);
  }
  const auto row = db->adjudicate(args.sheet_id, marks, flags, args.reason, args.members.at(0), args.members.at(1));
  if (!reported(row, lang)) return 1;
  std::cout << nlohmann::json{{"sheet_id", row->id}, {"status", to_string(row->status)}}.dump() << '\n';
  return 0;
}

int run_results(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto summary = db->count();
  if (!reported(summary, lang)) return 1;
  if (args.json) {
    auto j = nlohmann::ordered_json::parse(tally::results_json(summary->results));
    j["sheets"] = {{"counted", summary->counted}, {"waiting", summary->waiting}, {"rejected", summary->rejected},
                   {"conflicting_serials", summary->conflicting_serials}};
    j["final"] = summary->final;
    std::cout << j.dump() << '\n';
    return 0;
  }
  const bool en = lang == Lang::en;
  std::cout << (en ? "Sheets: counted " : "Tờ phiếu: đã đếm ") << summary->counted << (en ? ", waiting for the committee " : ", chờ Ban kiểm phiếu ")
            << summary->waiting << (en ? ", refused " : ", bị từ chối ") << summary->rejected
            << (summary->conflicting_serials > 0 ? (en ? ", serials counted twice (not counted until settled) " : ", số phiếu trùng số sê-ri (chưa đếm cho đến khi giải quyết) ")
                                                 : "")
            << (summary->conflicting_serials > 0 ? std::to_string(summary->conflicting_serials) : std::string()) << '\n'
            << (summary->final ? (en ? "FINAL RESULT\n\n" : "KẾT QUẢ CHÍNH THỨC\n\n")
                               : (en ? "PROVISIONAL: ballots wait, ballots issued are missing or reconciliation fails\n\n"
                                     : "TẠM THỜI: còn phiếu chờ xem xét, chưa nhập số phiếu phát ra hoặc đối chiếu không khớp\n\n"))
            << tally::results_text(db->election(), summary->results, lang);
  return 0;
}

int run_report(const DbArgs& args, const std::string& out_dir, const std::string& by, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto summary = db->count();
  if (!reported(summary, lang)) return 1;
  ReportContext context{summary->waiting, summary->final, db->key_fingerprint(), summary->contests, {}};
  for (const auto& s : summary->standing) context.closed_at.push_back(s.closed_at);
  const auto written = write_reports(db->election(), summary->results, context, out_dir, lang);
  for (const auto& path : written) std::cout << path << '\n';
  if (!by.empty() && !reported(db->record_documents("record", by, written), lang)) return 1;
  return 0;
}

int run_export(const DbArgs& args, const std::string& out_dir, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto summary = db->export_cvr(out_dir);
  if (!reported(summary, lang)) return 1;
  std::cout << nlohmann::json{{"records", summary->records}, {"merkle_root", summary->merkle_root}, {"manifest", summary->manifest_path}}.dump()
            << '\n';
  return 0;
}

int run_audit_export(const std::string& dir, Lang lang) {
  const auto problems = tally::verify_cvr_export(dir);
  for (const auto& p : problems) std::cout << nlohmann::json{{"problem", p}}.dump() << '\n';
  std::cerr << (problems.empty() ? (lang == Lang::en ? "export: everything holds\n" : "bản xuất: mọi thứ khớp\n")
                                 : (lang == Lang::en ? "export: problems found\n" : "bản xuất: có sai lệch\n"));
  return problems.empty() ? 0 : 1;
}

int run_audit_verify(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto problems = db->verify();
  for (const auto& p : problems) std::cout << nlohmann::json{{"position", p.position}, {"problem", p.what}}.dump() << '\n';
  std::cerr << (problems.empty() ? (lang == Lang::en ? "audit: everything holds\n" : "kiểm tra: mọi thứ khớp\n")
                                 : (lang == Lang::en ? "audit: problems found\n" : "kiểm tra: có sai lệch\n"));
  return problems.empty() ? 0 : 1;
}

int run_audit_replay(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto sheets = db->sheets();
  if (!reported(sheets, lang)) return 1;
  auto recognizer = recognizer_for(*db);
  if (!reported(recognizer, lang)) return 1;
  std::vector<std::string> files;
  for (const auto& s : *sheets) files.push_back((fs::path(db->images_dir()) / s.stored_file).string());
  int differences = 0;
  recognise_in_order(*recognizer, files, 0, [&](std::size_t i, const Result<Image>&, const SideEvidence& e) {
    const auto& s = (*sheets)[i];
    const std::string again = recognition::recognition_json_line(s.image_name, e, db->election().thresholds);
    if (again != s.recognition) {
      ++differences;
      std::cout << nlohmann::json{{"sheet_id", s.id}, {"image", s.image_name}, {"stored", s.recognition}, {"replayed", again}}.dump() << '\n';
    }
    std::cerr << '\r' << progress_bar(i + 1, files.size()) << (lang == Lang::en ? " replayed " : " đã đọc lại ") << i + 1 << '/' << files.size()
              << (differences > 0 ? (lang == Lang::en ? ", differences " : ", khác biệt ") + std::to_string(differences) : std::string()) << std::flush;
  });
  std::cerr << '\n'
            << (differences == 0 ? (lang == Lang::en ? "replay: every sheet reads exactly as recorded\n" : "đọc lại: mọi tờ khớp đúng như đã ghi\n")
                                 : (lang == Lang::en ? "replay: differences found\n" : "đọc lại: có khác biệt\n"));
  return differences == 0 ? 0 : 1;
}

namespace {

nlohmann::ordered_json round_json(const tally::RoundRow& r) {
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (const auto& c : r.contest.candidates) ids.push_back(c.id);
  nlohmann::ordered_json j{{"contest_id", r.contest_id}, {"round", r.round}, {"state", r.open ? "open" : "closed"},
                           {"seats", r.contest.seats}, {"candidates", ids}, {"layout_hash", r.layout_hash},
                           {"issued", r.issued ? nlohmann::ordered_json(*r.issued) : nlohmann::ordered_json(nullptr)},
                           {"opened_at", r.opened_at}};
  if (!r.open) {
    j["closed_at"] = r.closed_at;
    j["result"] = nlohmann::ordered_json::parse(r.result_json)["contests"][0];
  }
  return j;
}

}  // namespace

int run_round_list(const RoundArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto rounds = db->rounds();
  if (!reported(rounds, lang)) return 1;
  const bool en = lang == Lang::en;
  for (const auto& r : *rounds) {
    if (args.json) {
      std::cout << round_json(r).dump() << '\n';
      continue;
    }
    std::cout << r.contest_id << (en ? " round " : " lần ") << r.round << ": " << r.contest.title << " — "
              << (r.open ? (en ? "open" : "đang mở") : (en ? "closed " : "đã kết thúc ") + r.closed_at) << ", "
              << r.contest.seats << (en ? " seats, " : " ghế, ") << r.contest.candidates.size() << (en ? " names" : " người") << '\n';
  }
  return 0;
}

int run_round_close(const RoundArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto row = db->close_round(args.contest_id, args.members.at(0), args.members.at(1));
  if (!reported(row, lang)) return 1;
  std::cout << round_json(*row).dump() << '\n';
  return 0;
}

int run_round_open(const RoundArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto row = db->open_round(args.contest_id, args.candidates, args.seats, args.decision, args.members.at(0), args.members.at(1));
  if (!reported(row, lang)) return 1;
  std::cout << round_json(*row).dump() << '\n';
  std::cerr << (lang == Lang::en ? "Print its ballots with: kiemphieu round ballots " : "In phiếu của lần bầu này: kiemphieu round ballots ") << args.db_path
            << ' ' << args.contest_id << " --out DIR\n";
  return 0;
}

int run_round_ballots(const RoundArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto rounds = db->rounds();
  if (!reported(rounds, lang)) return 1;
  const tally::RoundRow* open = nullptr;
  for (const auto& r : *rounds) {
    if (r.contest_id == args.contest_id && r.open) open = &r;
  }
  if (open == nullptr) {
    print_error({"round_closed", {"Cuộc bầu " + args.contest_id + " không có lần bầu nào đang mở", "Contest " + args.contest_id + " has no open round"},
                 args.contest_id},
                lang);
    return 1;
  }
  auto layout = config::compute_layout(db->election(), open->contest);
  if (!reported(layout, lang)) return 1;
  Prepared p;
  p.election = std::make_shared<const config::Election>(db->election());
  p.layouts = {*layout};
  if (const int rc = write_ballots(p, args.out_dir, args.dpi, args.count, lang); rc != 0) return rc;
  if (args.by.empty()) return 0;
  // Every file of this printing goes into the log with its hash (the PDF, the serials printed).
  std::vector<std::string> written;
  for (const auto& entry : fs::directory_iterator(args.out_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind(args.contest_id, 0) == 0) written.push_back(entry.path().string());
  }
  std::sort(written.begin(), written.end());
  return reported(db->record_documents("ballots", args.by, written), lang) ? 0 : 1;
}

}  // namespace kp::cli
