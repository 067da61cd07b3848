#pragma once
// Internal: pages in feed order become whole sheets. On a duplex feeder every second page is the
// back of the page before it; a sheet is handed on only when it is whole.
#include <chrono>
#include <optional>

#include "scanner/scanner.hpp"

namespace kp::scanner::internal {

class SheetAssembler {
 public:
  void set_duplex(bool duplex) { duplex_ = duplex; }

  // The whole sheet this page completes, or nullopt while a front waits for its back.
  std::optional<Sheet> add(SideImage page) {
    if (duplex_ && !front_) {
      front_ = std::move(page);
      return std::nullopt;
    }
    Sheet sheet;
    sheet.number = ++delivered_;
    if (front_) {
      sheet.front = std::move(*front_);
      sheet.back = std::move(page);
      front_.reset();
    } else {
      sheet.front = std::move(page);
    }
    sheet.scanned_at = std::chrono::steady_clock::now();
    return sheet;
  }

  // A fault struck the sheet being fed: its front, if read, is not delivered alone.
  void drop_front() { front_.reset(); }
  [[nodiscard]] bool holding_front() const { return front_.has_value(); }
  // The sheet being fed now (the one a fault strikes).
  [[nodiscard]] std::int64_t current() const { return delivered_ + 1; }

 private:
  bool duplex_ = false;
  std::optional<SideImage> front_;
  std::int64_t delivered_ = 0;
};

}  // namespace kp::scanner::internal
