#pragma once
// Internal: the events a session has decided but not yet handed out, and how its batch ended.
// After the end, next() keeps answering BatchEnded with the same reason.
#include <deque>

#include "scanner/scanner.hpp"

namespace kp::scanner::internal {

class PendingEvents {
 public:
  void push(ScanEvent e) { queue_.push_back(std::move(e)); }
  [[nodiscard]] bool has_next() const { return !queue_.empty() || ended_; }

  // The next event queued, or the batch's end again once it has ended.
  ScanEvent next() {
    if (queue_.empty()) return BatchEnded{end_};
    ScanEvent e = std::move(queue_.front());
    queue_.pop_front();
    return e;
  }

  // Ends the batch after what is queued; returns the first of them.
  ScanEvent end_after(BatchEnd end) {
    end_batch(end);
    return next();
  }
  void end_batch(BatchEnd end) {
    ended_ = true;
    end_ = end;
    queue_.emplace_back(BatchEnded{end});
  }
  [[nodiscard]] bool ended() const { return ended_; }

 private:
  std::deque<ScanEvent> queue_;
  bool ended_ = false;
  BatchEnd end_ = BatchEnd::hopper_empty;
};

}  // namespace kp::scanner::internal
