#include "common/manual_page.hpp"

#include <sstream>

#include <CLI/CLI.hpp>

namespace kp {
namespace {

// Text as troff reads it: a backslash is an escape, a line starting with '.' or '\'' a request,
// and '-' in option names must be a real minus so the page can be searched for "--out".
std::string escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (const char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

bool visible(const CLI::App* command) { return !command->get_group().empty(); }

// "check FILE", "round open DB CONTEST": the command's words and its positional arguments.
std::string usage_of(const CLI::App& command, const std::string& words) {
  std::string usage = words;
  for (const auto* positional : command.get_options([](const CLI::Option* o) { return o->get_positional() && !o->get_group().empty(); })) {
    std::string name = positional->get_name(true);
    if (positional->get_expected_max() > 1) name += "...";
    usage += positional->get_required() ? " " + name : " [" + name + "]";
  }
  return usage;
}

// Every visible option of `command`; a subcommand's --help is said once, in OPTIONS, not per command.
void write_options(std::ostringstream& page, const CLI::App& command, bool with_help) {
  const CLI::Option* left_out = with_help ? nullptr : command.get_help_ptr();
  for (const auto* option : command.get_options([left_out](const CLI::Option* o) { return !o->get_group().empty() && o != left_out; })) {
    page << ".TP\n";
    if (option->get_positional()) {
      page << "\\fI" << escaped(option->get_name(true)) << "\\fR\n";
    } else {
      page << "\\fB" << escaped(option->get_name(false, true)) << "\\fR";
      if (option->get_items_expected_max() > 0) page << " \\fI" << escaped(option->get_type_name()) << "\\fR";
      page << '\n';
    }
    std::string help = option->get_description();
    if (!option->get_default_str().empty()) help += " (default: " + option->get_default_str() + ")";
    page << escaped(help.empty() ? "-" : help) << '\n';
  }
}

void write_command(std::ostringstream& page, const CLI::App& command, const std::string& words) {
  page << ".SS \"" << escaped(usage_of(command, words)) << "\"\n" << escaped(command.get_description()) << '\n';
  write_options(page, command, false);
  for (const auto* sub : command.get_subcommands(visible)) write_command(page, *sub, words + " " + sub->get_name());
}

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

}  // namespace

std::string manual_page(const CLI::App& app, const ManualPageText& text) {
  std::ostringstream page;
  page << ".\\\" Written by `" << text.name << " --manual-page` from the program's own options; do not edit.\n"
       << ".TH " << upper(text.name) << " 1 \"" << text.date << "\" \"" << text.name << ' ' << text.version << "\" \"User Commands\"\n"
       << ".SH NAME\n" << escaped(text.name) << " \\- " << escaped(text.summary) << '\n'
       << ".SH SYNOPSIS\n";
  const auto commands = app.get_subcommands(visible);
  if (commands.empty()) {
    page << ".B " << escaped(text.name) << "\n[\\fIOPTIONS\\fR]";
    for (const auto* positional : app.get_options([](const CLI::Option* o) { return o->get_positional() && !o->get_group().empty(); })) {
      page << " [\\fI" << escaped(positional->get_name(true)) << "\\fR]";
    }
    page << '\n';
  } else {
    page << ".B " << escaped(text.name) << "\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGUMENTS\\fR]\n";
  }
  page << ".SH DESCRIPTION\n";
  for (std::size_t i = 0; i < text.description.size(); ++i) page << (i == 0 ? "" : ".PP\n") << escaped(text.description[i]) << '\n';
  page << ".SH OPTIONS\n";
  write_options(page, app, true);
  if (!commands.empty()) {
    page << ".SH COMMANDS\nEach command also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n";
    for (const auto* command : commands) write_command(page, *command, text.name + " " + command->get_name());
  }
  for (const auto& section : text.after) {
    page << ".SH \"" << escaped(section.heading) << "\"\n";
    for (std::size_t i = 0; i < section.paragraphs.size(); ++i) page << (i == 0 ? "" : ".PP\n") << escaped(section.paragraphs[i]) << '\n';
  }
  if (!text.see_also.empty()) page << ".SH \"SEE ALSO\"\n" << escaped(text.see_also) << '\n';
  return page.str();
}

}  // namespace kp
