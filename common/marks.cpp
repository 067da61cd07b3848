#include "common/marks.hpp"

#include <array>
#include <utility>

namespace kp {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::array<std::pair<BallotForm, std::string_view>, 2> kForms{{
    {BallotForm::strike, "strike"}, {BallotForm::box, "box"}}};
constexpr std::array<std::pair<Side, std::string_view>, 2> kSides{{{Side::front, "front"}, {Side::back, "back"}}};
constexpr std::array<std::pair<MarkState, std::string_view>, 7> kStates{{
    {MarkState::struck, "struck"}, {MarkState::kept, "kept"}, {MarkState::agree, "agree"},
    {MarkState::disagree, "disagree"}, {MarkState::both, "both"}, {MarkState::none, "none"},
    {MarkState::unclear, "unclear"}}};
constexpr std::array<std::pair<SheetFlag, std::string_view>, 5> kFlags{{
    {SheetFlag::no_stamp, "no_stamp"}, {SheetFlag::stamp_not_checked, "stamp_not_checked"},
    {SheetFlag::write_in, "write_in"}, {SheetFlag::identifying_mark, "identifying_mark"},
    {SheetFlag::scanner_streak, "scanner_streak"}}};

}  // namespace

std::string_view to_string(BallotForm form) { return name_of(kForms, form); }
std::string_view to_string(Side side) { return name_of(kSides, side); }
std::string_view to_string(MarkState state) { return name_of(kStates, state); }
std::string_view to_string(SheetFlag flag) { return name_of(kFlags, flag); }

std::optional<BallotForm> parse_ballot_form(std::string_view text) { return lookup(kForms, text); }
std::optional<Side> parse_side(std::string_view text) { return lookup(kSides, text); }
std::optional<MarkState> parse_mark_state(std::string_view text) { return lookup(kStates, text); }
std::optional<SheetFlag> parse_sheet_flag(std::string_view text) { return lookup(kFlags, text); }

bool state_fits_form(MarkState state, BallotForm form) {
  switch (state) {
    case MarkState::unclear: return true;
    case MarkState::struck:
    case MarkState::kept: return form == BallotForm::strike;
    case MarkState::agree:
    case MarkState::disagree:
    case MarkState::both:
    case MarkState::none: return form == BallotForm::box;
  }
  return false;
}

}  // namespace kp
