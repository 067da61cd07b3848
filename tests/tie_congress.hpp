#pragma once
// A small congress for the round, batch and console tests: seven delegates (D = 7, elected with
// 4), two seats, three names; body "other" has no surplus rule, so three names for two seats is
// a strike ballot. Sheets are stored as recognition would hand them over, without images to read.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp::test {

inline constexpr const char* kTieCongressToml = R"(
[election]
id = "tie-2025"
congress = "Đại hội thử"
issuer = "ĐẢNG BỘ THỬ"
kind = "delegates"
date = "2025-09-01"
[electorate]
convened = 7
[[contest]]
id = "bt"
title = "Bầu Ban Thường vụ"
elects = "other"
seats = 2
candidates = [
  { id = "a", name = "Nguyễn Văn An" },
  { id = "b", name = "Trần Thị Bình" },
  { id = "c", name = "Lê Văn Cường" },
]
)";

struct TieCongress {
  ScratchDir dir;
  std::string path = (dir.path() / "tie.db").string();
  std::optional<tally::CongressDb> db;
  int files = 0;

  TieCongress() {
    auto created = tally::CongressDb::create(path, kTieCongressToml, "tie.toml");
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message.en);
    if (created) db.emplace(std::move(*created));
  }

  // The names the round tests give for the committee's decisions, registered as members (with
  // test::kPin), as `audit verify` requires of every entry that names someone.
  void register_deciders() { register_committee(*db, {"Thư ký", "Ủy viên A", "Ủy viên B", "A", "B"}); }

  [[nodiscard]] tally::RoundRow round(int number) const {
    const auto rounds = db->rounds();
    for (const auto& r : *rounds) {
      if (r.round == number) return r;
    }
    ADD_FAILURE() << "no round " << number;
    return {};
  }

  // One recognised sheet: the names kept, the others struck (or `unclear` left for the
  // committee); the image is a distinct small file.
  tally::IngestOutcome sheet(int round_number, std::uint32_t serial, const std::set<std::string>& kept, std::optional<std::int64_t> batch = {},
                             const std::string& unclear = {}, const std::set<SheetFlag>& findings = {}) {
    const tally::RoundRow r = round(round_number);
    const auto image = dir.path() / ("scan-" + std::to_string(++files) + ".png");
    write_file(image, "scan " + std::to_string(files));
    tally::SheetInput in;
    in.image_name = image.filename().string();
    in.image_path = image.string();
    in.recognised = true;
    in.contest_id = "bt";
    in.serial = serial;
    in.layout_hash = r.layout_hash;
    in.batch_id = batch;
    for (const auto& c : r.contest.candidates) in.marks[c.id] = kept.count(c.id) ? MarkState::kept : MarkState::struck;
    if (!unclear.empty()) in.marks[unclear] = MarkState::unclear;
    in.findings = findings;
    in.recognition = recognition_line(serial, in.marks, findings);
    auto out = db->ingest(in);
    EXPECT_TRUE(out.has_value()) << (out ? "" : out.error().message.en);
    return out ? *out : tally::IngestOutcome{};
  }
};

}  // namespace kp::test
