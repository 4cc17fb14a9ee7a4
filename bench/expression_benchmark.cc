// Expression evaluation over 1024-row batches: the filters and projections of
// Nexmark q1/q2 and common functions. Reports rows/s (items_per_second).

#include <benchmark/benchmark.h>

#include "connectors/connector.h"
#include "functions/evaluator.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

constexpr size_t kRows = 1024;

// A batch (auction BIGINT, price BIGINT, channel STRING, amount STRING).
Batch MakeInput() {
  MutableVectorPtr auction = Vector::Make(DataType::BigInt(), kRows);
  MutableVectorPtr price = Vector::Make(DataType::BigInt(), kRows);
  MutableVectorPtr channel = Vector::Make(DataType::String(), kRows);
  MutableVectorPtr amount = Vector::Make(DataType::String(), kRows);
  for (size_t i = 0; i < kRows; ++i) {
    auction->mutable_values<int64_t>()[i] = 1000 + static_cast<int64_t>(i * 7919 % 5000);
    price->mutable_values<int64_t>()[i] = static_cast<int64_t>(i * 104729 % 100000);
    channel->mutable_values<std::string_view>()[i] =
        channel->AddString(i % 2 == 0 ? "Google" : "channel-1234");
    amount->mutable_values<std::string_view>()[i] = amount->AddString(std::to_string(i * 13));
  }
  return Batch({auction, price, channel, amount}, kRows);
}

ExprPtr Bind(const char* text) {
  static sql::Catalog catalog;
  static ConnectorRegistry connectors;
  static ConnectorContext connector_context;
  sql::BindContext context{catalog, BuiltinFunctions(), connectors, connector_context, text};
  sql::Binder binder(context);
  sql::Scope scope;
  scope.fields = {{"", "auction", DataType::BigInt()},
                  {"", "price", DataType::BigInt()},
                  {"", "channel", DataType::String()},
                  {"", "amount", DataType::String()}};
  auto parsed = sql::ParseExpression(text);
  if (!parsed.ok()) std::abort();
  auto bound = binder.BindExpression(**parsed, scope);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", bound.status().ToString().c_str());
    std::abort();
  }
  return *bound;
}

void Project(benchmark::State& state, const char* text) {
  Batch input = MakeInput();
  ExprPtr expression = Bind(text);
  FunctionContext function_context;
  ExpressionEvaluator evaluator(function_context);
  for (auto _ : state) {
    Result<VectorPtr> result = evaluator.Evaluate(expression, input);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

void Filter(benchmark::State& state, const char* text) {
  Batch input = MakeInput();
  ExprPtr expression = Bind(text);
  FunctionContext function_context;
  ExpressionEvaluator evaluator(function_context);
  std::vector<uint32_t> rows;
  for (auto _ : state) {
    rows.clear();
    Status status = evaluator.Select(expression, input, &rows);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

BENCHMARK_CAPTURE(Filter, q2_mod_equals, "MOD(auction, 123) = 0");
BENCHMARK_CAPTURE(Filter, in_list, "auction IN (1007, 1020, 2001, 2019, 2087)");
BENCHMARK_CAPTURE(Filter, and_range, "price > 100 AND price < 50000");
BENCHMARK_CAPTURE(Project, q1_decimal_multiply, "0.908 * price");
BENCHMARK_CAPTURE(Project, bigint_add, "price + auction");
BENCHMARK_CAPTURE(Project, case_when,
                  "CASE WHEN price < 10000 THEN 1 WHEN price < 50000 THEN 2 ELSE 3 END");
BENCHMARK_CAPTURE(Project, cast_string_to_int, "CAST(amount AS INT)");
BENCHMARK_CAPTURE(Project, upper, "UPPER(channel)");
BENCHMARK_CAPTURE(Project, concat, "channel || '-' || amount");

}  // namespace
}  // namespace tiangong
