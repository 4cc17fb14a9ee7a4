#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "functions/function_context.h"
#include "types/data_type.h"
#include "types/value.h"

namespace tiangong {

/// Test support: bind a built-in function by name and run it, the way the SQL
/// binder and evaluator do. Not used outside tests.

/// One argument: a literal (constant == true, `values` has one entry) or a column
/// with one value per row.
struct TestArgument {
  DataType type;
  std::vector<Value> values;
  bool constant = false;
};

inline TestArgument Literal(DataType type, Value value) {
  return {std::move(type), {std::move(value)}, true};
}
inline TestArgument Column(DataType type, std::vector<Value> values) {
  return {std::move(type), std::move(values), false};
}

struct TestCallResult {
  DataType type;
  std::vector<Value> values;
};

/// Calls `name` over the arguments; the number of rows is that of the column
/// arguments (1 when all are literals).
Result<TestCallResult> CallFunction(std::string_view name, std::vector<TestArgument> arguments,
                                    const FunctionContext& context = FunctionContext());

/// Shorthand for a single-row call over literals that returns the value.
Result<Value> CallScalar(std::string_view name, std::vector<TestArgument> arguments,
                         const FunctionContext& context = FunctionContext());

}  // namespace tiangong
