#include "config/election.hpp"

#include <algorithm>
#include <set>

namespace kp::config {

PaperSize paper_size(Paper paper) {
  switch (paper) {
    case Paper::A5: return {148, 210};
    case Paper::A4: return {210, 297};
    case Paper::A3: return {297, 420};
  }
  return {210, 297};
}

std::string_view to_string(CongressKind kind) {
  switch (kind) {
    case CongressKind::members: return "members";
    case CongressKind::delegates: return "delegates";
    case CongressKind::conference: return "conference";
  }
  return "?";
}

std::string_view to_string(RuleProfile rules) {
  return rules == RuleProfile::party_190 ? "party-190" : "state-na-2015";
}

std::string_view to_string(Paper paper) {
  switch (paper) {
    case Paper::A5: return "A5";
    case Paper::A4: return "A4";
    case Paper::A3: return "A3";
  }
  return "?";
}

std::string_view to_string(Body body) {
  switch (body) {
    case Body::committee: return "committee";
    case Body::standing_committee: return "standing_committee";
    case Body::inspection_committee: return "inspection_committee";
    case Body::secretary: return "secretary";
    case Body::deputy_secretary: return "deputy_secretary";
    case Body::delegates: return "delegates";
    case Body::alternates: return "alternates";
    case Body::other: return "other";
  }
  return "?";
}

const Candidate* Contest::find_candidate(std::string_view candidate_id) const {
  const auto it = std::find_if(candidates.begin(), candidates.end(),
                               [&](const Candidate& c) { return c.id == candidate_id; });
  return it == candidates.end() ? nullptr : &*it;
}

const Contest* Election::find_contest(std::string_view contest_id) const {
  const auto it = std::find_if(contests.begin(), contests.end(),
                               [&](const Contest& c) { return c.id == contest_id; });
  return it == contests.end() ? nullptr : &*it;
}

Result<Contest> round_contest(const Contest& first_round, int round, const std::vector<std::string>& candidate_ids, int seats) {
  const auto bad = [&](const std::string& vi, const std::string& en) {
    return fail("bad_round", {"Lần bầu " + std::to_string(round) + " của cuộc bầu " + first_round.id + ": " + vi,
                              "Round " + std::to_string(round) + " of contest " + first_round.id + ": " + en},
                first_round.id);
  };
  if (round < 2) return bad("lần bầu sau phải từ 2 trở đi", "a later round is numbered 2 or more");
  if (seats < 1 || seats > first_round.seats) {
    return bad("số ghế phải từ 1 đến " + std::to_string(first_round.seats), "seats must be 1 to " + std::to_string(first_round.seats));
  }
  std::set<std::string> wanted;
  for (const auto& id : candidate_ids) {
    if (first_round.find_candidate(id) == nullptr) return bad("không có người ứng cử “" + id + "”", "no candidate “" + id + "”");
    if (!wanted.insert(id).second) return bad("“" + id + "” có hai lần trong danh sách", "“" + id + "” is listed twice");
  }
  if (static_cast<int>(wanted.size()) < seats) {
    return bad("danh sách ít người hơn số ghế", "the list has fewer names than seats");
  }
  Contest c = first_round;
  c.round = round;
  c.seats = seats;
  c.title = first_round.title + " (bầu lần " + std::to_string(round) + ")";
  c.candidates.clear();
  for (const auto& candidate : first_round.candidates) {
    if (wanted.count(candidate.id) != 0) c.candidates.push_back(candidate);
  }
  c.ballot = c.surplus() > 0 ? BallotForm::strike : BallotForm::box;
  return c;
}

}  // namespace kp::config
