#include "config/election.hpp"

#include <algorithm>

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

}  // namespace kp::config
