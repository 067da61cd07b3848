// `audit verify`: the chain, every signature, image, sheet, round, batch and member against the
// entries that recorded them, and two independent recounts of every round.
#include "tally/internal/congress_impl.hpp"

#include <set>

#include "common/files.hpp"
#include "tally/internal/naive_recount.hpp"

namespace kp::tally {

std::vector<AuditProblem> CongressDb::verify() const { return verify(Expectations{}); }

std::vector<AuditProblem> CongressDb::verify(const Expectations& paper) const {
  std::vector<AuditProblem> problems;
  const auto note = [&](std::int64_t position, std::string what) { problems.push_back({position, std::move(what)}); };
  try {
    auto& db = *impl_->db;
    // The chain: numbering, links, hashes and signatures.
    std::string prev = kGenesis;
    std::int64_t expected = 1;
    // Each entry read back as its typed kind (tally/internal/audit_entries.hpp).
    std::map<std::int64_t, internal::SheetEntry> sheet_events;                 // sheet id → its ingestion entry
    std::map<std::int64_t, std::vector<internal::AdjudicationEntry>> rulings;  // sheet id → adjudication entries
    std::map<std::pair<std::string, int>, std::int64_t> issued_events;
    std::map<std::pair<std::string, int>, Json> round_events;                  // init's first rounds and every round_opened
    std::map<std::pair<std::string, int>, internal::RoundClosedEntry> closed_events;
    std::map<std::int64_t, internal::BatchStartedEntry> batch_started;
    std::map<std::int64_t, internal::BatchEndedEntry> batch_ended;
    std::map<std::string, internal::MemberAddedEntry> member_events;           // name → its member_added entry
    std::map<std::string, std::string> registered;               // name → role, as the log has registered them so far
    std::map<std::pair<std::string, int>, std::int64_t> issued_entered;  // (contest, round) → the figure the log last entered
    const std::set<std::string> heads_wanted(paper.heads.begin(), paper.heads.end());
    std::set<std::string> heads_found;
    const auto round_key = [](const Json& p) { return std::pair<std::string, int>{p.value("contest_id", ""), p.value("round", 1)}; };
    auto q = db.prepare("SELECT seq, at, type, payload, prev_hash, hash, signature FROM audit ORDER BY seq");
    while (q.step()) {
      const std::int64_t seq = q.integer(0);
      const std::string at = q.text(1), type = q.text(2), payload = q.text(3), prev_hash = q.text(4), hash = q.text(5), sig = q.text(6);
      if (seq != expected) note(seq, "entry " + std::to_string(expected) + " is missing or entries are out of order");
      if (prev_hash != prev) note(seq, "entry " + std::to_string(seq) + " does not follow the entry before it (inserted, deleted or reordered)");
      if (sha256_hex(entry_text(seq, at, type, payload, prev_hash)) != hash) note(seq, "entry " + std::to_string(seq) + " was altered after it was written");
      if (!internal::verify_hex(impl_->public_pem, hash, sig)) note(seq, "entry " + std::to_string(seq) + " has no valid station signature");
      prev = hash;
      expected = seq + 1;
      const Json p = Json::parse(payload, nullptr, false);
      if (!heads_wanted.empty()) {
        if (std::string here = std::to_string(seq) + ":" + hash; heads_wanted.contains(here)) heads_found.insert(std::move(here));
      }
      if (seq == 1) {
        // The first entry names the definition and the key the congress was created with: what
        // is stored now must still be them (a definition edited in the database, a key swapped).
        if (type != to_string(AuditEvent::init) || !p.is_object()) {
          note(seq, "the first entry is not the congress's creation");
        } else {
          if (p.value("election_hash", "") != impl_->election->content_hash) {
            note(seq, "the election definition stored now (hash " + impl_->election->content_hash.substr(0, 16) +
                          "…) is not the one the congress was created with (" + p.value("election_hash", "").substr(0, 16) + "…)");
          }
          if (p.value("key_fingerprint", "") != key_fingerprint()) {
            note(seq, "the station key stored now (" + key_fingerprint() + ") is not the one the first entry names (" + p.value("key_fingerprint", "") + ")");
          }
        }
      }
      if (!p.is_object()) {
        note(seq, "entry " + std::to_string(seq) + " (" + type + ") does not read as its kind of entry");
        continue;
      }
      try {
        if (type == to_string(AuditEvent::sheet)) {
          const auto e = p.get<internal::SheetEntry>();
          sheet_events[e.sheet] = e;
        }
        if (type == to_string(AuditEvent::adjudication)) {
          const auto e = p.get<internal::AdjudicationEntry>();
          rulings[e.sheet].push_back(e);
        }
        if (type == to_string(AuditEvent::issued)) {
          const auto e = p.get<internal::IssuedEntry>();
          issued_events[{e.contest_id, e.round}] = e.issued;
        }
        if (type == to_string(AuditEvent::round_closed)) {
          const auto e = p.get<internal::RoundClosedEntry>();
          closed_events[{e.contest_id, e.round}] = e;
        }
        if (type == to_string(AuditEvent::batch_started)) {
          const auto e = p.get<internal::BatchStartedEntry>();
          batch_started[e.batch] = e;
        }
        if (type == to_string(AuditEvent::batch_ended)) {
          const auto e = p.get<internal::BatchEndedEntry>();
          batch_ended[e.batch] = e;
        }
        if (type == to_string(AuditEvent::member_added)) {
          const auto e = p.get<internal::MemberAddedEntry>();
          member_events[e.name] = e;
        }
      } catch (const nlohmann::json::exception&) {
        note(seq, "entry " + std::to_string(seq) + " (" + type + ") does not read as its kind of entry");
        continue;
      }
      if (type == to_string(AuditEvent::init)) {
        for (const auto& r : p.value("rounds", Json::array())) round_events[round_key(r)] = r;
      }
      if (type == to_string(AuditEvent::round_opened)) round_events[round_key(p)] = p;
      // Every entry that changes the count or its record names committee members who were
      // registered before it, with that role (the station asks for their PINs; an entry made
      // around it names whoever its maker wished).
      std::vector<std::string> acting;
      if (type == to_string(AuditEvent::issued) || type == to_string(AuditEvent::documents_written)) acting.push_back(p.value("by", ""));
      if (type == to_string(AuditEvent::issued)) {
        // A figure already entered is changed only by two different members.
        const auto e = p.get<internal::IssuedEntry>();
        const auto key = std::pair{e.contest_id, e.round};
        const auto before = issued_entered.find(key);
        if (before != issued_entered.end() && before->second != e.issued) {
          if (e.confirmed_by.empty() || e.confirmed_by == e.by) {
            note(seq, "entry " + std::to_string(seq) + " (issued) changes ballots issued for " + e.contest_id + " from " + std::to_string(before->second) +
                          " to " + std::to_string(e.issued) + " with one member");
          } else {
            acting.push_back(e.confirmed_by);
          }
        }
        issued_entered[key] = e.issued;
      }
      if (type == to_string(AuditEvent::adjudication) || type == to_string(AuditEvent::round_opened) || type == to_string(AuditEvent::round_closed)) {
        for (const auto& m : p.value("members", Json::array())) acting.push_back(m.is_string() ? m.get<std::string>() : std::string());
        if (acting.size() != 2 || acting[0] == acting[1]) note(seq, "entry " + std::to_string(seq) + " (" + type + ") does not name two different members");
      }
      if ((type == to_string(AuditEvent::member_added) || type == to_string(AuditEvent::key_protected)) &&
          !(registered.empty() && p.value("by", "").empty())) {
        acting.push_back(p.value("by", ""));
      }
      for (const auto& name : acting) {
        const auto it = registered.find(name);
        if (it == registered.end()) {
          note(seq, "entry " + std::to_string(seq) + " (" + type + ") names “" + name + "”, who was not a registered member then");
        } else if (it->second != to_string(MemberRole::committee)) {
          note(seq, "entry " + std::to_string(seq) + " (" + type + ") names “" + name + "”, an operator, for a committee member's decision");
        }
      }
      if (type == to_string(AuditEvent::member_added)) registered[p.value("name", "")] = p.value("role", "");
    }
    if (expected == 1) note(0, "the audit log is empty");
    if (!paper.key_fingerprint.empty() && paper.key_fingerprint != key_fingerprint()) {
      note(0, "the station key (" + key_fingerprint() + ") is not the one read into the minutes (" + paper.key_fingerprint + "): the key was replaced");
    }
    for (const auto& head : paper.heads) {
      if (!heads_found.contains(head)) {
        note(0, "the log no longer holds entry " + head.substr(0, head.find(':')) + " as printed on paper or kept by an observer (" + head +
                    "): the database was rolled back, cut or rewritten");
      }
    }
    // Every sheet is what its entries say, and its image is the one that was scanned.
    const auto all = sheets();
    // A table that no longer reads (a cell edited into something that is not a value) is said as
    // such, rather than as every sheet gone.
    if (!all) note(0, "the sheets cannot be read back (" + all.error().message.en + "): the sheets table was edited outside the program");
    const std::vector<SheetRow> none;
    const std::vector<SheetRow>& rows = all ? *all : none;  // both lvalues: no copy of every sheet
    std::set<std::int64_t> seen;
    for (const auto& s : rows) {
      seen.insert(s.id);
      const std::string who = "sheet " + std::to_string(s.id) + " (" + s.image_name + ")";
      const auto it = sheet_events.find(s.id);
      if (it == sheet_events.end()) {
        note(s.id, who + " has no audit entry: it was added outside the program");
        continue;
      }
      const internal::SheetEntry& e = it->second;
      if (e.image != s.image_name || e.image_sha256 != s.image_sha256 || e.recognition_sha256 != sha256_hex(s.recognition) || e.contest_id != s.contest_id ||
          e.serial != s.serial || e.side != s.side || e.round != s.round || e.batch != s.batch_id) {
        note(s.id, who + " differs from the entry that recorded it");
      }
      std::string status = e.status;
      Json marks = e.marks, flags = e.flags;
      if (const auto r = rulings.find(s.id); r != rulings.end()) {
        status = r->second.back().set_aside ? "rejected" : "counted";
        marks = r->second.back().marks;
        flags = r->second.back().flags;
      }
      if (status != to_string(s.status) || marks != marks_json(s.marks) || flags != flags_json(s.flags)) {
        note(s.id, who + " holds a state, marks or flags that no audit entry gave it");
      }
      // A sheet counted without a ruling counts exactly the marks its stored recognition line
      // decided (which `audit replay` checks against the image), and that line, admitted again by
      // the same rule, counts: so a mark changed, or a sheet that had to wait for a finding counted,
      // together with its entry by someone holding the key, is still caught.
      if (s.status == SheetStatus::counted && rulings.find(s.id) == rulings.end()) {
        const SideAsRead read = side_as_read(s);
        if (read.marks != s.marks) {
          note(s.id, who + " is counted with marks its stored recognition does not give, and no ruling gave them");
        } else if (admit_side(true, RoundPlace{s.round, true}, read.marks, read.findings, std::nullopt).status != SheetStatus::counted) {
          note(s.id, who + " is counted, but its stored recognition makes it wait for the committee, and no ruling counted it");
        }
      }
      // Why a sheet waited is what its entry recorded (a ruling decides it but leaves the reasons).
      if (e.wait_reasons != reason_codes(s.wait_reasons)) {
        note(s.id, who + " waits for reasons no audit entry gave it");
      }
      const fs::path image = impl_->images() / s.stored_file;
      if (!fs::exists(image)) {
        note(s.id, who + ": the stored image " + image.string() + " is missing");
      } else if (sha256_hex(read_stored_file(image)) != s.image_sha256) {
        note(s.id, who + ": the stored image " + image.string() + " was changed");
      }
    }
    for (const auto& [id, e] : sheet_events) {
      if (all && !seen.count(id)) note(id, "sheet " + std::to_string(id) + " was recorded but is no longer in the database");
    }
    // Every ruling's row is what its entry recorded — who ruled, why and what — since the cast vote
    // records name the members and the reason from these rows.
    {
      std::map<std::int64_t, std::size_t> rows_seen;
      auto row = impl_->db->prepare("SELECT sheet_id, marks, flags, reason, member1, member2 FROM adjudications ORDER BY id");
      while (row.step()) {
        const std::int64_t id = row.integer(0);
        const std::string who = "the ruling on sheet " + std::to_string(id);
        const auto r = rulings.find(id);
        const std::size_t k = rows_seen[id]++;
        if (r == rulings.end() || k >= r->second.size()) {
          note(id, who + " is in the database, but no audit entry recorded it");
          continue;
        }
        const internal::AdjudicationEntry& e = r->second[k];
        const std::string reason = e.set_aside ? "set aside: " + e.reason : e.reason;
        if (row.text(3) != reason || e.members != std::vector<std::string>{row.text(4), row.text(5)} ||
            Json::parse(row.text(1), nullptr, false) != e.marks || Json::parse(row.text(2), nullptr, false) != e.flags) {
          note(id, who + " differs from the entry that recorded it (who ruled, why or what)");
        }
      }
      for (const auto& [id, entries] : rulings) {
        if (rows_seen[id] < entries.size()) note(id, "the ruling on sheet " + std::to_string(id) + " was recorded but is no longer in the database");
      }
    }
    // Rounds: each as its entry opened it, issued as entered, and a closed round's stored result
    // is exactly what the stored sheets count to today.
    // The recount over the sheets already read above.
    const std::optional<CountSummary> summary = all ? std::optional(impl_->count_sheets(*all)) : std::nullopt;
    for (const auto* st : impl_->ordered_rounds()) {
      const RoundRow& r = st->row;
      const auto key = std::pair{r.contest_id, r.round};
      const std::string who = "round " + std::to_string(r.round) + " of contest " + r.contest_id;
      const auto opened = round_events.find(key);
      Json ids = Json::array();
      for (const auto& c : r.contest.candidates) ids.push_back(c.id);
      // The ballot the stored definition prints for this round is the one the round was opened with
      // (a name edited in the definition changes the printed ballot, so its hash).
      if (st->layout.short_hash() != r.layout_hash) {
        note(0, who + ": the ballot its stored definition prints (" + st->layout.short_hash() + ") is not the ballot it was opened with (" + r.layout_hash + ")");
      }
      if (opened == round_events.end() || opened->second.value("layout_hash", "") != r.layout_hash ||
          (r.round > 1 && (opened->second.value("candidates", Json::array()) != ids || opened->second.value("seats", 0) != r.contest.seats))) {
        note(0, who + " is not the round any audit entry opened");
      }
      const auto issued = issued_events.find(key);
      if ((issued == issued_events.end()) != !r.issued || (issued != issued_events.end() && r.issued && issued->second != *r.issued)) {
        note(0, "ballots issued for " + who + " differ from the entry that recorded them");
      }
      // The independent recount: every round, open or closed, counted a second way.
      if (summary) {
        for (std::size_t i = 0; i < summary->results.size(); ++i) {
          if (summary->results[i].contest_id != r.contest_id || summary->results[i].round != r.round) continue;
          const auto naive = internal::naive_recount(*impl_->election, r.contest, r.round, static_cast<int>(st->layout.sides.size()), rows);
          if (const std::string differs = internal::naive_difference(naive, summary->results[i]); !differs.empty()) {
            note(0, who + ": the count and the independent recount disagree: " + differs);
          }
        }
      }
      const auto closed = closed_events.find(key);
      if (r.open) {
        if (closed != closed_events.end()) note(0, who + " was closed, but the database shows it open");
        continue;
      }
      if (closed == closed_events.end() || closed->second.result_sha256 != sha256_hex(r.result_json)) {
        note(0, who + ": the stored result is not the one the audit entry closed it with");
      }
      if (summary) {
        for (std::size_t i = 0; i < summary->results.size(); ++i) {
          if (summary->results[i].contest_id == r.contest_id && summary->results[i].round == r.round &&
              results_json({summary->results[i]}) != r.result_json) {
            note(0, who + ": the stored result does not follow from the stored sheets");
          }
        }
      }
    }
    for (const auto& [key, e] : round_events) {
      if (impl_->rounds.count(key) == 0) note(0, "round " + std::to_string(key.second) + " of contest " + key.first + " was opened but is no longer in the database");
    }
    // Batches: as started and ended in the log.
    auto bq = db.prepare("SELECT id, source, device, ended_at, end_reason FROM batches ORDER BY id");
    std::set<std::int64_t> batches_seen;
    while (bq.step()) {
      const std::int64_t id = bq.integer(0);
      batches_seen.insert(id);
      const auto started = batch_started.find(id);
      if (started == batch_started.end() || started->second.source != bq.text(1) || started->second.device != bq.text(2)) {
        note(0, "batch " + std::to_string(id) + " is not the batch any audit entry started");
      }
      const auto ended = batch_ended.find(id);
      if (bq.maybe_text(3).has_value() != (ended != batch_ended.end()) ||
          (ended != batch_ended.end() && ended->second.reason != bq.maybe_text(4).value_or(""))) {
        note(0, "batch " + std::to_string(id) + " ended otherwise than its audit entry says");
      }
      // How many sheets the batch brought in, as its end entry counted them: rulings change a
      // sheet's status later, never its batch, and sheets are never deleted, so the total holds.
      if (ended != batch_ended.end()) {
        std::int64_t logged = 0;
        for (const auto& [status, n] : ended->second.sheets.items()) {
          // Read even when the entry's signature fails: a crafted count must not overflow.
          const std::int64_t count = n.is_number_integer() ? n.get<std::int64_t>() : -1;
          if (count < 0 || __builtin_add_overflow(logged, count, &logged)) logged = -1;
          if (logged < 0) break;
        }
        auto in_batch = db.prepare("SELECT count(*) FROM sheets WHERE batch_id = ?");
        in_batch.bind(1, id);
        const std::int64_t stored = in_batch.step() ? in_batch.integer(0) : 0;
        if (stored != logged) {
          note(0, "batch " + std::to_string(id) + " holds " + std::to_string(stored) + " sheets, but its end entry counted " + std::to_string(logged));
        }
      }
    }
    for (const auto& [id, e] : batch_started) {
      if (batches_seen.count(id) == 0) note(0, "batch " + std::to_string(id) + " was started but is no longer in the database");
    }
    // Members: each registered by an entry, with the PIN verifier it recorded (a PIN changed in
    // the database by hand shows here).
    auto mq = db.prepare("SELECT name, role, pin_verifier FROM members");
    std::set<std::string> members_seen;
    while (mq.step()) {
      const std::string name = mq.text(0);
      members_seen.insert(name);
      const auto e = member_events.find(name);
      if (e == member_events.end() || e->second.role != mq.text(1) || e->second.pin_verifier_sha256 != sha256_hex(mq.text(2))) {
        note(0, "member " + name + " is not as any audit entry registered them (added or PIN changed outside the program)");
      }
    }
    for (const auto& [name, e] : member_events) {
      if (members_seen.count(name) == 0) note(0, "member " + name + " was registered but is no longer in the database");
    }
    auto integrity = db.prepare("PRAGMA integrity_check");
    if (integrity.step() && integrity.text(0) != "ok") note(0, "SQLite integrity check: " + integrity.text(0));
  } catch (const std::exception& e) {
    note(0, std::string("the database cannot be read: ") + e.what());
  }
  return problems;
}

}  // namespace kp::tally
