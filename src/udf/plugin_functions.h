#pragma once

#include <string>

#include "functions/function_registry.h"
#include "udf/plugin.h"

namespace tiangong::udf {

/// Plugin functions as Tiangong functions, so the binder and the operators use
/// them exactly like built-ins:
///   - scalar → ScalarFunction whose kernel calls eval() once per batch;
///   - aggregate → AggregateFunctionDefinition whose AggregateFunction keeps
///     one plugin accumulator per group (serialized into keyed state);
///   - table → TableFunctionDefinition whose TableFunction calls eval_table()
///     once per batch.
/// Binding checks the argument count and that each argument converts
/// implicitly to the declared type (the standard "Invalid function call"
/// error otherwise). Failures of plugin callbacks become errors that name the
/// SQL name, the identifier and the argument values of the failing row.
///
/// Each returned object holds `plugin`, which keeps the library loaded.
/// REQUIRES: `function` is one of `plugin`'s functions of the matching kind.

ScalarFunction MakeScalarFunction(const std::string& sql_name, PluginPtr plugin,
                                  const PluginFunction& function);
AggregateFunctionDefinition MakeAggregateFunction(const std::string& sql_name, PluginPtr plugin,
                                                  const PluginFunction& function);
TableFunctionDefinition MakeTableFunction(const std::string& sql_name, PluginPtr plugin,
                                          const PluginFunction& function);

/// Adds `function` to `registry` under `sql_name` as its kind requires,
/// replacing any function of any kind with that name.
void RegisterPluginFunction(const std::string& sql_name, const PluginPtr& plugin,
                            const PluginFunction& function, FunctionRegistry* registry);

}  // namespace tiangong::udf
