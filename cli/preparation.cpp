#include "cli/preparation.hpp"

#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "printing/ballot_renderer.hpp"

namespace kp::cli {

void print_error(const Error& e, Lang lang) {
  std::cerr << (e.where.empty() ? std::string() : e.where + ": ") << (lang == Lang::en ? "error: " : "lỗi: ")
            << e.message.in(lang) << '\n';
}

std::string read_secret(const std::string& prompt) {
  std::string secret;
  if (::isatty(STDIN_FILENO) == 0) {
    std::getline(std::cin, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();  // a file written on Windows
    return secret;
  }
  std::cerr << prompt << ": " << std::flush;
  termios before{};
  const bool quiet = ::tcgetattr(STDIN_FILENO, &before) == 0;
  if (quiet) {
    termios hidden = before;
    hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
  }
  std::getline(std::cin, secret);
  if (quiet) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
  std::cerr << '\n';
  return secret;
}

std::string read_pin(const std::string& member, Lang lang) { return read_secret((lang == Lang::en ? "PIN of " : "Mã PIN của ") + member); }

std::optional<std::string> read_new_passphrase(Lang lang) {
  const bool en = lang == Lang::en;
  const std::string first = read_secret(en ? "New passphrase for the station key" : "Mật khẩu mới của khóa trạm");
  const std::string again = read_secret(en ? "The same passphrase again" : "Nhập lại mật khẩu đó");
  if (first != again) {
    std::cerr << (en ? "error: the two passphrases differ: nothing changed\n" : "lỗi: hai lần nhập mật khẩu khác nhau: không có gì thay đổi\n");
    return std::nullopt;
  }
  return first;
}

// Loads, validates and lays out every contest; reports every finding on stderr.
std::optional<Prepared> prepare(tl::expected<config::LoadedElection, config::Diagnostics> loaded, Lang lang) {
  if (!loaded) {
    for (const auto& d : loaded.error()) std::cerr << d.format(lang) << '\n';
    return std::nullopt;
  }
  Prepared p{loaded->election, {}, loaded->warnings};
  for (const auto& d : p.warnings) std::cerr << d.format(lang) << '\n';
  bool ok = true;
  for (const auto& contest : p.election->contests) {
    auto layout = config::compute_layout(*p.election, contest);
    if (!layout) {
      Error e = layout.error();
      e.where = p.election->source_file + ": contest " + contest.id;
      print_error(e, lang);
      ok = false;
      continue;
    }
    if (auto fits = printing::check_text_fits(*layout); !fits) {
      Error e = fits.error();
      e.where = p.election->source_file + ": contest " + contest.id;
      print_error(e, lang);
      ok = false;
      continue;
    }
    p.layouts.push_back(std::move(*layout));
  }
  if (!ok) return std::nullopt;
  return p;
}


}  // namespace kp::cli
