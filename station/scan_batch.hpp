#pragma once
// A scanning batch: the device read on its own thread (the feeder never waits for recognition),
// each paper taken through the sheet pipeline, every fault logged, and typed events for whoever
// shows the batch. One JSON codec for those events serves the `scan` command's output and the
// console reading it from a child process.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "common/text.hpp"
#include "scanner/scanner.hpp"
#include "station/pipeline.hpp"

namespace kp::station {

// A side stored (or found already stored) in the batch.
struct SideEvent {
  std::int64_t sheet = 0;  // the paper's place in the batch
  std::string side;        // "front" or "back" as scanned
  std::string image;
  std::int64_t sheet_id = 0;
  bool duplicate = false;
  int round = 0;
  tally::SheetStatus status = tally::SheetStatus::waiting;
  std::vector<tally::WaitReason> wait_reasons;
};

// A paper done: what it is now, after all its sides.
struct PaperEvent {
  std::int64_t sheet = 0;
  PaperState state = PaperState::waiting;
  bool blank_back_dropped = false;
  double scan_to_stored_ms = 0;
};

struct FaultEvent {
  std::string kind;  // scanner::FaultKind's code
  std::int64_t sheet = 0;
  bool images_trusted = false;
  Text message;
  std::string detail;
};

struct StatusEvent {
  std::string kind;  // scanner::StatusKind's code
  Text message;
};

// Something of the station went wrong in the batch (a spool or database write): said, and the
// batch ends as a fault.
struct ProblemEvent {
  Error error;
};

struct BatchTotals {
  std::int64_t papers = 0;  // papers the feeder delivered
  std::int64_t ballots_counted = 0, ballots_waiting = 0, papers_refused = 0, papers_already_stored = 0;
  std::int64_t sides_counted = 0, sides_waiting = 0, sides_rejected = 0, sides_already_stored = 0;
  std::int64_t blank_backs = 0, faults = 0, problems = 0;
  double longest_scan_to_stored_ms = 0;
};

struct BatchEndEvent {
  std::int64_t batch = 0;
  std::string end;  // scanner::BatchEnd's code
  BatchTotals totals;
};

using BatchEvent = std::variant<SideEvent, PaperEvent, FaultEvent, StatusEvent, ProblemEvent, BatchEndEvent>;

// Adds what one event tells to the totals (sides, papers, faults, problems): the one way the
// batch, the command line's live line and the console count.
void accumulate(BatchTotals& totals, const BatchEvent& event);

// One line of JSON, no newline; messages in `lang`.
std::string batch_event_json(const BatchEvent& event, Lang lang);
std::optional<BatchEvent> parse_batch_event(std::string_view line);

// The live counts in words, for a terminal or a screen: ballots, and sides where they help.
std::string batch_progress_text(const BatchTotals& totals, Lang lang);

struct BatchRequest {
  std::string source;          // as given (sim:DIR, sane:…), for the log
  std::string operator_name;
};

// Runs one batch to its end on an opened, configured session; every event goes to `sink` in
// order, on the calling thread. Fails only when the batch cannot start.
Result<BatchEndEvent> run_batch(SheetPipeline& pipeline, scanner::ScanSession& session, const BatchRequest& request,
                                const std::function<void(const BatchEvent&)>& sink);

// Whether a batch that ended so was clean (the feeder ran empty or the batch was stopped) and
// nothing of the station failed.
bool batch_clean(const BatchEndEvent& end);

}  // namespace kp::station
