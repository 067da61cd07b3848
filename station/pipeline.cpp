#include "station/pipeline.hpp"

#include <filesystem>

#include "common/files.hpp"
#include "scanner/scanner.hpp"
#include "station/reading.hpp"
#include "tally/admission.hpp"

namespace kp::station {

std::string_view to_string(PaperState state) {
  switch (state) {
    case PaperState::counted: return "counted";
    case PaperState::waiting: return "waiting";
    case PaperState::refused: return "refused";
    case PaperState::already_stored: return "already_stored";
  }
  return "?";
}

std::vector<Paper> papers_of(const std::vector<std::string>& files) {
  std::vector<Paper> out;
  for (const auto& p : scanner::pair_side_files(files)) {
    Paper paper{{p.front, p.front}, std::nullopt};
    if (!p.back.empty()) paper.second = SideFile{p.back, p.back};
    out.push_back(std::move(paper));
  }
  return out;
}

Result<PaperOutcome> SheetPipeline::take(const Paper& paper, std::optional<std::int64_t> batch) {
  std::vector<std::string> files{paper.first.path};
  if (paper.second) files.push_back(paper.second->path);
  std::vector<SideEvidence> evidence(files.size());
  recognise_in_order(recognizer_, files, static_cast<int>(files.size()),
                     [&](std::size_t i, const Result<Image>&, const SideEvidence& e) { evidence[i] = e; });
  return store(paper, evidence, batch);
}

Result<PaperOutcome> SheetPipeline::store(const Paper& paper, const std::vector<SideEvidence>& evidence, std::optional<std::int64_t> batch) {
  const Thresholds& t = db_.election().thresholds;
  std::vector<const SideFile*> files{&paper.first};
  if (paper.second) files.push_back(&*paper.second);
  PaperOutcome out;
  std::vector<tally::SheetInput> inputs;
  std::vector<std::string> positions;
  for (std::size_t i = 0; i < files.size() && i < evidence.size(); ++i) {
    const auto& reasons = evidence[i].reasons;
    if (reasons.size() == 1 && reasons.front() == Rejection::unreadable_file) {
      // Nothing to keep: the file could not be read at all (missing, not a regular file).
      out.unreadable.push_back(files[i]->name);
      continue;
    }
    inputs.push_back(sheet_input(files[i]->name, files[i]->path, evidence[i], t, batch));
    positions.emplace_back(i == 0 ? "front" : "back");
  }
  if (inputs.size() == 2) {
    std::vector<std::string> back_reasons;
    for (const auto r : evidence[1].reasons) back_reasons.emplace_back(to_string(r));
    switch (tally::back_side_rule(inputs[0].recognised, inputs[1].recognised, back_reasons)) {
      case tally::BackSide::drop_blank:
        inputs.pop_back();
        positions.pop_back();
        out.blank_back_dropped = true;
        break;
      case tally::BackSide::flag_front: inputs[0].findings.insert(SheetFlag::identifying_mark); break;
      case tally::BackSide::keep: break;
    }
  }
  if (inputs.empty()) {
    out.state = PaperState::refused;
    return out;
  }
  auto stored = db_.ingest_batch(inputs);
  if (!stored) return tl::unexpected(stored.error());
  bool all_duplicate = true, all_refused = true, any_waiting = false;
  std::size_t counted = 0, sides_needed = 1;
  for (std::size_t i = 0; i < stored->size(); ++i) {
    const auto& o = (*stored)[i];
    all_duplicate = all_duplicate && o.duplicate;
    all_refused = all_refused && o.sheet.status == tally::SheetStatus::rejected;
    any_waiting = any_waiting || o.sheet.status == tally::SheetStatus::waiting;
    if (o.sheet.status == tally::SheetStatus::counted) {
      ++counted;
      for (const auto& layout : recognizer_.layouts()) {
        if (layout.contest_id == inputs[i].contest_id && layout.short_hash() == inputs[i].layout_hash) sides_needed = layout.sides.size();
      }
    }
    out.sides.push_back({positions[i], inputs[i].image_name, o});
  }
  // A two-sided ballot one of whose sides was refused waits for that side.
  any_waiting = any_waiting || (counted > 0 && counted < sides_needed);
  out.state = all_duplicate ? PaperState::already_stored
              : all_refused ? PaperState::refused
              : any_waiting ? PaperState::waiting
                            : PaperState::counted;
  return out;
}

}  // namespace kp::station
