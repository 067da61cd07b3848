#include "station/scan_batch.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/files.hpp"

namespace kp::station {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// The device's events, pulled on their own thread and handed over in order.
class EventPump {
 public:
  explicit EventPump(scanner::ScanSession& session)
      : thread_([this, &session] {
          while (true) {
            scanner::ScanEvent e = session.next();
            const bool last = std::holds_alternative<scanner::BatchEnded>(e);
            {
              std::lock_guard lock(mutex_);
              queue_.push_back(std::move(e));
            }
            ready_.notify_one();
            if (last) return;
          }
        }) {}

  scanner::ScanEvent pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    scanner::ScanEvent e = std::move(queue_.front());
    queue_.pop_front();
    return e;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<scanner::ScanEvent> queue_;
  std::jthread thread_;
};

Json totals_json(const BatchTotals& t) {
  return Json{{"counted", t.ballots_counted}, {"waiting", t.ballots_waiting}, {"refused", t.papers_refused}, {"already_stored", t.papers_already_stored}};
}

Text status_words(scanner::StatusKind kind) {
  if (kind == scanner::StatusKind::cover_open) return {"Nắp máy quét đang mở", "Cover open"};
  return {"Máy quét đang khởi động đèn…", "The scanner is warming up…"};
}

}  // namespace

void accumulate(BatchTotals& t, const BatchEvent& event) {
  if (const auto* s = std::get_if<SideEvent>(&event)) {
    if (s->duplicate) ++t.sides_already_stored;
    else if (s->status == tally::SheetStatus::counted) ++t.sides_counted;
    else if (s->status == tally::SheetStatus::waiting) ++t.sides_waiting;
    else ++t.sides_rejected;
  } else if (const auto* p = std::get_if<PaperEvent>(&event)) {
    ++t.papers;
    if (p->blank_back_dropped) ++t.blank_backs;
    t.longest_scan_to_stored_ms = std::max(t.longest_scan_to_stored_ms, p->scan_to_stored_ms);
    switch (p->state) {
      case PaperState::counted: ++t.ballots_counted; break;
      case PaperState::waiting: ++t.ballots_waiting; break;
      case PaperState::refused: ++t.papers_refused; break;
      case PaperState::already_stored: ++t.papers_already_stored; break;
    }
  } else if (std::holds_alternative<FaultEvent>(event)) {
    ++t.faults;
  } else if (std::holds_alternative<ProblemEvent>(event)) {
    ++t.problems;
  }
}

std::string batch_event_json(const BatchEvent& event, Lang lang) {
  if (const auto* s = std::get_if<SideEvent>(&event)) {
    return Json{{"sheet", s->sheet}, {"side", s->side}, {"image", s->image}, {"sheet_id", s->sheet_id}, {"duplicate", s->duplicate},
                {"round", s->round}, {"status", tally::to_string(s->status)}, {"wait_reasons", tally::reason_codes(s->wait_reasons)}}
        .dump();
  }
  if (const auto* p = std::get_if<PaperEvent>(&event)) {
    return Json{{"paper", p->sheet}, {"state", to_string(p->state)}, {"blank_back_dropped", p->blank_back_dropped}, {"scan_to_stored_ms", p->scan_to_stored_ms}}
        .dump();
  }
  if (const auto* f = std::get_if<FaultEvent>(&event)) {
    return Json{{"fault", f->kind}, {"sheet", f->sheet}, {"images_trusted", f->images_trusted}, {"message", f->message.in(lang)}, {"detail", f->detail}}
        .dump();
  }
  if (const auto* st = std::get_if<StatusEvent>(&event)) return Json{{"status_of_scanner", st->kind}, {"message", st->message.in(lang)}}.dump();
  if (const auto* pr = std::get_if<ProblemEvent>(&event)) {
    return Json{{"problem", pr->error.code}, {"message", pr->error.message.in(lang)}, {"where", pr->error.where}}.dump();
  }
  const auto& e = std::get<BatchEndEvent>(event);
  const BatchTotals& t = e.totals;
  // "counted", "waiting", "rejected" and "duplicates" are sides, as before the ballots were added.
  return Json{{"batch", e.batch},
              {"end", e.end},
              {"sheets", t.papers},
              {"ballots", totals_json(t)},
              {"counted", t.sides_counted},
              {"waiting", t.sides_waiting},
              {"rejected", t.sides_rejected},
              {"duplicates", t.sides_already_stored},
              {"blank_backs", t.blank_backs},
              {"faults", t.faults},
              {"problems", t.problems},
              {"longest_scan_to_stored_ms", t.longest_scan_to_stored_ms}}
      .dump();
}

std::optional<BatchEvent> parse_batch_event(std::string_view line) {
  const Json j = Json::parse(line, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    if (j.contains("sheet_id")) {
      SideEvent s;
      s.sheet = j.value("sheet", std::int64_t{0});
      s.side = j.value("side", "");
      s.image = j.value("image", "");
      s.sheet_id = j.at("sheet_id").get<std::int64_t>();
      s.duplicate = j.value("duplicate", false);
      s.round = j.value("round", 0);
      const auto status = tally::parse_sheet_status(j.value("status", ""));
      if (!status) return std::nullopt;
      s.status = *status;
      for (const auto& r : j.value("wait_reasons", Json::array())) {
        if (auto reason = tally::parse_wait_reason(r.get<std::string>())) s.wait_reasons.push_back(*reason);
      }
      return s;
    }
    if (j.contains("paper")) {
      PaperEvent p;
      p.sheet = j.at("paper").get<std::int64_t>();
      const std::string state = j.value("state", "");
      bool known = false;
      for (const auto s : {PaperState::counted, PaperState::waiting, PaperState::refused, PaperState::already_stored}) {
        if (to_string(s) == state) {
          p.state = s;
          known = true;
        }
      }
      if (!known) return std::nullopt;
      p.blank_back_dropped = j.value("blank_back_dropped", false);
      p.scan_to_stored_ms = j.value("scan_to_stored_ms", 0.0);
      return p;
    }
    if (j.contains("fault")) {
      const std::string message = j.value("message", "");
      return FaultEvent{j.at("fault").get<std::string>(), j.value("sheet", std::int64_t{0}), j.value("images_trusted", false), {message, message},
                        j.value("detail", "")};
    }
    if (j.contains("status_of_scanner")) {
      const std::string message = j.value("message", "");
      return StatusEvent{j.at("status_of_scanner").get<std::string>(), {message, message}};
    }
    if (j.contains("problem")) {
      const std::string message = j.value("message", "");
      return ProblemEvent{Error{j.at("problem").get<std::string>(), {message, message}, j.value("where", "")}};
    }
    if (j.contains("end")) {
      BatchEndEvent e;
      e.batch = j.value("batch", std::int64_t{0});
      e.end = j.at("end").get<std::string>();
      BatchTotals& t = e.totals;
      t.papers = j.value("sheets", std::int64_t{0});
      const Json b = j.value("ballots", Json::object());
      t.ballots_counted = b.value("counted", std::int64_t{0});
      t.ballots_waiting = b.value("waiting", std::int64_t{0});
      t.papers_refused = b.value("refused", std::int64_t{0});
      t.papers_already_stored = b.value("already_stored", std::int64_t{0});
      t.sides_counted = j.value("counted", std::int64_t{0});
      t.sides_waiting = j.value("waiting", std::int64_t{0});
      t.sides_rejected = j.value("rejected", std::int64_t{0});
      t.sides_already_stored = j.value("duplicates", std::int64_t{0});
      t.blank_backs = j.value("blank_backs", std::int64_t{0});
      t.faults = j.value("faults", std::int64_t{0});
      t.problems = j.value("problems", std::int64_t{0});
      t.longest_scan_to_stored_ms = j.value("longest_scan_to_stored_ms", 0.0);
      return e;
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return std::nullopt;
}

std::string batch_progress_text(const BatchTotals& t, Lang lang) {
  const bool en = lang == Lang::en;
  const auto n = [](std::int64_t v) { return std::to_string(v); };
  std::string out = en ? "Ballots scanned " + n(t.papers) + ", counted " + n(t.ballots_counted) + ", waiting for the committee " + n(t.ballots_waiting)
                       : "Tờ phiếu đã quét " + n(t.papers) + ", đã đếm " + n(t.ballots_counted) + ", chờ Ban kiểm phiếu " + n(t.ballots_waiting);
  if (t.papers_refused > 0) out += (en ? ", refused " : ", bị từ chối ") + n(t.papers_refused);
  if (t.papers_already_stored > 0) out += (en ? ", already stored " : ", đã có từ trước ") + n(t.papers_already_stored);
  const std::int64_t sides = t.sides_counted + t.sides_waiting + t.sides_rejected + t.sides_already_stored;
  out += (en ? " (sides " : " (mặt giấy ") + n(sides) + (t.blank_backs > 0 ? (en ? ", blank backs " : ", mặt sau trắng ") + n(t.blank_backs) : "") + ")";
  return out;
}

bool batch_clean(const BatchEndEvent& end) {
  return (end.end == to_string(scanner::BatchEnd::hopper_empty) || end.end == to_string(scanner::BatchEnd::cancelled)) && end.totals.problems == 0;
}

Result<BatchEndEvent> run_batch(SheetPipeline& pipeline, scanner::ScanSession& session, const BatchRequest& request,
                                const std::function<void(const BatchEvent&)>& sink) {
  tally::CongressDb& db = pipeline.db();
  const std::string identity = session.device().identity();
  const auto batch = db.start_batch(request.source, identity, request.operator_name);
  if (!batch) return tl::unexpected(batch.error());
  BatchEndEvent end;
  end.batch = *batch;
  const auto say = [&](const BatchEvent& e) {
    accumulate(end.totals, e);
    sink(e);
  };
  scanner::BatchEnd ended_as = scanner::BatchEnd::hopper_empty;
  const auto problem = [&](Error e) { say(ProblemEvent{std::move(e)}); };
  bool storing_failed = false;  // once a paper could not be stored, no later one is tried
  {
    EventPump pump(session);
    while (true) {
      scanner::ScanEvent event = pump.pop();
      if (const auto* ended = std::get_if<scanner::BatchEnded>(&event)) {
        ended_as = ended->reason;
        break;
      }
      if (const auto* fault = std::get_if<scanner::Fault>(&event)) {
        say(FaultEvent{std::string(to_string(fault->kind)), fault->sheet, fault->images_trusted, scanner::describe(*fault), fault->detail});
        if (auto logged = db.record_fault(*batch, std::string(to_string(fault->kind)), fault->sheet, fault->images_trusted, fault->detail); !logged) {
          problem(logged.error());
        }
        continue;
      }
      if (const auto* status = std::get_if<scanner::Status>(&event)) {
        if (status->kind == scanner::StatusKind::cover_open || status->kind == scanner::StatusKind::warming_up) {
          say(StatusEvent{std::string(to_string(status->kind)), status_words(status->kind)});
        }
        continue;
      }
      const auto* sheet = std::get_if<scanner::Sheet>(&event);
      if (sheet == nullptr) continue;
      if (storing_failed) {
        // Fed before the feeder stopped: named, so the committee knows which to scan again.
        const std::string n = std::to_string(sheet->number);
        problem({"not_stored",
                 {"Tờ số " + n + " chưa được lưu (trạm đã dừng vì lỗi lưu trữ): quét lại tờ này",
                  "Sheet " + n + " was not stored (the station stopped on a storage error): scan it again"},
                 n});
        continue;
      }
      // Both sides, as the scanner gave them, through the one pipeline: recognised side by side
      // from memory while their images are kept, and stored together in one commit.
      std::vector<std::pair<const scanner::SideImage*, std::string>> sides{{&sheet->front, "front"}};
      if (sheet->back) sides.emplace_back(&*sheet->back, "back");
      Paper paper;
      for (const auto& [side, name] : sides) {
        const std::string called = "batch" + std::to_string(*batch) + "-sheet" + std::to_string(sheet->number) + "-" + name + side->extension;
        const std::string origin = side->origin.empty() ? called : side->origin;
        auto bytes = std::make_shared<const std::vector<unsigned char>>(side->bytes.begin(), side->bytes.end());
        (name == "front" ? paper.first : paper.second.emplace()) = SideFile{origin, called, std::move(bytes)};
      }
      const auto stored = pipeline.take(paper, *batch);
      if (!stored) {
        // The paper could not be stored (the disk, the image folder, the database): said, and the
        // feeder stopped, so no further paper passes through the scanner uncounted. The batch ends
        // as it must (the device thread is waiting on it); the paper is to be scanned again.
        problem(stored.error());
        session.cancel();
        storing_failed = true;
        // In the batch's log too, when the log can still be written (not when the database is gone).
        if (auto logged = db.record_fault(*batch, "storage_failed", sheet->number, false, stored.error().code + ": " + stored.error().message.en); !logged) {
          problem(logged.error());
        }
        continue;
      }
      const double delay_ms = std::chrono::duration<double, std::milli>(Clock::now() - sheet->scanned_at).count();
      for (const auto& s : stored->sides) {
        say(SideEvent{sheet->number, s.scanned_as, s.image, s.outcome.sheet.id, s.outcome.duplicate, s.outcome.sheet.round, s.outcome.sheet.status,
                       s.outcome.sheet.wait_reasons});
      }
      say(PaperEvent{sheet->number, stored->state, stored->blank_back_dropped, delay_ms});
    }
  }
  end.end = std::string(to_string(ended_as));
  if (auto closed = db.end_batch(*batch, end.end); !closed) problem(closed.error());
  sink(end);
  return end;
}

}  // namespace kp::station
