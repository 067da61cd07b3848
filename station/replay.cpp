#include "station/replay.hpp"

#include <filesystem>
#include <vector>

#include "recognition/evidence_json.hpp"
#include "station/reading.hpp"

namespace kp::station {

Result<std::size_t> replay(const tally::CongressDb& db, int threads, const ReplayProgress& each) {
  const auto sheets = db.sheets();
  if (!sheets) return tl::unexpected(sheets.error());
  auto recognizer = recognizer_for(db);
  if (!recognizer) return tl::unexpected(recognizer.error());
  std::vector<std::string> files;
  for (const auto& s : *sheets) files.push_back((std::filesystem::path(db.images_dir()) / s.stored_file).string());
  std::size_t differences = 0;
  recognise_in_order(*recognizer, files, threads, [&](std::size_t i, ReadSide& side) {
    const SideEvidence& e = side.evidence;
    const auto& s = (*sheets)[i];
    const std::string again = recognition::recognition_json_line(s.image_name, e, db.election().thresholds);
    if (again == s.recognition) {
      each(i + 1, files.size(), nullptr);
      return;
    }
    ++differences;
    const ReplayDifference d{s.id, s.image_name, s.recognition, again};
    each(i + 1, files.size(), &d);
  });
  return differences;
}

}  // namespace kp::station
