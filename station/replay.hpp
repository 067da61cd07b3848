#pragma once
// The auditor's replay: every stored image read again through the same recognition and
// compared, byte for byte, with the line recorded when it was scanned.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/error.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

struct ReplayDifference {
  std::int64_t sheet_id = 0;
  std::string image;
  std::string stored;
  std::string replayed;
};

// Calls `each` after every side, in the database's order, with how far it is and the side's
// difference if it has one; returns how many differ.
using ReplayProgress = std::function<void(std::size_t done, std::size_t total, const ReplayDifference* difference)>;
Result<std::size_t> replay(const tally::CongressDb& db, int threads, const ReplayProgress& each);

}  // namespace kp::station
