#include "formats/json_values.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "formats/value_text.h"
#include "types/temporal.h"
#include "types/value_format.h"

namespace tiangong {

namespace {

using format_text::QuoteForMessage;
using simdjson::ondemand::json_type;

Result<JsonColumn> MakeJsonColumn(std::string name, std::string label, const DataType& type) {
  JsonColumn column{
      std::move(name), std::move(label), type.WithNullable(true).ToString(), type, {}, {}};
  switch (type.id()) {
    case TypeId::kArray: {
      ASSIGN_OR_RAISE(JsonColumn element,
                      MakeJsonColumn("", column.label + " element", type.element()));
      column.children.push_back(std::move(element));
      break;
    }
    case TypeId::kMap: {
      if (!type.key().is_character_string()) {
        return Status::Invalid(
            "JSON format doesn't support non-string as key type of map. The type is: {} (column "
            "{})",
            column.type_name, column.label);
      }
      ASSIGN_OR_RAISE(JsonColumn key, MakeJsonColumn("", column.label + " key", type.key()));
      ASSIGN_OR_RAISE(JsonColumn value, MakeJsonColumn("", column.label + " value", type.value()));
      column.children.push_back(std::move(key));
      column.children.push_back(std::move(value));
      break;
    }
    case TypeId::kRow:
      for (const RowField& field : type.fields()) {
        ASSIGN_OR_RAISE(JsonColumn child,
                        MakeJsonColumn(field.name, fmt::format("{}.`{}`", column.label, field.name),
                                       field.type));
        column.children.push_back(std::move(child));
      }
      column.seen.resize(column.children.size());
      break;
    default:
      break;
  }
  return column;
}

// Copies JSON text without the white space between tokens, as Jackson's
// JsonNode.toString() prints a container. Returns the bytes written.
size_t Minify(std::string_view json, char* out) {
  char* start = out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      *out++ = c;
      if (c == '\\' && i + 1 < json.size()) {
        *out++ = json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      *out++ = c;
      in_string = c == '"';
    }
  }
  return static_cast<size_t>(out - start);
}

Status CannotParse(const JsonColumn& column, std::string_view text, std::string_view reason = {}) {
  return Status::DataError("column {}: cannot parse {} as {}{}", column.label,
                           QuoteForMessage(text), column.type_name, reason);
}

Status WrongType(const JsonColumn& column, std::string_view expected, json_type actual) {
  return Status::DataError("column {}: expected a JSON {} for {} but got a JSON {}", column.label,
                           expected, column.type_name, JsonTypeName(actual));
}

// The position of field `key` in `row`, trying `guess` first since JSON
// written by Flink lists fields in the table's order. npos when unknown.
size_t FindField(const JsonColumn& row, std::string_view key, size_t guess) {
  size_t num_fields = row.children.size();
  if (guess < num_fields && row.children[guess].name == key) return guess;
  for (size_t i = 0; i < num_fields; ++i) {
    if (row.children[i].name == key) return i;
  }
  return std::string_view::npos;
}

// Jackson writes NaN and the infinities as strings.
void AppendFloatingText(const std::string& text, std::string* out) {
  bool finite = text != "NaN" && text != "Infinity" && text != "-Infinity";
  if (!finite) out->push_back('"');
  out->append(text);
  if (!finite) out->push_back('"');
}

}  // namespace

Result<JsonOptions> ReadJsonOptions(const Configuration& options, std::string_view format) {
  JsonOptions json;
  json.format = std::string(format);
  ASSIGN_OR_RAISE(json.ignore_parse_errors, options.GetBool("ignore-parse-errors", false));
  std::string standard = options.GetString("timestamp-format.standard", "SQL");
  if (standard != "SQL" && standard != "ISO-8601") {
    return Status::Invalid(
        "Unsupported value '{}' for {}.timestamp-format.standard. Supported values are [SQL, "
        "ISO-8601].",
        standard, format);
  }
  json.iso_timestamps = standard == "ISO-8601";
  std::string mode = options.GetString("map-null-key.mode", "FAIL");
  std::string upper_mode;
  for (char c : mode) upper_mode.push_back(static_cast<char>(std::toupper(c)));
  if (upper_mode == "FAIL") {
    json.map_null_key_mode = MapNullKeyMode::kFail;
  } else if (upper_mode == "DROP") {
    json.map_null_key_mode = MapNullKeyMode::kDrop;
  } else if (upper_mode == "LITERAL") {
    json.map_null_key_mode = MapNullKeyMode::kLiteral;
  } else {
    return Status::Invalid(
        "Unsupported value '{}' for option {}.map-null-key.mode. Supported values are "
        "[LITERAL, FAIL, DROP].",
        mode, format);
  }
  json.map_null_key_literal = options.GetString("map-null-key.literal", "null");
  ASSIGN_OR_RAISE(json.decimals_as_plain_numbers,
                  options.GetBool("encode.decimal-as-plain-number", false));
  ASSIGN_OR_RAISE(json.ignore_null_fields, options.GetBool("encode.ignore-null-fields", false));
  return json;
}

Result<JsonColumn> MakeJsonRoot(const DataType& row_type) {
  JsonColumn root{"", "", "", row_type, {}, {}};
  for (const RowField& field : row_type.fields()) {
    ASSIGN_OR_RAISE(JsonColumn column,
                    MakeJsonColumn(field.name, fmt::format("`{}`", field.name), field.type));
    root.children.push_back(std::move(column));
  }
  root.seen.resize(root.children.size());
  return root;
}

std::string_view JsonTypeName(json_type type) {
  switch (type) {
    case json_type::array:
      return "array";
    case json_type::object:
      return "object";
    case json_type::number:
      return "number";
    case json_type::string:
      return "string";
    case json_type::boolean:
      return "boolean";
    case json_type::null:
      return "null";
  }
  return "value";
}

// ---------------------------------------------------------------------------
// JsonPaddedBuffer

simdjson::padded_string_view JsonPaddedBuffer::Pad(std::string_view record) {
  size_t needed = record.size() + simdjson::SIMDJSON_PADDING;
  if (capacity_ < needed) {
    capacity_ = std::max(needed, 2 * capacity_);
    buffer_ = std::make_unique<char[]>(capacity_);
  }
  std::memcpy(buffer_.get(), record.data(), record.size());
  return simdjson::padded_string_view(buffer_.get(), record.size(), capacity_);
}

simdjson::padded_string_view JsonPaddedBuffer::PaddedPart(std::string_view part) const {
  size_t offset = static_cast<size_t>(part.data() - buffer_.get());
  return simdjson::padded_string_view(part.data(), part.size(), capacity_ - offset);
}

// ---------------------------------------------------------------------------
// JsonRowReader

JsonRowReader::JsonRowReader(JsonOptions options, JsonColumn root)
    : options_(std::move(options)), root_(std::move(root)) {}

void JsonRowReader::BeginRecord(std::string_view record) {
  record_ = record;
  malformed_ = false;
}

Status JsonRowReader::Malformed(simdjson::error_code error) {
  malformed_ = true;
  return Status::DataError("malformed JSON ({}): {}", simdjson::error_message(error),
                           QuoteForMessage(record_));
}

// Errors of the typed getters: a value of another type is a conversion
// problem of one field; anything else means the record is not valid JSON.
Status JsonRowReader::GetterFailed(const JsonColumn& column, simdjson::error_code error,
                                   std::string_view text) {
  if (error == simdjson::INCORRECT_TYPE) return CannotParse(column, text);
  return Malformed(error);
}

Result<bool> JsonRowReader::AppendRow(simdjson::padded_string_view json, BatchBuilder* builder) {
  simdjson::ondemand::document document;
  json_type type = json_type::null;
  auto error = parser_.iterate(json).get(document);
  if (!error) error = document.type().get(type);
  if (error) return Malformed(error);
  // Jackson reads a JSON null as no row.
  if (type == json_type::null) return false;
  if (type != json_type::object) {
    return Status::DataError("expected a JSON object but got a JSON {}: {}", JsonTypeName(type),
                             QuoteForMessage(json));
  }
  simdjson::ondemand::object object;
  if (auto object_error = document.get_object().get(object)) return Malformed(object_error);
  RETURN_NOT_OK(
      AppendFields(root_, object, /*fill_missing=*/true, /*skip=*/nullptr,
                   [builder](size_t index) -> VectorBuilder& { return builder->column(index); }));
  return true;
}

Status JsonRowReader::IterateObject(simdjson::padded_string_view json,
                                    simdjson::ondemand::document* document,
                                    simdjson::ondemand::object* object) {
  auto error = parser_.iterate(json).get(*document);
  if (!error) error = document->get_object().get(*object);
  if (error) return Malformed(error);
  return Status::OK();
}

Status JsonRowReader::AppendOverlaidRow(simdjson::padded_string_view overlay,
                                        simdjson::padded_string_view base, BatchBuilder* builder) {
  auto column_of = [builder](size_t index) -> VectorBuilder& { return builder->column(index); };
  // The object lives as long as its document.
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  RETURN_NOT_OK(IterateObject(overlay, &document, &object));
  RETURN_NOT_OK(AppendFields(root_, object, /*fill_missing=*/false, /*skip=*/nullptr, column_of));
  overlaid_ = root_.seen;
  RETURN_NOT_OK(IterateObject(base, &document, &object));
  return AppendFields(root_, object, /*fill_missing=*/true, &overlaid_, column_of);
}

// Appends one value per field of `row` from `object` to field_builder(index):
// fields the object lacks get NULL when `fill_missing`; fields marked in
// `skip` (may be null) are left alone.
template <typename FieldBuilder>
Status JsonRowReader::AppendFields(JsonColumn& row, simdjson::ondemand::object& object,
                                   bool fill_missing, const std::vector<uint8_t>* skip,
                                   FieldBuilder&& field_builder) {
  std::fill(row.seen.begin(), row.seen.end(), 0);
  size_t guess = 0;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return Malformed(error);
    size_t index = FindField(row, key, guess);
    // The iterator skips the values of unknown fields.
    if (index == std::string_view::npos || (skip != nullptr && (*skip)[index])) continue;
    guess = index + 1;
    VectorBuilder& builder = field_builder(index);
    // Jackson keeps the last of duplicate keys.
    if (row.seen[index]) builder.Truncate(builder.size() - 1);
    row.seen[index] = 1;
    simdjson::ondemand::value value;
    if (auto error = field.value().get(value)) return Malformed(error);
    RETURN_NOT_OK(AppendNullable(row.children[index], value, &builder));
  }
  if (!fill_missing) return Status::OK();
  for (size_t i = 0; i < row.children.size(); ++i) {
    if (row.seen[i] || (skip != nullptr && (*skip)[i])) continue;
    if (options_.fail_on_missing_field) {
      return Status::DataError(
          "column {}: could not find field '{}' in the JSON object and "
          "'{}.fail-on-missing-field' is true",
          row.children[i].label, row.children[i].name, options_.format);
    }
    field_builder(i).AppendNull();
  }
  return Status::OK();
}

// Flink's nullable converter: with 'ignore-parse-errors' a value that does not
// convert becomes NULL; a record that is not JSON still fails as a whole.
Status JsonRowReader::AppendNullable(JsonColumn& column, simdjson::ondemand::value value,
                                     VectorBuilder* builder) {
  size_t size = builder->size();
  Status status = AppendValue(column, value, builder);
  if (status.ok() || !options_.ignore_parse_errors || malformed_) return status;
  builder->Truncate(size);
  builder->AppendNull();
  return Status::OK();
}

// Jackson's asText(): the text of a scalar, "" for a container. Fails only on
// malformed JSON.
Status JsonRowReader::ValueText(simdjson::ondemand::value value, json_type type,
                                std::string_view* text) {
  switch (type) {
    case json_type::string:
      if (auto error = value.get_string().get(*text)) return Malformed(error);
      return Status::OK();
    case json_type::number:
      *text = format_text::TrimJavaWhitespace(value.raw_json_token());
      return Status::OK();
    case json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) {
        return error == simdjson::INCORRECT_TYPE ? Malformed(simdjson::T_ATOM_ERROR)
                                                 : Malformed(error);
      }
      *text = flag ? "true" : "false";
      return Status::OK();
    }
    default:
      *text = std::string_view();
      return Status::OK();
  }
}

Status JsonRowReader::AppendValue(JsonColumn& column, simdjson::ondemand::value value,
                                  VectorBuilder* builder) {
  json_type type = json_type::null;
  if (auto error = value.type().get(type)) return Malformed(error);
  if (type == json_type::null) {
    builder->AppendNull();
    return Status::OK();
  }
  switch (column.type.id()) {
    case TypeId::kNull:
      builder->AppendNull();
      return Status::OK();
    case TypeId::kBoolean: {
      bool flag = false;
      if (type == json_type::boolean) {
        if (auto error = value.get_bool().get(flag)) {
          return GetterFailed(column, error, value.raw_json_token());
        }
      } else if (type == json_type::string) {
        std::string_view text;
        RETURN_NOT_OK(ValueText(value, type, &text));
        flag = format_text::ParseJavaBoolean(text);
      }
      // Boolean.parseBoolean(asText()): numbers and containers are false.
      builder->AppendBool(flag);
      return Status::OK();
    }
    case TypeId::kTinyInt:
      return AppendInteger<int8_t>(column, value, type, builder);
    case TypeId::kSmallInt:
      return AppendInteger<int16_t>(column, value, type, builder);
    case TypeId::kInt:
    case TypeId::kIntervalYearMonth:
      return AppendInteger<int32_t>(column, value, type, builder);
    case TypeId::kBigInt:
    case TypeId::kIntervalDayTime:
      return AppendInteger<int64_t>(column, value, type, builder);
    case TypeId::kFloat:
    case TypeId::kDouble:
      return AppendFloating(column, value, type, builder);
    case TypeId::kDecimal: {
      std::string_view text;
      RETURN_NOT_OK(ValueText(value, type, &text));
      bool fits = false;
      Int128 unscaled = 0;
      if (!format_text::ParseBigDecimal(text, column.type.precision(), column.type.scale(), &fits,
                                        &unscaled)) {
        return CannotParse(column, text);
      }
      // DecimalData.fromBigDecimal: a number that does not fit is NULL.
      if (fits) {
        builder->AppendFixed<Int128>(unscaled);
      } else {
        builder->AppendNull();
      }
      return Status::OK();
    }
    case TypeId::kChar:
    case TypeId::kVarChar:
      return AppendString(value, type, builder);
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      // JsonNode.binaryValue() is null for anything but text.
      if (type != json_type::string) {
        builder->AppendNull();
        return Status::OK();
      }
      std::string_view text;
      RETURN_NOT_OK(ValueText(value, type, &text));
      if (!format_text::DecodeBase64(text, &bytes_)) {
        return CannotParse(column, text, " (expected base64)");
      }
      builder->AppendString(bytes_);
      return Status::OK();
    }
    case TypeId::kDate: {
      std::string_view text;
      RETURN_NOT_OK(ValueText(value, type, &text));
      int32_t days = 0;
      if (!format_text::ParseIsoDate(text, &days)) {
        return CannotParse(column, text, " (expected yyyy-MM-dd)");
      }
      builder->AppendFixed<int32_t>(days);
      return Status::OK();
    }
    case TypeId::kTime: {
      std::string_view text;
      RETURN_NOT_OK(ValueText(value, type, &text));
      auto millis = ParseTime(text);
      if (text.size() < 8 || text[2] != ':' || text[5] != ':' || !millis.ok()) {
        return CannotParse(column, text, " (expected HH:mm:ss)");
      }
      // Flink keeps whole seconds of a JSON TIME.
      builder->AppendFixed<int32_t>(*millis / 1000 * 1000);
      return Status::OK();
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      std::string_view text;
      RETURN_NOT_OK(ValueText(value, type, &text));
      bool zulu = column.type.id() == TypeId::kTimestampLtz;
      char separator = options_.iso_timestamps ? 'T' : ' ';
      int64_t micros = 0;
      if (!format_text::ParseIsoTimestamp(text, separator, !options_.iso_timestamps, zulu,
                                          &micros)) {
        return CannotParse(column, text,
                           fmt::format(" (expected yyyy-MM-dd{}HH:mm:ss[.SSS]{})",
                                       options_.iso_timestamps ? "'T'" : " ", zulu ? "'Z'" : ""));
      }
      builder->AppendFixed<int64_t>(micros);
      return Status::OK();
    }
    case TypeId::kArray: {
      if (type != json_type::array) return WrongType(column, "array", type);
      simdjson::ondemand::array array;
      if (auto error = value.get_array().get(array)) return Malformed(error);
      VectorBuilder& elements = builder->child(0);
      for (auto element : array) {
        simdjson::ondemand::value element_value;
        if (auto error = element.get(element_value)) return Malformed(error);
        RETURN_NOT_OK(AppendNullable(column.children[0], element_value, &elements));
      }
      builder->AppendList();
      return Status::OK();
    }
    case TypeId::kMap: {
      // JsonNode.fields() of anything but an object is empty.
      if (type == json_type::object) {
        simdjson::ondemand::object object;
        if (auto error = value.get_object().get(object)) return Malformed(error);
        for (auto field : object) {
          std::string_view key;
          if (auto error = field.unescaped_key().get(key)) return Malformed(error);
          simdjson::ondemand::value entry;
          if (auto error = field.value().get(entry)) return Malformed(error);
          builder->child(0).AppendString(key);
          RETURN_NOT_OK(AppendNullable(column.children[1], entry, &builder->child(1)));
        }
      }
      builder->AppendList();
      return Status::OK();
    }
    case TypeId::kRow: {
      if (type != json_type::object) return WrongType(column, "object", type);
      simdjson::ondemand::object object;
      if (auto error = value.get_object().get(object)) return Malformed(error);
      RETURN_NOT_OK(AppendFields(
          column, object, /*fill_missing=*/true, /*skip=*/nullptr,
          [builder](size_t index) -> VectorBuilder& { return builder->child(index); }));
      builder->AppendStruct();
      return Status::OK();
    }
    default:
      return Status::DataError("column {}: the JSON format cannot read {}", column.label,
                               column.type_name);
  }
}

// Jackson's convertToInt/convertToLong: integers in range; numbers with a
// fraction or exponent truncated when in range (INT and BIGINT only, as
// TINYINT and SMALLINT parse the text); strings parsed as Java integers.
template <typename T>
Status JsonRowReader::AppendInteger(const JsonColumn& column, simdjson::ondemand::value value,
                                    json_type type, VectorBuilder* builder) {
  constexpr int64_t kMin = std::numeric_limits<T>::min();
  constexpr int64_t kMax = std::numeric_limits<T>::max();
  if (type == json_type::number) {
    std::string_view raw = format_text::TrimJavaWhitespace(value.raw_json_token());
    int64_t integer = 0;
    auto error = value.get_int64().get(integer);
    if (!error) {
      if (integer < kMin || integer > kMax) return CannotParse(column, raw, " (out of range)");
      builder->AppendFixed<T>(static_cast<T>(integer));
      return Status::OK();
    }
    if (error != simdjson::INCORRECT_TYPE) return Malformed(error);
    double number = 0;
    if (sizeof(T) >= 4 && raw.find_first_of(".eE") != std::string_view::npos &&
        !value.get_double().get(number) && number >= static_cast<double>(kMin) &&
        number <= static_cast<double>(kMax)) {
      // Java's (long) cast saturates at 2^63, the one double above kMax here.
      T truncated =
          number >= 9.2233720368547758e18 ? std::numeric_limits<T>::max() : static_cast<T>(number);
      builder->AppendFixed<T>(truncated);
      return Status::OK();
    }
    return CannotParse(column, raw, " (out of range or not an integer)");
  }
  std::string_view text;
  RETURN_NOT_OK(ValueText(value, type, &text));
  int64_t integer = 0;
  if (!format_text::ParseJavaInteger(format_text::TrimJavaWhitespace(text), kMin, kMax, &integer)) {
    return CannotParse(column, text);
  }
  builder->AppendFixed<T>(static_cast<T>(integer));
  return Status::OK();
}

Status JsonRowReader::AppendFloating(const JsonColumn& column, simdjson::ondemand::value value,
                                     json_type type, VectorBuilder* builder) {
  bool is_float = column.type.id() == TypeId::kFloat;
  double number = 0;
  if (type == json_type::number && !value.get_double().get(number)) {
    if (is_float) {
      builder->AppendFixed<float>(static_cast<float>(number));
    } else {
      builder->AppendFixed<double>(number);
    }
    return Status::OK();
  }
  // Strings, and numbers simdjson will not read (1e400 is Infinity in Java).
  std::string_view text;
  RETURN_NOT_OK(ValueText(value, type, &text));
  if (is_float) {
    float parsed = 0;
    if (!format_text::ParseJavaFloat(text, &parsed)) return CannotParse(column, text);
    builder->AppendFixed<float>(parsed);
  } else {
    if (!format_text::ParseJavaDouble(text, &number)) return CannotParse(column, text);
    builder->AppendFixed<double>(number);
  }
  return Status::OK();
}

// Text as is, numbers as written, booleans as "true"/"false", and objects and
// arrays as compact JSON, as Flink's convertToString does.
Status JsonRowReader::AppendString(simdjson::ondemand::value value, json_type type,
                                   VectorBuilder* builder) {
  std::string_view raw;
  if (type == json_type::object) {
    simdjson::ondemand::object object;
    auto error = value.get_object().get(object);
    if (!error) error = object.raw_json().get(raw);
    if (error) return Malformed(error);
  } else if (type == json_type::array) {
    simdjson::ondemand::array array;
    auto error = value.get_array().get(array);
    if (!error) error = array.raw_json().get(raw);
    if (error) return Malformed(error);
  } else {
    std::string_view text;
    RETURN_NOT_OK(ValueText(value, type, &text));
    builder->AppendString(text);
    return Status::OK();
  }
  char* out = builder->BeginString(raw.size());
  builder->CommitString(Minify(raw, out));
  return Status::OK();
}

// ---------------------------------------------------------------------------
// JsonRowWriter

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.substr(plain_start, i - plain_start));
    plain_start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
        break;
    }
  }
  out->append(text.substr(plain_start));
  out->push_back('"');
}

JsonRowWriter::JsonRowWriter(JsonOptions options, JsonColumn root)
    : options_(std::move(options)), root_(std::move(root)) {}

Status JsonRowWriter::AppendRow(const Batch& batch, size_t row, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < root_.children.size(); ++i) {
    RETURN_NOT_OK(AppendField(root_.children[i], *batch.column(i), row, &first, out));
  }
  out->push_back('}');
  return Status::OK();
}

Status JsonRowWriter::AppendField(const JsonColumn& column, const Vector& vector, size_t row,
                                  bool* first, std::string* out) {
  if (options_.ignore_null_fields && vector.IsNull(row)) return Status::OK();
  if (!*first) out->push_back(',');
  *first = false;
  AppendJsonString(column.name, out);
  out->push_back(':');
  return AppendValue(column, vector, row, out);
}

Status JsonRowWriter::AppendValue(const JsonColumn& column, const Vector& vector, size_t row,
                                  std::string* out) {
  if (vector.IsNull(row)) {
    out->append("null");
    return Status::OK();
  }
  switch (column.type.id()) {
    case TypeId::kNull:
      out->append("null");
      break;
    case TypeId::kBoolean:
      out->append(vector.ValueAt<uint8_t>(row) ? "true" : "false");
      break;
    case TypeId::kTinyInt:
      format_text::AppendInteger(vector.ValueAt<int8_t>(row), out);
      break;
    case TypeId::kSmallInt:
      format_text::AppendInteger(vector.ValueAt<int16_t>(row), out);
      break;
    case TypeId::kInt:
    case TypeId::kIntervalYearMonth:
      format_text::AppendInteger(vector.ValueAt<int32_t>(row), out);
      break;
    case TypeId::kBigInt:
    case TypeId::kIntervalDayTime:
      format_text::AppendInteger(vector.ValueAt<int64_t>(row), out);
      break;
    case TypeId::kFloat:
      AppendFloatingText(FormatJavaFloat(vector.ValueAt<float>(row)), out);
      break;
    case TypeId::kDouble:
      AppendFloatingText(FormatJavaDouble(vector.ValueAt<double>(row)), out);
      break;
    case TypeId::kDecimal:
      format_text::AppendBigDecimal(vector.ValueAt<Int128>(row), column.type.scale(),
                                    options_.decimals_as_plain_numbers, out);
      break;
    case TypeId::kChar:
    case TypeId::kVarChar:
      AppendJsonString(vector.StringAt(row), out);
      break;
    case TypeId::kBinary:
    case TypeId::kVarBinary:
      out->push_back('"');
      format_text::AppendBase64(vector.StringAt(row), out);
      out->push_back('"');
      break;
    case TypeId::kDate:
      out->push_back('"');
      format_text::AppendIsoDate(vector.ValueAt<int32_t>(row), out);
      out->push_back('"');
      break;
    case TypeId::kTime:
      // Flink writes whole seconds: "HH:mm:ss".
      out->push_back('"');
      format_text::AppendIsoTime(int64_t{vector.ValueAt<int32_t>(row)} / 1000 * kMicrosPerSecond,
                                 out);
      out->push_back('"');
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      out->push_back('"');
      format_text::AppendIsoTimestamp(vector.ValueAt<int64_t>(row),
                                      options_.iso_timestamps ? 'T' : ' ', out);
      if (column.type.id() == TypeId::kTimestampLtz) out->push_back('Z');
      out->push_back('"');
      break;
    case TypeId::kArray: {
      out->push_back('[');
      size_t slot = vector.Index(row);
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        if (e > vector.offsets()[slot]) out->push_back(',');
        RETURN_NOT_OK(AppendValue(column.children[0], vector.child(0), e, out));
      }
      out->push_back(']');
      break;
    }
    case TypeId::kMap: {
      out->push_back('{');
      size_t slot = vector.Index(row);
      const Vector& keys = vector.child(0);
      bool first = true;
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        std::string_view key;
        if (keys.IsNull(e)) {
          if (options_.map_null_key_mode == MapNullKeyMode::kDrop) continue;
          if (options_.map_null_key_mode == MapNullKeyMode::kFail) {
            return Status::DataError(
                "column {}: JSON format doesn't support to serialize map data with null keys. "
                "You can drop null key entries or encode null in literals by specifying "
                "'{}.map-null-key.mode'.",
                column.label, options_.format);
          }
          key = options_.map_null_key_literal;
        } else {
          key = keys.StringAt(e);
        }
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(key, out);
        out->push_back(':');
        RETURN_NOT_OK(AppendValue(column.children[1], vector.child(1), e, out));
      }
      out->push_back('}');
      break;
    }
    case TypeId::kRow: {
      out->push_back('{');
      bool first = true;
      for (size_t c = 0; c < column.children.size(); ++c) {
        RETURN_NOT_OK(AppendField(column.children[c], vector.child(c), row, &first, out));
      }
      out->push_back('}');
      break;
    }
    default:
      return Status::DataError("column {}: the JSON format cannot write {}", column.label,
                               column.type_name);
  }
  return Status::OK();
}

}  // namespace tiangong
