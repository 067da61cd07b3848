#include "ui/results_view.hpp"

#include <algorithm>

#include <QCoreApplication>
#include <QTranslator>

#include <nlohmann/json.hpp>

#include "common/words.hpp"
#include "ui/internal/tr.hpp"

namespace kp::ui {
namespace {

// The texts of the results are the console's like all its others (Qt Linguist, context "Tr"),
// but in the language asked for, not the application's: the station builds the view observers
// are sent, and tests build both. QT_TRANSLATE_NOOP marks each text for lupdate.
QString say(Lang lang, const char* vietnamese) {
  if (lang == Lang::en) {
    static QTranslator english;
    static const bool loaded = english.load(QStringLiteral(":/i18n/kiemphieu_en.qm"));
    if (loaded) {
      const QString translated = english.translate("Tr", vietnamese);
      if (!translated.isEmpty()) return translated;
    }
  }
  return QString::fromUtf8(vietnamese);
}

std::string n(std::int64_t value) { return std::to_string(value); }

std::string reason_text(tally::InvalidReason r, Lang lang) { return words::say(words::Kind::invalid_reason, tally::to_string(r), lang); }

}  // namespace

ResultsView build_results_view(const config::Election& election, const tally::CountSummary& summary, Lang lang) {
  ResultsView view;
  view.congress = election.congress;
  view.final = summary.final;
  view.headline = us(summary.final ? say(lang, QT_TRANSLATE_NOOP("Tr", "KẾT QUẢ CHÍNH THỨC"))
                                   : say(lang, QT_TRANSLATE_NOOP("Tr", "TẠM THỜI — chưa kiểm phiếu xong")));
  view.sheets = us(say(lang, QT_TRANSLATE_NOOP("Tr", "Tờ phiếu đã đếm %1 · chờ Ban kiểm phiếu %2 · mặt giấy bị từ chối %3"))
                       .arg(summary.counted)
                       .arg(summary.waiting)
                       .arg(summary.rejected));
  if (summary.conflicting_serials > 0) view.sheets += us(say(lang, QT_TRANSLATE_NOOP("Tr", " · số sê-ri trùng %1")).arg(summary.conflicting_serials));
  for (std::size_t i = 0; i < summary.results.size(); ++i) {
    const auto& r = summary.results[i];
    const config::Contest& contest = summary.contests[i];
    const auto& standing = summary.standing[i];
    ContestPanel p;
    p.closed = standing.closed;
    p.title = contest.title;
    if (r.round > 1 && contest.title.find("(bầu lần") == std::string::npos) p.title += us(say(lang, QT_TRANSLATE_NOOP("Tr", " (bầu lần %1)")).arg(r.round));
    const QString issued = r.issued ? QString::number(*r.issued) : say(lang, QT_TRANSLATE_NOOP("Tr", "(chưa nhập)"));
    p.figures = us(say(lang, QT_TRANSLATE_NOOP("Tr", "D = %1 · trúng cử cần ít nhất %2 · phát ra %3 · thu vào %4 · hợp lệ %5 · không hợp lệ %6"))
                       .arg(QString::number(r.base), QString::number(r.votes_needed), issued, QString::number(r.collected), QString::number(r.valid),
                            QString::number(r.invalid)));
    for (const auto& [reason, count] : r.invalid_by_reason) p.figures += " (" + reason_text(reason, lang) + " " + n(count) + ")";
    // The scale reaches D (every voter), or the highest count if recounts ever exceed it.
    std::int64_t scale = std::max<std::int64_t>(r.base, 1);
    for (const auto& c : r.candidates) scale = std::max(scale, c.votes);
    p.threshold_at = static_cast<double>(r.votes_needed) / static_cast<double>(scale);
    p.threshold_label = us(say(lang, QT_TRANSLATE_NOOP("Tr", "%1 phiếu (quá một nửa D)")).arg(r.votes_needed));
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
    if (!standing.provisional_because.empty()) {
      std::string why;
      for (const auto& code : standing.provisional_because) {
        why += (why.empty() ? "" : "; ") + words::say(words::Kind::provisional, code, lang);
        if (code == "ballots_waiting") why += " (" + n(standing.waiting) + ")";
      }
      p.outcome = us(say(lang, QT_TRANSLATE_NOOP("Tr", "Đang kiểm, chưa công bố ai trúng cử: %1")).arg(qs(why)));
    } else {
      std::string elected;
      for (const auto& id : r.elected) {
        const auto* candidate = contest.find_candidate(id);
        elected += (elected.empty() ? "" : ", ") + (candidate != nullptr ? candidate->name : id);
      }
      p.outcome = us(say(lang, QT_TRANSLATE_NOOP("Tr", "Trúng cử: %1")).arg(elected.empty() ? say(lang, QT_TRANSLATE_NOOP("Tr", "không có ai")) : qs(elected)));
      if (!r.tied.empty()) {
        std::string tied;
        for (const auto& id : r.tied) {
          const auto* candidate = contest.find_candidate(id);
          tied += (tied.empty() ? "" : "; ") + (candidate != nullptr ? candidate->name : id);
        }
        p.outcome += ". " + words::say(words::Kind::next_step, "tie_round", lang) + ": " + tied;
      }
      if (r.seats_unfilled > 0 && r.tied.empty()) {
        p.outcome += ". " + words::say(words::Kind::next_step, "further_round", lang) + " (" + n(r.seats_unfilled) + ")";
      }
      if (!r.reconciliation.ok()) p.outcome += us(say(lang, QT_TRANSLATE_NOOP("Tr", ". ĐỐI CHIẾU KHÔNG KHỚP")));
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

std::string feed_message(const std::string& type, std::int64_t seq, const std::string& log_head, const std::string& view_json) {
  nlohmann::ordered_json m{{"type", type}, {"seq", seq}};
  if (!log_head.empty()) m["log_head"] = log_head;
  if (!view_json.empty()) m["view"] = nlohmann::ordered_json::parse(view_json);
  return m.dump();
}

std::optional<FeedMessage> parse_feed_message(std::string_view message) {
  const auto j = nlohmann::json::parse(message, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  // Not j.value("type", ""): it throws when "type" is there but not text (found by fuzzing).
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return std::nullopt;
  FeedMessage m;
  if (const auto head = j.find("log_head"); head != j.end() && head->is_string()) m.log_head = head->get<std::string>();
  if (type->get<std::string>() == "results") {
    if (!j.contains("view")) return std::nullopt;
    m.view = view_from(j["view"]);
    if (!m.view) return std::nullopt;
  } else if (type->get<std::string>() != "heartbeat") {
    return std::nullopt;
  }
  return m;
}

}  // namespace kp::ui
