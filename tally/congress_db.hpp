#pragma once
// The congress database (SQLite, WAL): the definition, ballots issued, every scanned side with
// the recognition output exactly as produced, the committee's rulings, and a hash-chained,
// Ed25519-signed audit log. Each sheet is stored in one transaction with its audit entry, so a
// killed process leaves every committed sheet intact and none counted twice.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/marks.hpp"
#include "config/election.hpp"
#include "tally/admission.hpp"
#include "tally/records.hpp"

namespace kp::tally {

// What the program hands over for one scanned side (the tally never reads images itself).
// An image already kept in the database's image store (CongressDb::keep_image).
struct KeptImage {
  std::string sha256;
  std::string stored_file;  // relative to the image folder
};

struct SheetInput {
  std::string image_name;      // as given by the operator, for the record
  std::string image_path;      // the file to keep (copied under the database's image folder)
  // The bytes recognition read from that file, when it has them: these are what is stored and
  // hashed (the image kept is the image recognised, and the file is not read a second time).
  std::shared_ptr<const std::vector<unsigned char>> image_bytes;
  // Set when the image was kept beforehand (while it was being recognised): nothing to write.
  std::optional<KeptImage> kept_image;
  std::string recognition;     // the recognition JSON line, stored byte for byte
  bool recognised = false;     // false: recognition refused the side
  std::string contest_id;
  Side side = Side::front;
  std::uint32_t serial = 0;
  std::map<std::string, MarkState> marks;  // as decided by recognition (may hold unclear)
  std::set<SheetFlag> findings;            // recognition's sheet flags
  std::string layout_hash;                 // the 12 hex digits of the ballot's code: which round printed it
  std::optional<std::int64_t> batch_id;    // the scanning batch it came in, when there is one
};

struct SheetRow {
  std::int64_t id = 0;
  std::string image_name;
  std::string image_sha256;
  std::string stored_file;  // relative to the image folder
  std::string contest_id;
  std::string side;
  std::int64_t serial = 0;
  int round = 0;  // the round whose ballot this is; 0 when recognition refused the side
  std::optional<std::int64_t> batch_id;
  SheetStatus status = SheetStatus::waiting;
  std::vector<WaitReason> wait_reasons;  // why it waits or was refused at admission (stored as "unclear:c03", "flag:write_in", …)
  std::string recognition;
  std::map<std::string, MarkState> marks;  // decided marks (counted sheets)
  std::set<SheetFlag> flags;               // findings the committee confirmed (count as invalid reasons)
};

// What recognition read on a stored side, from its stored recognition line: the marks as the
// scan's thresholds decided them and the findings. Empty for a line that is not a reading.
struct SideAsRead {
  std::map<std::string, MarkState> marks;
  std::set<SheetFlag> findings;
};
SideAsRead side_as_read(const SheetRow& sheet);

// A side entered by hand by two committee members (station/hand_entry.hpp): its recognition
// line begins so, and its stored "image" is the entry itself.
inline constexpr std::string_view kHandEntryLineStart = R"({"source":"hand",)";
bool entered_by_hand(const SheetRow& sheet);

// A side scanned in gray: its red stamp cannot be seen on the scan, so it waits (or waited, once
// ruled) for a member to see the stamp on the paper.
bool scanned_in_gray(const SheetRow& sheet);

// A side that waits only because it was scanned in gray (its red stamp unseen): a member who has
// looked at the paper can confirm it as read.
bool waits_only_for_the_stamp(const SheetRow& sheet);

struct IngestOutcome {
  bool duplicate = false;  // the same image (by SHA-256) is already stored: nothing was added
  SheetRow sheet;
};

struct AuditProblem {
  std::int64_t position = 0;  // audit entry number, or sheet id for sheet problems; 0 for the whole log
  std::string what;
};

// One round of one contest (election-rules.md §5: a tie at the cut-off or unfilled seats need a
// further round among some of the candidates). Round 1 of every contest opens at init.
struct RoundRow {
  std::string contest_id;
  int round = 1;
  bool open = true;
  config::Contest contest;   // as put to this round: its list, seats and title
  std::string layout_hash;   // 12 hex digits printed in its ballots' codes
  std::optional<std::int64_t> issued;
  std::string opened_at;
  std::string closed_at;     // empty while open
  std::string result_json;   // the result stored when the round closed (results_json of that round)
};

// Where a round stands in the count: a closed round's figures are the official ones.
struct RoundStanding {
  std::int64_t waiting = 0;  // ballots of this round that wait (a side unclear, a finding, a side missing)
  std::int64_t conflicting_serials = 0;
  // Counted ballots scanned in gray whose red stamp a member saw on the paper (the record says
  // how many were so confirmed by hand).
  std::int64_t stamps_seen_on_paper = 0;
  // Counted ballots entered by hand by two members (station/hand_entry.hpp): the record says how many.
  std::int64_t entered_by_hand = 0;
  bool closed = false;
  std::string closed_at;
  // Why the round's result is not yet final (codes of the words catalogue's `provisional`
  // kind: ballots_waiting, issued_missing, reconciliation_fails, serial_conflict); empty when
  // it can stand. A closed round's stored result stands.
  std::vector<std::string> provisional_because;
};

// Someone who may act at the console: a member of the counting committee (rules on ballots,
// enters ballots issued, closes rounds) or an operator (scans). Their PIN is set when they are
// registered and kept only as a salted verifier.
enum class MemberRole { committee, scanner_operator };
std::string_view to_string(MemberRole role);  // "committee", "operator"
std::optional<MemberRole> parse_member_role(std::string_view text);

struct MemberRow {
  std::string name;  // NFC, as registered
  MemberRole role = MemberRole::committee;
  std::string added_at;
  std::string added_by;  // empty for the first member, registered when there was nobody to ask
};

struct CountSummary {
  std::vector<ContestResult> results;          // one per contest and round, in definition order then round
  std::vector<config::Contest> contests;       // parallel to results: the contest as put to that round
  std::vector<RoundStanding> standing;         // parallel to results
  // Ballots (tờ phiếu): a two-sided ballot is one ballot, counted once when both of its sides are
  // in and counted; it waits while a side waits or has not arrived.
  std::int64_t counted = 0, waiting = 0;
  // Sides (mặt) as stored: refused sides are never tied to a ballot (recognition could not read
  // which one they are), so refusals are said in sides.
  struct Sides {
    std::int64_t counted = 0, waiting = 0, rejected = 0;
  } sides;
  std::int64_t rejected = 0;  // = sides.rejected
  std::vector<BallotState> ballots;  // every ballot of every round, waiting ones with why
  // Serials with two counted sheets for one side (a photocopy the committee let through): not
  // counted at all, and the result cannot be final until the committee settles them.
  std::int64_t conflicting_serials = 0;
  bool final = false;  // nothing waits or conflicts, and every reconciliation holds
  std::vector<std::string> provisional_because;  // every round's reasons, each once, in the catalogue's order
};

// Where the station key stands. `plain`: DB.key holds it in the clear (as `kiemphieu init` writes
// it unless asked to protect it). `locked`: DB.key is encrypted and nobody has unlocked it, so the
// station reads and shows but records nothing. `unlocked`: encrypted at rest, held unlocked by the
// kernel for this account until its time runs out or `key lock`. `absent`: no DB.key (an
// auditor's copy).
enum class KeyState { plain, locked, unlocked, absent };

// A passphrase shorter than this is refused: with scrypt's cost per guess (signing.hpp), twelve
// characters of a sentence put guessing out of reach of the hours a copied key is worth.
inline constexpr std::size_t kMinPassphraseCharacters = 12;
// How long an unlocked key is held unless the committee says otherwise: a congress's day.
inline constexpr std::int64_t kDefaultUnlockHours = 12;
inline constexpr std::int64_t kMaxUnlockHours = 72;

class CongressDb {
 public:
  // Creates DB, its image folder (DB.images) and the station key (DB.key, owner-only). With a
  // passphrase the key is written encrypted under it and never touches the disk in the clear.
  static Result<CongressDb> create(const std::string& path, const std::string& election_toml, const std::string& source_name,
                                   const std::string& passphrase = {});
  static Result<CongressDb> open(const std::string& path);
  ~CongressDb();
  CongressDb(CongressDb&&) noexcept;
  CongressDb& operator=(CongressDb&&) noexcept;

  [[nodiscard]] const config::Election& election() const;
  [[nodiscard]] std::string key_fingerprint() const;
  [[nodiscard]] std::string public_key_pem() const;
  // The station key's Ed25519 signature (hex) over `message`: what observers check the feed
  // with. Fails "no_key" when the key is not at hand.
  [[nodiscard]] Result<std::string> sign(const std::string& message) const;
  [[nodiscard]] std::string images_dir() const;

  [[nodiscard]] KeyState key_state() const;
  // Seconds until the kernel drops the unlocked key; nothing unless `unlocked`.
  [[nodiscard]] std::optional<std::int64_t> key_seconds_left() const;
  // Encrypts DB.key under `passphrase` (logged `key_protected`, naming `by`, whom the station
  // layer has checked); with the key already protected and unlocked, re-encrypts it under a new
  // one. The clear file is overwritten before it is replaced.
  Result<void> protect_key(const std::string& passphrase, const std::string& by);
  // With the right passphrase, holds the key unlocked in the kernel's keyring for `hours`
  // (logged `key_unlocked`); a wrong one is refused after a delay, like a wrong PIN.
  Result<void> unlock_key(const std::string& passphrase, std::int64_t hours);
  // Drops the unlocked key now (logged `key_locked` first, while it can still sign).
  Result<void> lock_key();

  Result<IngestOutcome> ingest(const SheetInput& sheet);
  // Writes an image durably into the image store under its SHA-256 (the file there is reused
  // when it already holds those bytes), so that a later ingest only refers to it. It touches
  // files only, never the database, so it may run on another thread while the database is in use
  // (the scan path keeps a paper's images while the paper is recognised). `name` gives the
  // extension. An image kept but never ingested stays in the folder unreferenced, as one whose
  // commit was cut short by a killed process does.
  Result<KeptImage> keep_image(const std::vector<unsigned char>& bytes, const std::string& name) const;
  // Batch mode: every sheet in one durable commit (images flushed to disk once, then one SQLite
  // transaction), for a scanner's burst or an import. Each outcome is as ingest() would give.
  Result<std::vector<IngestOutcome>> ingest_batch(const std::vector<SheetInput>& sheets);

  // Ballots issued for the contest's open round.
  // Changing a figure already entered for the open round takes a second committee member
  // (`confirmed_by`), as every decision that moves a result does: one member's slip cannot turn
  // 148 into 0.
  Result<void> set_issued(const std::string& contest_id, std::int64_t issued, const std::string& entered_by, const std::string& confirmed_by = {});

  [[nodiscard]] Result<std::vector<RoundRow>> rounds() const;
  // Closes the contest's open round: refused while a sheet of it waits, a serial is counted
  // twice, ballots issued are missing or reconciliation fails; the result is stored and its
  // hash signed into the log, and `audit verify` recounts it from the stored sheets.
  Result<RoundRow> close_round(const std::string& contest_id, const std::string& member1, const std::string& member2);
  // Opens the next round after a closed one that needs it: for a tie, exactly the tied
  // candidates; for unfilled seats, the list the congress approved, none already elected;
  // at most the seats still open. `decision` records the congress's decision.
  Result<RoundRow> open_round(const std::string& contest_id, const std::vector<std::string>& candidate_ids, int seats,
                              const std::string& decision, const std::string& member1, const std::string& member2);

  // A scanning batch: its source and the device's identity (maker, model, serial) go into the
  // log. Starting a batch ends any batch a killed process left open, as "interrupted"; batches
  // of other live processes (a second scanner) stay open.
  Result<std::int64_t> start_batch(const std::string& source, const std::string& device, const std::string& operator_name);
  Result<void> end_batch(std::int64_t batch_id, const std::string& reason);
  // A scanner fault during a batch: its kind, the sheet it struck (by its place in the batch)
  // and whether that sheet's images were kept; nothing of it is counted.
  Result<void> record_fault(std::int64_t batch_id, const std::string& kind, std::int64_t sheet_in_batch, bool images_trusted,
                            const std::string& detail);
  Result<SheetRow> adjudicate(std::int64_t sheet_id, const std::map<std::string, MarkState>& marks, const std::set<SheetFlag>& flags,
                              const std::string& reason, const std::string& member1, const std::string& member2);
  // The committee has seen the red stamp on the paper of these gray-scanned sheets: each is
  // counted as read, one ruling each, all in one transaction. Every sheet must wait only for its
  // stamp (waits_only_for_the_stamp), or nothing is ruled and the first that does not is named.
  // A sheet named twice is ruled once. How many were ruled.
  Result<int> confirm_stamps(const std::vector<std::int64_t>& sheet_ids, const std::string& reason, const std::string& member1,
                             const std::string& member2);

  // The committee sets a sheet aside (a photocopy, a second scan of one ballot): it is kept, with
  // the ruling, but never counted. Allowed on waiting and counted sheets.
  Result<SheetRow> set_aside(std::int64_t sheet_id, const std::string& reason, const std::string& member1, const std::string& member2);

  [[nodiscard]] Result<std::vector<SheetRow>> sheets() const;
  [[nodiscard]] Result<SheetRow> sheet(std::int64_t id) const;

  // Registers a member with a PIN of 4 to 12 digits. The first member needs nobody's consent;
  // every later one needs a committee member (`added_by`, whose PIN the caller has checked).
  Result<MemberRow> add_member(const std::string& name, MemberRole role, const std::string& pin, const std::string& added_by);
  [[nodiscard]] Result<std::vector<MemberRow>> members() const;
  // Checks a member's PIN without recording anything (the second member's consent to a ruling).
  [[nodiscard]] Result<MemberRow> check_pin(const std::string& name, const std::string& pin) const;
  // Checks a member's PIN for an action that changes the count or its record (`action` names
  // it for the log). A wrong PIN is recorded as `pin_refused` and fails with "wrong_pin"; a
  // member refused kLockRefusals times within kLockMinutes is locked ("pin_locked") for the
  // rest of that time, whatever PIN is given.
  static constexpr int kLockRefusals = 5;
  static constexpr int kLockMinutes = 10;
  Result<MemberRow> authenticate(const std::string& name, const std::string& pin, const std::string& action);
  // Sign-in at the console: checks the PIN and records `signed_in`, or `sign_in_refused` and the
  // error "wrong_pin".
  Result<MemberRow> sign_in(const std::string& name, const std::string& pin);
  Result<void> sign_out(const std::string& name);

  // Records that documents were written from this congress — `kind` "ballots" or "record" — by
  // whom, with each file's SHA-256, so a printed record or ballot run can be matched to the log.
  Result<void> record_documents(const std::string& kind, const std::string& by, const std::vector<std::string>& paths);
  // The number of the newest audit entry: every change to the congress adds one, so a screen
  // that polls this recounts only when something happened.
  [[nodiscard]] Result<std::int64_t> last_event() const;
  // The head of the log: the newest entry's number and hash, as "N:HASH". Printed on every
  // counting record, export and results, so a database rolled back or cut shows against paper.
  [[nodiscard]] Result<std::string> head() const;
  [[nodiscard]] Result<CountSummary> count() const;

  // Cast vote records in the NIST SP 1500-103 common data format: DIR/cvr/<sheet>.json, one per
  // counted sheet (the recognised reading, and the committee's ruling with its reason when there
  // is one, with the image hash), and DIR/manifest.json: the SHA-256 of every record, their
  // Merkle root, signed by the station key. Recorded as an audit event.
  struct ExportSummary {
    std::size_t records = 0;
    std::string merkle_root;
    std::string manifest_path;
    std::string log_head;  // "N:HASH", the log's head when exported (printed in the manifest)
  };
  // Who an export is for. The committee's carries each ballot's serial and its image; one for
  // outside the committee (observers, the press) leaves both out, so that no record can be tied
  // through its serial to the delegate who was handed that ballot.
  enum class ExportFor { committee, outside };
  Result<ExportSummary> export_cvr(const std::string& dir, ExportFor audience = ExportFor::committee);

  // Checks the chain, every signature, every stored image and that every sheet row is what its
  // audit entries say it is. Empty when all holds.
  [[nodiscard]] std::vector<AuditProblem> verify() const;
  // With what an auditor brings from paper: the station key's fingerprint read into the
  // minutes at set-up, and the heads of the log printed on records and exports or kept by
  // observers' consoles ("N:HASH"). A key replaced and the whole log re-signed, or a database
  // rolled back or cut, is found only so.
  struct Expectations {
    std::string key_fingerprint;     // empty: not checked
    std::vector<std::string> heads;  // each "N:HASH" must still be in the log
  };
  [[nodiscard]] std::vector<AuditProblem> verify(const Expectations& expected) const;

 private:
  struct Impl;
  explicit CongressDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks an export: every record's hash, the Merkle root and the station signature over it.
// Empty when all holds; otherwise one sentence per problem naming the file.
std::vector<std::string> verify_cvr_export(const std::string& dir);

// Checking what a station signed, without its database (an observer): whether `signature_hex`
// is the Ed25519 signature of `message` by `public_pem`, and the fingerprint of a public key as
// `init` prints it for the minutes.
bool station_signature_valid(const std::string& public_pem, const std::string& message, const std::string& signature_hex);
std::string station_key_fingerprint(const std::string& public_pem);

}  // namespace kp::tally
