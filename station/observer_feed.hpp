#pragma once
// The observer feed's messages, signed: every message the station publishes carries the station
// key's signature and public key, and an observer started with the key's fingerprint from the
// minutes accepts only what that key signed. A fake station on the congress network, a message
// changed on the way, or a station of another congress is refused by name, never shown.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

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

// What an observer's console keeps of what it was shown: each head of the log ("N:HASH") that
// came in a message the pinned station key signed, appended as one line "TIME FINGERPRINT N:HASH"
// when it differs from the head before. The file is the observer's own paper: an auditor later
// gives it to `audit verify --expect-heads-from FILE`, and a database rolled back or cut below
// any of those heads is found.
bool is_log_head(std::string_view text);  // "N:HASH": a positive entry number, a SHA-256 in lower-case hex
bool is_key_fingerprint(std::string_view text);  // a station key's fingerprint: 64 lower-case hex digits
Result<void> keep_head(const std::string& path, const std::string& fingerprint, const std::string& head);
// Every head in such a file, in its order; a line that is not one is refused with its number.
Result<std::vector<std::string>> read_kept_heads(const std::string& path);

}  // namespace kp::station
