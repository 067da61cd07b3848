#pragma once
// The states and findings of the command-line contract (cli-contract.md §4), shared by
// recognition, the tally and the synthetic deck so each spells them the same way.
#include <optional>
#include <string_view>

namespace kp {

enum class BallotForm { strike, box };
enum class Side { front, back };

enum class MarkState { struck, kept, agree, disagree, both, none, unclear };

enum class SheetFlag { no_stamp, stamp_not_checked, write_in, identifying_mark, scanner_streak };

std::string_view to_string(BallotForm form);
std::string_view to_string(Side side);
std::string_view to_string(MarkState state);
std::string_view to_string(SheetFlag flag);

std::optional<BallotForm> parse_ballot_form(std::string_view text);
std::optional<Side> parse_side(std::string_view text);
std::optional<MarkState> parse_mark_state(std::string_view text);
std::optional<SheetFlag> parse_sheet_flag(std::string_view text);

// Whether a state can appear on a ballot of the given form (unclear appears on both).
bool state_fits_form(MarkState state, BallotForm form);

}  // namespace kp
