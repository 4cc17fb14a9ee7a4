#include "functions/cast.h"

#include <gtest/gtest.h>

#include "types/decimal.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

Result<Value> Cast(Value value, DataType from, DataType to) {
  return CastValue(value, from, to, FunctionContext());
}

TEST(CastTest, StringsParseOrFailWithTheValue) {
  EXPECT_EQ(Cast(Value::String(" 42 "), DataType::String(), DataType::Int())->AsInt(), 42);
  EXPECT_EQ(Cast(Value::String("12.9"), DataType::String(), DataType::BigInt())->AsInt(), 12);
  Result<Value> bad = Cast(Value::String("abc"), DataType::String(), DataType::Int());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "Cannot cast 'abc' to INT: not a number");
  EXPECT_FALSE(Cast(Value::String("300"), DataType::String(), DataType::TinyInt()).ok());
  EXPECT_TRUE(Cast(Value::String("yes"), DataType::String(), DataType::Boolean())->AsBool());
}

TEST(CastTest, TryCastGivesNull) {
  VectorPtr input = nullptr;
  auto kernel = MakeCastKernel(DataType::String(), DataType::Int(), /*try_cast=*/true);
  ASSERT_TRUE(kernel.ok());
}

TEST(CastTest, NumbersNarrowLikeJava) {
  EXPECT_EQ(Cast(Value::Int(300), DataType::Int(), DataType::TinyInt())->AsInt(), 44);
  EXPECT_EQ(Cast(Value::Double(3.99), DataType::Double(), DataType::Int())->AsInt(), 3);
  EXPECT_EQ(Cast(Value::Double(1e20), DataType::Double(), DataType::Int())->AsInt(), 2147483647);
  EXPECT_EQ(Cast(Value::Decimal(-1299), DataType::Decimal(5, 2), DataType::Int())->AsInt(), -12);
  EXPECT_EQ(
      Cast(Value::Decimal(12345), DataType::Decimal(5, 3), DataType::Decimal(4, 2))->AsDecimal(),
      1235);
  EXPECT_TRUE(Cast(Value::Int(123456), DataType::Int(), DataType::Decimal(4, 2))->is_null());
}

TEST(CastTest, ValuesRenderInSqlForm) {
  EXPECT_EQ(Cast(Value::Bool(true), DataType::Boolean(), DataType::String())->AsString(), "TRUE");
  EXPECT_EQ(Cast(Value::Decimal(150), DataType::Decimal(5, 2), DataType::String())->AsString(),
            "1.50");
  EXPECT_EQ(Cast(Value::String("abcdef"), DataType::String(), DataType::VarChar(3))->AsString(),
            "abc");
  EXPECT_EQ(Cast(Value::String("ab"), DataType::String(), DataType::Char(4))->AsString(), "ab  ");
  int64_t micros = *ParseTimestamp("2020-04-15 08:05:00.123");
  EXPECT_EQ(Cast(Value::Int(micros), DataType::Timestamp(3), DataType::String())->AsString(),
            "2020-04-15 08:05:00.123");
}

TEST(CastTest, TemporalConversions) {
  int64_t micros = *ParseTimestamp("2020-04-15 08:05:00.123");
  EXPECT_EQ(Cast(Value::Int(micros), DataType::Timestamp(3), DataType::Date())->AsInt(), 18367);
  EXPECT_EQ(Cast(Value::Int(micros), DataType::Timestamp(3), DataType::Timestamp(0))->AsInt(),
            *ParseTimestamp("2020-04-15 08:05:00"));
  EXPECT_EQ(Cast(Value::String("2020-04-15"), DataType::String(), DataType::Date())->AsInt(),
            18367);
}

TEST(CastTest, RowsCastFieldWise) {
  DataType from = DataType::Row({{"a", DataType::Int()}, {"b", DataType::String()}});
  DataType to = DataType::Row({{"a", DataType::BigInt()}, {"b", DataType::Int()}});
  Result<Value> row = Cast(Value::MakeList({Value::Int(1), Value::String("2")}), from, to);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->AsList()[1].AsInt(), 2);
}

}  // namespace
}  // namespace tiangong
