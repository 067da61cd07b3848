#include "tally/internal/naive_recount.hpp"

#include <algorithm>
#include <set>

namespace kp::tally::internal {

NaiveRound naive_recount(const config::Election& election, const config::Contest& c, int round, int sides_per_ballot,
                         const std::vector<SheetRow>& all_sides) {
  NaiveRound n;
  for (const auto& cand : c.candidates) n.votes[cand.id] = 0;
  // A ballot counts when exactly one counted side of each kind exists for its serial.
  std::map<std::int64_t, std::vector<const SheetRow*>> by_serial;
  for (const auto& s : all_sides) {
    if (s.contest_id == c.id && s.round == round && s.status == SheetStatus::counted) by_serial[s.serial].push_back(&s);
  }
  const bool party = election.rules == config::RuleProfile::party_190;
  for (const auto& [serial, sides] : by_serial) {
    std::set<std::string> names;
    for (const auto* s : sides) names.insert(s->side);
    if (names.size() != sides.size() || static_cast<int>(sides.size()) != sides_per_ballot) continue;
    std::map<std::string, MarkState> marks;
    std::set<SheetFlag> flags;
    for (const auto* s : sides) {
      for (const auto& [k, v] : s->marks) marks[k] = v;
      for (const auto f : s->flags) flags.insert(f);
    }
    ++n.collected;
    // Read as the rules are written (election-rules.md §3), one case after another.
    int supported = 0, struck = 0, undecided = 0;
    for (const auto& cand : c.candidates) {
      const auto it = marks.find(cand.id);
      if (c.ballot == BallotForm::strike) {
        const bool is_struck = it != marks.end() && it->second == MarkState::struck;
        struck += is_struck ? 1 : 0;
        supported += is_struck ? 0 : (it == marks.end() || it->second == MarkState::kept ? 1 : 0);
      } else {
        supported += it != marks.end() && it->second == MarkState::agree ? 1 : 0;
        undecided += it == marks.end() || it->second == MarkState::both || it->second == MarkState::none ? 1 : 0;
      }
    }
    const int names_on_list = static_cast<int>(c.candidates.size());
    std::string why;
    if (flags.count(SheetFlag::no_stamp) != 0) why = "not_issued";
    else if (supported > c.seats) why = "over_vote";
    else if (c.ballot == BallotForm::strike && names_on_list > 1 && struck == names_on_list) why = "all_struck";
    else if (flags.count(SheetFlag::write_in) != 0) why = "write_in";
    else if (flags.count(SheetFlag::identifying_mark) != 0) why = "identifying_mark";
    else if (c.ballot == BallotForm::box && names_on_list == 1 && undecided == 1) why = "single_both_or_none";
    if (!why.empty()) {
      ++n.invalid;
      ++n.invalid_by_reason[why];
      continue;
    }
    ++n.valid;
    for (const auto& cand : c.candidates) {
      const auto it = marks.find(cand.id);
      const bool vote = c.ballot == BallotForm::strike ? (it == marks.end() || it->second == MarkState::kept)
                                                       : (it != marks.end() && it->second == MarkState::agree);
      if (vote) ++n.votes[cand.id];
    }
  }
  // The threshold: more than half of D (party) or of the valid ballots (state).
  const auto& el = election.electorate;
  std::int64_t d = n.valid;
  if (party) {
    if (election.kind == config::CongressKind::members) {
      d = el.convened - el.temporarily_transferred - el.exempt_absent - el.suspended - el.absent_approved;
    } else if (election.kind == config::CongressKind::delegates) {
      d = el.convened - el.delegates_absent_unreplaced - el.committee_absent;
    } else {
      d = el.convened - el.excluded;
    }
  }
  std::vector<std::pair<std::int64_t, std::string>> over_half;
  for (const auto& [id, v] : n.votes) {
    if (d > 0 && 2 * v > d) over_half.emplace_back(v, id);
  }
  std::sort(over_half.begin(), over_half.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const auto seats = static_cast<std::size_t>(c.seats);
  if (over_half.size() <= seats) {
    for (const auto& [v, id] : over_half) n.elected_sorted.push_back(id);
  } else {
    const std::int64_t last = over_half[seats - 1].first;
    const bool tie = over_half[seats].first == last;
    for (const auto& [v, id] : over_half) {
      if (v > last || (!tie && v == last && n.elected_sorted.size() < seats)) n.elected_sorted.push_back(id);
      if (tie && v == last) n.tied_sorted.push_back(id);
    }
  }
  std::sort(n.elected_sorted.begin(), n.elected_sorted.end());
  std::sort(n.tied_sorted.begin(), n.tied_sorted.end());
  return n;
}

std::string naive_difference(const NaiveRound& naive, const ContestResult& engine) {
  std::string out;
  const auto differ = [&](const std::string& what, std::int64_t a, std::int64_t b) {
    if (a != b) out += (out.empty() ? "" : "; ") + what + " " + std::to_string(b) + " counted, " + std::to_string(a) + " on recount";
  };
  differ("ballots collected", naive.collected, engine.collected);
  differ("valid", naive.valid, engine.valid);
  differ("invalid", naive.invalid, engine.invalid);
  for (const auto& [reason, n] : engine.invalid_by_reason) {
    const auto it = naive.invalid_by_reason.find(std::string(to_string(reason)));
    differ("invalid (" + std::string(to_string(reason)) + ")", it == naive.invalid_by_reason.end() ? 0 : it->second, n);
  }
  for (const auto& c : engine.candidates) {
    const auto it = naive.votes.find(c.candidate_id);
    differ("votes for " + c.candidate_id, it == naive.votes.end() ? 0 : it->second, c.votes);
  }
  auto elected = engine.elected;
  std::sort(elected.begin(), elected.end());
  auto tied = engine.tied;
  std::sort(tied.begin(), tied.end());
  // The state profile breaks ties by age: the naive recount leaves such a tie as it is, so the
  // elected are compared only where no age decided.
  const bool age_decided = engine.rules == config::RuleProfile::state_na_2015 && !naive.tied_sorted.empty() && tied.empty();
  if (!age_decided && elected != naive.elected_sorted) out += (out.empty() ? "" : "; ") + std::string("the elected differ");
  if (!age_decided && tied != naive.tied_sorted) out += (out.empty() ? "" : "; ") + std::string("the tied differ");
  return out;
}

}  // namespace kp::tally::internal
