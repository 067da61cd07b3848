#pragma once
// Reading and writing a whole file, for the modules that keep or hash files as they are.
#include <filesystem>
#include <string>

namespace kp {

// The file's bytes; empty when it cannot be read (callers treat an empty file as unreadable).
std::string read_file_bytes(const std::filesystem::path& path);

// The same for a file the project stored itself (an image, an entry): anything but a regular
// file (a FIFO, a device, a directory, a link to one) put in its place is not opened, and reads
// as empty, so an audit never blocks on it or reads a device without end.
std::string read_stored_file(const std::filesystem::path& path);

// Writes `bytes` to `path`, replacing it; false when it cannot. Not flushed to disk: the
// congress database writes what must survive a power cut durably itself.
bool write_file_bytes(const std::filesystem::path& path, const std::string& bytes);

}  // namespace kp
