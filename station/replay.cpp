#include "station/replay.hpp"

#include <filesystem>
#include <vector>

#include "recognition/evidence_json.hpp"
#include "common/files.hpp"
#include "station/hand_entry.hpp"
#include "station/reading.hpp"

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

}  // namespace kp::station
