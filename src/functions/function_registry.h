#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "functions/aggregate_function.h"
#include "functions/expression.h"
#include "functions/table_function.h"

namespace tiangong {

/// What a function's binder knows about one argument of a call.
struct ArgumentInfo {
  DataType type;
  /// The value when the argument is a constant (after folding); null otherwise.
  const Value* constant = nullptr;
};

/// The outcome of binding a call to concrete argument types.
struct BoundScalarFunction {
  DataType result_type;
  /// Types the arguments are implicitly cast to before the kernel sees them;
  /// empty means the arguments are used as they are.
  std::vector<DataType> argument_types;
  ScalarKernelPtr kernel;
  CallTraits traits;
};

using ScalarBinder = std::function<Result<BoundScalarFunction>(std::span<const ArgumentInfo>)>;

/// A scalar function: its name, the signatures it accepts (for error messages),
/// and the binder that checks argument types and picks a kernel.
struct ScalarFunction {
  std::string name;
  std::vector<std::string> signatures;
  ScalarBinder bind;
};

/// The outcome of binding a table function call to concrete argument types.
struct BoundTableFunction {
  TableFunctionPtr function;
  /// Types the arguments are implicitly cast to before the function sees them.
  std::vector<DataType> argument_types;
};

using TableFunctionBinder =
    std::function<Result<BoundTableFunction>(std::span<const ArgumentInfo>)>;

/// A table function (LATERAL TABLE(f(...))): its name, the signatures it accepts
/// (for error messages), and the binder that checks argument types.
struct TableFunctionDefinition {
  std::string name;
  std::vector<std::string> signatures;
  TableFunctionBinder bind;
};

/// Functions by name, case-insensitively. Built-ins and plugins register the
/// same way. Thread-safety: fill it before sharing; lookups are then safe.
class FunctionRegistry {
 public:
  /// Adds or replaces the function with this name.
  void AddScalar(ScalarFunction function);
  /// nullptr when there is none.
  const ScalarFunction* FindScalar(std::string_view name) const;
  std::vector<std::string> ScalarNames() const;

  void AddAggregate(AggregateFunctionDefinition function);
  const AggregateFunctionDefinition* FindAggregate(std::string_view name) const;
  std::vector<std::string> AggregateNames() const;

  void AddTable(TableFunctionDefinition function);
  const TableFunctionDefinition* FindTable(std::string_view name) const;
  std::vector<std::string> TableNames() const;

  /// Removes the scalar, aggregate and table functions with this name, so that
  /// a function added next under the name is the only one it finds.
  void Remove(std::string_view name);

 private:
  std::map<std::string, ScalarFunction, std::less<>> scalars_;  // by upper-case name
  std::map<std::string, AggregateFunctionDefinition, std::less<>> aggregates_;
  std::map<std::string, TableFunctionDefinition, std::less<>> tables_;
};

/// Every built-in function, registered once.
const FunctionRegistry& BuiltinFunctions();

/// The standard error for argument types a function does not accept:
/// "Invalid function call: MOD(STRING, INT). Supported signatures: MOD(<INTEGER>, <INTEGER>)".
Status SignatureMismatch(std::string_view name, std::span<const ArgumentInfo> args,
                         const std::vector<std::string>& signatures);

// One line per group of built-ins; each lives in its own file.
void RegisterArithmeticFunctions(FunctionRegistry* registry);
void RegisterComparisonFunctions(FunctionRegistry* registry);
void RegisterStringFunctions(FunctionRegistry* registry);
void RegisterMathFunctions(FunctionRegistry* registry);
void RegisterTimeFunctions(FunctionRegistry* registry);
void RegisterJsonFunctions(FunctionRegistry* registry);
void RegisterHashFunctions(FunctionRegistry* registry);
void RegisterConditionalFunctions(FunctionRegistry* registry);
void RegisterCollectionFunctions(FunctionRegistry* registry);
void RegisterAggregateFunctions(FunctionRegistry* registry);

}  // namespace tiangong
