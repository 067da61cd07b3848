#pragma once
// One translation context for every text of the console: the source texts are Vietnamese (the
// default), and ui/translations/kiemphieu_en.ts gives the English (Qt Linguist). lupdate finds
// every Tr::tr("…") call; a test checks that each has its translation.
#include <QCoreApplication>
#include <QString>

#include <string>

#include "common/text.hpp"

namespace kp::ui {

struct Tr {
  Q_DECLARE_TR_FUNCTIONS(Tr)  // the context lupdate gives calls spelt Tr::tr
};

// The console's language, as the installed translation gives it: the words of the catalogue
// (common/words.hpp: reasons, flags, states, outcomes) follow it like every Tr::tr text.
inline Lang ui_language() { return Tr::tr("vi", "the language code of this translation") == QLatin1String("en") ? Lang::en : Lang::vi; }

inline QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
inline std::string us(const QString& s) { return s.toUtf8().toStdString(); }

}  // namespace kp::ui
