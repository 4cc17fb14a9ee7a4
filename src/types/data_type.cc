#include "types/data_type.h"

#include <fmt/format.h>

#include "common/check.h"

namespace tiangong {

DataType DataType::Decimal(int precision, int scale, bool nullable) {
  DataType type(TypeId::kDecimal, nullable);
  type.precision_ = precision;
  type.scale_ = scale;
  return type;
}

DataType DataType::Char(int32_t length, bool nullable) {
  DataType type(TypeId::kChar, nullable);
  type.precision_ = length;
  return type;
}

DataType DataType::VarChar(int32_t length, bool nullable) {
  DataType type(TypeId::kVarChar, nullable);
  type.precision_ = length;
  return type;
}

DataType DataType::Binary(int32_t length, bool nullable) {
  DataType type(TypeId::kBinary, nullable);
  type.precision_ = length;
  return type;
}

DataType DataType::VarBinary(int32_t length, bool nullable) {
  DataType type(TypeId::kVarBinary, nullable);
  type.precision_ = length;
  return type;
}

DataType DataType::Time(int precision, bool nullable) {
  DataType type(TypeId::kTime, nullable);
  type.precision_ = precision;
  return type;
}

DataType DataType::Timestamp(int precision, bool nullable) {
  DataType type(TypeId::kTimestamp, nullable);
  type.precision_ = precision;
  return type;
}

DataType DataType::TimestampLtz(int precision, bool nullable) {
  DataType type(TypeId::kTimestampLtz, nullable);
  type.precision_ = precision;
  return type;
}

DataType DataType::IntervalYearMonth(bool nullable) {
  return DataType(TypeId::kIntervalYearMonth, nullable);
}

DataType DataType::IntervalDayTime(bool nullable) {
  DataType type(TypeId::kIntervalDayTime, nullable);
  type.precision_ = 3;
  return type;
}

DataType DataType::Array(DataType element, bool nullable) {
  DataType type(TypeId::kArray, nullable);
  type.children_ = std::make_shared<const std::vector<RowField>>(
      std::vector<RowField>{{"element", std::move(element)}});
  return type;
}

DataType DataType::Map(DataType key, DataType value, bool nullable) {
  DataType type(TypeId::kMap, nullable);
  type.children_ = std::make_shared<const std::vector<RowField>>(
      std::vector<RowField>{{"key", std::move(key)}, {"value", std::move(value)}});
  return type;
}

DataType DataType::Row(std::vector<RowField> fields, bool nullable) {
  DataType type(TypeId::kRow, nullable);
  type.children_ = std::make_shared<const std::vector<RowField>>(std::move(fields));
  return type;
}

const std::vector<RowField>& DataType::fields() const {
  static const std::vector<RowField> kNoFields;
  return children_ ? *children_ : kNoFields;
}

const DataType& DataType::element() const {
  TG_CHECK(id_ == TypeId::kArray);
  return (*children_)[0].type;
}

const DataType& DataType::key() const {
  TG_CHECK(id_ == TypeId::kMap);
  return (*children_)[0].type;
}

const DataType& DataType::value() const {
  TG_CHECK(id_ == TypeId::kMap);
  return (*children_)[1].type;
}

size_t DataType::num_fields() const { return children_ ? children_->size() : 0; }

DataType DataType::WithNullable(bool nullable) const {
  DataType copy = *this;
  copy.nullable_ = nullable;
  return copy;
}

DataType DataType::WithTimeAttribute(TimeAttribute attribute) const {
  DataType copy = *this;
  copy.time_attribute_ = is_timestamp() ? attribute : TimeAttribute::kNone;
  return copy;
}

bool DataType::is_numeric() const {
  switch (id_) {
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      return true;
    default:
      return false;
  }
}

bool DataType::is_integer() const {
  return id_ == TypeId::kTinyInt || id_ == TypeId::kSmallInt || id_ == TypeId::kInt ||
         id_ == TypeId::kBigInt;
}

bool DataType::is_datetime() const {
  return id_ == TypeId::kDate || id_ == TypeId::kTime || id_ == TypeId::kTimestamp ||
         id_ == TypeId::kTimestampLtz;
}

bool DataType::is_interval() const {
  return id_ == TypeId::kIntervalYearMonth || id_ == TypeId::kIntervalDayTime;
}

bool DataType::is_nested() const {
  return id_ == TypeId::kArray || id_ == TypeId::kMap || id_ == TypeId::kRow;
}

std::string DataType::ToString() const {
  std::string text;
  switch (id_) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      text = "BOOLEAN";
      break;
    case TypeId::kTinyInt:
      text = "TINYINT";
      break;
    case TypeId::kSmallInt:
      text = "SMALLINT";
      break;
    case TypeId::kInt:
      text = "INT";
      break;
    case TypeId::kBigInt:
      text = "BIGINT";
      break;
    case TypeId::kFloat:
      text = "FLOAT";
      break;
    case TypeId::kDouble:
      text = "DOUBLE";
      break;
    case TypeId::kDecimal:
      text = fmt::format("DECIMAL({}, {})", precision_, scale_);
      break;
    case TypeId::kChar:
      text = fmt::format("CHAR({})", precision_);
      break;
    case TypeId::kVarChar:
      text = precision_ == kMaxLength ? "STRING" : fmt::format("VARCHAR({})", precision_);
      break;
    case TypeId::kBinary:
      text = fmt::format("BINARY({})", precision_);
      break;
    case TypeId::kVarBinary:
      text = precision_ == kMaxLength ? "BYTES" : fmt::format("VARBINARY({})", precision_);
      break;
    case TypeId::kDate:
      text = "DATE";
      break;
    case TypeId::kTime:
      text = fmt::format("TIME({})", precision_);
      break;
    case TypeId::kTimestamp:
      text = fmt::format("TIMESTAMP({})", precision_);
      break;
    case TypeId::kTimestampLtz:
      text = fmt::format("TIMESTAMP_LTZ({})", precision_);
      break;
    case TypeId::kIntervalYearMonth:
      text = "INTERVAL YEAR TO MONTH";
      break;
    case TypeId::kIntervalDayTime:
      text = fmt::format("INTERVAL DAY TO SECOND({})", precision_);
      break;
    case TypeId::kArray:
      text = fmt::format("ARRAY<{}>", element().ToString());
      break;
    case TypeId::kMap:
      text = fmt::format("MAP<{}, {}>", key().ToString(), value().ToString());
      break;
    case TypeId::kRow: {
      text = "ROW<";
      for (size_t i = 0; i < children_->size(); ++i) {
        if (i > 0) text += ", ";
        text += fmt::format("`{}` {}", (*children_)[i].name, (*children_)[i].type.ToString());
      }
      text += ">";
      break;
    }
  }
  if (!nullable_) text += " NOT NULL";
  if (time_attribute_ == TimeAttribute::kRowtime) text += " *ROWTIME*";
  if (time_attribute_ == TimeAttribute::kProctime) text += " *PROCTIME*";
  return text;
}

bool DataType::operator==(const DataType& other) const {
  if (id_ != other.id_ || nullable_ != other.nullable_ || precision_ != other.precision_ ||
      scale_ != other.scale_ || time_attribute_ != other.time_attribute_) {
    return false;
  }
  if (num_fields() != other.num_fields()) return false;
  for (size_t i = 0; i < num_fields(); ++i) {
    if (fields()[i].name != other.fields()[i].name) return false;
    if (fields()[i].type != other.fields()[i].type) return false;
  }
  return true;
}

bool DataType::EqualsIgnoringNullability(const DataType& other) const {
  if (id_ != other.id_ || precision_ != other.precision_ || scale_ != other.scale_) return false;
  if (num_fields() != other.num_fields()) return false;
  for (size_t i = 0; i < num_fields(); ++i) {
    if (!fields()[i].type.EqualsIgnoringNullability(other.fields()[i].type)) return false;
  }
  return true;
}

PhysicalKind PhysicalKindOf(TypeId id) {
  switch (id) {
    case TypeId::kNull:
      return PhysicalKind::kNone;
    case TypeId::kBoolean:
      return PhysicalKind::kBool;
    case TypeId::kTinyInt:
      return PhysicalKind::kInt8;
    case TypeId::kSmallInt:
      return PhysicalKind::kInt16;
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kIntervalYearMonth:
      return PhysicalKind::kInt32;
    case TypeId::kBigInt:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
    case TypeId::kIntervalDayTime:
      return PhysicalKind::kInt64;
    case TypeId::kFloat:
      return PhysicalKind::kFloat;
    case TypeId::kDouble:
      return PhysicalKind::kDouble;
    case TypeId::kDecimal:
      return PhysicalKind::kInt128;
    case TypeId::kChar:
    case TypeId::kVarChar:
    case TypeId::kBinary:
    case TypeId::kVarBinary:
      return PhysicalKind::kString;
    case TypeId::kArray:
    case TypeId::kMap:
      return PhysicalKind::kList;
    case TypeId::kRow:
      return PhysicalKind::kStruct;
  }
  TG_UNREACHABLE("type id");
}

size_t PhysicalWidth(PhysicalKind kind) {
  switch (kind) {
    case PhysicalKind::kNone:
      return 1;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      return 1;
    case PhysicalKind::kInt16:
      return 2;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      return 4;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      return 8;
    case PhysicalKind::kInt128:
      return 16;
    case PhysicalKind::kString:
      return sizeof(std::string_view);
    case PhysicalKind::kList:
    case PhysicalKind::kStruct:
      return 0;
  }
  return 0;
}

}  // namespace tiangong
