#include "sample_ballots/deck_scoring.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kp::synth {

Result<std::vector<SideTruth>> read_truth(const std::string& truth_path) {
  std::ifstream in(truth_path);
  if (!in) return fail("file_unreadable", {"Không mở được tệp đáp án", "Cannot open the ground truth file"}, truth_path);
  std::vector<SideTruth> out;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    const auto side = j.is_object() ? parse_side(j.value("side", "")) : std::nullopt;
    if (!side) {
      return fail("bad_truth", {"Dòng đáp án không hợp lệ", "Invalid ground truth line"}, truth_path + ":" + std::to_string(line_number));
    }
    SideTruth t;
    t.image = j.value("image", "");
    t.sheet = j.value("sheet", 0);
    t.contest_id = j.value("contest_id", "");
    t.side = *side;
    t.serial = j.value("serial", 0u);
    t.dpi = j.value("dpi", 0);
    t.rotation_deg = j.value("rotation_deg", 0.0);
    t.upside_down = j.value("upside_down", false);
    t.colour = j.value("colour", true);
    t.format = j.value("format", "");
    t.stamped = j.value("stamped", true);
    for (const auto& target : j.value("targets", nlohmann::json::array())) {
      t.targets.push_back({target.value("candidate_id", ""), target.value("intended", ""), target.value("mark", ""), target.value("ink", "")});
    }
    for (const auto& f : j.value("flags", nlohmann::json::array())) t.flags.push_back(f.get<std::string>());
    out.push_back(std::move(t));
  }
  return out;
}

void DeckScore::add(const DeckScore& o) {
  sides += o.sides;
  rejected += o.rejected;
  clear_marks += o.clear_marks;
  wrong += o.wrong;
  clear_unclear += o.clear_unclear;
  ambiguous_marks += o.ambiguous_marks;
  ambiguous_decided += o.ambiguous_decided;
  flags_expected += o.flags_expected;
  flags_missed += o.flags_missed;
  flags_extra += o.flags_extra;
  problems.insert(problems.end(), o.problems.begin(), o.problems.end());
}

void score_side(const SideTruth& truth, const SideEvidence& e, const Thresholds& t, DeckScore& score) {
  ++score.sides;
  const auto note = [&](const std::string& what) { score.problems.push_back(truth.image + ": " + what); };
  if (!e.ok()) {
    ++score.rejected;
    note("rejected (" + std::string(to_string(e.reasons.front())) + ")");
    return;
  }
  if (e.contest_id != truth.contest_id || e.serial != truth.serial) note("read as another ballot");
  for (const auto& target : truth.targets) {
    const auto it = std::find_if(e.targets.begin(), e.targets.end(), [&](const TargetEvidence& x) { return x.candidate_id == target.candidate_id; });
    if (it == e.targets.end()) {
      ++score.wrong;
      note(target.candidate_id + " not read");
      continue;
    }
    const MarkDecision d = decide(*it, t);
    const std::string got(to_string(d.state));
    if (target.intended == "ambiguous") {
      ++score.ambiguous_marks;
      if (d.state != MarkState::unclear) {
        ++score.ambiguous_decided;
        note(target.candidate_id + " " + target.mark + " (ambiguous) decided " + got);
      }
      continue;
    }
    ++score.clear_marks;
    if (d.state == MarkState::unclear) {
      ++score.clear_unclear;
      note(target.candidate_id + " " + target.intended + " (" + target.mark + ", " + target.ink + ") sent to the committee, score " +
           std::to_string(d.score));
    } else if (got != target.intended) {
      ++score.wrong;
      note(target.candidate_id + " WRONG: " + target.intended + " (" + target.mark + ", " + target.ink + ") read as " + got);
    }
  }
  std::set<std::string> raised;
  for (const auto f : sheet_flags(e, t)) raised.insert(std::string(to_string(f)));
  for (const auto& f : truth.flags) {
    ++score.flags_expected;
    if (!raised.count(f)) {
      ++score.flags_missed;
      note("flag " + f + " missed");
    }
  }
  for (const auto& f : raised) {
    if (std::find(truth.flags.begin(), truth.flags.end(), f) == truth.flags.end()) {
      ++score.flags_extra;
      note("flag " + f + " raised without cause");
    }
  }
}

std::string format_score(const DeckScore& s, std::size_t max_problems) {
  std::ostringstream out;
  out << "sides " << s.sides << ", rejected " << s.rejected << "\n"
      << "clear marks " << s.clear_marks << ": wrong " << s.wrong << " (budget 0), sent to the committee " << s.clear_unclear
      << " = " << 100.0 * s.clear_unclear_share() << "% (budget 1%)\n"
      << "ambiguous marks " << s.ambiguous_marks << ": decided automatically " << s.ambiguous_decided << " (budget 0)\n"
      << "sheet flags " << s.flags_expected << ": missed " << s.flags_missed << ", raised without cause " << s.flags_extra << "\n";
  for (std::size_t i = 0; i < s.problems.size() && i < max_problems; ++i) out << "  " << s.problems[i] << "\n";
  if (s.problems.size() > max_problems) out << "  … " << s.problems.size() - max_problems << " more\n";
  return out.str();
}

}  // namespace kp::synth
