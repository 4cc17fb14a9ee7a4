#include <gtest/gtest.h>

#include "functions/test_calls.h"
#include "types/decimal.h"

namespace tiangong {
namespace {

TEST(ArithmeticTest, IntegersWrapLikeJava) {
  auto sum = CallFunction("+", {Literal(DataType::Int(), Value::Int(2147483647)),
                                Literal(DataType::Int(), Value::Int(1))});
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->type.ToString(), "INT");
  EXPECT_EQ(sum->values[0].AsInt(), -2147483648LL);
}

TEST(ArithmeticTest, IntegerDivisionTruncatesAndFailsOnZero) {
  EXPECT_EQ(CallScalar("/", {Literal(DataType::Int(), Value::Int(-7)),
                             Literal(DataType::Int(), Value::Int(2))})
                ->AsInt(),
            -3);
  auto by_zero = CallFunction("/", {Column(DataType::Int(), {Value::Int(5), Value()}),
                                    Column(DataType::Int(), {Value::Int(0), Value::Int(0)})});
  ASSERT_FALSE(by_zero.ok());
  EXPECT_NE(by_zero.status().message().find("Division by zero: 5 / 0"), std::string::npos);
  // NULL / 0 is NULL, not an error.
  auto null_only = CallFunction(
      "/", {Column(DataType::Int(), {Value()}), Column(DataType::Int(), {Value::Int(0)})});
  ASSERT_TRUE(null_only.ok());
  EXPECT_TRUE(null_only->values[0].is_null());
}

TEST(ArithmeticTest, DecimalTypesFollowFlink) {
  // 0.908 * price, as in Nexmark q1: DECIMAL(3, 3) * BIGINT = DECIMAL(23, 3).
  auto product = CallFunction("*", {Literal(DataType::Decimal(3, 3, false), Value::Decimal(908)),
                                    Column(DataType::BigInt(), {Value::Int(1000), Value::Int(7)})});
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  EXPECT_EQ(product->type.WithNullable(true).ToString(), "DECIMAL(23, 3)");
  EXPECT_EQ(DecimalToString(product->values[0].AsDecimal(), 3), "908.000");
  EXPECT_EQ(DecimalToString(product->values[1].AsDecimal(), 3), "6.356");
  auto quotient = CallFunction("/", {Literal(DataType::Decimal(5, 2), Value::Decimal(100)),
                                     Literal(DataType::Decimal(5, 2), Value::Decimal(300))});
  ASSERT_TRUE(quotient.ok());
  EXPECT_EQ(quotient->type.WithNullable(true).ToString(), "DECIMAL(13, 8)");
  EXPECT_EQ(DecimalToString(quotient->values[0].AsDecimal(), 8), "0.33333333");
}

TEST(ArithmeticTest, ModTakesTheSecondArgumentsTypeButIsExact) {
  auto mod = CallFunction("MOD", {Literal(DataType::BigInt(), Value::Int(10000000123LL)),
                                  Literal(DataType::Int(), Value::Int(123))});
  ASSERT_TRUE(mod.ok()) << mod.status().ToString();
  EXPECT_EQ(mod->type.ToString(), "INT");
  EXPECT_EQ(mod->values[0].AsInt(), 10000000123LL % 123);
}

TEST(ArithmeticTest, TimestampPlusInterval) {
  // 2020-01-31 00:00 + 1 month = 2020-02-29 (clamped to the month's end).
  int64_t january = 18292LL * 86400 * 1000000;
  auto later = CallScalar("+", {Literal(DataType::Timestamp(3), Value::Int(january)),
                                Literal(DataType::IntervalYearMonth(), Value::Int(1))});
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_EQ(later->AsInt(), january + 29LL * 86400 * 1000000);
}

TEST(ArithmeticTest, RejectsStrings) {
  auto bad = CallFunction("+", {Literal(DataType::String(), Value::String("a")),
                                Literal(DataType::Int(), Value::Int(1))});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Invalid function call: +(STRING, INT)"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace tiangong
