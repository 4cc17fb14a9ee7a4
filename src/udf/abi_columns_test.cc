#include "udf/abi_columns.h"

#include <cstring>

#include <gtest/gtest.h>

namespace tiangong::udf {
namespace {

TEST(ArgumentColumnsTest, FlatValuesArePassedAsTheyAre) {
  VectorPtr numbers = MakeVector(DataType::BigInt(), {Value::Int(7), Value(), Value::Int(9)});
  ArgumentColumns arguments;
  std::vector<VectorPtr> args = {numbers};
  const tiangong_udf_column* columns = arguments.Export(args, 3);
  EXPECT_EQ(columns[0].values, numbers->values<int64_t>());
  ASSERT_NE(columns[0].nulls, nullptr);
  EXPECT_EQ(columns[0].nulls[1], 1);
  EXPECT_EQ(static_cast<const int64_t*>(columns[0].values)[2], 9);
}

TEST(ArgumentColumnsTest, ConstantsAreExpandedAndStringsConverted) {
  std::vector<VectorPtr> args = {
      MakeConstantVector(DataType::Int(), Value::Int(5), 3),
      MakeConstantVector(DataType::String(), Value(), 3),
      MakeVector(DataType::String(), {Value::String("ab"), Value(), Value::String("")})};
  ArgumentColumns arguments;
  const tiangong_udf_column* columns = arguments.Export(args, 3);
  const auto* fives = static_cast<const int32_t*>(columns[0].values);
  EXPECT_EQ(fives[0], 5);
  EXPECT_EQ(fives[2], 5);
  EXPECT_EQ(columns[0].nulls, nullptr);
  ASSERT_NE(columns[1].nulls, nullptr);
  EXPECT_EQ(columns[1].nulls[2], 1);
  const auto* strings = static_cast<const tiangong_udf_string*>(columns[2].values);
  EXPECT_EQ(std::string(strings[0].data, strings[0].size), "ab");
  // NULL and empty strings are empty, never dangling.
  EXPECT_EQ(strings[1].size, 0);
  EXPECT_NE(strings[1].data, nullptr);
  EXPECT_NE(strings[2].data, nullptr);
}

TEST(ResultColumnTest, StringsComeFromTheOutputArena) {
  std::vector<tiangong_udf_string> scratch;
  ResultColumn result(DataType::String(), 2, &scratch);
  tiangong_udf_output* output = result.output();
  char* bytes = output->allocate(output, 5);
  ASSERT_NE(bytes, nullptr);
  std::memcpy(bytes, "hello", 5);
  auto* values = static_cast<tiangong_udf_string*>(output->values);
  values[0] = {bytes, 5};
  output->nulls[1] = 1;
  EXPECT_EQ(output->allocate(output, -1), nullptr);
  EXPECT_EQ(output->allocate(output, kMaxResultBytes + 1), nullptr);
  Result<VectorPtr> vector = result.Finish("f ('x')");
  ASSERT_TRUE(vector.ok()) << vector.status().ToString();
  EXPECT_EQ(ReadValue(**vector, 0), Value::String("hello"));
  EXPECT_TRUE((*vector)->IsNull(1));
}

TEST(ResultColumnTest, DecimalsMustFitTheirPrecision) {
  std::vector<tiangong_udf_string> scratch;
  ResultColumn result(DataType::Decimal(3, 1), 1, &scratch);
  static_cast<Int128*>(result.output()->values)[0] = 12345;
  Result<VectorPtr> vector = result.Finish("f ('x')");
  ASSERT_FALSE(vector.ok());
  EXPECT_EQ(vector.status().message(),
            "User-defined function f ('x') returned 1234.5, which does not fit its result type "
            "DECIMAL(3, 1)");
}

}  // namespace
}  // namespace tiangong::udf
