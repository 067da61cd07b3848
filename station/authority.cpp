#include "station/authority.hpp"

#include <thread>

namespace kp::station {

Result<tally::MemberRow> authorize(tally::CongressDb& db, const Credential& who, tally::MemberRole needed, const std::string& action) {
  if (who.name.empty()) {
    return tl::unexpected(Error{"no_member", {"Cần họ tên của thành viên Ban kiểm phiếu", "The committee member's name is needed"}, action});
  }
  if (who.pin.empty()) {
    return tl::unexpected(Error{"no_pin", {"Cần mã PIN của " + who.name, "The PIN of " + who.name + " is needed"}, who.name});
  }
  auto member = db.authenticate(who.name, who.pin, action);
  if (!member) {
    if (member.error().code == "wrong_pin" || member.error().code == "pin_locked") std::this_thread::sleep_for(kWrongPinDelay);
    return member;
  }
  if (needed == tally::MemberRole::committee && member->role != tally::MemberRole::committee) {
    return tl::unexpected(Error{"not_committee",
                                {member->name + " là người quét phiếu: chỉ thành viên Ban kiểm phiếu mới được quyết định việc này",
                                 member->name + " is an operator: only a counting committee member may decide this"},
                                member->name});
  }
  return member;
}

Result<std::pair<tally::MemberRow, tally::MemberRow>> authorize_two(tally::CongressDb& db, const Credential& first, const Credential& second,
                                                                    const std::string& action) {
  const auto a = authorize(db, first, tally::MemberRole::committee, action);
  if (!a) return tl::unexpected(a.error());
  const auto b = authorize(db, second, tally::MemberRole::committee, action);
  if (!b) return tl::unexpected(b.error());
  if (a->name == b->name) {
    return tl::unexpected(Error{"two_members",
                                {"Cần hai thành viên Ban kiểm phiếu khác nhau cùng đồng ý", "Two different committee members must agree"}, a->name});
  }
  return std::pair{*a, *b};
}

Result<tally::SheetRow> rule(tally::CongressDb& db, std::int64_t sheet_id, const std::map<std::string, MarkState>& marks,
                             const std::set<SheetFlag>& flags, const std::string& reason, const Credential& first, const Credential& second) {
  if (auto ok = authorize_two(db, first, second, "adjudication"); !ok) return tl::unexpected(ok.error());
  const auto sheet = db.sheet(sheet_id);
  if (!sheet) return tl::unexpected(sheet.error());
  // Targets the ruling does not name keep what recognition decided; an unclear one must be named
  // (the database refuses a ruling that leaves a target unclear, naming it).
  auto ruled = marks;
  for (const auto& [candidate, state] : tally::side_as_read(*sheet).marks) {
    if (state != MarkState::unclear) ruled.emplace(candidate, state);
  }
  return db.adjudicate(sheet_id, ruled, flags, reason, first.name, second.name);
}

Result<int> confirm_stamps(tally::CongressDb& db, const std::vector<std::int64_t>& sheet_ids, const std::string& reason, const Credential& first,
                           const Credential& second) {
  if (auto ok = authorize_two(db, first, second, "adjudication"); !ok) return tl::unexpected(ok.error());
  return db.confirm_stamps(sheet_ids, reason, first.name, second.name);
}

Result<tally::SheetRow> set_aside(tally::CongressDb& db, std::int64_t sheet_id, const std::string& reason, const Credential& first,
                                  const Credential& second) {
  if (auto ok = authorize_two(db, first, second, "set_aside"); !ok) return tl::unexpected(ok.error());
  return db.set_aside(sheet_id, reason, first.name, second.name);
}

Result<void> enter_issued(tally::CongressDb& db, const std::string& contest_id, std::int64_t issued, const Credential& by,
                          const std::optional<Credential>& confirmed_by) {
  if (!confirmed_by) {
    const auto member = authorize(db, by, tally::MemberRole::committee, "issued");
    if (!member) return tl::unexpected(member.error());
    return db.set_issued(contest_id, issued, member->name);
  }
  const auto members = authorize_two(db, by, *confirmed_by, "issued");
  if (!members) return tl::unexpected(members.error());
  return db.set_issued(contest_id, issued, members->first.name, members->second.name);
}

Result<tally::RoundRow> close_round(tally::CongressDb& db, const std::string& contest_id, const Credential& first, const Credential& second) {
  if (auto ok = authorize_two(db, first, second, "round_closed"); !ok) return tl::unexpected(ok.error());
  return db.close_round(contest_id, first.name, second.name);
}

Result<tally::RoundRow> open_round(tally::CongressDb& db, const std::string& contest_id, const std::vector<std::string>& candidate_ids, int seats,
                                   const std::string& decision, const Credential& first, const Credential& second) {
  if (auto ok = authorize_two(db, first, second, "round_opened"); !ok) return tl::unexpected(ok.error());
  return db.open_round(contest_id, candidate_ids, seats, decision, first.name, second.name);
}

Result<tally::MemberRow> add_member(tally::CongressDb& db, const std::string& name, tally::MemberRole role, const std::string& new_pin,
                                    const std::optional<Credential>& by) {
  const auto existing = db.members();
  if (!existing) return tl::unexpected(existing.error());
  if (existing->empty()) return db.add_member(name, role, new_pin, "");
  if (!by) {
    return tl::unexpected(Error{"not_committee",
                                {"Cần một thành viên Ban kiểm phiếu đồng ý, với mã PIN của họ", "A committee member must consent, with their PIN"}, name});
  }
  const auto consenting = authorize(db, *by, tally::MemberRole::committee, "member_added");
  if (!consenting) return tl::unexpected(consenting.error());
  return db.add_member(name, role, new_pin, consenting->name);
}

Result<void> protect_key(tally::CongressDb& db, const std::string& passphrase, const std::optional<Credential>& by) {
  const auto existing = db.members();
  if (!existing) return tl::unexpected(existing.error());
  if (existing->empty()) return db.protect_key(passphrase, "");
  if (!by) {
    return tl::unexpected(Error{"not_committee",
                                {"Cần một thành viên Ban kiểm phiếu, với mã PIN của họ", "A committee member is needed, with their PIN"}, db.images_dir()});
  }
  const auto member = authorize(db, *by, tally::MemberRole::committee, "key_protected");
  if (!member) return tl::unexpected(member.error());
  return db.protect_key(passphrase, member->name);
}

Result<void> unlock_key(tally::CongressDb& db, const std::string& passphrase, std::int64_t hours) {
  auto unlocked = db.unlock_key(passphrase, hours);
  if (!unlocked && unlocked.error().code == "wrong_passphrase") std::this_thread::sleep_for(kWrongPinDelay);
  return unlocked;
}

Result<void> record_documents(tally::CongressDb& db, const std::string& kind, const Credential& by, const std::vector<std::string>& paths) {
  const auto member = authorize(db, by, tally::MemberRole::committee, "documents_written");
  if (!member) return tl::unexpected(member.error());
  return db.record_documents(kind, member->name, paths);
}

}  // namespace kp::station
