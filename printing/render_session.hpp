#pragma once
// The renderer draws with Qt's painter, which needs a Qt application object and the ballot
// fonts. A program that renders holds one RenderSession for as long as it renders; it creates
// an offscreen application when none exists (the command line) and uses the console's own
// otherwise. Destroying it before main() returns keeps Qt's teardown in order.
#include <memory>

namespace kp::printing {

class RenderSession {
 public:
  RenderSession();
  ~RenderSession();
  RenderSession(const RenderSession&) = delete;
  RenderSession& operator=(const RenderSession&) = delete;

  // False when the fonts could not be loaded (package fonts-dejavu-core missing).
  [[nodiscard]] bool fonts_loaded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kp::printing
