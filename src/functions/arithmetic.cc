// Arithmetic operators (+ - * / % and unary minus) and MOD, with Flink's type
// rules: integers wrap on overflow like Java, decimals become NULL when the
// result does not fit its precision, integer and decimal division by zero fail,
// floating point follows IEEE 754.

#include <limits>
#include <type_traits>

#include "functions/function_registry.h"
#include "functions/type_coercion.h"
#include "functions/vector_loops.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

enum class ArithmeticOp { kAdd, kSubtract, kMultiply, kDivide, kRemainder };

const char* OpName(ArithmeticOp op) {
  switch (op) {
    case ArithmeticOp::kAdd:
      return "+";
    case ArithmeticOp::kSubtract:
      return "-";
    case ArithmeticOp::kMultiply:
      return "*";
    case ArithmeticOp::kDivide:
      return "/";
    case ArithmeticOp::kRemainder:
      return "%";
  }
  return "?";
}

template <typename T>
T Wrap(int64_t value) {
  return static_cast<T>(value);
}

// Integer operations with Java semantics: wrap-around, truncating division.
template <typename T>
struct IntegerOps {
  using Wide = std::conditional_t<(sizeof(T) < 8), int64_t, T>;
  using Unsigned = std::make_unsigned_t<Wide>;
  static T Add(T a, T b) {
    return static_cast<T>(static_cast<Unsigned>(a) + static_cast<Unsigned>(b));
  }
  static T Subtract(T a, T b) {
    return static_cast<T>(static_cast<Unsigned>(a) - static_cast<Unsigned>(b));
  }
  static T Multiply(T a, T b) {
    return static_cast<T>(static_cast<Unsigned>(a) * static_cast<Unsigned>(b));
  }
  static Status Divide(T a, T b, T* out) {
    if (b == 0) return Status::DataError("Division by zero: {} / 0", static_cast<int64_t>(a));
    *out = b == -1 ? static_cast<T>(-static_cast<Unsigned>(a)) : static_cast<T>(a / b);
    return Status::OK();
  }
  static Status Remainder(T a, T b, T* out) {
    if (b == 0) return Status::DataError("Division by zero: {} % 0", static_cast<int64_t>(a));
    *out = b == -1 ? 0 : static_cast<T>(a % b);
    return Status::OK();
  }
};

template <typename T>
Result<VectorPtr> IntegerArithmetic(ArithmeticOp op, const KernelContext& context,
                                    std::span<const VectorPtr> args) {
  const Vector& a = *args[0];
  const Vector& b = *args[1];
  switch (op) {
    case ArithmeticOp::kAdd:
      return VectorPtr(
          BinaryLoop<T, T, T>(a, b, context.result_type, context.num_rows, IntegerOps<T>::Add));
    case ArithmeticOp::kSubtract:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, context.result_type, context.num_rows,
                                           IntegerOps<T>::Subtract));
    case ArithmeticOp::kMultiply:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, context.result_type, context.num_rows,
                                           IntegerOps<T>::Multiply));
    case ArithmeticOp::kDivide: {
      ASSIGN_OR_RAISE(MutableVectorPtr out,
                      (BinaryLoopChecked<T, T, T>(a, b, context.result_type, context.num_rows,
                                                  IntegerOps<T>::Divide)));
      return VectorPtr(out);
    }
    case ArithmeticOp::kRemainder: {
      ASSIGN_OR_RAISE(MutableVectorPtr out,
                      (BinaryLoopChecked<T, T, T>(a, b, context.result_type, context.num_rows,
                                                  IntegerOps<T>::Remainder)));
      return VectorPtr(out);
    }
  }
  return Status::Internal("unknown arithmetic operator");
}

template <typename T>
Result<VectorPtr> FloatingArithmetic(ArithmeticOp op, const KernelContext& context,
                                     std::span<const VectorPtr> args) {
  const Vector& a = *args[0];
  const Vector& b = *args[1];
  const DataType& type = context.result_type;
  size_t n = context.num_rows;
  switch (op) {
    case ArithmeticOp::kAdd:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y) { return x + y; }));
    case ArithmeticOp::kSubtract:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y) { return x - y; }));
    case ArithmeticOp::kMultiply:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y) { return x * y; }));
    case ArithmeticOp::kDivide:
      return VectorPtr(BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y) { return x / y; }));
    case ArithmeticOp::kRemainder:
      return VectorPtr(
          BinaryLoop<T, T, T>(a, b, type, n, [](T x, T y) { return std::fmod(x, y); }));
  }
  return Status::Internal("unknown arithmetic operator");
}

// Decimal arithmetic: rows whose result overflows the result precision become NULL.
ScalarKernelPtr DecimalArithmeticKernel(ArithmeticOp op, DataType left, DataType right,
                                        DataType result) {
  return MakeKernel(
      [=](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
        const Vector& a = *args[0];
        const Vector& b = *args[1];
        size_t n = context.num_rows;
        MutableVectorPtr out = Vector::Make(result, n);
        PropagateNulls({&a, &b}, n, out.get());
        Int128* values = out->mutable_values<Int128>();
        int sa = left.scale();
        int sb = right.scale();
        int sr = result.scale();
        int common = std::max(sa, sb);
        for (size_t i = 0; i < n; ++i) {
          if (out->IsNull(i)) continue;
          Int128 x = a.ValueAt<Int128>(i);
          Int128 y = b.ValueAt<Int128>(i);
          std::optional<Int128> value;
          switch (op) {
            case ArithmeticOp::kAdd:
            case ArithmeticOp::kSubtract: {
              auto xs = RescaleDecimal(x, sa, common);
              auto ys = RescaleDecimal(y, sb, common);
              Int128 sum;
              if (xs && ys &&
                  !(op == ArithmeticOp::kAdd ? __builtin_add_overflow(*xs, *ys, &sum)
                                             : __builtin_sub_overflow(*xs, *ys, &sum))) {
                value = RescaleDecimal(sum, common, sr);
              }
              break;
            }
            case ArithmeticOp::kMultiply: {
              auto product = MultiplyChecked(x, y);
              if (product) value = RescaleDecimal(*product, sa + sb, sr);
              break;
            }
            case ArithmeticOp::kDivide:
              if (y == 0) {
                return Status::DataError("Division by zero: {} / 0", DecimalToString(x, sa));
              }
              value = DivideDecimal(x, sa, y, sb, sr);
              break;
            case ArithmeticOp::kRemainder: {
              if (y == 0) {
                return Status::DataError("Division by zero: {} % 0", DecimalToString(x, sa));
              }
              auto xs = RescaleDecimal(x, sa, common);
              auto ys = RescaleDecimal(y, sb, common);
              if (xs && ys) value = RescaleDecimal(*xs % *ys, common, sr);
              break;
            }
          }
          if (value && FitsPrecision(*value, result.precision())) {
            values[i] = *value;
          } else {
            out->SetNull(i, true);
            values[i] = 0;
          }
        }
        return VectorPtr(out);
      });
}

// Converts an integer vector to a narrower integer type, wrapping like Java.
VectorPtr NarrowInteger(const Vector& wide, const DataType& type, size_t n) {
  auto narrow = [&](auto target) -> VectorPtr {
    using Target = decltype(target);
    switch (wide.kind()) {
      case PhysicalKind::kInt16:
        return UnaryLoop<int16_t, Target>(wide, type, n,
                                          [](int16_t v) { return static_cast<Target>(v); });
      case PhysicalKind::kInt32:
        return UnaryLoop<int32_t, Target>(wide, type, n,
                                          [](int32_t v) { return static_cast<Target>(v); });
      default:
        return UnaryLoop<int64_t, Target>(wide, type, n,
                                          [](int64_t v) { return static_cast<Target>(v); });
    }
  };
  switch (PhysicalKindOf(type.id())) {
    case PhysicalKind::kInt8:
      return narrow(int8_t{});
    case PhysicalKind::kInt16:
      return narrow(int16_t{});
    default:
      return narrow(int32_t{});
  }
}

ScalarKernelPtr NumericKernel(ArithmeticOp op, PhysicalKind kind) {
  return MakeKernel([op, kind](const KernelContext& context,
                               std::span<const VectorPtr> args) -> Result<VectorPtr> {
    switch (kind) {
      case PhysicalKind::kInt8:
        return IntegerArithmetic<int8_t>(op, context, args);
      case PhysicalKind::kInt16:
        return IntegerArithmetic<int16_t>(op, context, args);
      case PhysicalKind::kInt32:
        return IntegerArithmetic<int32_t>(op, context, args);
      case PhysicalKind::kInt64:
        return IntegerArithmetic<int64_t>(op, context, args);
      case PhysicalKind::kFloat:
        return FloatingArithmetic<float>(op, context, args);
      case PhysicalKind::kDouble:
        return FloatingArithmetic<double>(op, context, args);
      default:
        return Status::Internal("no arithmetic kernel for this type");
    }
  });
}

// Adds `months` to a date given as days, clamping the day to the month's end.
int64_t AddMonthsToDays(int64_t days, int64_t months) {
  CivilDate date = CivilFromDays(days);
  int64_t month_index = date.year * 12 + (date.month - 1) + months;
  int64_t year = FloorDiv(month_index, 12);
  int month = static_cast<int>(FloorMod(month_index, 12)) + 1;
  int day = std::min(date.day, DaysInMonth(year, month));
  return DaysFromCivil(year, month, day);
}

int64_t AddMonthsToMicros(int64_t micros, int64_t months) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  return AddMonthsToDays(days, months) * kMicrosPerDay + (micros - days * kMicrosPerDay);
}

// Datetime ± interval; `sign` is +1 or -1.
Result<BoundScalarFunction> BindTemporalArithmetic(const DataType& temporal,
                                                   const DataType& interval, int sign,
                                                   bool interval_first) {
  bool nullable = temporal.nullable() || interval.nullable();
  DataType result = temporal.WithNullable(nullable);
  bool months = interval.id() == TypeId::kIntervalYearMonth;
  TypeId id = temporal.id();
  auto kernel = MakeKernel([=](const KernelContext& context,
                               std::span<const VectorPtr> args) -> Result<VectorPtr> {
    const Vector& time = *args[interval_first ? 1 : 0];
    const Vector& delta = *args[interval_first ? 0 : 1];
    size_t n = context.num_rows;
    if (id == TypeId::kDate) {
      if (months) {
        return VectorPtr(BinaryLoop<int32_t, int32_t, int32_t>(
            time, delta, context.result_type, n, [sign](int32_t days, int32_t m) {
              return static_cast<int32_t>(AddMonthsToDays(days, sign * static_cast<int64_t>(m)));
            }));
      }
      return VectorPtr(BinaryLoop<int32_t, int64_t, int32_t>(
          time, delta, context.result_type, n, [sign](int32_t days, int64_t millis) {
            return static_cast<int32_t>(days + FloorDiv(sign * millis, kMillisPerDay));
          }));
    }
    if (id == TypeId::kTime) {
      return VectorPtr(BinaryLoop<int32_t, int64_t, int32_t>(
          time, delta, context.result_type, n, [sign](int32_t millis, int64_t delta_millis) {
            return static_cast<int32_t>(FloorMod(millis + sign * delta_millis, kMillisPerDay));
          }));
    }
    if (months) {
      return VectorPtr(BinaryLoop<int64_t, int32_t, int64_t>(
          time, delta, context.result_type, n, [sign](int64_t micros, int32_t m) {
            return AddMonthsToMicros(micros, sign * static_cast<int64_t>(m));
          }));
    }
    return VectorPtr(BinaryLoop<int64_t, int64_t, int64_t>(
        time, delta, context.result_type, n,
        [sign](int64_t micros, int64_t millis) { return micros + sign * millis * 1000; }));
  });
  return BoundScalarFunction{result, {}, kernel, {}};
}

// INTERVAL * number, number * INTERVAL, INTERVAL / number.
Result<BoundScalarFunction> BindIntervalScaling(ArithmeticOp op, const DataType& interval,
                                                const DataType& number, bool interval_first) {
  bool nullable = interval.nullable() || number.nullable();
  DataType result = interval.WithNullable(nullable);
  std::vector<DataType> casts = {interval, DataType::Double(number.nullable())};
  if (!interval_first) std::swap(casts[0], casts[1]);
  bool months = interval.id() == TypeId::kIntervalYearMonth;
  auto kernel = MakeKernel(
      [=](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
        const Vector& value = *args[interval_first ? 0 : 1];
        const Vector& factor = *args[interval_first ? 1 : 0];
        size_t n = context.num_rows;
        auto scale = [op](double base, double f) {
          return op == ArithmeticOp::kDivide ? base / f : base * f;
        };
        if (months) {
          return VectorPtr(BinaryLoop<int32_t, double, int32_t>(
              value, factor, context.result_type, n,
              [&](int32_t m, double f) { return static_cast<int32_t>(scale(m, f)); }));
        }
        return VectorPtr(BinaryLoop<int64_t, double, int64_t>(
            value, factor, context.result_type, n, [&](int64_t millis, double f) {
              return static_cast<int64_t>(scale(static_cast<double>(millis), f));
            }));
      });
  return BoundScalarFunction{result, casts, kernel, {}};
}

Result<BoundScalarFunction> BindArithmetic(ArithmeticOp op, std::span<const ArgumentInfo> args,
                                           const std::vector<std::string>& signatures) {
  if (args.size() != 2) return SignatureMismatch(OpName(op), args, signatures);
  const DataType& a = args[0].type;
  const DataType& b = args[1].type;
  bool nullable = a.nullable() || b.nullable();
  // NULL literals take the other side's type.
  DataType left = a.id() == TypeId::kNull ? b.WithNullable(true) : a;
  DataType right = b.id() == TypeId::kNull ? a.WithNullable(true) : b;
  if (left.id() == TypeId::kNull) {
    return BoundScalarFunction{
        DataType::Null(),
        {},
        MakeKernel([](const KernelContext& c, std::span<const VectorPtr>) -> Result<VectorPtr> {
          return VectorPtr(Vector::MakeNullConstant(c.result_type, c.num_rows));
        }),
        {}};
  }
  if (left.is_numeric() && right.is_numeric()) {
    CallTraits traits;
    traits.can_fail = (op == ArithmeticOp::kDivide || op == ArithmeticOp::kRemainder) &&
                      !left.is_approximate_numeric() && !right.is_approximate_numeric();
    if (left.is_integer() && right.is_integer()) {
      DataType wider = WiderInteger(left, right).WithNullable(nullable);
      if (op != ArithmeticOp::kRemainder || wider.id() == right.id()) {
        return BoundScalarFunction{
            wider, {wider, wider}, NumericKernel(op, PhysicalKindOf(wider.id())), traits};
      }
      // MOD returns the type of its second argument, but computes in the wider
      // type: MOD(BIGINT, INT) is INT and exact for every BIGINT.
      DataType result = right.WithNullable(nullable);
      ScalarKernelPtr compute = NumericKernel(op, PhysicalKindOf(wider.id()));
      auto narrowed = MakeKernel(
          [compute, wider, result](const KernelContext& context,
                                   std::span<const VectorPtr> values) -> Result<VectorPtr> {
            KernelContext wide_context{context.function_context, wider, context.num_rows,
                                       context.state};
            ASSIGN_OR_RAISE(VectorPtr wide, compute->Evaluate(wide_context, values));
            return NarrowInteger(*wide, result, context.num_rows);
          });
      return BoundScalarFunction{result, {wider, wider}, narrowed, traits};
    }
    if (left.is_approximate_numeric() || right.is_approximate_numeric()) {
      DataType result = *CommonType({left, right});
      result = result.WithNullable(nullable);
      return BoundScalarFunction{
          result, {result, result}, NumericKernel(op, PhysicalKindOf(result.id())), traits};
    }
    DataType left_decimal = DecimalFor(left);
    DataType right_decimal = DecimalFor(right);
    DataType result;
    switch (op) {
      case ArithmeticOp::kAdd:
      case ArithmeticOp::kSubtract:
        result = DecimalSumType(left_decimal, right_decimal);
        break;
      case ArithmeticOp::kMultiply:
        result = DecimalProductType(left_decimal, right_decimal);
        break;
      case ArithmeticOp::kDivide:
        result = DecimalQuotientType(left_decimal, right_decimal);
        break;
      case ArithmeticOp::kRemainder:
        result = DecimalRemainderType(left_decimal, right_decimal);
        break;
    }
    result = result.WithNullable(true);  // overflow yields NULL
    return BoundScalarFunction{result,
                               {left_decimal, right_decimal},
                               DecimalArithmeticKernel(op, left_decimal, right_decimal, result),
                               traits};
  }
  bool additive = op == ArithmeticOp::kAdd || op == ArithmeticOp::kSubtract;
  if (additive && left.is_datetime() && right.is_interval()) {
    return BindTemporalArithmetic(left, right, op == ArithmeticOp::kAdd ? 1 : -1, false);
  }
  if (op == ArithmeticOp::kAdd && left.is_interval() && right.is_datetime()) {
    return BindTemporalArithmetic(right, left, 1, true);
  }
  if (additive && left.is_interval() && left.id() == right.id()) {
    DataType result = left.WithNullable(nullable);
    return BoundScalarFunction{
        result, {result, result}, NumericKernel(op, PhysicalKindOf(result.id())), {}};
  }
  if ((op == ArithmeticOp::kMultiply || op == ArithmeticOp::kDivide) && left.is_interval() &&
      right.is_numeric()) {
    return BindIntervalScaling(op, left, right, true);
  }
  if (op == ArithmeticOp::kMultiply && left.is_numeric() && right.is_interval()) {
    return BindIntervalScaling(op, right, left, false);
  }
  return SignatureMismatch(OpName(op), args, signatures);
}

Result<BoundScalarFunction> BindNegate(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"-<NUMERIC>", "-<INTERVAL>"};
  if (args.size() != 1) return SignatureMismatch("-", args, kSignatures);
  DataType type = args[0].type;
  if (type.id() == TypeId::kNull) type = DataType::Int();
  if (!type.is_numeric() && !type.is_interval()) return SignatureMismatch("-", args, kSignatures);
  PhysicalKind kind = PhysicalKindOf(type.id());
  auto kernel = MakeKernel(
      [kind](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& in = *values[0];
        const DataType& out = context.result_type;
        size_t n = context.num_rows;
        switch (kind) {
          case PhysicalKind::kInt8:
            return VectorPtr(UnaryLoop<int8_t, int8_t>(
                in, out, n, [](int8_t v) { return IntegerOps<int8_t>::Subtract(0, v); }));
          case PhysicalKind::kInt16:
            return VectorPtr(UnaryLoop<int16_t, int16_t>(
                in, out, n, [](int16_t v) { return IntegerOps<int16_t>::Subtract(0, v); }));
          case PhysicalKind::kInt32:
            return VectorPtr(UnaryLoop<int32_t, int32_t>(
                in, out, n, [](int32_t v) { return IntegerOps<int32_t>::Subtract(0, v); }));
          case PhysicalKind::kInt64:
            return VectorPtr(UnaryLoop<int64_t, int64_t>(
                in, out, n, [](int64_t v) { return IntegerOps<int64_t>::Subtract(0, v); }));
          case PhysicalKind::kFloat:
            return VectorPtr(UnaryLoop<float, float>(in, out, n, [](float v) { return -v; }));
          case PhysicalKind::kDouble:
            return VectorPtr(UnaryLoop<double, double>(in, out, n, [](double v) { return -v; }));
          case PhysicalKind::kInt128:
            return VectorPtr(UnaryLoop<Int128, Int128>(in, out, n, [](Int128 v) { return -v; }));
          default:
            return Status::Internal("no negation for this type");
        }
      });
  return BoundScalarFunction{type, {type}, kernel, {}};
}

void AddOperator(FunctionRegistry* registry, const char* name, ArithmeticOp op,
                 std::vector<std::string> signatures) {
  registry->AddScalar(
      ScalarFunction{name, signatures, [op, signatures](std::span<const ArgumentInfo> args) {
                       return BindArithmetic(op, args, signatures);
                     }});
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry* registry) {
  AddOperator(registry, "+", ArithmeticOp::kAdd,
              {"<NUMERIC> + <NUMERIC>", "<DATETIME> + <INTERVAL>", "<INTERVAL> + <INTERVAL>"});
  AddOperator(registry, "-", ArithmeticOp::kSubtract,
              {"<NUMERIC> - <NUMERIC>", "<DATETIME> - <INTERVAL>", "<INTERVAL> - <INTERVAL>"});
  AddOperator(registry, "*", ArithmeticOp::kMultiply,
              {"<NUMERIC> * <NUMERIC>", "<INTERVAL> * <NUMERIC>"});
  AddOperator(registry, "/", ArithmeticOp::kDivide,
              {"<NUMERIC> / <NUMERIC>", "<INTERVAL> / <NUMERIC>"});
  AddOperator(registry, "%", ArithmeticOp::kRemainder, {"<NUMERIC> % <NUMERIC>"});
  AddOperator(registry, "MOD", ArithmeticOp::kRemainder, {"MOD(<EXACT_NUMERIC>, <EXACT_NUMERIC>)"});
  registry->AddScalar(ScalarFunction{"NEGATE", {"-<NUMERIC>"}, BindNegate});
}

}  // namespace tiangong
