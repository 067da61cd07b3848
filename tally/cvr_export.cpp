// Cast vote records (NIST SP 1500-103) with a signed Merkle root, and the check of an export.
#include "tally/internal/congress_impl.hpp"

#include "common/files.hpp"

namespace kp::tally {

namespace {

// The Merkle root of leaf hashes (hex): pairs hashed level by level, an odd last one carried up.
std::string merkle_root(std::vector<std::string> level) {
  if (level.empty()) return sha256_hex(std::string());
  while (level.size() > 1) {
    std::vector<std::string> next;
    for (std::size_t i = 0; i < level.size(); i += 2) next.push_back(i + 1 < level.size() ? sha256_hex(level[i] + level[i + 1]) : level[i]);
    level = std::move(next);
  }
  return level.front();
}

Json cvr_snapshot(const std::string& id, const std::string& type, const config::Contest& contest, const std::map<std::string, MarkState>& marks,
                  const std::map<std::string, double>& scores) {
  Json selections = Json::array();
  for (const auto& c : contest.candidates) {
    const auto it = marks.find(c.id);
    if (it == marks.end()) continue;
    const MarkState s = it->second;
    // A vote is a name left on a strike ballot, or an agree box.
    const bool vote = s == MarkState::kept || s == MarkState::agree;
    const bool indication = s != MarkState::kept && s != MarkState::none;
    Json position{{"@type", "CVR.SelectionPosition"}, {"HasIndication", indication ? "yes" : "no"},
                  {"IsAllocable", s == MarkState::unclear ? "unknown" : "yes"}, {"NumberVotes", vote ? 1 : 0},
                  {"OtherStatus", std::string("kiemphieu:") + std::string(to_string(s))}, {"Status", Json::array({"other"})}};
    if (const auto sc = scores.find(c.id); sc != scores.end()) position["MarkMetricValue"] = Json::array({std::to_string(sc->second)});
    selections.push_back({{"@type", "CVR.CVRContestSelection"}, {"ContestSelectionId", c.id}, {"SelectionPosition", Json::array({position})}});
  }
  return {{"@type", "CVR.CVRSnapshot"}, {"@id", id}, {"Type", type},
          {"CVRContest", Json::array({{{"@type", "CVR.CVRContest"}, {"ContestId", contest.id}, {"CVRContestSelection", selections}}})}};
}

}  // namespace

Result<CongressDb::ExportSummary> CongressDb::export_cvr(const std::string& dir, ExportFor audience) {
  try {
    const auto all = sheets();
    if (!all) return tl::unexpected(all.error());
    const auto head_then = head();
    if (!head_then) return tl::unexpected(head_then.error());
    const bool outside = audience == ExportFor::outside;
    fs::create_directories(fs::path(dir) / "cvr");
    std::vector<std::string> leaves;
    Json files = Json::array();
    for (const auto& s : *all) {
      if (s.status != SheetStatus::counted) continue;
      const config::Contest* contest = impl_->election->find_contest(s.contest_id);
      if (contest == nullptr) continue;
      // The reading as recognised, from the stored recognition line.
      const Json line = Json::parse(s.recognition, nullptr, false);
      std::map<std::string, MarkState> original;
      std::map<std::string, double> scores;
      for (const auto& m : line.value("marks", Json::array())) {
        if (auto st = parse_mark_state(m.value("state", ""))) original[m.value("candidate_id", "")] = *st;
        scores[m.value("candidate_id", "")] = m.value("score", 0.0);
      }
      const std::string id = "sheet-" + std::to_string(s.id);
      Json snapshots = Json::array({cvr_snapshot(id + "-original", "original", *contest, original, scores)});
      std::string current = id + "-original";
      auto q = impl_->db->prepare("SELECT reason, member1, member2, at FROM adjudications WHERE sheet_id = ? ORDER BY id DESC LIMIT 1");
      q.bind(1, s.id);
      if (q.step()) {
        Json modified = cvr_snapshot(id + "-modified", "modified", *contest, s.marks, {});
        modified["Annotation"] = Json::array({{{"@type", "CVR.Annotation"}, {"AdjudicatorName", Json::array({q.text(1), q.text(2)})},
                                               {"Message", Json::array({q.text(0)})}, {"TimeStamp", q.text(3)}}});
        snapshots.push_back(modified);
        current = id + "-modified";
      }
      Json cvr{{"@type", "CVR.CVR"}, {"@id", id}, {"BallotStyleId", s.contest_id}, {"CurrentSnapshotId", current}, {"CVRSnapshot", snapshots}};
      if (!outside) {
        cvr["BallotPrePrintedId"] = std::to_string(s.serial);
        cvr["BallotImage"] = Json::array({{{"@type", "CVR.ImageData"}, {"Location", "file:" + s.stored_file},
                                           {"Hash", {{"@type", "CVR.Hash"}, {"Type", "sha-256"}, {"Value", s.image_sha256}}}}});
      }
      for (const auto f : s.flags) cvr["kiemphieu:Findings"].push_back(std::string(to_string(f)));
      // Not scanned: two members entered it by hand (its "image" is their entry, its ruling their marks).
      if (entered_by_hand(s)) cvr["kiemphieu:EnteredByHand"] = true;
      const Json report{{"@type", "CVR.CastVoteRecordReport"}, {"Version", "1.0.0"}, {"ReportType", Json::array({"originating-device-export"})},
                        {"ReportGeneratingDeviceIds", Json::array({"station-" + key_fingerprint().substr(0, 16)})},
                        {"Election", Json::array({{{"@type", "CVR.Election"}, {"@id", impl_->election->id}, {"Name", impl_->election->congress}}})},
                        {"CVR", Json::array({cvr})}};
      const std::string text = report.dump(1);
      const std::string name = "cvr/" + id + ".json";
      if (!write_durably(fs::path(dir) / name, text)) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, name);
      leaves.push_back(sha256_hex(text));
      files.push_back({{"file", name}, {"sha256", leaves.back()}});
    }
    ExportSummary summary;
    summary.records = leaves.size();
    summary.merkle_root = merkle_root(leaves);
    summary.log_head = *head_then;
    Json manifest{{"election_id", impl_->election->id}, {"election_hash", impl_->election->content_hash}, {"records", files},
                  {"merkle_root", summary.merkle_root}, {"key_fingerprint", key_fingerprint()}, {"public_key", impl_->public_pem},
                  {"log_head", summary.log_head}, {"for", outside ? "outside" : "committee"}};
    if (impl_->private_pem.empty()) return tl::unexpected(impl_->key_not_at_hand());
    manifest["signature"] = internal::sign_hex(impl_->private_pem, summary.merkle_root);
    summary.manifest_path = (fs::path(dir) / "manifest.json").string();
    if (!write_durably(summary.manifest_path, manifest.dump(1))) return fail("write_failed", {"Không ghi được tệp", "Cannot write the file"}, summary.manifest_path);
    Transaction tx(*impl_->db);
    impl_->append(internal::CvrExportEntry{static_cast<std::int64_t>(summary.records), summary.merkle_root, outside ? "outside" : "committee"});
    tx.commit();
    return summary;
  } catch (const std::exception& e) {
    return tl::unexpected(db_error(impl_->path, e));
  }
}

std::vector<std::string> verify_cvr_export(const std::string& dir) {
  std::vector<std::string> problems;
  const fs::path manifest_path = fs::path(dir) / "manifest.json";
  const Json manifest = Json::parse(read_stored_file(manifest_path), nullptr, false);
  if (!manifest.is_object()) return {manifest_path.string() + ": no readable manifest"};
  std::vector<std::string> leaves;
  for (const auto& f : manifest.value("records", Json::array())) {
    const std::string name = f.value("file", "");
    const fs::path file = fs::path(dir) / name;
    if (!fs::exists(file)) {
      problems.push_back(name + ": missing");
      continue;
    }
    const std::string hash = sha256_hex(read_stored_file(file));
    if (hash != f.value("sha256", "")) problems.push_back(name + ": changed since it was exported");
    leaves.push_back(f.value("sha256", ""));
  }
  const std::string root = manifest.value("merkle_root", "");
  if (merkle_root(leaves) != root) problems.push_back("manifest.json: the Merkle root does not match the records listed");
  if (!internal::verify_hex(manifest.value("public_key", ""), root, manifest.value("signature", ""))) {
    problems.push_back("manifest.json: the signature over the Merkle root is not the station's");
  }
  if (internal::key_fingerprint(manifest.value("public_key", "")) != manifest.value("key_fingerprint", "")) {
    problems.push_back("manifest.json: the key fingerprint does not match its public key");
  }
  return problems;
}

}  // namespace kp::tally
