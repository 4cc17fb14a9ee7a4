#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "formats/format.h"
#include "formats/value_text.h"
#include "types/decimal.h"
#include "types/temporal.h"
#include "types/value_format.h"

namespace tiangong {

namespace {

using format_text::QuoteForMessage;

struct CsvOptions {
  char field_delimiter = ',';
  std::optional<char> quote_character = '"';  // nullopt when quoting is disabled
  std::optional<char> escape_character;
  bool allow_comments = false;
  bool ignore_parse_errors = false;
  std::string array_element_delimiter = ";";
  std::optional<std::string> null_literal;
  bool write_decimals_in_scientific_notation = true;
};

Result<CsvOptions> ReadCsvOptions(const Configuration& options) {
  CsvOptions csv;
  ASSIGN_OR_RAISE(csv.field_delimiter, options.GetChar("field-delimiter", ','));
  ASSIGN_OR_RAISE(bool disable_quote, options.GetBool("disable-quote-character", false));
  if (disable_quote) {
    if (options.Contains("quote-character")) {
      return Status::Invalid(
          "Format cannot define a quote character and disabled quote character at the same "
          "time: set either 'csv.quote-character' or 'csv.disable-quote-character'");
    }
    csv.quote_character.reset();
  } else {
    ASSIGN_OR_RAISE(csv.quote_character, options.GetChar("quote-character", '"'));
  }
  if (options.Contains("escape-character")) {
    ASSIGN_OR_RAISE(csv.escape_character, options.GetChar("escape-character", '\\'));
  }
  ASSIGN_OR_RAISE(csv.allow_comments, options.GetBool("allow-comments", false));
  ASSIGN_OR_RAISE(csv.ignore_parse_errors, options.GetBool("ignore-parse-errors", false));
  csv.array_element_delimiter = options.GetString("array-element-delimiter", ";");
  if (csv.array_element_delimiter.empty()) {
    return Status::Invalid("Option 'csv.array-element-delimiter' must not be empty");
  }
  if (options.Contains("null-literal")) csv.null_literal = options.GetString("null-literal", "");
  ASSIGN_OR_RAISE(csv.write_decimals_in_scientific_notation,
                  options.GetBool("write-bigdecimal-in-scientific-notation", true));
  if (csv.quote_character && *csv.quote_character == csv.field_delimiter) {
    return Status::Invalid("Options 'csv.quote-character' and 'csv.field-delimiter' must differ");
  }
  return csv;
}

/// One column (or array element / nested field) as CSV reads and writes it.
struct CsvColumn {
  std::string label;      // how messages name it: "`price`", "`tags` element"
  std::string type_name;  // "DECIMAL(10, 2)"
  DataType type;
  std::vector<CsvColumn> children;  // ARRAY: the element; ROW: the fields
};

bool IsSimpleCsvType(TypeId id) {
  return id != TypeId::kArray && id != TypeId::kMap && id != TypeId::kRow;
}

// Flink's CSV schema: scalars, and ARRAY/ROW of scalars one level deep.
Result<CsvColumn> MakeCsvColumn(std::string label, const DataType& type, int depth) {
  CsvColumn column{std::move(label), type.WithNullable(true).ToString(), type, {}};
  switch (type.id()) {
    case TypeId::kMap:
      return Status::Invalid("The CSV format does not support MAP types: column {} is {}",
                             column.label, column.type_name);
    case TypeId::kTime:
      if (type.precision() > 3) {
        return Status::Invalid(
            "The CSV format supports TIME precision 0 to 3 only: column {} is {}", column.label,
            column.type_name);
      }
      break;
    case TypeId::kArray:
    case TypeId::kRow: {
      for (const RowField& field : type.fields()) {
        if (depth > 0 || !IsSimpleCsvType(field.type.id())) {
          return Status::Invalid(
              "The CSV format supports only scalar types inside ARRAY and ROW: column {} is {}",
              column.label, column.type_name);
        }
        std::string child_label = type.id() == TypeId::kArray
                                      ? column.label + " element"
                                      : fmt::format("{}.`{}`", column.label, field.name);
        ASSIGN_OR_RAISE(CsvColumn child, MakeCsvColumn(std::move(child_label), field.type, 1));
        column.children.push_back(std::move(child));
      }
      break;
    }
    default:
      break;
  }
  return column;
}

Result<std::vector<CsvColumn>> MakeCsvColumns(const DataType& row_type) {
  std::vector<CsvColumn> columns;
  for (const RowField& field : row_type.fields()) {
    ASSIGN_OR_RAISE(CsvColumn column,
                    MakeCsvColumn(fmt::format("`{}`", field.name), field.type, 0));
    columns.push_back(std::move(column));
  }
  return columns;
}

Status CannotParse(const CsvColumn& column, std::string_view text, std::string_view reason = {}) {
  return Status::DataError("column {}: cannot parse {} as {}{}", column.label,
                           QuoteForMessage(text), column.type_name, reason);
}

// Jackson's escape sequences: \0 \n \r \t; any other character stands for itself.
char Unescape(char c) {
  switch (c) {
    case '0':
      return '\0';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return c;
  }
}

/// Decodes one CSV line per record, as Flink's CsvRowDataDeserializationSchema.
class CsvDecoder final : public RecordDecoder {
 public:
  CsvDecoder(CsvOptions options, std::vector<CsvColumn> columns)
      : options_(std::move(options)), columns_(std::move(columns)) {}

  Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) override {
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) {
      record.remove_suffix(1);
    }
    const char delimiter = options_.field_delimiter;
    if (std::all_of(record.begin(), record.end(),
                    [delimiter](char c) { return (c == ' ' || c == '\t') && c != delimiter; })) {
      return DecodeStatus::kEmpty;
    }
    if (options_.allow_comments && record[0] == '#') return DecodeStatus::kEmpty;
    Status split = Split(record);
    if (!split.ok()) return Reject(std::move(split), builder);
    size_t num_columns = columns_.size();
    // Flink fills missing trailing fields with NULL only when it ignores parse errors.
    if (fields_.size() > num_columns ||
        (fields_.size() < num_columns && !options_.ignore_parse_errors)) {
      return Reject(Status::DataError("the record has {} fields but the table has {} columns: {}",
                                      fields_.size(), num_columns, QuoteForMessage(record)),
                    builder);
    }
    for (size_t i = 0; i < num_columns; ++i) {
      VectorBuilder& column = builder->column(i);
      if (i >= fields_.size()) {
        column.AppendNull();
        continue;
      }
      Status status = AppendField(columns_[i], fields_[i].text, fields_[i].quoted, &column);
      if (!status.ok()) {
        if (!options_.ignore_parse_errors) return Reject(std::move(status), builder);
        // Flink sets a field that does not parse to NULL and keeps the row.
        column.Truncate(builder->num_rows());
        column.AppendNull();
      }
    }
    builder->FinishRow();
    return DecodeStatus::kRow;
  }

 private:
  struct Field {
    std::string_view text;
    bool quoted;
  };

  Result<DecodeStatus> Reject(Status status, BatchBuilder* builder) {
    builder->AbandonRow();
    if (options_.ignore_parse_errors) return DecodeStatus::kSkipped;
    return status;
  }

  // Splits `record` into fields_. Unescaped field text lands in unescaped_,
  // which holds at least record.size() bytes so views into it stay valid.
  Status Split(std::string_view record) {
    fields_.clear();
    if (unescaped_capacity_ < record.size()) {
      unescaped_capacity_ = std::max(record.size(), 2 * unescaped_capacity_);
      unescaped_ = std::make_unique<char[]>(unescaped_capacity_);
    }
    char* out = unescaped_.get();
    const char delimiter = options_.field_delimiter;
    const int quote =
        options_.quote_character ? static_cast<unsigned char>(*options_.quote_character) : -1;
    const int escape =
        options_.escape_character ? static_cast<unsigned char>(*options_.escape_character) : -1;
    size_t position = 0;
    const size_t size = record.size();
    while (true) {
      if (position < size && static_cast<unsigned char>(record[position]) == quote) {
        char* start = out;
        ++position;
        bool closed = false;
        while (position < size) {
          char c = record[position];
          if (static_cast<unsigned char>(c) == escape && position + 1 < size) {
            *out++ = Unescape(record[position + 1]);
            position += 2;
          } else if (static_cast<unsigned char>(c) == quote) {
            if (position + 1 < size && static_cast<unsigned char>(record[position + 1]) == quote) {
              *out++ = c;
              position += 2;
            } else {
              ++position;
              closed = true;
              break;
            }
          } else {
            *out++ = c;
            ++position;
          }
        }
        if (!closed) {
          return Status::DataError("column {}: the quoted field is not closed: {}",
                                   fields_.size() < columns_.size()
                                       ? columns_[fields_.size()].label
                                       : fmt::format("#{}", fields_.size() + 1),
                                   QuoteForMessage(record));
        }
        // Characters between the closing quote and the delimiter are kept.
        while (position < size && record[position] != delimiter && record[position] != '\n' &&
               record[position] != '\r') {
          *out++ = record[position++];
        }
        fields_.push_back({std::string_view(start, static_cast<size_t>(out - start)), true});
      } else {
        size_t start = position;
        bool escaped = false;
        while (position < size && record[position] != delimiter && record[position] != '\n' &&
               record[position] != '\r') {
          escaped |= static_cast<unsigned char>(record[position]) == escape;
          ++position;
        }
        if (!escaped) {
          fields_.push_back({record.substr(start, position - start), false});
        } else {
          char* unescaped_start = out;
          for (size_t i = start; i < position; ++i) {
            if (static_cast<unsigned char>(record[i]) == escape && i + 1 < position) {
              *out++ = Unescape(record[++i]);
            } else {
              *out++ = record[i];
            }
          }
          fields_.push_back(
              {std::string_view(unescaped_start, static_cast<size_t>(out - unescaped_start)),
               false});
        }
      }
      // A line break outside quotes ends the record, as in Jackson.
      if (position >= size || record[position] != delimiter) break;
      ++position;
    }
    return Status::OK();
  }

  bool IsNullText(const CsvColumn& column, std::string_view text, bool quoted) const {
    if (options_.null_literal && text == *options_.null_literal) return true;
    // Jackson reads an empty unquoted value of a non-string column as null.
    return text.empty() && !quoted && !column.type.is_character_string();
  }

  // Appends the value of `text` to `builder`, or nothing on failure (nested
  // values may be left half-appended; callers truncate).
  Status AppendField(const CsvColumn& column, std::string_view text, bool quoted,
                     VectorBuilder* builder) {
    if (IsNullText(column, text, quoted)) {
      builder->AppendNull();
      return Status::OK();
    }
    switch (column.type.id()) {
      case TypeId::kArray:
        return AppendArray(column, text, builder);
      case TypeId::kRow:
        return AppendRow(column, text, builder);
      default:
        return AppendScalar(column, text, builder);
    }
  }

  // Appends an element or a nested field; with 'ignore-parse-errors' a value
  // that does not parse becomes NULL, as Flink's nullable converters do.
  Status AppendNested(const CsvColumn& column, std::string_view text, VectorBuilder* builder) {
    Status status = AppendField(column, text, false, builder);
    if (status.ok() || !options_.ignore_parse_errors) return status;
    builder->AppendNull();
    return Status::OK();
  }

  Status AppendArray(const CsvColumn& column, std::string_view text, VectorBuilder* builder) {
    const std::string& delimiter = options_.array_element_delimiter;
    VectorBuilder& elements = builder->child(0);
    size_t start = 0;
    while (true) {
      size_t end = text.find(delimiter, start);
      std::string_view element =
          text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      RETURN_NOT_OK(AppendNested(column.children[0], element, &elements));
      if (end == std::string_view::npos) break;
      start = end + delimiter.size();
    }
    builder->AppendList();
    return Status::OK();
  }

  Status AppendRow(const CsvColumn& column, std::string_view text, VectorBuilder* builder) {
    const std::string& delimiter = options_.array_element_delimiter;
    size_t num_fields = column.children.size();
    size_t num_values = 1;
    for (size_t at = text.find(delimiter); at != std::string_view::npos;
         at = text.find(delimiter, at + delimiter.size())) {
      ++num_values;
    }
    if (num_values != num_fields && !options_.ignore_parse_errors) {
      return Status::DataError("column {}: expected {} fields separated by '{}' but got {}: {}",
                               column.label, num_fields, delimiter, num_values,
                               QuoteForMessage(text));
    }
    size_t start = 0;
    for (size_t i = 0; i < num_fields; ++i) {
      VectorBuilder& field = builder->child(i);
      if (start == std::string_view::npos) {
        field.AppendNull();
        continue;
      }
      size_t end = text.find(delimiter, start);
      std::string_view value =
          text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      RETURN_NOT_OK(AppendNested(column.children[i], value, &field));
      start = end == std::string_view::npos ? end : end + delimiter.size();
    }
    builder->AppendStruct();
    return Status::OK();
  }

  template <typename T>
  Status AppendInteger(const CsvColumn& column, std::string_view text, VectorBuilder* builder) {
    int64_t value = 0;
    if (!format_text::ParseJavaInteger(format_text::TrimJavaWhitespace(text),
                                       std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                                       &value)) {
      return CannotParse(column, text);
    }
    builder->AppendFixed<T>(static_cast<T>(value));
    return Status::OK();
  }

  Status AppendScalar(const CsvColumn& column, std::string_view text, VectorBuilder* builder) {
    const DataType& type = column.type;
    switch (type.id()) {
      case TypeId::kNull:
        builder->AppendNull();
        return Status::OK();
      case TypeId::kBoolean:
        // Boolean.parseBoolean: anything but "true" (any case) is false.
        builder->AppendBool(format_text::ParseJavaBoolean(text));
        return Status::OK();
      case TypeId::kTinyInt:
        return AppendInteger<int8_t>(column, text, builder);
      case TypeId::kSmallInt:
        return AppendInteger<int16_t>(column, text, builder);
      case TypeId::kInt:
      case TypeId::kIntervalYearMonth:
        return AppendInteger<int32_t>(column, text, builder);
      case TypeId::kBigInt:
      case TypeId::kIntervalDayTime:
        return AppendInteger<int64_t>(column, text, builder);
      case TypeId::kFloat: {
        float value = 0;
        if (!format_text::ParseJavaFloat(text, &value)) return CannotParse(column, text);
        builder->AppendFixed<float>(value);
        return Status::OK();
      }
      case TypeId::kDouble: {
        double value = 0;
        if (!format_text::ParseJavaDouble(text, &value)) return CannotParse(column, text);
        builder->AppendFixed<double>(value);
        return Status::OK();
      }
      case TypeId::kDecimal: {
        bool fits = false;
        Int128 value = 0;
        if (!format_text::ParseBigDecimal(text, type.precision(), type.scale(), &fits, &value)) {
          return CannotParse(column, text);
        }
        // Flink reads a number that does not fit the precision as NULL.
        if (fits) {
          builder->AppendFixed<Int128>(value);
        } else {
          builder->AppendNull();
        }
        return Status::OK();
      }
      case TypeId::kChar:
      case TypeId::kVarChar:
        builder->AppendString(text);
        return Status::OK();
      case TypeId::kBinary:
      case TypeId::kVarBinary:
        if (!format_text::DecodeBase64(text, &bytes_)) {
          return CannotParse(column, text, " (expected base64)");
        }
        builder->AppendString(bytes_);
        return Status::OK();
      case TypeId::kDate: {
        auto days = ParseDate(text);
        if (!days.ok()) return CannotParse(column, text, " (expected yyyy-MM-dd)");
        builder->AppendFixed<int32_t>(*days);
        return Status::OK();
      }
      case TypeId::kTime: {
        auto millis = ParseTime(text);
        if (!millis.ok()) return CannotParse(column, text, " (expected HH:mm:ss[.SSS])");
        // Digits beyond the type's precision are dropped, as Flink does.
        int32_t unit = type.precision() >= 3   ? 1
                       : type.precision() == 2 ? 10
                       : type.precision() == 1 ? 100
                                               : 1000;
        builder->AppendFixed<int32_t>(*millis / unit * unit);
        return Status::OK();
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampLtz: {
        bool zulu = type.id() == TypeId::kTimestampLtz;
        int64_t micros = 0;
        if (!format_text::ParseIsoTimestamp(text, ' ', true, zulu, &micros)) {
          return CannotParse(column, text,
                             zulu ? " (expected yyyy-MM-dd HH:mm:ss[.SSS]Z)"
                                  : " (expected yyyy-MM-dd HH:mm:ss[.SSS])");
        }
        builder->AppendFixed<int64_t>(micros);
        return Status::OK();
      }
      default:
        return Status::DataError("column {}: the CSV format cannot read {}", column.label,
                                 column.type_name);
    }
  }

  CsvOptions options_;
  std::vector<CsvColumn> columns_;
  std::vector<Field> fields_;
  std::unique_ptr<char[]> unescaped_;
  size_t unescaped_capacity_ = 0;
  std::string bytes_;  // decoded base64
};

/// Encodes rows as Flink's CsvRowDataSerializationSchema (Jackson's CsvGenerator)
/// writes them.
class CsvEncoder final : public RecordEncoder {
 public:
  CsvEncoder(CsvOptions options, std::vector<CsvColumn> columns)
      : options_(std::move(options)), columns_(std::move(columns)) {
    unsigned char quote =
        options_.quote_character ? static_cast<unsigned char>(*options_.quote_character) : 0;
    min_safe_character_ = std::max(static_cast<unsigned char>(options_.field_delimiter), quote) + 1;
  }

  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out->push_back(options_.field_delimiter);
      const Vector& vector = *batch.column(i);
      if (vector.IsNull(row)) {
        AppendNull(out);
        continue;
      }
      switch (columns_[i].type.id()) {
        case TypeId::kArray:
        case TypeId::kRow:
        case TypeId::kChar:
        case TypeId::kVarChar:
        case TypeId::kBinary:
        case TypeId::kVarBinary:
        case TypeId::kDate:
        case TypeId::kTime:
        case TypeId::kTimestamp:
        case TypeId::kTimestampLtz:
        case TypeId::kDecimal:
          // Jackson writes these as text, quoted when they may need it.
          text_.clear();
          AppendText(columns_[i], vector, row, &text_);
          AppendQuoted(text_, out);
          break;
        default:
          AppendText(columns_[i], vector, row, out);
          break;
      }
    }
    return Status::OK();
  }

 private:
  void AppendNull(std::string* out) const {
    if (options_.null_literal) out->append(*options_.null_literal);
  }

  // The unquoted text of a non-NULL value.
  void AppendText(const CsvColumn& column, const Vector& vector, size_t row, std::string* out) {
    switch (column.type.id()) {
      case TypeId::kNull:
        AppendNull(out);
        return;
      case TypeId::kBoolean:
        out->append(vector.ValueAt<uint8_t>(row) ? "true" : "false");
        return;
      case TypeId::kTinyInt:
        format_text::AppendInteger(vector.ValueAt<int8_t>(row), out);
        return;
      case TypeId::kSmallInt:
        format_text::AppendInteger(vector.ValueAt<int16_t>(row), out);
        return;
      case TypeId::kInt:
      case TypeId::kIntervalYearMonth:
        format_text::AppendInteger(vector.ValueAt<int32_t>(row), out);
        return;
      case TypeId::kBigInt:
      case TypeId::kIntervalDayTime:
        format_text::AppendInteger(vector.ValueAt<int64_t>(row), out);
        return;
      case TypeId::kFloat:
        out->append(FormatJavaFloat(vector.ValueAt<float>(row)));
        return;
      case TypeId::kDouble:
        out->append(FormatJavaDouble(vector.ValueAt<double>(row)));
        return;
      case TypeId::kDecimal:
        format_text::AppendBigDecimal(vector.ValueAt<Int128>(row), column.type.scale(),
                                      !options_.write_decimals_in_scientific_notation, out);
        return;
      case TypeId::kChar:
      case TypeId::kVarChar:
        out->append(vector.StringAt(row));
        return;
      case TypeId::kBinary:
      case TypeId::kVarBinary:
        format_text::AppendBase64(vector.StringAt(row), out);
        return;
      case TypeId::kDate:
        format_text::AppendIsoDate(vector.ValueAt<int32_t>(row), out);
        return;
      case TypeId::kTime:
        format_text::AppendIsoTime(int64_t{vector.ValueAt<int32_t>(row)} * kMicrosPerMilli, out);
        return;
      case TypeId::kTimestamp:
        format_text::AppendIsoTimestamp(vector.ValueAt<int64_t>(row), ' ', out);
        return;
      case TypeId::kTimestampLtz:
        format_text::AppendIsoTimestamp(vector.ValueAt<int64_t>(row), ' ', out);
        out->push_back('Z');
        return;
      case TypeId::kArray: {
        const Vector& elements = vector.child(0);
        size_t slot = vector.Index(row);
        for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
          if (e > vector.offsets()[slot]) out->append(options_.array_element_delimiter);
          AppendElement(column.children[0], elements, e, out);
        }
        return;
      }
      case TypeId::kRow:
        for (size_t c = 0; c < column.children.size(); ++c) {
          if (c > 0) out->append(options_.array_element_delimiter);
          AppendElement(column.children[c], vector.child(c), row, out);
        }
        return;
      default:
        return;
    }
  }

  void AppendElement(const CsvColumn& column, const Vector& vector, size_t row, std::string* out) {
    if (vector.IsNull(row)) {
      AppendNull(out);
    } else {
      AppendText(column, vector, row, out);
    }
  }

  // Jackson's loose quoting check: quote values longer than 24 characters and
  // values with a character below max(delimiter, quote) + 1 or the escape
  // character. Quotes inside are doubled, as are escape characters.
  void AppendQuoted(std::string_view text, std::string* out) const {
    if (!options_.quote_character) {
      out->append(text);
      return;
    }
    const char quote = *options_.quote_character;
    const int escape =
        options_.escape_character ? static_cast<unsigned char>(*options_.escape_character) : -1;
    bool needs_quotes = false;
    size_t utf16_length = 0;
    for (char c : text) {
      unsigned char byte = static_cast<unsigned char>(c);
      // Java counts UTF-16 units: one per character, two above U+FFFF.
      if ((byte & 0xC0) != 0x80) utf16_length += byte >= 0xF0 ? 2 : 1;
      needs_quotes |= byte < min_safe_character_ || byte == escape;
    }
    if (!needs_quotes && utf16_length <= 24) {
      out->append(text);
      return;
    }
    out->push_back(quote);
    for (char c : text) {
      if (c == quote || static_cast<unsigned char>(c) == escape) out->push_back(c);
      out->push_back(c);
    }
    out->push_back(quote);
  }

  CsvOptions options_;
  std::vector<CsvColumn> columns_;
  unsigned min_safe_character_ = 0;
  std::string text_;
};

class CsvFormatFactory final : public FormatFactory {
 public:
  std::string_view identifier() const override { return "csv"; }

  OptionSpec options() const override {
    return OptionSpec{
        {},
        {"field-delimiter", "disable-quote-character", "quote-character", "allow-comments",
         "ignore-parse-errors", "array-element-delimiter", "escape-character", "null-literal",
         "write-bigdecimal-in-scientific-notation"},
        {}};
  }

  Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(CsvOptions csv, ReadCsvOptions(options));
    ASSIGN_OR_RAISE(std::vector<CsvColumn> columns, MakeCsvColumns(row_type));
    return std::unique_ptr<RecordDecoder>(
        std::make_unique<CsvDecoder>(std::move(csv), std::move(columns)));
  }

  Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(CsvOptions csv, ReadCsvOptions(options));
    ASSIGN_OR_RAISE(std::vector<CsvColumn> columns, MakeCsvColumns(row_type));
    return std::unique_ptr<RecordEncoder>(
        std::make_unique<CsvEncoder>(std::move(csv), std::move(columns)));
  }
};

}  // namespace

/// The "csv" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeCsvFormatFactory() {
  return std::make_unique<CsvFormatFactory>();
}

}  // namespace tiangong
