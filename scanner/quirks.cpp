#include "scanner/internal/quirks.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <toml++/toml.h>

#include "common/files.hpp"
#include "scanner/generated/quirks.hpp"

namespace kp::scanner::internal {

const Quirks::SaneBackend* Quirks::for_sane_device(const std::string& device) const {
  const std::string backend = device.substr(0, device.find(':'));
  for (const auto& b : sane_backends) {
    if (b.name == backend) return &b;
  }
  return nullptr;
}

Quirks parse_quirks(const std::string& toml_text, std::string& error) {
  Quirks q;
  try {
    const toml::table t = toml::parse(toml_text);
    if (const auto* backends = t["sane_backend"].as_array()) {
      for (const auto& node : *backends) {
        const auto* b = node.as_table();
        if (b == nullptr) continue;
        q.sane_backends.push_back({(*b)["name"].value_or(std::string()), (*b)["double_feed_sensor"].value_or(std::string())});
      }
    }
    if (const auto* usb = t["usb"].as_array()) {
      for (const auto& node : *usb) {
        const auto* u = node.as_table();
        if (u == nullptr) continue;
        q.usb.push_back({(*u)["vendor_id"].value_or(std::string()), (*u)["maker"].value_or(std::string())});
      }
    }
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << e.description() << " (line " << e.source().begin.line << ")";
    error = out.str();
  }
  return q;
}

const Quirks& quirks() {
  static const Quirks loaded = [] {
    std::string text(kBuiltInQuirks);
    const char* path = std::getenv("KIEMPHIEU_SCANNER_QUIRKS");
    if (path != nullptr && *path != '\0') {
      if (std::error_code ec; std::filesystem::is_regular_file(path, ec)) text = read_file_bytes(path);
    }
    std::string error;
    Quirks q = parse_quirks(text, error);
    if (!error.empty()) {
      std::cerr << "scanner-quirks: " << error << "; the built-in quirks are used\n";
      std::string ignored;
      q = parse_quirks(std::string(kBuiltInQuirks), ignored);
    }
    return q;
  }();
  return loaded;
}

}  // namespace kp::scanner::internal
