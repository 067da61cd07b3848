#include "common/files.hpp"

#include <fstream>
#include <iterator>

namespace kp {

std::string read_file_bytes(const std::filesystem::path& path) {
  // One read of the whole file where its size is known (a regular file); a stream of unknown
  // length (a pipe) is read to its end. Character by character cost ~1% of storing a side.
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  if (size <= 0) {
    in.clear();
    in.seekg(0);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  in.read(bytes.data(), size);
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

std::string read_stored_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {};  // follows links: a link to /dev/zero is not regular
  return read_file_bytes(path);
}

bool write_file_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return static_cast<bool>(out);
}

}  // namespace kp
