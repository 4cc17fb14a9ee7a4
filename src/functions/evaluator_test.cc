#include "functions/evaluator.h"

#include <gtest/gtest.h>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

ExprPtr Call(const char* name, std::vector<ExprPtr> args) {
  const ScalarFunction* function = BuiltinFunctions().FindScalar(name);
  std::vector<ArgumentInfo> infos;
  for (const ExprPtr& arg : args) {
    infos.push_back({arg->type(), arg->is_literal() ? &arg->value() : nullptr});
  }
  BoundScalarFunction bound = *function->bind(infos);
  for (size_t i = 0; i < bound.argument_types.size(); ++i) {
    args[i] = *MakeCast(args[i], bound.argument_types[i]);
  }
  return Expr::Call(name, args, bound.result_type, bound.kernel, bound.traits);
}

ExprPtr IntLiteral(int64_t value) { return Expr::Literal(Value::Int(value), DataType::Int(false)); }

class EvaluatorTest : public ::testing::Test {
 protected:
  Batch MakeBatch() {
    return Batch(
        {MakeVector(DataType::Int(), {Value::Int(0), Value::Int(5), Value(), Value::Int(2)})}, 4);
  }
  ExprPtr x_ = Expr::InputRef(0, DataType::Int(), "x");
  FunctionContext context_;
};

TEST_F(EvaluatorTest, CaseRunsFailingBranchesOnlyOnTheirRows) {
  // CASE WHEN x <> 0 THEN 10 / x ELSE -1 END never divides by zero.
  ExprPtr condition = Call("<>", {x_, IntLiteral(0)});
  ExprPtr division = Call("/", {IntLiteral(10), x_});
  ExprPtr expression =
      Expr::Special(SpecialForm::kCase, {condition, division, IntLiteral(-1)}, DataType::Int());
  ExpressionEvaluator evaluator(context_);
  Result<VectorPtr> result = evaluator.Evaluate(expression, MakeBatch());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(ReadValue(**result, 0).AsInt(), -1);
  EXPECT_EQ(ReadValue(**result, 1).AsInt(), 2);
  EXPECT_EQ(ReadValue(**result, 2).AsInt(), -1);  // NULL <> 0 is not TRUE
  EXPECT_EQ(ReadValue(**result, 3).AsInt(), 5);
}

TEST_F(EvaluatorTest, AndUsesThreeValuedLogicAndShortCircuitsFailures) {
  // x <> 0 AND 10 / x > 1
  ExprPtr left = Call("<>", {x_, IntLiteral(0)});
  ExprPtr right = Call(">", {Call("/", {IntLiteral(10), x_}), IntLiteral(1)});
  ExprPtr expression = Expr::Special(SpecialForm::kAnd, {left, right}, DataType::Boolean());
  ExpressionEvaluator evaluator(context_);
  std::vector<uint32_t> rows;
  ASSERT_TRUE(evaluator.Select(expression, MakeBatch(), &rows).ok());
  EXPECT_EQ(rows, (std::vector<uint32_t>{1, 3}));
  Result<VectorPtr> values = evaluator.Evaluate(expression, MakeBatch());
  ASSERT_TRUE(values.ok());
  EXPECT_FALSE(ReadValue(**values, 0).AsBool());
  EXPECT_TRUE(ReadValue(**values, 2).is_null());
}

TEST_F(EvaluatorTest, CoalesceTakesTheFirstNonNull) {
  ExprPtr expression =
      Expr::Special(SpecialForm::kCoalesce, {x_, IntLiteral(7)}, DataType::Int(false));
  ExpressionEvaluator evaluator(context_);
  Result<VectorPtr> result = evaluator.Evaluate(expression, MakeBatch());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(ReadValue(**result, 2).AsInt(), 7);
  EXPECT_EQ(ReadValue(**result, 1).AsInt(), 5);
}

TEST_F(EvaluatorTest, ErrorsNameTheExpression) {
  ExprPtr division = Call("/", {IntLiteral(10), x_});
  ExpressionEvaluator evaluator(context_);
  Result<VectorPtr> result = evaluator.Evaluate(division, MakeBatch());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "Division by zero: 10 / 0 (in (10 / x))");
}

TEST_F(EvaluatorTest, InWithConstantList) {
  ExprPtr expression = Call("IN", {x_, IntLiteral(2), IntLiteral(5)});
  ExpressionEvaluator evaluator(context_);
  std::vector<uint32_t> rows;
  ASSERT_TRUE(evaluator.Select(expression, MakeBatch(), &rows).ok());
  EXPECT_EQ(rows, (std::vector<uint32_t>{1, 3}));
}

}  // namespace
}  // namespace tiangong
