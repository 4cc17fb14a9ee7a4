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
#include "types/decimal.h"
#include "types/temporal.h"
#include "types/value_format.h"

namespace tiangong {

// Text forms of values shared by the CSV and JSON formats. Both follow Flink,
// whose formats parse with Java's rules (Integer.parseInt, Double.parseDouble,
// new BigDecimal, java.time formatters) and write through Jackson.
// json_format.cc declares these again; they belong in a header of their own
// (formats/value_text.h) once one may be added.
namespace format_text {

/// `text` without the leading and trailing characters <= ' ', as String.trim().
std::string_view TrimJavaWhitespace(std::string_view text) {
  // String.trim() strips every character up to and including ' '.
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= ' ') --end;
  return text.substr(begin, end - begin);
}

/// Integer.parseInt / Long.parseLong: sets `*value` and returns true when `text` is
/// an optional sign and ASCII digits whose value lies in [min, max].
bool ParseJavaInteger(std::string_view text, int64_t min, int64_t max, int64_t* value) {
  // Integer.parseInt: an optional sign and at least one ASCII digit, in range.
  if (text.empty()) return false;
  size_t start = (text[0] == '+') ? 1 : 0;
  if (start == 1 && (text.size() == 1 || text[1] == '-')) return false;
  int64_t parsed = 0;
  auto [end, error] = std::from_chars(text.data() + start, text.data() + text.size(), parsed);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if (parsed < min || parsed > max) return false;
  *value = parsed;
  return true;
}

/// Appends the decimal digits of `value`.
void AppendInteger(int64_t value, std::string* out) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof(digits), value);
  out->append(digits, static_cast<size_t>(end - digits));
}

namespace {

// The numeric part of Double.parseDouble's grammar: NaN, Infinity, decimal
// digits with an optional exponent and a type suffix. Hexadecimal floats are
// not accepted.
template <typename T>
bool ParseJavaFloating(std::string_view text, T* value) {
  text = TrimJavaWhitespace(text);
  if (text.empty()) return false;
  bool negative = text[0] == '-';
  if (text[0] == '-' || text[0] == '+') text.remove_prefix(1);
  if (text == "NaN") {
    *value = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  if (text == "Infinity") {
    *value = negative ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    return true;
  }
  if (!text.empty() &&
      (text.back() == 'f' || text.back() == 'F' || text.back() == 'd' || text.back() == 'D')) {
    text.remove_suffix(1);
  }
  if (text.empty() || !(text[0] == '.' || (text[0] >= '0' && text[0] <= '9'))) return false;
  T parsed = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), parsed, std::chars_format::general);
  if (end != text.data() + text.size()) return false;
  if (error == std::errc::result_out_of_range) {
    // Java rounds to infinity or zero instead of failing.
    size_t exponent = text.find_first_of("eE");
    bool tiny = exponent != std::string_view::npos && exponent + 1 < text.size() &&
                text[exponent + 1] == '-';
    parsed = tiny ? T(0) : std::numeric_limits<T>::infinity();
  } else if (error != std::errc()) {
    return false;
  }
  *value = negative ? -parsed : parsed;
  return true;
}

// The digits of |value|, most significant first.
std::string_view UnsignedDigits(Int128 value, char (&buffer)[48]) {
  unsigned __int128 magnitude =
      value < 0 ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  char* end = buffer + sizeof(buffer);
  char* begin = end;
  do {
    *--begin = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

// java.time's fraction printing: the fraction without trailing zeros, if any.
void AppendFraction(int64_t micros, std::string* out) {
  if (micros == 0) return;
  char digits[6];
  for (int i = 5; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  int length = 6;
  while (digits[length - 1] == '0') --length;
  out->push_back('.');
  out->append(digits, static_cast<size_t>(length));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ISO_LOCAL_DATE's shape for four-digit years: "yyyy-MM-dd".
bool HasIsoDateShape(std::string_view text) {
  return text.size() >= 10 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) &&
         IsDigit(text[3]) && text[4] == '-' && IsDigit(text[5]) && IsDigit(text[6]) &&
         text[7] == '-' && IsDigit(text[8]) && IsDigit(text[9]);
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

/// Double.parseDouble (without hexadecimal floats): true and `*value` on success.
bool ParseJavaDouble(std::string_view text, double* value) {
  return ParseJavaFloating(text, value);
}

/// Float.parseFloat (without hexadecimal floats): true and `*value` on success.
bool ParseJavaFloat(std::string_view text, float* value) { return ParseJavaFloating(text, value); }

/// Boolean.parseBoolean of the trimmed text: "true" in any case; everything else is false.
bool ParseJavaBoolean(std::string_view text) {
  text = TrimJavaWhitespace(text);
  return text.size() == 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'r' &&
         (text[2] | 0x20) == 'u' && (text[3] | 0x20) == 'e';
}

/// new BigDecimal(text) as DECIMAL(precision, scale), rounded HALF_UP. Returns false
/// when `text` is not a number; otherwise `*fits` says whether the value fits the
/// precision (Flink then reads NULL) and `*value` holds it when it does.
bool ParseBigDecimal(std::string_view text, int precision, int scale, bool* fits, Int128* value) {
  auto parsed = ParseDecimal(text, precision, scale);
  if (parsed.ok()) {
    *fits = true;
    *value = *parsed;
    return true;
  }
  // DecimalData.fromBigDecimal turns a number that does not fit into NULL; only
  // text that is no number at all is an error. Check new BigDecimal's grammar.
  std::string_view number = TrimJavaWhitespace(text);
  size_t position = 0;
  if (position < number.size() && (number[position] == '+' || number[position] == '-')) {
    ++position;
  }
  size_t digits = 0;
  bool seen_point = false;
  for (; position < number.size(); ++position) {
    if (IsDigit(number[position])) {
      ++digits;
    } else if (number[position] == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return false;
  if (position < number.size() && (number[position] == 'e' || number[position] == 'E')) {
    int64_t exponent = 0;
    if (!ParseJavaInteger(number.substr(position + 1), std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max(), &exponent)) {
      return false;
    }
    position = number.size();
  }
  if (position != number.size()) return false;
  *fits = false;
  return true;
}

/// Appends a DECIMAL the way Jackson writes a BigDecimal node: trailing zeros
/// stripped, then BigDecimal.toString() ("1E+5", "2.7E-8") or, when `plain`,
/// toPlainString() ("100000").
void AppendBigDecimal(Int128 unscaled, int scale, bool plain, std::string* out) {
  // Jackson's JsonNodeFactory strips trailing zeros (zero becomes "0"), then
  // writes BigDecimal.toString(), or toPlainString() for plain numbers.
  if (unscaled == 0) {
    out->push_back('0');
    return;
  }
  while (unscaled % 10 == 0) {
    unscaled /= 10;
    --scale;
  }
  if (unscaled < 0) out->push_back('-');
  char buffer[48];
  std::string_view digits = UnsignedDigits(unscaled, buffer);
  int num_digits = static_cast<int>(digits.size());
  int adjusted_exponent = num_digits - 1 - scale;
  if (plain || (scale >= 0 && adjusted_exponent >= -6)) {
    if (scale <= 0) {
      out->append(digits);
      out->append(static_cast<size_t>(-scale), '0');
    } else if (num_digits > scale) {
      out->append(digits.substr(0, static_cast<size_t>(num_digits - scale)));
      out->push_back('.');
      out->append(digits.substr(static_cast<size_t>(num_digits - scale)));
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(scale - num_digits), '0');
      out->append(digits);
    }
    return;
  }
  out->push_back(digits[0]);
  if (num_digits > 1) {
    out->push_back('.');
    out->append(digits.substr(1));
  }
  out->push_back('E');
  if (adjusted_exponent >= 0) out->push_back('+');
  AppendInteger(adjusted_exponent, out);
}

/// Appends standard base64 with padding.
void AppendBase64(std::string_view bytes, std::string* out) {
  size_t i = 0;
  auto byte = [&bytes](size_t index) { return static_cast<unsigned char>(bytes[index]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t triple = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out->push_back(kBase64Alphabet[(triple >> 18) & 63]);
    out->push_back(kBase64Alphabet[(triple >> 12) & 63]);
    out->push_back(kBase64Alphabet[(triple >> 6) & 63]);
    out->push_back(kBase64Alphabet[triple & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 0) return;
  uint32_t triple = byte(i) << 16;
  if (rest == 2) triple |= byte(i + 1) << 8;
  out->push_back(kBase64Alphabet[(triple >> 18) & 63]);
  out->push_back(kBase64Alphabet[(triple >> 12) & 63]);
  out->push_back(rest == 2 ? kBase64Alphabet[(triple >> 6) & 63] : '=');
  out->push_back('=');
}

/// Decodes standard base64 into `*out` (replacing its contents); white space is
/// skipped and padding is optional. False when `text` is not base64.
bool DecodeBase64(std::string_view text, std::string* out) {
  // Jackson's default variant; white space is skipped and padding is optional.
  out->clear();
  uint32_t bits = 0;
  int num_bits = 0;
  size_t padding = 0;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte <= ' ') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int sextet = Base64Value(byte);
    if (sextet < 0 || padding > 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(sextet);
    num_bits += 6;
    if (num_bits >= 8) {
      num_bits -= 8;
      out->push_back(static_cast<char>((bits >> num_bits) & 0xFF));
    }
  }
  // Leftover bits must be zero padding of a 2- or 3-character final group.
  return num_bits < 6 && padding <= 2;
}

/// Appends ISO_LOCAL_DATE: "2020-04-15", "+10000-01-01".
void AppendIsoDate(int32_t days, std::string* out) {
  // ISO_LOCAL_DATE: at least four year digits, a sign beyond 9999 or before 0.
  CivilDate date = CivilFromDays(days);
  int64_t year = date.year;
  if (year > 9999) out->push_back('+');
  if (year < 0) {
    out->push_back('-');
    year = -year;
  }
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof(digits), year);
  size_t length = static_cast<size_t>(end - digits);
  if (length < 4) out->append(4 - length, '0');
  out->append(digits, length);
  out->push_back('-');
  AppendTwoDigits(date.month, out);
  out->push_back('-');
  AppendTwoDigits(date.day, out);
}

/// Appends "HH:mm:ss" and the fraction without trailing zeros, if any: "08:05:30.25".
void AppendIsoTime(int64_t micros_of_day, std::string* out) {
  int64_t seconds = micros_of_day / kMicrosPerSecond;
  AppendTwoDigits(static_cast<int>(seconds / 3600), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds / 60 % 60), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds % 60), out);
  AppendFraction(micros_of_day % kMicrosPerSecond, out);
}

/// Appends a date, `separator` (' ' or 'T') and AppendIsoTime's time of day.
void AppendIsoTimestamp(int64_t micros, char separator, std::string* out) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  AppendIsoDate(static_cast<int32_t>(days), out);
  out->push_back(separator);
  AppendIsoTime(micros - days * kMicrosPerDay, out);
}

/// ISO_LOCAL_DATE ("yyyy-MM-dd", two-digit month and day): true and `*days` on success.
bool ParseIsoDate(std::string_view text, int32_t* days) {
  if (text.size() != 10 || !HasIsoDateShape(text)) return false;
  auto parsed = ParseDate(text);
  if (!parsed.ok()) return false;
  *days = *parsed;
  return true;
}

/// "yyyy-MM-dd" `separator` "HH:mm[:ss][.fraction]" with seconds mandatory when
/// `require_seconds` and a trailing 'Z' (UTC) when `zulu`: true and `*micros` on success.
bool ParseIsoTimestamp(std::string_view text, char separator, bool require_seconds, bool zulu,
                       int64_t* micros) {
  if (zulu) {
    if (text.empty() || text.back() != 'Z') return false;
    text.remove_suffix(1);
  }
  // "yyyy-MM-dd" separator "HH:mm", then ":ss" and a fraction.
  if (text.size() < 16 || !HasIsoDateShape(text) || text[10] != separator || text[13] != ':') {
    return false;
  }
  if (require_seconds && (text.size() < 19 || text[16] != ':')) return false;
  auto parsed = ParseTimestamp(text);
  if (!parsed.ok()) return false;
  *micros = *parsed;
  return true;
}

/// `value` in single quotes for an error message, shortened when long.
std::string QuoteForMessage(std::string_view value) {
  constexpr size_t kMaxShown = 200;
  if (value.size() <= kMaxShown) return fmt::format("'{}'", value);
  return fmt::format("'{}...' ({} bytes)", value.substr(0, kMaxShown), value.size());
}

}  // namespace format_text

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
