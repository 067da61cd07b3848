#include "config/diagnostic.hpp"

#include <algorithm>

namespace kp::config {

std::string Diagnostic::format(Lang lang) const {
  std::string out = file.empty() ? std::string("<definition>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  if (severity == Severity::error) {
    out += lang == Lang::en ? ": error: " : ": lỗi: ";
  } else {
    out += lang == Lang::en ? ": warning: " : ": cảnh báo: ";
  }
  out += message.in(lang);
  if (!field.empty()) out += " [" + field + "]";
  return out;
}

bool has_errors(const Diagnostics& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace kp::config
