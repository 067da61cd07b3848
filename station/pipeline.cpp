#include "station/pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

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
  Paper read = paper;
  std::vector<SideFile*> sides{&read.first};
  if (read.second) sides.push_back(&*read.second);
  const auto side_of = [&](std::size_t i) -> SideFile& { return *sides[i]; };
  std::vector<SideEvidence> evidence(sides.size());
  const bool in_memory = std::all_of(sides.begin(), sides.end(), [](const SideFile* s) { return s->bytes && !s->bytes->empty(); });
  if (!in_memory) {
    std::vector<std::string> files;
    for (const auto* s : sides) files.push_back(s->path);
    recognise_in_order(recognizer_, files, static_cast<int>(files.size()), [&](std::size_t i, ReadSide& side) {
      evidence[i] = std::move(side.evidence);
      side_of(i).bytes = std::move(side.bytes);
    });
    return store(read, evidence, batch);
  }
  std::vector<SideBytes> images;
  std::vector<std::string> names;
  for (const auto* s : sides) {
    images.push_back(s->bytes);
    names.push_back(s->path);
  }
  std::vector<std::optional<Result<tally::KeptImage>>> kept(sides.size());
  {
    const tally::CongressDb& db = db_;
    const std::jthread keeper([&] {
      for (std::size_t i = 0; i < images.size(); ++i) kept[i] = db.keep_image(*images[i], names[i]);
    });
    recognise_in_order(recognizer_, images, names, static_cast<int>(images.size()),
                       [&](std::size_t i, ReadSide& side) { evidence[i] = std::move(side.evidence); });
  }
  for (std::size_t i = 0; i < sides.size(); ++i) {
    if (!*kept[i]) return tl::unexpected(kept[i]->error());
    side_of(i).kept = **kept[i];
  }
  return store(read, evidence, batch);
}

Result<PaperOutcome> SheetPipeline::store(const Paper& paper, const std::vector<SideEvidence>& evidence, std::optional<std::int64_t> batch) {
  auto stored = store_all({paper}, {evidence}, batch);
  if (!stored) return tl::unexpected(stored.error());
  return std::move(stored->front());
}

Result<std::vector<PaperOutcome>> SheetPipeline::store_all(const std::vector<Paper>& papers, const std::vector<std::vector<SideEvidence>>& evidence,
                                                           std::optional<std::int64_t> batch) {
  const Thresholds& t = db_.election().thresholds;
  std::vector<PaperOutcome> out(papers.size());
  // Every kept side of every paper, in order, with the paper and place it came from.
  std::vector<tally::SheetInput> inputs;
  std::vector<std::pair<std::size_t, std::string>> origin;  // paper, "front"/"back"
  for (std::size_t p = 0; p < papers.size(); ++p) {
    const Paper& paper = papers[p];
    std::vector<const SideFile*> files{&paper.first};
    if (paper.second) files.push_back(&*paper.second);
    std::vector<tally::SheetInput> kept;
    std::vector<std::string> positions;
    for (std::size_t i = 0; i < files.size() && i < evidence[p].size(); ++i) {
      const auto& reasons = evidence[p][i].reasons;
      if (reasons.size() == 1 && reasons.front() == Rejection::unreadable_file) {
        // Nothing to keep: the file could not be read at all (missing, not a regular file).
        out[p].unreadable.push_back(files[i]->name);
        continue;
      }
      kept.push_back(sheet_input(files[i]->name, files[i]->path, evidence[p][i], t, batch));
      kept.back().image_bytes = files[i]->bytes;
      kept.back().kept_image = files[i]->kept;
      positions.emplace_back(i == 0 ? "front" : "back");
    }
    if (kept.size() == 2) {
      std::vector<std::string> back_reasons;
      for (const auto r : evidence[p][1].reasons) back_reasons.emplace_back(to_string(r));
      switch (tally::back_side_rule(kept[0].recognised, kept[1].recognised, back_reasons)) {
        case tally::BackSide::drop_blank:
          kept.pop_back();
          positions.pop_back();
          out[p].blank_back_dropped = true;
          break;
        case tally::BackSide::flag_front: kept[0].findings.insert(SheetFlag::identifying_mark); break;
        case tally::BackSide::keep: break;
      }
    }
    if (kept.empty()) out[p].state = PaperState::refused;
    for (std::size_t i = 0; i < kept.size(); ++i) {
      inputs.push_back(std::move(kept[i]));
      origin.emplace_back(p, positions[i]);
    }
  }
  if (inputs.empty()) return out;
  // One durable commit for all of them: each paper is wholly stored or not at all.
  auto stored = db_.ingest_batch(inputs);
  if (!stored) return tl::unexpected(stored.error());
  std::vector<std::size_t> sides_needed(papers.size(), 1);
  for (std::size_t i = 0; i < stored->size(); ++i) {
    const std::size_t p = origin[i].first;
    out[p].sides.push_back({origin[i].second, inputs[i].image_name, (*stored)[i]});
    for (const auto& layout : recognizer_.layouts()) {
      if (layout.contest_id == inputs[i].contest_id && layout.short_hash() == inputs[i].layout_hash) sides_needed[p] = layout.sides.size();
    }
  }
  for (std::size_t p = 0; p < papers.size(); ++p) {
    if (out[p].sides.empty()) continue;
    bool all_duplicate = true, all_refused = true, any_waiting = false;
    std::size_t counted = 0;
    for (const auto& side : out[p].sides) {
      const auto& o = side.outcome;
      all_duplicate = all_duplicate && o.duplicate;
      all_refused = all_refused && o.sheet.status == tally::SheetStatus::rejected;
      any_waiting = any_waiting || o.sheet.status == tally::SheetStatus::waiting;
      if (o.sheet.status == tally::SheetStatus::counted) ++counted;
    }
    // A two-sided ballot one of whose sides was refused waits for that side.
    any_waiting = any_waiting || (counted > 0 && counted < sides_needed[p]);
    out[p].state = all_duplicate ? PaperState::already_stored
                   : all_refused ? PaperState::refused
                   : any_waiting ? PaperState::waiting
                                 : PaperState::counted;
  }
  return out;
}

}  // namespace kp::station
