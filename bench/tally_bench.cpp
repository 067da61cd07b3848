// The tally of 10,000 ballots of 200 names (goal: under one second), ingestion into the
// congress database in batch mode beside a plain SQLite insert of the same rows (goal: ≥ 2,000
// sheets/s), and audit verify of 10,000 sheets (goal: under 5 s); printed by kp_bench.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include "common/digest.hpp"
#include "sample_ballots/example_congress.hpp"
#include "tally/congress_db.hpp"
#include "tally/rules.hpp"
#include "ui/results_view.hpp"

namespace {

namespace fs = std::filesystem;

struct TallyFixture {
  kp::config::Election election;
  std::vector<kp::tally::BallotRecord> ballots;
  TallyFixture() {
    election.id = "bench";
    election.kind = kp::config::CongressKind::conference;
    election.electorate.convened = 10000;
    kp::config::Contest contest;
    contest.id = "k";
    contest.seats = 180;
    for (int i = 0; i < 200; ++i) contest.candidates.push_back({"c" + std::to_string(i), "Name " + std::to_string(i), "", "", "", {}, i + 1, 0});
    election.contests.push_back(contest);
    std::mt19937_64 rng(1);
    for (int b = 0; b < 10000; ++b) {
      kp::tally::BallotRecord record;
      record.contest_id = "k";
      for (const auto& c : contest.candidates) record.marks[c.id] = rng() % 10 == 0 ? kp::MarkState::struck : kp::MarkState::kept;
      ballots.push_back(std::move(record));
    }
  }
};

void BM_Tally_10000Ballots_200Names(benchmark::State& state) {
  static const TallyFixture f;
  const auto rules = kp::tally::settings_for(kp::config::RuleProfile::party_190);
  for (auto _ : state) benchmark::DoNotOptimize(kp::tally::count(f.election, f.election.contests[0], f.ballots, 10000, rules));
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_Tally_10000Ballots_200Names)->Unit(benchmark::kMillisecond);

// Ingestion and audit on the congress database. The sheets carry a recognition line of the
// size `recognize` writes for a ten-name ballot; image files are small placeholders so the
// figures are the database's (hashing a real 300 KB scan is measured apart, as SHA-256 MB/s,
// so the cost for real images can be added).
struct CongressFixture {
  fs::path dir = fs::temp_directory_path() / ("kp-bench-db-" + std::to_string(::getpid()));
  std::string toml;
  std::string recognition_line;
  std::uint32_t next_serial = 1;

  CongressFixture() {
    fs::create_directories(dir);
    toml = std::string(kp::sample::kExampleCongressToml);
    recognition_line = std::string(1800, 'r');
  }
  ~CongressFixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  CongressFixture(const CongressFixture&) = delete;
  CongressFixture& operator=(const CongressFixture&) = delete;

  // `count` recorded sheets of the first contest, each with its own small image file.
  std::vector<kp::tally::SheetInput> sheets(const kp::tally::CongressDb& db, int count) {
    const auto rounds = db.rounds();
    const auto& round = rounds->front();
    std::vector<kp::tally::SheetInput> out;
    for (int i = 0; i < count; ++i) {
      kp::tally::SheetInput in;
      const std::uint32_t serial = next_serial++;
      in.image_path = (dir / ("scan-" + std::to_string(serial) + ".png")).string();
      std::ofstream(in.image_path, std::ios::binary) << "placeholder scan " << serial << std::string(4000, 'x');
      in.image_name = in.image_path;
      in.recognition = recognition_line;
      in.recognised = true;
      in.contest_id = round.contest_id;
      in.serial = serial;
      in.layout_hash = round.layout_hash;
      for (const auto& c : round.contest.candidates) in.marks[c.id] = serial % 3 == 0 ? kp::MarkState::struck : kp::MarkState::kept;
      out.push_back(std::move(in));
    }
    return out;
  }

  kp::tally::CongressDb fresh_db(const std::string& name) const {
    const auto path = (dir / name).string();
    for (const auto& suffix : {"", "-wal", "-shm", ".key"}) fs::remove(path + suffix);
    fs::remove_all(path + ".images");
    return std::move(*kp::tally::CongressDb::create(path, toml, "example-congress.toml"));
  }
};

CongressFixture& congress_fixture() {
  static CongressFixture f;
  return f;
}

// Batch mode: state.range(0) sheets per durable commit.
void BM_Ingest_BatchMode(benchmark::State& state) {
  auto& f = congress_fixture();
  auto db = f.fresh_db("ingest.db");
  const int per_batch = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    const auto inputs = f.sheets(db, per_batch);
    state.ResumeTiming();
    const auto out = db.ingest_batch(inputs);
    if (!out) state.SkipWithError(out.error().message.en.c_str());
  }
  state.SetItemsProcessed(state.iterations() * per_batch);
}
BENCHMARK(BM_Ingest_BatchMode)->Arg(1)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same rows into a plain SQLite table, WAL and synchronous=FULL, one transaction per
// batch: no image files, no audit chain, no signatures. The floor the database work sits on.
void BM_PlainSqliteInsert(benchmark::State& state) {
  auto& f = congress_fixture();
  const auto path = (f.dir / "plain.db").string();
  fs::remove(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE sheets(id INTEGER PRIMARY KEY, image_name TEXT, image_sha256 TEXT "
               "UNIQUE, stored_file TEXT, contest_id TEXT, side TEXT, serial INTEGER, status TEXT, wait_reasons TEXT, recognition TEXT, marks TEXT, "
               "flags TEXT, round INTEGER, batch_id INTEGER)",
               nullptr, nullptr, nullptr);
  const int per_batch = static_cast<int>(state.range(0));
  std::int64_t n = 0;
  for (auto _ : state) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO sheets VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &stmt, nullptr);
    for (int i = 0; i < per_batch; ++i, ++n) {
      const std::string name = "scan-" + std::to_string(n) + ".png", sha = kp::sha256_hex(name);
      sqlite3_bind_text(stmt, 1, name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 2, sha.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 3, sha.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 4, "bch", -1, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 5, "front", -1, SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 6, n);
      sqlite3_bind_text(stmt, 7, "counted", -1, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 8, "[]", -1, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 9, f.recognition_line.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 10, "{\"c01\":\"kept\"}", -1, SQLITE_STATIC);
      sqlite3_bind_text(stmt, 11, "[]", -1, SQLITE_STATIC);
      sqlite3_bind_int64(stmt, 12, 1);
      sqlite3_bind_int64(stmt, 13, 1);
      sqlite3_step(stmt);
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * per_batch);
}
BENCHMARK(BM_PlainSqliteInsert)->Arg(1)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond)->UseRealTime();

// audit verify over a database of state.range(0) sheets (goal: 10,000 in under 5 s).
void BM_AuditVerify(benchmark::State& state) {
  auto& f = congress_fixture();
  const std::string name = "verify-" + std::to_string(state.range(0)) + ".db";
  {
    auto db = f.fresh_db(name);
    for (std::int64_t done = 0; done < state.range(0); done += 500) {
      const auto out = db.ingest_batch(f.sheets(db, static_cast<int>(std::min<std::int64_t>(500, state.range(0) - done))));
      if (!out) state.SkipWithError(out.error().message.en.c_str());
    }
  }
  auto db = kp::tally::CongressDb::open((f.dir / name).string());
  for (auto _ : state) {
    const auto problems = db->verify();
    if (!problems.empty()) state.SkipWithError(problems.front().what.c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// SHA-256 of a 300 KB buffer, the size of a 200 dpi gray JPEG side: what each real image adds
// to ingestion and to audit verify.
void BM_Sha256_300KB(benchmark::State& state) {
  const std::string bytes(300 * 1024, 'j');
  for (auto _ : state) benchmark::DoNotOptimize(kp::sha256_hex(bytes));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_Sha256_300KB)->Unit(benchmark::kMicrosecond);

}  // namespace

// What the live results screen does after a sheet is counted: notice the new audit entry,
// recount and rebuild the view, over a congress of state.range(0) sheets. The screen polls every
// 100 ms, so a sheet is on screen within 100 ms plus this (goal: 200 ms).
void BM_ResultsRefresh(benchmark::State& state) {
  auto& f = congress_fixture();
  auto db = f.fresh_db("screen.db");
  for (std::int64_t done = 0; done < state.range(0); done += 500) {
    const auto out = db.ingest_batch(f.sheets(db, static_cast<int>(std::min<std::int64_t>(500, state.range(0) - done))));
    if (!out) state.SkipWithError(out.error().message.en.c_str());
  }
  for (auto _ : state) {
    state.PauseTiming();
    const auto one = db.ingest_batch(f.sheets(db, 1));  // the sheet just counted
    state.ResumeTiming();
    benchmark::DoNotOptimize(db.last_event());
    const auto summary = db.count();
    if (!summary) state.SkipWithError(summary.error().message.en.c_str());
    benchmark::DoNotOptimize(kp::ui::build_results_view(db.election(), *summary, kp::Lang::vi));
  }
}
BENCHMARK(BM_ResultsRefresh)->Arg(2000)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Registered from main so the smoke test can verify a small database.
void register_audit_verify_benchmark(int sheets) {
  benchmark::RegisterBenchmark("BM_AuditVerify", BM_AuditVerify)->Arg(sheets)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
}
