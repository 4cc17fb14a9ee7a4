// The cost of calling plugin functions through the C ABI, over 1024-row
// batches, beside built-ins of similar work. Reports rows/s (items_per_second).
//
//   build/src/udf/udf_benchmark

#include <benchmark/benchmark.h>

#include "functions/evaluator.h"
#include "functions/function_registry.h"
#include "types/vector_builder.h"
#include "udf/plugin_functions.h"

namespace tiangong::udf {
namespace {

constexpr size_t kRows = 1024;

VectorPtr Strings() {
  MutableVectorPtr strings = Vector::Make(DataType::String(), kRows);
  for (size_t i = 0; i < kRows; ++i) {
    std::string text =
        "auction-" + std::to_string(i * 7919) + "-channel-comment-" + std::string(i % 40, 'c');
    strings->mutable_values<std::string_view>()[i] = strings->AddString(text);
  }
  return strings;
}

PluginPtr ExamplePlugin() {
  static PluginPtr plugin = [] {
    Result<PluginPtr> loaded = Plugin::Load(TIANGONG_EXAMPLE_UDF_PLUGIN);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return plugin;
}

// Evaluates `function`(strings, literal) over one batch per iteration.
void Call(benchmark::State& state, const ScalarFunction& function, const Value* literal,
          const DataType& literal_type) {
  std::vector<VectorPtr> columns = {Strings()};
  std::vector<ExprPtr> args = {Expr::InputRef(0, DataType::String(), "s")};
  if (literal != nullptr) args.push_back(Expr::Literal(*literal, literal_type));
  std::vector<ArgumentInfo> infos;
  for (const ExprPtr& arg : args) {
    infos.push_back({arg->type(), arg->is_literal() ? &arg->value() : nullptr});
  }
  Result<BoundScalarFunction> bound = function.bind(infos);
  if (!bound.ok()) std::abort();
  ExprPtr call = Expr::Call(function.name, args, bound->result_type, bound->kernel, bound->traits);
  FunctionContext context;
  ExpressionEvaluator evaluator(context);
  for (auto _ : state) {
    Result<VectorPtr> result = evaluator.Evaluate(*call, columns, kRows);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

void PluginCountChar(benchmark::State& state) {
  ScalarFunction function =
      MakeScalarFunction("count_char", ExamplePlugin(),
                         *ExamplePlugin()->Find("com.github.nexmark.flink.udf.CountChar"));
  Value c = Value::String("c");
  Call(state, function, &c, DataType::String());
}
BENCHMARK(PluginCountChar);

void PluginMask(benchmark::State& state) {
  ScalarFunction function =
      MakeScalarFunction("mask", ExamplePlugin(), *ExamplePlugin()->Find("com.example.udf.Mask"));
  Value keep = Value::Int(4);
  Call(state, function, &keep, DataType::Int());
}
BENCHMARK(PluginMask);

// Built-ins that touch every byte of the same strings, for reference.
void BuiltinCharLength(benchmark::State& state) {
  Call(state, *BuiltinFunctions().FindScalar("CHAR_LENGTH"), nullptr, DataType::Null());
}
BENCHMARK(BuiltinCharLength);

void BuiltinUpper(benchmark::State& state) {
  Call(state, *BuiltinFunctions().FindScalar("UPPER"), nullptr, DataType::Null());
}
BENCHMARK(BuiltinUpper);

// WeightedAvg over 64 groups.
void PluginWeightedAverage(benchmark::State& state) {
  AggregateFunctionDefinition definition = MakeAggregateFunction(
      "weighted_avg", ExamplePlugin(), *ExamplePlugin()->Find("com.example.udf.WeightedAvg"));
  AggregateBindInput input{{DataType::Double(), DataType::BigInt()}, {nullptr, nullptr}, false};
  AggregateFunctionPtr function = *definition.bind(input);
  MutableVectorPtr values = Vector::Make(DataType::Double(), kRows);
  MutableVectorPtr weights = Vector::Make(DataType::BigInt(), kRows);
  std::vector<uint32_t> rows(kRows);
  std::vector<uint8_t> adds(kRows, 1);
  for (size_t i = 0; i < kRows; ++i) {
    values->mutable_values<double>()[i] = static_cast<double>(i % 100);
    weights->mutable_values<int64_t>()[i] = static_cast<int64_t>(i % 7);
    rows[i] = static_cast<uint32_t>(i);
  }
  std::vector<VectorPtr> args = {values, weights};
  std::vector<std::unique_ptr<Accumulator>> groups;
  for (int g = 0; g < 64; ++g) groups.push_back(function->Create());
  std::vector<Accumulator*> accumulators(kRows);
  for (size_t i = 0; i < kRows; ++i) accumulators[i] = groups[(i * 31) % 64].get();
  for (auto _ : state) {
    Status status = function->Update(accumulators.data(), args, rows.data(), adds.data(), kRows);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(PluginWeightedAverage);

}  // namespace
}  // namespace tiangong::udf
