#include "station/observer_feed.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/utc_time.hpp"

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

bool is_key_fingerprint(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_log_head(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 18 || text[0] == '0') return false;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::string_view seq = text.substr(0, colon), hash = text.substr(colon + 1);
  return std::all_of(seq.begin(), seq.end(), digit) && is_key_fingerprint(hash);  // a SHA-256 in hex, as a fingerprint is
}

Result<void> keep_head(const std::string& path, const std::string& fingerprint, const std::string& head) {
  const auto cannot = [&] {
    return fail("heads_not_kept", {"Không ghi được đầu nhật ký vào tệp của quan sát viên", "Cannot keep the log's head in the observer's file"}, path);
  };
  if (!is_log_head(head)) return cannot();
  std::error_code ec;
  if (const auto folder = std::filesystem::path(path).parent_path(); !folder.empty()) std::filesystem::create_directories(folder, ec);
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << utc_timestamp() << ' ' << fingerprint << ' ' << head << '\n';
  out.flush();
  if (!out) return cannot();
  return {};
}

Result<std::vector<std::string>> read_kept_heads(const std::string& path) {
  std::error_code ec;
  // A regular file only: a FIFO would block the audit, a device would never end.
  std::ifstream in;
  if (std::filesystem::is_regular_file(path, ec)) in.open(path, std::ios::binary);
  if (!in.is_open() || !in) {
    return fail("heads_file_unreadable", {"Không đọc được tệp đầu nhật ký", "Cannot read the file of log heads"}, path);
  }
  std::vector<std::string> heads;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string word, last;
    while (words >> word) last = word;
    if (last.empty()) continue;
    if (!is_log_head(last)) {
      return fail("heads_file_bad_line", {"Dòng " + std::to_string(number) + " không kết thúc bằng một đầu nhật ký N:HASH",
                                          "Line " + std::to_string(number) + " does not end with a log head N:HASH"},
                  path + ":" + std::to_string(number));
    }
    heads.push_back(last);
  }
  if (heads.empty()) return fail("heads_file_empty", {"Tệp không có đầu nhật ký nào", "The file holds no log head"}, path);
  return heads;
}

}  // namespace kp::station
