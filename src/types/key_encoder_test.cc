#include "types/key_encoder.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "types/vector_builder.h"

namespace tiangong {
namespace {

std::vector<std::string> Encode(const DataType& type, const std::vector<Value>& values,
                                bool descending = false) {
  VectorPtr vector = MakeVector(type, values);
  std::vector<std::string> keys;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string key;
    if (descending) {
      EncodeKeyValueDescending(*vector, i, &key);
    } else {
      EncodeKeyValue(*vector, i, &key);
    }
    keys.push_back(key);
  }
  return keys;
}

// The encodings of values given in ascending order must be strictly ascending.
void ExpectAscending(const std::vector<std::string>& keys) {
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1], keys[i]) << "at " << i;
}

TEST(KeyEncoderTest, IntegersSortWithNullFirst) {
  ExpectAscending(
      Encode(DataType::BigInt(), {Value(), Value::Int(INT64_MIN), Value::Int(-1), Value::Int(0),
                                  Value::Int(7), Value::Int(INT64_MAX)}));
  ExpectAscending(Encode(DataType::Int(), {Value::Int(-300), Value::Int(-2), Value::Int(5)}));
}

TEST(KeyEncoderTest, DoublesDecimalsAndStringsSort) {
  ExpectAscending(
      Encode(DataType::Double(), {Value::Double(-1e300), Value::Double(-0.5), Value::Double(0),
                                  Value::Double(1e-9), Value::Double(3)}));
  ExpectAscending(Encode(DataType::Decimal(20, 2),
                         {Value::Decimal(-100000), Value::Decimal(-1), Value::Decimal(250)}));
  ExpectAscending(Encode(DataType::String(), {Value::String(""), Value::String("a"),
                                              Value::String(std::string("a\0", 2)),
                                              Value::String("ab"), Value::String("b")}));
}

TEST(KeyEncoderTest, DescendingReversesTheOrder) {
  std::vector<std::string> keys =
      Encode(DataType::String(), {Value::String("b"), Value::String("ab"), Value::String("a")},
             /*descending=*/true);
  ExpectAscending(keys);
}

TEST(KeyEncoderTest, EqualRowsGiveEqualKeysAcrossBatches) {
  VectorPtr first = MakeVector(DataType::String(), {Value::String("x"), Value::String("y")});
  VectorPtr second = MakeVector(DataType::String(), {Value::String("y")});
  std::string a;
  std::string b;
  EncodeKeyValue(*first, 1, &a);
  EncodeKeyValue(*second, 0, &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(HashKey(a), HashKey(b));
}

}  // namespace
}  // namespace tiangong
