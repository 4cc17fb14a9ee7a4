#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tiangong {

/// Flink's logical type roots. Each maps to one physical representation in a
/// column vector (see PhysicalKind below).
enum class TypeId : uint8_t {
  kNull,  // the type of an untyped NULL literal
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInt,
  kBigInt,
  kFloat,
  kDouble,
  kDecimal,
  kChar,
  kVarChar,
  kBinary,
  kVarBinary,
  kDate,
  kTime,
  kTimestamp,
  kTimestampLtz,
  kIntervalYearMonth,
  kIntervalDayTime,
  kArray,
  kMap,
  kRow,
};

struct RowField;

/// Whether a TIMESTAMP or TIMESTAMP_LTZ column is a time attribute, as Flink's
/// TimestampKind: the event-time column a WATERMARK is declared on, or a
/// processing-time column (PROCTIME()). Attributes are kept by plain references
/// to the column and lost by any computation on it.
enum class TimeAttribute : uint8_t { kNone, kRowtime, kProctime };

/// A logical data type as in Flink SQL: the type root, nullability and the type's
/// parameters (length, precision, scale, element/key/value/field types).
///
/// Physical representation in vectors:
///   BOOLEAN uint8 (0/1); TINYINT..BIGINT int8..int64; FLOAT float; DOUBLE double;
///   DECIMAL(p,s) the unscaled value as __int128; CHAR/VARCHAR/BINARY/VARBINARY
///   std::string_view; DATE int32 days since 1970-01-01; TIME int32 milliseconds of
///   the day; TIMESTAMP and TIMESTAMP_LTZ int64 microseconds since 1970-01-01 00:00
///   (local for TIMESTAMP, UTC for TIMESTAMP_LTZ; precision above 6 is kept in the
///   type but values hold microseconds); INTERVAL YEAR TO MONTH int32 months;
///   INTERVAL DAY TO SECOND int64 milliseconds; ARRAY/MAP offsets into child
///   vectors; ROW one child vector per field.
///
/// A value type; copies share the (immutable) nested field list.
class DataType {
 public:
  static constexpr int32_t kMaxLength = 2147483647;  // STRING = VARCHAR(kMaxLength)
  static constexpr int kMaxDecimalPrecision = 38;

  DataType() : DataType(TypeId::kNull, true) {}

  static DataType Null() { return DataType(TypeId::kNull, true); }
  static DataType Boolean(bool nullable = true) { return DataType(TypeId::kBoolean, nullable); }
  static DataType TinyInt(bool nullable = true) { return DataType(TypeId::kTinyInt, nullable); }
  static DataType SmallInt(bool nullable = true) { return DataType(TypeId::kSmallInt, nullable); }
  static DataType Int(bool nullable = true) { return DataType(TypeId::kInt, nullable); }
  static DataType BigInt(bool nullable = true) { return DataType(TypeId::kBigInt, nullable); }
  static DataType Float(bool nullable = true) { return DataType(TypeId::kFloat, nullable); }
  static DataType Double(bool nullable = true) { return DataType(TypeId::kDouble, nullable); }
  static DataType Decimal(int precision, int scale, bool nullable = true);
  static DataType Char(int32_t length, bool nullable = true);
  static DataType VarChar(int32_t length, bool nullable = true);
  static DataType String(bool nullable = true) { return VarChar(kMaxLength, nullable); }
  static DataType Binary(int32_t length, bool nullable = true);
  static DataType VarBinary(int32_t length, bool nullable = true);
  static DataType Bytes(bool nullable = true) { return VarBinary(kMaxLength, nullable); }
  static DataType Date(bool nullable = true) { return DataType(TypeId::kDate, nullable); }
  static DataType Time(int precision = 0, bool nullable = true);
  static DataType Timestamp(int precision = 6, bool nullable = true);
  static DataType TimestampLtz(int precision = 6, bool nullable = true);
  static DataType IntervalYearMonth(bool nullable = true);
  static DataType IntervalDayTime(bool nullable = true);
  static DataType Array(DataType element, bool nullable = true);
  static DataType Map(DataType key, DataType value, bool nullable = true);
  static DataType Row(std::vector<RowField> fields, bool nullable = true);

  TypeId id() const { return id_; }
  bool nullable() const { return nullable_; }
  /// DECIMAL precision, TIME/TIMESTAMP fractional precision.
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  /// CHAR/VARCHAR/BINARY/VARBINARY length.
  int32_t length() const { return precision_; }

  /// ROW fields; ARRAY has one child ("element"), MAP two ("key", "value").
  const std::vector<RowField>& fields() const;
  const DataType& element() const;
  const DataType& key() const;
  const DataType& value() const;
  size_t num_fields() const;

  DataType WithNullable(bool nullable) const;
  /// TIMESTAMP and TIMESTAMP_LTZ only.
  DataType WithTimeAttribute(TimeAttribute attribute) const;
  TimeAttribute time_attribute() const { return time_attribute_; }
  bool is_rowtime() const { return time_attribute_ == TimeAttribute::kRowtime; }
  bool is_proctime() const { return time_attribute_ == TimeAttribute::kProctime; }

  bool is_numeric() const;
  bool is_integer() const;  // TINYINT..BIGINT
  bool is_exact_numeric() const { return is_integer() || id_ == TypeId::kDecimal; }
  bool is_approximate_numeric() const { return id_ == TypeId::kFloat || id_ == TypeId::kDouble; }
  bool is_character_string() const { return id_ == TypeId::kChar || id_ == TypeId::kVarChar; }
  bool is_binary_string() const { return id_ == TypeId::kBinary || id_ == TypeId::kVarBinary; }
  bool is_string_storage() const { return is_character_string() || is_binary_string(); }
  bool is_timestamp() const { return id_ == TypeId::kTimestamp || id_ == TypeId::kTimestampLtz; }
  bool is_datetime() const;
  bool is_interval() const;
  bool is_nested() const;

  /// Flink's summary string: "INT NOT NULL", "STRING", "DECIMAL(10, 2)",
  /// "ROW<`id` BIGINT, `name` STRING>", "TIMESTAMP(3) *ROWTIME*".
  std::string ToString() const;

  /// Same root and parameters, nested types included; nullability is compared too.
  bool operator==(const DataType& other) const;
  bool operator!=(const DataType& other) const { return !(*this == other); }
  /// Equal except for top-level and nested nullability and time attributes.
  bool EqualsIgnoringNullability(const DataType& other) const;

 private:
  DataType(TypeId id, bool nullable) : id_(id), nullable_(nullable) {}

  TypeId id_;
  bool nullable_;
  TimeAttribute time_attribute_ = TimeAttribute::kNone;
  int32_t precision_ = 0;
  int32_t scale_ = 0;
  std::shared_ptr<const std::vector<RowField>> children_;
};

struct RowField {
  std::string name;
  DataType type;
};

/// The in-memory representation class of a type; used to dispatch kernels.
enum class PhysicalKind : uint8_t {
  kNone,  // NULL type
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kInt128,
  kString,
  kList,  // ARRAY and MAP
  kStruct,
};

PhysicalKind PhysicalKindOf(TypeId id);
/// Bytes per value in a flat vector (0 for nested kinds).
size_t PhysicalWidth(PhysicalKind kind);

}  // namespace tiangong
