#pragma once
// Internal: just enough HTTP/1.1 for eSCL — one request, one response read to its end — over
// any byte transport (a TCP connection, or the bulk endpoints of an IPP-over-USB interface).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace kp::scanner::internal {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// A connection that carries one exchange: write the request, then read the response to its end.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual bool write_all(const std::string& bytes) = 0;
  // Appends what arrives (at most `max` bytes); false on end of stream, error or time-out.
  virtual bool read_some(std::string& into, std::size_t max) = 0;
};

using StreamFactory = std::function<Result<std::unique_ptr<ByteStream>>()>;

// `host` goes in the Host header ("localhost" over USB, as IPP-over-USB devices expect).
Result<HttpResponse> http_exchange(const StreamFactory& connect, const std::string& host, const std::string& method, const std::string& path,
                                   const std::string& content_type = {}, const std::string& body = {});

// The request exactly as sent.
std::string http_request_bytes(const std::string& host, const std::string& method, const std::string& path, const std::string& content_type = {},
                               const std::string& body = {});

// A TCP connection to host:port with a time limit on every read.
StreamFactory tcp_streams(const std::string& host, int port, std::chrono::milliseconds timeout);

// "http://host:port/base" → host, port, base path (no trailing slash).
struct HttpUrl {
  std::string host;
  int port = 80;
  std::string path;
};
std::optional<HttpUrl> parse_http_url(const std::string& url);

}  // namespace kp::scanner::internal
