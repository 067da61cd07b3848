#pragma once
// The recognition output line of the contract (cli-contract.md §4), with the evidence behind it.
#include <string>

#include "common/evidence.hpp"

namespace kp::recognition {

// One JSON object on one line, no trailing newline. Numbers are rounded to 4 decimals so the
// line is the same on every machine and thread count.
std::string recognition_json_line(const std::string& image, const SideEvidence& evidence, const Thresholds& thresholds);

// A line for an input that could not even be read (missing file): status rejected.
std::string unreadable_json_line(const std::string& image, Rejection reason);

}  // namespace kp::recognition
