#include "types/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/configuration.h"
#include "common/strings.h"

namespace tiangong {
namespace {

constexpr int kMaxDigits = 38;

struct PowerTable {
  Int128 values[kMaxDigits + 1];
  constexpr PowerTable() : values() {
    values[0] = 1;
    for (int i = 1; i <= kMaxDigits; ++i) values[i] = values[i - 1] * 10;
  }
};
constexpr PowerTable kPowers;

Int128 Abs(Int128 value) { return value < 0 ? -value : value; }

// Divides with HALF_UP rounding. REQUIRES: divisor > 0.
Int128 DivideRoundHalfUp(Int128 dividend, Int128 divisor) {
  Int128 quotient = dividend / divisor;
  Int128 remainder = dividend % divisor;
  if (Abs(remainder) * 2 >= divisor) quotient += dividend < 0 ? -1 : 1;
  return quotient;
}

}  // namespace

Int128 PowerOfTen(int exponent) { return kPowers.values[exponent]; }

bool FitsPrecision(Int128 unscaled, int precision) {
  return Abs(unscaled) < kPowers.values[precision];
}

std::optional<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int to_scale) {
  if (to_scale == from_scale) return unscaled;
  if (to_scale < from_scale) {
    return DivideRoundHalfUp(unscaled, kPowers.values[from_scale - to_scale]);
  }
  int shift = to_scale - from_scale;
  if (shift > kMaxDigits) return unscaled == 0 ? std::optional<Int128>(0) : std::nullopt;
  return MultiplyChecked(unscaled, kPowers.values[shift]);
}

std::string DecimalToString(Int128 unscaled, int scale) {
  bool negative = unscaled < 0;
  // Digits of the magnitude, least significant first. |INT128_MIN| is not a valid
  // 38-digit decimal, so negation is safe.
  Int128 magnitude = Abs(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (static_cast<int>(digits.size()) <= scale) digits.push_back('0');
  std::string text;
  if (negative) text.push_back('-');
  for (size_t i = digits.size(); i-- > 0;) {
    text.push_back(digits[i]);
    if (scale > 0 && i == static_cast<size_t>(scale)) text.push_back('.');
  }
  return text;
}

Result<Int128> ParseDecimal(std::string_view text, int precision, int scale) {
  std::string_view input = TrimWhitespace(text);
  size_t position = 0;
  bool negative = false;
  if (position < input.size() && (input[position] == '-' || input[position] == '+')) {
    negative = input[position] == '-';
    ++position;
  }
  // Collect up to 38 significant digits and the decimal exponent they imply.
  Int128 digits = 0;
  int num_digits = 0;
  int exponent = 0;
  bool any_digit = false;
  bool seen_point = false;
  bool round_up = false;
  bool truncated = false;
  for (; position < input.size(); ++position) {
    char c = input[position];
    if (c == '.') {
      if (seen_point) return Status::DataError("'{}' is not a valid decimal number", text);
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    if (num_digits == 0 && c == '0') {
      if (seen_point) --exponent;
      continue;
    }
    if (num_digits < kMaxDigits) {
      digits = digits * 10 + (c - '0');
      ++num_digits;
      if (seen_point) --exponent;
    } else {
      // Digits beyond 38 only decide rounding.
      if (!truncated) round_up = c >= '5';
      truncated = true;
      if (!seen_point) ++exponent;
    }
  }
  if (!any_digit) return Status::DataError("'{}' is not a valid decimal number", text);
  if (position < input.size() && (input[position] == 'e' || input[position] == 'E')) {
    auto parsed = ParseInt(input.substr(position + 1));
    if (!parsed.ok() || std::abs(*parsed) > 1000) {
      return Status::DataError("'{}' is not a valid decimal number", text);
    }
    exponent += static_cast<int>(*parsed);
    position = input.size();
  }
  if (position != input.size()) {
    return Status::DataError("'{}' is not a valid decimal number", text);
  }
  if (round_up) digits += 1;
  // value = digits * 10^exponent; express it with `scale` fractional digits.
  Int128 unscaled;
  int shift = exponent + scale;
  if (shift >= 0) {
    if (digits != 0 && shift > kMaxDigits) {
      return Status::DataError("'{}' does not fit DECIMAL({}, {})", text, precision, scale);
    }
    auto scaled =
        digits == 0 ? std::optional<Int128>(0) : MultiplyChecked(digits, kPowers.values[shift]);
    if (!scaled)
      return Status::DataError("'{}' does not fit DECIMAL({}, {})", text, precision, scale);
    unscaled = *scaled;
  } else {
    unscaled = -shift > kMaxDigits ? 0 : DivideRoundHalfUp(digits, kPowers.values[-shift]);
  }
  if (!FitsPrecision(unscaled, precision)) {
    return Status::DataError("'{}' does not fit DECIMAL({}, {})", text, precision, scale);
  }
  return negative ? -unscaled : unscaled;
}

double DecimalToDouble(Int128 unscaled, int scale) {
  return static_cast<double>(unscaled) / static_cast<double>(kPowers.values[scale]);
}

std::optional<Int128> DecimalFromDouble(double value, int precision, int scale) {
  if (!std::isfinite(value)) return std::nullopt;
  // Go through the shortest text that round-trips, so that 0.1 becomes exactly 0.1
  // (as java.math.BigDecimal.valueOf(double) does).
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  auto parsed = ParseDecimal(std::string_view(buffer, end - buffer), precision, scale);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

std::optional<Int128> MultiplyChecked(Int128 a, Int128 b) {
  Int128 product;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<Int128> DivideDecimal(Int128 a, int a_scale, Int128 b, int b_scale,
                                    int result_scale) {
  // a / b scaled to result_scale = a * 10^(result_scale - a_scale + b_scale) / b.
  int shift = result_scale - a_scale + b_scale;
  Int128 numerator = a;
  Int128 denominator = b;
  if (shift >= 0) {
    while (shift > 0) {
      int step = shift > kMaxDigits ? kMaxDigits : shift;
      auto scaled = MultiplyChecked(numerator, kPowers.values[step]);
      if (!scaled) return std::nullopt;
      numerator = *scaled;
      shift -= step;
    }
  } else {
    auto scaled = MultiplyChecked(denominator, kPowers.values[-shift]);
    if (!scaled) return std::nullopt;
    denominator = *scaled;
  }
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  return DivideRoundHalfUp(numerator, denominator);
}

}  // namespace tiangong
