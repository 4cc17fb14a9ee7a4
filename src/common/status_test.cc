#include "common/result.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return Status::Invalid("{} is odd", value);
  return value / 2;
}

Result<int> Quarter(int value) {
  ASSIGN_OR_RAISE(int half, Half(value));
  ASSIGN_OR_RAISE(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, OkCarriesNoMessage) {
  Status status = Status::OK();
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, ErrorKeepsCodeAndMessageAcrossCopies) {
  Status status = Status::Validation("Object '{}' not found", "orders");
  Status copy = status;
  EXPECT_EQ(copy.code(), StatusCode::kValidation);
  EXPECT_EQ(copy.message(), "Object 'orders' not found");
  EXPECT_EQ(copy.WithContext("job q1").message(), "job q1: Object 'orders' not found");
}

TEST(ResultTest, PropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> failed = Quarter(6);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "3 is odd");
}

}  // namespace
}  // namespace tiangong
