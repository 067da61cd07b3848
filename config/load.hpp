#pragma once
// Reading and validating the election definition (cli-contract.md §1, election-rules.md §6).
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "config/diagnostic.hpp"
#include "config/election.hpp"

namespace kp::config {

struct LoadedElection {
  ElectionPtr election;
  Diagnostics warnings;  // findings that do not stop the count but the committee should read
};

// Every problem found is reported, not only the first; errors make the result unexpected.
tl::expected<LoadedElection, Diagnostics> load_election_file(const std::string& path);
tl::expected<LoadedElection, Diagnostics> parse_election(std::string_view toml_text, const std::string& source_name);

// The canonical JSON the content hash is computed from (sorted keys, no white space).
std::string canonical_json(const Election& election);

// D under the party rules (election-rules.md §5): the membership figure the threshold counts.
std::int64_t membership_base(const Electorate& electorate, CongressKind kind);

}  // namespace kp::config
