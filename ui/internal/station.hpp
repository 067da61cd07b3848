#pragma once
// Internal to the console: the counting station's state shared by its screens — the congress
// database, who is signed in, and a poll that tells every screen when the congress changed.
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <optional>
#include <string>

#include "common/text.hpp"
#include "station/authority.hpp"
#include "tally/congress_db.hpp"
#include "ui/internal/models.hpp"

namespace kp::ui {

class Station : public QObject {
  Q_OBJECT

 public:
  Station(Lang lang, QObject* parent);

  // Opens (or, with an election definition, creates) a congress database and makes it the
  // station's; the screens are told. The error is said in the station's language.
  bool open(const std::string& path, QString* error);
  Result<void> create(const std::string& path, const std::string& election_toml, const std::string& source_name);

  [[nodiscard]] tally::CongressDb* db() { return db_ ? &*db_ : nullptr; }
  [[nodiscard]] const tally::CongressDb* db() const { return db_ ? &*db_ : nullptr; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] Lang lang() const { return lang_; }
  [[nodiscard]] const LayoutBook& layouts() const { return layouts_; }

  // Who acts: every action of the console names them in the audit log.
  [[nodiscard]] const std::optional<tally::MemberRow>& member() const { return member_; }
  [[nodiscard]] bool committee_signed_in() const { return member_ && member_->role == tally::MemberRole::committee; }
  [[nodiscard]] bool anyone_signed_in() const { return member_.has_value(); }
  // The secrecy of the vote: a ballot's image (with its serial beside it) is shown only to a
  // signed-in committee member, never to an operator, a passer-by at the screen or an observer.
  [[nodiscard]] bool may_see_ballot_images() const { return committee_signed_in(); }
  Result<tally::MemberRow> sign_in(const std::string& name, const std::string& pin);
  void sign_out();
  // The signed-in member with the PIN they signed in with, for the actions the station layer
  // authorises (station/authority.hpp); kept in memory only while they are signed in.
  [[nodiscard]] station::Credential credential() const { return {member_ ? member_->name : std::string(), pin_}; }

  // The headless program `kiemphieu`, beside the console (in the build tree as when installed),
  // for the actions the console runs as the command line would (a scan, a replay, the record),
  // with the station's language.
  [[nodiscard]] static QString program();
  [[nodiscard]] QStringList program_arguments(const QStringList& command) const;

  // Says in words the error of a result, in the station's language.
  [[nodiscard]] QString said(const Error& error) const;

 signals:
  void changed();           // a new audit entry: something was scanned, ruled, entered…
  void member_changed();    // someone signed in or out
  void database_changed();  // another congress was opened or created

 private:
  void poll();
  void update_layouts();

  Lang lang_;
  std::string path_;
  std::optional<tally::CongressDb> db_;
  std::optional<tally::MemberRow> member_;
  std::string pin_;
  std::int64_t seen_event_ = -1;
  LayoutBook layouts_;
  std::size_t rounds_in_book_ = 0;
  QTimer poll_timer_;
};

}  // namespace kp::ui
