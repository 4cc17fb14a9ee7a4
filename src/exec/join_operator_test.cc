#include "exec/join_operator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "exec/operator_test_util.h"
#include "functions/function_registry.h"

namespace tiangong {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// left(k INT, v STRING) joined with right(k INT, w STRING) on left.k = right.k.
class JoinHarness {
 public:
  explicit JoinHarness(sql::JoinKind kind, bool batch_mode = false, bool condition = false) {
    sql::PlanSchema left = {{"k", DataType::Int()}, {"v", DataType::String()}};
    sql::PlanSchema right = {{"k", DataType::Int()}, {"w", DataType::String()}};
    left_type_ = sql::SchemaToRowType(left);
    right_type_ = sql::SchemaToRowType(right);
    ExprPtr greater;
    if (condition) {
      // v > w
      const ScalarFunction* function = BuiltinFunctions().FindScalar(">");
      std::vector<ArgumentInfo> args = {{DataType::String(), nullptr},
                                        {DataType::String(), nullptr}};
      BoundScalarFunction bound = function->bind(args).MoveValue();
      greater = Expr::Call(
          ">",
          {Expr::InputRef(1, DataType::String(), "v"), Expr::InputRef(3, DataType::String(), "w")},
          bound.result_type, bound.kernel, bound.traits);
    }
    sql::JoinNode node(std::make_shared<sql::ValuesNode>(left, std::vector<std::vector<Value>>{}),
                       std::make_shared<sql::ValuesNode>(right, std::vector<std::vector<Value>>{}),
                       kind, greater, batch_mode, {0}, {0});
    join_ = std::make_unique<JoinOperator>(node);
    EXPECT_TRUE(join_->Open(context_.Get()).ok());
  }

  std::vector<std::string> Left(RowKind kind, Value k, std::string v) {
    return Send(0, left_type_, kind, std::move(k), Value::String(std::move(v)));
  }
  std::vector<std::string> Right(RowKind kind, Value k, std::string w) {
    return Send(1, right_type_, kind, std::move(k), Value::String(std::move(w)));
  }
  std::vector<std::string> Finish() {
    EXPECT_TRUE(join_->Finish(&output_).ok());
    return output_.Take();
  }

 private:
  std::vector<std::string> Send(int input, const DataType& type, RowKind kind, Value k, Value s) {
    Batch batch = MakeBatch(type, {{kind, {std::move(k), std::move(s)}}});
    Status status = join_->ProcessInputBatch(input, std::move(batch), &output_);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return output_.Take();
  }

  DataType left_type_;
  DataType right_type_;
  TestOperatorContext context_;
  RecordingOutput output_;
  std::unique_ptr<JoinOperator> join_;
};

Value K(int64_t k) { return Value::Int(k); }

TEST(JoinOperatorTest, InnerJoinMatchesBothWaysAndKeepsRowKinds) {
  JoinHarness join(sql::JoinKind::kInner);
  EXPECT_THAT(join.Left(kI, K(1), "a"), IsEmpty());
  EXPECT_THAT(join.Right(kI, K(1), "x"), ElementsAre("+I[1, a, 1, x]"));
  EXPECT_THAT(join.Right(kI, K(2), "y"), IsEmpty());
  EXPECT_THAT(join.Left(kI, K(1), "b"), ElementsAre("+I[1, b, 1, x]"));
  // An update of a row on one side updates its joined rows.
  EXPECT_THAT(join.Left(kUB, K(1), "a"), ElementsAre("-U[1, a, 1, x]"));
  EXPECT_THAT(join.Left(kUA, K(1), "c"), ElementsAre("+U[1, c, 1, x]"));
  EXPECT_THAT(join.Right(kD, K(1), "x"), ElementsAre("-D[1, b, 1, x]", "-D[1, c, 1, x]"));
  EXPECT_THAT(join.Left(kI, K(2), "d"), ElementsAre("+I[2, d, 2, y]"));
}

TEST(JoinOperatorTest, DuplicateRowsJoinOncePerCopy) {
  JoinHarness join(sql::JoinKind::kInner);
  join.Right(kI, K(1), "x");
  join.Right(kI, K(1), "x");
  EXPECT_THAT(join.Left(kI, K(1), "a"), ElementsAre("+I[1, a, 1, x]", "+I[1, a, 1, x]"));
  EXPECT_THAT(join.Right(kD, K(1), "x"), ElementsAre("-D[1, a, 1, x]"));
  EXPECT_THAT(join.Left(kI, K(1), "b"), ElementsAre("+I[1, b, 1, x]"));
}

TEST(JoinOperatorTest, LeftJoinRetractsThePaddedRowWhenAPartnerArrives) {
  JoinHarness join(sql::JoinKind::kLeft);
  EXPECT_THAT(join.Left(kI, K(1), "a"), ElementsAre("+I[1, a, null, null]"));
  EXPECT_THAT(join.Right(kI, K(1), "x"), ElementsAre("-D[1, a, null, null]", "+I[1, a, 1, x]"));
  EXPECT_THAT(join.Right(kI, K(1), "y"), ElementsAre("+I[1, a, 1, y]"));
  EXPECT_THAT(join.Right(kD, K(1), "x"), ElementsAre("-D[1, a, 1, x]"));
  // The last partner leaves: the padded row comes back.
  EXPECT_THAT(join.Right(kD, K(1), "y"), ElementsAre("-D[1, a, 1, y]", "+I[1, a, null, null]"));
  EXPECT_THAT(join.Left(kD, K(1), "a"), ElementsAre("-D[1, a, null, null]"));
  // A right row without a partner is not kept in a left join's output.
  EXPECT_THAT(join.Right(kI, K(3), "z"), IsEmpty());
  EXPECT_THAT(join.Left(kI, K(3), "c"), ElementsAre("+I[3, c, 3, z]"));
  EXPECT_THAT(join.Left(kD, K(3), "c"), ElementsAre("-D[3, c, 3, z]"));
}

TEST(JoinOperatorTest, RightJoinMirrorsLeftJoin) {
  JoinHarness join(sql::JoinKind::kRight);
  EXPECT_THAT(join.Right(kI, K(1), "x"), ElementsAre("+I[null, null, 1, x]"));
  EXPECT_THAT(join.Left(kI, K(1), "a"), ElementsAre("-D[null, null, 1, x]", "+I[1, a, 1, x]"));
  EXPECT_THAT(join.Left(kD, K(1), "a"), ElementsAre("-D[1, a, 1, x]", "+I[null, null, 1, x]"));
}

TEST(JoinOperatorTest, FullJoinPadsBothSides) {
  JoinHarness join(sql::JoinKind::kFull);
  EXPECT_THAT(join.Left(kI, K(1), "a"), ElementsAre("+I[1, a, null, null]"));
  EXPECT_THAT(join.Right(kI, K(2), "y"), ElementsAre("+I[null, null, 2, y]"));
  EXPECT_THAT(join.Right(kI, K(1), "x"), ElementsAre("-D[1, a, null, null]", "+I[1, a, 1, x]"));
  EXPECT_THAT(join.Left(kI, K(2), "b"), ElementsAre("-D[null, null, 2, y]", "+I[2, b, 2, y]"));
  EXPECT_THAT(join.Left(kD, K(1), "a"), ElementsAre("-D[1, a, 1, x]", "+I[null, null, 1, x]"));
}

TEST(JoinOperatorTest, NullKeysMatchNothing) {
  JoinHarness join(sql::JoinKind::kFull);
  EXPECT_THAT(join.Left(kI, Value(), "a"), ElementsAre("+I[null, a, null, null]"));
  EXPECT_THAT(join.Right(kI, Value(), "x"), ElementsAre("+I[null, null, null, x]"));
  EXPECT_THAT(join.Left(kD, Value(), "a"), ElementsAre("-D[null, a, null, null]"));
}

TEST(JoinOperatorTest, ConditionDecidesWhichKeyEqualRowsArePartners) {
  JoinHarness join(sql::JoinKind::kLeft, /*batch_mode=*/false, /*condition=*/true);
  join.Right(kI, K(1), "b");
  join.Right(kI, K(1), "d");
  EXPECT_THAT(join.Left(kI, K(1), "a"), ElementsAre("+I[1, a, null, null]"));
  EXPECT_THAT(join.Left(kI, K(1), "c"), ElementsAre("+I[1, c, 1, b]"));
  EXPECT_THAT(join.Left(kI, K(1), "e"), ElementsAre("+I[1, e, 1, b]", "+I[1, e, 1, d]"));
  EXPECT_THAT(join.Right(kD, K(1), "b"),
              ElementsAre("-D[1, c, 1, b]", "-D[1, e, 1, b]", "+I[1, c, null, null]"));
}

TEST(JoinOperatorTest, BatchModeEmitsPaddedRowsOnlyAtTheEnd) {
  JoinHarness join(sql::JoinKind::kFull, /*batch_mode=*/true);
  EXPECT_THAT(join.Left(kI, K(1), "a"), IsEmpty());
  EXPECT_THAT(join.Left(kI, K(2), "b"), IsEmpty());
  EXPECT_THAT(join.Right(kI, K(1), "x"), ElementsAre("+I[1, a, 1, x]"));
  EXPECT_THAT(join.Right(kI, K(3), "z"), IsEmpty());
  EXPECT_THAT(join.Left(kI, Value(), "n"), ElementsAre("+I[null, n, null, null]"));
  EXPECT_THAT(join.Finish(), ElementsAre("+I[2, b, null, null]", "+I[null, null, 3, z]"));
}

}  // namespace
}  // namespace tiangong
