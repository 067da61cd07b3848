#include "common/words.hpp"

#include <array>

namespace kp::words {
namespace {

struct Entry {
  Kind kind;
  std::string_view code;
  Text words;
};

// The wording follows the Party's election rules where they have words of their own
// (election-rules.md §3: the invalid cases as a counting record lists them).
const std::vector<Entry>& catalogue() {
  static const std::vector<Entry> entries{
      {Kind::invalid_reason, "not_issued", {"không phải phiếu do Ban kiểm phiếu phát ra", "not issued by the counting committee"}},
      {Kind::invalid_reason, "over_vote", {"bầu quá số lượng cần bầu", "more names supported than seats"}},
      {Kind::invalid_reason, "all_struck", {"gạch hết tên", "every name struck"}},
      {Kind::invalid_reason, "write_in", {"ghi thêm tên người ngoài danh sách", "a name written in that is not on the list"}},
      {Kind::invalid_reason, "identifying_mark", {"có ký tên hoặc đánh dấu riêng", "signed or marked so it can be identified"}},
      {Kind::invalid_reason, "single_both_or_none", {"đánh dấu cả hai ô hoặc không ô nào", "both boxes or neither box marked"}},

      {Kind::sheet_flag, "no_stamp", {"không có dấu đỏ", "no red stamp"}},
      {Kind::sheet_flag, "stamp_not_checked", {"chưa kiểm tra dấu (ảnh xám)", "stamp not checked (gray scan)"}},
      {Kind::sheet_flag, "write_in", {"ghi thêm tên", "a name written in"}},
      {Kind::sheet_flag, "identifying_mark", {"có ký hiệu riêng", "an identifying mark"}},
      {Kind::sheet_flag, "scanner_streak", {"vệt bẩn của máy quét", "a scanner streak"}},

      {Kind::mark_state, "struck", {"gạch", "struck"}},
      {Kind::mark_state, "kept", {"giữ", "kept"}},
      {Kind::mark_state, "agree", {"đồng ý", "agree"}},
      {Kind::mark_state, "disagree", {"không đồng ý", "disagree"}},
      {Kind::mark_state, "both", {"cả hai ô", "both boxes"}},
      {Kind::mark_state, "none", {"không ô nào", "neither box"}},
      {Kind::mark_state, "unclear", {"chưa rõ", "unclear"}},

      {Kind::rejection, "unreadable_file", {"không mở được tệp", "the file cannot be opened"}},
      {Kind::rejection, "corrupt_image", {"ảnh hỏng", "a damaged image"}},
      {Kind::rejection, "blank_side", {"mặt trắng", "a blank side"}},
      {Kind::rejection, "not_a_ballot", {"không phải phiếu bầu", "not a ballot"}},
      {Kind::rejection, "unreadable_code", {"không đọc được mã phiếu", "the ballot code cannot be read"}},
      {Kind::rejection, "unknown_election", {"phiếu của cuộc bầu khác", "a ballot of another election"}},
      {Kind::rejection, "layout_mismatch", {"phiếu in theo mẫu khác", "printed from another layout"}},
      {Kind::rejection, "too_skewed", {"ảnh quét bị lệch quá nhiều", "scanned too skewed"}},
      {Kind::rejection, "wrong_scale", {"phiếu bị thu phóng khi in hoặc quét", "scaled when printed or scanned"}},

      {Kind::wait_reason, "unclear", {"chưa rõ", "unclear"}},
      {Kind::wait_reason, "flag", {"phát hiện trên phiếu", "found on the sheet"}},
      {Kind::wait_reason, "duplicate_serial", {"trùng số phiếu (có thể là bản sao)", "serial already counted (perhaps a copy)"}},
      {Kind::wait_reason, "missing_side", {"chưa có mặt kia của tờ phiếu", "the other side of the ballot has not arrived"}},
      {Kind::wait_reason, "round_closed", {"phiếu của lần bầu đã kết thúc", "a ballot of a round already closed"}},
      {Kind::wait_reason, "unknown_round", {"phiếu không thuộc lần bầu nào của đại hội", "a ballot of no round of this congress"}},
      {Kind::wait_reason, "rejected", {"không đọc được", "could not be read"}},

      {Kind::side_status, "counted", {"đã đếm", "counted"}},
      {Kind::side_status, "waiting", {"chờ Ban kiểm phiếu", "waiting for the committee"}},
      {Kind::side_status, "rejected", {"bị từ chối", "refused"}},

      {Kind::next_step, "none", {"Không cần bầu thêm", "No further round needed"}},
      {Kind::next_step, "tie_round", {"Bằng phiếu ở suất cuối: bầu lại giữa những người này", "Tied at the last seats: a new round among them"}},
      {Kind::next_step, "further_round", {"Còn thiếu người trúng cử: đại hội quyết định bầu tiếp hay không",
                                          "Seats unfilled: the congress decides on a further round"}},

      {Kind::batch_end, "hopper_empty", {"hết giấy trong khay", "the feeder ran empty"}},
      {Kind::batch_end, "cancelled", {"đã dừng", "stopped"}},
      {Kind::batch_end, "fault", {"lỗi máy quét", "a scanner fault"}},
      {Kind::batch_end, "device_lost", {"mất kết nối máy quét", "the scanner was lost"}},
      {Kind::batch_end, "interrupted", {"bị ngắt giữa chừng", "interrupted"}},
      {Kind::batch_end, "done", {"xong", "done"}},

      {Kind::provisional, "ballots_waiting", {"còn tờ phiếu chờ Ban kiểm phiếu", "ballots still wait for the committee"}},
      {Kind::provisional, "issued_missing", {"chưa nhập số phiếu phát ra", "ballots issued not entered"}},
      {Kind::provisional, "reconciliation_fails", {"đối chiếu số phiếu không khớp", "the ballot figures do not reconcile"}},
      {Kind::provisional, "serial_conflict", {"có số phiếu được đếm hai lần", "a ballot serial is counted twice"}},

      // The rules by the names their texts give themselves (election-rules.md §0 and §8).
      {Kind::rule_profile, "party-190", {"Quy chế bầu cử trong Đảng (Quyết định 190-QĐ/TW)", "the Party's election regulations (Decision 190-QĐ/TW)"}},
      {Kind::rule_profile, "state-na-2015", {"Luật Bầu cử số 85/2015/QH13", "the Election Law 85/2015/QH13"}},

      // The station key (tally::KeyState), as the console's bar and `kiemphieu key status` say it.
      {Kind::key_state, "plain", {"khóa của trạm lưu không mã hóa bên cạnh cơ sở dữ liệu", "the station key is stored unencrypted beside the database"}},
      {Kind::key_state, "locked", {"KHÓA CỦA TRẠM CHƯA MỞ: không ghi được gì", "STATION KEY LOCKED: nothing can be recorded"}},
      {Kind::key_state, "unlocked", {"khóa của trạm đang mở cho phiên làm việc này", "the station key is unlocked for this session"}},
      {Kind::key_state, "absent", {"không có khóa của trạm: chỉ đọc và kiểm tra được", "no station key here: read and verify only"}},

      {Kind::side, "front", {"mặt trước", "front"}},
      {Kind::side, "back", {"mặt sau", "back"}},
  };
  return entries;
}

}  // namespace

const Text* find(Kind kind, std::string_view code) {
  for (const auto& e : catalogue()) {
    if (e.kind == kind && e.code == code) return &e.words;
  }
  return nullptr;
}

std::string say(Kind kind, std::string_view code, Lang lang) {
  const Text* t = find(kind, code);
  return t != nullptr ? t->in(lang) : std::string(code);
}

std::vector<std::string> codes(Kind kind) {
  std::vector<std::string> out;
  for (const auto& e : catalogue()) {
    if (e.kind == kind) out.emplace_back(e.code);
  }
  return out;
}

}  // namespace kp::words
