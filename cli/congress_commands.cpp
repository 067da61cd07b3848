// Commands on a congress database: init, ingest, issued, waiting, adjudicate, confirm-stamps, results, audit.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "common/files.hpp"
#include "common/words.hpp"
#include "cli/preparation.hpp"
#include "station/authority.hpp"
#include "station/hand_entry.hpp"
#include "station/observer_feed.hpp"
#include "station/pipeline.hpp"
#include "station/reading.hpp"
#include "station/record.hpp"
#include "station/replay.hpp"
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
  std::string passphrase;
  if (args.protect_key) {
    const auto given = read_new_passphrase(lang);
    if (!given) return 1;
    passphrase = *given;
  }
  auto db = tally::CongressDb::create(args.db_path, toml, fs::path(args.election_path).filename().string(), passphrase);
  if (!reported(db, lang)) return 1;
  const bool en = lang == Lang::en;
  if (args.protect_key) {
    std::cerr << (en ? "The station key is encrypted under the passphrase; unlock it for the session with “kiemphieu key unlock "
                     : "Khóa của trạm đã được mã hoá bằng mật khẩu; mở khóa cho phiên làm việc bằng “kiemphieu key unlock ")
              << args.db_path << "”\n";
  }
  std::cout << nlohmann::json{{"database", args.db_path}, {"election_id", db->election().id}, {"election_hash", db->election().content_hash},
                              {"key_fingerprint", db->key_fingerprint()}, {"images", db->images_dir()}}
                   .dump()
            << '\n';
  std::cerr << (en ? "Write the station key fingerprint in the minutes: " : "Ghi dấu vân tay khóa của trạm vào biên bản: ")
            << db->key_fingerprint() << '\n';
  return 0;
}

namespace {

const char* key_state_name(tally::KeyState state) {
  switch (state) {
    case tally::KeyState::plain: return "plain";
    case tally::KeyState::locked: return "locked";
    case tally::KeyState::unlocked: return "unlocked";
    case tally::KeyState::absent: return "absent";
  }
  return "?";
}

int run_key_status(const KeyArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto state = db->key_state();
  nlohmann::json out{{"key_fingerprint", db->key_fingerprint()}, {"state", key_state_name(state)}};
  if (const auto left = db->key_seconds_left()) out["seconds_left"] = *left;
  std::cout << out.dump() << '\n';
  const bool en = lang == Lang::en;
  std::cerr << words::say(words::Kind::key_state, key_state_name(state), lang);
  if (const auto left = db->key_seconds_left()) std::cerr << (en ? " (minutes left: " : " (còn ") << *left / 60 << (en ? ")" : " phút)");
  if (state == tally::KeyState::plain) std::cerr << (en ? ": protect it with “kiemphieu key protect”" : ": bảo vệ bằng “kiemphieu key protect”");
  if (state == tally::KeyState::locked) std::cerr << (en ? ": the committee unlocks it with “kiemphieu key unlock”" : ": Ban kiểm phiếu mở bằng “kiemphieu key unlock”");
  std::cerr << '\n';
  return 0;
}

int run_key_protect(const KeyArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto passphrase = read_new_passphrase(lang);
  if (!passphrase) return 1;
  std::optional<station::Credential> by;
  if (!args.by.empty()) by = station::Credential{args.by, read_pin(args.by, lang)};
  if (!reported(station::protect_key(*db, *passphrase, by), lang)) return 1;
  std::cerr << (lang == Lang::en ? "The station key is encrypted under the new passphrase.\n" : "Khóa của trạm đã được mã hoá bằng mật khẩu mới.\n");
  return run_key_status(args, lang);
}

int run_key_unlock(const KeyArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const std::string passphrase = read_secret(lang == Lang::en ? "Passphrase of the station key" : "Mật khẩu khóa trạm");
  if (!reported(station::unlock_key(*db, passphrase, args.hours), lang)) return 1;
  return run_key_status(args, lang);
}

int run_key_lock(const KeyArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  if (!reported(db->lock_key(), lang)) return 1;
  return run_key_status(args, lang);
}

}  // namespace

int run_ingest(const IngestArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  auto recognizer = station::recognizer_for(*db);
  if (!reported(recognizer, lang)) return 1;
  // The files given are one batch: its start and end are in the log, and a killed run leaves it
  // open until the next batch ends it as interrupted.
  const auto batch = db->start_batch("files", "", "");
  if (!reported(batch, lang)) return 1;
  // Papers as a scanner would give them (NAME-front.* with NAME-back.*), every side recognised
  // on all cores in the order given, each paper stored by the one pipeline once both its sides are read.
  std::vector<station::Paper> papers = station::papers_of(args.images);
  std::vector<std::string> files;
  std::vector<std::size_t> paper_of;
  for (std::size_t p = 0; p < papers.size(); ++p) {
    files.push_back(papers[p].first.path);
    paper_of.push_back(p);
    if (papers[p].second) {
      files.push_back(papers[p].second->path);
      paper_of.push_back(p);
    }
  }
  station::SheetPipeline pipeline(*db, *recognizer);
  // Papers are stored in groups of up to kPapersPerCommit in one durable commit each: the flush
  // to disk is most of a commit's cost, and a killed run still leaves every stored paper whole
  // (the next run stores the rest, nothing twice). 32 papers: the benchmark's batch mode gains
  // little beyond 100 sides per commit, and a group stays a fraction of a second of work.
  constexpr std::size_t kPapersPerCommit = 32;
  std::vector<station::Paper> group;
  std::vector<std::vector<SideEvidence>> group_evidence;
  std::vector<SideEvidence> evidence;
  int failures = 0;
  const auto flush = [&] {
    if (group.empty()) return;
    const auto stored = pipeline.store_all(group, group_evidence, *batch);
    group.clear();
    group_evidence.clear();
    if (!stored) {
      print_error(stored.error(), lang);
      ++failures;
      return;
    }
    for (const auto& paper : *stored) {
      for (const auto& name : paper.unreadable) {
        ++failures;
        std::cout << nlohmann::json{{"image", name}, {"status", "not_stored"}, {"reasons", {"unreadable_file"}}}.dump() << '\n';
      }
      for (const auto& side : paper.sides) {
        const auto& o = side.outcome;
        std::cout << nlohmann::json{{"image", side.image}, {"sheet_id", o.sheet.id}, {"duplicate", o.duplicate}, {"round", o.sheet.round},
                                    {"status", to_string(o.sheet.status)}, {"wait_reasons", tally::reason_codes(o.sheet.wait_reasons)}}
                         .dump()
                  << '\n';
      }
    }
    std::cout << std::flush;
  };
  station::recognise_in_order(*recognizer, files, args.threads, [&](std::size_t i, station::ReadSide& side) {
    if (!side.image) print_error(side.image.error(), lang);
    evidence.push_back(std::move(side.evidence));
    station::Paper& paper = papers[paper_of[i]];
    (evidence.size() == 1 ? paper.first : *paper.second).bytes = std::move(side.bytes);
    if (evidence.size() < (paper.second ? 2u : 1u)) return;
    group.push_back(std::move(paper));
    group_evidence.push_back(std::move(evidence));
    evidence.clear();
    if (group.size() == kPapersPerCommit) flush();
  });
  flush();
  if (!reported(db->end_batch(*batch, "done"), lang)) return 1;
  return failures == 0 ? 0 : 1;
}

int run_issued(const IssuedArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const station::Credential by{args.by, read_pin(args.by, lang)};
  std::optional<station::Credential> second;
  if (!args.confirmed_by.empty()) second = station::Credential{args.confirmed_by, read_pin(args.confirmed_by, lang)};
  if (!reported(station::enter_issued(*db, args.contest_id, args.count, by, second), lang)) return 1;
  std::cout << nlohmann::json{{"contest_id", args.contest_id}, {"issued", args.count}, {"by", by.name}}.dump() << '\n';
  std::cerr << (lang == Lang::en ? "Ballots issued entered: " : "Đã ghi số phiếu phát ra: ") << args.contest_id << " — " << args.count << '\n';
  return 0;
}

int run_member_add(const MemberArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  // The new member's PIN first, then (once anyone is registered) the consenting member's.
  const std::string pin = read_pin(args.name, lang);
  std::optional<station::Credential> by;
  if (!args.by.empty()) by = station::Credential{args.by, read_pin(args.by, lang)};
  const auto role = tally::parse_member_role(args.role);
  const auto added = station::add_member(*db, args.name, role.value_or(tally::MemberRole::committee), pin, by);
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
  const auto summary = db->count();
  if (!reported(summary, lang)) return 1;
  std::map<std::int64_t, const tally::SheetRow*> by_id;
  for (const auto& s : *sheets) by_id[s.id] = &s;
  const bool en = lang == Lang::en;
  // Ballots that wait: each side that waits with its own reasons, and a ballot whose other
  // side has not arrived with that reason on the side that is in.
  std::vector<std::pair<const tally::SheetRow*, std::vector<tally::WaitReason>>> shown;
  for (const auto& b : summary->ballots) {
    if (b.status != tally::SheetStatus::waiting || b.conflicting) continue;
    for (const auto id : b.sheet_ids) {
      const tally::SheetRow* s = by_id.at(id);
      if (s->status == tally::SheetStatus::waiting) shown.emplace_back(s, s->wait_reasons);
      else if (!b.reasons.empty()) shown.emplace_back(s, b.reasons);
    }
  }
  if (!args.json) {
    std::cout << (en ? "Ballots waiting for the committee: " : "Tờ phiếu chờ Ban kiểm phiếu: ") << summary->waiting << '\n';
  }
  for (const auto& [s, reasons] : shown) {
    if (args.json) {
      std::cout << nlohmann::json{{"sheet_id", s->id}, {"image", s->image_name}, {"contest_id", s->contest_id}, {"side", s->side},
                                  {"serial", s->serial}, {"wait_reasons", tally::reason_codes(reasons)}}
                       .dump()
                << '\n';
      continue;
    }
    std::string said;
    for (const auto& r : reasons) said += (said.empty() ? "" : "; ") + tally::say(r, db->election(), s->contest_id, lang);
    const auto side = parse_side(s->side);
    std::cout << "#" << s->id << "  " << s->contest_id << (en ? ", ballot no. " : ", phiếu số ") << s->serial << ", "
              << (side ? words::say(*side, lang) : s->side) << ": " << said << '\n';
  }
  if (!args.json && !shown.empty()) {
    std::cout << (en ? "Record a ruling: kiemphieu adjudicate DB NUMBER … (the number after #)\n"
                     : "Ghi quyết định: kiemphieu adjudicate DB SỐ … (số sau dấu #)\n");
  }
  return 0;
}

int run_adjudicate(const AdjudicateArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  // Each member's PIN on its own line, in the order of --by.
  const station::Credential first{args.members.at(0), read_pin(args.members.at(0), lang)};
  const station::Credential second{args.members.at(1), read_pin(args.members.at(1), lang)};
  if (args.set_aside) {
    const auto row = station::set_aside(*db, args.sheet_id, args.reason, first, second);
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
  const auto row = station::rule(*db, args.sheet_id, marks, flags, args.reason, first, second);
  if (!reported(row, lang)) return 1;
  std::cout << nlohmann::json{{"sheet_id", row->id}, {"status", to_string(row->status)}}.dump() << '\n';
  return 0;
}

namespace {

// One member's entry as typed: "SERIAL CANDIDATE=STATE …"; on a strike ballot a bare candidate id
// is struck and a name not given is kept, as the paper reads.
std::optional<station::HandEntry> parse_entry(const std::string& line, BallotForm form, Lang lang) {
  std::istringstream words(line);
  std::string word;
  station::HandEntry entry;
  if (!(words >> word) || word.find_first_not_of("0123456789") != std::string::npos || word.size() > 9) {
    print_error({"bad_entry", {"Lần nhập phải bắt đầu bằng số phiếu: " + line, "An entry starts with the ballot's serial: " + line}, "enter"}, lang);
    return std::nullopt;
  }
  entry.serial = static_cast<std::uint32_t>(std::stoul(word));
  while (words >> word) {
    const auto eq = word.find('=');
    const auto state = eq == std::string::npos ? (form == BallotForm::strike ? std::optional(MarkState::struck) : std::nullopt)
                                               : parse_mark_state(word.substr(eq + 1));
    if (!state || eq == 0) {
      print_error({"bad_entry", {"Không hiểu “" + word + "”: cần ỨNG_CỬ_VIÊN=TRẠNG_THÁI", "Cannot read “" + word + "”: CANDIDATE=STATE expected"}, "enter"}, lang);
      return std::nullopt;
    }
    const std::string candidate = word.substr(0, eq);
    if (entry.marks.count(candidate) != 0) {
      print_error({"bad_entry", {"“" + candidate + "” được nhập hai lần", "“" + candidate + "” is entered twice"}, "enter"}, lang);
      return std::nullopt;
    }
    entry.marks[candidate] = *state;
  }
  return entry;
}

}  // namespace

int run_enter(const EnterArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const bool en = lang == Lang::en;
  const config::Contest* contest = db->election().find_contest(args.contest_id);
  if (contest == nullptr) {
    print_error({"unknown_contest", {"Không có cuộc bầu " + args.contest_id, "No contest " + args.contest_id}, "enter"}, lang);
    return 1;
  }
  const station::Credential first{args.members.at(0), read_pin(args.members.at(0), lang)};
  const station::Credential second{args.members.at(1), read_pin(args.members.at(1), lang)};
  // The PINs are checked before anyone types a ballot of 55 names (and again when it is stored).
  if (const auto members = station::authorize_two(*db, first, second, "adjudication"); !reported(members, lang)) return 1;
  // Each member types the ballot unseen by the other (not echoed on a terminal); a disagreement
  // is shown and, at a terminal, both enter it again.
  const bool at_terminal = ::isatty(STDIN_FILENO) != 0;
  const std::string how = en ? " — SERIAL then CANDIDATE=STATE… (on a strike ballot: the struck ids)" : " — SỐ PHIẾU rồi ỨNG_CỬ_VIÊN=TRẠNG_THÁI… (phiếu gạch tên: các mã bị gạch)";
  for (int attempt = 1;; ++attempt) {
    const auto a = parse_entry(read_secret((en ? "Entry of " : "Lần nhập của ") + first.name + how), contest->ballot, lang);
    if (!a) return 2;
    const auto b = parse_entry(read_secret((en ? "Entry of " : "Lần nhập của ") + second.name + how), contest->ballot, lang);
    if (!b) return 2;
    const auto differ = station::entries_differ(*db, args.contest_id, *a, *b);
    if (!differ.empty()) {
      const auto said = [&](const station::HandEntry& e, const std::string& what) {
        if (what == "serial") return std::to_string(e.serial);
        const auto it = e.marks.find(what);
        if (it != e.marks.end()) return std::string(to_string(it->second));
        // A name not entered on a strike ballot is kept; on a box ballot it is missing.
        return contest->ballot == BallotForm::strike ? std::string(to_string(MarkState::kept)) : std::string(en ? "(not entered)" : "(không nhập)");
      };
      for (const auto& d : differ) {
        std::cerr << "  " << (d == "serial" ? (en ? "serial" : "số phiếu") : d) << ": " << first.name << " " << said(*a, d) << " · " << second.name << " "
                  << said(*b, d) << '\n';
      }
      if (at_terminal && attempt < 3) {
        std::cerr << (en ? "The two entries differ: both enter the ballot again.\n" : "Hai lần nhập không khớp: cả hai nhập lại lá phiếu.\n");
        continue;
      }
    }
    const auto entered = station::enter_by_hand(*db, args.contest_id, *a, *b, args.reason, first, second);
    if (!reported(entered, lang)) return 1;
    nlohmann::json ids = nlohmann::json::array();
    std::string status;
    for (const auto& s : entered->sheets) {
      ids.push_back(s.id);
      if (status.empty() || s.status != tally::SheetStatus::counted) status = std::string(to_string(s.status));
    }
    std::cout << nlohmann::json{{"serial", a->serial}, {"sheet_ids", ids}, {"status", status}, {"already_entered", entered->already}}.dump() << '\n';
    return 0;
  }
}

int run_confirm_stamps(const ConfirmStampsArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const station::Credential first{args.members.at(0), read_pin(args.members.at(0), lang)};
  const station::Credential second{args.members.at(1), read_pin(args.members.at(1), lang)};
  std::vector<std::int64_t> ids = args.sheet_ids;
  if (ids.empty()) {
    const auto sheets = db->sheets();
    if (!reported(sheets, lang)) return 1;
    for (const auto& s : *sheets) {
      if (tally::waits_only_for_the_stamp(s)) ids.push_back(s.id);
    }
  }
  if (ids.empty()) {
    std::cerr << (lang == Lang::en ? "No sheet waits only for its stamp to be seen\n" : "Không có tờ nào chỉ chờ xem dấu đỏ\n");
    return 0;
  }
  const auto confirmed = station::confirm_stamps(*db, ids, args.reason, first, second);
  if (!reported(confirmed, lang)) return 1;
  std::cout << nlohmann::json{{"confirmed", *confirmed}, {"sheet_ids", ids}}.dump() << '\n';
  return 0;
}

int run_results(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto summary = db->count();
  if (!reported(summary, lang)) return 1;
  if (args.json) {
    auto j = nlohmann::ordered_json::parse(tally::results_json(summary->results));
    // "sheets" keeps its keys: counted and waiting are ballots, rejected are sides.
    j["sheets"] = {{"counted", summary->counted}, {"waiting", summary->waiting}, {"rejected", summary->rejected},
                   {"conflicting_serials", summary->conflicting_serials}};
    j["ballots"] = {{"counted", summary->counted}, {"waiting", summary->waiting}};
    j["sides"] = {{"counted", summary->sides.counted}, {"waiting", summary->sides.waiting}, {"rejected", summary->sides.rejected}};
    j["final"] = summary->final;
    j["provisional_because"] = summary->provisional_because;
    if (const auto head = db->head()) j["log_head"] = *head;
    std::cout << j.dump() << '\n';
    return 0;
  }
  const bool en = lang == Lang::en;
  std::string provisional;
  for (const auto& code : summary->provisional_because) provisional += (provisional.empty() ? "" : "; ") + words::say(words::Kind::provisional, code, lang);
  std::cout << (en ? "Ballots: counted " : "Tờ phiếu: đã đếm ") << summary->counted << (en ? ", waiting for the committee " : ", chờ Ban kiểm phiếu ")
            << summary->waiting << (en ? "; sides refused " : "; mặt giấy bị từ chối ") << summary->rejected
            << (summary->conflicting_serials > 0 ? (en ? "; serials counted twice (not counted until settled) " : "; số phiếu trùng số sê-ri (chưa đếm cho đến khi giải quyết) ")
                                                 : "")
            << (summary->conflicting_serials > 0 ? std::to_string(summary->conflicting_serials) : std::string()) << '\n'
            << (summary->final ? (en ? "FINAL RESULT\n\n" : "KẾT QUẢ CHÍNH THỨC\n\n") : (en ? "PROVISIONAL: " : "TẠM THỜI: ") + provisional + "\n\n")
            << tally::results_text(db->election(), summary->results, lang);
  if (const auto head = db->head()) {
    std::cout << (en ? "Log head (write it down to check the database later): " : "Đầu nhật ký (ghi lại để kiểm tra cơ sở dữ liệu sau này): ") << *head << '\n';
  }
  return 0;
}

int run_report(const DbArgs& args, const std::string& out_dir, const std::string& by, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto record = station::write_record(*db, out_dir, lang);
  if (!reported(record, lang)) return 1;
  for (const auto& e : record->errors) print_error(e, lang);
  for (const auto& path : record->written) std::cout << path << '\n';
  if (!by.empty() && !reported(station::record_documents(*db, "record", {by, read_pin(by, lang)}, record->written), lang)) return 1;
  return record->errors.empty() ? 0 : 1;
}

int run_export(const DbArgs& args, const std::string& out_dir, bool for_outside, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const auto summary = db->export_cvr(out_dir, for_outside ? tally::CongressDb::ExportFor::outside : tally::CongressDb::ExportFor::committee);
  if (!reported(summary, lang)) return 1;
  std::cout << nlohmann::json{{"records", summary->records}, {"merkle_root", summary->merkle_root}, {"manifest", summary->manifest_path},
                              {"log_head", summary->log_head}, {"for", for_outside ? "outside" : "committee"}}
                   .dump()
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

int run_audit_verify(const VerifyArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  // What an auditor types from paper: hex in either case, spaces around it. Anything that is not
  // a head or a fingerprint is a usage error, not a finding about the database.
  const auto lower = [](std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    text = first == std::string::npos ? std::string() : text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  const std::string key = lower(args.expect_key);
  if (!args.expect_key.empty() && !station::is_key_fingerprint(key)) {
    print_error({"bad_fingerprint", {"--expect-key cần dấu vân tay 64 chữ số hex: " + args.expect_key, "--expect-key takes a 64-hex-digit fingerprint: " + args.expect_key},
                 "--expect-key"},
                lang);
    return 2;
  }
  std::vector<std::string> heads;
  for (const auto& h : args.expect_heads) {
    heads.push_back(lower(h));
    if (!station::is_log_head(heads.back())) {
      print_error({"bad_head", {"--expect-head cần N:HASH (số mục, dấu hai chấm, 64 chữ số hex): " + h, "--expect-head takes N:HASH (entry number, colon, 64 hex digits): " + h},
                   "--expect-head"},
                  lang);
      return 2;
    }
  }
  if (!args.expect_heads_from.empty()) {
    const auto kept = station::read_kept_heads(args.expect_heads_from);
    if (!kept) {
      print_error(kept.error(), lang);
      return 1;
    }
    heads.insert(heads.end(), kept->begin(), kept->end());
  }
  const auto problems = db->verify({key, heads});
  for (const auto& p : problems) std::cout << nlohmann::json{{"position", p.position}, {"problem", p.what}}.dump() << '\n';
  const bool en = lang == Lang::en;
  const auto head = db->head();
  std::cerr << (problems.empty() ? (en ? "audit: everything holds" : "kiểm tra: mọi thứ khớp") : (en ? "audit: problems found" : "kiểm tra: có sai lệch"))
            << (head ? (en ? "; log head " : "; đầu nhật ký ") + *head : std::string())
            << (args.expect_key.empty() ? (en ? "; key not compared with the minutes (--expect-key)" : "; chưa so khóa với biên bản (--expect-key)") : "")
            << '\n';
  return problems.empty() ? 0 : 1;
}

int run_audit_replay(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  std::size_t shown = 0;
  const auto differences = station::replay(*db, 0, [&](std::size_t done, std::size_t total, const station::ReplayDifference* d) {
    if (d != nullptr) {
      ++shown;
      std::cout << nlohmann::json{{"sheet_id", d->sheet_id}, {"image", d->image}, {"stored", d->stored}, {"replayed", d->replayed}}.dump() << '\n';
    }
    std::cerr << '\r' << progress_bar(done, total) << (lang == Lang::en ? " replayed " : " đã đọc lại ") << done << '/' << total
              << (shown > 0 ? (lang == Lang::en ? ", differences " : ", khác biệt ") + std::to_string(shown) : std::string()) << std::flush;
  });
  if (!reported(differences, lang)) return 1;
  std::cerr << '\n'
            << (*differences == 0 ? (lang == Lang::en ? "replay: every sheet reads exactly as recorded\n" : "đọc lại: mọi tờ khớp đúng như đã ghi\n")
                                  : (lang == Lang::en ? "replay: differences found\n" : "đọc lại: có khác biệt\n"));
  return *differences == 0 ? 0 : 1;
}

int run_audit_recount(const DbArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const bool en = lang == Lang::en;
  const auto report = station::recount(*db, 0, [&](std::size_t done, std::size_t total) {
    std::cerr << '\r' << progress_bar(done, total) << (en ? " read again " : " đã đọc lại ") << done << '/' << total << std::flush;
  });
  std::cerr << '\n';
  if (!reported(report, lang)) return 1;
  for (const auto& d : report->differences) {
    nlohmann::ordered_json line{{"sheet_id", d.sheet_id}, {"serial", d.serial}, {"image", (std::filesystem::path(db->images_dir()) / d.image).string()}};
    if (!d.candidate_id.empty()) line["candidate_id"] = d.candidate_id;
    line["counted"] = d.counted;
    line["read_now"] = d.read_now;
    std::cout << line.dump() << '\n';
  }
  const bool totals_equal = report->stored_results == report->recounted_results;
  std::cout << nlohmann::ordered_json{{"equal", report->equal()}, {"ballots", report->ballots}, {"differences", report->differences.size()},
                                      {"totals_equal", totals_equal}}
                   .dump()
            << '\n';
  std::cerr << (report->equal() ? (en ? "recount: every ballot and every total equals the stored count\n" : "kiểm lại: mọi lá phiếu và mọi tổng số khớp với kết quả đã lưu\n")
                                : (en ? "recount: differs from the stored count\n" : "kiểm lại: khác với kết quả đã lưu\n"));
  return report->equal() ? 0 : 1;
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
  const station::Credential first{args.members.at(0), read_pin(args.members.at(0), lang)};
  const station::Credential second{args.members.at(1), read_pin(args.members.at(1), lang)};
  const auto row = station::close_round(*db, args.contest_id, first, second);
  if (!reported(row, lang)) return 1;
  std::cout << round_json(*row).dump() << '\n';
  return 0;
}

int run_round_open(const RoundArgs& args, Lang lang) {
  auto db = open_db(args.db_path, lang);
  if (!db) return 1;
  const station::Credential first{args.members.at(0), read_pin(args.members.at(0), lang)};
  const station::Credential second{args.members.at(1), read_pin(args.members.at(1), lang)};
  const auto row = station::open_round(*db, args.contest_id, args.candidates, args.seats, args.decision, first, second);
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
  return reported(station::record_documents(*db, "ballots", {args.by, read_pin(args.by, lang)}, written), lang) ? 0 : 1;
}

void add_congress_commands(CLI::App& app, CommandLine& line) {
  auto init = std::make_shared<InitArgs>();
  auto* init_cmd = app.add_subcommand("init", "Tạo cơ sở dữ liệu đại hội / create a congress database");
  init_cmd->add_option("db", init->db_path, "CONGRESS.db")->required();
  init_cmd->add_option("election", init->election_path, "ELECTION.toml")->required();
  init_cmd->add_flag("--protect-key", init->protect_key,
                     "encrypt the station key under a passphrase (read twice from standard input) before it is written");

  auto key = std::make_shared<KeyArgs>();
  auto* key_cmd = app.add_subcommand("key", "Khóa của trạm: bảo vệ, mở khóa, khóa / the station key: protect, unlock, lock");
  key_cmd->require_subcommand(1);
  auto* key_status_cmd = key_cmd->add_subcommand("status", "the key's fingerprint and whether it is plain, locked or unlocked (JSON)");
  key_status_cmd->add_option("db", key->db_path, "CONGRESS.db")->required();
  auto* key_protect_cmd = key_cmd->add_subcommand("protect", "encrypt the key under a new passphrase (twice on stdin, then --by's PIN)");
  key_protect_cmd->add_option("db", key->db_path, "CONGRESS.db")->required();
  key_protect_cmd->add_option("--by", key->by, "the committee member who protects it (needed once there is one)");
  auto* key_unlock_cmd = key_cmd->add_subcommand("unlock", "unlock the key for the session (passphrase on standard input)");
  key_unlock_cmd->add_option("db", key->db_path, "CONGRESS.db")->required();
  key_unlock_cmd->add_option("--hours", key->hours, "how long the kernel holds it unlocked (default 12)")->check(CLI::Range(1, 72));
  auto* key_lock_cmd = key_cmd->add_subcommand("lock", "drop the unlocked key now");
  key_lock_cmd->add_option("db", key->db_path, "CONGRESS.db")->required();

  auto ingest = std::make_shared<IngestArgs>();
  auto* ingest_cmd = app.add_subcommand("ingest", "Đọc và lưu ảnh quét vào cơ sở dữ liệu / recognise and store scanned sides");
  ingest_cmd->add_option("db", ingest->db_path, "CONGRESS.db")->required();
  ingest_cmd->add_option("images", ingest->images, "IMAGE…")->required();
  ingest_cmd->add_option("--threads", ingest->threads, "recognition threads (default: one per core)")->check(CLI::Range(1, 256));

  auto issued = std::make_shared<IssuedArgs>();
  auto* issued_cmd = app.add_subcommand("issued", "Nhập số phiếu phát ra / enter ballots issued for a contest");
  issued_cmd->add_option("db", issued->db_path, "CONGRESS.db")->required();
  issued_cmd->add_option("contest", issued->contest_id, "CONTEST")->required();
  issued_cmd->add_option("count", issued->count, "N")->required()->check(CLI::NonNegativeNumber);
  issued_cmd->add_option("--by", issued->by, "the committee member who enters it (PIN on standard input)")->required();
  issued_cmd->add_option("--confirmed-by", issued->confirmed_by,
                         "a second committee member, needed to change a figure already entered (PIN on standard input after --by's)");

  auto member = std::make_shared<MemberArgs>();
  auto member_list = std::make_shared<DbArgs>();
  auto* member_cmd = app.add_subcommand("member", "Thành viên Ban kiểm phiếu và mã PIN / committee members and their PINs");
  member_cmd->require_subcommand(1);
  auto* member_add_cmd = member_cmd->add_subcommand("add", "register a member; PIN on stdin (then the consenting member's PIN)");
  member_add_cmd->add_option("db", member->db_path, "CONGRESS.db")->required();
  member_add_cmd->add_option("name", member->name, "full name")->required();
  member_add_cmd->add_option("--role", member->role, "committee (default) or operator")->check(CLI::IsMember({"committee", "operator"}));
  member_add_cmd->add_option("--by", member->by, "the committee member who consents (needed once there is one)");
  auto* member_list_cmd = member_cmd->add_subcommand("list", "the registered members, one JSON line each");
  member_list_cmd->add_option("db", member_list->db_path, "CONGRESS.db")->required();


  auto round = std::make_shared<RoundArgs>();
  auto* round_cmd = app.add_subcommand("round", "Các lần bầu của mỗi cuộc bầu / rounds of each contest");
  round_cmd->require_subcommand(1);
  auto* round_list_cmd = round_cmd->add_subcommand("list", "rounds, their state, issued and result");
  round_list_cmd->add_option("db", round->db_path, "CONGRESS.db")->required();
  round_list_cmd->add_flag("--json", round->json, "JSON output");
  auto* round_close_cmd = round_cmd->add_subcommand("close", "close the contest's open round and record its result");
  round_close_cmd->add_option("db", round->db_path, "CONGRESS.db")->required();
  round_close_cmd->add_option("contest", round->contest_id, "CONTEST")->required();
  round_close_cmd->add_option("--by", round->members, "two committee members (their PINs on standard input, one per line)")->required()->expected(2);
  auto* round_open_cmd = round_cmd->add_subcommand("open", "open a further round (after a tie or unfilled seats)");
  round_open_cmd->add_option("db", round->db_path, "CONGRESS.db")->required();
  round_open_cmd->add_option("contest", round->contest_id, "CONTEST")->required();
  round_open_cmd->add_option("--candidate", round->candidates, "candidate id put to the round (repeat)")->required();
  round_open_cmd->add_option("--seats", round->seats, "seats put to the round")->required()->check(CLI::Range(1, 1000));
  round_open_cmd->add_option("--decision", round->decision, "the congress's decision, for the record")->required();
  round_open_cmd->add_option("--by", round->members, "two committee members (their PINs on standard input, one per line)")->required()->expected(2);
  auto* round_ballots_cmd = round_cmd->add_subcommand("ballots", "print the ballots of the contest's open round");
  round_ballots_cmd->add_option("db", round->db_path, "CONGRESS.db")->required();
  round_ballots_cmd->add_option("contest", round->contest_id, "CONTEST")->required();
  round_ballots_cmd->add_option("--out", round->out_dir, "DIR")->required();
  round_ballots_cmd->add_option("--dpi", round->dpi, "PNG resolution (default 200)")->check(CLI::Range(50, 1200));
  round_ballots_cmd->add_option("--count", round->count, "ballots in the PDF (default 1)")->check(CLI::Range(1, 100000));
  round_ballots_cmd->add_option("--by", round->by, "who prints them: the files then go into the audit log with their hashes");

  auto waiting = std::make_shared<DbArgs>();
  auto* waiting_cmd = app.add_subcommand("waiting", "Liệt kê tờ phiếu chờ Ban kiểm phiếu / list sheets waiting for the committee");
  waiting_cmd->add_option("db", waiting->db_path, "CONGRESS.db")->required();
  waiting_cmd->add_flag("--json", waiting->json, "one JSON line per waiting side, reasons as codes");

  auto adjudicate = std::make_shared<AdjudicateArgs>();
  auto* adjudicate_cmd = app.add_subcommand("adjudicate", "Ghi quyết định của Ban kiểm phiếu / record the committee's ruling on a sheet");
  adjudicate_cmd->add_option("db", adjudicate->db_path, "CONGRESS.db")->required();
  adjudicate_cmd->add_option("sheet", adjudicate->sheet_id, "SHEET id")->required();
  adjudicate_cmd->add_option("--mark", adjudicate->marks,
                             "CANDIDATE=STATE for each target decided (the unclear ones at least; the others keep what was read): kept, struck, agree, disagree, both, none");
  adjudicate_cmd->add_flag("--set-aside", adjudicate->set_aside, "keep the sheet but never count it (a photocopy, a second scan)");
  adjudicate_cmd->add_option("--flag", adjudicate->flags, "no_stamp | write_in | identifying_mark");
  adjudicate_cmd->add_option("--reason", adjudicate->reason, "why")->required();
  adjudicate_cmd->add_option("--by", adjudicate->members, "two committee members (their PINs on standard input, one per line)")->required()->expected(2);

  auto stamps = std::make_shared<ConfirmStampsArgs>();
  auto* stamps_cmd = app.add_subcommand("confirm-stamps", "Xác nhận dấu đỏ đã xem trên giấy của tờ quét xám / confirm the stamps seen on the paper of gray-scanned sheets");
  stamps_cmd->add_option("db", stamps->db_path, "CONGRESS.db")->required();
  stamps_cmd->add_option("sheets", stamps->sheet_ids, "SHEET ids (default: every sheet waiting only for its stamp)");
  stamps_cmd->add_option("--reason", stamps->reason, "why")->required();
  stamps_cmd->add_option("--by", stamps->members, "two committee members (their PINs on standard input, one per line)")->required()->expected(2);

  auto enter = std::make_shared<EnterArgs>();
  auto* enter_cmd = app.add_subcommand("enter", "Nhập tay một lá phiếu không quét được, hai thành viên nhập độc lập / enter by hand a ballot that cannot be scanned, "
                                                "twice, by two members");
  enter_cmd->add_option("db", enter->db_path, "CONGRESS.db")->required();
  enter_cmd->add_option("contest", enter->contest_id, "CONTEST")->required();
  enter_cmd->add_option("--reason", enter->reason, "why it is entered by hand (torn, wet, no scanner…)")->required();
  enter_cmd->add_option("--by", enter->members,
                        "two committee members; on standard input their PINs in that order, then each one's entry (SERIAL CANDIDATE=STATE…)")
      ->required()
      ->expected(2);

  auto results = std::make_shared<DbArgs>();
  auto* results_cmd = app.add_subcommand("results", "Kết quả theo cơ sở dữ liệu / results from the congress database");
  results_cmd->add_option("db", results->db_path, "CONGRESS.db")->required();
  results_cmd->add_flag("--json", results->json, "JSON output");

  auto report = std::make_shared<DbArgs>();
  auto report_dir = std::make_shared<std::string>();
  auto report_by = std::make_shared<std::string>();
  auto* report_cmd = app.add_subcommand("report", "Viết biên bản kiểm phiếu (PDF, JSON, CSV) / write the counting record");
  report_cmd->add_option("db", report->db_path, "CONGRESS.db")->required();
  report_cmd->add_option("--out", *report_dir, "DIR")->required();
  report_cmd->add_option("--by", *report_by, "who writes it: the files then go into the audit log with their hashes");

  auto export_args = std::make_shared<DbArgs>();
  auto export_dir = std::make_shared<std::string>();
  auto* export_cmd = app.add_subcommand("export", "Xuất phiếu dạng NIST SP 1500-103 kèm gốc Merkle đã ký / export cast vote records");
  export_cmd->add_option("db", export_args->db_path, "CONGRESS.db")->required();
  export_cmd->add_option("--out", *export_dir, "DIR")->required();
  auto export_outside = std::make_shared<bool>(false);
  export_cmd->add_flag("--public", *export_outside,
                       "cho người ngoài Ban kiểm phiếu: không kèm số sê-ri và ảnh phiếu / for outside the committee: no serials, no images");

  auto audit = std::make_shared<DbArgs>();
  auto* audit_cmd = app.add_subcommand("audit", "Kiểm tra nhật ký và ảnh / check the audit trail");
  audit_cmd->require_subcommand(1);
  auto verify = std::make_shared<VerifyArgs>();
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "chain, signatures, images, sheet states, members, two recounts");
  verify_cmd->add_option("db", verify->db_path, "CONGRESS.db")->required();
  verify_cmd->add_option("--expect-key", verify->expect_key, "the station key fingerprint read into the minutes at set-up");
  verify_cmd->add_option("--expect-head", verify->expect_heads, "N:HASH, a head of the log printed on a counting record or export (repeatable)");
  verify_cmd->add_option("--expect-heads-from", verify->expect_heads_from,
                         "FILE of heads an observer's console kept (one per line, N:HASH last on each line)");
  auto* replay_cmd = audit_cmd->add_subcommand("replay", "re-run recognition on every stored image and compare");
  replay_cmd->add_option("db", audit->db_path, "CONGRESS.db")->required();
  auto recounted = std::make_shared<DbArgs>();
  auto* recount_cmd = audit_cmd->add_subcommand("recount", "read every stored image again and count every round anew; compare with the stored count");
  recount_cmd->add_option("db", recounted->db_path, "CONGRESS.db")->required();
  auto audited_export = std::make_shared<std::string>();
  auto* audit_export_cmd = audit_cmd->add_subcommand("export", "check an export: record hashes, Merkle root, signature");
  audit_export_cmd->add_option("dir", *audited_export, "DIR")->required();
  line.add(init_cmd, [init](Lang lang) { return run_init(*init, lang); });
  line.add(key_status_cmd, [key](Lang lang) { return run_key_status(*key, lang); }, false);
  line.add(key_protect_cmd, [key](Lang lang) { return run_key_protect(*key, lang); }, false);
  line.add(key_unlock_cmd, [key](Lang lang) { return run_key_unlock(*key, lang); }, false);
  line.add(key_lock_cmd, [key](Lang lang) { return run_key_lock(*key, lang); }, false);
  line.add(ingest_cmd, [ingest](Lang lang) { return run_ingest(*ingest, lang); });
  line.add(issued_cmd, [issued](Lang lang) { return run_issued(*issued, lang); });
  line.add(member_add_cmd, [member](Lang lang) { return run_member_add(*member, lang); });
  line.add(member_list_cmd, [member_list](Lang lang) { return run_member_list(*member_list, lang); });
  line.add(round_list_cmd, [round](Lang lang) { return run_round_list(*round, lang); });
  line.add(round_open_cmd, [round](Lang lang) { return run_round_open(*round, lang); });
  line.add(round_close_cmd, [round](Lang lang) { return run_round_close(*round, lang); });
  line.add(round_ballots_cmd, [round](Lang lang) { return run_round_ballots(*round, lang); });
  line.add(waiting_cmd, [waiting](Lang lang) { return run_waiting(*waiting, lang); });
  line.add(adjudicate_cmd, [adjudicate](Lang lang) { return run_adjudicate(*adjudicate, lang); });
  line.add(stamps_cmd, [stamps](Lang lang) { return run_confirm_stamps(*stamps, lang); });
  line.add(enter_cmd, [enter](Lang lang) { return run_enter(*enter, lang); });
  line.add(results_cmd, [results](Lang lang) { return run_results(*results, lang); });
  line.add(report_cmd, [report, report_dir, report_by](Lang lang) { return run_report(*report, *report_dir, *report_by, lang); });
  line.add(export_cmd, [export_args, export_dir, export_outside](Lang lang) { return run_export(*export_args, *export_dir, *export_outside, lang); });
  line.add(audit_export_cmd, [audited_export](Lang lang) { return run_audit_export(*audited_export, lang); });
  line.add(verify_cmd, [verify](Lang lang) { return run_audit_verify(*verify, lang); });
  line.add(replay_cmd, [audit](Lang lang) { return run_audit_replay(*audit, lang); });
  line.add(recount_cmd, [recounted](Lang lang) { return run_audit_recount(*recounted, lang); });
}

}  // namespace kp::cli
