#include "udf/plugin_functions.h"

namespace tiangong::udf {

void RegisterPluginFunction(const std::string& sql_name, const PluginPtr& plugin,
                            const PluginFunction& function, FunctionRegistry* registry) {
  registry->Remove(sql_name);
  switch (function.kind) {
    case FunctionKind::kScalar:
      registry->AddScalar(MakeScalarFunction(sql_name, plugin, function));
      break;
    case FunctionKind::kAggregate:
      registry->AddAggregate(MakeAggregateFunction(sql_name, plugin, function));
      break;
    case FunctionKind::kTable:
      registry->AddTable(MakeTableFunction(sql_name, plugin, function));
      break;
  }
}

}  // namespace tiangong::udf
