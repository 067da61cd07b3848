#include "station/election_summary.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "config/load.hpp"

namespace kp::station {
std::string d_explanation(const config::Election& e, Lang lang) {
  const auto& x = e.electorate;
  const bool en = lang == Lang::en;
  std::ostringstream out;
  out << (en ? "convened " : "triệu tập ") << x.convened;
  const auto minus = [&](std::int64_t v, const char* vi, const char* english) {
    if (v != 0) out << " − " << (en ? english : vi) << ' ' << v;
  };
  switch (e.kind) {
    case config::CongressKind::members:
      minus(x.temporarily_transferred, "sinh hoạt tạm thời nơi khác", "temporarily transferred");
      minus(x.exempt_absent, "miễn sinh hoạt vắng mặt", "exempted and absent");
      minus(x.suspended, "đình chỉ / bị truy tố / tạm giam", "suspended / prosecuted / detained");
      minus(x.absent_approved, "vắng có lý do được chấp thuận", "absent with approved reason");
      break;
    case config::CongressKind::delegates:
      minus(x.committee_absent, "ủy viên cấp ủy triệu tập vắng", "convening committee members absent");
      minus(x.delegates_absent_unreplaced, "đại biểu vắng không có dự khuyết thay", "delegates absent, not replaced");
      break;
    case config::CongressKind::conference:
      minus(x.excluded, "không tính", "excluded");
      break;
  }
  return out.str();
}

namespace {

const char* form_name(BallotForm form, Lang lang) {
  if (lang == Lang::en) return form == BallotForm::strike ? "strike ballot" : "box ballot";
  return form == BallotForm::strike ? "phiếu gạch tên" : "phiếu đồng ý / không đồng ý";
}

}  // namespace

std::string election_summary_text(const config::Election& e, const std::vector<config::ContestLayout>& layouts, Lang lang) {
  const bool en = lang == Lang::en;
  std::ostringstream out;
  out << (en ? "Congress: " : "Đại hội: ") << e.congress << '\n';
  out << "  " << (en ? "id: " : "mã: ") << e.id << " · " << (en ? "kind: " : "loại: ") << to_string(e.kind) << " · "
      << (en ? "date: " : "ngày: ") << e.date << " · " << (en ? "rules: " : "quy tắc: ") << to_string(e.rules) << '\n';
  if (e.rules == config::RuleProfile::party_190) {
    const auto d = config::membership_base(e.electorate, e.kind);
    out << "  D = " << d << " (" << d_explanation(e, lang) << "); "
        << (en ? "elected with at least " : "trúng cử cần ít nhất ") << (d / 2 + 1) << (en ? " votes" : " phiếu") << '\n';
  } else {
    out << (en ? "  registered voters: " : "  cử tri: ") << e.electorate.convened
        << (en ? "; the threshold is over half of the valid ballots" : "; ngưỡng trúng cử: quá một nửa số phiếu hợp lệ") << '\n';
  }
  out << "  SHA-256: " << e.content_hash << '\n';
  for (std::size_t i = 0; i < e.contests.size(); ++i) {
    const auto& c = e.contests[i];
    out << '\n' << (en ? "Contest " : "Cuộc bầu ") << c.id << " — " << c.title << '\n';
    out << "  " << c.seats << (en ? " seats · " : " cần bầu · ") << c.candidates.size() << (en ? " names" : " người");
    if (c.surplus() > 0) out << (en ? " (surplus " : " (dư ") << c.surplus() << ')';
    out << " · " << form_name(c.ballot, lang) << " · " << to_string(c.paper);
    if (i < layouts.size()) {
      const auto& l = layouts[i];
      out << " · " << l.sides.size() << (en ? (l.sides.size() == 1 ? " side" : " sides") : " mặt") << ", " << l.columns
          << (en ? (l.columns == 1 ? " column" : " columns") : " cột");
    }
    if (c.from_contest) out << " · " << (en ? "from the winners of " : "chọn từ người trúng cử của ") << *c.from_contest;
    out << '\n';
    out << (en ? "  No.  id    full name\n" : "  STT  mã    họ và tên\n");
    for (std::size_t k = 0; k < c.candidates.size(); ++k) {
      std::string number = std::to_string(k + 1);
      if (number.size() < 3) number.insert(0, 3 - number.size(), ' ');
      std::string id = c.candidates[k].id;
      if (id.size() < 5) id.append(5 - id.size(), ' ');
      out << "  " << number << "  " << id << ' ' << c.candidates[k].name << '\n';
    }
  }
  return out.str();
}

std::string election_summary_json(const config::Election& e, const std::vector<config::ContestLayout>& layouts,
                                  const config::Diagnostics& warnings) {
  nlohmann::ordered_json j;
  j["election_id"] = e.id;
  j["congress"] = e.congress;
  j["kind"] = to_string(e.kind);
  j["date"] = e.date;
  j["rules"] = to_string(e.rules);
  j["content_hash"] = e.content_hash;
  if (e.rules == config::RuleProfile::party_190) {
    const auto d = config::membership_base(e.electorate, e.kind);
    j["D"] = d;
    j["votes_needed"] = d / 2 + 1;
  }
  nlohmann::ordered_json contests = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < e.contests.size(); ++i) {
    const auto& c = e.contests[i];
    nlohmann::ordered_json jc;
    jc["contest_id"] = c.id;
    jc["title"] = c.title;
    jc["seats"] = c.seats;
    jc["ballot"] = to_string(c.ballot);
    jc["paper"] = to_string(c.paper);
    jc["elects"] = to_string(c.body);
    if (c.from_contest) jc["from"] = *c.from_contest;
    if (i < layouts.size()) {
      jc["sides"] = layouts[i].sides.size();
      jc["layout_hash"] = layouts[i].layout_hash;
    }
    nlohmann::ordered_json cands = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < c.candidates.size(); ++k) {
      cands.push_back({{"number", k + 1}, {"candidate_id", c.candidates[k].id}, {"name", c.candidates[k].name}});
    }
    jc["candidates"] = std::move(cands);
    contests.push_back(std::move(jc));
  }
  j["contests"] = std::move(contests);
  nlohmann::ordered_json w = nlohmann::ordered_json::array();
  for (const auto& d : warnings) {
    w.push_back({{"code", d.code}, {"line", d.line}, {"field", d.field}, {"vi", d.message.vi}, {"en", d.message.en}});
  }
  j["warnings"] = std::move(w);
  return j.dump(2);
}

}  // namespace kp::station
