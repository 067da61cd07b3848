#pragma once
// Vietnamese names: NFC normalisation and the A-B-C order of the candidate list
// (given name, then family name, then middle name) under ICU's Vietnamese collation.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kp::config {

// NFC-normalises UTF-8 text and folds runs of white space into one space, trimmed.
// Returns an empty string when the input is not valid UTF-8.
std::string normalize_name(std::string_view utf8);

bool is_valid_utf8(std::string_view text);

// The characters of a name that a reader of the printed list could not see or would misread:
// control characters (ESC, BEL, …), invisible format characters (zero-width space and joiners,
// soft hyphen, byte-order mark), bidirectional overrides and isolates, private-use and
// unassigned code points; each as "U+XXXX". Empty when there are none.
std::vector<std::string> unseen_characters(std::string_view utf8);
// The name with every such character shown as ⟨U+XXXX⟩: safe to print to a terminal or a log.
std::string visible(std::string_view utf8);
// The confusable skeleton of a name (Unicode TS #39, ICU's spoof checker): two names that look
// alike — Latin "A" and Cyrillic "А", "rn" and "m" — have the same skeleton.
std::string confusable_skeleton(std::string_view utf8);

struct NameParts {
  std::string family;
  std::string middle;
  std::string given;
};
NameParts split_name(std::string_view normalized_name);

// Compares names in the printed order of a Vietnamese candidate list. Thread-compatible:
// give each thread its own instance.
class VietnameseNameOrder {
 public:
  VietnameseNameOrder();
  ~VietnameseNameOrder();
  VietnameseNameOrder(VietnameseNameOrder&&) noexcept;
  VietnameseNameOrder& operator=(VietnameseNameOrder&&) noexcept;

  // <0, 0 or >0 comparing two words (or strings) under Vietnamese collation.
  [[nodiscard]] int compare_text(std::string_view a, std::string_view b) const;
  // true when name a comes before name b on the list.
  [[nodiscard]] bool before(const NameParts& a, const NameParts& b) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sorts full names in list order; a convenience for tests and tools.
std::vector<std::string> sort_names(std::vector<std::string> names);

}  // namespace kp::config
