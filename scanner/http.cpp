#include "scanner/internal/http.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace kp::scanner::internal {
namespace {

class TcpStream final : public ByteStream {
 public:
  TcpStream(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  ~TcpStream() override { ::close(fd_); }
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  bool write_all(const std::string& bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  bool read_some(std::string& into, std::size_t max) override {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_.count())) <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, std::min(max, sizeof buffer), 0);
    if (n <= 0) return false;
    into.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

 private:
  int fd_;
  std::chrono::milliseconds timeout_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error broken(const std::string& what) {
  return Error{"protocol_error", {"Máy quét trả lời sai giao thức: " + what, "The scanner broke the protocol: " + what}, ""};
}

}  // namespace

std::string http_request_bytes(const std::string& host, const std::string& method, const std::string& path, const std::string& content_type,
                               const std::string& body) {
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nAccept: */*\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Type: " + (content_type.empty() ? std::string("text/xml") : content_type) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return request + "\r\n" + body;
}

StreamFactory tcp_streams(const std::string& host, int port, std::chrono::milliseconds timeout) {
  return [host, port, timeout]() -> Result<std::unique_ptr<ByteStream>> {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
      return fail("no_device", {"Không tìm thấy máy quét ở " + host, "No scanner at " + host}, host);
    }
    int fd = -1;
    for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
      fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        ::close(fd);
        fd = -1;
      }
    }
    ::freeaddrinfo(found);
    if (fd < 0) {
      return fail("device_unplugged", {"Không kết nối được máy quét " + host + ":" + std::to_string(port), "Cannot connect to the scanner " + host + ":" + std::to_string(port)},
                  host);
    }
    return std::unique_ptr<ByteStream>(std::make_unique<TcpStream>(fd, timeout));
  };
}

Result<HttpResponse> http_exchange(const StreamFactory& connect, const std::string& host, const std::string& method, const std::string& path,
                                   const std::string& content_type, const std::string& body) {
  auto stream = connect();
  if (!stream) return tl::unexpected(stream.error());
  if (!(*stream)->write_all(http_request_bytes(host, method, path, content_type, body))) return tl::unexpected(broken("the request could not be sent"));
  // Headers, then the body to its end: by Content-Length, by chunks, or to the close.
  std::string data;
  std::size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!(*stream)->read_some(data, 65536)) return tl::unexpected(broken("the connection ended before the response headers"));
  }
  HttpResponse response;
  const std::string head = data.substr(0, header_end);
  std::string rest = data.substr(header_end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return tl::unexpected(broken("bad status line"));
  response.status = std::atoi(status_line.c_str() + 9);
  while (line_end != std::string::npos && line_end < head.size()) {
    const std::size_t next = head.find("\r\n", line_end + 2);
    const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[lower(line.substr(0, colon))] = value;
    }
    line_end = next;
  }
  const auto length = response.headers.find("content-length");
  const bool chunked = lower(response.headers["transfer-encoding"]).find("chunked") != std::string::npos;
  if (method == "HEAD" || response.status == 204 || response.status == 304) return response;
  if (length != response.headers.end()) {
    const auto n = static_cast<std::size_t>(std::stoull(length->second));
    while (rest.size() < n) {
      if (!(*stream)->read_some(rest, n - rest.size())) return tl::unexpected(broken("the connection ended inside the response body"));
    }
    response.body = rest.substr(0, n);
  } else if (chunked) {
    std::size_t at = 0;
    while (true) {
      std::size_t crlf;
      while ((crlf = rest.find("\r\n", at)) == std::string::npos) {
        if (!(*stream)->read_some(rest, 65536)) return tl::unexpected(broken("the connection ended inside a chunk"));
      }
      const auto size = static_cast<std::size_t>(std::stoull(rest.substr(at, crlf - at), nullptr, 16));
      at = crlf + 2;
      while (rest.size() < at + size + 2) {
        if (!(*stream)->read_some(rest, 65536)) return tl::unexpected(broken("the connection ended inside a chunk"));
      }
      if (size == 0) break;
      response.body.append(rest, at, size);
      at += size + 2;
    }
  } else {
    while ((*stream)->read_some(rest, 65536)) {
    }
    response.body = std::move(rest);
  }
  return response;
}

std::optional<HttpUrl> parse_http_url(const std::string& url) {
  if (url.rfind("http://", 0) != 0) return std::nullopt;
  HttpUrl out;
  const std::string rest = url.substr(7);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  const auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      out.port = std::stoi(authority.substr(colon + 1));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (out.host.empty()) return std::nullopt;
  return out;
}

}  // namespace kp::scanner::internal
