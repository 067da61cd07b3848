#include "recognition/evidence_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace kp::recognition {
namespace {

double r4(double v) {
  const double r = std::round(v * 10000.0) / 10000.0;
  return r == 0 ? 0.0 : r;  // never "-0"
}

nlohmann::ordered_json box_json(const BoxEvidence& b) {
  return {{"ink_mm2", r4(b.ink_mm2)}, {"fill", r4(b.fill)}, {"border_mm2", r4(b.border_mm2)}, {"crossings", b.crossings}};
}

}  // namespace

std::string recognition_json_line(const std::string& image, const SideEvidence& e, const Thresholds& t) {
  nlohmann::ordered_json j;
  j["image"] = image;
  j["status"] = e.ok() ? "ok" : "rejected";
  if (!e.contest_id.empty()) j["contest_id"] = e.contest_id;
  if (!e.contest_id.empty()) j["side"] = to_string(e.side);
  nlohmann::ordered_json marks = nlohmann::ordered_json::array();
  if (e.ok()) {
    for (const auto& target : e.targets) {
      const MarkDecision d = decide(target, t);
      marks.push_back({{"candidate_id", target.candidate_id}, {"state", to_string(d.state)}, {"score", std::round(d.score * 1000) / 1000}});
    }
  }
  j["marks"] = std::move(marks);
  nlohmann::ordered_json flags = nlohmann::ordered_json::array();
  for (const auto f : sheet_flags(e, t)) flags.push_back(to_string(f));
  j["flags"] = std::move(flags);
  nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
  for (const auto r : e.reasons) reasons.push_back(to_string(r));
  j["reasons"] = std::move(reasons);
  if (!e.election_id.empty()) {
    j["election_id"] = e.election_id;
    j["serial"] = e.serial;
    j["layout_hash"] = e.layout_hash;
  }
  if (!e.marks_px.empty()) {
    nlohmann::ordered_json marks_px = nlohmann::ordered_json::array();
    for (const auto& p : e.marks_px) marks_px.push_back({r4(p.x), r4(p.y)});
    j["geometry"] = {{"orientation_deg", e.orientation_deg}, {"rotation_deg", r4(e.rotation_deg)},
                     {"px_per_mm", r4(e.px_per_mm)}, {"marks_px", std::move(marks_px)}};
  }
  if (e.ok()) {
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    for (const auto& target : e.targets) {
      nlohmann::ordered_json jt{{"candidate_id", target.candidate_id}};
      if (target.form == BallotForm::strike) {
        jt["ink"] = r4(target.strike.ink);
        jt["coverage"] = r4(target.strike.coverage);
        jt["band_offset"] = r4(target.strike.band_offset);
        jt["off_line"] = r4(target.strike.off_line);
        jt["angle_deg"] = r4(target.strike.angle_deg);
      } else {
        jt["agree"] = box_json(target.agree);
        jt["disagree"] = box_json(target.disagree);
      }
      targets.push_back(std::move(jt));
    }
    j["evidence"] = {{"sheet", {{"colour", e.colour}, {"stamp_red_share", r4(e.stamp_red_share)}, {"write_in_mm2", r4(e.write_in_mm2)},
                                {"other_ink_mm2", r4(e.other_ink_mm2)}, {"streak_share", r4(e.streak_share)}}},
                     {"targets", std::move(targets)}};
  }
  return j.dump();
}

std::string unreadable_json_line(const std::string& image, Rejection reason) {
  SideEvidence e;
  e.reasons.push_back(reason);
  return recognition_json_line(image, e, Thresholds{});
}

}  // namespace kp::recognition
