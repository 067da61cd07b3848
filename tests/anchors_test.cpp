// What paper anchors catch: the definition and the key are in the chain's first entry, and an
// auditor who brings the key fingerprint from the minutes (--expect-key) and a log head printed on
// a record (--expect-head) finds a swapped key, a rolled-back database and a cut log. Each test is
// an attack on a copy of a counted congress.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp::tally {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Counted {
  test::ScratchDir dir;
  std::string db = (dir.path() / "dh.db").string();
  std::string toml = test::source_path("sample_ballots/example-congress.toml");
  Counted() {
    EXPECT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(toml)).exit_code, 0);
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(test::source_path("sample_ballots/deck"))) {
      if (e.path().extension() == ".jpg" && files.size() < 4) files.push_back(e.path().string());
    }
    std::string args;
    for (const auto& f : files) args += " " + test::quote_arg(f);
    EXPECT_EQ(test::run_cli("ingest " + test::quote_arg(db) + args).exit_code, 0);
  }
  [[nodiscard]] test::CommandResult verify(const std::string& options = "") const {
    return test::run_cli("audit verify " + test::quote_arg(db) + " " + options);
  }
  [[nodiscard]] std::string head() const { return *CongressDb::open(db)->head(); }
  [[nodiscard]] std::string key() const { return CongressDb::open(db)->key_fingerprint(); }
};

TEST(Anchors, TheDefinitionEditedInTheDatabaseIsFound) {
  const Counted c;
  ASSERT_EQ(c.verify().exit_code, 0);
  // D moved from 148 to 10 by editing the stored definition: every threshold changes.
  EXPECT_EQ(test::exec_sql(c.db, "UPDATE meta SET value = replace(value, 'convened = 150', 'convened = 12') WHERE key = 'election_toml'"), "");
  const auto r = c.verify();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("is not the one the congress was created with"));
}

TEST(Anchors, TwoCandidatesSwappedInTheStoredDefinitionAreFound) {
  const Counted c;
  EXPECT_EQ(test::exec_sql(c.db, "UPDATE meta SET value = replace(replace(replace(value, 'Nguyễn Văn An', '@@'), 'Trần Thị Bình', 'Nguyễn Văn An'), '@@', "
                                 "'Trần Thị Bình') WHERE key = 'election_toml'"),
            "");
  EXPECT_THAT(c.verify().out, HasSubstr("is not the one the congress was created with"));
}

TEST(Anchors, AKeyStoredInPlaceOfTheStationsIsFound) {
  const Counted c;
  const Counted other;  // another database of the same definition: another key
  EXPECT_EQ(test::exec_sql(c.db, "ATTACH '" + other.db + "' AS o; UPDATE meta SET value = (SELECT value FROM o.meta WHERE key = 'public_key') WHERE key = 'public_key'"), "");
  const auto r = c.verify();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("is not the one the first entry names"));
}

TEST(Anchors, AWholeDatabaseMadeAgainWithAnotherKeyIsCaughtOnlyByTheMinutes) {
  // Someone with the station makes a new congress of the same definition and re-enters a count
  // of their choosing: its own chain holds, signed by its own key. The fingerprint read into the
  // minutes at set-up is what catches it.
  const Counted real;
  const Counted forged;
  EXPECT_EQ(forged.verify().exit_code, 0);
  const auto r = forged.verify("--expect-key " + real.key());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("is not the one read into the minutes"));
  EXPECT_EQ(real.verify("--expect-key " + real.key()).exit_code, 0);
}

TEST(Anchors, ARolledBackDatabaseIsCaughtByTheHeadOnPaper) {
  const Counted c;
  const fs::path copy = c.dir.path() / "before.db";
  fs::copy_file(c.db, copy);
  test::register_committee(c.db, {"Nguyễn Văn An"});
  ASSERT_EQ(test::run_cli_with_input("issued " + test::quote_arg(c.db) + " bch 148 --by 'Nguyễn Văn An'", test::pins(1)).exit_code, 0);
  // The record written now prints the head; then the database is put back to the earlier copy.
  const fs::path record = c.dir.path() / "record";
  ASSERT_EQ(test::run_cli("report " + test::quote_arg(c.db) + " --out " + test::quote_arg(record.string())).exit_code, 0);
  const std::string head = c.head();
  const auto text = test::run_command("pdftotext " + test::quote_arg((record / "bch-bien-ban.pdf").string()) + " -");
  EXPECT_THAT(text.out, HasSubstr(head.substr(0, head.find(':') + 20)));
  fs::copy_file(copy, c.db, fs::copy_options::overwrite_existing);
  EXPECT_EQ(c.verify().exit_code, 0);  // the earlier copy is a consistent database of its own
  const auto r = c.verify("--expect-head " + head);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("rolled back, cut or rewritten"));
}

TEST(Anchors, ACutLogTailIsCaughtByTheHeadOnPaper) {
  const Counted c;
  const std::string head = c.head();
  EXPECT_EQ(c.verify("--expect-head " + head).exit_code, 0);
  // The last entry (the batch's end) removed: what remains is still a valid chain.
  EXPECT_EQ(test::exec_sql(c.db, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"), "");
  const auto r = c.verify("--expect-head " + head);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("no longer holds entry"));
  // The head is also printed by `results`, as JSON and as text.
  const auto results = test::run_cli("results --json " + test::quote_arg(c.db));
  EXPECT_THAT(results.out, HasSubstr("\"log_head\":\""));
}

}  // namespace
}  // namespace kp::tally
