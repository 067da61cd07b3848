#include "station/replay.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
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
  for (const auto* s : by_hand) compare(*s, hand_entry_line(read_stored_file(std::filesystem::path(db.images_dir()) / s->stored_file)));
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
  // What a counted side reads now, and whether it still reads as the same paper (contest, serial,
  // side). A scan: its line read again. A hand entry: the members' marks in its stored entry.
  const auto read_again = [&](const tally::SheetRow& s) -> std::pair<bool, std::map<std::string, MarkState>> {
    const bool by_hand = tally::entered_by_hand(s);
    const auto line = nlohmann::json::parse(by_hand ? read_stored_file(std::filesystem::path(db.images_dir()) / s.stored_file) : read_now[s.id], nullptr, false);
    if (!line.is_object()) return {false, {}};
    // Each field type-checked: what is read may have been tampered with.
    const auto text = [&](const char* key) {
      const auto it = line.find(key);
      return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const auto serial = line.find("serial");
    const bool same = (by_hand ? text("kind") == "kiemphieu-hand-entry" : text("status") == "ok") && text("contest_id") == s.contest_id &&
                      text("side") == s.side && serial != line.end() && serial->is_number_integer() && serial->get<std::int64_t>() == s.serial;
    if (!same) return {false, {}};
    if (!by_hand) {
      tally::SheetRow now = s;
      now.recognition = read_now[s.id];
      return {true, tally::side_as_read(now).marks};
    }
    std::map<std::string, MarkState> marks;
    const auto entered = line.find("marks");
    if (entered == line.end() || !entered->is_object()) return {false, {}};
    for (const auto& [candidate, state] : entered->items()) {
      const auto parsed = state.is_string() ? parse_mark_state(state.get<std::string>()) : std::nullopt;
      if (parsed) marks[candidate] = *parsed;
    }
    return {true, marks};
  };
  std::set<std::int64_t> accounted;
  RecountReport report;
  const tally::RuleSettings rules = tally::settings_for(db.election().rules);
  std::vector<tally::ContestResult> again;
  for (std::size_t i = 0; i < summary->results.size(); ++i) {
    const auto& stored = summary->results[i];
    std::vector<tally::BallotRecord> records;
    for (const auto& ballot : summary->ballots) {
      if (ballot.contest_id != stored.contest_id || ballot.round != stored.round) continue;
      if (ballot.conflicting || ballot.status != tally::SheetStatus::counted) {
        for (const auto id : ballot.sheet_ids) accounted.insert(id);  // a conflict or a wait: not in the count, and said so there
        continue;
      }
      ++report.ballots;
      tally::BallotRecord record{ballot.contest_id, {}, {}};
      bool readable = true;
      for (const auto id : ballot.sheet_ids) {
        accounted.insert(id);
        const tally::SheetRow& s = *by_id.at(id);
        const auto [same_paper, read] = read_again(s);
        if (!same_paper) {
          report.differences.push_back({s.id, s.serial, s.stored_file, "", "counted", "not read as this ballot"});
          readable = false;
          continue;
        }
        // Every name either the count or the paper holds: a name dropped from the stored marks,
        // or one they hold that the paper does not, is a difference too.
        std::set<std::string> names;
        for (const auto& [candidate, state] : s.marks) names.insert(candidate);
        for (const auto& [candidate, state] : read) names.insert(candidate);
        for (const auto& candidate : names) {
          const auto counted = s.marks.find(candidate);
          const auto now = read.find(candidate);
          const std::string counted_text = counted != s.marks.end() ? std::string(to_string(counted->second)) : "-";
          // Where the machine cannot decide, the committee's ruling is the reading.
          if (now != read.end() && now->second != MarkState::unclear) {
            record.marks[candidate] = now->second;
            if (counted == s.marks.end() || counted->second != now->second) {
              report.differences.push_back({s.id, s.serial, s.stored_file, candidate, counted_text, std::string(to_string(now->second))});
            }
          } else if (counted != s.marks.end() && now != read.end()) {
            record.marks[candidate] = counted->second;
          } else {
            report.differences.push_back({s.id, s.serial, s.stored_file, candidate, counted_text, now != read.end() ? "unclear" : "-"});
            readable = false;
          }
        }
        record.flags.insert(s.flags.begin(), s.flags.end());
      }
      if (readable) records.push_back(std::move(record));
    }
    again.push_back(tally::count(db.election(), summary->contests[i], records, stored.issued, rules));
  }
  // A sheet held as counted that no round's count took (its contest or round changed under it).
  for (const auto& s : *sheets) {
    if (s.status == tally::SheetStatus::counted && accounted.count(s.id) == 0) {
      report.differences.push_back({s.id, s.serial, s.stored_file, "", "counted", "not in any round's count"});
    }
  }
  std::sort(report.differences.begin(), report.differences.end(),
            [](const RecountDifference& a, const RecountDifference& b) { return std::tie(a.sheet_id, a.candidate_id) < std::tie(b.sheet_id, b.candidate_id); });
  report.stored_results = tally::results_json(summary->results);
  report.recounted_results = tally::results_json(again);
  return report;
}

}  // namespace kp::station
