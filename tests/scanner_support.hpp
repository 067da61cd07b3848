#pragma once
// Shared by the scanner tests: every event of a batch, and the events of one kind.
#include <variant>
#include <vector>

#include "scanner/scanner.hpp"

namespace kp::test {

inline std::vector<scanner::ScanEvent> drain(scanner::ScanSession& s) {
  std::vector<scanner::ScanEvent> out;
  while (true) {
    out.push_back(s.next());
    if (std::holds_alternative<scanner::BatchEnded>(out.back())) return out;
  }
}

template <class T>
std::vector<T> only(const std::vector<scanner::ScanEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

}  // namespace kp::test
