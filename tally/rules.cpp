#include "tally/rules.hpp"

#include <algorithm>
#include <cmath>

#include "config/load.hpp"

namespace kp::tally {

std::string_view to_string(InvalidReason reason) {
  switch (reason) {
    case InvalidReason::not_issued: return "not_issued";
    case InvalidReason::over_vote: return "over_vote";
    case InvalidReason::all_struck: return "all_struck";
    case InvalidReason::write_in: return "write_in";
    case InvalidReason::identifying_mark: return "identifying_mark";
    case InvalidReason::single_both_or_none: return "single_both_or_none";
  }
  return "?";
}

std::string_view to_string(NextStep next) {
  switch (next) {
    case NextStep::none: return "none";
    case NextStep::tie_round: return "tie_round";
    case NextStep::further_round: return "further_round";
  }
  return "?";
}

RuleSettings settings_for(config::RuleProfile profile) {
  RuleSettings s;
  s.profile = profile;
  if (profile == config::RuleProfile::state_na_2015) {
    // Law 85/2015: counted on valid ballots, ties to the older candidate, a turnout condition;
    // any name or content written in invalidates the ballot.
    s.threshold_on_membership = false;
    s.tie_breaks_by_age = true;
    s.needs_turnout = true;
  }
  return s;
}

BallotVerdict judge(const config::Contest& contest, const BallotRecord& ballot, const RuleSettings& rules) {
  BallotVerdict v;
  const auto invalid = [&](InvalidReason r) {
    v.valid = false;
    v.reason = r;
    v.supported.clear();
    v.opposed.clear();
    return v;
  };
  if (ballot.flags.count(SheetFlag::no_stamp)) return invalid(InvalidReason::not_issued);
  const int names = static_cast<int>(contest.candidates.size());
  int struck = 0;
  bool single_undecided = false;
  for (const auto& candidate : contest.candidates) {
    const auto it = ballot.marks.find(candidate.id);
    const MarkState state = it == ballot.marks.end() ? (contest.ballot == BallotForm::strike ? MarkState::kept : MarkState::none)
                                                     : it->second;
    if (contest.ballot == BallotForm::strike) {
      if (state == MarkState::struck) ++struck;
      if (state == MarkState::kept) v.supported.push_back(candidate.id);
    } else {
      if (state == MarkState::agree) v.supported.push_back(candidate.id);
      if (state == MarkState::disagree) v.opposed.push_back(candidate.id);
      if (names == 1 && (state == MarkState::both || state == MarkState::none)) single_undecided = true;
    }
  }
  if (static_cast<int>(v.supported.size()) > contest.seats) return invalid(InvalidReason::over_vote);
  if (contest.ballot == BallotForm::strike && names > 1 && struck == names) return invalid(InvalidReason::all_struck);
  if (rules.write_in_invalid && ballot.flags.count(SheetFlag::write_in)) return invalid(InvalidReason::write_in);
  if (rules.identifying_mark_invalid && ballot.flags.count(SheetFlag::identifying_mark)) return invalid(InvalidReason::identifying_mark);
  if (rules.single_both_or_none_invalid && single_undecided) return invalid(InvalidReason::single_both_or_none);
  v.valid = true;
  return v;
}

ContestResult count(const config::Election& election, const config::Contest& contest, const std::vector<BallotRecord>& ballots,
                    std::optional<std::int64_t> issued, const RuleSettings& rules) {
  ContestResult r;
  r.contest_id = contest.id;
  r.round = contest.round;
  r.rules = rules.profile;
  r.issued = issued;
  std::map<std::string, std::int64_t> votes, disagree;
  for (const auto& c : contest.candidates) votes[c.id] = disagree[c.id] = 0;
  for (const auto& ballot : ballots) {
    if (ballot.contest_id != contest.id) continue;
    ++r.collected;
    const BallotVerdict v = judge(contest, ballot, rules);
    if (!v.valid) {
      ++r.invalid;
      ++r.invalid_by_reason[*v.reason];
      continue;
    }
    ++r.valid;
    for (const auto& id : v.supported) ++votes[id];
    for (const auto& id : v.opposed) ++disagree[id];
  }
  r.base = rules.threshold_on_membership ? config::membership_base(election.electorate, election.kind) : r.valid;
  // "Quá một nửa": strictly more than half of D.
  r.votes_needed = r.base / 2 + 1;
  for (const auto& c : contest.candidates) {
    CandidateResult cr;
    cr.candidate_id = c.id;
    cr.votes = votes[c.id];
    if (contest.ballot == BallotForm::box) cr.disagree = disagree[c.id];
    cr.percent_of_base = r.base > 0 ? std::round(10000.0 * static_cast<double>(cr.votes) / static_cast<double>(r.base)) / 100.0 : 0;
    r.candidates.push_back(cr);
  }
  if (rules.needs_turnout) r.result_stands = 2 * r.collected > election.electorate.convened;

  // Qualifiers by votes, high to low; list order only keeps the output stable, it never decides.
  std::vector<const CandidateResult*> qualifiers;
  for (const auto& c : r.candidates) {
    if (c.votes >= r.votes_needed && r.base > 0) qualifiers.push_back(&c);
  }
  std::stable_sort(qualifiers.begin(), qualifiers.end(), [](const auto* a, const auto* b) { return a->votes > b->votes; });
  if (rules.tie_breaks_by_age) {
    // The state law gives a tied seat to the older candidate; without both birth dates the tie stands.
    const auto born = [&](const std::string& id) { return contest.find_candidate(id)->born; };
    std::stable_sort(qualifiers.begin(), qualifiers.end(), [&](const auto* a, const auto* b) {
      if (a->votes != b->votes) return a->votes > b->votes;
      const auto ba = born(a->candidate_id), bb = born(b->candidate_id);
      return ba && bb && *ba < *bb;
    });
  }
  const auto seats = static_cast<std::size_t>(contest.seats);
  std::vector<std::string> elected;
  if (qualifiers.size() <= seats) {
    for (const auto* q : qualifiers) elected.push_back(q->candidate_id);
  } else {
    // More qualifiers than seats: the highest win; a tie across the cut-off elects nobody of the
    // tied group for those seats (party), or goes by age where the profile says so.
    const std::int64_t cut = qualifiers[seats - 1]->votes;
    const bool tie_across_cut = qualifiers[seats]->votes == cut;
    bool broken_by_age = false;
    if (tie_across_cut && rules.tie_breaks_by_age) {
      broken_by_age = true;
      std::vector<const CandidateResult*> group;
      for (const auto* q : qualifiers) {
        if (q->votes == cut) group.push_back(q);
      }
      for (std::size_t i = 0; i + 1 < group.size(); ++i) {
        const auto a = contest.find_candidate(group[i]->candidate_id)->born;
        const auto b = contest.find_candidate(group[i + 1]->candidate_id)->born;
        if (!a || !b || *a == *b) broken_by_age = false;
      }
    }
    for (const auto* q : qualifiers) {
      if (tie_across_cut && !broken_by_age && q->votes == cut) {
        r.tied.push_back(q->candidate_id);
      } else if (elected.size() < seats && q->votes >= cut) {
        elected.push_back(q->candidate_id);
      }
    }
  }
  r.elected = elected;
  for (auto& c : r.candidates) c.elected = std::find(elected.begin(), elected.end(), c.candidate_id) != elected.end();
  r.seats_unfilled = contest.seats - static_cast<int>(elected.size());
  if (!r.tied.empty()) {
    r.next = NextStep::tie_round;
  } else if (r.seats_unfilled > 0) {
    r.next = NextStep::further_round;
  }
  if (!r.result_stands) r.next = NextStep::further_round;

  r.reconciliation.issued_covers_collected = !issued || *issued >= r.collected;
  r.reconciliation.valid_plus_invalid = r.valid + r.invalid == r.collected;
  r.reconciliation.votes_within_valid = std::all_of(r.candidates.begin(), r.candidates.end(), [&](const auto& c) { return c.votes <= r.valid; });
  return r;
}

}  // namespace kp::tally
