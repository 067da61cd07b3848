#pragma once
// A finding of election-definition validation, located in the file and said in two languages.
#include <string>
#include <vector>

#include "common/text.hpp"

namespace kp::config {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;   // stable identifier, e.g. "surplus_too_large"
  std::string file;
  int line = 0;       // 1-based; 0 when the finding concerns the whole file
  int column = 0;
  std::string field;  // dotted path: "contest[2].candidates[4].name"
  Text message;

  // "file:line:column: lỗi: message [field]"
  [[nodiscard]] std::string format(Lang lang) const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

}  // namespace kp::config
