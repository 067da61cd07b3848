#pragma once
// Internal: reading the few elements eSCL documents carry, by local name (any namespace
// prefix), without a DOM. eSCL XML is small, flat and machine-written; this reads exactly the
// elements asked for and nothing is executed or fetched.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kp::scanner::internal {

// Inner text of every element named `local` (e.g. "ColorMode" matches <scan:ColorMode>).
std::vector<std::string> xml_all(std::string_view xml, std::string_view local);
std::optional<std::string> xml_first(std::string_view xml, std::string_view local);
// "&amp;" "&lt;" … decoded, and the reverse for writing.
std::string xml_unescape(std::string_view text);
std::string xml_escape(std::string_view text);

}  // namespace kp::scanner::internal
