#pragma once
// Shared by ingest, scan and replay: the recogniser for a congress database (every round's
// ballot) and the sheet handed to the database for one recognised side.
#include <optional>
#include <string>

#include "common/evidence.hpp"
#include "recognition/recognizer.hpp"
#include "tally/congress_db.hpp"

namespace kp::cli {

// Every round's ballot, so a sheet of any round is read with its own list; the database then
// counts it in its round or keeps it aside when that round is closed.
Result<recognition::Recognizer> recognizer_for(const tally::CongressDb& db);

tally::SheetInput sheet_input(const std::string& image_name, const std::string& image_path, const SideEvidence& evidence,
                              const Thresholds& thresholds, std::optional<std::int64_t> batch);

}  // namespace kp::cli
