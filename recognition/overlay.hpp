#pragma once
// A picture of what recognition read, for a person: each target outlined in the colour of its
// state (red struck, green kept or agree, blue disagree, orange unclear) with its score.
#include <string>

#include "common/error.hpp"
#include "common/evidence.hpp"
#include "common/image.hpp"
#include "config/layout.hpp"

namespace kp::recognition {

Result<void> write_overlay(const std::string& path, const ImageView& scan, const SideEvidence& evidence,
                           const config::ContestLayout* layout, const Thresholds& thresholds);

}  // namespace kp::recognition
