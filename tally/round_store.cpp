// Rounds of each contest (ballots issued, close, a further round) and scanning batches.
#include "tally/internal/congress_impl.hpp"

#include <signal.h>

#include <algorithm>

namespace kp::tally {

Result<void> CongressDb::set_issued(const std::string& contest_id, std::int64_t issued, const std::string& entered_by, const std::string& confirmed_by) {
  if (impl_->election->find_contest(contest_id) == nullptr) {
    return fail("unknown_contest", {"Không có cuộc bầu " + contest_id, "No contest " + contest_id}, contest_id);
  }
  if (issued < 0 || entered_by.empty()) {
    return fail("bad_issued", {"Số phiếu phát ra phải không âm và có người nhập", "Ballots issued must not be negative and need who entered them"});
  }
  try {
    const auto* round = impl_->latest_round(contest_id);
    if (round == nullptr || !round->row.open) {
      return fail("round_closed", {"Cuộc bầu " + contest_id + " không có lần bầu nào đang mở", "Contest " + contest_id + " has no open round"}, contest_id);
    }
    const int number = round->row.round;
    if (round->row.issued && *round->row.issued != issued && (confirmed_by.empty() || confirmed_by == entered_by)) {
      return fail("issued_change_needs_second",
                  {"Đã ghi " + std::to_string(*round->row.issued) + " phiếu phát ra: thay bằng " + std::to_string(issued) +
                       " cần thêm một thành viên Ban kiểm phiếu khác xác nhận",
                   std::to_string(*round->row.issued) + " ballots issued are entered: changing that to " + std::to_string(issued) +
                       " needs a second, different committee member to confirm"},
                  contest_id);
    }
    Transaction tx(*impl_->db);
    impl_->db->prepare("UPDATE rounds SET issued = ? WHERE contest_id = ? AND round = ?").bind(1, issued).bind(2, contest_id).bind(3, std::int64_t{number}).run();
    internal::IssuedEntry entry{contest_id, number, issued, entered_by, {}};
    if (round->row.issued && *round->row.issued != issued) entry.confirmed_by = confirmed_by;
    impl_->append(entry);
    tx.commit();
    impl_->load_rounds();
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}


Result<std::vector<RoundRow>> CongressDb::rounds() const {
  std::vector<RoundRow> out;
  for (const auto* r : impl_->ordered_rounds()) out.push_back(r->row);
  return out;
}

Result<RoundRow> CongressDb::close_round(const std::string& contest_id, const std::string& member1, const std::string& member2) {
  if (auto e = missing_members("close", member1, member2)) return tl::unexpected(*e);
  try {
    auto* round = impl_->latest_round(contest_id);
    if (round == nullptr || !round->row.open) {
      return fail("round_closed", {"Cuộc bầu " + contest_id + " không có lần bầu nào đang mở", "Contest " + contest_id + " has no open round"}, contest_id);
    }
    const auto summary = count();
    if (!summary) return tl::unexpected(summary.error());
    std::size_t i = 0;
    while (summary->results[i].contest_id != contest_id || summary->results[i].round != round->row.round) ++i;
    const ContestResult& result = summary->results[i];
    const RoundStanding& standing = summary->standing[i];
    const std::string what = "cuộc bầu " + contest_id + " lần " + std::to_string(round->row.round);
    const std::string what_en = "contest " + contest_id + " round " + std::to_string(round->row.round);
    if (standing.waiting > 0) {
      return fail("round_waiting", {"Chưa kết thúc được " + what + ": còn " + std::to_string(standing.waiting) + " tờ chờ Ban kiểm phiếu",
                                    "Cannot close " + what_en + ": " + std::to_string(standing.waiting) + " sheets wait for the committee"});
    }
    if (standing.conflicting_serials > 0) {
      return fail("round_conflicts", {"Chưa kết thúc được " + what + ": có số sê-ri được đếm hai lần", "Cannot close " + what_en + ": a serial is counted twice"});
    }
    if (!result.issued) {
      return fail("issued_missing", {"Chưa kết thúc được " + what + ": chưa nhập số phiếu phát ra", "Cannot close " + what_en + ": ballots issued are not entered"});
    }
    if (!result.reconciliation.ok()) {
      return fail("reconciliation_fails", {"Chưa kết thúc được " + what + ": đối chiếu số phiếu không khớp", "Cannot close " + what_en + ": reconciliation fails"});
    }
    const std::string result_json = results_json({result});
    const std::string at = now_utc();
    Transaction tx(*impl_->db);
    impl_->db->prepare("UPDATE rounds SET state = 'closed', closed_at = ?, result = ? WHERE contest_id = ? AND round = ?")
        .bind(1, at).bind(2, result_json).bind(3, contest_id).bind(4, std::int64_t{round->row.round}).run();
    impl_->append(internal::RoundClosedEntry{contest_id, round->row.round, sha256_hex(result_json), Json::parse(result_json), {member1, member2}});
    tx.commit();
    const int number = round->row.round;  // `round` points into the map load_rounds() rebuilds
    impl_->load_rounds();
    return impl_->rounds.at({contest_id, number}).row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<RoundRow> CongressDb::open_round(const std::string& contest_id, const std::vector<std::string>& candidate_ids, int seats,
                                         const std::string& decision, const std::string& member1, const std::string& member2) {
  if (auto e = missing_members(decision, member1, member2)) return tl::unexpected(*e);
  try {
    const config::Contest* first = impl_->election->find_contest(contest_id);
    auto* previous = impl_->latest_round(contest_id);
    if (first == nullptr || previous == nullptr) return fail("unknown_contest", {"Không có cuộc bầu " + contest_id, "No contest " + contest_id}, contest_id);
    if (previous->row.open) {
      return fail("round_open", {"Lần bầu " + std::to_string(previous->row.round) + " còn mở: kết thúc lần đó trước",
                                 "Round " + std::to_string(previous->row.round) + " is still open: close it first"});
    }
    // Who is elected so far, and what the last round asked for.
    std::set<std::string> elected;
    for (const auto& [key, st] : impl_->rounds) {
      if (key.first != contest_id || st.row.result_json.empty()) continue;
      const Json result = Json::parse(st.row.result_json);  // kept: a range over a member of a temporary would dangle
      for (const auto& id : result["contests"][0]["elected"]) elected.insert(id.get<std::string>());
    }
    const Json last = Json::parse(previous->row.result_json)["contests"][0];
    const std::string next = last.value("next", "none");
    const int open_seats = previous->row.contest.seats - static_cast<int>(last["elected"].size());
    if (next == "none" || open_seats <= 0) {
      return fail("no_further_round", {"Cuộc bầu " + contest_id + " đã đủ kết quả: không cần bầu thêm", "Contest " + contest_id + " is decided: no further round"});
    }
    if (seats > open_seats) {
      return fail("bad_round", {"Chỉ còn " + std::to_string(open_seats) + " ghế", "Only " + std::to_string(open_seats) + " seats are open"});
    }
    std::set<std::string> wanted(candidate_ids.begin(), candidate_ids.end());
    if (next == "tie_round") {
      std::set<std::string> tied;
      for (const auto& id : last["tied"]) tied.insert(id.get<std::string>());
      if (wanted != tied) {
        return fail("bad_round", {"Bầu lại khi bằng phiếu chỉ giữa những người bằng phiếu", "A round after a tie is among exactly the tied candidates"});
      }
    }
    for (const auto& id : wanted) {
      if (elected.count(id) != 0) return fail("bad_round", {id + " đã trúng cử", id + " is already elected"});
    }
    const int number = previous->row.round + 1;
    auto contest = config::round_contest(*first, number, candidate_ids, seats);
    if (!contest) return tl::unexpected(contest.error());
    auto layout = config::compute_layout(*impl_->election, *contest);
    if (!layout) return tl::unexpected(layout.error());
    RoundRow row;
    row.contest_id = contest_id;
    row.round = number;
    row.contest = *contest;
    row.layout_hash = layout->short_hash();
    row.opened_at = now_utc();
    Transaction tx(*impl_->db);
    impl_->insert_round(row);
    std::vector<std::string> ids;
    for (const auto& c : contest->candidates) ids.push_back(c.id);
    impl_->append(internal::RoundOpenedEntry{contest_id, number, ids, seats, row.layout_hash, decision, {member1, member2}});
    tx.commit();
    impl_->load_rounds();
    return impl_->rounds.at({contest_id, number}).row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}


Result<std::int64_t> CongressDb::start_batch(const std::string& source, const std::string& device, const std::string& operator_name) {
  try {
    Transaction tx(*impl_->db);
    // A batch left open by a process that is gone (or by this one: a process scans one batch at
    // a time) was interrupted; another scanner's batch running in parallel stays open.
    std::vector<std::int64_t> left_open;
    auto q = impl_->db->prepare("SELECT id, pid FROM batches WHERE ended_at IS NULL");
    while (q.step()) {
      const auto owner = static_cast<pid_t>(q.integer(1));
      if (owner == ::getpid() || owner <= 0 || (::kill(owner, 0) != 0 && errno == ESRCH)) left_open.push_back(q.integer(0));
    }
    for (const auto id : left_open) impl_->end_batch(id, "interrupted");
    const std::string at = now_utc();
    impl_->db->prepare("INSERT INTO batches(source, device, operator, started_at, pid) VALUES(?,?,?,?,?)")
        .bind(1, source).bind(2, device).bind(3, operator_name).bind(4, at).bind(5, static_cast<std::int64_t>(::getpid())).run();
    const std::int64_t id = sqlite3_last_insert_rowid(impl_->db->handle());
    impl_->append(internal::BatchStartedEntry{id, source, device, operator_name});
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<void> CongressDb::record_fault(std::int64_t batch_id, const std::string& kind, std::int64_t sheet_in_batch, bool images_trusted,
                                      const std::string& detail) {
  return impl_->log(internal::ScannerFaultEntry{batch_id, kind, sheet_in_batch, images_trusted, detail});
}

Result<void> CongressDb::end_batch(std::int64_t batch_id, const std::string& reason) {
  if (auto there = impl_->still_in_place(Impl::Needs::database); !there) return there;
  try {
    auto q = impl_->db->prepare("SELECT 1 FROM batches WHERE id = ? AND ended_at IS NULL");
    q.bind(1, batch_id);
    if (!q.step()) {
      return fail("batch_not_open", {"Đợt quét " + std::to_string(batch_id) + " không mở", "Batch " + std::to_string(batch_id) + " is not open"});
    }
    Transaction tx(*impl_->db);
    impl_->end_batch(batch_id, reason);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

}  // namespace kp::tally
