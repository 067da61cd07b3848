#pragma once
// What `kiemphieu check` prints: the election and its contests with candidate ids in printed order.
#include <string>
#include <vector>

#include "common/text.hpp"
#include "config/diagnostic.hpp"
#include "config/election.hpp"
#include "config/layout.hpp"

namespace kp::station {

// How D is made up from the electorate figures, in words.
std::string d_explanation(const config::Election& election, Lang lang);

std::string election_summary_text(const config::Election& election, const std::vector<config::ContestLayout>& layouts, Lang lang);
std::string election_summary_json(const config::Election& election, const std::vector<config::ContestLayout>& layouts,
                                  const config::Diagnostics& warnings);

}  // namespace kp::station
