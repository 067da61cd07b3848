#pragma once
// What the live results screen shows, worked out apart from any widget, with plain types (so it
// is tested like the rest of the core, and sent to observers as it is; only its texts come from
// the console's Qt Linguist translation): per contest and round, one bar per candidate against the threshold line at
// floor(D/2)+1, the elected highlighted, ties and unfilled seats said, and the sheets counted,
// waiting and refused kept apart. Nothing is called final before the count is.
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "config/election.hpp"
#include "tally/congress_db.hpp"

namespace kp::ui {

struct CandidateBar {
  std::string name;
  std::int64_t votes = 0;
  double percent_of_base = 0;
  double length = 0;  // share of the bar scale (0…1)
  bool elected = false;
  bool tied = false;
};

struct ContestPanel {
  std::string title;                  // with the round when it is a later one
  std::string figures;                // D, votes needed, ballots issued / collected / valid / invalid by reason
  double threshold_at = 0;            // where floor(D/2)+1 falls on the bar scale (0…1)
  std::string threshold_label;        // "75 phiếu (quá ½ D)"
  std::vector<CandidateBar> bars;     // in printed order
  std::string outcome;                // elected, ties, unfilled seats, or what still waits
  bool closed = false;                // the round is closed: its figures are the official ones
};

struct ResultsView {
  std::string congress;
  std::string headline;  // KẾT QUẢ CHÍNH THỨC or TẠM THỜI …
  bool final = false;
  std::string sheets;    // counted / waiting / refused
  std::vector<ContestPanel> contests;
};

ResultsView build_results_view(const config::Election& election, const tally::CountSummary& summary, Lang lang);

// The view as the station publishes it to observers (one JSON object), and back. An observer
// shows exactly what the station computed; it never counts anything itself.
std::string results_view_json(const ResultsView& view);
std::optional<ResultsView> parse_results_view_json(std::string_view json);

// The station's feed: {"type":"results"|"heartbeat","seq":N,"log_head":"N:HASH"[,"view":{…}]},
// one per WebSocket text message (signed around it, station/observer_feed.hpp). The head lets
// every observer keep what the log held when it was shown these figures.
std::string feed_message(const std::string& type, std::int64_t seq, const std::string& log_head, const std::string& view_json = {});
struct FeedMessage {
  std::string log_head;              // empty when the station sent none
  std::optional<ResultsView> view;   // a results message's view; none for a heartbeat
};
std::optional<FeedMessage> parse_feed_message(std::string_view message);

}  // namespace kp::ui
