#pragma once
// A local eSCL scanner for the tests: serves capabilities, status, scan jobs and pages over
// HTTP on 127.0.0.1, following a scripted scenario (busy answers, a jam, a double feed, an open
// hatch, a connection dropped inside a page). Checked against an independent client (the
// `escl` backend of sane-backends through scanimage) so it is not just agreeing with ours.
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kp::test {

struct EsclScenario {
  std::vector<std::string> pages;            // image/jpeg bodies, in feed order
  bool duplex = true;                        // offers AdfDuplexInputCaps
  int busy_before_job = 0;                   // 503 answers to POST ScanJobs first
  int busy_before_each_page = 0;             // 503 answers before each page
  int warming_up = 0;                        // 503 answers to the first NextDocument while the state is "Testing"
  std::optional<std::size_t> stop_after;     // pages delivered before the feeder stops
  std::string adf_state_at_stop = "ScannerAdfEmpty";
  std::optional<std::size_t> drop_on_page;   // this page (0-based) is cut halfway and the connection closed
};

// The capabilities document the local scanner serves (platen, simplex feeder, duplex feeder
// when asked), also used by the USB tests.
std::string escl_capabilities_xml(bool duplex);

class EsclServer {
 public:
  explicit EsclServer(EsclScenario scenario);
  ~EsclServer();
  EsclServer(const EsclServer&) = delete;
  EsclServer& operator=(const EsclServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/eSCL"; }
  // "METHOD PATH Host: …" of every request, in order.
  [[nodiscard]] std::vector<std::string> requests() const;

 private:
  void serve();
  void handle(int fd);

  EsclScenario scenario_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::size_t next_page_ = 0;
  int busy_job_left_ = 0;
  int busy_page_left_ = 0;
  int warming_left_ = 0;
  int jobs_ = 0;
  bool platen_job_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace kp::test
