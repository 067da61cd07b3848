#pragma once
// The one path a paper takes into the count, whatever brought it (`ingest` of files, `scan`
// from any scanner, folder import, the console): both sides of a paper are recognised side by
// side, the back-side rules are applied (tally/admission.hpp), and what is kept is stored in
// one commit, where admission decides each side's state.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "recognition/recognizer.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

// One side of a paper as it came in: the name it is known by (a file name, the scanner's
// origin), the file holding its image (for a side that came in memory, a name with its
// extension) and the bytes: read by recognition from the file, or as the scanner gave them.
// These are what is stored; without them the file is read again when stored.
struct SideFile {
  std::string name;
  std::string path;
  std::shared_ptr<const std::vector<unsigned char>> bytes = nullptr;
  std::optional<tally::KeptImage> kept = std::nullopt;  // already in the image store (take())
};

// A paper: the side the feeder saw first and, in a duplex scan or a file pair, the other one.
struct Paper {
  SideFile first;
  std::optional<SideFile> second;
};

struct StoredSide {
  std::string scanned_as;  // "front" or "back": where on the paper the side was (not what recognition read)
  std::string image;       // its name
  tally::IngestOutcome outcome;
};

enum class PaperState { counted, waiting, refused, already_stored };
std::string_view to_string(PaperState state);

struct PaperOutcome {
  std::vector<StoredSide> sides;  // what was stored (a blank back of a one-sided ballot is not)
  bool blank_back_dropped = false;
  // What the paper is after storing: counted when every side kept was counted; waiting when a
  // side waits; refused when every side kept was refused; already stored when every side was.
  PaperState state = PaperState::waiting;
  std::vector<std::string> unreadable;  // sides whose file could not be read at all: not stored
};

class SheetPipeline {
 public:
  SheetPipeline(tally::CongressDb& db, const recognition::Recognizer& recognizer) : db_(db), recognizer_(recognizer) {}

  // Recognises the paper's sides in parallel, then stores it (below). Sides that come with their
  // bytes (a scanner's) are recognised from memory while their images are written to the image
  // store on a third thread, so the disk's flush overlaps recognition and the commit after it
  // has only rows to write.
  Result<PaperOutcome> take(const Paper& paper, std::optional<std::int64_t> batch);
  // Stores a paper whose sides are already recognised (`evidence` in the order first, second).
  Result<PaperOutcome> store(const Paper& paper, const std::vector<SideEvidence>& evidence, std::optional<std::int64_t> batch);
  // Stores several papers in one durable commit (an import of files): each paper wholly or not
  // at all, and the outcomes exactly as one commit per paper would give them.
  Result<std::vector<PaperOutcome>> store_all(const std::vector<Paper>& papers, const std::vector<std::vector<SideEvidence>>& evidence,
                                              std::optional<std::int64_t> batch);

  [[nodiscard]] tally::CongressDb& db() const { return db_; }
  [[nodiscard]] const recognition::Recognizer& recognizer() const { return recognizer_; }

 private:
  tally::CongressDb& db_;
  const recognition::Recognizer& recognizer_;
};

// The papers of a list of files, paired by side name (NAME-front.* with NAME-back.*).
std::vector<Paper> papers_of(const std::vector<std::string>& files);

}  // namespace kp::station
