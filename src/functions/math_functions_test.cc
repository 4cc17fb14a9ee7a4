#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "functions/evaluator.h"
#include "functions/function_registry.h"
#include "functions/test_calls.h"
#include "types/decimal.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

TestArgument Int(int64_t value) { return Literal(DataType::Int(false), Value::Int(value)); }
TestArgument BigInt(int64_t value) { return Literal(DataType::BigInt(false), Value::Int(value)); }
TestArgument Double(double value) { return Literal(DataType::Double(false), Value::Double(value)); }
TestArgument Decimal(int precision, int scale, Int128 unscaled) {
  return Literal(DataType::Decimal(precision, scale, false), Value::Decimal(unscaled));
}
TestArgument String(std::string text) {
  return Literal(DataType::String(false), Value::String(std::move(text)));
}

// Calls a function over literals and returns its single value, failing the test
// when the call fails.
Value Scalar(std::string_view name, std::vector<TestArgument> arguments) {
  Result<Value> value = CallScalar(name, std::move(arguments));
  EXPECT_TRUE(value.ok()) << name << ": " << value.status().ToString();
  return value.ok() ? *value : Value();
}

double ScalarDouble(std::string_view name, std::vector<TestArgument> arguments) {
  Value value = Scalar(name, std::move(arguments));
  return value.is_null() ? -12345.0 : value.AsDouble();
}

// The message of the error the call fails with ("" when it succeeds).
std::string ErrorOf(std::string_view name, std::vector<TestArgument> arguments) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments));
  return result.ok() ? "" : result.status().message();
}

TEST(MathFunctionsTest, AbsKeepsTheTypeAndWrapsLikeJava) {
  EXPECT_EQ(Scalar("ABS", {Int(-5)}).AsInt(), 5);
  EXPECT_EQ(Scalar("ABS", {Int(-2147483648LL)}).AsInt(), -2147483648LL);
  auto decimal = CallFunction("ABS", {Decimal(5, 2, -150)});
  ASSERT_TRUE(decimal.ok()) << decimal.status().ToString();
  EXPECT_EQ(decimal->type.ToString(), "DECIMAL(5, 2) NOT NULL");
  EXPECT_EQ(DecimalToString(decimal->values[0].AsDecimal(), 2), "1.50");
  auto column = CallFunction("ABS", {Column(DataType::Double(), {Value::Double(-2.5), Value()})});
  ASSERT_TRUE(column.ok());
  EXPECT_EQ(column->type.ToString(), "DOUBLE");
  EXPECT_EQ(column->values[0].AsDouble(), 2.5);
  EXPECT_TRUE(column->values[1].is_null());
  EXPECT_NE(ErrorOf("ABS", {String("a")}).find("Invalid function call: ABS(STRING)"),
            std::string::npos);
}

TEST(MathFunctionsTest, Sign) {
  EXPECT_EQ(Scalar("SIGN", {Int(-3)}).AsInt(), -1);
  EXPECT_EQ(Scalar("SIGN", {BigInt(0)}).AsInt(), 0);
  EXPECT_EQ(Scalar("SIGN", {Double(0.25)}).AsDouble(), 1.0);
  EXPECT_TRUE(std::isnan(ScalarDouble("SIGN", {Double(std::nan(""))})));
  auto decimal = CallFunction("SIGN", {Decimal(5, 2, -250)});
  ASSERT_TRUE(decimal.ok());
  EXPECT_EQ(DecimalToString(decimal->values[0].AsDecimal(), 2), "-1.00");
  // 1 does not fit DECIMAL(3, 3).
  auto fraction = CallFunction("SIGN", {Decimal(3, 3, 500)});
  ASSERT_TRUE(fraction.ok());
  EXPECT_TRUE(fraction->type.nullable());
  EXPECT_TRUE(fraction->values[0].is_null());
}

TEST(MathFunctionsTest, RoundDoublesOnTheirShortestDecimalForm) {
  // The double nearest 2.675 is 2.67499999..., but Flink rounds "2.675".
  EXPECT_EQ(ScalarDouble("ROUND", {Double(2.675), Int(2)}), 2.68);
  EXPECT_EQ(ScalarDouble("ROUND", {Double(-2.5)}), -3.0);  // HALF_UP: away from zero
  EXPECT_EQ(ScalarDouble("ROUND", {Double(2.4)}), 2.0);
  EXPECT_EQ(ScalarDouble("ROUND", {Double(1234.5678), Int(-2)}), 1200.0);
  EXPECT_EQ(ScalarDouble("ROUND", {Double(0.000123456), Int(5)}), 0.00012);
  EXPECT_EQ(ScalarDouble("ROUND", {Double(1e300), Int(2)}), 1e300);
  EXPECT_TRUE(std::isinf(ScalarDouble("ROUND", {Double(INFINITY), Int(2)})));
  // FLOAT is widened to DOUBLE first: 2.675f is 2.6749999523... as a double.
  auto single =
      CallFunction("ROUND", {Literal(DataType::Float(false), Value::Double(2.675f)), Int(2)});
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->type.ToString(), "FLOAT NOT NULL");
  EXPECT_EQ(static_cast<float>(single->values[0].AsDouble()), 2.67f);
}

TEST(MathFunctionsTest, RoundIntegersAndColumns) {
  EXPECT_EQ(Scalar("ROUND", {Int(15), Int(-1)}).AsInt(), 20);
  EXPECT_EQ(Scalar("ROUND", {Int(-15), Int(-1)}).AsInt(), -20);
  EXPECT_EQ(Scalar("ROUND", {Int(14), Int(-1)}).AsInt(), 10);
  EXPECT_EQ(Scalar("ROUND", {BigInt(123), Int(2)}).AsInt(), 123);
  auto rows = CallFunction(
      "ROUND", {Column(DataType::Double(),
                       {Value::Double(1.25), Value::Double(1.25), Value(), Value::Double(9.99)}),
                Column(DataType::Int(), {Value::Int(1), Value::Int(0), Value::Int(1), Value()})});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->values[0].AsDouble(), 1.3);
  EXPECT_EQ(rows->values[1].AsDouble(), 1.0);
  EXPECT_TRUE(rows->values[2].is_null());
  EXPECT_TRUE(rows->values[3].is_null());
}

TEST(MathFunctionsTest, RoundDecimalsUseFlinksResultTypes) {
  // findRoundDecimalType(5, 3, 2) = DECIMAL(5, 2): one more integer digit for the carry.
  auto rounded = CallFunction("ROUND", {Decimal(5, 3, 1235), Int(2)});
  ASSERT_TRUE(rounded.ok()) << rounded.status().ToString();
  EXPECT_EQ(rounded->type.WithNullable(true).ToString(), "DECIMAL(5, 2)");
  EXPECT_EQ(DecimalToString(rounded->values[0].AsDecimal(), 2), "1.24");
  auto carry = CallFunction("ROUND", {Decimal(4, 2, 9999), Int(1)});
  ASSERT_TRUE(carry.ok());
  EXPECT_EQ(carry->type.WithNullable(true).ToString(), "DECIMAL(4, 1)");
  EXPECT_EQ(DecimalToString(carry->values[0].AsDecimal(), 1), "100.0");
  auto tens = CallFunction("ROUND", {Decimal(6, 2, -12550), Int(-1)});
  ASSERT_TRUE(tens.ok());
  EXPECT_EQ(tens->type.WithNullable(true).ToString(), "DECIMAL(5, 0)");
  EXPECT_EQ(DecimalToString(tens->values[0].AsDecimal(), 0), "-130");
  auto whole = CallFunction("ROUND", {Decimal(5, 2, 250)});
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->type.WithNullable(true).ToString(), "DECIMAL(4, 0)");
  EXPECT_EQ(DecimalToString(whole->values[0].AsDecimal(), 0), "3");
  // More places than the scale: unchanged.
  auto same = CallFunction("ROUND", {Decimal(5, 2, 250), Int(4)});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->type.WithNullable(true).ToString(), "DECIMAL(5, 2)");
  // Places from a column: the type keeps the scale.
  auto column = CallFunction(
      "ROUND", {Decimal(5, 2, 12345), Column(DataType::Int(), {Value::Int(1), Value::Int(-2)})});
  ASSERT_TRUE(column.ok());
  EXPECT_EQ(column->type.WithNullable(true).ToString(), "DECIMAL(5, 2)");
  EXPECT_EQ(DecimalToString(column->values[0].AsDecimal(), 2), "123.50");
  EXPECT_EQ(DecimalToString(column->values[1].AsDecimal(), 2), "100.00");
}

TEST(MathFunctionsTest, Truncate) {
  EXPECT_EQ(ScalarDouble("TRUNCATE", {Double(42.324), Int(2)}), 42.32);
  EXPECT_EQ(ScalarDouble("TRUNCATE", {Double(-42.329), Int(2)}), -42.32);
  EXPECT_EQ(ScalarDouble("TRUNCATE", {Double(42.9)}), 42.0);
  EXPECT_EQ(Scalar("TRUNCATE", {Int(1999), Int(-2)}).AsInt(), 1900);
  EXPECT_EQ(Scalar("TRUNCATE", {Int(-1999), Int(-2)}).AsInt(), -1900);
  auto decimal = CallFunction("TRUNCATE", {Decimal(5, 3, 42329)});
  ASSERT_TRUE(decimal.ok());
  EXPECT_EQ(decimal->type.WithNullable(true).ToString(), "DECIMAL(3, 0)");
  EXPECT_EQ(DecimalToString(decimal->values[0].AsDecimal(), 0), "42");
  auto null_places = CallFunction("TRUNCATE", {Double(1.5), Literal(DataType::Int(), Value())});
  ASSERT_TRUE(null_places.ok());
  EXPECT_TRUE(null_places->values[0].is_null());
}

TEST(MathFunctionsTest, FloorAndCeilOfNumbers) {
  EXPECT_EQ(ScalarDouble("FLOOR", {Double(-1.5)}), -2.0);
  EXPECT_EQ(ScalarDouble("CEIL", {Double(-1.5)}), -1.0);
  EXPECT_EQ(ScalarDouble("CEILING", {Double(1.2)}), 2.0);
  EXPECT_EQ(Scalar("FLOOR", {Int(7)}).AsInt(), 7);
  auto floor = CallFunction(
      "FLOOR",
      {Column(DataType::Decimal(5, 2), {Value::Decimal(-125), Value::Decimal(125), Value()})});
  ASSERT_TRUE(floor.ok()) << floor.status().ToString();
  EXPECT_EQ(floor->type.ToString(), "DECIMAL(5, 0)");
  EXPECT_EQ(DecimalToString(floor->values[0].AsDecimal(), 0), "-2");
  EXPECT_EQ(DecimalToString(floor->values[1].AsDecimal(), 0), "1");
  EXPECT_TRUE(floor->values[2].is_null());
  auto ceil = CallFunction("CEIL", {Decimal(5, 2, -125)});
  ASSERT_TRUE(ceil.ok());
  EXPECT_EQ(DecimalToString(ceil->values[0].AsDecimal(), 0), "-1");
  EXPECT_NE(ErrorOf("FLOOR", {String("1.5")}).find("Invalid function call: FLOOR(STRING)"),
            std::string::npos);
}

TEST(MathFunctionsTest, PowersAndLogarithms) {
  EXPECT_EQ(ScalarDouble("POWER", {Int(2), Int(10)}), 1024.0);
  EXPECT_EQ(ScalarDouble("POW", {Double(4), Double(0.5)}), 2.0);
  EXPECT_EQ(ScalarDouble("SQRT", {Int(16)}), 4.0);
  EXPECT_TRUE(std::isnan(ScalarDouble("SQRT", {Int(-1)})));
  EXPECT_EQ(ScalarDouble("EXP", {Int(0)}), 1.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("LN", {Double(std::numbers::e)}), 1.0);
  EXPECT_TRUE(std::isinf(ScalarDouble("LN", {Int(0)})));  // like Math.log, no error
  EXPECT_DOUBLE_EQ(ScalarDouble("LOG10", {Int(1000)}), 3.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("LOG2", {Int(8)}), 3.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("LOG", {Double(std::exp(2.0))}), 2.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("LOG", {Int(2), Int(8)}), 3.0);
  auto decimal = CallFunction("LOG10", {Decimal(6, 1, 1000)});
  ASSERT_TRUE(decimal.ok());
  EXPECT_EQ(decimal->type.ToString(), "DOUBLE NOT NULL");
  EXPECT_DOUBLE_EQ(decimal->values[0].AsDouble(), 2.0);
}

TEST(MathFunctionsTest, LogarithmsRejectArgumentsOutsideTheirDomain) {
  EXPECT_NE(ErrorOf("LOG2", {Int(0)}).find("x of 'log2(x)' must be > 0"), std::string::npos);
  EXPECT_NE(ErrorOf("LOG", {Int(-1)}).find("x of 'log(x)' must be > 0"), std::string::npos);
  EXPECT_NE(ErrorOf("LOG", {Int(1), Int(8)}).find("base of 'log(base, x)' must be > 1"),
            std::string::npos);
  EXPECT_NE(ErrorOf("LOG", {Int(2), Int(0)}).find("x of 'log(base, x)' must be > 0"),
            std::string::npos);
  // NULL rows are not checked.
  auto nulls = CallFunction("LOG2", {Column(DataType::Int(), {Value::Int(4), Value()})});
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(nulls->values[0].AsDouble(), 2.0);
  EXPECT_TRUE(nulls->values[1].is_null());
}

TEST(MathFunctionsTest, Trigonometry) {
  EXPECT_EQ(ScalarDouble("SIN", {Int(0)}), 0.0);
  EXPECT_EQ(ScalarDouble("COS", {Int(0)}), 1.0);
  EXPECT_EQ(ScalarDouble("TAN", {Int(0)}), 0.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("ASIN", {Int(1)}), std::numbers::pi / 2);
  EXPECT_EQ(ScalarDouble("ACOS", {Int(1)}), 0.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("ATAN", {Int(1)}), std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(ScalarDouble("ATAN2", {Int(1), Int(1)}), std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(ScalarDouble("ATAN2", {Int(1), Int(-1)}), 3 * std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(ScalarDouble("DEGREES", {Double(std::numbers::pi)}), 180.0);
  EXPECT_DOUBLE_EQ(ScalarDouble("RADIANS", {Int(180)}), std::numbers::pi);
  EXPECT_TRUE(std::isnan(ScalarDouble("ASIN", {Int(2)})));
}

TEST(MathFunctionsTest, Constants) {
  auto pi = CallFunction("PI", {});
  ASSERT_TRUE(pi.ok());
  EXPECT_EQ(pi->type.ToString(), "DOUBLE NOT NULL");
  EXPECT_EQ(pi->values[0].AsDouble(), std::numbers::pi);
  EXPECT_EQ(ScalarDouble("E", {}), std::numbers::e);
  EXPECT_NE(ErrorOf("PI", {Int(1)}), "");
}

// Evaluates RAND(seed) over `batches` batches of `rows` rows with one evaluator,
// as an operator instance does, and returns the values in order.
std::vector<double> SeededRandBatches(int64_t seed, int batches, size_t rows) {
  std::vector<double> values;
  const ScalarFunction* rand = BuiltinFunctions().FindScalar("RAND");
  ExprPtr seed_literal = Expr::Literal(Value::Int(seed), DataType::Int(false));
  std::vector<ArgumentInfo> infos = {{DataType::Int(false), &seed_literal->value()}};
  Result<BoundScalarFunction> bound = rand->bind(infos);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  if (!bound.ok()) return values;
  ExprPtr seed_argument = Expr::Literal(Value::Int(seed), bound->argument_types[0]);
  ExprPtr call =
      Expr::Call("RAND", {seed_argument}, bound->result_type, bound->kernel, bound->traits);
  FunctionContext context;
  ExpressionEvaluator evaluator(context);
  for (int batch = 0; batch < batches; ++batch) {
    Result<VectorPtr> result = evaluator.Evaluate(*call, {}, rows);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return values;
    for (size_t i = 0; i < rows; ++i) values.push_back(ReadValue(**result, i).AsDouble());
  }
  return values;
}

TEST(MathFunctionsTest, RandWithASeedRepeatsJavasSequence) {
  // java.util.Random(42).nextDouble(), three times.
  std::vector<double> expected = {0.7275636800328681, 0.6832234717598454, 0.30871945533265976};
  EXPECT_EQ(SeededRandBatches(42, 1, 3), expected);
  // The generator continues across batches of one evaluator.
  EXPECT_EQ(SeededRandBatches(42, 3, 1), expected);
  EXPECT_EQ(ScalarDouble("RAND", {BigInt(42)}), expected[0]);
  // java.util.Random(42).nextInt(10), nextInt(10), nextInt(10), nextInt(100).
  Result<TestCallResult> integers = CallFunction(
      "RAND_INTEGER", {Int(42), Column(DataType::Int(), {Value::Int(10), Value::Int(10),
                                                         Value::Int(10), Value::Int(100)})});
  ASSERT_TRUE(integers.ok()) << integers.status().ToString();
  EXPECT_EQ(integers->type.ToString(), "INT");
  EXPECT_EQ(integers->values[0].AsInt(), 0);
  EXPECT_EQ(integers->values[1].AsInt(), 3);
  EXPECT_EQ(integers->values[2].AsInt(), 8);
  EXPECT_EQ(integers->values[3].AsInt(), 84);
}

TEST(MathFunctionsTest, RandIsNotDeterministic) {
  const ScalarFunction* rand = BuiltinFunctions().FindScalar("RAND");
  ASSERT_NE(rand, nullptr);
  Result<BoundScalarFunction> bound = rand->bind({});
  ASSERT_TRUE(bound.ok());
  EXPECT_FALSE(bound->traits.deterministic);
  EXPECT_EQ(bound->result_type.ToString(), "DOUBLE NOT NULL");
  for (int i = 0; i < 20; ++i) {
    double value = ScalarDouble("RAND", {});
    EXPECT_GE(value, 0.0);
    EXPECT_LT(value, 1.0);
  }
}

TEST(MathFunctionsTest, RandArgumentErrors) {
  EXPECT_NE(ErrorOf("RAND", {Column(DataType::Int(), {Value::Int(1)})})
                .find("The seed of RAND must be a constant"),
            std::string::npos);
  EXPECT_NE(ErrorOf("RAND_INTEGER", {Int(0)}).find("RAND_INTEGER bound must be positive"),
            std::string::npos);
  EXPECT_NE(ErrorOf("RAND", {Double(1.5)}).find("Invalid function call: RAND(DOUBLE)"),
            std::string::npos);
  auto null_seed = CallFunction("RAND", {Literal(DataType::Int(), Value())});
  ASSERT_TRUE(null_seed.ok());
  EXPECT_TRUE(null_seed->values[0].is_null());
  auto null_bound =
      CallFunction("RAND_INTEGER", {Column(DataType::Int(), {Value(), Value::Int(5)})});
  ASSERT_TRUE(null_bound.ok());
  EXPECT_TRUE(null_bound->values[0].is_null());
  EXPECT_GE(null_bound->values[1].AsInt(), 0);
  EXPECT_LT(null_bound->values[1].AsInt(), 5);
}

TEST(MathFunctionsTest, BinAndHex) {
  EXPECT_EQ(Scalar("BIN", {Int(12)}).AsString(), "1100");
  EXPECT_EQ(Scalar("BIN", {Int(0)}).AsString(), "0");
  EXPECT_EQ(Scalar("BIN", {BigInt(-1)}).AsString(), std::string(64, '1'));
  EXPECT_EQ(Scalar("HEX", {Int(100)}).AsString(), "64");
  EXPECT_EQ(Scalar("HEX", {Int(-1)}).AsString(), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Scalar("HEX", {String("hello,world")}).AsString(), "68656C6C6F2C776F726C64");
  auto nulls = CallFunction("BIN", {Column(DataType::BigInt(), {Value(), Value::Int(4)})});
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(nulls->type.ToString(), "STRING");
  EXPECT_TRUE(nulls->values[0].is_null());
  EXPECT_EQ(nulls->values[1].AsString(), "100");
  EXPECT_NE(ErrorOf("BIN", {String("1")}), "");
}

}  // namespace
}  // namespace tiangong
