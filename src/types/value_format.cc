#include "types/value_format.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

// Formats shortest round-trip digits the way Java's Double.toString lays them out.
std::string JavaLayout(const char* scientific, size_t length) {
  // `scientific` is to_chars' scientific form: "-1.2345e+07" or "5e-324".
  std::string_view text(scientific, length);
  bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t e_position = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_position)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::from_chars(text.data() + e_position + 1 + (text[e_position + 1] == '+'),
                  text.data() + text.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string result = negative ? "-" : "";
  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) {
      result += "0.";
      result.append(-exponent - 1, '0');
      result += digits;
    } else {
      size_t integer_digits = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= integer_digits) {
        result += digits;
        result.append(integer_digits - digits.size(), '0');
        result += ".0";
      } else {
        result += digits.substr(0, integer_digits);
        result += '.';
        result += digits.substr(integer_digits);
      }
    }
  } else {
    result += digits[0];
    result += '.';
    result += digits.size() > 1 ? digits.substr(1) : "0";
    result += 'E';
    result += std::to_string(exponent);
  }
  return result;
}

template <typename T>
std::string FormatJavaFloating(T value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  return JavaLayout(buffer, static_cast<size_t>(end - buffer));
}

void AppendIntervalDayTime(int64_t millis, std::string* out) {
  // java.time.Duration.toString: "PT1H30M", "PT0.5S", "PT-1S".
  if (millis == 0) {
    out->append("PT0S");
    return;
  }
  int64_t hours = millis / 3600000;
  int64_t minutes = millis / 60000 % 60;
  int64_t seconds_millis = millis % 60000;
  out->append("PT");
  if (hours != 0) out->append(fmt::format("{}H", hours));
  if (minutes != 0) out->append(fmt::format("{}M", minutes));
  if (seconds_millis != 0) {
    int64_t whole = seconds_millis / 1000;
    int64_t fraction = std::abs(seconds_millis % 1000);
    if (seconds_millis < 0 && whole == 0) out->push_back('-');
    out->append(std::to_string(whole));
    if (fraction != 0) {
      std::string digits = fmt::format("{:03d}", fraction);
      while (digits.back() == '0') digits.pop_back();
      out->push_back('.');
      out->append(digits);
    }
    out->push_back('S');
  }
}

void AppendIntervalYearMonth(int32_t months, std::string* out) {
  // java.time.Period.toString: "P1Y2M", "P0D".
  if (months == 0) {
    out->append("P0D");
    return;
  }
  out->push_back('P');
  if (months / 12 != 0) out->append(fmt::format("{}Y", months / 12));
  if (months % 12 != 0) out->append(fmt::format("{}M", months % 12));
}

}  // namespace

std::string FormatJavaDouble(double value) { return FormatJavaFloating(value); }
std::string FormatJavaFloat(float value) { return FormatJavaFloating(value); }

void AppendPrintForm(const Vector& vector, size_t row, std::string* out) {
  if (vector.IsNull(row)) {
    out->append("null");
    return;
  }
  const DataType& type = vector.type();
  size_t slot = vector.Index(row);
  switch (type.id()) {
    case TypeId::kNull:
      out->append("null");
      return;
    case TypeId::kBoolean:
      out->append(vector.values<uint8_t>()[slot] ? "true" : "false");
      return;
    case TypeId::kTinyInt:
      out->append(std::to_string(vector.values<int8_t>()[slot]));
      return;
    case TypeId::kSmallInt:
      out->append(std::to_string(vector.values<int16_t>()[slot]));
      return;
    case TypeId::kInt:
      out->append(std::to_string(vector.values<int32_t>()[slot]));
      return;
    case TypeId::kBigInt:
      out->append(std::to_string(vector.values<int64_t>()[slot]));
      return;
    case TypeId::kFloat:
      out->append(FormatJavaFloat(vector.values<float>()[slot]));
      return;
    case TypeId::kDouble:
      out->append(FormatJavaDouble(vector.values<double>()[slot]));
      return;
    case TypeId::kDecimal:
      out->append(DecimalToString(vector.values<Int128>()[slot], type.scale()));
      return;
    case TypeId::kChar:
    case TypeId::kVarChar:
      out->append(vector.StringAt(row));
      return;
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      std::string_view bytes = vector.StringAt(row);
      out->push_back('[');
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) out->append(", ");
        out->append(std::to_string(static_cast<int8_t>(bytes[i])));
      }
      out->push_back(']');
      return;
    }
    case TypeId::kDate:
      out->append(FormatDate(vector.values<int32_t>()[slot]));
      return;
    case TypeId::kTime:
      out->append(FormatLocalTime(vector.values<int32_t>()[slot]));
      return;
    case TypeId::kTimestamp:
      out->append(FormatLocalDateTime(vector.values<int64_t>()[slot]));
      return;
    case TypeId::kTimestampLtz:
      out->append(FormatInstant(vector.values<int64_t>()[slot]));
      return;
    case TypeId::kIntervalYearMonth:
      AppendIntervalYearMonth(vector.values<int32_t>()[slot], out);
      return;
    case TypeId::kIntervalDayTime:
      AppendIntervalDayTime(vector.values<int64_t>()[slot], out);
      return;
    case TypeId::kArray: {
      out->push_back('[');
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        if (e > vector.offsets()[slot]) out->append(", ");
        AppendPrintForm(vector.child(0), e, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        if (e > vector.offsets()[slot]) out->append(", ");
        AppendPrintForm(vector.child(0), e, out);
        out->push_back('=');
        AppendPrintForm(vector.child(1), e, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kRow: {
      out->append("+I[");
      for (size_t c = 0; c < vector.num_children(); ++c) {
        if (c > 0) out->append(", ");
        AppendPrintForm(vector.child(c), row, out);
      }
      out->push_back(']');
      return;
    }
  }
}

std::string FormatPrintRow(const Batch& batch, size_t row) {
  std::string text(RowKindShortString(batch.row_kind(row)));
  text.push_back('[');
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    if (c > 0) text.append(", ");
    AppendPrintForm(*batch.column(c), row, &text);
  }
  text.push_back(']');
  return text;
}

void AppendSqlForm(const Vector& vector, size_t row, const TimeZone& zone, std::string* out) {
  const DataType& type = vector.type();
  size_t slot = vector.Index(row);
  auto append_nested = [&](const Vector& child, size_t child_row) {
    if (child.IsNull(child_row)) {
      out->append("NULL");
    } else {
      AppendSqlForm(child, child_row, zone, out);
    }
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      out->append(vector.values<uint8_t>()[slot] ? "TRUE" : "FALSE");
      return;
    case TypeId::kBinary:
    case TypeId::kVarBinary:
      // Bytes are shown as the text they encode, as CAST(BYTES AS STRING) does.
      out->append(vector.StringAt(row));
      return;
    case TypeId::kTime:
      out->append(FormatTime(vector.values<int32_t>()[slot], type.precision()));
      return;
    case TypeId::kTimestamp:
      out->append(FormatTimestamp(vector.values<int64_t>()[slot], type.precision()));
      return;
    case TypeId::kTimestampLtz:
      out->append(FormatTimestamp(zone.ToLocal(vector.values<int64_t>()[slot]), type.precision()));
      return;
    case TypeId::kIntervalYearMonth: {
      int32_t months = vector.values<int32_t>()[slot];
      out->append(fmt::format("{}{}-{:02d}", months < 0 ? "-" : "+", std::abs(months) / 12,
                              std::abs(months) % 12));
      return;
    }
    case TypeId::kIntervalDayTime: {
      int64_t millis = vector.values<int64_t>()[slot];
      int64_t magnitude = std::abs(millis);
      out->append(fmt::format("{}{} {:02d}:{:02d}:{:02d}.{:03d}", millis < 0 ? "-" : "+",
                              magnitude / 86400000, magnitude / 3600000 % 24,
                              magnitude / 60000 % 60, magnitude / 1000 % 60, magnitude % 1000));
      return;
    }
    case TypeId::kArray: {
      out->push_back('[');
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        if (e > vector.offsets()[slot]) out->append(", ");
        append_nested(vector.child(0), e);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        if (e > vector.offsets()[slot]) out->append(", ");
        append_nested(vector.child(0), e);
        out->push_back('=');
        append_nested(vector.child(1), e);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kRow: {
      out->push_back('(');
      for (size_t c = 0; c < vector.num_children(); ++c) {
        if (c > 0) out->append(", ");
        append_nested(vector.child(c), row);
      }
      out->push_back(')');
      return;
    }
    default:
      AppendPrintForm(vector, row, out);
      return;
  }
}

}  // namespace tiangong
