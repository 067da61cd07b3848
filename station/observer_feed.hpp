#pragma once
// The observer feed's messages, signed: every message the station publishes carries the station
// key's signature and public key, and an observer started with the key's fingerprint from the
// minutes accepts only what that key signed. A fake station on the congress network, a message
// changed on the way, or a station of another congress is refused by name, never shown.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "tally/congress_db.hpp"

namespace kp::station {

// The largest message an observer reads (a results view of many contests is a few tens of KB):
// anything longer is refused before it is parsed.
inline constexpr std::size_t kMaxFeedMessageBytes = 4u << 20;

// `body` (the feed's JSON: a results view or a heartbeat) wrapped with the station's public key
// and its signature over the body, as one line of JSON.
Result<std::string> signed_feed_message(const tally::CongressDb& db, const std::string& body);

// The body of a signed message, once the signature holds and the key is the one whose
// fingerprint the observer was given. Refusals: "feed_not_signed" (no signature, not JSON),
// "feed_other_station" (signed by another key), "feed_bad_signature" (changed on the way or
// forged), "feed_too_large".
Result<std::string> open_feed_message(std::string_view message, const std::string& expected_fingerprint);

}  // namespace kp::station
