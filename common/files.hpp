#pragma once
// Reading a whole file, for the modules that keep or hash files as they are.
#include <filesystem>
#include <string>

namespace kp {

// The file's bytes; empty when it cannot be read (callers treat an empty file as unreadable).
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace kp
