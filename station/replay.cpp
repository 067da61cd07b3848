#include "station/replay.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "recognition/evidence_json.hpp"
#include "common/files.hpp"
#include "station/hand_entry.hpp"
#include "station/reading.hpp"
#include "tally/records.hpp"
#include "tally/rules.hpp"

namespace kp::station {

Result<std::size_t> replay(const tally::CongressDb& db, int threads, const ReplayProgress& each) {
  const auto sheets = db.sheets();
  if (!sheets) return tl::unexpected(sheets.error());
  auto recognizer = recognizer_for(db);
  if (!recognizer) return tl::unexpected(recognizer.error());
  // A side entered by hand has no scan: its line is derived again from the entry it stored.
  std::vector<const tally::SheetRow*> scanned;
  std::vector<std::string> files;
  std::vector<const tally::SheetRow*> by_hand;
  for (const auto& s : *sheets) {
    const std::string file = (std::filesystem::path(db.images_dir()) / s.stored_file).string();
    if (tally::entered_by_hand(s)) {
      by_hand.push_back(&s);
    } else {
      scanned.push_back(&s);
      files.push_back(file);
    }
  }
  const std::size_t total = sheets->size();
  std::size_t done = 0, differences = 0;
  const auto compare = [&](const tally::SheetRow& s, const std::string& again) {
    ++done;
    if (again == s.recognition) {
      each(done, total, nullptr);
      return;
    }
    ++differences;
    const ReplayDifference d{s.id, s.image_name, s.recognition, again};
    each(done, total, &d);
  };
  for (const auto* s : by_hand) compare(*s, hand_entry_line(read_file_bytes(std::filesystem::path(db.images_dir()) / s->stored_file)));
  recognise_in_order(*recognizer, files, threads, [&](std::size_t i, ReadSide& side) {
    const SideEvidence& e = side.evidence;
    const auto& s = *scanned[i];
    compare(s, recognition::recognition_json_line(s.image_name, e, db.election().thresholds));
  });
  return differences;
}

Result<RecountReport> recount(const tally::CongressDb& db, int threads, const std::function<void(std::size_t, std::size_t)>& progress) {
  const auto summary = db.count();
  if (!summary) return tl::unexpected(summary.error());
  const auto sheets = db.sheets();
  if (!sheets) return tl::unexpected(sheets.error());
  std::map<std::int64_t, const tally::SheetRow*> by_id;
  for (const auto& s : *sheets) by_id[s.id] = &s;
  // What every side reads now, by the same recognition (a hand entry: from its stored entry).
  std::map<std::int64_t, std::string> read_now;
  for (const auto& s : *sheets) read_now[s.id] = s.recognition;
  const auto replayed = replay(db, threads, [&](std::size_t done, std::size_t total, const ReplayDifference* d) {
    if (d != nullptr) read_now[d->sheet_id] = d->replayed;
    if (progress) progress(done, total);
  });
  if (!replayed) return tl::unexpected(replayed.error());
  RecountReport report;
  const tally::RuleSettings rules = tally::settings_for(db.election().rules);
  std::vector<tally::ContestResult> again;
  for (std::size_t i = 0; i < summary->results.size(); ++i) {
    const auto& stored = summary->results[i];
    std::vector<tally::BallotRecord> records;
    for (const auto& ballot : summary->ballots) {
      if (ballot.contest_id != stored.contest_id || ballot.round != stored.round || ballot.conflicting || ballot.status != tally::SheetStatus::counted) {
        continue;
      }
      ++report.ballots;
      tally::BallotRecord record{ballot.contest_id, {}, {}};
      bool readable = true;
      for (const auto id : ballot.sheet_ids) {
        const tally::SheetRow& s = *by_id.at(id);
        tally::SheetRow now = s;
        now.recognition = read_now[id];
        const auto as_read_then = tally::side_as_read(s).marks;
        const auto as_read_now = tally::side_as_read(now).marks;
        // Read now as another ballot, or not at all: the side is not recounted, and says why.
        const auto line = nlohmann::json::parse(now.recognition, nullptr, false);
        // Each field type-checked: the stored line of a side read the same may have been tampered.
        const auto text = [&](const char* key) {
          const auto it = line.find(key);
          return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        const auto serial = line.is_object() ? line.find("serial") : line.end();
        const bool same_paper = line.is_object() && text("status") == "ok" && text("contest_id") == s.contest_id && text("side") == s.side &&
                                serial != line.end() && serial->is_number_integer() && serial->get<std::int64_t>() == s.serial;
        if (!same_paper) {
          report.differences.push_back({s.id, s.serial, s.stored_file, "", "counted", "not read as this ballot", false});
          readable = false;
          continue;
        }
        bool ruled = false;
        for (const auto& [candidate, state] : s.marks) {
          const auto then = as_read_then.find(candidate);
          ruled = ruled || (then != as_read_then.end() && then->second != MarkState::unclear && then->second != state);
        }
        for (const auto& [candidate, counted] : s.marks) {
          const auto it = as_read_now.find(candidate);
          // Where the machine cannot decide, the committee's ruling is the reading.
          const MarkState state = it == as_read_now.end() || it->second == MarkState::unclear ? counted : it->second;
          record.marks[candidate] = state;
          if (state != counted) {
            report.differences.push_back({s.id, s.serial, s.stored_file, candidate, std::string(to_string(counted)), std::string(to_string(state)), ruled});
          }
        }
        record.flags.insert(s.flags.begin(), s.flags.end());
      }
      if (readable) records.push_back(std::move(record));
    }
    again.push_back(tally::count(db.election(), summary->contests[i], records, stored.issued, rules));
  }
  std::sort(report.differences.begin(), report.differences.end(),
            [](const RecountDifference& a, const RecountDifference& b) { return std::tie(a.sheet_id, a.candidate_id) < std::tie(b.sheet_id, b.candidate_id); });
  report.stored_results = tally::results_json(summary->results);
  report.recounted_results = tally::results_json(again);
  return report;
}

}  // namespace kp::station
