#pragma once
// Reading scanned sides, one implementation for every way in (`recognize`, `ingest`, `scan`,
// folder import, `audit replay`): the recogniser of a congress database, the ordered parallel
// recognition of files, and the sheet handed to the database for one recognised side.
#include <cstddef>
#include <functional>
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

// Reads and recognises each file on `threads` threads (0: one per core); `each` sees them in the
// order given, on the calling thread. A file that cannot be decoded gives evidence refused as
// corrupt_image or unreadable_file beside the image's error.
using EachSide = std::function<void(std::size_t index, const Result<Image>& image, const SideEvidence& evidence)>;
void recognise_in_order(const recognition::Recognizer& recognizer, const std::vector<std::string>& files, int threads, const EachSide& each);

// What the database is handed for one recognised side.
tally::SheetInput sheet_input(const std::string& image_name, const std::string& image_path, const SideEvidence& evidence,
                              const Thresholds& thresholds, std::optional<std::int64_t> batch);

}  // namespace kp::station
