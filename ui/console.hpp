#pragma once
// The Qt console. So far: the live results screen for the congress hall and observers — read
// only, refreshed from the congress database, with a full-screen projector mode.
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
  ConsoleApplication& operator=(const ConsoleApplication&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ConsoleOptions {
  std::string db_path;          // the station: results from this congress database
  int publish_port = 0;         // the station also publishes them read-only to observers on this port
  std::string observe_url;      // an observer: results from a station's feed (ws://HOST:PORT), no database
  bool projector = false;       // full screen, large type (F11 toggles, Esc leaves)
  std::string screenshot;       // render once to this PNG and exit (tests, documentation)
  std::string view_json;        // with --screenshot: also write the view shown, as JSON
  double quit_after_seconds = 0;  // close by itself after this long (the smoke test)
};

// Shows the live results until the window is closed. An observer shows when the feed is stale
// (no word from the station for 6 s) or the link is down, and keeps trying to reconnect. Exit code of the contract (0, or 1 when
// the database cannot be read).
int run_console(const ConsoleOptions& options, Lang lang);

}  // namespace kp::ui
