// Admission into the count: scanned sides stored with their audit entries (tally/admission.hpp
// decides their state), the committee's rulings, and the count over the stored sides.
#include "tally/internal/congress_impl.hpp"

#include <algorithm>

#include "common/files.hpp"

namespace kp::tally {

Result<IngestOutcome> CongressDb::ingest(const SheetInput& in) {
  auto outcomes = ingest_batch({in});
  if (!outcomes) return tl::unexpected(outcomes.error());
  return outcomes->front();
}

Result<std::vector<IngestOutcome>> CongressDb::ingest_batch(const std::vector<SheetInput>& inputs) {
  if (auto there = impl_->still_in_place(Impl::Needs::database_and_images); !there) return tl::unexpected(there.error());
  try {
    auto& db = *impl_->db;
    // 1. Every image complete on disk before any row refers to it: written to temporaries, the
    // file system flushed once, renamed, the folder flushed. A process killed here leaves only
    // files that the next attempt reuses.
    std::vector<std::string> hashes, stored_names;
    std::vector<std::pair<fs::path, fs::path>> renames;
    std::set<std::string> pending;
    for (const auto& in : inputs) {
      if (in.kept_image) {
        // Kept while it was recognised; it must still be there.
        hashes.push_back(in.kept_image->sha256);
        stored_names.push_back(in.kept_image->stored_file);
        if (!fs::exists(impl_->images() / stored_names.back())) {
          return fail("write_failed", {"Ảnh đã lưu không còn trong thư mục ảnh", "The kept image is no longer in the image folder"},
                      (impl_->images() / stored_names.back()).string());
        }
        continue;
      }
      std::string read_now;
      if (!in.image_bytes) read_now = read_file_bytes(in.image_path);
      const std::string_view bytes = in.image_bytes ? std::string_view(reinterpret_cast<const char*>(in.image_bytes->data()), in.image_bytes->size())
                                                    : std::string_view(read_now);
      if (bytes.empty()) return fail("file_unreadable", {"Không đọc được tệp ảnh", "Cannot read the image file"}, in.image_path);
      hashes.push_back(sha256_hex(bytes));
      stored_names.push_back(hashes.back() + image_extension(in.image_path));
      const fs::path target = impl_->images() / stored_names.back();
      if (pending.count(target.string()) != 0) continue;
      if (fs::exists(target) && sha256_hex(read_stored_file(target)) == hashes.back()) continue;
      const fs::path temp = internal::temporary_beside(target);
      // Not flushed here: the file system is flushed once for the whole batch below.
      if (!write_file(temp, bytes, false)) return fail("write_failed", {"Không lưu được ảnh", "Cannot store the image"}, target.string());
      renames.emplace_back(temp, target);
      pending.insert(target.string());
    }
    if (!renames.empty()) {
      const int dir = ::open(impl_->images().c_str(), O_RDONLY | O_DIRECTORY);
      if (dir < 0) return fail("write_failed", {"Không mở được thư mục ảnh", "Cannot open the image folder"}, impl_->images().string());
      bool ok = ::syncfs(dir) == 0;
      for (const auto& [temp, target] : renames) ok = ok && ::rename(temp.c_str(), target.c_str()) == 0;
      ok = ok && ::fsync(dir) == 0;
      ::close(dir);
      if (!ok) return fail("write_failed", {"Không lưu được ảnh", "Cannot store the images"}, impl_->images().string());
    }
    // 2. Every row and its audit entry in one transaction: all of the batch or none of it.
    Transaction tx(db);
    std::vector<IngestOutcome> outcomes;
    std::set<std::int64_t> open_batches;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const SheetInput& in = inputs[i];
      const std::string& sha = hashes[i];
      {
        auto q = db.prepare(std::string("SELECT ") + Impl::kSheetColumns + " FROM sheets WHERE image_sha256 = ?");
        q.bind(1, sha);
        if (q.step()) {
          outcomes.push_back({true, impl_->row_from(q)});
          continue;
        }
      }
      if (in.batch_id && open_batches.count(*in.batch_id) == 0) {
        auto b = db.prepare("SELECT 1 FROM batches WHERE id = ? AND ended_at IS NULL");
        b.bind(1, *in.batch_id);
        if (!b.step()) {
          return fail("batch_not_open", {"Đợt quét " + std::to_string(*in.batch_id) + " không mở", "Batch " + std::to_string(*in.batch_id) + " is not open"});
        }
        open_batches.insert(*in.batch_id);
      }
      SheetRow row;
      row.image_name = in.image_name;
      row.image_sha256 = sha;
      row.stored_file = stored_names[i];
      row.contest_id = in.contest_id;
      row.side = std::string(to_string(in.side));
      row.serial = in.serial;
      row.recognition = in.recognition;
      row.batch_id = in.batch_id;
      const Impl::RoundState* round = in.recognised ? impl_->round_printed_as(in.contest_id, in.layout_hash) : nullptr;
      std::optional<RoundPlace> place;
      if (round != nullptr) place = RoundPlace{round->row.round, round->row.open};
      std::optional<std::int64_t> same_serial;
      if (round != nullptr && round->row.open) {
        auto dup = db.prepare("SELECT id FROM sheets WHERE contest_id = ? AND round = ? AND side = ? AND serial = ? AND status != 'rejected'");
        dup.bind(1, in.contest_id).bind(2, std::int64_t{round->row.round}).bind(3, row.side).bind(4, static_cast<std::int64_t>(in.serial));
        if (dup.step()) same_serial = dup.integer(0);
      }
      const SideAdmission admitted = admit_side(in.recognised, place, in.marks, in.findings, same_serial);
      row.round = admitted.round;
      row.status = admitted.status;
      row.wait_reasons = admitted.reasons;
      if (row.status == SheetStatus::counted) row.marks = in.marks;
      Json reasons = reason_codes(row.wait_reasons);
      auto insert = db.prepare(
          "INSERT INTO sheets(image_name, image_sha256, stored_file, contest_id, side, serial, status, wait_reasons, recognition, marks, flags, "
          "round, batch_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
      insert.bind(1, row.image_name).bind(2, sha).bind(3, row.stored_file).bind(4, row.contest_id).bind(5, row.side)
          .bind(6, row.serial).bind(7, std::string(to_string(row.status))).bind(8, reasons.dump()).bind(9, row.recognition)
          .bind(10, marks_json(row.marks).dump()).bind(11, flags_json(row.flags).dump()).bind(12, std::int64_t{row.round});
      if (row.batch_id) {
        insert.bind(13, *row.batch_id);
      } else {
        insert.bind_null(13);
      }
      insert.run();
      row.id = sqlite3_last_insert_rowid(db.handle());
      impl_->append(internal::SheetEntry{row.id, row.image_name, sha, sha256_hex(row.recognition), row.contest_id, row.round, row.side, row.serial,
                                         std::string(to_string(row.status)), reason_codes(row.wait_reasons), marks_json(row.marks),
                                         flags_json(row.flags), row.batch_id});
      outcomes.push_back({false, std::move(row)});
    }
    tx.commit();
    return outcomes;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}




Result<KeptImage> CongressDb::keep_image(const std::vector<unsigned char>& bytes, const std::string& name) const {
  if (bytes.empty()) return fail("file_unreadable", {"Ảnh rỗng, không có gì để lưu", "The image is empty: there is nothing to keep"}, name);
  if (auto there = impl_->still_in_place(Impl::Needs::database_and_images); !there) return tl::unexpected(there.error());
  KeptImage kept{sha256_hex(std::span<const unsigned char>(bytes)), {}};
  kept.stored_file = kept.sha256 + image_extension(name);
  const fs::path target = impl_->images() / kept.stored_file;
  const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::error_code ec;
  if (fs::exists(target, ec) && sha256_hex(read_stored_file(target)) == kept.sha256) return kept;
  // Written, flushed, then renamed: under its final name the file is whole or absent.
  const fs::path temp = internal::temporary_beside(target);
  if (!write_file(temp, view, true)) {
    fs::remove(temp, ec);
    return fail("write_failed", {"Không lưu được ảnh", "Cannot store the image"}, target.string());
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    fs::remove(temp, ec);
    return fail("write_failed", {"Không lưu được ảnh", "Cannot store the image"}, target.string());
  }
  const int dir = ::open(impl_->images().c_str(), O_RDONLY | O_DIRECTORY);
  const bool flushed = dir >= 0 && ::fsync(dir) == 0;
  if (dir >= 0) ::close(dir);
  if (!flushed) return fail("write_failed", {"Không lưu được ảnh", "Cannot store the image"}, impl_->images().string());
  return kept;
}

SideAsRead side_as_read(const SheetRow& sheet) {
  SideAsRead read;
  const Json line = Json::parse(sheet.recognition, nullptr, false);
  if (!line.is_object()) return read;
  // A line is read whatever it holds (audit verify reads tampered ones): wrong types are skipped,
  // never thrown on (nlohmann's value() throws on a key of another type).
  const auto marks = line.find("marks");
  if (marks != line.end() && marks->is_array()) {
    for (const auto& m : *marks) {
      if (!m.is_object() || !m.contains("candidate_id") || !m["candidate_id"].is_string() || !m.contains("state") || !m["state"].is_string()) continue;
      if (const auto state = parse_mark_state(m["state"].get<std::string>())) read.marks[m["candidate_id"].get<std::string>()] = *state;
    }
  }
  const auto flags = line.find("flags");
  if (flags != line.end() && flags->is_array()) {
    for (const auto& f : *flags) {
      if (const auto flag = f.is_string() ? parse_sheet_flag(f.get<std::string>()) : std::nullopt) read.findings.insert(*flag);
    }
  }
  return read;
}

bool entered_by_hand(const SheetRow& sheet) { return std::string_view(sheet.recognition).starts_with(kHandEntryLineStart); }

bool scanned_in_gray(const SheetRow& sheet) {
  const WaitReason gray{WaitKind::flag, std::string(to_string(SheetFlag::stamp_not_checked))};
  return std::find(sheet.wait_reasons.begin(), sheet.wait_reasons.end(), gray) != sheet.wait_reasons.end();
}

bool waits_only_for_the_stamp(const SheetRow& sheet) {
  return sheet.status == SheetStatus::waiting && sheet.wait_reasons.size() == 1 && scanned_in_gray(sheet);
}

std::optional<Error> CongressDb::Impl::ruling_problem(const SheetRow& row, const std::map<std::string, MarkState>& marks,
                                                     const std::set<SheetFlag>& flags) const {
  const auto round = rounds.find({row.contest_id, row.round});
  if (round == rounds.end()) throw SqliteError("a waiting sheet without its round");
  if (!round->second.row.open) return Error{"round_closed", {"Lần bầu của tờ phiếu này đã kết thúc", "The round of this sheet is closed"}, ""};
  const config::Contest* contest = &round->second.row.contest;
  const config::SideLayout* side = round->second.layout.find_side(parse_side(row.side).value_or(Side::front));
  for (const auto& r : side->rows) {
    const auto it = marks.find(r.candidate_id);
    if (it == marks.end() || it->second == MarkState::unclear || !state_fits_form(it->second, contest->ballot)) {
      return Error{"bad_ruling",
                   {"Quyết định phải nêu trạng thái rõ ràng cho " + r.candidate_id + " (" + r.name + ")",
                    "The ruling must give a decided state for " + r.candidate_id + " (" + r.name + ")"},
                   ""};
    }
  }
  for (const auto f : flags) {
    if (f != SheetFlag::no_stamp && f != SheetFlag::write_in && f != SheetFlag::identifying_mark) {
      return Error{"bad_ruling", {"Chỉ ghi được no_stamp, write_in, identifying_mark", "Only no_stamp, write_in, identifying_mark can be ruled"}, ""};
    }
  }
  return std::nullopt;
}

Result<SheetRow> CongressDb::adjudicate(std::int64_t sheet_id, const std::map<std::string, MarkState>& marks, const std::set<SheetFlag>& flags,
                                        const std::string& reason, const std::string& member1, const std::string& member2) {
  try {
    auto row = impl_->find_sheet(sheet_id);
    if (!row) return tl::unexpected(no_sheet(sheet_id));
    if (row->status != SheetStatus::waiting) {
      return fail("not_waiting", {"Tờ phiếu số " + std::to_string(sheet_id) + " không chờ Ban kiểm phiếu quyết định",
                                  "Sheet " + std::to_string(sheet_id) + " is not waiting for the committee"});
    }
    if (auto e = missing_members(reason, member1, member2)) return tl::unexpected(*e);
    if (auto e = impl_->ruling_problem(*row, marks, flags)) return tl::unexpected(*e);
    Transaction tx(*impl_->db);
    impl_->record_ruling(sheet_id, SheetStatus::counted, marks, flags, reason, member1, member2);
    tx.commit();
    row->status = SheetStatus::counted;
    row->marks = marks;
    row->flags = flags;
    return *row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<int> CongressDb::confirm_stamps(const std::vector<std::int64_t>& sheet_ids, const std::string& reason, const std::string& member1,
                                       const std::string& member2) {
  try {
    if (auto e = missing_members(reason, member1, member2)) return tl::unexpected(*e);
    std::set<std::int64_t> seen;
    std::vector<SheetRow> confirmed;
    for (const auto id : sheet_ids) {
      if (!seen.insert(id).second) continue;
      auto row = impl_->find_sheet(id);
      if (!row || !waits_only_for_the_stamp(*row)) {
        const std::string n = std::to_string(id);
        return fail("not_only_stamp", {"Tờ " + n + " không phải tờ chỉ chờ xem dấu đỏ: quyết định riêng tờ đó",
                                       "Sheet " + n + " does not wait only for its stamp to be seen: rule on it by itself"},
                    n);
      }
      if (auto e = impl_->ruling_problem(*row, side_as_read(*row).marks, {})) return tl::unexpected(*e);
      confirmed.push_back(std::move(*row));
    }
    // As read: the marks its scan decided (all decided, or it would wait for them too); the unseen
    // stamp was its only finding, now seen.
    Transaction tx(*impl_->db);
    for (const auto& row : confirmed) impl_->record_ruling(row.id, SheetStatus::counted, side_as_read(row).marks, {}, reason, member1, member2);
    tx.commit();
    return static_cast<int>(confirmed.size());
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

Result<SheetRow> CongressDb::set_aside(std::int64_t sheet_id, const std::string& reason, const std::string& member1,
                                       const std::string& member2) {
  try {
    auto row = impl_->find_sheet(sheet_id);
    if (!row) return tl::unexpected(no_sheet(sheet_id));
    if (row->status == SheetStatus::rejected) {
      return fail("already_aside", {"Tờ phiếu đã bị loại", "The sheet is already set aside or refused"});
    }
    if (auto e = missing_members(reason, member1, member2)) return tl::unexpected(*e);
    if (const auto round = impl_->rounds.find({row->contest_id, row->round}); round != impl_->rounds.end() && !round->second.row.open) {
      return fail("round_closed", {"Lần bầu của tờ phiếu này đã kết thúc: kết quả đã ghi không đổi được",
                                   "The round of this sheet is closed: its recorded result cannot change"});
    }
    Transaction tx(*impl_->db);
    impl_->record_ruling(sheet_id, SheetStatus::rejected, {}, {}, reason, member1, member2);
    tx.commit();
    row->status = SheetStatus::rejected;
    row->marks.clear();
    row->flags.clear();
    return *row;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}


// The count over sheets already read: count() reads them, verify() has them at hand.
CountSummary CongressDb::Impl::count_sheets(const std::vector<SheetRow>& all) const {
  CountSummary summary;
  std::vector<StoredSide> sides;
  std::map<std::int64_t, const SheetRow*> by_id;
  for (const auto& s : all) {
    by_id[s.id] = &s;
    if (s.status == SheetStatus::rejected) {
      ++summary.sides.rejected;
      continue;
    }
    ++(s.status == SheetStatus::counted ? summary.sides.counted : summary.sides.waiting);
    sides.push_back({s.contest_id, s.round, s.serial, s.id, parse_side(s.side).value_or(Side::front), s.status});
  }
  summary.rejected = summary.sides.rejected;
  std::map<std::pair<std::string, int>, int> sides_per_ballot;
  for (const auto& [key, st] : rounds) sides_per_ballot[key] = static_cast<int>(st.layout.sides.size());
  summary.ballots = assemble_ballots(sides, sides_per_ballot);
  // A ballot is all the sides of one serial in one round; it counts when every side is counted, once.
  using RoundKey = std::pair<std::string, int>;
  std::map<RoundKey, std::vector<const BallotState*>> per_round;
  for (const auto& b : summary.ballots) per_round[{b.contest_id, b.round}].push_back(&b);
  const RuleSettings rules = settings_for(election->rules);
  for (const auto* round : ordered_rounds()) {
    const RoundKey key{round->row.contest_id, round->row.round};
    RoundStanding standing;
    standing.closed = !round->row.open;
    standing.closed_at = round->row.closed_at;
    std::vector<BallotRecord> records;
    for (const auto* ballot : per_round[key]) {
      if (ballot->conflicting) {
        ++standing.conflicting_serials;
        continue;
      }
      if (ballot->status == SheetStatus::waiting) {
        ++standing.waiting;
        continue;
      }
      BallotRecord b;
      b.contest_id = key.first;
      bool gray = false;
      bool by_hand = false;
      for (const auto id : ballot->sheet_ids) {
        const SheetRow* s = by_id.at(id);
        by_hand = by_hand || entered_by_hand(*s);
        b.marks.insert(s->marks.begin(), s->marks.end());
        b.flags.insert(s->flags.begin(), s->flags.end());
        gray = gray || scanned_in_gray(*s);
      }
      if (gray && b.flags.count(SheetFlag::no_stamp) == 0) ++standing.stamps_seen_on_paper;
      if (by_hand) ++standing.entered_by_hand;
      records.push_back(std::move(b));
    }
    summary.counted += static_cast<std::int64_t>(records.size());
    summary.waiting += standing.waiting;
    summary.conflicting_serials += standing.conflicting_serials;
    summary.results.push_back(tally::count(*election, round->row.contest, records, round->row.issued, rules));
    const ContestResult& r = summary.results.back();
    if (!standing.closed) {
      if (standing.waiting > 0) standing.provisional_because.emplace_back("ballots_waiting");
      if (!r.issued) standing.provisional_because.emplace_back("issued_missing");
      if (!r.reconciliation.ok()) standing.provisional_because.emplace_back("reconciliation_fails");
      if (standing.conflicting_serials > 0) standing.provisional_because.emplace_back("serial_conflict");
    }
    summary.contests.push_back(round->row.contest);
    summary.standing.push_back(standing);
  }
  summary.final = summary.waiting == 0 && summary.conflicting_serials == 0 &&
                  std::all_of(summary.results.begin(), summary.results.end(), [](const ContestResult& r) { return r.reconciliation.ok() && r.issued; });
  for (const char* why : {"ballots_waiting", "issued_missing", "reconciliation_fails", "serial_conflict"}) {
    const bool any = std::any_of(summary.standing.begin(), summary.standing.end(), [&](const RoundStanding& st) {
      return std::find(st.provisional_because.begin(), st.provisional_because.end(), why) != st.provisional_because.end();
    });
    if (any) summary.provisional_because.emplace_back(why);
  }
  return summary;
}

Result<CountSummary> CongressDb::count() const {
  auto all = sheets();
  if (!all) return tl::unexpected(all.error());
  return impl_->count_sheets(*all);
}

}  // namespace kp::tally
