#include "udf/plugin_functions.h"

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "functions/cast.h"
#include "functions/evaluator.h"
#include "types/batch_builder.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong::udf {
namespace {

constexpr const char* kExamplePlugin = TIANGONG_EXAMPLE_UDF_PLUGIN;

PluginPtr ExamplePlugin() {
  static PluginPtr plugin = [] {
    Result<PluginPtr> loaded = Plugin::Load(kExamplePlugin);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return plugin;
}

const PluginFunction& ExampleFunction(std::string_view identifier) {
  const PluginFunction* function = ExamplePlugin()->Find(identifier);
  TG_CHECK(function != nullptr);
  return *function;
}

// An argument of a test call: a column, or a literal standing for every row.
struct Argument {
  DataType type;
  std::vector<Value> values;
  bool literal = false;
};

Argument Column(DataType type, std::vector<Value> values) {
  return {std::move(type), std::move(values), false};
}
Argument Literal(DataType type, Value value) { return {std::move(type), {std::move(value)}, true}; }

// Binds `function` and runs it through an evaluator, as a query would. The
// evaluator adds the call to error messages: "... (in f($0, $1))".
Result<std::vector<Value>> Call(const ScalarFunction& function, std::vector<Argument> arguments) {
  size_t num_rows = 1;
  for (const Argument& argument : arguments) {
    if (!argument.literal) num_rows = argument.values.size();
  }
  std::vector<ArgumentInfo> infos;
  std::vector<ExprPtr> expressions;
  std::vector<VectorPtr> columns;
  for (const Argument& argument : arguments) {
    if (argument.literal) {
      expressions.push_back(Expr::Literal(argument.values[0], argument.type));
    } else {
      expressions.push_back(Expr::InputRef(static_cast<int>(columns.size()), argument.type, ""));
      columns.push_back(MakeVector(argument.type, argument.values));
    }
  }
  for (const ExprPtr& expression : expressions) {
    infos.push_back(
        {expression->type(), expression->is_literal() ? &expression->value() : nullptr});
  }
  ASSIGN_OR_RAISE(BoundScalarFunction bound, function.bind(infos));
  for (size_t i = 0; i < bound.argument_types.size(); ++i) {
    ASSIGN_OR_RAISE(expressions[i], MakeCast(expressions[i], bound.argument_types[i]));
  }
  ExprPtr call =
      Expr::Call(function.name, expressions, bound.result_type, bound.kernel, bound.traits);
  FunctionContext context;
  ExpressionEvaluator evaluator(context);
  ASSIGN_OR_RAISE(VectorPtr result, evaluator.Evaluate(*call, columns, num_rows));
  std::vector<Value> values;
  for (size_t i = 0; i < num_rows; ++i) values.push_back(ReadValue(*result, i));
  return values;
}

Value Int(int64_t value) { return Value::Int(value); }
Value Text(std::string value) { return Value::String(std::move(value)); }

// Scalar functions ------------------------------------------------------------------

TEST(PluginScalarTest, CountCharCountsTheFirstCharacterAndIsNullSafe) {
  ScalarFunction count_char = MakeScalarFunction(
      "count_char", ExamplePlugin(), ExampleFunction("com.github.nexmark.flink.udf.CountChar"));
  Result<std::vector<Value>> counts = Call(
      count_char,
      {Column(DataType::String(), {Text("abcabc"), Value(), Text(""), Text("ccc"), Text("日本日")}),
       Column(DataType::String(), {Text("c"), Text("c"), Text("c"), Value(), Text("日x")})});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (std::vector<Value>{Int(2), Int(0), Int(0), Int(0), Int(2)}));

  // A CHAR(1) literal converts to STRING; the constant is expanded for the plugin.
  Result<std::vector<Value>> with_literal =
      Call(count_char, {Column(DataType::VarChar(10), {Text("cocoa"), Text("x")}),
                        Literal(DataType::Char(1), Text("c"))});
  ASSERT_TRUE(with_literal.ok()) << with_literal.status().ToString();
  EXPECT_EQ(*with_literal, (std::vector<Value>{Int(2), Int(0)}));
}

TEST(PluginScalarTest, BindingChecksTheSignature) {
  ScalarFunction count_char = MakeScalarFunction(
      "count_char", ExamplePlugin(), ExampleFunction("com.github.nexmark.flink.udf.CountChar"));
  std::vector<ArgumentInfo> wrong_type = {{DataType::Int(), nullptr},
                                          {DataType::String(), nullptr}};
  Result<BoundScalarFunction> bound = count_char.bind(wrong_type);
  ASSERT_FALSE(bound.ok());
  EXPECT_EQ(bound.status().message(),
            "Invalid function call: count_char(INT, STRING). Supported signatures: "
            "count_char(STRING, STRING)");

  std::vector<ArgumentInfo> too_few = {{DataType::String(), nullptr}};
  EXPECT_FALSE(count_char.bind(too_few).ok());

  std::vector<ArgumentInfo> right = {{DataType::String(), nullptr}, {DataType::Char(1), nullptr}};
  Result<BoundScalarFunction> good = count_char.bind(right);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->result_type, DataType::BigInt(false));
  EXPECT_EQ(good->argument_types, (std::vector<DataType>{DataType::String(), DataType::String()}));
  EXPECT_TRUE(good->traits.deterministic);
}

TEST(PluginScalarTest, MaskReturnsStringsAndNulls) {
  ScalarFunction mask =
      MakeScalarFunction("mask", ExamplePlugin(), ExampleFunction("com.example.udf.Mask"));
  Result<std::vector<Value>> masked =
      Call(mask, {Column(DataType::String(),
                         {Text("4111111111111111"), Value(), Text("ab"), Text("日本語テキスト")}),
                  Column(DataType::Int(), {Int(4), Int(1), Int(5), Int(2)})});
  ASSERT_TRUE(masked.ok()) << masked.status().ToString();
  EXPECT_EQ(*masked,
            (std::vector<Value>{Text("************1111"), Value(), Text("ab"), Text("*****スト")}));

  // A SMALLINT argument widens to the declared INT.
  Result<std::vector<Value>> narrow = Call(
      mask, {Column(DataType::String(), {Text("secret")}), Literal(DataType::SmallInt(), Int(0))});
  ASSERT_TRUE(narrow.ok()) << narrow.status().ToString();
  EXPECT_EQ(*narrow, (std::vector<Value>{Text("******")}));
}

TEST(PluginScalarTest, ErrorsNameTheFunctionAndTheRow) {
  ScalarFunction mask =
      MakeScalarFunction("mask", ExamplePlugin(), ExampleFunction("com.example.udf.Mask"));
  Result<std::vector<Value>> failed =
      Call(mask, {Column(DataType::String(), {Text("abc"), Text("it's")}),
                  Column(DataType::Int(), {Int(1), Int(-1)})});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kDataError);
  EXPECT_EQ(
      failed.status().message(),
      "User-defined function mask ('com.example.udf.Mask') failed for arguments ('it''s', "
      "-1): the number of characters to keep must not be negative, but is -1 (in mask($0, $1))");
}

// An in-process plugin whose functions count open() and close() and fail on demand.
int g_opened = 0;
int g_closed = 0;

int32_t OpenCounting(void** instance, tiangong_udf_error* error) {
  ++g_opened;
  *instance = &g_opened;
  return TIANGONG_UDF_OK;
}
void CloseCounting(void* instance) { ++g_closed; }

// Returns its BIGINT argument; fails on 13, without a row on 14, with a
// strange code on 15, and NULL (not allowed: NOT NULL result) on 16.
int32_t Picky(const tiangong_udf_scalar_call* call) {
  if (call->instance != &g_opened) return tiangong_udf_fail(call->error, -1, "not opened");
  const auto* values = static_cast<const int64_t*>(call->args[0].values);
  auto* out = static_cast<int64_t*>(call->result->values);
  for (int64_t row = 0; row < call->num_rows; ++row) {
    if (call->args[0].nulls != nullptr && call->args[0].nulls[row]) {
      out[row] = -1;
      continue;
    }
    if (values[row] == 13) return tiangong_udf_fail(call->error, row, "unlucky %d", 13);
    if (values[row] == 14) return tiangong_udf_fail(call->error, -1, "no row to blame");
    if (values[row] == 15) return 7;
    if (values[row] == 16) call->result->nulls[row] = 1;
    out[row] = values[row];
  }
  return TIANGONG_UDF_OK;
}

int32_t FailingOpen(void** instance, tiangong_udf_error* error) {
  return tiangong_udf_fail(error, -1, "no license");
}

const tiangong_udf_type kBigint = {TIANGONG_UDF_TYPE_BIGINT, 0, 0, 0};
const tiangong_udf_type kBigintNotNull = {TIANGONG_UDF_TYPE_BIGINT, 0, 0, 1};

PluginPtr TestPlugin() {
  static tiangong_udf_function functions[2] = {};
  static tiangong_udf_plugin descriptor = {};
  static PluginPtr plugin = [] {
    functions[0].identifier = "test.Picky";
    functions[0].kind = TIANGONG_UDF_SCALAR;
    functions[0].num_args = 1;
    functions[0].arg_types = &kBigint;
    functions[0].result_type = kBigintNotNull;
    functions[0].open = OpenCounting;
    functions[0].close = CloseCounting;
    functions[0].eval = Picky;
    functions[1] = functions[0];
    functions[1].identifier = "test.Unlicensed";
    functions[1].open = FailingOpen;
    functions[1].flags = TIANGONG_UDF_NONDETERMINISTIC;
    descriptor = {TIANGONG_UDF_ABI_VERSION, "test", 2, functions};
    Result<PluginPtr> described = Plugin::FromDescriptor(&descriptor, "test-plugin");
    TG_CHECK(described.ok());
    return *described;
  }();
  return plugin;
}

TEST(PluginScalarTest, InstancesAreOpenedOncePerEvaluatorAndClosed) {
  ScalarFunction picky =
      MakeScalarFunction("picky", TestPlugin(), *TestPlugin()->Find("test.Picky"));
  g_opened = g_closed = 0;
  Result<std::vector<Value>> values =
      Call(picky, {Column(DataType::BigInt(), {Int(1), Value(), Int(3)})});
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  EXPECT_EQ(*values, (std::vector<Value>{Int(1), Int(-1), Int(3)}));
  EXPECT_EQ(g_opened, 1);
  EXPECT_EQ(g_closed, 1);
}

TEST(PluginScalarTest, FailuresBecomeStatuses) {
  ScalarFunction picky =
      MakeScalarFunction("picky", TestPlugin(), *TestPlugin()->Find("test.Picky"));
  auto message = [&](int64_t value) {
    Result<std::vector<Value>> result =
        Call(picky, {Column(DataType::BigInt(), {Int(1), Int(value)})});
    return result.ok() ? std::string("ok") : result.status().message();
  };
  EXPECT_EQ(message(13),
            "User-defined function picky ('test.Picky') failed for arguments (13): unlucky 13 (in "
            "picky($0))");
  EXPECT_EQ(message(14),
            "User-defined function picky ('test.Picky') failed: no row to blame (in picky($0))");
  EXPECT_EQ(message(15),
            "User-defined function picky ('test.Picky') failed: error code 7 (in picky($0))");
  EXPECT_EQ(message(16),
            "User-defined function picky ('test.Picky') returned NULL, but its result type is "
            "BIGINT NOT NULL (in picky($0))");

  ScalarFunction unlicensed =
      MakeScalarFunction("unlicensed", TestPlugin(), *TestPlugin()->Find("test.Unlicensed"));
  Result<std::vector<Value>> result = Call(unlicensed, {Column(DataType::BigInt(), {Int(1)})});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "User-defined function unlicensed ('test.Unlicensed') failed in open(): no license (in "
            "unlicensed($0))");
  std::vector<ArgumentInfo> info = {{DataType::BigInt(), nullptr}};
  EXPECT_FALSE(unlicensed.bind(info)->traits.deterministic);
}

// Aggregate functions ---------------------------------------------------------------

// Feeds rows to one accumulator: adds[i] says add (1) or retract (0).
Status Feed(const AggregateFunction& function, Accumulator* accumulator,
            const std::vector<VectorPtr>& args, std::vector<uint8_t> adds) {
  std::vector<Accumulator*> accumulators(adds.size(), accumulator);
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < adds.size(); ++i) rows.push_back(static_cast<uint32_t>(i));
  return function.Update(accumulators.data(), args, rows.data(), adds.data(), adds.size());
}

Value Emit(const AggregateFunction& function, const Accumulator& accumulator) {
  VectorBuilder builder(function.result_type());
  function.Emit(accumulator, &builder);
  return ReadValue(*builder.Build(), 0);
}

TEST(PluginAggregateTest, WeightedAverageAccumulatesRetractsMergesAndSerializes) {
  AggregateFunctionDefinition definition = MakeAggregateFunction(
      "weighted_avg", ExamplePlugin(), ExampleFunction("com.example.udf.WeightedAvg"));
  // INT arguments are cast to the declared DOUBLE and BIGINT.
  AggregateBindInput input{{DataType::Int(), DataType::Int()}, {nullptr, nullptr}, true};
  Result<AggregateFunctionPtr> function = definition.bind(input);
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  EXPECT_TRUE((*function)->supports_retraction());
  EXPECT_EQ((*function)->result_type(), DataType::Double());

  std::unique_ptr<Accumulator> accumulator = (*function)->Create();
  EXPECT_TRUE(Emit(**function, *accumulator).is_null());
  std::vector<VectorPtr> args = {MakeVector(DataType::Int(), {Int(1), Int(3), Int(5), Value()}),
                                 MakeVector(DataType::Int(), {Int(1), Int(1), Int(2), Int(7)})};
  ASSERT_TRUE(Feed(**function, accumulator.get(), args, {1, 1, 1, 1}).ok());
  EXPECT_EQ(Emit(**function, *accumulator), Value::Double(3.5));  // (1 + 3 + 10) / 4
  // In order: +row 0, -row 1, -row 2, +row 3 (NULL, ignored): (1 + 1) / 2.
  ASSERT_TRUE(Feed(**function, accumulator.get(), args, {1, 0, 0, 1}).ok());
  EXPECT_EQ(Emit(**function, *accumulator), Value::Double(1.0));

  std::string state;
  ByteWriter writer(&state);
  (*function)->Serialize(*accumulator, &writer);
  ByteReader reader(state);
  Result<std::unique_ptr<Accumulator>> restored = (*function)->Deserialize(&reader);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(Emit(**function, **restored), Value::Double(1.0));

  std::unique_ptr<Accumulator> other = (*function)->Create();
  // -1·1 - 3·1 + 5·2 = 6 over weights -1 - 1 + 2 = 0.
  ASSERT_TRUE(Feed(**function, other.get(), args, {0, 0, 1}).ok());
  ASSERT_TRUE((*function)->Merge(accumulator.get(), *other).ok());
  EXPECT_EQ(Emit(**function, *accumulator), Value::Double(4.0));  // (2 + 6) / 2

  ByteReader truncated(std::string_view(state).substr(0, 3));
  EXPECT_FALSE((*function)->Deserialize(&truncated).ok());
}

TEST(PluginAggregateTest, CollectDistinctKeepsCountsOfStrings) {
  AggregateFunctionDefinition definition = MakeAggregateFunction(
      "collect_distinct", ExamplePlugin(), ExampleFunction("com.example.udf.CollectDistinct"));
  AggregateBindInput input{{DataType::VarChar(5)}, {nullptr}, true};
  Result<AggregateFunctionPtr> function = definition.bind(input);
  ASSERT_TRUE(function.ok()) << function.status().ToString();
  std::unique_ptr<Accumulator> accumulator = (*function)->Create();
  std::vector<VectorPtr> args = {
      MakeVector(DataType::VarChar(5), {Text("b"), Text("a"), Text("b"), Value()})};
  ASSERT_TRUE(Feed(**function, accumulator.get(), args, {1, 1, 1, 1}).ok());
  EXPECT_EQ(Emit(**function, *accumulator), Text("a,b"));
  ASSERT_TRUE(Feed(**function, accumulator.get(), args, {0}).ok());
  EXPECT_EQ(Emit(**function, *accumulator), Text("a,b"));  // one "b" is left

  std::string state;
  ByteWriter writer(&state);
  (*function)->Serialize(*accumulator, &writer);
  ByteReader reader(state);
  Result<std::unique_ptr<Accumulator>> restored = (*function)->Deserialize(&reader);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(Emit(**function, **restored), Text("a,b"));

  ASSERT_TRUE(Feed(**function, restored->get(), args, {0, 0}).ok());
  EXPECT_TRUE(Emit(**function, **restored).is_null());
}

TEST(PluginAggregateTest, BindingChecksTypesAndRetraction) {
  AggregateFunctionDefinition definition = MakeAggregateFunction(
      "weighted_avg", ExamplePlugin(), ExampleFunction("com.example.udf.WeightedAvg"));
  AggregateBindInput strings{{DataType::String(), DataType::Int()}, {nullptr, nullptr}, false};
  Result<AggregateFunctionPtr> function = definition.bind(strings);
  ASSERT_FALSE(function.ok());
  EXPECT_EQ(function.status().message(),
            "Invalid function call: weighted_avg(STRING, INT). Supported signatures: "
            "weighted_avg(DOUBLE, BIGINT)");
}

// An aggregate without retract(): a count of rows that fails on a negative value.
void* NewCount() { return std::calloc(1, sizeof(int64_t)); }
void DeleteCount(void* accumulator) { std::free(accumulator); }
int32_t AddCount(const tiangong_udf_aggregate_batch* batch) {
  const auto* values = static_cast<const int64_t*>(batch->args[0].values);
  for (int64_t i = 0; i < batch->count; ++i) {
    if (values[batch->rows[i]] < 0) {
      return tiangong_udf_fail(batch->error, batch->rows[i], "negative");
    }
    ++*static_cast<int64_t*>(batch->accumulators[i]);
  }
  return TIANGONG_UDF_OK;
}
void GetCount(const void* accumulator, tiangong_udf_output* output) {
  *static_cast<int64_t*>(output->values) = *static_cast<const int64_t*>(accumulator);
}
void SerializeCount(const void* accumulator, tiangong_udf_buffer* out) {
  out->append(out, accumulator, sizeof(int64_t));
}
int32_t DeserializeCount(const char* data, int64_t size, void** accumulator,
                         tiangong_udf_error* error) {
  if (size != 8) return tiangong_udf_fail(error, -1, "bad size %lld", static_cast<long long>(size));
  void* count = std::malloc(sizeof(int64_t));
  std::memcpy(count, data, 8);
  *accumulator = count;
  return TIANGONG_UDF_OK;
}

TEST(PluginAggregateTest, WithoutRetractAnUpdatingInputIsRefused) {
  static tiangong_udf_function function = [] {
    tiangong_udf_function count{};
    count.identifier = "test.Count";
    count.kind = TIANGONG_UDF_AGGREGATE;
    count.num_args = 1;
    count.arg_types = &kBigint;
    count.result_type = kBigint;
    count.create = NewCount;
    count.destroy = DeleteCount;
    count.accumulate = AddCount;
    count.get_value = GetCount;
    count.serialize = SerializeCount;
    count.deserialize = DeserializeCount;
    return count;
  }();
  static tiangong_udf_plugin descriptor = {TIANGONG_UDF_ABI_VERSION, "test", 1, &function};
  Result<PluginPtr> plugin = Plugin::FromDescriptor(&descriptor, "test-plugin");
  ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
  AggregateFunctionDefinition definition =
      MakeAggregateFunction("my_count", *plugin, *(*plugin)->Find("test.Count"));

  AggregateBindInput updating{{DataType::BigInt()}, {nullptr}, true};
  Result<AggregateFunctionPtr> refused = definition.bind(updating);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "User-defined aggregate function my_count ('test.Count') cannot take an updating "
            "input (the result of a GROUP BY, a join or a changelog source): the plugin does not "
            "implement retract()");

  AggregateBindInput append_only{{DataType::BigInt()}, {nullptr}, false};
  Result<AggregateFunctionPtr> count = definition.bind(append_only);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_FALSE((*count)->supports_retraction());
  std::unique_ptr<Accumulator> accumulator = (*count)->Create();
  std::vector<VectorPtr> args = {MakeVector(DataType::BigInt(), {Int(4), Int(-2)})};
  Status failed = Feed(**count, accumulator.get(), args, {1, 1});
  EXPECT_EQ(failed.message(),
            "User-defined function my_count ('test.Count') failed in accumulate() for arguments "
            "(-2): negative");
  EXPECT_EQ(Emit(**count, *accumulator), Int(1));
  EXPECT_FALSE((*count)->Merge(accumulator.get(), *accumulator).ok());

  std::string bad_state;
  ByteWriter writer(&bad_state);
  writer.String("xyz");
  ByteReader reader(bad_state);
  Result<std::unique_ptr<Accumulator>> restored = (*count)->Deserialize(&reader);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.status().message(),
            "User-defined function my_count ('test.Count') failed in deserialize(): bad size 3");
}

// Table functions -------------------------------------------------------------------

std::vector<std::string> PrintRows(BatchBuilder* builder) {
  Batch batch = builder->Build();
  std::vector<std::string> rows;
  for (size_t i = 0; i < batch.num_rows(); ++i) rows.push_back(FormatPrintRow(batch, i));
  return rows;
}

TEST(PluginTableTest, SplitToRowsEmitsRowsPerInputRow) {
  TableFunctionDefinition definition = MakeTableFunction(
      "split_to_rows", ExamplePlugin(), ExampleFunction("com.example.udf.SplitToRows"));
  std::vector<ArgumentInfo> infos = {{DataType::VarChar(20), nullptr},
                                     {DataType::Char(1), nullptr}};
  Result<BoundTableFunction> bound = definition.bind(infos);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(bound->argument_types, (std::vector<DataType>{DataType::String(), DataType::String()}));
  const TableFunction& function = *bound->function;
  EXPECT_EQ(function.name(), "split_to_rows");
  EXPECT_EQ(function.result_type().fields()[0].name, "word");
  EXPECT_TRUE(function.deterministic());

  Result<std::unique_ptr<TableFunctionInstance>> instance = function.Open();
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  // Arguments of other string types are cast to the declared STRING.
  std::vector<VectorPtr> args = {
      MakeVector(DataType::VarChar(20), {Text("a,b"), Value(), Text("c"), Text(",")}),
      MakeConstantVector(DataType::Char(1), Text(","), 4)};
  BatchBuilder out(function.result_type());
  std::vector<uint32_t> input_rows;
  ASSERT_TRUE((*instance)->Evaluate(args, 4, &out, &input_rows).ok());
  EXPECT_EQ(PrintRows(&out),
            (std::vector<std::string>{"+I[a, 1]", "+I[b, 2]", "+I[c, 1]", "+I[, 1]", "+I[, 2]"}));
  EXPECT_EQ(input_rows, (std::vector<uint32_t>{0, 0, 2, 3, 3}));

  std::vector<VectorPtr> empty_separator = {MakeVector(DataType::String(), {Text("x"), Text("y")}),
                                            MakeVector(DataType::String(), {Text(","), Text("")})};
  input_rows.clear();
  Status failed = (*instance)->Evaluate(empty_separator, 2, &out, &input_rows);
  EXPECT_EQ(failed.message(),
            "User-defined function split_to_rows ('com.example.udf.SplitToRows') failed for "
            "arguments ('y', ''): the separator must not be NULL or empty");

  std::vector<ArgumentInfo> wrong = {{DataType::Int(), nullptr}, {DataType::String(), nullptr}};
  EXPECT_FALSE(definition.bind(wrong).ok());
}

// Emits a row for input row 1, then one for row 0: out of order.
int32_t EmitBackwards(const tiangong_udf_table_call* call) {
  tiangong_udf_value field{};
  field.as.int64 = 1;
  if (call->emit(call, 1, &field) != TIANGONG_UDF_OK) return TIANGONG_UDF_ERROR;
  if (call->emit(call, 0, &field) != TIANGONG_UDF_OK) return TIANGONG_UDF_ERROR;
  return TIANGONG_UDF_OK;
}

TEST(PluginTableTest, RowsOutOfInputOrderAreRefused) {
  static const tiangong_udf_field kField = {"n", kBigint};
  static tiangong_udf_function function = [] {
    tiangong_udf_function backwards{};
    backwards.identifier = "test.Backwards";
    backwards.kind = TIANGONG_UDF_TABLE;
    backwards.num_args = 1;
    backwards.arg_types = &kBigint;
    backwards.num_result_fields = 1;
    backwards.result_fields = &kField;
    backwards.eval_table = EmitBackwards;
    return backwards;
  }();
  static tiangong_udf_plugin descriptor = {TIANGONG_UDF_ABI_VERSION, "test", 1, &function};
  Result<PluginPtr> plugin = Plugin::FromDescriptor(&descriptor, "test-plugin");
  ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
  TableFunctionDefinition definition =
      MakeTableFunction("backwards", *plugin, *(*plugin)->Find("test.Backwards"));
  std::vector<ArgumentInfo> infos = {{DataType::BigInt(), nullptr}};
  Result<BoundTableFunction> bound = definition.bind(infos);
  ASSERT_TRUE(bound.ok());
  Result<std::unique_ptr<TableFunctionInstance>> instance = bound->function->Open();
  ASSERT_TRUE(instance.ok());
  std::vector<VectorPtr> args = {MakeVector(DataType::BigInt(), {Int(1), Int(2)})};
  BatchBuilder out(bound->function->result_type());
  std::vector<uint32_t> input_rows;
  Status status = (*instance)->Evaluate(args, 2, &out, &input_rows);
  EXPECT_EQ(status.message(),
            "User-defined table function backwards ('test.Backwards'): emitted a row for input "
            "row 0 after one for input row 1; rows must follow the input order");
}

// Registration ------------------------------------------------------------------------

TEST(RegisterPluginFunctionTest, ReplacesFunctionsOfAnyKindWithTheName) {
  FunctionRegistry registry = BuiltinFunctions();
  ASSERT_NE(registry.FindAggregate("count"), nullptr);
  RegisterPluginFunction("count", ExamplePlugin(),
                         ExampleFunction("com.github.nexmark.flink.udf.CountChar"), &registry);
  EXPECT_EQ(registry.FindAggregate("COUNT"), nullptr);
  ASSERT_NE(registry.FindScalar("Count"), nullptr);
  RegisterPluginFunction("words", ExamplePlugin(), ExampleFunction("com.example.udf.SplitToRows"),
                         &registry);
  EXPECT_NE(registry.FindTable("WORDS"), nullptr);
  EXPECT_EQ(registry.TableNames(), (std::vector<std::string>{"WORDS"}));
}

}  // namespace
}  // namespace tiangong::udf
