#pragma once
// One translation context for every text of the console: the source texts are Vietnamese (the
// default), and ui/translations/kiemphieu_en.ts gives the English (Qt Linguist). lupdate finds
// every Tr::tr("…") call; a test checks that each has its translation.
#include <QCoreApplication>
#include <QString>

#include <string>

namespace kp::ui {

struct Tr {
  Q_DECLARE_TR_FUNCTIONS(Tr)  // the context lupdate gives calls spelt Tr::tr
};

inline QString qs(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
inline std::string us(const QString& s) { return s.toUtf8().toStdString(); }

}  // namespace kp::ui
