#pragma once
// Internal: the eSCL client, over any HTTP byte transport.
#include <memory>
#include <string>

#include "scanner/internal/http.hpp"
#include "scanner/scanner.hpp"

namespace kp::scanner::internal {

// `host` is the Host header; `base` the eSCL root path ("/eSCL").
Result<std::unique_ptr<ScanSession>> open_escl_over(StreamFactory streams, const std::string& host, const std::string& base, const std::string& id,
                                                    const std::string& driver);
// "http://host:port[/eSCL]".
Result<std::unique_ptr<ScanSession>> open_escl(const std::string& url);

}  // namespace kp::scanner::internal
