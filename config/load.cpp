#include "config/load.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "common/digest.hpp"
#include "config/names.hpp"

namespace kp::config {
namespace {

// The surplus rules of election-rules.md §6 for committee and standing-committee lists.
constexpr double kMaxSurplusShare = 0.30;       // "surplus at most 30% of seats"
constexpr double kGuidanceSurplusLow = 0.10;    // "the convening committee prepares 10–15%"
constexpr double kGuidanceSurplusHigh = 0.15;
constexpr int kSmallBodyMin = 3;                // "bodies of 3–5 members: surplus at most 1"
constexpr int kSmallBodyMax = 5;
constexpr int kSmallBodyMaxSurplus = 1;
// The largest list a ballot can carry (two columns, both sides of an A3 sheet).
constexpr int kMaxCandidates = 200;

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_valid_iso_date(std::string_view text) {
  static const std::regex pattern(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, pattern)) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{std::stoi(m[1].str())},
                                        std::chrono::month{static_cast<unsigned>(std::stoi(m[2].str()))},
                                        std::chrono::day{static_cast<unsigned>(std::stoi(m[3].str()))}};
  return ymd.ok();
}

std::string quote(std::string_view s) { return "“" + std::string(s) + "”"; }

class DefinitionReader {
 public:
  explicit DefinitionReader(std::string source) : source_(std::move(source)) {}

  Diagnostics& diagnostics() { return diagnostics_; }

  void add(Severity severity, std::string code, int line, int column, std::string field, Text message) {
    diagnostics_.push_back(Diagnostic{severity, std::move(code), source_, line, column, std::move(field), std::move(message)});
  }
  void error(std::string code, const toml::source_region& where, std::string field, Text message) {
    add(Severity::error, std::move(code), static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
        std::move(field), std::move(message));
  }
  void warning(std::string code, const toml::source_region& where, std::string field, Text message) {
    add(Severity::warning, std::move(code), static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
        std::move(field), std::move(message));
  }

  // Reports keys a table must not hold: a misspelt key must never be silently ignored.
  void check_keys(const toml::table& table, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (auto&& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      std::string known;
      for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      error("unknown_key", key.source(), path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()),
            {"Khóa " + quote(key.str()) + " không có trong định dạng (gõ sai?); các khóa được dùng: " + known,
             "Unknown key " + quote(key.str()) + " (a typo?); the keys allowed are: " + known});
    }
  }

  std::optional<std::string> string_at(const toml::table& table, std::string_view key, const std::string& path,
                                       bool required, const toml::source_region& parent) {
    const toml::node* node = table.get(key);
    const std::string field = path + "." + std::string(key);
    if (node == nullptr) {
      if (required) {
        error("missing_key", parent, field,
              {"Thiếu khóa bắt buộc " + quote(key) + " trong " + quote(path),
               "Missing required key " + quote(key) + " in " + quote(path)});
      }
      return std::nullopt;
    }
    if (const auto* s = node->as_string()) return s->get();
    if (const auto* d = node->as_date()) {  // a TOML date literal is accepted where a date is expected
      std::ostringstream out;
      out << *d;
      return out.str();
    }
    error("wrong_type", node->source(), field,
          {quote(key) + " phải là một chuỗi ký tự trong dấu ngoặc kép", quote(key) + " must be a quoted string"});
    return std::nullopt;
  }

  std::optional<std::int64_t> integer_at(const toml::table& table, std::string_view key, const std::string& path,
                                         bool required, const toml::source_region& parent) {
    const toml::node* node = table.get(key);
    const std::string field = path + "." + std::string(key);
    if (node == nullptr) {
      if (required) {
        error("missing_key", parent, field,
              {"Thiếu khóa bắt buộc " + quote(key) + " trong " + quote(path),
               "Missing required key " + quote(key) + " in " + quote(path)});
      }
      return std::nullopt;
    }
    if (const auto* i = node->as_integer()) return i->get();
    error("wrong_type", node->source(), field,
          {quote(key) + " phải là một số nguyên", quote(key) + " must be a whole number"});
    return std::nullopt;
  }

  std::string source_;
  Diagnostics diagnostics_;
};

// A printed text (a title, the congress, the issuer) holds nothing a reader cannot see: a
// control character would also reach the terminal of whoever runs `check`.
void refuse_unseen(DefinitionReader& r, const std::string& text, const toml::source_region& where, const std::string& field) {
  const auto hidden = unseen_characters(text);
  if (hidden.empty()) return;
  std::string list;
  for (const auto& h : hidden) list += (list.empty() ? "" : ", ") + h;
  r.error("unseen_character", where, field,
          {"Văn bản " + quote(visible(text)) + " có ký tự không nhìn thấy hoặc điều khiển (" + list + ")",
           "The text " + quote(visible(text)) + " holds characters a reader cannot see, or control characters (" + list + ")"});
}

struct ContestDraft {
  Contest contest;
  bool ballot_given = false;
  toml::source_region where;
  toml::source_region seats_where;
  toml::source_region ballot_where;
  toml::source_region from_where;
  std::vector<toml::source_region> candidate_where;  // in file order
};

std::optional<CongressKind> parse_kind(std::string_view s) {
  if (s == "members") return CongressKind::members;
  if (s == "delegates") return CongressKind::delegates;
  if (s == "conference") return CongressKind::conference;
  return std::nullopt;
}
std::optional<RuleProfile> parse_rules(std::string_view s) {
  if (s == "party-190") return RuleProfile::party_190;
  if (s == "state-na-2015") return RuleProfile::state_na_2015;
  return std::nullopt;
}
std::optional<Paper> parse_paper(std::string_view s) {
  if (s == "A5") return Paper::A5;
  if (s == "A4") return Paper::A4;
  if (s == "A3") return Paper::A3;
  return std::nullopt;
}
std::optional<Body> parse_body(std::string_view s) {
  for (Body b : {Body::committee, Body::standing_committee, Body::inspection_committee, Body::secretary,
                 Body::deputy_secretary, Body::delegates, Body::alternates, Body::other}) {
    if (to_string(b) == s) return b;
  }
  return std::nullopt;
}

void read_electorate(DefinitionReader& r, const toml::table* table, CongressKind kind, Electorate& e,
                     const toml::source_region& election_where) {
  struct Figure {
    std::string_view key;
    std::int64_t Electorate::*member;
    std::optional<CongressKind> only_for;
  };
  static const Figure figures[] = {
      {"convened", &Electorate::convened, std::nullopt},
      {"temporarily_transferred", &Electorate::temporarily_transferred, CongressKind::members},
      {"exempt_absent", &Electorate::exempt_absent, CongressKind::members},
      {"suspended", &Electorate::suspended, CongressKind::members},
      {"absent_approved", &Electorate::absent_approved, CongressKind::members},
      {"delegates_absent_unreplaced", &Electorate::delegates_absent_unreplaced, CongressKind::delegates},
      {"committee_absent", &Electorate::committee_absent, CongressKind::delegates},
      {"excluded", &Electorate::excluded, CongressKind::conference},
  };
  if (table == nullptr) {
    r.error("missing_table", election_where, "electorate",
            {"Thiếu bảng [electorate]: cần ít nhất “convened” (số đảng viên / đại biểu được triệu tập)",
             "Missing table [electorate]: at least “convened” (members / delegates convened) is needed"});
    return;
  }
  std::vector<std::string_view> allowed;
  for (const auto& f : figures) allowed.push_back(f.key);
  for (auto&& [key, node] : *table) {
    const auto it = std::find_if(std::begin(figures), std::end(figures), [&](const Figure& f) { return f.key == key.str(); });
    const std::string field = "electorate." + std::string(key.str());
    if (it == std::end(figures)) {
      r.error("unknown_key", key.source(), field,
              {"Khóa " + quote(key.str()) + " không phải là một số liệu của [electorate] (gõ sai?)",
               "Key " + quote(key.str()) + " is not an [electorate] figure (a typo?)"});
      continue;
    }
    const auto* value = node.as_integer();
    if (value == nullptr) {
      r.error("wrong_type", node.source(), field, {quote(key.str()) + " phải là một số nguyên", quote(key.str()) + " must be a whole number"});
      continue;
    }
    if (value->get() < 0) {
      r.error("negative_figure", node.source(), field, {quote(key.str()) + " không được là số âm", quote(key.str()) + " must not be negative"});
      continue;
    }
    if (it->only_for && *it->only_for != kind) {
      r.error("figure_not_for_kind", key.source(), field,
              {"Số liệu " + quote(key.str()) + " không dùng cho loại đại hội " + quote(to_string(kind)) +
                   " (chỉ dùng cho " + quote(to_string(*it->only_for)) + ")",
               "Figure " + quote(key.str()) + " does not apply to a " + quote(to_string(kind)) +
                   " congress (only to " + quote(to_string(*it->only_for)) + ")"});
      continue;
    }
    e.*(it->member) = value->get();
  }
  if (table->get("convened") == nullptr) {
    r.error("missing_key", table->source(), "electorate.convened",
            {"Thiếu “convened”: số đảng viên chính thức / đại biểu chính thức / ủy viên được triệu tập",
             "Missing “convened”: the full members / official delegates / body members convened"});
    return;
  }
  const std::int64_t d = membership_base(e, kind);
  if (e.convened > 0 && d <= 0) {
    r.error("deductions_exceed_convened", table->source(), "electorate",
            {"Các số trừ ra vượt quá hoặc bằng số được triệu tập: D = " + std::to_string(d) + " không thể là cơ sở tính trúng cử",
             "The deductions reach or exceed the number convened: D = " + std::to_string(d) + " cannot be the base of the threshold"});
  } else if (e.convened == 0) {
    r.error("no_electorate", table->source(), "electorate.convened",
            {"Số được triệu tập phải lớn hơn 0", "The number convened must be greater than 0"});
  }
}

void read_thresholds(DefinitionReader& r, const toml::table& table, Thresholds& t) {
  struct Setting {
    std::string_view key;
    double Thresholds::*member;
    double min;
    double max;
  };
  static const Setting settings[] = {
      {"struck_at", &Thresholds::struck_at, 0, 1},
      {"kept_below", &Thresholds::kept_below, 0, 1},
      {"box_marked_at", &Thresholds::box_marked_at, 0, 1},
      {"box_empty_below", &Thresholds::box_empty_below, 0, 1},
      {"box_max_fill", &Thresholds::box_max_fill, 0, 1},
      {"box_max_border_mm2", &Thresholds::box_max_border_mm2, 0, 100},
      {"stamp_min_red_share", &Thresholds::stamp_min_red_share, 0, 1},
      {"outside_ink_min_mm2", &Thresholds::outside_ink_min_mm2, 0, 10000},
      {"streak_min_share", &Thresholds::streak_min_share, 0, 1},
  };
  for (auto&& [key, node] : table) {
    const std::string field = "recognition." + std::string(key.str());
    if (key.str() == "box_max_crossings") {
      const auto value = node.value<std::int64_t>();
      if (!value || *value < 1 || *value > 100) {
        r.error("bad_threshold", node.source(), field,
                {"Ngưỡng “box_max_crossings” phải là một số nguyên từ 1 đến 100",
                 "Threshold “box_max_crossings” must be a whole number from 1 to 100"});
      } else {
        t.box_max_crossings = static_cast<int>(*value);
      }
      continue;
    }
    const auto it = std::find_if(std::begin(settings), std::end(settings), [&](const Setting& s) { return s.key == key.str(); });
    if (it == std::end(settings)) {
      r.error("unknown_key", key.source(), field,
              {"Khóa " + quote(key.str()) + " không phải là một ngưỡng nhận dạng (gõ sai?)",
               "Key " + quote(key.str()) + " is not a recognition threshold (a typo?)"});
      continue;
    }
    const auto value = node.value<double>();
    if (!value || *value < it->min || *value > it->max) {
      r.error("bad_threshold", node.source(), field,
              {"Ngưỡng " + quote(key.str()) + " phải là một số từ " + std::to_string(it->min) + " đến " + std::to_string(it->max),
               "Threshold " + quote(key.str()) + " must be a number from " + std::to_string(it->min) + " to " + std::to_string(it->max)});
      continue;
    }
    t.*(it->member) = *value;
  }
  if (t.kept_below > t.struck_at || t.box_empty_below > t.box_marked_at) {
    r.error("thresholds_crossed", table.source(), "recognition",
            {"Ngưỡng “chắc chắn” phải lớn hơn hoặc bằng ngưỡng “không có dấu” (struck_at ≥ kept_below, box_marked_at ≥ box_empty_below)",
             "The definite threshold must not be below the empty one (struck_at ≥ kept_below, box_marked_at ≥ box_empty_below)"});
  }
}

void read_candidates(DefinitionReader& r, const toml::array& array, const std::string& path, ContestDraft& draft) {
  int position = 0;
  for (const toml::node& node : array) {
    ++position;
    const std::string field = path + ".candidates[" + std::to_string(position) + "]";
    Candidate c;
    c.listed_position = position;
    c.source_line = static_cast<int>(node.source().begin.line);
    std::string raw_name;
    if (const auto* s = node.as_string()) {
      raw_name = s->get();
    } else if (const auto* t = node.as_table()) {
      r.check_keys(*t, field, {"id", "name", "born"});
      if (auto id = r.string_at(*t, "id", field, false, t->source())) {
        c.id = *id;
        if (!is_valid_id(c.id)) {
          r.error("bad_id", t->get("id")->source(), field + ".id",
                  {"Mã ứng cử viên " + quote(c.id) + " chỉ được gồm chữ thường a–z, chữ số và dấu gạch ngang",
                   "Candidate id " + quote(c.id) + " may hold only a–z, 0–9 and '-'"});
        }
      }
      if (auto name = r.string_at(*t, "name", field, true, t->source())) raw_name = *name;
      if (auto born = r.string_at(*t, "born", field, false, t->source())) {
        if (!is_valid_iso_date(*born)) {
          r.error("bad_date", t->get("born")->source(), field + ".born",
                  {"Ngày sinh " + quote(*born) + " phải có dạng NNNN-TT-NN và là ngày có thật",
                   "Birth date " + quote(*born) + " must be a real date written YYYY-MM-DD"});
        } else {
          c.born = *born;
        }
      }
    } else {
      r.error("wrong_type", node.source(), field,
              {"Mỗi ứng cử viên là một họ tên trong ngoặc kép hoặc { id = …, name = … }",
               "Each candidate is a quoted full name or { id = …, name = … }"});
      continue;
    }
    if (!is_valid_utf8(raw_name)) {
      r.error("invalid_utf8", node.source(), field + ".name",
              {"Họ tên không phải là văn bản UTF-8 hợp lệ", "The name is not valid UTF-8 text"});
      continue;
    }
    if (const auto hidden = unseen_characters(raw_name); !hidden.empty()) {
      std::string list;
      for (const auto& h : hidden) list += (list.empty() ? "" : ", ") + h;
      r.error("unseen_character", node.source(), field + ".name",
              {"Họ tên " + quote(visible(raw_name)) + " có ký tự không nhìn thấy hoặc điều khiển (" + list + "): người đọc danh sách không thấy được",
               "The name " + quote(visible(raw_name)) + " holds characters a reader cannot see, or control characters (" + list + ")"});
      continue;
    }
    c.name = normalize_name(raw_name);
    if (c.name.empty()) {
      r.error("empty_name", node.source(), field + ".name", {"Họ tên để trống", "The name is empty"});
      continue;
    }
    const NameParts parts = split_name(c.name);
    c.family_name = parts.family;
    c.middle_name = parts.middle;
    c.given_name = parts.given;
    if (parts.family.empty()) {
      r.warning("single_word_name", node.source(), field + ".name",
                {"Họ tên " + quote(c.name) + " chỉ có một chữ: không tách được họ và tên để xếp thứ tự",
                 "Name " + quote(c.name) + " is a single word: family and given name cannot be told apart for ordering"});
    }
    draft.contest.candidates.push_back(std::move(c));
    draft.candidate_where.push_back(node.source());
  }
}

std::optional<ContestDraft> read_contest(DefinitionReader& r, const toml::table& t, int index) {
  ContestDraft draft;
  draft.where = t.source();
  Contest& c = draft.contest;
  c.source_line = static_cast<int>(t.source().begin.line);
  const std::string path = "contest[" + std::to_string(index) + "]";
  r.check_keys(t, path, {"id", "title", "seats", "ballot", "paper", "candidates", "elects", "from"});
  if (auto id = r.string_at(t, "id", path, true, t.source())) {
    c.id = *id;
    if (!is_valid_id(c.id)) {
      r.error("bad_id", t.get("id")->source(), path + ".id",
              {"Mã cuộc bầu " + quote(c.id) + " chỉ được gồm chữ thường a–z, chữ số và dấu gạch ngang",
               "Contest id " + quote(c.id) + " may hold only a–z, 0–9 and '-'"});
    }
  }
  if (auto title = r.string_at(t, "title", path, true, t.source())) {
    refuse_unseen(r, *title, t.get("title") != nullptr ? t.get("title")->source() : t.source(), path + ".title");
    c.title = normalize_name(*title);
  }
  if (auto seats = r.integer_at(t, "seats", path, true, t.source())) {
    draft.seats_where = t.get("seats")->source();
    if (*seats < 1) {
      r.error("seats_below_one", draft.seats_where, path + ".seats",
              {"Số lượng cần bầu phải ít nhất là 1", "The number of seats must be at least 1"});
    } else if (*seats > kMaxCandidates) {
      r.error("too_many_seats", draft.seats_where, path + ".seats",
              {"Số lượng cần bầu quá lớn (tối đa " + std::to_string(kMaxCandidates) + ")",
               "Too many seats (at most " + std::to_string(kMaxCandidates) + ")"});
    } else {
      c.seats = static_cast<int>(*seats);
    }
  }
  if (auto ballot = r.string_at(t, "ballot", path, false, t.source())) {
    draft.ballot_where = t.get("ballot")->source();
    if (auto form = parse_ballot_form(*ballot)) {
      c.ballot = *form;
      draft.ballot_given = true;
    } else {
      r.error("bad_ballot", draft.ballot_where, path + ".ballot",
              {"Mẫu phiếu " + quote(*ballot) + " không có; dùng “strike” (gạch tên) hoặc “box” (đồng ý / không đồng ý)",
               "Ballot form " + quote(*ballot) + " is unknown; use “strike” or “box”"});
    }
  }
  if (auto paper = r.string_at(t, "paper", path, false, t.source())) {
    if (auto p = parse_paper(*paper)) {
      c.paper = *p;
    } else {
      r.error("bad_paper", t.get("paper")->source(), path + ".paper",
              {"Khổ giấy " + quote(*paper) + " không có; dùng A5, A4 hoặc A3",
               "Paper " + quote(*paper) + " is unknown; use A5, A4 or A3"});
    }
  }
  if (auto elects = r.string_at(t, "elects", path, false, t.source())) {
    if (auto b = parse_body(*elects)) {
      c.body = *b;
    } else {
      r.error("bad_body", t.get("elects")->source(), path + ".elects",
              {"Giá trị " + quote(*elects) + " của “elects” không có (committee, standing_committee, inspection_committee, secretary, deputy_secretary, delegates, alternates, other)",
               "“elects” value " + quote(*elects) + " is unknown (committee, standing_committee, inspection_committee, secretary, deputy_secretary, delegates, alternates, other)"});
    }
  }
  if (auto from = r.string_at(t, "from", path, false, t.source())) {
    c.from_contest = *from;
    draft.from_where = t.get("from")->source();
  }
  const toml::node* candidates = t.get("candidates");
  if (candidates == nullptr) {
    r.error("missing_key", t.source(), path + ".candidates",
            {"Thiếu danh sách ứng cử viên “candidates”", "Missing the candidate list “candidates”"});
  } else if (const auto* array = candidates->as_array()) {
    read_candidates(r, *array, path, draft);
    if (array->empty()) {
      r.error("no_candidates", candidates->source(), path + ".candidates",
              {"Danh sách ứng cử viên trống", "The candidate list is empty"});
    } else if (static_cast<int>(array->size()) > kMaxCandidates) {
      r.error("too_many_candidates", candidates->source(), path + ".candidates",
              {"Danh sách có " + std::to_string(array->size()) + " người; một phiếu in được tối đa " + std::to_string(kMaxCandidates),
               "The list has " + std::to_string(array->size()) + " names; a ballot holds at most " + std::to_string(kMaxCandidates)});
    }
  } else {
    r.error("wrong_type", candidates->source(), path + ".candidates",
            {"“candidates” phải là một danh sách [ … ]", "“candidates” must be a list [ … ]"});
  }
  return draft;
}

// Assigns ids to plain-string candidates ("c01", "c02", … by position in the file) and checks
// that ids and names are unique within the list.
void settle_candidate_ids(DefinitionReader& r, ContestDraft& draft, const std::string& path) {
  auto& list = draft.contest.candidates;
  const int width = list.size() >= 100 ? 3 : 2;
  std::set<std::string> taken;
  for (const auto& c : list) {
    if (!c.id.empty()) taken.insert(c.id);
  }
  for (auto& c : list) {
    if (!c.id.empty()) continue;
    std::string number = std::to_string(c.listed_position);
    number.insert(0, static_cast<std::size_t>(std::max(0, width - static_cast<int>(number.size()))), '0');
    c.id = "c" + number;
  }
  std::map<std::string, std::size_t> seen_ids;
  std::map<std::string, std::size_t> seen_names;
  std::map<std::string, std::size_t> seen_skeletons;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i];
    const std::string field = path + ".candidates[" + std::to_string(c.listed_position) + "]";
    if (auto [it, fresh] = seen_ids.emplace(c.id, i); !fresh) {
      r.error("duplicate_candidate_id", draft.candidate_where[i], field + ".id",
              {"Mã " + quote(c.id) + " đã dùng cho " + quote(list[it->second].name) + " ở dòng " + std::to_string(list[it->second].source_line),
               "Id " + quote(c.id) + " is already used by " + quote(list[it->second].name) + " on line " + std::to_string(list[it->second].source_line)});
    }
    // Names that look alike on paper (a Cyrillic "А" for a Latin "A", …) are the same name to a
    // voter: two such rows would split one person's votes or hide a substitute.
    const std::string skeleton = confusable_skeleton(c.name);
    if (auto [it, fresh] = seen_skeletons.emplace(skeleton, i); !fresh && list[it->second].name != c.name) {
      r.error("confusable_name", draft.candidate_where[i], field + ".name",
              {"Họ tên " + quote(c.name) + " trông giống hệt người ở dòng " + std::to_string(list[it->second].source_line) + " (" +
                   quote(list[it->second].name) + ") nhưng khác ký tự: sửa lại cho đúng chữ tiếng Việt",
               "The name " + quote(c.name) + " looks the same as the one on line " + std::to_string(list[it->second].source_line) + " (" +
                   quote(list[it->second].name) + ") but is written with other characters: write it in Vietnamese letters"});
    }
    if (auto [it, fresh] = seen_names.emplace(c.name, i); !fresh) {
      r.error("duplicate_name", draft.candidate_where[i], field + ".name",
              {"Họ tên " + quote(c.name) + " trùng với người ở dòng " + std::to_string(list[it->second].source_line) +
                   " (sau khi chuẩn hóa Unicode NFC); thêm dấu hiệu phân biệt, ví dụ năm sinh trong ngoặc",
               "Name " + quote(c.name) + " repeats the one on line " + std::to_string(list[it->second].source_line) +
                   " (after Unicode NFC normalisation); add a distinguishing detail such as the birth year"});
    }
  }
}

void check_list_rules(DefinitionReader& r, ContestDraft& draft, const std::string& path, RuleProfile rules) {
  const Contest& c = draft.contest;
  const int n = static_cast<int>(c.candidates.size());
  if (c.seats < 1 || n == 0) return;
  const int surplus = n - c.seats;
  if (surplus < 0) {
    r.warning("fewer_candidates_than_seats", draft.where, path + ".candidates",
              {"Danh sách có " + std::to_string(n) + " người, ít hơn số cần bầu (" + std::to_string(c.seats) + "): không thể bầu đủ",
               "The list has " + std::to_string(n) + " names, fewer than the seats (" + std::to_string(c.seats) + "): not every seat can be filled"});
  }
  if (c.body == Body::committee || c.body == Body::standing_committee) {
    if (surplus <= 0) {
      r.error("no_surplus", draft.where, path + ".candidates",
              {"Danh sách bầu cấp ủy / ban thường vụ phải có số dư: số người (" + std::to_string(n) + ") phải nhiều hơn số cần bầu (" + std::to_string(c.seats) + ")",
               "A committee or standing-committee list must have a surplus: names (" + std::to_string(n) + ") must exceed seats (" + std::to_string(c.seats) + ")"});
    } else if (c.seats >= kSmallBodyMin && c.seats <= kSmallBodyMax) {
      if (surplus > kSmallBodyMaxSurplus) {
        r.error("small_body_surplus", draft.where, path + ".candidates",
                {"Cơ quan có 3–5 thành viên chỉ được dư tối đa 1 người; danh sách này dư " + std::to_string(surplus),
                 "A body of 3–5 members may have a surplus of at most 1; this list has " + std::to_string(surplus)});
      }
    } else if (static_cast<double>(surplus) > kMaxSurplusShare * c.seats) {
      r.error("surplus_too_large", draft.where, path + ".candidates",
              {"Số dư " + std::to_string(surplus) + " vượt quá 30% số cần bầu (" + std::to_string(c.seats) + ")",
               "A surplus of " + std::to_string(surplus) + " exceeds 30% of the seats (" + std::to_string(c.seats) + ")"});
    } else if (c.seats > kSmallBodyMax && (surplus < kGuidanceSurplusLow * c.seats || surplus > kGuidanceSurplusHigh * c.seats)) {
      r.warning("surplus_outside_guidance", draft.where, path + ".candidates",
                {"Số dư " + std::to_string(surplus) + " nằm ngoài mức 10–15% số cần bầu mà hướng dẫn khuyến nghị",
                 "A surplus of " + std::to_string(surplus) + " is outside the 10–15% of seats the guidance recommends"});
    }
  }
  if (!draft.ballot_given) {
    draft.contest.ballot = surplus > 0 ? BallotForm::strike : BallotForm::box;
  } else if (c.ballot == BallotForm::strike && surplus <= 0) {
    r.warning("strike_without_surplus", draft.ballot_where, path + ".ballot",
              {"Danh sách không có số dư: quy chế dùng phiếu có ô “đồng ý / không đồng ý” (ballot = “box”)",
               "The list has no surplus: the rules use a ballot with agree / disagree boxes (ballot = “box”)"});
  } else if (c.ballot == BallotForm::box && surplus > 0) {
    r.warning("box_with_surplus", draft.ballot_where, path + ".ballot",
              {"Danh sách có số dư: quy chế dùng phiếu gạch tên (ballot = “strike”)",
               "The list has a surplus: the rules use a strike ballot (ballot = “strike”)"});
  }
  if (rules == RuleProfile::state_na_2015) {
    for (std::size_t i = 0; i < c.candidates.size(); ++i) {
      if (c.candidates[i].born) continue;
      r.warning("missing_birth_date", draft.candidate_where[i], path + ".candidates[" + std::to_string(c.candidates[i].listed_position) + "].born",
                {"Thiếu ngày sinh của " + quote(c.candidates[i].name) + ": luật bầu cử Nhà nước xử lý số phiếu bằng nhau theo tuổi",
                 "No birth date for " + quote(c.candidates[i].name) + ": the state election law breaks ties by age"});
    }
  }
}

void check_later_stage(DefinitionReader& r, ContestDraft& draft, const std::vector<ContestDraft>& earlier, const std::string& path) {
  const Contest& c = draft.contest;
  if (!c.from_contest) return;
  const auto it = std::find_if(earlier.begin(), earlier.end(), [&](const ContestDraft& d) { return d.contest.id == *c.from_contest; });
  if (it == earlier.end()) {
    r.error("from_unknown", draft.from_where, path + ".from",
            {"“from” phải nêu một cuộc bầu được khai báo trước cuộc bầu này; không có " + quote(*c.from_contest),
             "“from” must name a contest defined before this one; there is no " + quote(*c.from_contest)});
    return;
  }
  const Contest& source = it->contest;
  for (std::size_t i = 0; i < c.candidates.size(); ++i) {
    const auto& cand = c.candidates[i];
    const bool listed = std::any_of(source.candidates.begin(), source.candidates.end(),
                                    [&](const Candidate& s) { return s.name == cand.name; });
    if (!listed) {
      r.error("not_in_earlier_list", draft.candidate_where[i], path + ".candidates[" + std::to_string(cand.listed_position) + "]",
              {quote(cand.name) + " không có trong danh sách của cuộc bầu " + quote(source.id) + " mà cuộc bầu này lấy người từ đó",
               quote(cand.name) + " is not on the list of contest " + quote(source.id) + " this contest draws its candidates from"});
    }
  }
  if (source.seats > 0 && static_cast<int>(c.candidates.size()) > source.seats) {
    r.error("more_than_earlier_winners", draft.where, path + ".candidates",
            {"Danh sách có " + std::to_string(c.candidates.size()) + " người nhưng cuộc bầu " + quote(source.id) + " chỉ bầu " + std::to_string(source.seats),
             "The list has " + std::to_string(c.candidates.size()) + " names but contest " + quote(source.id) + " elects only " + std::to_string(source.seats)});
  }
}

void order_candidates(Contest& contest, CandidateOrder order, const VietnameseNameOrder& collation) {
  if (order == CandidateOrder::as_listed) return;
  std::stable_sort(contest.candidates.begin(), contest.candidates.end(), [&](const Candidate& a, const Candidate& b) {
    return collation.before({a.family_name, a.middle_name, a.given_name}, {b.family_name, b.middle_name, b.given_name});
  });
}

tl::expected<LoadedElection, Diagnostics> read_definition(const toml::table& root, DefinitionReader& r) {
  auto election = std::make_shared<Election>();
  election->source_file = r.source_;
  r.check_keys(root, "", {"election", "electorate", "contest", "recognition"});
  const toml::table* e = root["election"].as_table();
  toml::source_region election_where = root.source();
  if (e == nullptr) {
    r.error("missing_table", root.source(), "election", {"Thiếu bảng [election]", "Missing table [election]"});
  } else {
    election_where = e->source();
    r.check_keys(*e, "election", {"id", "congress", "kind", "date", "rules", "issuer", "order"});
    if (auto id = r.string_at(*e, "id", "election", true, e->source())) {
      election->id = *id;
      if (!is_valid_id(*id)) {
        r.error("bad_id", e->get("id")->source(), "election.id",
                {"Mã đại hội " + quote(*id) + " chỉ được gồm chữ thường a–z, chữ số và dấu gạch ngang",
                 "Election id " + quote(*id) + " may hold only a–z, 0–9 and '-'"});
      }
    }
    if (auto congress = r.string_at(*e, "congress", "election", true, e->source())) {
      refuse_unseen(r, *congress, e->get("congress") != nullptr ? e->get("congress")->source() : e->source(), "election.congress");
      election->congress = normalize_name(*congress);
    }
    if (auto issuer = r.string_at(*e, "issuer", "election", false, e->source())) {
      refuse_unseen(r, *issuer, e->get("issuer") != nullptr ? e->get("issuer")->source() : e->source(), "election.issuer");
      election->issuer = normalize_name(*issuer);
    }
    if (auto kind = r.string_at(*e, "kind", "election", true, e->source())) {
      if (auto k = parse_kind(*kind)) {
        election->kind = *k;
      } else {
        r.error("bad_kind", e->get("kind")->source(), "election.kind",
                {"Loại đại hội " + quote(*kind) + " không có; dùng “members”, “delegates” hoặc “conference”",
                 "Congress kind " + quote(*kind) + " is unknown; use “members”, “delegates” or “conference”"});
      }
    }
    if (auto date = r.string_at(*e, "date", "election", true, e->source())) {
      if (!is_valid_iso_date(*date)) {
        r.error("bad_date", e->get("date")->source(), "election.date",
                {"Ngày " + quote(*date) + " phải có dạng NNNN-TT-NN và là ngày có thật",
                 "Date " + quote(*date) + " must be a real date written YYYY-MM-DD"});
      }
      election->date = *date;
    }
    if (auto rules = r.string_at(*e, "rules", "election", false, e->source())) {
      if (auto p = parse_rules(*rules)) {
        election->rules = *p;
      } else {
        r.error("bad_rules", e->get("rules")->source(), "election.rules",
                {"Bộ quy tắc " + quote(*rules) + " không có; dùng “party-190” hoặc “state-na-2015”",
                 "Rule profile " + quote(*rules) + " is unknown; use “party-190” or “state-na-2015”"});
      }
    }
    if (auto order = r.string_at(*e, "order", "election", false, e->source())) {
      if (*order == "abc") {
        election->order = CandidateOrder::abc;
      } else if (*order == "as_listed") {
        election->order = CandidateOrder::as_listed;
      } else {
        r.error("bad_order", e->get("order")->source(), "election.order",
                {"Thứ tự " + quote(*order) + " không có; dùng “abc” (theo tên, mặc định) hoặc “as_listed” (như trong tệp)",
                 "Order " + quote(*order) + " is unknown; use “abc” (by given name, the default) or “as_listed”"});
      }
    }
  }
  if (election->issuer.empty()) election->issuer = "BAN KIỂM PHIẾU";

  const toml::node* electorate_node = root.get("electorate");
  if (electorate_node != nullptr && electorate_node->as_table() == nullptr) {
    r.error("wrong_type", electorate_node->source(), "electorate", {"“electorate” phải là một bảng", "“electorate” must be a table"});
  } else {
    read_electorate(r, electorate_node ? electorate_node->as_table() : nullptr, election->kind, election->electorate, election_where);
  }

  if (const toml::node* rec = root.get("recognition")) {
    if (const auto* table = rec->as_table()) {
      read_thresholds(r, *table, election->thresholds);
    } else {
      r.error("wrong_type", rec->source(), "recognition", {"“recognition” phải là một bảng", "“recognition” must be a table"});
    }
  }

  std::vector<ContestDraft> drafts;
  const toml::node* contests = root.get("contest");
  const toml::array* contest_array = contests ? contests->as_array() : nullptr;
  if (contests != nullptr && (contest_array == nullptr || !contest_array->is_array_of_tables())) {
    r.error("wrong_type", contests->source(), "contest",
            {"Mỗi cuộc bầu khai báo bằng một bảng [[contest]]", "Each contest is declared as a [[contest]] table"});
  } else if (contest_array == nullptr || contest_array->empty()) {
    r.error("no_contests", root.source(), "contest",
            {"Chưa khai báo cuộc bầu nào ([[contest]])", "No contest ([[contest]]) is defined"});
  } else {
    const VietnameseNameOrder collation;
    std::set<std::string> contest_ids;
    int index = 0;
    for (const toml::node& node : *contest_array) {
      ++index;
      const std::string path = "contest[" + std::to_string(index) + "]";
      auto draft = read_contest(r, *node.as_table(), index);
      if (!draft) continue;
      if (!draft->contest.id.empty() && !contest_ids.insert(draft->contest.id).second) {
        r.error("duplicate_contest_id", node.source(), path + ".id",
                {"Mã cuộc bầu " + quote(draft->contest.id) + " đã được dùng", "Contest id " + quote(draft->contest.id) + " is already used"});
      }
      settle_candidate_ids(r, *draft, path);
      check_list_rules(r, *draft, path, election->rules);
      check_later_stage(r, *draft, drafts, path);
      order_candidates(draft->contest, election->order, collation);
      drafts.push_back(std::move(*draft));
    }
  }
  for (auto& d : drafts) election->contests.push_back(std::move(d.contest));

  Diagnostics& all = r.diagnostics();
  std::stable_sort(all.begin(), all.end(), [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  if (has_errors(all)) return tl::unexpected(all);
  election->content_hash = sha256_hex(canonical_json(*election));
  return LoadedElection{std::move(election), all};
}

}  // namespace

std::int64_t membership_base(const Electorate& e, CongressKind kind) {
  switch (kind) {
    case CongressKind::members:
      return e.convened - e.temporarily_transferred - e.exempt_absent - e.suspended - e.absent_approved;
    case CongressKind::delegates:
      return e.convened - e.committee_absent - e.delegates_absent_unreplaced;
    case CongressKind::conference:
      return e.convened - e.excluded;
  }
  return e.convened;
}

std::string canonical_json(const Election& election) {
  nlohmann::json j;
  j["id"] = election.id;
  j["congress"] = election.congress;
  j["issuer"] = election.issuer;
  j["kind"] = to_string(election.kind);
  j["date"] = election.date;
  j["rules"] = to_string(election.rules);
  j["order"] = election.order == CandidateOrder::abc ? "abc" : "as_listed";
  const Electorate& e = election.electorate;
  j["electorate"] = {{"convened", e.convened},
                     {"temporarily_transferred", e.temporarily_transferred},
                     {"exempt_absent", e.exempt_absent},
                     {"suspended", e.suspended},
                     {"absent_approved", e.absent_approved},
                     {"delegates_absent_unreplaced", e.delegates_absent_unreplaced},
                     {"committee_absent", e.committee_absent},
                     {"excluded", e.excluded}};
  nlohmann::json contests = nlohmann::json::array();
  for (const auto& c : election.contests) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& cand : c.candidates) {
      nlohmann::json jc{{"id", cand.id}, {"name", cand.name}};
      if (cand.born) jc["born"] = *cand.born;
      candidates.push_back(std::move(jc));
    }
    nlohmann::json jc{{"id", c.id}, {"title", c.title}, {"seats", c.seats},
                      {"ballot", to_string(c.ballot)}, {"paper", to_string(c.paper)},
                      {"elects", to_string(c.body)}, {"candidates", std::move(candidates)}};
    if (c.from_contest) jc["from"] = *c.from_contest;
    contests.push_back(std::move(jc));
  }
  j["contests"] = std::move(contests);
  const Thresholds& t = election.thresholds;
  j["recognition"] = {{"struck_at", t.struck_at}, {"kept_below", t.kept_below}, {"box_marked_at", t.box_marked_at},
                      {"box_empty_below", t.box_empty_below}, {"box_max_fill", t.box_max_fill},
                      {"box_max_border_mm2", t.box_max_border_mm2}, {"box_max_crossings", t.box_max_crossings}, {"stamp_min_red_share", t.stamp_min_red_share},
                      {"outside_ink_min_mm2", t.outside_ink_min_mm2}, {"streak_min_share", t.streak_min_share}};
  return j.dump();
}

tl::expected<LoadedElection, Diagnostics> parse_election(std::string_view toml_text, const std::string& source_name) {
  DefinitionReader reader(source_name);
  if (!is_valid_utf8(toml_text)) {
    reader.add(Severity::error, "invalid_utf8", 0, 0, "",
               {"Tệp không phải là văn bản UTF-8: hãy lưu lại với mã hóa UTF-8",
                "The file is not UTF-8 text: save it again as UTF-8"});
    return tl::unexpected(reader.diagnostics());
  }
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& err) {
    reader.add(Severity::error, "toml_syntax", static_cast<int>(err.source().begin.line),
               static_cast<int>(err.source().begin.column), "",
               {"Tệp không đúng cú pháp TOML: " + std::string(err.description()),
                "Not valid TOML: " + std::string(err.description())});
    return tl::unexpected(reader.diagnostics());
  }
  return read_definition(root, reader);
}

tl::expected<LoadedElection, Diagnostics> load_election_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(Diagnostics{Diagnostic{Severity::error, "file_unreadable", path, 0, 0, "",
                                                 {"Không mở được tệp định nghĩa cuộc bầu", "Cannot open the election definition file"}}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_election(text.str(), path);
}

}  // namespace kp::config
