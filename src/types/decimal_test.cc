#include "types/decimal.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

TEST(DecimalTest, ParsesAndRoundsHalfUp) {
  EXPECT_EQ(DecimalToString(*ParseDecimal("12.345", 10, 2), 2), "12.35");
  EXPECT_EQ(DecimalToString(*ParseDecimal("-12.345", 10, 2), 2), "-12.35");
  EXPECT_EQ(DecimalToString(*ParseDecimal("1e3", 10, 1), 1), "1000.0");
  EXPECT_EQ(DecimalToString(*ParseDecimal("  0.001 ", 5, 3), 3), "0.001");
  EXPECT_EQ(DecimalToString(*ParseDecimal(".5", 5, 0), 0), "1");
}

TEST(DecimalTest, RejectsTextThatIsNotANumberOrTooLarge) {
  EXPECT_FALSE(ParseDecimal("abc", 10, 2).ok());
  EXPECT_FALSE(ParseDecimal("1.2.3", 10, 2).ok());
  Result<Int128> too_big = ParseDecimal("123456", 5, 2);
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().message().find("DECIMAL(5, 2)"), std::string::npos);
}

TEST(DecimalTest, FormatsPlainWithScaleDigits) {
  EXPECT_EQ(DecimalToString(908, 3), "0.908");
  EXPECT_EQ(DecimalToString(-5, 1), "-0.5");
  EXPECT_EQ(DecimalToString(0, 2), "0.00");
  EXPECT_EQ(DecimalToString(PowerOfTen(38) - 1, 0), std::string(38, '9'));
}

TEST(DecimalTest, RescalesAndDivides) {
  EXPECT_EQ(*RescaleDecimal(12345, 3, 1), 123);      // 12.345 -> 12.3
  EXPECT_EQ(*RescaleDecimal(12355, 3, 2), 1236);     // 12.355 -> 12.36
  EXPECT_EQ(*RescaleDecimal(-15, 1, 0), -2);         // -1.5 -> -2 (half up away from zero)
  EXPECT_EQ(*DivideDecimal(1, 0, 3, 0, 6), 333333);  // 1/3 = 0.333333
  EXPECT_EQ(*DivideDecimal(2, 0, 3, 0, 6), 666667);
  EXPECT_FALSE(MultiplyChecked(PowerOfTen(38), PowerOfTen(2)).has_value());
}

TEST(DecimalTest, ConvertsDoublesThroughTheirShortestText) {
  EXPECT_EQ(*DecimalFromDouble(0.1, 10, 3), 100);
  EXPECT_EQ(*DecimalFromDouble(2.675, 10, 2), 268);
  EXPECT_FALSE(DecimalFromDouble(1e30, 10, 2).has_value());
}

}  // namespace
}  // namespace tiangong
