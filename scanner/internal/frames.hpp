#pragma once
// Internal: the SANE worker's framing on its stdout: one JSON header line per event, followed by
// `bytes` raw bytes when the header has them (a page image).
#include <string>

#include <nlohmann/json.hpp>

namespace kp::scanner::internal {

void write_frame(const nlohmann::json& header, const std::string& payload = {});

}  // namespace kp::scanner::internal
