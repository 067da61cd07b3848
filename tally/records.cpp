#include "tally/records.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "common/words.hpp"

namespace kp::tally {
namespace {

std::string quote(std::string_view s) { return "“" + std::string(s) + "”"; }

}  // namespace

tl::expected<RecordSet, std::vector<Error>> parse_records(std::string_view jsonl, const std::string& source,
                                                          const config::Election& election) {
  RecordSet set;
  std::vector<Error> errors;
  std::istringstream in{std::string(jsonl)};
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = source + ":" + std::to_string(line_number);
    const auto bad = [&](const std::string& field, Text message) {
      errors.push_back(Error{"bad_record", std::move(message), where + (field.empty() ? "" : " [" + field + "]")});
    };
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      bad("", {"Dòng không phải là một đối tượng JSON", "The line is not a JSON object"});
      continue;
    }
    if (!j.contains("contest_id") || !j["contest_id"].is_string()) {
      bad("contest_id", {"Thiếu “contest_id”", "Missing “contest_id”"});
      continue;
    }
    const std::string contest_id = j["contest_id"];
    const config::Contest* contest = election.find_contest(contest_id);
    if (contest == nullptr) {
      bad("contest_id", {"Không có cuộc bầu " + quote(contest_id) + " trong định nghĩa", "The definition has no contest " + quote(contest_id)});
      continue;
    }
    // Strict: a misspelt key ("flag") would otherwise be ignored and its ballot counted as if
    // it had none; a line carrying both "issued" and "marks" would lose one of them.
    const bool issued_line = j.contains("issued");
    bool known = true;
    for (const auto& [key, value] : j.items()) {
      const bool allowed = key == "contest_id" || (issued_line ? key == "issued" : key == "marks" || key == "flags");
      if (allowed) continue;
      known = false;
      if (issued_line && (key == "marks" || key == "flags")) {
        bad(key, {"Một dòng hoặc là số phiếu phát ra (“issued”) hoặc là một lá phiếu (“marks”), không cả hai",
                  "A line is either ballots issued (“issued”) or one ballot (“marks”), not both"});
      } else {
        bad(key, {"Khóa không có trong bản ghi phiếu: " + quote(key) + " (dùng contest_id, marks, flags hoặc issued)",
                  "Unknown key in a ballot record: " + quote(key) + " (use contest_id, marks, flags or issued)"});
      }
    }
    if (!known) continue;
    if (issued_line) {
      if (!j["issued"].is_number_integer() || j["issued"].get<std::int64_t>() < 0) {
        bad("issued", {"“issued” phải là một số nguyên không âm", "“issued” must be a whole number, not negative"});
      } else {
        set.issued[contest_id] = j["issued"].get<std::int64_t>();
      }
      continue;
    }
    BallotRecord ballot;
    ballot.contest_id = contest_id;
    const auto marks = j.value("marks", nlohmann::json());
    if (!marks.is_object()) {
      bad("marks", {"Thiếu “marks” (ứng cử viên → trạng thái)", "Missing “marks” (candidate → state)"});
      continue;
    }
    bool ok = true;
    for (const auto& [candidate_id, value] : marks.items()) {
      // Read without std::optional: GCC 12 at -O3 warns falsely about its payload here.
      MarkState state = MarkState::unclear;
      if (value.is_string()) {
        if (const auto parsed = parse_mark_state(value.get<std::string>())) state = *parsed;
      }
      if (contest->find_candidate(candidate_id) == nullptr) {
        bad("marks." + candidate_id, {"Cuộc bầu " + contest_id + " không có ứng cử viên " + quote(candidate_id),
                                      "Contest " + contest_id + " has no candidate " + quote(candidate_id)});
        ok = false;
      } else if (state == MarkState::unclear || !state_fits_form(state, contest->ballot)) {
        bad("marks." + candidate_id, {"Trạng thái " + quote(value.dump()) + " không dùng được cho phiếu " + std::string(to_string(contest->ballot)) +
                                          " (bản ghi phải đã được quyết định, không có “unclear”)",
                                      "State " + quote(value.dump()) + " does not belong on a " + std::string(to_string(contest->ballot)) +
                                          " ballot (records are decided: no “unclear”)"});
        ok = false;
      } else {
        ballot.marks[candidate_id] = state;
      }
    }
    for (const auto& c : contest->candidates) {
      if (ok && !ballot.marks.count(c.id)) {
        bad("marks", {"Bản ghi thiếu trạng thái của " + quote(c.id) + " (" + c.name + ")",
                      "The record has no state for " + quote(c.id) + " (" + c.name + ")"});
        ok = false;
      }
    }
    for (const auto& f : j.value("flags", nlohmann::json::array())) {
      const auto flag = f.is_string() ? parse_sheet_flag(f.get<std::string>()) : std::nullopt;
      if (!flag || (*flag != SheetFlag::no_stamp && *flag != SheetFlag::write_in && *flag != SheetFlag::identifying_mark)) {
        bad("flags", {"Dấu hiệu " + quote(f.dump()) + " không dùng được; dùng no_stamp, write_in, identifying_mark",
                      "Flag " + quote(f.dump()) + " is not one of no_stamp, write_in, identifying_mark"});
        ok = false;
      } else {
        ballot.flags.insert(*flag);
      }
    }
    if (ok) set.ballots.push_back(std::move(ballot));
  }
  if (!errors.empty()) return tl::unexpected(std::move(errors));
  return set;
}

std::vector<ContestResult> count_all(const config::Election& election, const RecordSet& records) {
  std::vector<ContestResult> out;
  const RuleSettings rules = settings_for(election.rules);
  for (const auto& contest : election.contests) {
    const auto it = records.issued.find(contest.id);
    out.push_back(count(election, contest, records.ballots, it == records.issued.end() ? std::nullopt : std::optional(it->second), rules));
  }
  return out;
}

std::string results_json(const std::vector<ContestResult>& results) {
  nlohmann::ordered_json contests = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json jc;
    jc["contest_id"] = r.contest_id;
    if (r.round > 1) jc["round"] = r.round;  // an extension of the contract's §6: later rounds only
    jc["rules"] = to_string(r.rules);
    jc["D"] = r.base;
    jc["votes_needed"] = r.votes_needed;
    nlohmann::ordered_json ballots;
    ballots["issued"] = r.issued ? nlohmann::ordered_json(*r.issued) : nlohmann::ordered_json(nullptr);
    ballots["collected"] = r.collected;
    ballots["valid"] = r.valid;
    ballots["invalid"] = r.invalid;
    nlohmann::ordered_json by_reason = nlohmann::ordered_json::object();
    for (const auto& [reason, n] : r.invalid_by_reason) by_reason[std::string(to_string(reason))] = n;
    ballots["invalid_by_reason"] = std::move(by_reason);
    jc["ballots"] = std::move(ballots);
    nlohmann::ordered_json candidates = nlohmann::ordered_json::array();
    for (const auto& c : r.candidates) {
      candidates.push_back({{"candidate_id", c.candidate_id}, {"votes", c.votes}, {"percent_of_D", c.percent_of_base}, {"elected", c.elected}});
    }
    jc["candidates"] = std::move(candidates);
    jc["elected"] = r.elected;
    jc["tied"] = r.tied;
    jc["seats_unfilled"] = r.seats_unfilled;
    jc["next"] = to_string(r.next);
    jc["result_stands"] = r.result_stands;
    jc["reconciliation"] = {{"issued_covers_collected", r.reconciliation.issued_covers_collected},
                            {"valid_plus_invalid_is_collected", r.reconciliation.valid_plus_invalid},
                            {"votes_within_valid", r.reconciliation.votes_within_valid},
                            {"ok", r.reconciliation.ok()}};
    contests.push_back(std::move(jc));
  }
  nlohmann::ordered_json root;
  root["contests"] = std::move(contests);
  return root.dump();
}

std::string results_text(const config::Election& election, const std::vector<ContestResult>& results, Lang lang) {
  const bool en = lang == Lang::en;
  std::ostringstream out;
  for (const auto& r : results) {
    const config::Contest* contest = election.find_contest(r.contest_id);
    out << (en ? "Contest " : "Cuộc bầu ") << r.contest_id << " — " << contest->title;
    if (r.round > 1) out << (en ? " (round " : " (bầu lần ") << r.round << ')';
    out << '\n';
    out << "  D = " << r.base << (en ? ", elected with at least " : ", trúng cử cần ít nhất ") << r.votes_needed
        << (en ? " votes\n" : " phiếu\n");
    out << (en ? "  ballots: issued " : "  phiếu: phát ra ") << (r.issued ? std::to_string(*r.issued) : (en ? "(not entered)" : "(chưa nhập)"))
        << (en ? ", collected " : ", thu vào ") << r.collected << (en ? ", valid " : ", hợp lệ ") << r.valid
        << (en ? ", invalid " : ", không hợp lệ ") << r.invalid;
    for (const auto& [reason, n] : r.invalid_by_reason) out << " (" << words::say(words::Kind::invalid_reason, to_string(reason), lang) << ' ' << n << ')';
    out << '\n';
    for (const auto& c : r.candidates) {
      const auto* cand = contest->find_candidate(c.candidate_id);
      char line[64];
      std::snprintf(line, sizeof line, "%6lld  %6.2f%%  ", static_cast<long long>(c.votes), c.percent_of_base);
      out << "  " << line << cand->name << (c.elected ? (en ? "  — elected" : "  — trúng cử") : "") << '\n';
    }
    if (!r.tied.empty()) {
      std::string names;
      for (const auto& id : r.tied) names += (names.empty() ? "" : "; ") + contest->find_candidate(id)->name;
      out << "  " << words::say(words::Kind::next_step, "tie_round", lang) << ": " << names << '\n';
    }
    if (r.seats_unfilled > 0 && r.tied.empty()) {
      out << "  " << words::say(words::Kind::next_step, "further_round", lang) << " (" << r.seats_unfilled << ")\n";
    }
    if (!r.reconciliation.ok()) out << (en ? "  RECONCILIATION FAILS: the count is not final\n" : "  ĐỐI CHIẾU KHÔNG KHỚP: kết quả chưa thể là chính thức\n");
    out << '\n';
  }
  return out.str();
}

}  // namespace kp::tally
