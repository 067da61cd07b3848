#pragma once
// Internal: the eSCL client, over any HTTP byte transport.
#include <memory>
#include <string>

#include "scanner/internal/http.hpp"
#include "scanner/scanner.hpp"

namespace kp::scanner::internal {

// `host` is the Host header; `base` the eSCL root path ("/eSCL"); `known` holds the id, the
// driver and whatever identity the transport already has (empty fields come from eSCL).
Result<std::unique_ptr<ScanSession>> open_escl_over(StreamFactory streams, const std::string& host, const std::string& base, DeviceInfo known);
// The ScanSettings document posted to ScanJobs.
std::string escl_scan_settings_xml(const ScanSettings& settings, bool platen_only);
// "http://host:port[/eSCL]".
Result<std::unique_ptr<ScanSession>> open_escl(const std::string& url);

}  // namespace kp::scanner::internal
