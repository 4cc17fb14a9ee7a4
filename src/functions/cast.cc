#include "functions/cast.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "common/strings.h"
#include "functions/type_coercion.h"
#include "functions/vector_loops.h"
#include "types/decimal.h"
#include "types/temporal.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// Number of bytes of the first `count` UTF-8 code points of `text`.
size_t Utf8Prefix(std::string_view text, size_t count) {
  size_t position = 0;
  for (size_t seen = 0; position < text.size() && seen < count; ++seen) {
    unsigned char lead = static_cast<unsigned char>(text[position]);
    size_t width = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    position += width;
  }
  return std::min(position, text.size());
}

size_t Utf8Length(std::string_view text) {
  size_t length = 0;
  for (char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return length;
}

// Applies VARCHAR(n) truncation and CHAR(n) padding to `text`.
void FitLength(const DataType& to, std::string* text) {
  if (to.length() >= DataType::kMaxLength) return;
  size_t limit = static_cast<size_t>(to.length());
  if (to.is_binary_string()) {
    if (text->size() > limit) text->resize(limit);
    if (to.id() == TypeId::kBinary && text->size() < limit)
      text->append(limit - text->size(), '\0');
    return;
  }
  size_t length = Utf8Length(*text);
  if (length > limit) {
    text->resize(Utf8Prefix(*text, limit));
  } else if (to.id() == TypeId::kChar && length < limit) {
    text->append(limit - length, ' ');
  }
}

// Reads row `row` of a numeric vector as one of three canonical forms.
struct Number {
  enum Kind { kInteger, kFloating, kDecimal } kind;
  int64_t integer = 0;
  double floating = 0;
  Int128 decimal = 0;
  int scale = 0;
};

Number ReadNumber(const Vector& in, size_t row) {
  Number number{Number::kInteger};
  switch (in.kind()) {
    case PhysicalKind::kBool:
      number.integer = in.ValueAt<uint8_t>(row);
      break;
    case PhysicalKind::kInt8:
      number.integer = in.ValueAt<int8_t>(row);
      break;
    case PhysicalKind::kInt16:
      number.integer = in.ValueAt<int16_t>(row);
      break;
    case PhysicalKind::kInt32:
      number.integer = in.ValueAt<int32_t>(row);
      break;
    case PhysicalKind::kInt64:
      number.integer = in.ValueAt<int64_t>(row);
      break;
    case PhysicalKind::kFloat:
      number.kind = Number::kFloating;
      number.floating = in.ValueAt<float>(row);
      break;
    case PhysicalKind::kDouble:
      number.kind = Number::kFloating;
      number.floating = in.ValueAt<double>(row);
      break;
    case PhysicalKind::kInt128:
      number.kind = Number::kDecimal;
      number.decimal = in.ValueAt<Int128>(row);
      number.scale = in.type().scale();
      break;
    default:
      break;
  }
  return number;
}

int64_t SaturatingToInt64(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (value <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

// Converts a number to the target type's storage; returns false for NULL.
template <typename T>
bool ConvertNumber(const Number& number, const DataType& to, T* out) {
  if constexpr (std::is_same_v<T, Int128>) {
    std::optional<Int128> value;
    switch (number.kind) {
      case Number::kInteger:
        value = MultiplyChecked(number.integer, PowerOfTen(to.scale()));
        break;
      case Number::kFloating:
        value = DecimalFromDouble(number.floating, to.precision(), to.scale());
        break;
      case Number::kDecimal:
        value = RescaleDecimal(number.decimal, number.scale, to.scale());
        break;
    }
    if (!value || !FitsPrecision(*value, to.precision())) return false;
    *out = *value;
  } else if constexpr (std::is_floating_point_v<T>) {
    switch (number.kind) {
      case Number::kInteger:
        *out = static_cast<T>(number.integer);
        break;
      case Number::kFloating:
        *out = static_cast<T>(number.floating);
        break;
      case Number::kDecimal:
        *out = static_cast<T>(DecimalToDouble(number.decimal, number.scale));
        break;
    }
  } else if (to.id() == TypeId::kBoolean) {
    switch (number.kind) {
      case Number::kInteger:
        *out = number.integer != 0;
        break;
      case Number::kFloating:
        *out = number.floating != 0;
        break;
      case Number::kDecimal:
        *out = number.decimal != 0;
        break;
    }
  } else {
    switch (number.kind) {
      case Number::kInteger:
        *out = static_cast<T>(number.integer);
        break;
      case Number::kFloating: {
        // Java: (int) d saturates at the int range; smaller types narrow from int.
        int64_t wide = SaturatingToInt64(number.floating);
        if constexpr (sizeof(T) <= 4) {
          wide = std::clamp<int64_t>(wide, std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max());
        }
        *out = static_cast<T>(wide);
        break;
      }
      case Number::kDecimal:
        *out = static_cast<T>(static_cast<int64_t>(number.decimal / PowerOfTen(number.scale)));
        break;
    }
  }
  return true;
}

template <typename T>
VectorPtr CastNumeric(const Vector& in, const DataType& to, size_t n) {
  MutableVectorPtr out = Vector::Make(to, n);
  T* values = out->mutable_values<T>();
  PropagateNulls({&in}, n, out.get());
  for (size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) {
      values[i] = T{};
      continue;
    }
    if (!ConvertNumber<T>(ReadNumber(in, i), to, &values[i])) {
      out->SetNull(i, true);
      values[i] = T{};
    }
  }
  return out;
}

VectorPtr CastNumberTo(const Vector& in, const DataType& to, size_t n) {
  switch (PhysicalKindOf(to.id())) {
    case PhysicalKind::kBool:
      return CastNumeric<uint8_t>(in, to, n);
    case PhysicalKind::kInt8:
      return CastNumeric<int8_t>(in, to, n);
    case PhysicalKind::kInt16:
      return CastNumeric<int16_t>(in, to, n);
    case PhysicalKind::kInt32:
      return CastNumeric<int32_t>(in, to, n);
    case PhysicalKind::kInt64:
      return CastNumeric<int64_t>(in, to, n);
    case PhysicalKind::kFloat:
      return CastNumeric<float>(in, to, n);
    case PhysicalKind::kDouble:
      return CastNumeric<double>(in, to, n);
    case PhysicalKind::kInt128:
      return CastNumeric<Int128>(in, to, n);
    default:
      return nullptr;
  }
}

// Parsing of strings -------------------------------------------------------------

Status ParseBoolText(std::string_view text, uint8_t* out) {
  std::string lower = ToLower(TrimWhitespace(text));
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1") {
    *out = 1;
  } else if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "0") {
    *out = 0;
  } else {
    return Status::DataError("not a boolean");
  }
  return Status::OK();
}

// Integers may carry a fractional part, which is dropped, as Flink does.
Status ParseIntegerText(std::string_view text, int64_t minimum, int64_t maximum, int64_t* out) {
  std::string_view trimmed = TrimWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '+') trimmed.remove_prefix(1);
  size_t point = trimmed.find('.');
  std::string_view integer_part = trimmed.substr(0, point);
  if (point != std::string_view::npos) {
    std::string_view fraction = trimmed.substr(point + 1);
    for (char c : fraction) {
      if (c < '0' || c > '9') return Status::DataError("not a number");
    }
    if (integer_part.empty() || integer_part == "-") {
      if (fraction.empty()) return Status::DataError("not a number");
      *out = 0;
      return Status::OK();
    }
  }
  int64_t value = 0;
  auto [end, error] =
      std::from_chars(integer_part.data(), integer_part.data() + integer_part.size(), value);
  if (integer_part.empty() || end != integer_part.data() + integer_part.size()) {
    return Status::DataError("not a number");
  }
  if (error == std::errc::result_out_of_range || value < minimum || value > maximum) {
    return Status::DataError("out of range");
  }
  *out = value;
  return Status::OK();
}

Status ParseFloatingText(std::string_view text, double* out) {
  std::string_view trimmed = TrimWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '+') trimmed.remove_prefix(1);
  if (trimmed == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return Status::OK();
  }
  if (trimmed == "Infinity" || trimmed == "-Infinity") {
    *out = trimmed[0] == '-' ? -std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::infinity();
    return Status::OK();
  }
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), *out);
  if (trimmed.empty() || error != std::errc() || end != trimmed.data() + trimmed.size()) {
    return Status::DataError("not a number");
  }
  return Status::OK();
}

// Parses `text` into slot `row` of `out`. Returns an error for bad text;
// `*is_null` is set when the value is valid text but does not fit (decimals).
Status ParseInto(std::string_view text, const DataType& to, const FunctionContext& context,
                 Vector* out, size_t row, bool* is_null) {
  switch (to.id()) {
    case TypeId::kBoolean:
      return ParseBoolText(text, &out->mutable_values<uint8_t>()[row]);
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: {
      int64_t minimum = std::numeric_limits<int64_t>::min();
      int64_t maximum = std::numeric_limits<int64_t>::max();
      if (to.id() == TypeId::kTinyInt) minimum = -128, maximum = 127;
      if (to.id() == TypeId::kSmallInt) minimum = -32768, maximum = 32767;
      if (to.id() == TypeId::kInt) {
        minimum = std::numeric_limits<int32_t>::min();
        maximum = std::numeric_limits<int32_t>::max();
      }
      int64_t value = 0;
      RETURN_NOT_OK(ParseIntegerText(text, minimum, maximum, &value));
      switch (to.id()) {
        case TypeId::kTinyInt:
          out->mutable_values<int8_t>()[row] = static_cast<int8_t>(value);
          break;
        case TypeId::kSmallInt:
          out->mutable_values<int16_t>()[row] = static_cast<int16_t>(value);
          break;
        case TypeId::kInt:
          out->mutable_values<int32_t>()[row] = static_cast<int32_t>(value);
          break;
        default:
          out->mutable_values<int64_t>()[row] = value;
          break;
      }
      return Status::OK();
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double value = 0;
      RETURN_NOT_OK(ParseFloatingText(text, &value));
      if (to.id() == TypeId::kFloat) {
        out->mutable_values<float>()[row] = static_cast<float>(value);
      } else {
        out->mutable_values<double>()[row] = value;
      }
      return Status::OK();
    }
    case TypeId::kDecimal: {
      // Valid text that does not fit the precision is NULL, like other decimal overflow.
      Result<Int128> wide = ParseDecimal(text, DataType::kMaxDecimalPrecision, to.scale());
      if (!wide.ok()) return Status::DataError("not a decimal number");
      if (!FitsPrecision(*wide, to.precision())) {
        *is_null = true;
        return Status::OK();
      }
      out->mutable_values<Int128>()[row] = *wide;
      return Status::OK();
    }
    case TypeId::kDate: {
      std::string_view trimmed = TrimWhitespace(text);
      // A timestamp string is accepted and its date part taken.
      Result<int64_t> timestamp = ParseTimestamp(trimmed);
      if (!timestamp.ok()) return Status::DataError("not a date (yyyy-MM-dd)");
      out->mutable_values<int32_t>()[row] =
          static_cast<int32_t>(FloorDiv(*timestamp, kMicrosPerDay));
      return Status::OK();
    }
    case TypeId::kTime: {
      Result<int32_t> time = ParseTime(text);
      if (!time.ok()) return Status::DataError("not a time (HH:mm:ss)");
      out->mutable_values<int32_t>()[row] = *time;
      return Status::OK();
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      Result<int64_t> timestamp = ParseTimestamp(text);
      if (!timestamp.ok()) return Status::DataError("not a timestamp (yyyy-MM-dd HH:mm:ss)");
      int64_t value = *timestamp;
      if (to.precision() < 6)
        value -= FloorMod(value, static_cast<int64_t>(PowerOfTen(6 - to.precision())));
      if (to.id() == TypeId::kTimestampLtz) value = context.local_time_zone.ToUtc(value);
      out->mutable_values<int64_t>()[row] = value;
      return Status::OK();
    }
    default:
      return Status::Unsupported("cannot parse strings as {}", to.ToString());
  }
}

// Every non-string type from a string vector, row by row.
Result<VectorPtr> CastFromString(const Vector& in, const DataType& to, size_t n,
                                 const FunctionContext& context, bool try_cast) {
  MutableVectorPtr out = Vector::Make(to, n);
  PropagateNulls({&in}, n, out.get());
  for (size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view text = in.StringAt(i);
    bool is_null = false;
    Status status = ParseInto(text, to, context, out.get(), i, &is_null);
    if (!status.ok()) {
      if (!try_cast) {
        return Status::DataError("Cannot cast '{}' to {}: {}", text,
                                 to.WithNullable(true).ToString(), status.message());
      }
      is_null = true;
    }
    if (is_null) out->SetNull(i, true);
  }
  return VectorPtr(out);
}

VectorPtr CastToString(const Vector& in, const DataType& to, size_t n,
                       const FunctionContext& context) {
  MutableVectorPtr out = Vector::Make(to, n);
  PropagateNulls({&in}, n, out.get());
  std::string_view* values = out->mutable_values<std::string_view>();
  std::string text;
  bool source_string = in.type().is_string_storage();
  bool fits_as_is = to.length() >= DataType::kMaxLength;
  for (size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) continue;
    if (source_string && fits_as_is) {
      values[i] = in.StringAt(i);
      continue;
    }
    text.clear();
    if (source_string) {
      text.assign(in.StringAt(i));
    } else {
      AppendSqlForm(in, i, context.local_time_zone, &text);
    }
    FitLength(to, &text);
    values[i] = out->AddString(text);
  }
  if (source_string) out->ShareStringsOf(in);
  return out;
}

Result<VectorPtr> CastTemporal(const Vector& in, const DataType& to, size_t n,
                               const FunctionContext& context) {
  const DataType& from = in.type();
  const TimeZone& zone = context.local_time_zone;
  TypeId source = from.id();
  TypeId target = to.id();
  int precision = to.precision();
  auto truncate_micros = [precision](int64_t micros) {
    if (precision >= 6) return micros;
    return micros - FloorMod(micros, static_cast<int64_t>(PowerOfTen(6 - precision)));
  };
  // Everything goes through "local microseconds" (or UTC for LTZ).
  auto to_local_micros = [&](size_t row) -> int64_t {
    switch (source) {
      case TypeId::kDate:
        return static_cast<int64_t>(in.ValueAt<int32_t>(row)) * kMicrosPerDay;
      case TypeId::kTime:
        return static_cast<int64_t>(in.ValueAt<int32_t>(row)) * kMicrosPerMilli;
      case TypeId::kTimestamp:
        return in.ValueAt<int64_t>(row);
      default:  // TIMESTAMP_LTZ
        return zone.ToLocal(in.ValueAt<int64_t>(row));
    }
  };
  switch (target) {
    case TypeId::kDate: {
      MutableVectorPtr out = Vector::Make(to, n);
      PropagateNulls({&in}, n, out.get());
      int32_t* values = out->mutable_values<int32_t>();
      for (size_t i = 0; i < n; ++i) {
        values[i] = static_cast<int32_t>(FloorDiv(to_local_micros(i), kMicrosPerDay));
      }
      return VectorPtr(out);
    }
    case TypeId::kTime: {
      MutableVectorPtr out = Vector::Make(to, n);
      PropagateNulls({&in}, n, out.get());
      int32_t* values = out->mutable_values<int32_t>();
      for (size_t i = 0; i < n; ++i) {
        int64_t millis = FloorMod(to_local_micros(i), kMicrosPerDay) / kMicrosPerMilli;
        if (precision == 0) millis -= millis % 1000;
        values[i] = static_cast<int32_t>(millis);
      }
      return VectorPtr(out);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      MutableVectorPtr out = Vector::Make(to, n);
      PropagateNulls({&in}, n, out.get());
      int64_t* values = out->mutable_values<int64_t>();
      for (size_t i = 0; i < n; ++i) {
        int64_t micros;
        if (target == TypeId::kTimestampLtz && source == TypeId::kTimestampLtz) {
          micros = in.ValueAt<int64_t>(i);
        } else if (target == TypeId::kTimestampLtz) {
          micros = zone.ToUtc(to_local_micros(i));
        } else {
          micros = to_local_micros(i);
        }
        values[i] = truncate_micros(micros);
      }
      return VectorPtr(out);
    }
    default:
      return Status::Unsupported("cannot cast {} to {}", from.ToString(), to.ToString());
  }
}

}  // namespace

Result<VectorPtr> CastVector(const VectorPtr& input, const DataType& to, size_t n,
                             const FunctionContext& context, bool try_cast) {
  const DataType& from = input->type();
  const Vector& in = *input;
  if (from.EqualsIgnoringNullability(to)) return input;
  if (from.id() == TypeId::kNull) return VectorPtr(Vector::MakeNullConstant(to, n));
  if (to.is_string_storage()) {
    if (from.is_string_storage() || !to.is_binary_string()) return CastToString(in, to, n, context);
    return Status::Unsupported("cannot cast {} to {}", from.ToString(), to.ToString());
  }
  if (from.is_character_string()) return CastFromString(in, to, n, context, try_cast);
  if ((from.is_numeric() || from.id() == TypeId::kBoolean) &&
      (to.is_numeric() || to.id() == TypeId::kBoolean)) {
    return CastNumberTo(in, to, n);
  }
  if (from.is_datetime() && to.is_datetime()) return CastTemporal(in, to, n, context);
  if (from.is_nested() && from.id() == to.id()) {
    VectorPtr flat = Flatten(input);
    MutableVectorPtr out = Vector::Make(to, n);
    if (flat->may_have_nulls()) {
      for (size_t i = 0; i < n; ++i) out->SetNull(i, flat->IsNull(i));
    }
    if (to.id() == TypeId::kRow) {
      for (size_t c = 0; c < to.num_fields(); ++c) {
        ASSIGN_OR_RAISE(VectorPtr field,
                        CastVector(flat->child_ptr(c), to.fields()[c].type, n, context, try_cast));
        out->SetChild(c, Flatten(field));
      }
      return VectorPtr(out);
    }
    std::memcpy(out->mutable_offsets(), flat->offsets(), (n + 1) * sizeof(uint32_t));
    size_t num_elements = flat->offsets()[n];
    for (size_t c = 0; c < to.num_fields(); ++c) {
      ASSIGN_OR_RAISE(VectorPtr child, CastVector(flat->child_ptr(c), to.fields()[c].type,
                                                  num_elements, context, try_cast));
      out->SetChild(c, Flatten(child));
    }
    return VectorPtr(out);
  }
  return Status::Unsupported("cannot cast {} to {}", from.ToString(), to.ToString());
}

Result<ScalarKernelPtr> MakeCastKernel(const DataType& from, const DataType& to, bool try_cast) {
  if (!CanCast(from, to)) {
    return Status::Validation("Cannot cast {} to {}", from.ToString(), to.ToString());
  }
  return MakeKernel([to, try_cast](const KernelContext& context,
                                   std::span<const VectorPtr> args) -> Result<VectorPtr> {
    return CastVector(args[0], to, context.num_rows, context.function_context, try_cast);
  });
}

bool CastCanFail(const DataType& from, const DataType& to) {
  return from.is_character_string() && !to.is_string_storage();
}

Result<ExprPtr> MakeCast(const ExprPtr& argument, const DataType& type, bool try_cast) {
  if (argument->type().EqualsIgnoringNullability(type)) return argument;
  ASSIGN_OR_RAISE(ScalarKernelPtr kernel, MakeCastKernel(argument->type(), type, try_cast));
  CallTraits traits;
  traits.can_fail = !try_cast && CastCanFail(argument->type(), type);
  DataType result = type;
  if (try_cast) result = result.WithNullable(true);
  return Expr::Call(try_cast ? "TRY_CAST" : "CAST", {argument}, result, kernel, traits);
}

Result<Value> CastValue(const Value& value, const DataType& from, const DataType& to,
                        const FunctionContext& context) {
  VectorPtr input = MakeVector(from, {value});
  ASSIGN_OR_RAISE(VectorPtr output, CastVector(input, to, 1, context, false));
  return ReadValue(*output, 0);
}

}  // namespace tiangong
