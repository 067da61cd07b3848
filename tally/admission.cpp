#include "tally/admission.hpp"

#include <algorithm>
#include <array>

#include "common/words.hpp"

namespace kp::tally {

std::string_view to_string(SheetStatus status) {
  switch (status) {
    case SheetStatus::counted: return "counted";
    case SheetStatus::waiting: return "waiting";
    case SheetStatus::rejected: return "rejected";
  }
  return "?";
}

std::optional<SheetStatus> parse_sheet_status(std::string_view text) {
  for (const auto s : {SheetStatus::counted, SheetStatus::waiting, SheetStatus::rejected}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

namespace {
constexpr std::array kKinds{WaitKind::unclear,      WaitKind::flag,          WaitKind::duplicate_serial, WaitKind::missing_side,
                            WaitKind::round_closed, WaitKind::unknown_round, WaitKind::rejected};
}  // namespace

std::string_view to_string(WaitKind kind) {
  switch (kind) {
    case WaitKind::unclear: return "unclear";
    case WaitKind::flag: return "flag";
    case WaitKind::duplicate_serial: return "duplicate_serial";
    case WaitKind::missing_side: return "missing_side";
    case WaitKind::round_closed: return "round_closed";
    case WaitKind::unknown_round: return "unknown_round";
    case WaitKind::rejected: return "rejected";
  }
  return "?";
}

std::string WaitReason::code() const {
  std::string out(to_string(kind));
  if (!subject.empty()) out += ":" + subject;
  return out;
}

std::optional<WaitReason> parse_wait_reason(std::string_view code) {
  const auto colon = code.find(':');
  const std::string_view name = code.substr(0, colon);
  for (const auto k : kKinds) {
    if (to_string(k) == name) return WaitReason{k, colon == std::string_view::npos ? std::string() : std::string(code.substr(colon + 1))};
  }
  return std::nullopt;
}

std::vector<std::string> reason_codes(const std::vector<WaitReason>& reasons) {
  std::vector<std::string> out;
  for (const auto& r : reasons) out.push_back(r.code());
  return out;
}

std::string say(const WaitReason& reason, const config::Election& election, std::string_view contest_id, Lang lang) {
  using words::Kind;
  switch (reason.kind) {
    case WaitKind::unclear: {
      std::string name = reason.subject;
      if (const auto* contest = election.find_contest(std::string(contest_id))) {
        if (const auto* person = contest->find_candidate(reason.subject)) name = person->name;
      }
      return words::say(Kind::wait_reason, "unclear", lang) + ": " + name;
    }
    case WaitKind::flag: return words::say(Kind::sheet_flag, reason.subject, lang);
    case WaitKind::missing_side:
      return words::say(Kind::wait_reason, "missing_side", lang) + " (" + words::say(Kind::side, reason.subject, lang) + ")";
    case WaitKind::rejected:
      return reason.subject.empty() ? words::say(Kind::wait_reason, "rejected", lang)
                                    : words::say(Kind::wait_reason, "rejected", lang) + ": " + words::say(Kind::rejection, reason.subject, lang);
    case WaitKind::duplicate_serial:
    case WaitKind::round_closed:
    case WaitKind::unknown_round: return words::say(Kind::wait_reason, to_string(reason.kind), lang);
  }
  return reason.code();
}

SideAdmission admit_side(bool recognised, std::optional<RoundPlace> round, const std::map<std::string, MarkState>& marks,
                         const std::set<SheetFlag>& findings, std::optional<std::int64_t> same_serial_stored_as) {
  SideAdmission a;
  if (!recognised) {
    a.status = SheetStatus::rejected;
    a.reasons = {{WaitKind::rejected, ""}};
    return a;
  }
  if (!round) {
    // Recognition knows only this congress's ballots; a code it read that no round printed is
    // a ballot from elsewhere, kept and never counted.
    a.status = SheetStatus::rejected;
    a.reasons = {{WaitKind::unknown_round, ""}};
    return a;
  }
  a.round = round->round;
  if (!round->open) {
    // A ballot of a round already closed (found late in a box): kept, never counted.
    a.status = SheetStatus::rejected;
    a.reasons = {{WaitKind::round_closed, std::to_string(round->round)}};
    return a;
  }
  for (const auto& [id, state] : marks) {
    if (state == MarkState::unclear) a.reasons.push_back({WaitKind::unclear, id});
  }
  // Every finding waits for the committee, stamp_not_checked too: a gray scan cannot show the red
  // stamp, so the ballot is counted only once a member has looked at the paper (one by one, or the
  // whole batch's gray sides at once with station::confirm_stamps).
  for (const auto f : findings) a.reasons.push_back({WaitKind::flag, std::string(to_string(f))});
  if (same_serial_stored_as) a.reasons.push_back({WaitKind::duplicate_serial, std::to_string(*same_serial_stored_as)});
  a.status = a.reasons.empty() ? SheetStatus::counted : SheetStatus::waiting;
  return a;
}

BackSide back_side_rule(bool front_recognised, bool back_recognised, const std::vector<std::string>& back_rejections) {
  if (!front_recognised || back_recognised) return BackSide::keep;
  if (back_rejections.size() == 1 && back_rejections.front() == to_string(Rejection::blank_side)) return BackSide::drop_blank;
  if (std::find(back_rejections.begin(), back_rejections.end(), to_string(Rejection::not_a_ballot)) != back_rejections.end()) {
    return BackSide::flag_front;
  }
  return BackSide::keep;
}

std::vector<BallotState> assemble_ballots(const std::vector<StoredSide>& sides, const std::map<std::pair<std::string, int>, int>& sides_per_ballot) {
  using Key = std::tuple<std::string, int, std::int64_t>;
  std::map<Key, std::vector<const StoredSide*>> groups;
  for (const auto& s : sides) {
    if (s.status != SheetStatus::rejected) groups[{s.contest_id, s.round, s.serial}].push_back(&s);
  }
  std::vector<BallotState> out;
  for (const auto& [key, group] : groups) {
    const auto& [contest_id, round, serial] = key;
    const auto per = sides_per_ballot.find({contest_id, round});
    const int needed = per == sides_per_ballot.end() ? 1 : per->second;
    BallotState ballot{contest_id, round, serial, SheetStatus::waiting, false, {}, {}};
    std::set<Side> counted;
    std::vector<const StoredSide*> waiting;
    for (const auto* s : group) {
      if (s->status == SheetStatus::counted) {
        if (!counted.insert(s->side).second) ballot.conflicting = true;
        ballot.sheet_ids.push_back(s->sheet_id);
      } else {
        waiting.push_back(s);
      }
    }
    const bool complete = static_cast<int>(counted.size()) >= needed;
    if (ballot.conflicting || complete) {
      if (!ballot.conflicting) ballot.status = SheetStatus::counted;
      out.push_back(ballot);
      // Sides still waiting beside a complete ballot are copies: each waits on its own.
      for (const auto* w : waiting) out.push_back({contest_id, round, serial, SheetStatus::waiting, false, {}, {w->sheet_id}});
      continue;
    }
    for (const auto* w : waiting) ballot.sheet_ids.push_back(w->sheet_id);
    if (waiting.empty()) {
      for (const Side side : {Side::front, Side::back}) {
        if (counted.count(side) == 0 && static_cast<int>(counted.size()) < needed) {
          ballot.reasons.push_back({WaitKind::missing_side, std::string(to_string(side))});
        }
      }
    }
    out.push_back(std::move(ballot));
  }
  return out;
}

}  // namespace kp::tally
