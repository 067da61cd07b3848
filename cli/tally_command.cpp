// kiemphieu tally: ballot records in, the result under the election's rule profile out.
#include <fstream>
#include <iostream>
#include <memory>
#include <iterator>

#include <CLI/CLI.hpp>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "cli/preparation.hpp"
#include "tally/records.hpp"

namespace kp::cli {

int run_tally(const TallyArgs& args, Lang lang) {
  auto loaded = config::load_election_file(args.election_path);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::cerr << d.format(lang) << '\n';
    return 1;
  }
  for (const auto& d : loaded->warnings) std::cerr << d.format(lang) << '\n';
  std::string text;
  if (args.ballots_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(args.ballots_path, std::ios::binary);
    if (!in) {
      print_error({"file_unreadable", {"Không mở được tệp bản ghi phiếu", "Cannot open the ballot records file"}, args.ballots_path}, lang);
      return 1;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto records = tally::parse_records(text, args.ballots_path == "-" ? "<stdin>" : args.ballots_path, *loaded->election);
  if (!records) {
    for (const auto& e : records.error()) print_error(e, lang);
    return 1;
  }
  const auto results = tally::count_all(*loaded->election, *records);
  std::cout << (args.json ? tally::results_json(results) + "\n" : tally::results_text(*loaded->election, results, lang));
  return 0;
}

void add_tally_command(CLI::App& app, CommandLine& line) {
  auto tally = std::make_shared<TallyArgs>();
  auto* tally_cmd = app.add_subcommand("tally", "Kiểm phiếu từ các bản ghi phiếu / count ballot records under the election's rules");
  tally_cmd->add_option("election", tally->election_path, "ELECTION.toml")->required();
  tally_cmd->add_option("--ballots", tally->ballots_path, "BALLOTS.jsonl (- for standard input)")->required();
  tally_cmd->add_flag("--json", tally->json, "JSON output (cli-contract.md §6)");
  line.add(tally_cmd, [tally](Lang lang) { return run_tally(*tally, lang); });
}

}  // namespace kp::cli
