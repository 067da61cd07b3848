// Ballot layout: every element inside the page, nothing overlapping, targets of a usable size,
// up to 200 names, clear refusals, and layout.json as the contract spells it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/layout.hpp"
#include "config/load.hpp"
#include "test_support.hpp"

namespace kp::config {
namespace {

using ::testing::HasSubstr;

constexpr double kMinTargetMm = 5.0;

std::shared_ptr<Election> election_with(int candidates, int seats, Paper paper, BallotForm form,
                                        const std::string& name_prefix = "Nguyễn Văn Thí Sinh") {
  auto e = std::make_shared<Election>();
  e->id = "layout-test";
  e->congress = "Đại hội đại biểu Đảng bộ Khối Cơ quan tỉnh lần thứ V, nhiệm kỳ 2025–2030";
  e->issuer = "ĐẢNG BỘ KHỐI CƠ QUAN TỈNH";
  Contest c;
  c.id = "bch";
  c.title = "Bầu Ban Chấp hành Đảng bộ khóa V";
  c.seats = seats;
  c.paper = paper;
  c.ballot = form;
  for (int i = 0; i < candidates; ++i) {
    Candidate cand;
    cand.id = "c" + std::to_string(i + 1);
    cand.name = name_prefix + " " + std::to_string(i + 1);
    c.candidates.push_back(cand);
  }
  e->contests.push_back(c);
  return e;
}

// All printed elements of a side, with what they are, for the overlap check.
std::vector<std::pair<std::string, RectMm>> printed_elements(const SideLayout& side) {
  std::vector<std::pair<std::string, RectMm>> out;
  for (std::size_t i = 0; i < side.registration_marks.size(); ++i) out.emplace_back("mark" + std::to_string(i), side.registration_marks[i]);
  if (side.side == Side::front) out.emplace_back("stamp", side.stamp_box);
  out.emplace_back("qr", side.qr_box);
  for (const auto& t : side.texts) out.emplace_back("text:" + t.text, t.box);
  for (const auto& r : side.rows) {
    out.emplace_back("number" + std::to_string(r.number), r.number_cell);
    out.emplace_back("name" + std::to_string(r.number), r.name_cell);
    if (r.agree_cell) out.emplace_back("agree" + std::to_string(r.number), *r.agree_cell);
    if (r.disagree_cell) out.emplace_back("disagree" + std::to_string(r.number), *r.disagree_cell);
  }
  return out;
}

void expect_invariants(const ContestLayout& layout, const Contest& contest) {
  const RectMm page{0, 0, layout.paper_width_mm, layout.paper_height_mm};
  std::size_t rows = 0;
  int expected_number = 1;
  for (const auto& side : layout.sides) {
    const auto elements = printed_elements(side);
    for (const auto& [what, box] : elements) {
      EXPECT_TRUE(page.contains(box)) << what << " leaves the page";
      EXPECT_GT(box.w, 0) << what;
      EXPECT_GT(box.h, 0) << what;
    }
    for (std::size_t i = 0; i < elements.size(); ++i) {
      for (std::size_t j = i + 1; j < elements.size(); ++j) {
        EXPECT_FALSE(elements[i].second.overlaps(elements[j].second))
            << elements[i].first << " overlaps " << elements[j].first << " on the " << to_string(side.side);
      }
    }
    for (const auto& r : side.rows) {
      EXPECT_EQ(r.number, expected_number++);
      EXPECT_TRUE(r.name_cell.contains(r.name_box));
      EXPECT_GE(r.name_box.h, kMinTargetMm);
      if (layout.ballot == BallotForm::box) {
        ASSERT_TRUE(r.agree_box && r.disagree_box);
        EXPECT_GE(r.agree_box->w, kMinTargetMm);
        EXPECT_GE(r.agree_box->h, kMinTargetMm);
        EXPECT_GE(r.disagree_box->w, kMinTargetMm);
        EXPECT_TRUE(r.agree_cell->contains(*r.agree_box));
        EXPECT_FALSE(r.agree_box->overlaps(*r.disagree_box));
      } else {
        EXPECT_FALSE(r.agree_box.has_value());
      }
      // Targets never touch the printed furniture of another row or the marks.
      for (const auto& [what, box] : elements) {
        if (what.rfind("mark", 0) == 0 || what == "qr" || what == "stamp") {
          EXPECT_FALSE(box.overlaps(r.name_box)) << what;
        }
      }
      ++rows;
    }
  }
  EXPECT_EQ(rows, contest.candidates.size());
}

TEST(Layout, ExampleCongressKeepsInvariants) {
  const auto e = test::example_election();
  ASSERT_TRUE(e);
  for (const auto& c : e->contests) {
    const auto layout = compute_layout(*e, c);
    ASSERT_TRUE(layout.has_value()) << layout.error().message.en;
    expect_invariants(*layout, c);
    EXPECT_EQ(layout->sides.size(), 1u);
    EXPECT_EQ(layout->layout_hash.size(), 64u);
  }
}

TEST(Layout, IsAPureFunctionOfTheDefinition) {
  const auto e = election_with(30, 25, Paper::A4, BallotForm::strike);
  const auto a = compute_layout(*e, e->contests[0]);
  const auto b = compute_layout(*e, e->contests[0]);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(layout_json({*a}, 200), layout_json({*b}, 200));
  EXPECT_EQ(a->layout_hash, b->layout_hash);
  // Any change of a name changes the hash the QR code carries.
  auto changed = *e;
  changed.contests[0].candidates[3].name = "Nguyễn Văn Thí Sinh Khác";
  const auto c = compute_layout(changed, changed.contests[0]);
  ASSERT_TRUE(c);
  EXPECT_NE(a->layout_hash, c->layout_hash);
}

struct Capacity {
  Paper paper;
  BallotForm form;
  int names;
  std::size_t sides;
  int columns;
};

class LayoutCapacity : public ::testing::TestWithParam<Capacity> {};

TEST_P(LayoutCapacity, GrowsToColumnsAndBackSide) {
  const Capacity p = GetParam();
  const auto e = election_with(p.names, p.form == BallotForm::box ? p.names : p.names - 1, p.paper, p.form, "Lê Thị Hà");
  const auto layout = compute_layout(*e, e->contests[0]);
  ASSERT_TRUE(layout.has_value()) << layout.error().message.en;
  EXPECT_EQ(layout->sides.size(), p.sides);
  EXPECT_EQ(layout->columns, p.columns);
  expect_invariants(*layout, e->contests[0]);
}

INSTANTIATE_TEST_SUITE_P(Papers, LayoutCapacity,
                         ::testing::Values(Capacity{Paper::A5, BallotForm::strike, 5, 1, 1},
                                           Capacity{Paper::A4, BallotForm::strike, 20, 1, 1},
                                           Capacity{Paper::A4, BallotForm::strike, 40, 1, 2},
                                           Capacity{Paper::A4, BallotForm::strike, 90, 2, 2},
                                           Capacity{Paper::A4, BallotForm::box, 20, 1, 1},
                                           Capacity{Paper::A3, BallotForm::strike, 200, 2, 2},
                                           Capacity{Paper::A3, BallotForm::box, 120, 2, 2},
                                           Capacity{Paper::A5, BallotForm::box, 1, 1, 1}),
                         [](const ::testing::TestParamInfo<Capacity>& param_info) {
                           return std::string(to_string(param_info.param.paper)) + "_" + std::string(to_string(param_info.param.form)) +
                                  "_" + std::to_string(param_info.param.names);
                         });

TEST(Layout, TooManyNamesForThePaperNamesTheContest) {
  const auto e = election_with(150, 140, Paper::A5, BallotForm::strike, "Lê Thị Hà");
  const auto layout = compute_layout(*e, e->contests[0]);
  ASSERT_FALSE(layout.has_value());
  EXPECT_EQ(layout.error().code, "does_not_fit");
  EXPECT_THAT(layout.error().message.en, HasSubstr("Contest bch has 150 names"));
  EXPECT_THAT(layout.error().message.vi, HasSubstr("Cuộc bầu bch có 150 người"));
}

TEST(Layout, NameTooLongForItsCellIsNamed) {
  auto e = election_with(3, 2, Paper::A5, BallotForm::box);
  const std::string long_name = "Công Tằng Tôn Nữ Thị Phương Thảo Nguyên Hạnh Phúc Hoàng Lan";
  e->contests[0].candidates[1].name = long_name;
  const auto layout = compute_layout(*e, e->contests[0]);
  ASSERT_FALSE(layout.has_value());
  EXPECT_THAT(layout.error().message.en, HasSubstr(long_name));
  EXPECT_THAT(layout.error().message.en, HasSubstr("contest bch"));
}

TEST(Layout, TitleTooLongIsRefused) {
  auto e = election_with(3, 2, Paper::A5, BallotForm::strike);
  e->contests[0].title = std::string(200, 'W');
  const auto layout = compute_layout(*e, e->contests[0]);
  ASSERT_FALSE(layout.has_value());
  EXPECT_THAT(layout.error().message.en, HasSubstr("title"));
}

TEST(LayoutJson, HasTheContractShape) {
  const auto layouts = test::example_layouts();
  ASSERT_FALSE(layouts.empty());
  const auto j = nlohmann::json::parse(layout_json(layouts, 200));
  EXPECT_EQ(j["election_id"], "dhdb-khoi-2025");
  ASSERT_EQ(j["contests"].size(), layouts.size());
  const auto& bch = j["contests"][0];
  EXPECT_EQ(bch["contest_id"], "bch");
  EXPECT_EQ(bch["ballot"], "strike");
  EXPECT_EQ(bch["paper_mm"], nlohmann::json::array({210, 297}));
  const auto& side = bch["sides"][0];
  EXPECT_EQ(side["side"], "front");
  EXPECT_EQ(side["png"], "bch-front.png");
  EXPECT_EQ(side["dpi"], 200);
  EXPECT_EQ(side["stamp_box_mm"].size(), 4u);
  const auto& row = side["rows"][0];
  EXPECT_EQ(row["candidate_id"], "c01");
  EXPECT_EQ(row["name"], "Nguyễn Văn An");
  EXPECT_EQ(row["name_box_mm"].size(), 4u);
  EXPECT_TRUE(row["agree_box_mm"].is_null());
  EXPECT_TRUE(row["disagree_box_mm"].is_null());
  const auto& box_row = j["contests"][2]["sides"][0]["rows"][0];
  EXPECT_EQ(j["contests"][2]["ballot"], "box");
  EXPECT_EQ(box_row["agree_box_mm"].size(), 4u);
  EXPECT_EQ(box_row["disagree_box_mm"].size(), 4u);
}

TEST(LayoutJson, RoundTripsTheGeometry) {
  const auto layouts = test::example_layouts();
  const auto parsed = parse_layout_json(layout_json(layouts, 200));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message.en;
  ASSERT_EQ(parsed->size(), layouts.size());
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    EXPECT_EQ((*parsed)[i].layout_hash, layouts[i].layout_hash);
    ASSERT_EQ((*parsed)[i].sides.size(), layouts[i].sides.size());
    const auto& a = (*parsed)[i].sides[0].rows;
    const auto& b = layouts[i].sides[0].rows;
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t r = 0; r < a.size(); ++r) {
      EXPECT_EQ(a[r].candidate_id, b[r].candidate_id);
      EXPECT_NEAR(a[r].name_box.x, b[r].name_box.x, 0.001);
      EXPECT_NEAR(a[r].name_box.y, b[r].name_box.y, 0.001);
    }
  }
  EXPECT_FALSE(parse_layout_json("{\"contests\": 3}").has_value());
}

}  // namespace
}  // namespace kp::config
