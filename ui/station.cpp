#include "ui/internal/station.hpp"

#include <QCoreApplication>

#include "ui/internal/tr.hpp"

namespace kp::ui {

Station::Station(Lang lang, QObject* parent) : QObject(parent), lang_(lang) {
  // Every 100 ms one one-row query says whether anything changed; with the recount's own time
  // (kp_bench: BM_ResultsRefresh) a counted sheet is on screen well within 200 ms.
  connect(&poll_timer_, &QTimer::timeout, this, &Station::poll);
  poll_timer_.start(100);
}

bool Station::open(const std::string& path, QString* error) {
  auto opened = tally::CongressDb::open(path);
  if (!opened) {
    if (error != nullptr) *error = said(opened.error());
    return false;
  }
  if (member_) sign_out();
  db_.emplace(std::move(*opened));
  path_ = path;
  seen_event_ = -1;
  rounds_in_book_ = 0;
  update_layouts();
  emit database_changed();
  poll();
  return true;
}

Result<void> Station::create(const std::string& path, const std::string& election_toml, const std::string& source_name) {
  {
    auto created = tally::CongressDb::create(path, election_toml, source_name);
    if (!created) return tl::unexpected(created.error());
  }  // closed here, opened again as the station's
  QString error;
  if (!open(path, &error)) return tl::unexpected(Error{"database_error", {us(error), us(error)}, path});
  return {};
}

Result<tally::MemberRow> Station::sign_in(const std::string& name, const std::string& pin) {
  if (!db_) return tl::unexpected(Error{"no_database", {"Chưa mở đại hội nào", "No congress is open"}, ""});
  if (member_) sign_out();
  auto member = db_->sign_in(name, pin);
  if (member) {
    member_ = *member;
    pin_ = pin;
    emit member_changed();
  }
  poll();
  return member;
}

void Station::sign_out() {
  if (!member_) return;
  if (db_) (void)db_->sign_out(member_->name);  // a failed entry shows in the next poll as an unreadable database
  member_.reset();
  pin_.assign(pin_.size(), '\0');
  pin_.clear();
  emit member_changed();
  poll();
}

QString Station::program() { return QCoreApplication::applicationDirPath() + QStringLiteral("/kiemphieu"); }

QStringList Station::program_arguments(const QStringList& command) const {
  return QStringList{"--lang", lang_ == Lang::en ? "en" : "vi"} + command;
}

QString Station::said(const Error& error) const { return qs(lang_ == Lang::en ? error.message.en : error.message.vi); }

void Station::poll() {
  if (!db_) return;
  const auto event = db_->last_event();
  if (!event || *event == seen_event_) return;
  seen_event_ = *event;
  update_layouts();
  emit changed();
}

void Station::update_layouts() {
  // A round opened since: its ballots' layout joins the book (rounds are only ever added).
  if (const auto rounds = db_->rounds(); rounds && rounds->size() != rounds_in_book_) {
    layouts_.load(db_->election(), *rounds);
    rounds_in_book_ = rounds->size();
  }
}

}  // namespace kp::ui
