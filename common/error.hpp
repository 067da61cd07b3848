#pragma once
// Errors cross module boundaries as values: tl::expected<T, kp::Error>.
#include <string>

#include <tl/expected.hpp>

#include "common/text.hpp"

namespace kp {

struct Error {
  std::string code;   // stable, machine-readable: "file_unreadable", "name_too_long", ...
  Text message;       // one sentence a committee secretary understands
  std::string where;  // file, file:line, contest or field the error is about; may be empty
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string code, Text message, std::string where = {}) {
  return tl::unexpected<Error>(Error{std::move(code), std::move(message), std::move(where)});
}

}  // namespace kp
