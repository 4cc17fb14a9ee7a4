#include "types/vector.h"

#include <gtest/gtest.h>

#include "types/batch.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

DataType NestedType() {
  return DataType::Row(
      {{"name", DataType::String()}, {"scores", DataType::Array(DataType::Int())}});
}

std::vector<Value> NestedValues() {
  return {
      Value::MakeList({Value::String("ann"), Value::MakeList({Value::Int(1), Value::Int(2)})}),
      Value(),
      Value::MakeList({Value::String("bob"), Value::MakeList({})}),
      Value::MakeList({Value(), Value::MakeList({Value::Int(3), Value()})}),
  };
}

TEST(VectorTest, BuilderRoundTripsNestedValues) {
  std::vector<Value> values = NestedValues();
  VectorPtr vector = MakeVector(NestedType(), values);
  ASSERT_EQ(vector->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(ReadValue(*vector, i), values[i]) << i;
  EXPECT_TRUE(vector->IsNull(1));
  EXPECT_EQ(vector->child(0).size(), values.size());
}

TEST(VectorTest, GatherKeepsStringsAliveAfterTheSourceIsGone) {
  VectorPtr gathered;
  {
    VectorPtr source = MakeVector(NestedType(), NestedValues());
    uint32_t rows[] = {3, 0, 0};
    gathered = Gather(*source, rows, 3);
  }
  EXPECT_EQ(ReadValue(*gathered, 1), NestedValues()[0]);
  EXPECT_EQ(ReadValue(*gathered, 0), NestedValues()[3]);
  EXPECT_EQ(ReadValue(*gathered, 2), NestedValues()[0]);
}

TEST(VectorTest, ConstantVectorsStandForEveryRow) {
  VectorPtr constant = MakeConstantVector(DataType::String(), Value::String("x"), 5);
  EXPECT_TRUE(constant->is_constant());
  EXPECT_EQ(constant->StringAt(4), "x");
  VectorPtr flat = Flatten(constant);
  EXPECT_FALSE(flat->is_constant());
  EXPECT_EQ(flat->size(), 5u);
  EXPECT_EQ(flat->StringAt(3), "x");
  VectorPtr nulls = Vector::MakeNullConstant(DataType::Int(), 3);
  EXPECT_TRUE(nulls->IsNull(2));
}

TEST(VectorTest, AppendVectorConcatenatesNestedColumns) {
  MutableVectorPtr target = MakeVector(NestedType(), {NestedValues()[0]});
  AppendVector(target.get(), *MakeVector(NestedType(), NestedValues()));
  ASSERT_EQ(target->size(), 5u);
  EXPECT_EQ(ReadValue(*target, 0), NestedValues()[0]);
  EXPECT_EQ(ReadValue(*target, 4), NestedValues()[3]);
  EXPECT_TRUE(target->IsNull(2));
}

TEST(BatchTest, GatherKeepsRowKinds) {
  Batch batch({MakeVector(DataType::Int(), {Value::Int(1), Value::Int(2)})}, 2,
              {RowKind::kUpdateBefore, RowKind::kUpdateAfter});
  uint32_t rows[] = {1};
  Batch gathered = batch.Gather(rows, 1);
  EXPECT_EQ(FormatPrintRow(gathered, 0), "+U[2]");
}

}  // namespace
}  // namespace tiangong
