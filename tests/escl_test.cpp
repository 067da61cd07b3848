// The eSCL driver against a local eSCL scanner: duplex batches, busy answers, a jam, a double
// feed, an open hatch, a connection dropped inside a page; and the local scanner itself read by
// an independent client (sane-backends' escl backend through scanimage).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "escl_server.hpp"
#include "scanner/scanner.hpp"
#include "scanner_support.hpp"
#include "test_support.hpp"

namespace kp::scanner {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

std::vector<std::string> deck_pages(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 1; out.size() < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/%04zu-front.jpg", i);
    const std::string path = test::source_path("sample_ballots/deck") + name;
    if (std::filesystem::exists(path)) out.push_back(test::read_file(path));
  }
  return out;
}

using test::drain;
using test::only;

std::unique_ptr<ScanSession> open(const test::EsclServer& server, Source source = Source::adf_duplex) {
  auto s = open_source("escl:" + server.url(), {});
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message.en);
  if (!s) return nullptr;
  ScanSettings wanted;
  wanted.source = source;
  EXPECT_TRUE((*s)->apply(wanted).has_value());
  return std::move(*s);
}

TEST(Escl, ADuplexBatchGivesWholeSheetsAndItsCapabilities) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(4);
  const test::EsclServer server(scenario);
  auto s = open(server);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->device().vendor, "Kiemphieu");
  EXPECT_EQ(s->device().serial, "TEST-0001");
  EXPECT_TRUE(s->device().capabilities.duplex);
  EXPECT_THAT(s->device().capabilities.resolutions_dpi, Contains(200));
  EXPECT_THAT(s->device().capabilities.paper_sizes, Contains("A4"));
  const auto events = drain(*s);
  const auto sheets = only<Sheet>(events);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].front.bytes, scenario.pages[0]);
  ASSERT_TRUE(sheets[0].back.has_value());
  EXPECT_EQ(sheets[0].back->bytes, scenario.pages[1]);
  EXPECT_EQ(sheets[1].back->bytes, scenario.pages[3]);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::hopper_empty);
  const auto requests = server.requests();
  EXPECT_THAT(requests, Contains(HasSubstr("POST /eSCL/ScanJobs Host: 127.0.0.1:" + std::to_string(server.port()))));
  EXPECT_THAT(requests, Contains(HasSubstr("GET /eSCL/ScanJobs/job-1/NextDocument")));
}

TEST(Escl, BusyAnswersAreWaitedFor) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(2);
  scenario.busy_before_job = 2;
  scenario.busy_before_each_page = 1;
  const test::EsclServer server(scenario);
  auto s = open(server, Source::adf_front);
  ASSERT_TRUE(s);
  const auto events = drain(*s);
  EXPECT_EQ(only<Sheet>(events).size(), 2u);
  EXPECT_TRUE(only<Fault>(events).empty());
}

TEST(Escl, AWarmingLampIsSaidOnce) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(1);
  scenario.warming_up = 3;
  const test::EsclServer server(scenario);
  auto s = open(server, Source::adf_front);
  ASSERT_TRUE(s);
  const auto events = drain(*s);
  const auto statuses = only<Status>(events);
  EXPECT_EQ(std::count_if(statuses.begin(), statuses.end(), [](const Status& st) { return st.kind == StatusKind::warming_up; }), 1);
  EXPECT_EQ(only<Sheet>(events).size(), 1u);
}

class EsclStops : public ::testing::TestWithParam<std::pair<const char*, FaultKind>> {};

TEST_P(EsclStops, AreTypedFromTheAdfState) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(6);
  scenario.stop_after = 2;  // sheet 1 delivered, the feeder stops at sheet 2
  scenario.adf_state_at_stop = GetParam().first;
  const test::EsclServer server(scenario);
  auto s = open(server);
  ASSERT_TRUE(s);
  const auto events = drain(*s);
  EXPECT_EQ(only<Sheet>(events).size(), 1u);
  const auto faults = only<Fault>(events);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, GetParam().second);
  EXPECT_EQ(faults[0].sheet, 2);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::fault);
}

INSTANTIATE_TEST_SUITE_P(Adf, EsclStops,
                         ::testing::Values(std::pair{"ScannerAdfJam", FaultKind::paper_jam},
                                           std::pair{"ScannerAdfMultipickDetected", FaultKind::double_feed},
                                           std::pair{"ScannerAdfHatchOpen", FaultKind::cover_open}));

TEST(Escl, ADroppedConnectionLosesOnlyTheSheetItWasIn) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(6);
  scenario.drop_on_page = 2;  // the front of sheet 2
  const test::EsclServer server(scenario);
  auto s = open(server);
  ASSERT_TRUE(s);
  const auto events = drain(*s);
  EXPECT_EQ(only<Sheet>(events).size(), 1u);
  const auto faults = only<Fault>(events);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, FaultKind::protocol_error);
  EXPECT_EQ(faults[0].sheet, 2);
  EXPECT_FALSE(faults[0].images_trusted);
  EXPECT_EQ(std::get<BatchEnded>(events.back()).reason, BatchEnd::device_lost);
}

TEST(Escl, AScannerThatStaysBusyIsSaidSo) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(1);
  scenario.busy_before_job = 1000;
  const test::EsclServer server(scenario);
  auto s = open(server);
  ASSERT_TRUE(s);
  const auto faults = only<Fault>(drain(*s));
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].kind, FaultKind::device_busy);
  EXPECT_EQ(open_source("escl:http://127.0.0.1:1/eSCL", {}).error().code, "device_unplugged");
}

// The local scanner is a real eSCL scanner to an independent client: sane-backends' escl
// backend, through scanimage, opens it by address, posts a job and reads the page. (Its device
// list needs a running avahi-daemon even for configured addresses, so the test opens by name.)
TEST(Escl, TheLocalScannerServesAnIndependentClient) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(1);
  const test::EsclServer server(scenario);
  const test::ScratchDir config;
  test::write_file(config.path() / "dll.conf", "escl\n");
  test::write_file(config.path() / "escl.conf", "device http://127.0.0.1:" + std::to_string(server.port()) + " \"Kiemphieu Test\"\n");
  const std::string env = "SANE_CONFIG_DIR=" + test::quote_arg(config.path().string()) + " ";
  const auto out = (config.path() / "page.pnm").string();
  const auto scanned = test::run_command(env + "scanimage -d " + test::quote_arg("escl:http://127.0.0.1:" + std::to_string(server.port())) +
                                         " --format=pnm -o " + test::quote_arg(out));
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  EXPECT_EQ(test::read_file(out).substr(0, 2), "P6");
  EXPECT_THAT(server.requests(), Contains(HasSubstr("POST /eSCL/ScanJobs")));
  EXPECT_THAT(server.requests(), Contains(HasSubstr("/NextDocument")));
}

// And by sane-airscan, the eSCL/WSD client most desktops use: configured by address with
// discovery off, it lists the scanner and scans a feeder page from it (in gray: the local
// scanner serves the deck's pages as they are, and airscan checks the mode it asked for).
TEST(Escl, TheLocalScannerServesSaneAirscan) {
  test::EsclScenario scenario;
  scenario.pages = deck_pages(4);  // airscan asks for the next page ahead, and may ask again after a slow answer
  const test::EsclServer server(scenario);
  const test::ScratchDir config;
  test::write_file(config.path() / "dll.conf", "airscan\n");
  test::write_file(config.path() / "airscan.conf",
                   "[devices]\n\"Kiemphieu Test\" = " + server.url() + ", eSCL\n[options]\ndiscovery = disable\n");
  const std::string env = "SANE_CONFIG_DIR=" + test::quote_arg(config.path().string()) + " ";
  const auto listed = test::run_command(env + "scanimage -L");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto start = listed.out.find("`airscan:");
  ASSERT_NE(start, std::string::npos) << listed.out;
  const std::string device = listed.out.substr(start + 1, listed.out.find('\'', start) - start - 1);
  EXPECT_THAT(device, HasSubstr("Kiemphieu Test"));
  const auto out = (config.path() / "page.pnm").string();
  const auto scanned = test::run_command(env + "scanimage -d " + test::quote_arg(device) + " --source ADF --mode Gray --resolution 200 --format=pnm -o " +
                                         test::quote_arg(out));
  std::string requests;
  for (const auto& r : server.requests()) requests += r + "\n";
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err << "requests the local scanner saw:\n" << requests;
  EXPECT_EQ(test::read_file(out).substr(0, 1), "P");
  EXPECT_THAT(server.requests(), Contains(HasSubstr("POST /eSCL/ScanJobs")));
  EXPECT_THAT(server.requests(), Contains(HasSubstr("/NextDocument")));
}

}  // namespace
}  // namespace kp::scanner
