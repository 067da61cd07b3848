// USB with unmodified libusb: umockdev presents an IPP-over-USB scanner (an interface of class
// 7/1/4 with two bulk endpoints) and replays its side of the HTTP exchanges on those endpoints;
// `kiemphieu devices` finds it with its identity and capabilities, and `kiemphieu scan` takes a
// page from it into a congress database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <umockdev.h>

#include "escl_server.hpp"
#include "scanner/internal/escl.hpp"
#include "scanner/internal/http.hpp"
#include "tally/congress_db.hpp"
#include "test_support.hpp"

namespace kp::scanner {
namespace {

using ::testing::HasSubstr;

// Device (18 bytes) and configuration (32 bytes) descriptors: vendor 04f9, product 0999, one
// interface 0 of class 7/1/4 with bulk OUT 0x02 and bulk IN 0x81.
constexpr const char* kDescriptors =
    "1201000200000040F9049909000101020301"
    "09022000010100C001"
    "090400000207010400"
    "07050202000200"
    "07058102000200";

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string http_response(int status, const std::string& reason, const std::string& type, const std::string& body, const std::string& extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}

// The device's side, in order: each request as one bulk OUT transfer, each response in bulk IN
// pieces of 16 KiB (what the driver asks for each time).
class UsbScript {
 public:
  void exchange(const std::string& request, const std::string& response) {
    lines_ += "USBDEVFS_REAPURBNDELAY 0 3 2 0 0 " + std::to_string(request.size()) + " " + std::to_string(request.size()) + " 0 " + hex(request) + "\n";
    for (std::size_t at = 0; at < response.size(); at += 16384) {
      const std::string piece = response.substr(at, 16384);
      lines_ += "USBDEVFS_REAPURBNDELAY 0 3 129 0 0 16384 " + std::to_string(piece.size()) + " 0 " + hex(piece) + "\n";
    }
  }
  [[nodiscard]] std::string text() const { return "@DEV /dev/bus/usb/001/007 (usbdevfs)\n" + lines_; }

 private:
  std::string lines_;
};

struct MockScanner {
  test::ScratchDir dir;
  std::string device = (dir.path() / "scanner.umockdev").string();
  std::string ioctl = (dir.path() / "scanner.ioctl").string();

  explicit MockScanner(const UsbScript& script) {
    test::write_file(device, std::string("P: /devices/pci0000:00/0000:00:14.0/usb1/1-3\n") + "N: bus/usb/001/007=" + kDescriptors +
                                 "\nE: DEVNAME=/dev/bus/usb/001/007\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: PRODUCT=4f9/999/100\nE: TYPE=0/0/0\n"
                                 "E: BUSNUM=001\nE: DEVNUM=007\nE: MAJOR=189\nE: MINOR=6\nE: SUBSYSTEM=usb\nE: ID_USB_INTERFACES=:070104:\n"
                                 "A: busnum=1\nA: devnum=7\nH: descriptors=" + kDescriptors +
                                 "\nA: idVendor=04f9\nA: idProduct=0999\nA: manufacturer=Kiemphieu\nA: product=Test IPP-USB Scanner\n"
                                 "A: serial=USB-0001\nA: speed=480\nA: bConfigurationValue=1\nA: bNumConfigurations=1\nA: bNumInterfaces= 1\n");
    test::write_file(ioctl, script.text());
    test::write_file(dir.path() / "dll.conf", "");  // no SANE backends in these runs
  }

  // The program under umockdev, with only this device on its (mocked) USB bus.
  [[nodiscard]] test::CommandResult run(const std::string& arguments) const {
    return test::run_command("SANE_CONFIG_DIR=" + test::quote_arg(dir.path().string()) + " timeout 60 umockdev-run --device " + test::quote_arg(device) +
                             " --ioctl /dev/bus/usb/001/007=" + test::quote_arg(ioctl) + " -- " + test::quote_arg(KP_CLI_PATH) + " " + arguments);
  }
};

std::string request(const std::string& method, const std::string& path, const std::string& body = {}) {
  return internal::http_request_bytes("localhost", method, path, body.empty() ? "" : "text/xml", body);
}

TEST(UsbScanner, DevicesListsItsIdentityAndCapabilities) {
  UsbScript script;
  script.exchange(request("GET", "/eSCL/ScannerCapabilities"), http_response(200, "OK", "text/xml", test::escl_capabilities_xml(false)));
  const MockScanner scanner(script);
  const auto r = scanner.run("devices");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::optional<nlohmann::json> usb;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["driver"] == "usb") usb = j;
  }
  ASSERT_TRUE(usb.has_value()) << r.out;
  EXPECT_EQ((*usb)["id"], "usb:04f9:0999");
  EXPECT_EQ((*usb)["vendor"], "Kiemphieu");
  EXPECT_EQ((*usb)["model"], "Test IPP-USB Scanner");
  EXPECT_EQ((*usb)["serial"], "USB-0001");
  EXPECT_EQ((*usb)["duplex"], false);
  EXPECT_THAT((*usb)["resolutions_dpi"].dump(), HasSubstr("200"));
}

TEST(UsbScanner, ScanTakesAPageOverIppUsbIntoTheCongress) {
  const std::string page = test::read_file(test::source_path("sample_ballots/deck/0001-front.jpg"));
  ScanSettings settings;
  settings.source = Source::adf_front;  // the mock has no duplex feeder: the driver falls back to simplex
  UsbScript script;
  script.exchange(request("GET", "/eSCL/ScannerCapabilities"), http_response(200, "OK", "text/xml", test::escl_capabilities_xml(false)));
  script.exchange(request("POST", "/eSCL/ScanJobs", internal::escl_scan_settings_xml(settings, false)),
                  http_response(201, "Created", "text/xml", "", "Location: /eSCL/ScanJobs/1\r\n"));
  script.exchange(request("GET", "/eSCL/ScanJobs/1/NextDocument"), http_response(200, "OK", "image/jpeg", page));
  script.exchange(request("GET", "/eSCL/ScanJobs/1/NextDocument"), http_response(404, "Not Found", "text/xml", ""));
  script.exchange(request("GET", "/eSCL/ScannerStatus"),
                  http_response(200, "OK", "text/xml", "<scan:ScannerStatus><pwg:State>Idle</pwg:State><scan:AdfState>ScannerAdfEmpty</scan:AdfState></scan:ScannerStatus>"));
  const MockScanner scanner(script);
  // (umockdev-run takes ASCII arguments only; the names in the database are tested elsewhere.)
  const std::string db = (scanner.dir.path() / "dh.db").string();
  ASSERT_EQ(test::run_cli("init " + test::quote_arg(db) + " " + test::quote_arg(test::source_path("sample_ballots/example-congress.toml"))).exit_code, 0);
  const auto r = scanner.run("scan " + test::quote_arg(db) + " --source usb:04f9:0999 --operator 'Nguoi quet'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.err, HasSubstr("Test IPP-USB Scanner (serial USB-0001) via usb"));
  EXPECT_THAT(r.out, HasSubstr("\"end\":\"hopper_empty\""));
  auto opened = tally::CongressDb::open(db);
  ASSERT_TRUE(opened.has_value());
  const auto sheets = *opened->sheets();
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].contest_id, "bch");
  EXPECT_TRUE(opened->verify().empty());
}

// Hotplug: the same scanner plugged in and pulled out of a umockdev testbed while a watcher
// runs. umockdev must be preloaded before the program starts, so the outer test runs this
// binary again under umockdev-wrapper with only the inner test selected.
TEST(UsbHotplug, ArrivalAndDepartureAreReported) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  ASSERT_FALSE(ec);
  const auto r = test::run_command("timeout 60 umockdev-wrapper " + test::quote_arg(self.string()) +
                                   " --gtest_also_run_disabled_tests --gtest_filter=UsbHotplug.DISABLED_InsideTestbed");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 1 test"));
}

TEST(UsbHotplug, DISABLED_InsideTestbed) {
  const char* preload = std::getenv("LD_PRELOAD");
  ASSERT_TRUE(preload != nullptr && std::string(preload).find("libumockdev-preload") != std::string::npos) << "run under umockdev-wrapper";
  UMockdevTestbed* testbed = umockdev_testbed_new();
  auto watcher = watch_usb_devices();
  ASSERT_TRUE(watcher.has_value()) << watcher.error().message.en;
  const MockScanner files(UsbScript{});
  GError* error = nullptr;
  ASSERT_TRUE(umockdev_testbed_add_from_file(testbed, files.device.c_str(), &error)) << (error != nullptr ? error->message : "");
  const char* syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3";
  umockdev_testbed_uevent(testbed, syspath, "add");
  std::optional<ScanEvent> arrived;
  for (int i = 0; i < 50 && !arrived; ++i) arrived = (*watcher)->next(std::chrono::milliseconds(100));
  ASSERT_TRUE(arrived.has_value());
  ASSERT_TRUE(std::holds_alternative<DeviceArrived>(*arrived));
  const DeviceInfo& d = std::get<DeviceArrived>(*arrived).device;
  EXPECT_EQ(d.id, "usb:04f9:0999");
  EXPECT_EQ(d.serial, "USB-0001");
  EXPECT_EQ(d.model, "Test IPP-USB Scanner");
  umockdev_testbed_uevent(testbed, syspath, "remove");
  umockdev_testbed_remove_device(testbed, syspath);
  std::optional<ScanEvent> left;
  for (int i = 0; i < 50 && !left; ++i) left = (*watcher)->next(std::chrono::milliseconds(100));
  ASSERT_TRUE(left.has_value());
  ASSERT_TRUE(std::holds_alternative<DeviceLeft>(*left));
  EXPECT_EQ(std::get<DeviceLeft>(*left).device_id, "usb:04f9:0999");
  watcher->reset();
  g_object_unref(testbed);
}

}  // namespace
}  // namespace kp::scanner
