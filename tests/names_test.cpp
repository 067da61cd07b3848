// Vietnamese names: NFC normalisation and the A-B-C order of the list (given name, then family
// name, then middle name) under ICU's Vietnamese collation — not byte order.
#include <gtest/gtest.h>

#include "config/names.hpp"

namespace kp::config {
namespace {

TEST(Names, NormalisesToNfcAndFoldsSpaces) {
  const std::string decomposed = "  Nguye\xCC\x82\xCC\x83n   Va\xCC\x86n\tAn ";  // e + ^ + ~, a + breve
  EXPECT_EQ(normalize_name(decomposed), "Nguyễn Văn An");
  EXPECT_EQ(normalize_name("\xC3\x28"), "");  // not UTF-8
}

TEST(Names, SplitsFamilyMiddleGiven) {
  const NameParts p = split_name("Ngô Thị Thanh Hương");
  EXPECT_EQ(p.family, "Ngô");
  EXPECT_EQ(p.middle, "Thị Thanh");
  EXPECT_EQ(p.given, "Hương");
  const NameParts two = split_name("Lê Lợi");
  EXPECT_EQ(two.family, "Lê");
  EXPECT_EQ(two.middle, "");
  EXPECT_EQ(two.given, "Lợi");
}

// Each pair is in list order; a byte-order (or code-point) sort gets every one of them wrong.
TEST(Names, VietnameseOrderWhereByteOrderFails) {
  const VietnameseNameOrder order;
  const auto before = [&](const std::string& a, const std::string& b) { return order.before(split_name(a), split_name(b)); };
  EXPECT_TRUE(before("Trần Văn Dũng", "Lê Văn Đức"));     // D before Đ (U+0110 sorts after Z in bytes)
  EXPECT_TRUE(before("Lê Văn Đức", "Phạm Văn Em"));       // Đ before E
  EXPECT_TRUE(before("Vũ Thị Ánh", "Bùi Thị Ân"));        // a before â (by letter, the tone is secondary)
  EXPECT_TRUE(before("Bùi Thị Ân", "Hà Văn Bình"));       // â before b
  EXPECT_TRUE(before("Đỗ Văn Hùng", "Lý Văn Hưng"));      // u before ư
  EXPECT_TRUE(before("Mai Thị Oanh", "Hồ Thị Ơn"));       // o before ơ
  EXPECT_TRUE(before("Võ Văn Ơn", "Lê Văn Phúc"));        // ơ before p
  // Same given name: the family name decides, then the middle name.
  EXPECT_TRUE(before("Bùi Văn An", "Nguyễn Văn An"));
  EXPECT_TRUE(before("Nguyễn Thị An", "Nguyễn Văn An"));
  // Tones order a, à, ả, ã, á, ạ among otherwise equal names.
  EXPECT_TRUE(before("Lê Văn Ba", "Lê Văn Bà"));
  EXPECT_TRUE(before("Lê Văn Bà", "Lê Văn Bá"));
  EXPECT_FALSE(before("Lê Văn Bá", "Lê Văn Bà"));
}

TEST(Names, SortsAWholeList) {
  const std::vector<std::string> shuffled{"Đặng Quốc Hùng", "Nguyễn Văn An", "Vũ Thị Ân", "Phạm Thị Dung",
                                          "Lê Văn Đức", "Hoàng Minh Ánh", "Đỗ Văn Hưng", "Trần Thị Bình"};
  const std::vector<std::string> expected{"Nguyễn Văn An", "Hoàng Minh Ánh", "Vũ Thị Ân", "Trần Thị Bình",
                                          "Phạm Thị Dung", "Lê Văn Đức", "Đặng Quốc Hùng", "Đỗ Văn Hưng"};
  EXPECT_EQ(sort_names(shuffled), expected);
  // And byte order would not have produced it.
  std::vector<std::string> bytes = shuffled;
  std::sort(bytes.begin(), bytes.end(), [](const std::string& a, const std::string& b) {
    return split_name(a).given < split_name(b).given;
  });
  EXPECT_NE(bytes, expected);
}

}  // namespace
}  // namespace kp::config
