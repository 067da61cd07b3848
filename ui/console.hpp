#pragma once
// The Qt console: the counting station (set-up, scanning, the committee's queue and the gallery
// of marks, audit, the counting record, live results with a projector mode) and the observer's
// read-only view of a station's results.
#include <memory>
#include <string>

#include "common/text.hpp"

namespace kp::ui {

// The widgets application; created before anything else of Qt so the printer's render session
// uses it. Held for the program's life.
class ConsoleApplication {
 public:
  ConsoleApplication(int& argc, char** argv);
  ~ConsoleApplication();
  ConsoleApplication(const ConsoleApplication&) = delete;
  // English texts from the built-in translation; Vietnamese needs nothing.
  void use_language(Lang lang);
  ConsoleApplication& operator=(const ConsoleApplication&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ConsoleOptions {
  std::string db_path;          // the station's congress database (empty: open or create one on the set-up screen)
  int publish_port = 0;         // the station also publishes them read-only to observers on this port
  std::string publish_address = "0.0.0.0";  // …on this interface's address only (all when 0.0.0.0)
  std::string observe_url;      // an observer: results from a station's feed (ws://HOST:PORT), no database
  std::string observe_key;      // the observer accepts only messages this station key signed (its fingerprint, from the minutes)
  std::string keep_heads;       // the observer keeps every log head it was shown in this file (station/observer_feed.hpp)
  bool projector = false;       // full screen, large type (F11 toggles, Esc leaves)
  std::string screenshot;       // render once to this PNG and exit (tests, documentation)
  std::string view_json;        // with --screenshot: also write the view shown, as JSON
  double quit_after_seconds = 0;  // close by itself after this long (the smoke test)
  std::string screen;           // the station's screen to show first: results, setup, scan, adjudication, gallery, audit, record
  std::string screen_text;      // with --screenshot: also write every text the screen shows, one per line
  std::string sign_in;          // sign this member in at the start (PIN on standard input)
  bool unlock_key = false;      // unlock the station key at the start (passphrase on standard input, before the PIN)
  std::string scanner;          // the scanner the scanning screen offers first (a source as `kiemphieu scan` takes it)
  std::string scan_source;      // start a batch from this scanner on the scanning screen (with --screenshot: wait for its end)
  std::string scan_faults;      // with a simulated scanner: its fault script, for training ("jam@5,double_feed@12")
  std::string action;           // verify | replay | record: run it on its screen first (with --screenshot: wait for it)
};

// Shows the live results until the window is closed. An observer shows when the feed is stale
// (no word from the station for 6 s) or the link is down, and keeps trying to reconnect. Exit code of the contract (0, or 1 when
// the database cannot be read).
int run_console(const ConsoleOptions& options, Lang lang);

// The station key's fingerprint as an observer types it from the minutes: lower-cased in place;
// false when it is not 64 hex digits.
bool normalize_station_key(std::string& fingerprint);

}  // namespace kp::ui
