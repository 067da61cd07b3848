#pragma once
// The command implementations; main.cpp only parses the command line and dispatches.
// Each returns the process exit code of the contract: 0 success, 1 failure.
#include <cstdint>
#include <string>
#include <vector>

#include "common/text.hpp"

namespace kp::cli {

struct CheckArgs {
  std::string election_path;
  bool json = false;
};

struct BallotsArgs {
  std::string election_path;
  std::string out_dir;
  int dpi = 200;
  int count = 1;
};

struct RecognizeArgs {
  std::string election_path;
  std::vector<std::string> images;
  int threads = 0;  // 0: one per core
  std::string debug_dir;
};

struct TallyArgs {
  std::string election_path;
  std::string ballots_path;  // "-" for standard input
  bool json = false;
};

struct InitArgs {
  std::string db_path;
  std::string election_path;
  bool protect_key = false;  // the key encrypted under a passphrase read twice from standard input
};

struct KeyArgs {
  std::string db_path;
  std::string by;  // key protect: the committee member (PIN on standard input after the passphrase)
  std::int64_t hours = 12;
};

struct IngestArgs {
  std::string db_path;
  std::vector<std::string> images;
  int threads = 0;
};

// `member add` reads the new member's PIN from the first line of standard input and, when
// members exist already, the PIN of the committee member giving consent (`--by`) from the second.
struct MemberArgs {
  std::string db_path;
  std::string name;
  std::string role = "committee";
  std::string by;
};

struct IssuedArgs {
  std::string db_path;
  std::string contest_id;
  std::int64_t count = 0;
  std::string by;
  std::string confirmed_by;  // a second member, to change a figure already entered (PIN after --by's)
};

struct AdjudicateArgs {
  std::string db_path;
  std::int64_t sheet_id = 0;
  std::vector<std::string> marks;  // candidate=state
  std::vector<std::string> flags;
  std::string reason;
  std::vector<std::string> members;
  bool set_aside = false;
};

struct ConfirmStampsArgs {
  std::string db_path;
  std::vector<std::int64_t> sheet_ids;  // empty: every sheet that waits only for its stamp
  std::string reason;
  std::vector<std::string> members;
};

// `enter`: a ballot entered by hand, twice, by two committee members.
struct EnterArgs {
  std::string db_path;
  std::string contest_id;
  std::string reason;
  std::vector<std::string> members;
};

struct RoundArgs {
  std::string db_path;
  std::string contest_id;
  std::vector<std::string> candidates;  // open: the list put to the new round
  int seats = 0;                        // open: seats put to it
  std::string decision;                 // open: the congress's decision, for the record
  std::vector<std::string> members;     // open/close: two committee members
  std::string out_dir;                  // ballots
  int dpi = 200;
  int count = 1;
  bool json = false;
  std::string by;                       // ballots: who printed them (then logged with each file's hash)
};

struct ScanArgs {
  std::string db_path;
  std::string source;                 // sim:DIR | folder:DIR | sane:DEVICE
  double images_per_minute = 300;     // the simulated scanner's speed
  std::string faults;                 // the simulated scanner's fault script
  double idle_end_seconds = 0;        // folder import: end the batch after this long without a file
  int dpi = 200;
  std::string mode = "colour";
  bool simplex = false;
  std::string operator_name;
  bool quiet = false;  // the live counter and the summary only, no line per sheet (the demo)
  double watch_seconds = 0;  // devices: then report USB scanners arriving and leaving this long
};

struct DbArgs {
  std::string db_path;
  bool json = false;
};

// `audit verify`, with what an auditor brings from paper.
struct VerifyArgs {
  std::string db_path;
  std::string expect_key;   // the station key's fingerprint from the minutes
  std::vector<std::string> expect_heads;  // "N:HASH" from counting records or exports (repeatable)
  std::string expect_heads_from;          // a file of heads an observer's console kept
};

struct SynthArgs {
  std::string election_path;
  std::string out_dir;
  int sheets = 40;
  std::uint64_t seed = 1;
};

struct DemoArgs {
  std::string out_dir = "demo-output";
  int sheets = 40;
  std::uint64_t seed = 2025;
};

int run_check(const CheckArgs& args, Lang lang);
int run_ballots(const BallotsArgs& args, Lang lang);
int run_synth(const SynthArgs& args, Lang lang);
int run_recognize(const RecognizeArgs& args, Lang lang);
int run_tally(const TallyArgs& args, Lang lang);
int run_init(const InitArgs& args, Lang lang);
int run_ingest(const IngestArgs& args, Lang lang);
int run_issued(const IssuedArgs& args, Lang lang);
int run_waiting(const DbArgs& args, Lang lang);
int run_member_add(const MemberArgs& args, Lang lang);
int run_member_list(const DbArgs& args, Lang lang);
int run_adjudicate(const AdjudicateArgs& args, Lang lang);
int run_confirm_stamps(const ConfirmStampsArgs& args, Lang lang);
int run_enter(const EnterArgs& args, Lang lang);
int run_results(const DbArgs& args, Lang lang);
int run_audit_verify(const VerifyArgs& args, Lang lang);
// With `by`, the record's files go into the audit log with their hashes, naming who wrote them.
int run_report(const DbArgs& args, const std::string& out_dir, const std::string& by, Lang lang);
int run_export(const DbArgs& args, const std::string& out_dir, bool for_outside, Lang lang);
int run_audit_export(const std::string& dir, Lang lang);
int run_audit_replay(const DbArgs& args, Lang lang);
int run_audit_recount(const DbArgs& args, Lang lang);
int run_demo(const DemoArgs& args, Lang lang);
int run_scan(const ScanArgs& args, Lang lang);
int run_devices(const ScanArgs& args, Lang lang);
int run_round_list(const RoundArgs& args, Lang lang);
int run_round_open(const RoundArgs& args, Lang lang);
int run_round_close(const RoundArgs& args, Lang lang);
int run_round_ballots(const RoundArgs& args, Lang lang);

}  // namespace kp::cli
