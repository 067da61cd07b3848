// Election definition: parsing, every validation rule with its file line and both languages,
// candidate ids, the content hash and D.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "test_support.hpp"

namespace kp::config {
namespace {

using ::testing::HasSubstr;

// A valid delegates' congress; tests replace pieces of it. Line numbers matter below.
const std::string kValid = R"(# line 1
[election]
id       = "dh-test"
congress = "Đại hội thử nghiệm"
kind     = "delegates"
date     = "2025-08-20"

[electorate]
convened = 100
delegates_absent_unreplaced = 1

[[contest]]
id     = "bch"
title  = "Bầu Ban Chấp hành"
elects = "committee"
seats  = 7
candidates = [
  { id = "c01", name = "Nguyễn Văn An" },
  { id = "c02", name = "Trần Thị Bình" },
  { id = "c03", name = "Lê Văn Cường" },
  { id = "c04", name = "Phạm Thị Dung" },
  { id = "c05", name = "Hoàng Văn Em" },
  { id = "c06", name = "Vũ Thị Giang" },
  { id = "c07", name = "Đặng Văn Hải" },
  { id = "c08", name = "Bùi Thị Hoa" },
]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "fixture text not found: " << from;
    return text;
  }
  return text.replace(pos, from.size(), to);
}

// Expects the definition to fail with a diagnostic of `code` on `line`, said in both languages.
Diagnostic expect_error(const std::string& toml, const std::string& code, int line) {
  const auto result = parse_election(toml, "test.toml");
  EXPECT_FALSE(result.has_value()) << "expected error " << code;
  if (result.has_value()) return {};
  const auto& all = result.error();
  const auto it = std::find_if(all.begin(), all.end(), [&](const Diagnostic& d) { return d.code == code; });
  EXPECT_NE(it, all.end()) << "no diagnostic " << code << "; got: " << (all.empty() ? "" : all.front().format(Lang::en));
  if (it == all.end()) return {};
  EXPECT_EQ(it->severity, Severity::error);
  EXPECT_EQ(it->line, line) << it->format(Lang::en);
  EXPECT_FALSE(it->message.vi.empty());
  EXPECT_FALSE(it->message.en.empty());
  EXPECT_NE(it->message.vi, it->message.en);
  EXPECT_EQ(it->file, "test.toml");
  return *it;
}

Diagnostic expect_warning(const std::string& toml, const std::string& code) {
  const auto result = parse_election(toml, "test.toml");
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().front().format(Lang::en));
  if (!result) return {};
  const auto& all = result->warnings;
  const auto it = std::find_if(all.begin(), all.end(), [&](const Diagnostic& d) { return d.code == code; });
  EXPECT_NE(it, all.end()) << "no warning " << code;
  return it == all.end() ? Diagnostic{} : *it;
}

TEST(ElectionDefinition, ValidDefinitionLoads) {
  const auto result = parse_election(kValid, "test.toml");
  ASSERT_TRUE(result.has_value()) << result.error().front().format(Lang::en);
  const Election& e = *result->election;
  EXPECT_EQ(e.id, "dh-test");
  EXPECT_EQ(e.kind, CongressKind::delegates);
  EXPECT_EQ(e.rules, RuleProfile::party_190);
  ASSERT_EQ(e.contests.size(), 1u);
  EXPECT_EQ(e.contests[0].seats, 7);
  EXPECT_EQ(e.contests[0].ballot, BallotForm::strike);  // default with a surplus
  EXPECT_EQ(e.contests[0].paper, Paper::A4);
  EXPECT_EQ(e.electorate.convened, 100);
  EXPECT_EQ(e.content_hash.size(), 64u);
}

TEST(ElectionDefinition, FormattedMessageNamesFileLineAndField) {
  const auto d = expect_error(replace(kValid, "seats  = 7", "seats  = 0"), "seats_below_one", 16);
  EXPECT_THAT(d.format(Lang::vi), HasSubstr("test.toml:16:"));
  EXPECT_THAT(d.format(Lang::vi), HasSubstr("lỗi:"));
  EXPECT_THAT(d.format(Lang::en), HasSubstr("error:"));
  EXPECT_THAT(d.format(Lang::en), HasSubstr("[contest[1].seats]"));
}

TEST(ElectionDefinition, TomlSyntaxErrorHasLine) {
  expect_error(replace(kValid, "seats  = 7", "seats  = = 7"), "toml_syntax", 16);
}

TEST(ElectionDefinition, UnknownKeyIsATypo) {
  const auto d = expect_error(replace(kValid, "seats  = 7", "seats  = 7\nseat = 7"), "unknown_key", 17);
  EXPECT_THAT(d.message.en, HasSubstr("“seat”"));
}

TEST(ElectionDefinition, BadValuesAreNamed) {
  expect_error(replace(kValid, R"(id       = "dh-test")", R"(id       = "DH Test")"), "bad_id", 3);
  expect_error(replace(kValid, R"(kind     = "delegates")", R"(kind     = "plenary")"), "bad_kind", 5);
  expect_error(replace(kValid, R"(date     = "2025-08-20")", R"(date     = "2025-02-30")"), "bad_date", 6);
  expect_error(replace(kValid, R"(elects = "committee")", R"(elects = "committee"
paper = "Letter")"), "bad_paper", 16);
  expect_error(replace(kValid, R"(elects = "committee")", R"(elects = "committee"
ballot = "tick")"), "bad_ballot", 16);
  expect_error(replace(kValid, R"(kind     = "delegates")", R"(kind     = "delegates"
rules = "party-2014")"), "bad_rules", 6);
  expect_error(replace(kValid, "seats  = 7", R"(seats  = "7")"), "wrong_type", 16);
}

TEST(ElectionDefinition, MissingPiecesAreReported) {
  expect_error(replace(kValid, "congress = \"Đại hội thử nghiệm\"\n", ""), "missing_key", 2);
  expect_error(replace(kValid, "convened = 100\n", ""), "missing_key", 8);
  const std::string no_contest = kValid.substr(0, kValid.find("[[contest]]"));
  expect_error(no_contest, "no_contests", 1);
}

TEST(ElectionDefinition, ElectorateMustFitTheCongressKind) {
  const auto d = expect_error(replace(kValid, "convened = 100", "convened = 100\nsuspended = 2"), "figure_not_for_kind", 10);
  EXPECT_THAT(d.message.en, HasSubstr("members"));
  expect_error(replace(kValid, "convened = 100", "convened = -3"), "negative_figure", 9);
  expect_error(replace(kValid, "delegates_absent_unreplaced = 1", "delegates_absent_unreplaced = 100"),
               "deductions_exceed_convened", 8);
}

TEST(ElectionDefinition, MembershipBaseFollowsTheKind) {
  Electorate e;
  e.convened = 300;
  e.temporarily_transferred = 3;
  e.exempt_absent = 2;
  e.suspended = 1;
  e.absent_approved = 4;
  e.delegates_absent_unreplaced = 5;
  e.committee_absent = 6;
  e.excluded = 7;
  EXPECT_EQ(membership_base(e, CongressKind::members), 290);
  EXPECT_EQ(membership_base(e, CongressKind::delegates), 289);
  EXPECT_EQ(membership_base(e, CongressKind::conference), 293);
}

TEST(ElectionDefinition, NamesMustBeUniqueAfterNfc) {
  // "Bình" written with a combining grave accent (U+0300) equals the precomposed one after NFC.
  const std::string decomposed = "Tra\xCC\x82\xCC\x80n Thi\xCC\xA3 Bi\xCC\x80nh";
  const auto d = expect_error(replace(kValid, R"({ id = "c08", name = "Bùi Thị Hoa" })",
                                      "{ id = \"c08\", name = \"" + decomposed + "\" }"),
                              "duplicate_name", 25);
  EXPECT_THAT(d.message.en, HasSubstr("line 19"));
}

TEST(ElectionDefinition, CandidateIdsMustBeUnique) {
  expect_error(replace(kValid, R"({ id = "c08", name = "Bùi Thị Hoa" })", R"({ id = "c01", name = "Bùi Thị Hoa" })"),
               "duplicate_candidate_id", 25);
}

TEST(ElectionDefinition, PlainStringCandidatesGetIdsByPosition) {
  const std::string toml = replace(kValid, R"({ id = "c08", name = "Bùi Thị Hoa" })", R"("Bùi Thị Hoa")");
  const auto result = parse_election(toml, "test.toml");
  ASSERT_TRUE(result.has_value());
  const auto* c = result->election->contests[0].find_candidate("c08");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Bùi Thị Hoa");
}

TEST(ElectionDefinition, CommitteeSurplusRules) {
  // No surplus on a committee list.
  expect_error(replace(kValid, "seats  = 7", "seats  = 8"), "no_surplus", 12);
  // 30% of 5 seats is 1.5; but 3–5 member bodies allow a surplus of one only.
  expect_error(replace(kValid, "seats  = 7", "seats  = 5"), "small_body_surplus", 12);
  // 8 names for 6 seats: a surplus of 2 is 33% > 30%.
  expect_error(replace(kValid, "seats  = 7", "seats  = 6"), "surplus_too_large", 12);
  // 8 for 7: 14% is within 10–15%, no finding at all.
  const auto ok = parse_election(kValid, "test.toml");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->warnings.empty());
}

TEST(ElectionDefinition, SurplusOutsideGuidanceIsAWarning) {
  std::string names;
  for (int i = 0; i < 23; ++i) names += "  \"Người Số " + std::string(1, static_cast<char>('A' + i)) + "\",\n";
  std::string toml = kValid.substr(0, kValid.find("candidates = ["));
  toml += "candidates = [\n" + names + "]\n";
  // 23 names for 20 seats: 15% is fine; for 21 seats 2 (9.5%) is below the guidance.
  toml = replace(toml, "seats  = 7", "seats  = 21");
  const auto w = expect_warning(toml, "surplus_outside_guidance");
  EXPECT_EQ(w.severity, Severity::warning);
}

TEST(ElectionDefinition, BallotFormFollowsTheSurplus) {
  const std::string single = R"(
[[contest]]
id = "bi-thu"
title = "Bầu Bí thư"
elects = "secretary"
seats = 1
candidates = ["Nguyễn Văn An"]
)";
  const auto result = parse_election(kValid + single, "test.toml");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->election->contests[1].ballot, BallotForm::box);
  expect_warning(kValid + replace(single, "seats = 1", "seats = 1\nballot = \"strike\""), "strike_without_surplus");
}

TEST(ElectionDefinition, LaterStageDrawsOnEarlierWinners) {
  const std::string later = R"(
[[contest]]
id = "btv"
title = "Bầu Ban Thường vụ"
from = "bch"
seats = 3
candidates = ["Nguyễn Văn An", "Trần Thị Bình", "Người Ngoài Danh Sách"]
)";
  expect_error(kValid + later, "not_in_earlier_list", 33);
  expect_error(kValid + replace(later, R"(from = "bch")", R"(from = "dai-bieu")"), "from_unknown", 31);
}

TEST(ElectionDefinition, StateProfileWantsBirthDates) {
  const std::string toml = replace(kValid, R"(kind     = "delegates")", R"(kind     = "delegates"
rules    = "state-na-2015")");
  expect_warning(toml, "missing_birth_date");
}

TEST(ElectionDefinition, EveryProblemIsReportedNotOnlyTheFirst) {
  std::string toml = replace(kValid, "seats  = 7", "seats  = 0");
  toml = replace(toml, R"(kind     = "delegates")", R"(kind     = "nobody")");
  toml = replace(toml, R"(date     = "2025-08-20")", R"(date     = "yesterday")");
  const auto result = parse_election(toml, "test.toml");
  ASSERT_FALSE(result.has_value());
  EXPECT_GE(result.error().size(), 3u);
  // Sorted by line, as a secretary reads the file.
  EXPECT_TRUE(std::is_sorted(result.error().begin(), result.error().end(),
                             [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; }));
}

TEST(ElectionDefinition, InvalidUtf8IsRefused) {
  expect_error(replace(kValid, "Đại hội thử nghiệm", "\xC3\x28"), "invalid_utf8", 0);
}

TEST(ElectionDefinition, UnreadableFileIsNamed) {
  const auto result = load_election_file("/nonexistent/election.toml");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().front().code, "file_unreadable");
  EXPECT_EQ(result.error().front().file, "/nonexistent/election.toml");
}

TEST(ContentHash, IgnoresFormattingButNotContent) {
  const auto a = parse_election(kValid, "a.toml");
  std::string reformatted = replace(kValid, "# line 1", "# another comment\n# and another");
  reformatted = replace(reformatted, "seats  = 7", "seats = 7   # seven");
  // A reformatted file moves lines, but the content is the same.
  const auto b = parse_election(reformatted, "b.toml");
  const auto c = parse_election(replace(kValid, "Hoàng Văn Em", "Hoàng Văn Êm"), "c.toml");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->election->content_hash, b->election->content_hash);
  EXPECT_NE(a->election->content_hash, c->election->content_hash);
}

TEST(ContentHash, ExampleCongressIsValidWithoutWarnings) {
  const auto loaded = load_election_file(test::source_path("sample_ballots/example-congress.toml"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().front().format(Lang::en);
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front().format(Lang::en);
  EXPECT_EQ(loaded->election->contests.size(), 4u);
}

}  // namespace
}  // namespace kp::config

namespace kp::config {
namespace {

// Attacks on the printed list: names that look right and are not.
TEST(NameAttack, ZeroWidthBidiAndControlCharactersAreRefusedWithTheirLine) {
  const auto zero_width = expect_error(replace(kValid, "Trần Thị Bình", "Trần Thị\u200b Bình"), "unseen_character", 19);
  EXPECT_THAT(zero_width.message.en, HasSubstr("U+200B"));
  EXPECT_THAT(zero_width.message.en, HasSubstr("⟨U+200B⟩"));
  EXPECT_THAT(expect_error(replace(kValid, "Lê Văn Cường", "Lê Văn \u202eCường"), "unseen_character", 20).message.en, HasSubstr("U+202E"));
  EXPECT_THAT(expect_error(replace(kValid, "Phạm Thị Dung", "Phạm Thị \u2066Dung\u2069"), "unseen_character", 21).message.en, HasSubstr("U+2066"));
  // TOML refuses a raw control character itself; written as an escape it reaches the definition.
  EXPECT_THAT(expect_error(replace(kValid, "Hoàng Văn Em", "Hoàng Văn \\u001b[2JEm"), "unseen_character", 22).message.en, HasSubstr("U+001B"));
  EXPECT_THAT(expect_error(replace(kValid, "Vũ Thị Giang", "Vũ Thị\u00ad Giang"), "unseen_character", 23).message.en, HasSubstr("U+00AD"));
  expect_error(replace(kValid, "Bầu Ban Chấp hành", "Bầu Ban Chấp hành\\u0007"), "unseen_character", 14);
  expect_error(replace(kValid, "Đại hội thử nghiệm", "Đại hội\u200d thử nghiệm"), "unseen_character", 4);
}

TEST(NameAttack, ALookAlikeInAnotherScriptIsRefusedAsTheSameName) {
  // "Nguyễn Văn Аn" with a Cyrillic А: on paper two rows of one name.
  const auto d = expect_error(replace(kValid, "Trần Thị Bình", "Nguyễn Văn \u0410n"), "confusable_name", 19);
  EXPECT_THAT(d.message.en, HasSubstr("line 18"));
  // Vietnamese names that only look close to a reader who does not read them are different names.
  const auto distinct = parse_election(replace(replace(kValid, "Trần Thị Bình", "Lê Văn Dức"), "Lê Văn Cường", "Lê Văn Đức"), "test.toml");
  EXPECT_TRUE(distinct.has_value()) << (distinct ? "" : distinct.error().front().format(Lang::en));
}

TEST(NameAttack, CheckNeverWritesControlCharactersToTheTerminal) {
  test::ScratchDir dir;
  test::write_file(dir.path() / "bad.toml", replace(kValid, "Hoàng Văn Em", "Hoàng Văn \\u001b[2J\\u0007Em"));
  const auto r = test::run_cli("check " + test::quote_arg((dir.path() / "bad.toml").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.err.find('\x07'), std::string::npos);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_THAT(r.err, HasSubstr("⟨U+001B⟩"));
}

}  // namespace
}  // namespace kp::config
