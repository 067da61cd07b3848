#pragma once
// Internal: the per-model quirks file (scanner-quirks.toml).
#include <optional>
#include <string>
#include <vector>

namespace kp::scanner::internal {

struct Quirks {
  struct SaneBackend {
    std::string name;
    std::string double_feed_sensor;
  };
  struct UsbVendor {
    std::string vendor_id;
    std::string maker;
  };
  std::vector<SaneBackend> sane_backends;
  std::vector<UsbVendor> usb;

  // The backend of a SANE device name ("fujitsu:libusb:001:007" → "fujitsu").
  [[nodiscard]] const SaneBackend* for_sane_device(const std::string& device) const;
};

// The built-in file, or the one KIEMPHIEU_SCANNER_QUIRKS names; a file that does not parse is
// reported on stderr and the built-in one used.
const Quirks& quirks();
Quirks parse_quirks(const std::string& toml_text, std::string& error);

}  // namespace kp::scanner::internal
