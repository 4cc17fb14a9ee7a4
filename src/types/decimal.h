#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "types/value.h"

namespace tiangong {

/// Arithmetic on DECIMAL(p, s) values held as unscaled 128-bit integers.
/// Rounding is HALF_UP, as Flink's DecimalData (java.math.BigDecimal) does.

/// 10^exponent for exponent in [0, 38].
Int128 PowerOfTen(int exponent);

/// True when |unscaled| < 10^precision.
bool FitsPrecision(Int128 unscaled, int precision);

/// Changes the scale of `unscaled`, rounding HALF_UP when digits are dropped.
/// Returns nullopt when the result does not fit 38 digits.
std::optional<Int128> RescaleDecimal(Int128 unscaled, int from_scale, int to_scale);

/// Plain notation with exactly `scale` fractional digits: "90.800", "-0.5".
std::string DecimalToString(Int128 unscaled, int scale);

/// Parses "12.345", "-1e3", " 7 " into DECIMAL(precision, scale), rounding HALF_UP.
/// Fails on text that is not a number or that does not fit the precision.
Result<Int128> ParseDecimal(std::string_view text, int precision, int scale);

/// The nearest double.
double DecimalToDouble(Int128 unscaled, int scale);
/// `value` as DECIMAL(precision, scale) rounded HALF_UP; nullopt when it does not
/// fit or is not finite.
std::optional<Int128> DecimalFromDouble(double value, int precision, int scale);

/// Multiplies with overflow detection; nullopt when the product overflows 128 bits.
std::optional<Int128> MultiplyChecked(Int128 a, Int128 b);

/// (a / 10^a_scale) / (b / 10^b_scale) as an unscaled value of `result_scale`,
/// rounded HALF_UP. REQUIRES: b != 0. nullopt on overflow.
std::optional<Int128> DivideDecimal(Int128 a, int a_scale, Int128 b, int b_scale, int result_scale);

}  // namespace tiangong
