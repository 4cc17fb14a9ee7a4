#include "functions/type_coercion.h"

#include <algorithm>

namespace tiangong {
namespace {

constexpr int kMinimumAdjustedScale = 6;

int IntegerRank(TypeId id) {
  switch (id) {
    case TypeId::kTinyInt:
      return 1;
    case TypeId::kSmallInt:
      return 2;
    case TypeId::kInt:
      return 3;
    case TypeId::kBigInt:
      return 4;
    default:
      return 0;
  }
}

DataType AsDecimal(const DataType& type) {
  return type.id() == TypeId::kDecimal ? type : DecimalFor(type);
}

std::optional<DataType> CommonOfTwo(const DataType& a, const DataType& b) {
  bool nullable = a.nullable() || b.nullable();
  if (a.id() == TypeId::kNull) return b.WithNullable(true);
  if (b.id() == TypeId::kNull) return a.WithNullable(true);
  if (a.is_numeric() && b.is_numeric()) {
    if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double(nullable);
    if (a.id() == TypeId::kFloat || b.id() == TypeId::kFloat) {
      if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
        return DataType::Double(nullable);
      }
      return DataType::Float(nullable);
    }
    if (a.is_integer() && b.is_integer()) return WiderInteger(a, b).WithNullable(nullable);
    DataType left = AsDecimal(a);
    DataType right = AsDecimal(b);
    int scale = std::max(left.scale(), right.scale());
    int integer_digits =
        std::max(left.precision() - left.scale(), right.precision() - right.scale());
    int precision = std::min(DataType::kMaxDecimalPrecision, integer_digits + scale);
    return DataType::Decimal(precision, std::min(scale, precision), nullable);
  }
  if (a.is_character_string() && b.is_character_string()) {
    if (a.id() == TypeId::kChar && b.id() == TypeId::kChar && a.length() == b.length()) {
      return a.WithNullable(nullable);
    }
    return DataType::VarChar(std::max(a.length(), b.length()), nullable);
  }
  if (a.is_binary_string() && b.is_binary_string()) {
    if (a.id() == TypeId::kBinary && b.id() == TypeId::kBinary && a.length() == b.length()) {
      return a.WithNullable(nullable);
    }
    return DataType::VarBinary(std::max(a.length(), b.length()), nullable);
  }
  if (a.id() == b.id()) {
    switch (a.id()) {
      case TypeId::kBoolean:
      case TypeId::kDate:
      case TypeId::kIntervalYearMonth:
      case TypeId::kIntervalDayTime:
        return a.WithNullable(nullable);
      case TypeId::kTime:
        return DataType::Time(std::max(a.precision(), b.precision()), nullable);
      case TypeId::kTimestamp:
        return DataType::Timestamp(std::max(a.precision(), b.precision()), nullable);
      case TypeId::kTimestampLtz:
        return DataType::TimestampLtz(std::max(a.precision(), b.precision()), nullable);
      case TypeId::kArray: {
        auto element = CommonOfTwo(a.element(), b.element());
        if (!element) return std::nullopt;
        return DataType::Array(*element, nullable);
      }
      case TypeId::kMap: {
        auto key = CommonOfTwo(a.key(), b.key());
        auto value = CommonOfTwo(a.value(), b.value());
        if (!key || !value) return std::nullopt;
        return DataType::Map(*key, *value, nullable);
      }
      case TypeId::kRow: {
        if (a.num_fields() != b.num_fields()) return std::nullopt;
        std::vector<RowField> fields;
        for (size_t i = 0; i < a.num_fields(); ++i) {
          auto field = CommonOfTwo(a.fields()[i].type, b.fields()[i].type);
          if (!field) return std::nullopt;
          fields.push_back({a.fields()[i].name, *field});
        }
        return DataType::Row(std::move(fields), nullable);
      }
      default:
        return std::nullopt;
    }
  }
  // DATE with TIMESTAMP compares and merges as TIMESTAMP.
  if ((a.id() == TypeId::kDate && b.id() == TypeId::kTimestamp) ||
      (a.id() == TypeId::kTimestamp && b.id() == TypeId::kDate)) {
    int precision = a.id() == TypeId::kTimestamp ? a.precision() : b.precision();
    return DataType::Timestamp(precision, nullable);
  }
  return std::nullopt;
}

}  // namespace

DataType DecimalFor(const DataType& exact_numeric) {
  switch (exact_numeric.id()) {
    case TypeId::kTinyInt:
      return DataType::Decimal(3, 0, exact_numeric.nullable());
    case TypeId::kSmallInt:
      return DataType::Decimal(5, 0, exact_numeric.nullable());
    case TypeId::kInt:
      return DataType::Decimal(10, 0, exact_numeric.nullable());
    case TypeId::kBigInt:
      return DataType::Decimal(19, 0, exact_numeric.nullable());
    default:
      return exact_numeric;
  }
}

DataType AdjustedDecimal(int precision, int scale) {
  if (precision <= DataType::kMaxDecimalPrecision) return DataType::Decimal(precision, scale);
  int integer_digits = precision - scale;
  int minimum_scale = std::min(scale, kMinimumAdjustedScale);
  int adjusted_scale = std::max(DataType::kMaxDecimalPrecision - integer_digits, minimum_scale);
  return DataType::Decimal(DataType::kMaxDecimalPrecision, adjusted_scale);
}

DataType DecimalSumType(const DataType& a, const DataType& b) {
  DataType left = AsDecimal(a);
  DataType right = AsDecimal(b);
  int scale = std::max(left.scale(), right.scale());
  int precision =
      std::max(left.precision() - left.scale(), right.precision() - right.scale()) + scale + 1;
  return AdjustedDecimal(precision, scale);
}

DataType DecimalProductType(const DataType& a, const DataType& b) {
  DataType left = AsDecimal(a);
  DataType right = AsDecimal(b);
  return AdjustedDecimal(left.precision() + right.precision() + 1, left.scale() + right.scale());
}

DataType DecimalQuotientType(const DataType& a, const DataType& b) {
  DataType left = AsDecimal(a);
  DataType right = AsDecimal(b);
  int scale = std::max(kMinimumAdjustedScale, left.scale() + right.precision() + 1);
  int precision = left.precision() - left.scale() + right.scale() + scale;
  return AdjustedDecimal(precision, scale);
}

DataType DecimalRemainderType(const DataType& a, const DataType& b) {
  DataType left = AsDecimal(a);
  DataType right = AsDecimal(b);
  int scale = std::max(left.scale(), right.scale());
  int precision =
      std::min(left.precision() - left.scale(), right.precision() - right.scale()) + scale;
  return AdjustedDecimal(precision, scale);
}

std::optional<DataType> CommonType(const std::vector<DataType>& types) {
  if (types.empty()) return std::nullopt;
  DataType result = types[0];
  for (size_t i = 1; i < types.size(); ++i) {
    auto merged = CommonOfTwo(result, types[i]);
    if (!merged) return std::nullopt;
    result = *merged;
  }
  return result;
}

DataType WiderInteger(const DataType& a, const DataType& b) {
  return IntegerRank(a.id()) >= IntegerRank(b.id()) ? a : b;
}

bool CanImplicitlyCast(const DataType& from, const DataType& to) {
  if (from.id() == TypeId::kNull) return true;
  if (from.EqualsIgnoringNullability(to)) return true;
  if (from.is_integer()) {
    if (to.is_integer()) return IntegerRank(from.id()) <= IntegerRank(to.id());
    return to.id() == TypeId::kDecimal || to.is_approximate_numeric();
  }
  switch (from.id()) {
    case TypeId::kDecimal:
      return to.id() == TypeId::kDecimal || to.is_approximate_numeric();
    case TypeId::kFloat:
      return to.is_approximate_numeric();
    case TypeId::kChar:
    case TypeId::kVarChar:
      return to.is_character_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary:
      return to.is_binary_string();
    case TypeId::kDate:
      return to.id() == TypeId::kTimestamp;
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      return to.id() == from.id();
    case TypeId::kArray:
      return to.id() == TypeId::kArray && CanImplicitlyCast(from.element(), to.element());
    case TypeId::kMap:
      return to.id() == TypeId::kMap && CanImplicitlyCast(from.key(), to.key()) &&
             CanImplicitlyCast(from.value(), to.value());
    case TypeId::kRow:
      if (to.id() != TypeId::kRow || to.num_fields() != from.num_fields()) return false;
      for (size_t i = 0; i < from.num_fields(); ++i) {
        if (!CanImplicitlyCast(from.fields()[i].type, to.fields()[i].type)) return false;
      }
      return true;
    default:
      return false;
  }
}

bool CanCast(const DataType& from, const DataType& to) {
  if (CanImplicitlyCast(from, to)) return true;
  TypeId source = from.id();
  TypeId target = to.id();
  bool source_string = from.is_character_string();
  if (target == TypeId::kChar || target == TypeId::kVarChar) return true;  // anything to STRING
  if (source_string) {
    // Strings parse into every scalar type.
    return !to.is_nested();
  }
  if (from.is_numeric() && (to.is_numeric() || target == TypeId::kBoolean)) return true;
  if (source == TypeId::kBoolean && to.is_numeric()) return true;
  if (from.is_binary_string() && to.is_binary_string()) return true;
  if (from.is_datetime() && to.is_datetime()) {
    // DATE and TIME have no common fields.
    bool date_time = (source == TypeId::kDate && target == TypeId::kTime) ||
                     (source == TypeId::kTime && target == TypeId::kDate);
    return !date_time && !(source == TypeId::kTime && to.is_timestamp());
  }
  if (from.is_integer() && to.is_interval()) return true;
  if (source == TypeId::kArray && target == TypeId::kArray) {
    return CanCast(from.element(), to.element());
  }
  if (source == TypeId::kMap && target == TypeId::kMap) {
    return CanCast(from.key(), to.key()) && CanCast(from.value(), to.value());
  }
  if (source == TypeId::kRow && target == TypeId::kRow) {
    if (from.num_fields() != to.num_fields()) return false;
    for (size_t i = 0; i < from.num_fields(); ++i) {
      if (!CanCast(from.fields()[i].type, to.fields()[i].type)) return false;
    }
    return true;
  }
  return false;
}

}  // namespace tiangong
