#pragma once
// Reading and writing a whole file, for the modules that keep or hash files as they are.
#include <filesystem>
#include <string>

namespace kp {

// The file's bytes; empty when it cannot be read (callers treat an empty file as unreadable).
std::string read_file_bytes(const std::filesystem::path& path);

// Writes `bytes` to `path`, replacing it; false when it cannot. Not flushed to disk: the
// congress database writes what must survive a power cut durably itself.
bool write_file_bytes(const std::filesystem::path& path, const std::string& bytes);

}  // namespace kp
