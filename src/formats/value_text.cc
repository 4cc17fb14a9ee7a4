#include "formats/value_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/temporal.h"

namespace tiangong::format_text {

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

}  // namespace

namespace {

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

}  // namespace

namespace {

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

namespace {

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

}  // namespace

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace {

// ISO_LOCAL_DATE's shape for four-digit years: "yyyy-MM-dd".
bool HasIsoDateShape(std::string_view text) {
  return text.size() >= 10 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) &&
         IsDigit(text[3]) && text[4] == '-' && IsDigit(text[5]) && IsDigit(text[6]) &&
         text[7] == '-' && IsDigit(text[8]) && IsDigit(text[9]);
}

}  // namespace

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

namespace {

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

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

}  // namespace tiangong::format_text
