#pragma once
// The election definition (cli-contract.md §1), immutable once loaded.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "common/marks.hpp"

namespace kp::config {

enum class CongressKind { members, delegates, conference };
enum class RuleProfile { party_190, state_na_2015 };
enum class Paper { A5, A4, A3 };
// What a contest elects; the §6 list checks depend on it. "other" applies no surplus rule.
enum class Body { committee, standing_committee, inspection_committee, secretary, deputy_secretary,
                  delegates, alternates, other };
enum class CandidateOrder { abc, as_listed };

struct PaperSize {
  double width_mm;
  double height_mm;
};
PaperSize paper_size(Paper paper);

std::string_view to_string(CongressKind kind);
std::string_view to_string(RuleProfile rules);
std::string_view to_string(Paper paper);
std::string_view to_string(Body body);

// Inputs to the threshold base D (election-rules.md §5). Absent keys are 0.
struct Electorate {
  std::int64_t convened = 0;
  // members' congress
  std::int64_t temporarily_transferred = 0;
  std::int64_t exempt_absent = 0;
  std::int64_t suspended = 0;
  std::int64_t absent_approved = 0;
  // delegates' congress
  std::int64_t delegates_absent_unreplaced = 0;
  std::int64_t committee_absent = 0;
  // committee conference: exclusions the body's rules allow (default none)
  std::int64_t excluded = 0;
};

struct Candidate {
  std::string id;
  std::string name;         // NFC-normalised, single spaces
  std::string family_name;  // first word
  std::string middle_name;  // words between, may be empty
  std::string given_name;   // last word
  std::optional<std::string> born;  // ISO date; the state profile breaks ties by age
  int listed_position = 0;  // 1-based position in the definition file
  int source_line = 0;
};

struct Contest {
  std::string id;
  std::string title;
  int seats = 0;
  BallotForm ballot = BallotForm::strike;
  Paper paper = Paper::A4;
  Body body = Body::other;
  std::optional<std::string> from_contest;  // a later-stage contest draws on that contest's winners
  std::vector<Candidate> candidates;         // in printed order
  int source_line = 0;
  int round = 1;  // 2, 3, … for a later round among some of the candidates (see round_contest)

  [[nodiscard]] int surplus() const { return static_cast<int>(candidates.size()) - seats; }
  [[nodiscard]] const Candidate* find_candidate(std::string_view candidate_id) const;
};

struct Election {
  std::string id;
  std::string congress;
  std::string issuer;  // issuing body, printed top left of every ballot
  CongressKind kind = CongressKind::delegates;
  std::string date;
  RuleProfile rules = RuleProfile::party_190;
  CandidateOrder order = CandidateOrder::abc;
  Electorate electorate;
  Thresholds thresholds;  // [recognition]: the decision thresholds, defaults in common/evidence.hpp
  std::vector<Contest> contests;
  std::string source_file;
  // SHA-256 of the canonical JSON form: the same definition hashes the same whatever its
  // comments, spacing or key order; the audit trail refers to it.
  std::string content_hash;

  [[nodiscard]] const Contest* find_contest(std::string_view contest_id) const;
};

using ElectionPtr = std::shared_ptr<const Election>;

// The contest as put to a later round (election-rules.md §5): only `candidate_ids` (in the first
// round's printed order), `seats` still open, and the round in the title, so the ballot prints
// and hashes differently from every other round's and a left-over ballot cannot be counted in
// the wrong round. The ballot form follows the list: a surplus means striking names, none means
// agree/disagree boxes. Fails with "bad_round" naming what is wrong.
Result<Contest> round_contest(const Contest& first_round, int round, const std::vector<std::string>& candidate_ids, int seats);

}  // namespace kp::config
