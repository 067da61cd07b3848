#pragma once
// Reading scanned sides, one implementation for every way in (`recognize`, `ingest`, `scan`,
// folder import, `audit replay`): the recogniser of a congress database, the ordered parallel
// recognition of files, and the sheet handed to the database for one recognised side.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "common/image.hpp"
#include "config/layout.hpp"
#include "recognition/recognizer.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

// The blank ballot side (serial 0) that recognition compares scans with and the deck marks:
// drawn by the printer's own routine.
Result<Image> blank_ballot(const config::ContestLayout& layout, Side side, int dpi);

// Every round's ballot, so a sheet of any round is read with its own list; the database then
// counts it in its round or keeps it aside when that round is closed.
Result<recognition::Recognizer> recognizer_for(const tally::CongressDb& db);

// One file as read and recognised. `bytes` are exactly the bytes decoded (empty when the file
// could not be read): the pipeline stores these, not the file read again, so the image kept is
// the image recognised even if the file changes meanwhile, and it is read once.
struct ReadSide {
  Result<Image> image;  // why it could not be decoded; its pixels only when they were asked for
  SideEvidence evidence;
  std::shared_ptr<const std::vector<unsigned char>> bytes;
};

// Reads and recognises each file on `threads` threads (0: one per core); `each` sees them in the
// order given, on the calling thread, and may take what it needs from the ReadSide. A file that
// cannot be decoded gives evidence refused as corrupt_image or unreadable_file beside the image's
// error. The decoded pixels (~7 MB a side at 200 dpi) are dropped once recognised unless
// `keep_pixels` (an overlay is drawn on them). The readers stay at most kReadAhead files per
// thread ahead of `each`, so a slow consumer does not fill memory.
using EachSide = std::function<void(std::size_t index, ReadSide& side)>;
// 8 per thread: a durable commit of 32 papers takes ~85 ms on this project's machine, about six
// sides' recognition per thread, so the readers do not stop for one; what waits is a few MB of
// file bytes and evidence.
inline constexpr std::size_t kReadAhead = 8;
void recognise_in_order(const recognition::Recognizer& recognizer, const std::vector<std::string>& files, int threads, const EachSide& each,
                        bool keep_pixels = false);
// The same for sides already in memory (a scanner's images): `images[i]` is decoded as a file
// named `names[i]` would be (the name is for errors).
using SideBytes = std::shared_ptr<const std::vector<unsigned char>>;
void recognise_in_order(const recognition::Recognizer& recognizer, const std::vector<SideBytes>& images, const std::vector<std::string>& names,
                        int threads, const EachSide& each);

// What the database is handed for one recognised side.
tally::SheetInput sheet_input(const std::string& image_name, const std::string& image_path, const SideEvidence& evidence,
                              const Thresholds& thresholds, std::optional<std::int64_t> batch);

}  // namespace kp::station
