#include "station/observer_feed.hpp"

#include <nlohmann/json.hpp>

namespace kp::station {

Result<std::string> signed_feed_message(const tally::CongressDb& db, const std::string& body) {
  auto signature = db.sign(body);
  if (!signature) return tl::unexpected(signature.error());
  // The body travels as a string, so what was signed is exactly what is checked, byte for byte.
  return nlohmann::ordered_json{{"body", body}, {"key", db.public_key_pem()}, {"signature", *signature}}.dump();
}

Result<std::string> open_feed_message(std::string_view message, const std::string& expected_fingerprint) {
  if (message.size() > kMaxFeedMessageBytes) {
    return fail("feed_too_large", {"Tin quá lớn, không đọc (" + std::to_string(message.size()) + " byte)",
                                   "A message too large to read (" + std::to_string(message.size()) + " bytes)"});
  }
  const auto j = nlohmann::json::parse(message, nullptr, false);
  if (!j.is_object() || !j.contains("body") || !j["body"].is_string() || !j.contains("key") || !j["key"].is_string() || !j.contains("signature") ||
      !j["signature"].is_string()) {
    return fail("feed_not_signed", {"Tin không có chữ ký của trạm kiểm phiếu: không hiển thị", "A message without the station's signature: not shown"});
  }
  const std::string key = j["key"].get<std::string>();
  const std::string fingerprint = tally::station_key_fingerprint(key);
  if (fingerprint != expected_fingerprint) {
    return fail("feed_other_station", {"Tin do một khóa khác ký (" + fingerprint.substr(0, 16) + "…), không phải khóa trạm ghi trong biên bản: không hiển thị",
                                       "A message signed by another key (" + fingerprint.substr(0, 16) + "…), not the station key in the minutes: not shown"});
  }
  const std::string body = j["body"].get<std::string>();
  if (!tally::station_signature_valid(key, body, j["signature"].get<std::string>())) {
    return fail("feed_bad_signature", {"Chữ ký của tin không đúng (tin bị sửa hoặc giả mạo): không hiển thị",
                                       "The message's signature does not hold (changed or forged): not shown"});
  }
  return body;
}

}  // namespace kp::station
