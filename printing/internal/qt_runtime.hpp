#pragma once
// Internal to printing/: the font family registered by the live RenderSession.
#include <QString>

namespace kp::printing::internal {

// The ballot font family; empty when the fonts failed to load. Throws std::logic_error when no
// RenderSession is alive: rendering without one is a programming error.
QString ballot_font_family();

}  // namespace kp::printing::internal
