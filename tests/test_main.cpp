// The test program's main: one render session (Qt application and ballot fonts) for every test.
#include <gtest/gtest.h>

#include "printing/render_session.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const kp::printing::RenderSession session;
  if (!session.fonts_loaded()) {
    std::fprintf(stderr, "the ballot fonts did not load: install fonts-dejavu-core\n");
    return 1;
  }
  return RUN_ALL_TESTS();
}
