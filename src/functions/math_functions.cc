// Numeric functions with Flink's semantics: ABS, SIGN, ROUND and TRUNCATE (HALF_UP
// on the decimal digits, with Flink's decimal result types), FLOOR/CEIL on
// numbers, the DOUBLE functions (POWER, SQRT, LN, LOG*, EXP, trigonometry), the
// constants PI() and E(), RAND/RAND_INTEGER (java.util.Random's generator, so a
// seed gives the same sequence as in Flink), BIN and HEX.
//
// FLOOR, CEIL and CEILING also have temporal forms (`FLOOR(ts TO DAY)`), which
// time_functions.cc registers; see AddNumericForm below.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "functions/function_registry.h"
#include "functions/vector_loops.h"
#include "types/decimal.h"

namespace tiangong {
namespace {

bool IsNumericOrNull(const DataType& type) {
  return type.is_numeric() || type.id() == TypeId::kNull;
}

bool IsIntegerOrNull(const DataType& type) {
  return type.is_integer() || type.id() == TypeId::kNull;
}

bool AnyNullable(std::span<const ArgumentInfo> args) {
  for (const ArgumentInfo& arg : args) {
    if (arg.type.nullable()) return true;
  }
  return false;
}

// The integer value of a constant argument, or nullopt when it is not a
// non-NULL constant.
std::optional<int64_t> ConstantInteger(const ArgumentInfo& arg) {
  if (arg.constant == nullptr || arg.constant->is_null() || !arg.type.is_integer()) {
    return std::nullopt;
  }
  return arg.constant->AsInt();
}

// Like UnaryLoop, for operations that can fail: `op(value, &out)` returns a
// Status and runs only for rows that are not NULL (once for a constant input).
template <typename In, typename Out, typename Op>
Result<VectorPtr> UnaryLoopChecked(const Vector& in, const DataType& type, size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(type, num_rows);
  PropagateNulls({&in}, num_rows, out.get());
  Out* values = out->mutable_values<Out>();
  if (in.is_constant()) {
    Out value{};
    if (!in.IsNull(0)) RETURN_NOT_OK(op(in.ValueAt<In>(0), &value));
    for (size_t i = 0; i < num_rows; ++i) values[i] = value;
    return VectorPtr(out);
  }
  for (size_t i = 0; i < num_rows; ++i) {
    if (out->IsNull(i)) continue;
    RETURN_NOT_OK(op(in.ValueAt<In>(i), &values[i]));
  }
  return VectorPtr(out);
}

// FLOOR, CEIL and CEILING have numeric forms (one argument, here) and temporal
// forms (`FLOOR(ts TO DAY)`, two arguments, in time_functions.cc), but the
// registry holds one function per name. So this registers a function that binds
// one-argument calls itself and passes every other call to the function already
// registered under the name, if any; time_functions.cc does the same for its
// two-argument calls. Whichever file registers first, the name ends up with one
// function that dispatches on the number of arguments.
void AddNumericForm(FunctionRegistry* registry, const std::string& name,
                    std::vector<std::string> signatures, ScalarBinder numeric) {
  ScalarBinder other;
  if (const ScalarFunction* existing = registry->FindScalar(name); existing != nullptr) {
    other = existing->bind;
    signatures.insert(signatures.end(), existing->signatures.begin(), existing->signatures.end());
  }
  registry->AddScalar(
      ScalarFunction{name, signatures,
                     [name, signatures, numeric,
                      other](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
                       if (args.size() == 1) return numeric(args);
                       if (other) return other(args);
                       return SignatureMismatch(name, args, signatures);
                     }});
}

// DOUBLE functions -----------------------------------------------------------

// A function of DOUBLE arguments returning DOUBLE; other numeric arguments are
// cast to DOUBLE first. `make_kernel()` builds the kernel.
template <typename MakeKernelFunction>
ScalarFunction DoubleFunction(std::string name, size_t num_args, std::string signature,
                              MakeKernelFunction make_kernel, bool can_fail = false) {
  std::vector<std::string> signatures = {signature};
  auto bind = [=](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    if (args.size() != num_args) return SignatureMismatch(name, args, signatures);
    std::vector<DataType> casts;
    for (const ArgumentInfo& arg : args) {
      if (!IsNumericOrNull(arg.type)) return SignatureMismatch(name, args, signatures);
      casts.push_back(DataType::Double(arg.type.nullable()));
    }
    CallTraits traits;
    traits.can_fail = can_fail;
    return BoundScalarFunction{DataType::Double(AnyNullable(args)), casts, make_kernel(), traits};
  };
  return ScalarFunction{name, signatures, bind};
}

template <typename Op>
ScalarFunction UnaryDouble(std::string name, Op op) {
  std::string signature = name + "(<NUMERIC>)";
  return DoubleFunction(name, 1, signature, [op] {
    return MakeKernel(
        [op](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
          return VectorPtr(
              UnaryLoop<double, double>(*args[0], context.result_type, context.num_rows, op));
        });
  });
}

template <typename Op>
ScalarFunction BinaryDouble(std::string name, Op op) {
  std::string signature = name + "(<NUMERIC>, <NUMERIC>)";
  return DoubleFunction(name, 2, signature, [op] {
    return MakeKernel(
        [op](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
          return VectorPtr(BinaryLoop<double, double, double>(
              *args[0], *args[1], context.result_type, context.num_rows, op));
        });
  });
}

// LOG and LOG2 reject arguments outside their domain, as Flink's SqlFunctionUtils
// does (`x <= 0`, so NaN passes through); LN and LOG10 return NaN like Math.log.
Status NaturalLogarithm(double x, double* out) {
  if (x <= 0.0) return Status::DataError("x of 'log(x)' must be > 0, but x = {}", x);
  *out = std::log(x);
  return Status::OK();
}

Status BinaryLogarithm(double x, double* out) {
  if (x <= 0.0) return Status::DataError("x of 'log2(x)' must be > 0, but x = {}", x);
  *out = std::log(x) / std::log(2.0);
  return Status::OK();
}

Status LogarithmToBase(double base, double x, double* out) {
  if (x <= 0.0) return Status::DataError("x of 'log(base, x)' must be > 0, but x = {}", x);
  if (base <= 1.0) {
    return Status::DataError("base of 'log(base, x)' must be > 1, but base = {}", base);
  }
  *out = std::log(x) / std::log(base);
  return Status::OK();
}

Result<BoundScalarFunction> BindLog(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"LOG(<NUMERIC>)",
                                                       "LOG(<NUMERIC>, <NUMERIC>)"};
  if (args.empty() || args.size() > 2) return SignatureMismatch("LOG", args, kSignatures);
  std::vector<DataType> casts;
  for (const ArgumentInfo& arg : args) {
    if (!IsNumericOrNull(arg.type)) return SignatureMismatch("LOG", args, kSignatures);
    casts.push_back(DataType::Double(arg.type.nullable()));
  }
  ScalarKernelPtr kernel;
  if (args.size() == 1) {
    kernel = MakeKernel(
        [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
          return UnaryLoopChecked<double, double>(*values[0], context.result_type, context.num_rows,
                                                  NaturalLogarithm);
        });
  } else {
    kernel = MakeKernel(
        [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
          ASSIGN_OR_RAISE(MutableVectorPtr out, (BinaryLoopChecked<double, double, double>(
                                                    *values[0], *values[1], context.result_type,
                                                    context.num_rows, LogarithmToBase)));
          return VectorPtr(out);
        });
  }
  return BoundScalarFunction{DataType::Double(AnyNullable(args)), casts, kernel,
                             CallTraits{.deterministic = true, .can_fail = true}};
}

ScalarFunction ConstantDouble(std::string name, double value) {
  std::vector<std::string> signatures = {name + "()"};
  return ScalarFunction{
      name, signatures,
      [name, signatures, value](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (!args.empty()) return SignatureMismatch(name, args, signatures);
        auto kernel = MakeKernel(
            [value](const KernelContext& context, std::span<const VectorPtr>) -> Result<VectorPtr> {
              MutableVectorPtr out = Vector::MakeConstant(context.result_type, context.num_rows);
              out->mutable_values<double>()[0] = value;
              return VectorPtr(out);
            });
        return BoundScalarFunction{DataType::Double(false), {}, kernel, {}};
      }};
}

// ABS and SIGN ---------------------------------------------------------------

template <typename T>
T AbsoluteValue(T value) {
  if constexpr (std::is_integral_v<T>) {
    // Java's Math.abs: the most negative value stays negative.
    using Unsigned = std::make_unsigned_t<T>;
    return value < 0 ? static_cast<T>(Unsigned{0} - static_cast<Unsigned>(value)) : value;
  } else {
    return std::fabs(value);
  }
}

template <typename T>
T Signum(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value) || value == 0) return value;
  }
  return value > 0 ? T{1} : (value < 0 ? T{-1} : T{0});
}

// Applies `op` to every value of a numeric vector of the result's type.
// `decimal_op(unscaled)` handles DECIMAL.
template <typename Generic, typename DecimalOp>
VectorPtr NumericMap(const Vector& in, const DataType& type, size_t num_rows, Generic generic,
                     DecimalOp decimal_op) {
  switch (PhysicalKindOf(type.id())) {
    case PhysicalKind::kInt8:
      return UnaryLoop<int8_t, int8_t>(in, type, num_rows,
                                       [&](int8_t value) { return generic(value); });
    case PhysicalKind::kInt16:
      return UnaryLoop<int16_t, int16_t>(in, type, num_rows,
                                         [&](int16_t value) { return generic(value); });
    case PhysicalKind::kInt32:
      return UnaryLoop<int32_t, int32_t>(in, type, num_rows,
                                         [&](int32_t value) { return generic(value); });
    case PhysicalKind::kInt64:
      return UnaryLoop<int64_t, int64_t>(in, type, num_rows,
                                         [&](int64_t value) { return generic(value); });
    case PhysicalKind::kFloat:
      return UnaryLoop<float, float>(in, type, num_rows,
                                     [&](float value) { return generic(value); });
    case PhysicalKind::kDouble:
      return UnaryLoop<double, double>(in, type, num_rows,
                                       [&](double value) { return generic(value); });
    default:
      return UnaryLoop<Int128, Int128>(in, type, num_rows, decimal_op);
  }
}

// SIGN of a DECIMAL(p, p): 1 and -1 do not fit the type, so those rows are NULL.
Result<BoundScalarFunction> BindDecimalSignWithoutIntegerDigits(const DataType& type) {
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& in = *values[0];
        MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
        PropagateNulls({&in}, context.num_rows, out.get());
        Int128* results = out->mutable_values<Int128>();
        for (size_t i = 0; i < context.num_rows; ++i) {
          results[i] = 0;
          if (!out->IsNull(i) && in.ValueAt<Int128>(i) != 0) out->SetNull(i, true);
        }
        return VectorPtr(out);
      });
  return BoundScalarFunction{type.WithNullable(true), {}, kernel, {}};
}

// ABS(x) and SIGN(x): the result has the argument's type.
ScalarFunction SameTypeFunction(std::string name, bool sign) {
  std::vector<std::string> signatures = {name + "(<NUMERIC>)"};
  return ScalarFunction{
      name, signatures, [=](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (args.size() != 1 || !args[0].type.is_numeric()) {
          return SignatureMismatch(name, args, signatures);
        }
        DataType type = args[0].type;
        if (sign && type.id() == TypeId::kDecimal && type.precision() == type.scale()) {
          return BindDecimalSignWithoutIntegerDigits(type);
        }
        Int128 one = type.id() == TypeId::kDecimal ? PowerOfTen(type.scale()) : 1;
        auto kernel = MakeKernel([sign, one](
                                     const KernelContext& context,
                                     std::span<const VectorPtr> values) -> Result<VectorPtr> {
          if (sign) {
            return NumericMap(
                *values[0], context.result_type, context.num_rows,
                [](auto value) { return Signum(value); },
                [one](Int128 value) -> Int128 { return value > 0 ? one : (value < 0 ? -one : 0); });
          }
          return NumericMap(
              *values[0], context.result_type, context.num_rows,
              [](auto value) { return AbsoluteValue(value); },
              [](Int128 value) { return value < 0 ? -value : value; });
        });
        return BoundScalarFunction{type, {}, kernel, {}};
      }};
}

// FLOOR and CEIL on numbers --------------------------------------------------

Result<BoundScalarFunction> BindNumericFloorCeil(const std::string& name, bool ceil,
                                                 std::span<const ArgumentInfo> args) {
  const DataType& type = args[0].type;
  if (!type.is_numeric()) {
    return SignatureMismatch(name, args, {name + "(<NUMERIC>)"});
  }
  if (type.is_integer()) {
    // Integers are already whole.
    auto kernel = MakeKernel(
        [](const KernelContext&, std::span<const VectorPtr> values) -> Result<VectorPtr> {
          return values[0];
        });
    return BoundScalarFunction{type, {}, kernel, {}};
  }
  if (type.is_approximate_numeric()) {
    auto kernel = MakeKernel([ceil](const KernelContext& context,
                                    std::span<const VectorPtr> values) -> Result<VectorPtr> {
      return NumericMap(
          *values[0], context.result_type, context.num_rows,
          [ceil](auto value) { return ceil ? std::ceil(value) : std::floor(value); },
          [](Int128 value) { return value; });
    });
    return BoundScalarFunction{type, {}, kernel, {}};
  }
  // DECIMAL(p, s) → DECIMAL(p, 0), as Calcite's ARG0_OR_EXACT_NO_SCALE.
  DataType result = DataType::Decimal(type.precision(), 0, type.nullable());
  Int128 divisor = PowerOfTen(type.scale());
  auto kernel = MakeKernel([ceil, divisor](const KernelContext& context,
                                           std::span<const VectorPtr> values) -> Result<VectorPtr> {
    return VectorPtr(UnaryLoop<Int128, Int128>(*values[0], context.result_type, context.num_rows,
                                               [=](Int128 unscaled) {
                                                 Int128 quotient = unscaled / divisor;
                                                 Int128 remainder = unscaled % divisor;
                                                 if (ceil && remainder > 0) ++quotient;
                                                 if (!ceil && remainder < 0) --quotient;
                                                 return quotient;
                                               }));
  });
  return BoundScalarFunction{result, {}, kernel, {}};
}

// ROUND and TRUNCATE ---------------------------------------------------------

enum class RoundingMode { kHalfUp, kDown };

// Rounds |digits| (a non-negative integer below 10^18) to `drop` fewer digits.
int64_t RoundDigits(int64_t digits, int drop, RoundingMode mode) {
  if (drop <= 0) return digits;
  if (drop > 18) return 0;
  int64_t divisor = 1;
  for (int i = 0; i < drop; ++i) divisor *= 10;
  int64_t quotient = digits / divisor;
  int64_t remainder = digits % divisor;
  if (mode == RoundingMode::kHalfUp && remainder * 2 >= divisor) ++quotient;
  return quotient;
}

// Rounds a DOUBLE to `places` decimal places the way Flink does: on its shortest
// decimal form (BigDecimal.valueOf), so ROUND(2.675, 2) is 2.68 although the
// double closest to 2.675 lies below it. FLOAT values are widened to DOUBLE
// first, as BigDecimal.valueOf(float) does.
double RoundFloating(double value, int32_t places, RoundingMode mode) {
  if (!std::isfinite(value) || value == 0) return value;
  char text[64];
  std::to_chars_result printed =
      std::to_chars(text, text + sizeof(text), value, std::chars_format::scientific);
  // "[-]d[.ddd]e±x": the value is digits × 10^(exponent - (num_digits - 1)).
  const char* position = text;
  bool negative = *position == '-';
  if (negative) ++position;
  int64_t digits = 0;
  int num_digits = 0;
  for (; position < printed.ptr && *position != 'e'; ++position) {
    if (*position == '.') continue;
    digits = digits * 10 + (*position - '0');
    ++num_digits;
  }
  ++position;  // 'e'
  bool negative_exponent = *position == '-';
  ++position;  // the exponent's sign
  int exponent = 0;
  std::from_chars(position, printed.ptr, exponent);
  if (negative_exponent) exponent = -exponent;
  int64_t scale = static_cast<int64_t>(exponent) - (num_digits - 1);
  // Digits below 10^-places are dropped.
  int64_t drop = -static_cast<int64_t>(places) - scale;
  if (drop <= 0) return value;
  int64_t kept = RoundDigits(digits, drop > 19 ? 19 : static_cast<int>(drop), mode);
  if (kept == 0) return 0;
  // kept × 10^-places, converted with correct rounding as BigDecimal.doubleValue().
  // At most 19 digits, 'e', a sign and 10 exponent digits.
  char rounded[48];
  char* end = std::to_chars(rounded, rounded + 20, kept).ptr;
  end[0] = 'e';
  end = std::to_chars(end + 1, rounded + sizeof(rounded), -static_cast<int64_t>(places)).ptr;
  double result = 0;
  std::from_chars(rounded, end, result);
  return negative ? -result : result;
}

// Rounds an integer to 10^-places (places < 0); other places leave it unchanged.
template <typename T>
T RoundInteger(T value, int32_t places, RoundingMode mode) {
  if (places >= 0) return value;
  if (places < -38) return 0;
  Int128 divisor = PowerOfTen(-places);
  Int128 wide = value;
  Int128 quotient = wide / divisor;
  Int128 remainder = wide % divisor;
  // HALF_UP: away from zero when the dropped part is at least half the divisor
  // (compared without doubling, which could overflow for 10^38).
  Int128 magnitude = remainder < 0 ? -remainder : remainder;
  if (mode == RoundingMode::kHalfUp && magnitude >= divisor - magnitude) {
    quotient += wide < 0 ? -1 : 1;
  }
  // Java's longValue()/intValue(): wraps on overflow.
  return static_cast<T>(static_cast<int64_t>(quotient * divisor));
}

// Rounds a DECIMAL of scale `scale` to `places` decimal places, keeping the scale.
// nullopt on overflow.
std::optional<Int128> RoundDecimal(Int128 unscaled, int scale, int32_t places, RoundingMode mode) {
  int64_t drop = static_cast<int64_t>(scale) - places;
  if (drop <= 0) return unscaled;
  if (drop > 38) return Int128{0};
  Int128 divisor = PowerOfTen(static_cast<int>(drop));
  Int128 quotient = unscaled / divisor;
  Int128 remainder = unscaled % divisor;
  Int128 magnitude = remainder < 0 ? -remainder : remainder;
  if (mode == RoundingMode::kHalfUp && magnitude >= divisor - magnitude) {
    quotient += unscaled < 0 ? -1 : 1;
  }
  return MultiplyChecked(quotient, divisor);
}

// Flink's LogicalTypeMerging.findRoundDecimalType.
DataType RoundedDecimalType(int precision, int scale, int64_t places, bool nullable) {
  if (places >= scale) return DataType::Decimal(precision, scale, nullable);
  if (places < 0) {
    return DataType::Decimal(std::min(DataType::kMaxDecimalPrecision, 1 + precision - scale), 0,
                             nullable);
  }
  return DataType::Decimal(1 + precision - scale + static_cast<int>(places),
                           static_cast<int>(places), nullable);
}

template <typename T>
VectorPtr RoundValues(const Vector& values, const Vector& places, const DataType& type,
                      size_t num_rows, RoundingMode mode) {
  if constexpr (std::is_floating_point_v<T>) {
    return BinaryLoop<T, int32_t, T>(values, places, type, num_rows,
                                     [mode](T value, int32_t digits) {
                                       return static_cast<T>(RoundFloating(value, digits, mode));
                                     });
  } else {
    return BinaryLoop<T, int32_t, T>(
        values, places, type, num_rows,
        [mode](T value, int32_t digits) { return RoundInteger(value, digits, mode); });
  }
}

// ROUND(x [, d]) and TRUNCATE(x [, d]).
ScalarFunction RoundingFunction(std::string name, RoundingMode mode) {
  std::vector<std::string> signatures = {name + "(<NUMERIC>)", name + "(<NUMERIC>, <INTEGER>)"};
  return ScalarFunction{
      name, signatures, [=](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (args.empty() || args.size() > 2 || !args[0].type.is_numeric() ||
            (args.size() == 2 && !IsIntegerOrNull(args[1].type))) {
          return SignatureMismatch(name, args, signatures);
        }
        const DataType& type = args[0].type;
        bool has_places = args.size() == 2;
        bool nullable = AnyNullable(args);
        std::optional<int64_t> constant_places =
            has_places ? ConstantInteger(args[1]) : std::optional<int64_t>(0);
        DataType result = type.WithNullable(nullable);
        std::vector<DataType> casts = {type};
        if (has_places) casts.push_back(DataType::Int(args[1].type.nullable()));
        if (type.id() == TypeId::kDecimal) {
          if (constant_places) {
            result = RoundedDecimalType(type.precision(), type.scale(), *constant_places, nullable);
          }
          // Rounding up may not fit the result's precision; such rows are NULL.
          result = result.WithNullable(true);
          int from_scale = type.scale();
          auto kernel = MakeKernel([mode, has_places, from_scale](
                                       const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
            const Vector& in = *values[0];
            const DataType& out_type = context.result_type;
            MutableVectorPtr out = Vector::Make(out_type, context.num_rows);
            if (has_places) {
              PropagateNulls({values[0].get(), values[1].get()}, context.num_rows, out.get());
            } else {
              PropagateNulls({values[0].get()}, context.num_rows, out.get());
            }
            Int128* results = out->mutable_values<Int128>();
            for (size_t i = 0; i < context.num_rows; ++i) {
              results[i] = 0;
              if (out->IsNull(i)) continue;
              int32_t places = has_places ? values[1]->ValueAt<int32_t>(i) : 0;
              std::optional<Int128> rounded =
                  RoundDecimal(in.ValueAt<Int128>(i), from_scale, places, mode);
              if (rounded) rounded = RescaleDecimal(*rounded, from_scale, out_type.scale());
              if (rounded && FitsPrecision(*rounded, out_type.precision())) {
                results[i] = *rounded;
              } else {
                out->SetNull(i, true);
              }
            }
            return VectorPtr(out);
          });
          return BoundScalarFunction{result, casts, kernel, {}};
        }
        PhysicalKind kind = PhysicalKindOf(type.id());
        auto kernel = MakeKernel(
            [mode, has_places, kind](const KernelContext& context,
                                     std::span<const VectorPtr> values) -> Result<VectorPtr> {
              size_t num_rows = context.num_rows;
              VectorPtr places = has_places ? values[1] : nullptr;
              if (!has_places) {
                MutableVectorPtr zero = Vector::MakeConstant(DataType::Int(false), num_rows);
                zero->mutable_values<int32_t>()[0] = 0;
                places = zero;
              }
              const Vector& in = *values[0];
              const DataType& out = context.result_type;
              switch (kind) {
                case PhysicalKind::kInt8:
                  return RoundValues<int8_t>(in, *places, out, num_rows, mode);
                case PhysicalKind::kInt16:
                  return RoundValues<int16_t>(in, *places, out, num_rows, mode);
                case PhysicalKind::kInt32:
                  return RoundValues<int32_t>(in, *places, out, num_rows, mode);
                case PhysicalKind::kInt64:
                  return RoundValues<int64_t>(in, *places, out, num_rows, mode);
                case PhysicalKind::kFloat:
                  return RoundValues<float>(in, *places, out, num_rows, mode);
                default:
                  return RoundValues<double>(in, *places, out, num_rows, mode);
              }
            });
        return BoundScalarFunction{result, casts, kernel, {}};
      }};
}

// RAND and RAND_INTEGER ------------------------------------------------------

// java.util.Random's linear congruential generator, so that a seed yields the
// same sequence as Flink's RAND(seed).
class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) : seed_((static_cast<uint64_t>(seed) ^ kMultiplier) & kMask) {}

  double NextDouble() {
    int64_t high = static_cast<int64_t>(Next(26)) << 27;
    return static_cast<double>(high + Next(27)) * 0x1.0p-53;
  }

  /// A value in [0, bound). REQUIRES: bound > 0.
  int32_t NextInt(int32_t bound) {
    int32_t value = Next(31);
    int32_t mask = bound - 1;
    if ((bound & mask) == 0) {
      return static_cast<int32_t>((static_cast<int64_t>(bound) * value) >> 31);
    }
    // Rejects the values of the last, partial range (Java's loop, with its
    // int overflow made explicit).
    for (int32_t candidate = value;; candidate = Next(31)) {
      value = candidate % bound;
      if (static_cast<int32_t>(static_cast<uint32_t>(candidate) - static_cast<uint32_t>(value) +
                               static_cast<uint32_t>(mask)) >= 0) {
        return value;
      }
    }
  }

 private:
  static constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr uint64_t kAddend = 0xBULL;
  static constexpr uint64_t kMask = (1ULL << 48) - 1;

  int32_t Next(int bits) {
    seed_ = (seed_ * kMultiplier + kAddend) & kMask;
    return static_cast<int32_t>(seed_ >> (48 - bits));
  }

  uint64_t seed_;
};

// The generator of one call site in one evaluator.
class RandomState final : public KernelState {
 public:
  explicit RandomState(int64_t seed) : random(seed) {}
  JavaRandom random;
};

int64_t UnpredictableSeed() {
  std::random_device device;
  return (static_cast<int64_t>(device()) << 32) ^ device();
}

// RAND([seed]) and RAND_INTEGER([seed,] bound). Each evaluator (one per operator
// instance) owns a generator that advances row by row, seeded with the constant
// seed or unpredictably, as Flink's generated code holds one java.util.Random
// per operator. A NULL seed makes every row NULL.
class RandomKernel final : public ScalarKernel {
 public:
  RandomKernel(bool integer, std::optional<int64_t> seed, bool null_seed)
      : integer_(integer), seed_(seed), null_seed_(null_seed) {}

  std::unique_ptr<KernelState> MakeState() const override {
    return std::make_unique<RandomState>(seed_ ? *seed_ : UnpredictableSeed());
  }

  Result<VectorPtr> Evaluate(const KernelContext& context,
                             std::span<const VectorPtr> args) const override {
    size_t num_rows = context.num_rows;
    if (null_seed_) return VectorPtr(Vector::MakeNullConstant(context.result_type, num_rows));
    JavaRandom& random = static_cast<RandomState*>(context.state)->random;
    MutableVectorPtr out = Vector::Make(context.result_type, num_rows);
    if (!integer_) {
      double* values = out->mutable_values<double>();
      for (size_t i = 0; i < num_rows; ++i) values[i] = random.NextDouble();
      return VectorPtr(out);
    }
    const Vector& bound = *args.back();
    PropagateNulls({&bound}, num_rows, out.get());
    int32_t* values = out->mutable_values<int32_t>();
    for (size_t i = 0; i < num_rows; ++i) {
      values[i] = 0;
      if (out->IsNull(i)) continue;
      int32_t limit = bound.ValueAt<int32_t>(i);
      if (limit <= 0) {
        return Status::DataError("RAND_INTEGER bound must be positive, but it is {}", limit);
      }
      values[i] = random.NextInt(limit);
    }
    return VectorPtr(out);
  }

 private:
  bool integer_;
  std::optional<int64_t> seed_;
  bool null_seed_;
};

ScalarFunction RandomFunction(std::string name, bool integer) {
  std::vector<std::string> signatures =
      integer ? std::vector<std::string>{"RAND_INTEGER(<INTEGER>)",
                                         "RAND_INTEGER(<INTEGER>, <INTEGER>)"}
              : std::vector<std::string>{"RAND()", "RAND(<INTEGER>)"};
  return ScalarFunction{
      name, signatures, [=](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        size_t min_args = integer ? 1 : 0;
        if (args.size() < min_args || args.size() > min_args + 1) {
          return SignatureMismatch(name, args, signatures);
        }
        for (const ArgumentInfo& arg : args) {
          if (!IsIntegerOrNull(arg.type)) return SignatureMismatch(name, args, signatures);
        }
        bool has_seed = args.size() > min_args;
        std::optional<int64_t> seed;
        bool null_seed = false;
        std::vector<DataType> casts;
        if (has_seed) {
          // Flink seeds its generator once when the operator opens, so the seed
          // cannot depend on the row.
          if (args[0].constant == nullptr) {
            return Status::Validation("The seed of {} must be a constant, but it is a column",
                                      name);
          }
          null_seed = args[0].constant->is_null();
          if (!null_seed) seed = args[0].constant->AsInt();
          casts.push_back(DataType::BigInt(args[0].type.nullable()));
        }
        if (integer) casts.push_back(DataType::Int(args.back().type.nullable()));
        bool nullable = AnyNullable(args);
        DataType result = integer ? DataType::Int(nullable) : DataType::Double(nullable);
        return BoundScalarFunction{result, casts,
                                   std::make_shared<RandomKernel>(integer, seed, null_seed),
                                   CallTraits{.deterministic = false, .can_fail = integer}};
      }};
}

// BIN and HEX ----------------------------------------------------------------

// Writes `value` in base 2^bits_per_digit, as Java's Long.toBinaryString and
// Long.toHexString (upper case) do: two's complement for negative values.
void WriteUnsignedDigits(uint64_t value, int bits_per_digit, StringWriter& writer) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  char buffer[64];
  char* end = buffer + sizeof(buffer);
  char* begin = end;
  uint64_t mask = (1ULL << bits_per_digit) - 1;
  do {
    *--begin = kDigits[value & mask];
    value >>= bits_per_digit;
  } while (value != 0);
  writer.Set(std::string_view(begin, end - begin));
}

ScalarFunction DigitsFunction(std::string name, int bits_per_digit, bool accepts_strings) {
  std::vector<std::string> signatures = {name + "(<INTEGER>)"};
  if (accepts_strings) signatures.push_back(name + "(<STRING>)");
  return ScalarFunction{
      name, signatures, [=](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (args.size() != 1) return SignatureMismatch(name, args, signatures);
        const DataType& type = args[0].type;
        DataType result = DataType::String(type.nullable());
        if (accepts_strings && type.is_string_storage()) {
          auto kernel = MakeKernel([](const KernelContext& context,
                                      std::span<const VectorPtr> values) -> Result<VectorPtr> {
            static constexpr char kDigits[] = "0123456789ABCDEF";
            const Vector& in = *values[0];
            ASSIGN_OR_RAISE(MutableVectorPtr out,
                            StringLoop({&in}, context.result_type, context.num_rows,
                                       [&](size_t row, StringWriter& writer) {
                                         std::string_view bytes = in.StringAt(row);
                                         char* data = writer.Reserve(bytes.size() * 2);
                                         for (size_t i = 0; i < bytes.size(); ++i) {
                                           auto byte = static_cast<unsigned char>(bytes[i]);
                                           data[2 * i] = kDigits[byte >> 4];
                                           data[2 * i + 1] = kDigits[byte & 15];
                                         }
                                         writer.Commit(data, bytes.size() * 2);
                                         return Status::OK();
                                       }));
            return VectorPtr(out);
          });
          return BoundScalarFunction{result, {}, kernel, {}};
        }
        if (!IsIntegerOrNull(type)) return SignatureMismatch(name, args, signatures);
        auto kernel =
            MakeKernel([bits_per_digit](const KernelContext& context,
                                        std::span<const VectorPtr> values) -> Result<VectorPtr> {
              const Vector& in = *values[0];
              ASSIGN_OR_RAISE(MutableVectorPtr out,
                              StringLoop({&in}, context.result_type, context.num_rows,
                                         [&](size_t row, StringWriter& writer) {
                                           WriteUnsignedDigits(
                                               static_cast<uint64_t>(in.ValueAt<int64_t>(row)),
                                               bits_per_digit, writer);
                                           return Status::OK();
                                         }));
              return VectorPtr(out);
            });
        return BoundScalarFunction{result, {DataType::BigInt(type.nullable())}, kernel, {}};
      }};
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry* registry) {
  registry->AddScalar(SameTypeFunction("ABS", /*sign=*/false));
  registry->AddScalar(SameTypeFunction("SIGN", /*sign=*/true));
  registry->AddScalar(RoundingFunction("ROUND", RoundingMode::kHalfUp));
  registry->AddScalar(RoundingFunction("TRUNCATE", RoundingMode::kDown));
  for (const char* name : {"FLOOR", "CEIL", "CEILING"}) {
    std::string function_name = name;
    bool ceil = function_name != "FLOOR";
    AddNumericForm(registry, function_name, {function_name + "(<NUMERIC>)"},
                   [function_name, ceil](std::span<const ArgumentInfo> args) {
                     return BindNumericFloorCeil(function_name, ceil, args);
                   });
  }

  auto power = [](double base, double exponent) { return std::pow(base, exponent); };
  registry->AddScalar(BinaryDouble("POWER", power));
  registry->AddScalar(BinaryDouble("POW", power));
  registry->AddScalar(UnaryDouble("SQRT", [](double x) { return std::sqrt(x); }));
  registry->AddScalar(UnaryDouble("EXP", [](double x) { return std::exp(x); }));
  registry->AddScalar(UnaryDouble("LN", [](double x) { return std::log(x); }));
  registry->AddScalar(UnaryDouble("LOG10", [](double x) { return std::log10(x); }));
  registry->AddScalar(DoubleFunction(
      "LOG2", 1, "LOG2(<NUMERIC>)",
      [] {
        return MakeKernel(
            [](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
              return UnaryLoopChecked<double, double>(*args[0], context.result_type,
                                                      context.num_rows, BinaryLogarithm);
            });
      },
      /*can_fail=*/true));
  registry->AddScalar(
      ScalarFunction{"LOG", {"LOG(<NUMERIC>)", "LOG(<NUMERIC>, <NUMERIC>)"}, BindLog});

  registry->AddScalar(UnaryDouble("SIN", [](double x) { return std::sin(x); }));
  registry->AddScalar(UnaryDouble("COS", [](double x) { return std::cos(x); }));
  registry->AddScalar(UnaryDouble("TAN", [](double x) { return std::tan(x); }));
  registry->AddScalar(UnaryDouble("COT", [](double x) { return 1.0 / std::tan(x); }));
  registry->AddScalar(UnaryDouble("ASIN", [](double x) { return std::asin(x); }));
  registry->AddScalar(UnaryDouble("ACOS", [](double x) { return std::acos(x); }));
  registry->AddScalar(UnaryDouble("ATAN", [](double x) { return std::atan(x); }));
  registry->AddScalar(BinaryDouble("ATAN2", [](double y, double x) { return std::atan2(y, x); }));
  registry->AddScalar(UnaryDouble("SINH", [](double x) { return std::sinh(x); }));
  registry->AddScalar(UnaryDouble("COSH", [](double x) { return std::cosh(x); }));
  registry->AddScalar(UnaryDouble("TANH", [](double x) { return std::tanh(x); }));
  // Java's Math.toDegrees / toRadians constants.
  registry->AddScalar(UnaryDouble("DEGREES", [](double x) { return x * 57.29577951308232; }));
  registry->AddScalar(UnaryDouble("RADIANS", [](double x) { return x * 0.017453292519943295; }));

  registry->AddScalar(ConstantDouble("PI", std::numbers::pi));
  registry->AddScalar(ConstantDouble("E", std::numbers::e));
  registry->AddScalar(RandomFunction("RAND", /*integer=*/false));
  registry->AddScalar(RandomFunction("RAND_INTEGER", /*integer=*/true));
  registry->AddScalar(DigitsFunction("BIN", 1, /*accepts_strings=*/false));
  registry->AddScalar(DigitsFunction("HEX", 4, /*accepts_strings=*/true));
}

}  // namespace tiangong
