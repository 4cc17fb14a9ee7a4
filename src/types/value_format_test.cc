#include "types/value_format.h"

#include <gtest/gtest.h>

#include "types/vector_builder.h"

namespace tiangong {
namespace {

TEST(ValueFormatTest, JavaDoubleLayout) {
  EXPECT_EQ(FormatJavaDouble(1.0), "1.0");
  EXPECT_EQ(FormatJavaDouble(0.1), "0.1");
  EXPECT_EQ(FormatJavaDouble(100.5), "100.5");
  EXPECT_EQ(FormatJavaDouble(1e7), "1.0E7");
  EXPECT_EQ(FormatJavaDouble(12345678.9), "1.23456789E7");
  EXPECT_EQ(FormatJavaDouble(0.001), "0.001");
  EXPECT_EQ(FormatJavaDouble(0.0001), "1.0E-4");
  EXPECT_EQ(FormatJavaDouble(-2.5e-5), "-2.5E-5");
  EXPECT_EQ(FormatJavaDouble(1234567.0), "1234567.0");
  EXPECT_EQ(FormatJavaFloat(0.1f), "0.1");
}

TEST(ValueFormatTest, PrintRowLooksLikeFlinksRowToString) {
  DataType row_type =
      DataType::Row({{"id", DataType::BigInt()}, {"tags", DataType::Array(DataType::String())}});
  std::vector<VectorPtr> columns = {
      MakeVector(DataType::Int(), {Value::Int(1)}),
      MakeVector(DataType::String(), {Value()}),
      MakeVector(DataType::Decimal(5, 2), {Value::Decimal(-150)}),
      MakeVector(row_type,
                 {Value::MakeList(
                     {Value::Int(7), Value::MakeList({Value::String("a"), Value::String("b")})})}),
      MakeVector(DataType::Map(DataType::String(), DataType::Int()),
                 {Value::MakeList({Value::String("k"), Value::Int(2)})}),
  };
  Batch batch(columns, 1, {RowKind::kUpdateBefore});
  EXPECT_EQ(FormatPrintRow(batch, 0), "-U[1, null, -1.50, +I[7, [a, b]], {k=2}]");
}

TEST(ValueFormatTest, SqlFormUsesSqlLiterals) {
  std::string text;
  VectorPtr flag = MakeVector(DataType::Boolean(), {Value::Bool(true)});
  AppendSqlForm(*flag, 0, TimeZone::Utc(), &text);
  EXPECT_EQ(text, "TRUE");
  text.clear();
  VectorPtr ts = MakeVector(DataType::Timestamp(3), {Value::Int(1500)});
  AppendSqlForm(*ts, 0, TimeZone::Utc(), &text);
  EXPECT_EQ(text, "1970-01-01 00:00:00.001");
}

}  // namespace
}  // namespace tiangong
