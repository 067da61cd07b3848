#include "station/record.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "station/election_summary.hpp"
#include "printing/counting_record.hpp"
#include "tally/records.hpp"

namespace kp::station {
namespace {

std::string now_local() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// Those the rules take out of D for being away for the whole congress (election-rules.md §5):
// members absent with an approved reason and exempted members not present; convening committee
// members and official delegates absent with no alternate substituted.
std::int64_t absent_for_the_whole_congress(const config::Election& election) {
  const auto& e = election.electorate;
  switch (election.kind) {
    case config::CongressKind::members: return e.exempt_absent + e.absent_approved;
    case config::CongressKind::delegates: return e.committee_absent + e.delegates_absent_unreplaced;
    case config::CongressKind::conference: break;  // a body's members: its rules say who is excluded, not who is absent
  }
  return 0;
}

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

RecordFiles write_reports(const config::Election& election, const std::vector<tally::ContestResult>& results, const ReportContext& context,
                          const std::string& dir, Lang lang) {
  namespace fs = std::filesystem;
  RecordFiles out;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::vector<std::string>& written = out.written;
  std::ofstream csv(fs::path(dir) / "results.csv", std::ios::binary | std::ios::trunc);
  csv << "contest_id,candidate_id,name,votes,percent_of_D,elected,round\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const config::Contest* contest = context.round_contests.empty() ? election.find_contest(r.contest_id) : &context.round_contests[i];
    const std::string closed_at = i < context.closed_at.size() ? context.closed_at[i] : std::string();
    printing::CountingRecord record;
    record.issuer = election.issuer;
    record.congress = election.congress;
    record.date = election.date;
    record.contest_title = contest->title;
    record.seats = contest->seats;
    record.rules = std::string(config::to_string(r.rules));
    record.base = r.base;
    record.base_explanation = r.rules == config::RuleProfile::party_190 ? d_explanation(election, lang)
                                                                         : (lang == Lang::en ? "valid ballots" : "số phiếu hợp lệ");
    record.votes_needed = r.votes_needed;
    if (r.rules == config::RuleProfile::party_190 && election.kind != config::CongressKind::conference) {
      record.attendance = printing::Attendance{election.electorate.convened, absent_for_the_whole_congress(election)};
    }
    record.issued = r.issued;
    record.collected = r.collected;
    record.valid = r.valid;
    record.invalid = r.invalid;
    for (const auto& [reason, n] : r.invalid_by_reason) record.invalid_by_reason.emplace_back(std::string(tally::to_string(reason)), n);
    for (const auto& c : r.candidates) {
      const std::string name = contest->find_candidate(c.candidate_id)->name;
      record.candidates.push_back({name, c.votes, c.percent_of_base, c.disagree});
      csv << r.contest_id << ',' << c.candidate_id << ',' << csv_field(name) << ',' << c.votes << ',' << c.percent_of_base << ','
          << (c.elected ? "true" : "false") << ',' << r.round << '\n';
    }
    for (const auto& id : r.elected) {
      const auto it = std::find_if(r.candidates.begin(), r.candidates.end(), [&](const auto& c) { return c.candidate_id == id; });
      record.elected.push_back({contest->find_candidate(id)->name, it->votes, it->percent_of_base, it->disagree});
    }
    for (const auto& id : r.tied) record.tied.push_back(contest->find_candidate(id)->name);
    record.seats_unfilled = r.seats_unfilled;
    record.waiting = i < context.waiting_per_round.size() ? context.waiting_per_round[i] : context.waiting;
    record.stamps_seen_on_paper = i < context.stamps_seen_on_paper.size() ? context.stamps_seen_on_paper[i] : 0;
    record.entered_by_hand = i < context.entered_by_hand.size() ? context.entered_by_hand[i] : 0;
    record.final = context.final;
    record.closed_at = closed_at.empty() ? now_local() : closed_at;
    record.final = context.final || !closed_at.empty();  // a closed round stands whatever else waits
    record.election_hash = election.content_hash;
    record.key_fingerprint = context.key_fingerprint;
    record.log_head = context.log_head;
    record.committee = context.committee;
    const std::string round_part = r.round > 1 ? "-lan-" + std::to_string(r.round) : std::string();
    const auto pdf = (fs::path(dir) / (r.contest_id + round_part + "-bien-ban.pdf")).string();
    if (auto ok = printing::write_counting_record_pdf(record, lang, pdf); !ok) {
      out.errors.push_back(ok.error());
    } else {
      written.push_back(pdf);
    }
  }
  auto json = nlohmann::ordered_json::parse(tally::results_json(results));
  json["final"] = context.final;
  json["waiting"] = context.waiting;
  std::int64_t stamps_seen = 0;
  for (const auto n : context.stamps_seen_on_paper) stamps_seen += n;
  json["stamps_seen_on_paper"] = stamps_seen;
  std::int64_t by_hand = 0;
  for (const auto n : context.entered_by_hand) by_hand += n;
  json["entered_by_hand"] = by_hand;
  if (!context.log_head.empty()) json["log_head"] = context.log_head;
  std::ofstream(fs::path(dir) / "results.json", std::ios::binary | std::ios::trunc) << json.dump(2) << '\n';
  written.push_back((fs::path(dir) / "results.json").string());
  written.push_back((fs::path(dir) / "results.csv").string());
  return out;
}

Result<RecordFiles> write_record(const tally::CongressDb& db, const std::string& dir, Lang lang) {
  const auto summary = db.count();
  if (!summary) return tl::unexpected(summary.error());
  const auto head = db.head();
  if (!head) return tl::unexpected(head.error());
  const auto members = db.members();
  if (!members) return tl::unexpected(members.error());
  ReportContext context{summary->waiting, summary->final, db.key_fingerprint(), summary->contests, {}, {}, *head, {}, {}, {}};
  for (const auto& m : *members) {
    if (m.role == tally::MemberRole::committee) context.committee.push_back(m.name);
  }
  for (const auto& s : summary->standing) {
    context.closed_at.push_back(s.closed_at);
    context.waiting_per_round.push_back(s.waiting);
    context.stamps_seen_on_paper.push_back(s.stamps_seen_on_paper);
    context.entered_by_hand.push_back(s.entered_by_hand);
  }
  return write_reports(db.election(), summary->results, context, dir, lang);
}

}  // namespace kp::station
