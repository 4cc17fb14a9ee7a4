#include "functions/function_registry.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong {

void FunctionRegistry::AddScalar(ScalarFunction function) {
  std::string key = ToUpper(function.name);
  scalars_.insert_or_assign(std::move(key), std::move(function));
}

const ScalarFunction* FunctionRegistry::FindScalar(std::string_view name) const {
  auto it = scalars_.find(ToUpper(name));
  return it == scalars_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::ScalarNames() const {
  std::vector<std::string> names;
  for (const auto& [name, function] : scalars_) names.push_back(name);
  return names;
}

void FunctionRegistry::AddAggregate(AggregateFunctionDefinition function) {
  std::string key = ToUpper(function.name);
  aggregates_.insert_or_assign(std::move(key), std::move(function));
}

const AggregateFunctionDefinition* FunctionRegistry::FindAggregate(std::string_view name) const {
  auto it = aggregates_.find(ToUpper(name));
  return it == aggregates_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::AggregateNames() const {
  std::vector<std::string> names;
  for (const auto& [name, function] : aggregates_) names.push_back(name);
  return names;
}

void FunctionRegistry::AddTable(TableFunctionDefinition function) {
  std::string key = ToUpper(function.name);
  tables_.insert_or_assign(std::move(key), std::move(function));
}

const TableFunctionDefinition* FunctionRegistry::FindTable(std::string_view name) const {
  auto it = tables_.find(ToUpper(name));
  return it == tables_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::TableNames() const {
  std::vector<std::string> names;
  for (const auto& [name, function] : tables_) names.push_back(name);
  return names;
}

void FunctionRegistry::Remove(std::string_view name) {
  std::string key = ToUpper(name);
  scalars_.erase(key);
  aggregates_.erase(key);
  tables_.erase(key);
}

const FunctionRegistry& BuiltinFunctions() {
  static const FunctionRegistry registry = [] {
    FunctionRegistry built;
    RegisterArithmeticFunctions(&built);
    RegisterComparisonFunctions(&built);
    RegisterStringFunctions(&built);
    RegisterMathFunctions(&built);
    RegisterTimeFunctions(&built);
    RegisterJsonFunctions(&built);
    RegisterHashFunctions(&built);
    RegisterConditionalFunctions(&built);
    RegisterCollectionFunctions(&built);
    RegisterAggregateFunctions(&built);
    return built;
  }();
  return registry;
}

Status SignatureMismatch(std::string_view name, std::span<const ArgumentInfo> args,
                         const std::vector<std::string>& signatures) {
  std::string call = fmt::format("{}(", name);
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) call += ", ";
    call += args[i].type.WithNullable(true).ToString();
  }
  call += ")";
  std::string supported;
  for (size_t i = 0; i < signatures.size(); ++i) {
    if (i > 0) supported += ", ";
    supported += signatures[i];
  }
  return Status::Validation("Invalid function call: {}. Supported signatures: {}", call, supported);
}

}  // namespace tiangong
