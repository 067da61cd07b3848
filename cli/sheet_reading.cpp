#include "cli/sheet_reading.hpp"

#include "cli/preparation.hpp"
#include "recognition/evidence_json.hpp"

namespace kp::cli {

Result<recognition::Recognizer> recognizer_for(const tally::CongressDb& db) {
  const auto rounds = db.rounds();
  if (!rounds) return tl::unexpected(rounds.error());
  std::vector<config::ContestLayout> layouts;
  for (const auto& r : *rounds) {
    auto layout = config::compute_layout(db.election(), r.contest);
    if (!layout) return tl::unexpected(layout.error());
    layouts.push_back(std::move(*layout));
  }
  const recognition::BlankProvider blank = blank_ballot;
  return recognition::Recognizer::create(db.election(), std::move(layouts), blank);
}

tally::SheetInput sheet_input(const std::string& image_name, const std::string& image_path, const SideEvidence& e, const Thresholds& t,
                              std::optional<std::int64_t> batch) {
  tally::SheetInput in;
  in.image_name = image_name;
  in.image_path = image_path;
  in.recognition = recognition::recognition_json_line(image_name, e, t);
  in.recognised = e.ok();
  in.contest_id = e.contest_id;
  in.side = e.side;
  in.serial = e.serial;
  in.layout_hash = e.layout_hash;
  in.batch_id = batch;
  for (const auto& target : e.targets) in.marks[target.candidate_id] = decide(target, t).state;
  for (const auto f : sheet_flags(e, t)) in.findings.insert(f);
  return in;
}

}  // namespace kp::cli
