#include "scanner/internal/xml_text.hpp"

namespace kp::scanner::internal {
namespace {

// The start of the next tag named `local` at or after `from`: "<local" or "<prefix:local",
// followed by '>', '/' or white space.
std::size_t find_open(std::string_view xml, std::string_view local, std::size_t from, std::size_t& content) {
  while ((from = xml.find('<', from)) != std::string_view::npos) {
    std::size_t name = from + 1;
    if (name < xml.size() && (xml[name] == '/' || xml[name] == '?' || xml[name] == '!')) {
      ++from;
      continue;
    }
    const std::size_t name_end = xml.find_first_of(" \t\r\n/>", name);
    if (name_end == std::string_view::npos) return std::string_view::npos;
    std::string_view tag = xml.substr(name, name_end - name);
    if (const auto colon = tag.find(':'); colon != std::string_view::npos) tag = tag.substr(colon + 1);
    const std::size_t close = xml.find('>', name_end);
    if (close == std::string_view::npos) return std::string_view::npos;
    if (tag == local) {
      content = close + 1;
      return xml[close - 1] == '/' ? std::string_view::npos - 1 : from;  // an empty element has no text
    }
    from = close;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string> xml_all(std::string_view xml, std::string_view local) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    std::size_t content = 0;
    const std::size_t open = find_open(xml, local, at, content);
    if (open == std::string_view::npos) break;
    if (open == std::string_view::npos - 1) {
      out.emplace_back();
      at = content;
      continue;
    }
    // The matching close tag at the same depth: count nested elements of the same name.
    int depth = 1;
    std::size_t scan = content;
    std::size_t end = std::string_view::npos;
    while (depth > 0) {
      const std::size_t lt = xml.find('<', scan);
      if (lt == std::string_view::npos) break;
      const bool closing = lt + 1 < xml.size() && xml[lt + 1] == '/';
      const std::size_t name = lt + (closing ? 2 : 1);
      const std::size_t name_end = xml.find_first_of(" \t\r\n/>", name);
      const std::size_t gt = xml.find('>', lt);
      if (name_end == std::string_view::npos || gt == std::string_view::npos) break;
      std::string_view tag = xml.substr(name, name_end - name);
      if (const auto colon = tag.find(':'); colon != std::string_view::npos) tag = tag.substr(colon + 1);
      if (tag == local && xml[gt - 1] != '/') depth += closing ? -1 : 1;
      if (depth == 0) end = lt;
      scan = gt + 1;
    }
    if (end == std::string_view::npos) break;
    out.push_back(xml_unescape(xml.substr(content, end - content)));
    at = end;
  }
  return out;
}

std::optional<std::string> xml_first(std::string_view xml, std::string_view local) {
  auto all = xml_all(xml, local);
  if (all.empty()) return std::nullopt;
  std::string s = std::move(all.front());
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string xml_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const auto semi = text.find(';', i);
    const std::string_view entity = text.substr(i + 1, semi == std::string_view::npos ? 0 : semi - i - 1);
    if (entity == "amp") out.push_back('&');
    else if (entity == "lt") out.push_back('<');
    else if (entity == "gt") out.push_back('>');
    else if (entity == "quot") out.push_back('"');
    else if (entity == "apos") out.push_back('\'');
    else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace kp::scanner::internal
