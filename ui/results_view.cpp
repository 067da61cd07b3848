#include "ui/results_view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace kp::ui {
namespace {

const char* reason_text(tally::InvalidReason r, bool en) {
  switch (r) {
    case tally::InvalidReason::not_issued: return en ? "not the issued form" : "không đúng mẫu phát ra";
    case tally::InvalidReason::over_vote: return en ? "more names kept than seats" : "để quá số lượng cần bầu";
    case tally::InvalidReason::all_struck: return en ? "all names struck" : "gạch hết tên";
    case tally::InvalidReason::write_in: return en ? "name written in" : "ghi thêm tên";
    case tally::InvalidReason::identifying_mark: return en ? "identifying mark" : "có ký hiệu riêng";
    case tally::InvalidReason::single_both_or_none: return en ? "both or neither box" : "đánh cả hai hoặc không ô nào";
  }
  return "?";
}

}  // namespace

ResultsView build_results_view(const config::Election& election, const tally::CountSummary& summary, Lang lang) {
  const bool en = lang == Lang::en;
  ResultsView view;
  view.congress = election.congress;
  view.final = summary.final;
  view.headline = summary.final ? (en ? "FINAL RESULT" : "KẾT QUẢ CHÍNH THỨC")
                                : (en ? "PROVISIONAL — counting is not finished" : "TẠM THỜI — chưa kiểm phiếu xong");
  view.sheets = std::string(en ? "Sheets counted " : "Tờ phiếu đã đếm ") + std::to_string(summary.counted) +
                (en ? " · waiting for the committee " : " · chờ Ban kiểm phiếu ") + std::to_string(summary.waiting) +
                (en ? " · refused " : " · bị từ chối ") + std::to_string(summary.rejected);
  if (summary.conflicting_serials > 0) {
    view.sheets += (en ? " · serials counted twice " : " · số sê-ri trùng ") + std::to_string(summary.conflicting_serials);
  }
  for (std::size_t i = 0; i < summary.results.size(); ++i) {
    const auto& r = summary.results[i];
    const config::Contest& contest = summary.contests[i];
    const auto& standing = summary.standing[i];
    ContestPanel p;
    p.closed = standing.closed;
    p.title = contest.title;
    if (r.round > 1 && contest.title.find("(bầu lần") == std::string::npos) p.title += (en ? " (round " : " (bầu lần ") + std::to_string(r.round) + ")";
    p.figures = "D = " + std::to_string(r.base) + (en ? " · elected with at least " : " · trúng cử cần ít nhất ") + std::to_string(r.votes_needed) +
                (en ? " · issued " : " · phát ra ") + (r.issued ? std::to_string(*r.issued) : std::string(en ? "(not entered)" : "(chưa nhập)")) +
                (en ? " · collected " : " · thu vào ") + std::to_string(r.collected) + (en ? " · valid " : " · hợp lệ ") + std::to_string(r.valid) +
                (en ? " · invalid " : " · không hợp lệ ") + std::to_string(r.invalid);
    for (const auto& [reason, n] : r.invalid_by_reason) p.figures += std::string(" (") + reason_text(reason, en) + " " + std::to_string(n) + ")";
    // The scale reaches D (every voter), or the highest count if recounts ever exceed it.
    std::int64_t scale = std::max<std::int64_t>(r.base, 1);
    for (const auto& c : r.candidates) scale = std::max(scale, c.votes);
    p.threshold_at = static_cast<double>(r.votes_needed) / static_cast<double>(scale);
    p.threshold_label = std::to_string(r.votes_needed) + (en ? " votes (more than half of D)" : " phiếu (quá một nửa D)");
    for (const auto& c : r.candidates) {
      CandidateBar b;
      const auto* candidate = contest.find_candidate(c.candidate_id);
      b.name = candidate != nullptr ? candidate->name : c.candidate_id;
      b.votes = c.votes;
      b.percent_of_base = c.percent_of_base;
      b.length = static_cast<double>(c.votes) / static_cast<double>(scale);
      b.elected = c.elected;
      b.tied = std::find(r.tied.begin(), r.tied.end(), c.candidate_id) != r.tied.end();
      p.bars.push_back(std::move(b));
    }
    const bool settled = standing.closed || (standing.waiting == 0 && standing.conflicting_serials == 0 && r.reconciliation.ok() && r.issued);
    if (!settled) {
      p.outcome = en ? "Counting: " + std::to_string(standing.waiting) + " sheets of this contest wait for the committee; nobody is declared elected yet"
                     : "Đang kiểm: " + std::to_string(standing.waiting) + " tờ của cuộc bầu này chờ Ban kiểm phiếu; chưa công bố ai trúng cử";
    } else {
      std::string elected;
      for (const auto& id : r.elected) {
        const auto* candidate = contest.find_candidate(id);
        elected += (elected.empty() ? "" : ", ") + (candidate != nullptr ? candidate->name : id);
      }
      p.outcome = (en ? "Elected: " : "Trúng cử: ") + (elected.empty() ? std::string(en ? "nobody" : "không có ai") : elected);
      if (!r.tied.empty()) p.outcome += en ? ". Tied at the last seat: a new round among them" : ". Bằng phiếu ở suất cuối: bầu lại giữa những người này";
      if (r.seats_unfilled > 0 && r.tied.empty()) {
        p.outcome += (en ? ". Seats unfilled: " : ". Còn thiếu: ") + std::to_string(r.seats_unfilled) +
                     (en ? " (the congress decides on a further round)" : " (đại hội quyết định bầu tiếp hay không)");
      }
      if (!r.reconciliation.ok()) p.outcome += en ? ". RECONCILIATION FAILS" : ". ĐỐI CHIẾU KHÔNG KHỚP";
    }
    view.contests.push_back(std::move(p));
  }
  return view;
}

std::string results_view_json(const ResultsView& view) {
  nlohmann::ordered_json contests = nlohmann::ordered_json::array();
  for (const auto& c : view.contests) {
    nlohmann::ordered_json bars = nlohmann::ordered_json::array();
    for (const auto& b : c.bars) {
      bars.push_back({{"name", b.name}, {"votes", b.votes}, {"percent_of_D", b.percent_of_base}, {"length", b.length}, {"elected", b.elected}, {"tied", b.tied}});
    }
    contests.push_back({{"title", c.title}, {"figures", c.figures}, {"threshold_at", c.threshold_at}, {"threshold_label", c.threshold_label},
                        {"bars", bars}, {"outcome", c.outcome}, {"closed", c.closed}});
  }
  return nlohmann::ordered_json{{"congress", view.congress}, {"headline", view.headline}, {"final", view.final}, {"sheets", view.sheets},
                                {"contests", contests}}
      .dump();
}

namespace {

std::optional<ResultsView> view_from(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("contests") || !j["contests"].is_array()) return std::nullopt;
  try {
    ResultsView v;
    v.congress = j.value("congress", "");
    v.headline = j.value("headline", "");
    v.final = j.value("final", false);
    v.sheets = j.value("sheets", "");
    for (const auto& c : j["contests"]) {
      ContestPanel p;
      p.title = c.value("title", "");
      p.figures = c.value("figures", "");
      p.threshold_at = c.value("threshold_at", 0.0);
      p.threshold_label = c.value("threshold_label", "");
      p.outcome = c.value("outcome", "");
      p.closed = c.value("closed", false);
      for (const auto& b : c.value("bars", nlohmann::json::array())) {
        p.bars.push_back({b.value("name", ""), b.value("votes", std::int64_t{0}), b.value("percent_of_D", 0.0), b.value("length", 0.0),
                          b.value("elected", false), b.value("tied", false)});
      }
      v.contests.push_back(std::move(p));
    }
    return v;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<ResultsView> parse_results_view_json(std::string_view json) { return view_from(nlohmann::json::parse(json, nullptr, false)); }

std::string feed_message(const std::string& type, std::int64_t seq, const std::string& view_json) {
  nlohmann::ordered_json m{{"type", type}, {"seq", seq}};
  if (!view_json.empty()) m["view"] = nlohmann::ordered_json::parse(view_json);
  return m.dump();
}

std::optional<ResultsView> parse_feed_message(std::string_view message) {
  const auto j = nlohmann::json::parse(message, nullptr, false);
  if (!j.is_object() || j.value("type", "") != "results" || !j.contains("view")) return std::nullopt;
  return view_from(j["view"]);
}

}  // namespace kp::ui
