#include "functions/test_calls.h"

#include "functions/cast.h"
#include "functions/evaluator.h"
#include "functions/function_registry.h"
#include "types/vector_builder.h"

namespace tiangong {

Result<TestCallResult> CallFunction(std::string_view name, std::vector<TestArgument> arguments,
                                    const FunctionContext& context) {
  const ScalarFunction* function = BuiltinFunctions().FindScalar(name);
  if (function == nullptr) return Status::NotFound("No function named {}", name);
  size_t num_rows = 1;
  for (const TestArgument& argument : arguments) {
    if (!argument.constant) num_rows = argument.values.size();
  }
  std::vector<ArgumentInfo> infos;
  std::vector<ExprPtr> expressions;
  std::vector<VectorPtr> columns;
  for (const TestArgument& argument : arguments) {
    if (argument.constant) {
      expressions.push_back(Expr::Literal(argument.values[0], argument.type));
    } else {
      expressions.push_back(Expr::InputRef(static_cast<int>(columns.size()), argument.type, ""));
      columns.push_back(MakeVector(argument.type, argument.values));
    }
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    infos.push_back(
        {arguments[i].type, arguments[i].constant ? &expressions[i]->value() : nullptr});
  }
  ASSIGN_OR_RAISE(BoundScalarFunction bound, function->bind(infos));
  for (size_t i = 0; i < bound.argument_types.size(); ++i) {
    ASSIGN_OR_RAISE(expressions[i], MakeCast(expressions[i], bound.argument_types[i]));
  }
  ExprPtr call =
      Expr::Call(function->name, expressions, bound.result_type, bound.kernel, bound.traits);
  ExpressionEvaluator evaluator(context);
  ASSIGN_OR_RAISE(VectorPtr result, evaluator.Evaluate(*call, columns, num_rows));
  TestCallResult output{bound.result_type, {}};
  for (size_t i = 0; i < num_rows; ++i) output.values.push_back(ReadValue(*result, i));
  return output;
}

Result<Value> CallScalar(std::string_view name, std::vector<TestArgument> arguments,
                         const FunctionContext& context) {
  ASSIGN_OR_RAISE(TestCallResult result, CallFunction(name, std::move(arguments), context));
  return result.values.at(0);
}

}  // namespace tiangong
