#pragma once
// Internal: the drivers behind open_source() and discover_devices().
#include <memory>
#include <string>
#include <vector>

#include "common/files.hpp"
#include "scanner/scanner.hpp"

namespace kp::scanner::internal {

Result<std::unique_ptr<ScanSession>> open_simulated(const std::string& dir, const SimulatedOptions& options);
Capabilities simulated_capabilities();

Result<std::unique_ptr<ScanSession>> open_folder(const std::string& dir, const FolderOptions& options);
Capabilities folder_capabilities();

Result<std::unique_ptr<ScanSession>> open_sane(const std::string& device, const std::string& worker_program);
Result<std::vector<DeviceInfo>> discover_sane(const std::string& worker_program);

Result<std::unique_ptr<ScanSession>> open_usb(const std::string& spec);
Result<std::vector<DeviceInfo>> discover_usb();
// The serial number the kernel read from a USB device, by bus and address ("" when none).
std::string usb_serial(int bus, int address);

// Image files a scanner's software writes; anything else in a folder is ignored.
bool is_image_file(const std::string& name);
// "0001-front.jpg" → {"0001", front}; "x_back.png" → {"x", back}; other names: not a side name.
struct SideName {
  std::string sheet;
  bool back = false;
};
std::optional<SideName> side_name(const std::string& file_name);

}  // namespace kp::scanner::internal
