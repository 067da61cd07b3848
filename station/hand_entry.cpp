#include "station/hand_entry.hpp"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "config/layout.hpp"

namespace kp::station {
namespace {

using Json = nlohmann::ordered_json;

struct OpenRound {
  tally::RoundRow row;
  config::ContestLayout layout;
};

Result<OpenRound> open_round_of(const tally::CongressDb& db, const std::string& contest_id) {
  const auto rounds = db.rounds();
  if (!rounds) return tl::unexpected(rounds.error());
  for (const auto& r : *rounds) {
    if (r.contest_id != contest_id || !r.open) continue;
    auto layout = config::compute_layout(db.election(), r.contest);
    if (!layout) return tl::unexpected(layout.error());
    return OpenRound{r, std::move(*layout)};
  }
  if (db.election().find_contest(contest_id) == nullptr) {
    return fail("unknown_contest", {"Không có cuộc bầu " + contest_id + " trong đại hội này", "No contest " + contest_id + " in this congress"});
  }
  return fail("round_closed", {"Cuộc bầu " + contest_id + " không có lần bầu nào đang mở", "Contest " + contest_id + " has no open round"});
}

// The entry as the paper reads it, every name of the round given a state: on a strike ballot a
// name not entered is kept (a key per struck name, as the paper shows); a box ballot has no such
// default, so every name must be entered.
Result<std::map<std::string, MarkState>> whole_ballot(const OpenRound& round, const HandEntry& entry) {
  const auto bad = [](const std::string& vi, const std::string& en) { return fail("bad_entry", {vi, en}); };
  if (entry.serial == 0) return bad("Thiếu số phiếu (đọc trên tờ phiếu)", "The ballot's serial is missing (read it on the paper)");
  std::map<std::string, MarkState> marks;
  for (const auto& side : round.layout.sides) {
    for (const auto& r : side.rows) {
      const auto it = entry.marks.find(r.candidate_id);
      if (it == entry.marks.end()) {
        if (round.layout.ballot != BallotForm::strike) {
          return bad("Chưa nhập " + r.candidate_id + " (" + r.name + "): phiếu có ô phải nhập mọi tên",
                     "Nothing entered for " + r.candidate_id + " (" + r.name + "): a ballot with boxes needs every name");
        }
        marks[r.candidate_id] = MarkState::kept;
        continue;
      }
      if (it->second == MarkState::unclear || !state_fits_form(it->second, round.layout.ballot)) {
        return bad("Trạng thái " + std::string(to_string(it->second)) + " không có trên phiếu này (" + r.candidate_id + ")",
                   "State " + std::string(to_string(it->second)) + " does not exist on this ballot (" + r.candidate_id + ")");
      }
      marks[r.candidate_id] = it->second;
    }
  }
  for (const auto& [candidate, state] : entry.marks) {
    if (marks.count(candidate) == 0) {
      return bad("“" + candidate + "” không có trong danh sách của lần bầu này", "“" + candidate + "” is not on this round's list");
    }
  }
  return marks;
}

std::string side_document(const OpenRound& round, const config::SideLayout& side, std::uint32_t serial, const std::map<std::string, MarkState>& marks,
                          const std::string& reason, const std::string& first, const std::string& second) {
  Json m = Json::object();
  for (const auto& r : side.rows) m[r.candidate_id] = std::string(to_string(marks.at(r.candidate_id)));
  return Json{{"kind", "kiemphieu-hand-entry"}, {"contest_id", round.row.contest_id}, {"round", round.row.round},
              {"layout_hash", round.row.layout_hash},  {"side", std::string(to_string(side.side))}, {"serial", serial},
              {"marks", m},                            {"reason", reason},                          {"entered_by", {first, second}}}
             .dump();
}

}  // namespace

std::vector<std::string> entries_differ(const tally::CongressDb& db, const std::string& contest_id, const HandEntry& first, const HandEntry& second) {
  std::vector<std::string> differences;
  if (first.serial != second.serial) differences.emplace_back("serial");
  const auto round = open_round_of(db, contest_id);
  if (!round) return differences;
  const auto state_of = [&](const HandEntry& e, const std::string& candidate) {
    const auto it = e.marks.find(candidate);
    if (it != e.marks.end()) return std::optional<MarkState>(it->second);
    return round->layout.ballot == BallotForm::strike ? std::optional<MarkState>(MarkState::kept) : std::nullopt;
  };
  for (const auto& side : round->layout.sides) {
    for (const auto& r : side.rows) {
      if (state_of(first, r.candidate_id) != state_of(second, r.candidate_id)) differences.push_back(r.candidate_id);
    }
  }
  return differences;
}

std::string hand_entry_line(const std::string& document) {
  const auto doc = nlohmann::json::parse(document, nullptr, false);
  if (!doc.is_object() || doc.value("kind", "") != "kiemphieu-hand-entry" || !doc.contains("marks") || !doc["marks"].is_object()) return {};
  try {
    // "source" first: the line then begins with tally::kHandEntryLineStart. Every target reads
    // unclear: the machine read nothing, and the members' entry is their ruling on it.
    Json marks = Json::array();
    for (const auto& [candidate, state] : doc["marks"].items()) {
      marks.push_back(Json{{"candidate_id", candidate}, {"state", "unclear"}, {"score", 0.0}});
    }
    std::sort(marks.begin(), marks.end(), [](const Json& a, const Json& b) { return a["candidate_id"] < b["candidate_id"]; });
    return Json{{"source", "hand"},
                {"status", "ok"},
                {"contest_id", doc.at("contest_id").get<std::string>()},
                {"layout_hash", doc.at("layout_hash").get<std::string>()},
                {"side", doc.at("side").get<std::string>()},
                {"serial", doc.at("serial").get<std::int64_t>()},
                {"marks", marks},
                {"flags", Json::array()}}
        .dump();
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

Result<HandEntered> enter_by_hand(tally::CongressDb& db, const std::string& contest_id, const HandEntry& first, const HandEntry& second,
                                  const std::string& reason, const Credential& first_member, const Credential& second_member) {
  const auto members = authorize_two(db, first_member, second_member, "adjudication");
  if (!members) return tl::unexpected(members.error());
  if (reason.empty()) return fail("bad_entry", {"Phải ghi lý do nhập tay (phiếu rách, ướt, máy quét hỏng…)", "Say why it is entered by hand (torn, wet, no scanner…)"});
  const auto round = open_round_of(db, contest_id);
  if (!round) return tl::unexpected(round.error());
  if (const auto differ = entries_differ(db, contest_id, first, second); !differ.empty()) {
    std::string list;
    for (const auto& d : differ) list += (list.empty() ? "" : ", ") + d;
    return fail("hand_entries_differ", {"Hai lần nhập không khớp (" + list + "): không lưu gì, hai thành viên nhập lại",
                                        "The two entries differ (" + list + "): nothing stored, both members enter it again"});
  }
  const auto marks = whole_ballot(*round, first);
  if (!marks) return tl::unexpected(marks.error());
  const std::string& a = members->first.name;
  const std::string& b = members->second.name;
  std::vector<tally::SheetInput> inputs;
  std::set<std::string> ours;
  for (const auto& side : round->layout.sides) {
    const std::string document = side_document(*round, side, first.serial, *marks, reason, a, b);
    tally::SheetInput in;
    in.image_name = "nhap-tay-" + std::to_string(first.serial) + "-" + std::string(to_string(side.side)) + ".json";
    in.image_path = in.image_name;
    in.image_bytes = std::make_shared<const std::vector<unsigned char>>(document.begin(), document.end());
    in.recognition = hand_entry_line(document);
    in.recognised = true;
    in.contest_id = contest_id;
    in.side = side.side;
    in.serial = first.serial;
    for (const auto& r : side.rows) in.marks[r.candidate_id] = MarkState::unclear;
    in.layout_hash = round->row.layout_hash;
    ours.insert(sha256_hex(document));
    inputs.push_back(std::move(in));
  }
  // A ballot is counted once: any other side of this serial already in the round refuses it.
  const auto sheets = db.sheets();
  if (!sheets) return tl::unexpected(sheets.error());
  for (const auto& s : *sheets) {
    if (s.contest_id == contest_id && s.round == round->row.round && s.serial == first.serial && s.status != tally::SheetStatus::rejected &&
        ours.count(s.image_sha256) == 0) {
      return fail("serial_taken", {"Phiếu số " + std::to_string(first.serial) + " đã có trong lần bầu này (tờ " + std::to_string(s.id) + "): không đếm hai lần",
                                   "Ballot " + std::to_string(first.serial) + " is already in this round (sheet " + std::to_string(s.id) + "): never counted twice"});
    }
  }
  const auto stored = db.ingest_batch(inputs);
  if (!stored) return tl::unexpected(stored.error());
  HandEntered entered;
  entered.already = std::all_of(stored->begin(), stored->end(), [](const tally::IngestOutcome& o) { return o.duplicate; });
  for (const auto& outcome : *stored) {
    tally::SheetRow row = outcome.sheet;
    // Stored but not yet ruled (a first run cut short): the members' entry is ruled now. A side
    // that waits for anything but its targets (another entry of the same serial stored at the
    // same moment: duplicate_serial) is left to the committee, and said.
    const bool only_targets = std::all_of(row.wait_reasons.begin(), row.wait_reasons.end(),
                                          [](const tally::WaitReason& r) { return r.kind == tally::WaitKind::unclear; });
    if (row.status == tally::SheetStatus::waiting && !only_targets) {
      return fail("serial_taken", {"Phiếu số " + std::to_string(first.serial) + " đã có trong lần bầu này: tờ " + std::to_string(row.id) +
                                       " được lưu nhưng chờ Ban kiểm phiếu xét (trùng số phiếu), không đếm",
                                   "Ballot " + std::to_string(first.serial) + " is already in this round: sheet " + std::to_string(row.id) +
                                       " is stored but waits for the committee (a serial twice), not counted"});
    }
    if (row.status == tally::SheetStatus::waiting && row.marks.empty()) {
      std::map<std::string, MarkState> side_marks;
      for (const auto& [candidate, state] : tally::side_as_read(row).marks) side_marks[candidate] = marks->at(candidate);
      auto ruled = db.adjudicate(row.id, side_marks, {}, "Nhập tay: " + reason, a, b);
      if (!ruled) return tl::unexpected(ruled.error());
      row = *ruled;
    }
    entered.sheets.push_back(std::move(row));
  }
  return entered;
}

}  // namespace kp::station
