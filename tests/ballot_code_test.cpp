// The ballot's QR payload: encoding, decoding and refusal of anything else.
#include <gtest/gtest.h>

#include "config/ballot_code.hpp"

namespace kp::config {
namespace {

TEST(BallotCode, RoundTrips) {
  const BallotCode code{"dhdb-khoi-2025", "bch", Side::back, "0123456789ab", 48151623};
  const std::string text = encode_ballot_code(code);
  EXPECT_EQ(text, "KP1|dhdb-khoi-2025|bch|B|0123456789ab|48151623");
  const auto decoded = decode_ballot_code(text);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, code);
}

TEST(BallotCode, RefusesOtherCodes) {
  EXPECT_FALSE(decode_ballot_code("https://example.org/").has_value());
  EXPECT_FALSE(decode_ballot_code("KP2|e|c|F|h|1").has_value());
  EXPECT_FALSE(decode_ballot_code("KP1|e|c|X|h|1").has_value());
  EXPECT_FALSE(decode_ballot_code("KP1|e|c|F|h|12x").has_value());
  EXPECT_FALSE(decode_ballot_code("KP1||c|F|h|1").has_value());
  EXPECT_FALSE(decode_ballot_code("KP1|e|c|F|h").has_value());
}

TEST(BallotCode, MatrixIsASquareQrSymbol) {
  const QrMatrix m = qr_matrix("KP1|dhdb-khoi-2025|dai-bieu|F|0123456789ab|99999999");
  // QR versions have 21 + 4k modules a side; this payload needs version 4 or 5.
  EXPECT_EQ((m.size - 21) % 4, 0);
  EXPECT_GE(m.size, 33);
  EXPECT_LE(m.size, 37);
  // The three finder patterns: dark 7×7 rings in three corners.
  EXPECT_TRUE(m.at(0, 0));
  EXPECT_TRUE(m.at(m.size - 1, 0));
  EXPECT_TRUE(m.at(0, m.size - 1));
  EXPECT_FALSE(m.at(1, 1));
}

}  // namespace
}  // namespace kp::config
