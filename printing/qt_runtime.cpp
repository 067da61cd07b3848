#include "printing/internal/qt_runtime.hpp"

#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include <QFontDatabase>
#include <QGuiApplication>

#include "printing/render_session.hpp"

namespace kp::printing {
namespace {
RenderSession* g_session = nullptr;  // the one live session; only main() creates it
QString g_family;
}  // namespace

struct RenderSession::Impl {
  int argc = 1;
  char name[10] = "kiemphieu";
  char* argv[2] = {name, nullptr};
  std::unique_ptr<QGuiApplication> app;
  std::vector<int> font_ids;
};

RenderSession::RenderSession() : impl_(std::make_unique<Impl>()) {
  if (g_session != nullptr) throw std::logic_error("a RenderSession is already alive");
  if (QCoreApplication::instance() == nullptr) {
    // The command line renders without a window system. Qt also wants a private runtime
    // folder, which a service account or CI often lacks; give it one rather than a warning.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
      const QByteArray dir = QByteArray("/tmp/kiemphieu-runtime-") + QByteArray::number(static_cast<qulonglong>(::getuid()));
      ::mkdir(dir.constData(), 0700);
      qputenv("XDG_RUNTIME_DIR", dir);
    }
    impl_->app = std::make_unique<QGuiApplication>(impl_->argc, impl_->argv);
  }
  g_family.clear();
  const int regular = QFontDatabase::addApplicationFont(QStringLiteral(KP_FONT_DIR "/DejaVuSans.ttf"));
  const int bold = QFontDatabase::addApplicationFont(QStringLiteral(KP_FONT_DIR "/DejaVuSans-Bold.ttf"));
  if (regular >= 0 && bold >= 0) {
    impl_->font_ids = {regular, bold};
    const QStringList families = QFontDatabase::applicationFontFamilies(regular);
    if (!families.isEmpty()) g_family = families.front();
  }
  g_session = this;
}

RenderSession::~RenderSession() {
  for (int id : impl_->font_ids) QFontDatabase::removeApplicationFont(id);
  g_family.clear();
  g_session = nullptr;
}

bool RenderSession::fonts_loaded() const { return !g_family.isEmpty(); }

namespace internal {

QString ballot_font_family() {
  if (g_session == nullptr) throw std::logic_error("rendering needs a live kp::printing::RenderSession");
  return g_family;
}

}  // namespace internal
}  // namespace kp::printing
