#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tiangong {

/// Calendar arithmetic and text forms for DATE (days since 1970-01-01), TIME
/// (milliseconds of the day) and TIMESTAMP (microseconds since 1970-01-01 00:00),
/// in the proleptic Gregorian calendar, as Java's java.time does.

inline constexpr int64_t kMicrosPerMilli = 1000;
inline constexpr int64_t kMicrosPerSecond = 1000 * 1000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
inline constexpr int64_t kMillisPerDay = 24 * 3600 * 1000;

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

struct CivilDateTime {
  CivilDate date;
  int hour;
  int minute;
  int second;
  int64_t micros;  // 0..999999
};

int64_t DaysFromCivil(int64_t year, int month, int day);
CivilDate CivilFromDays(int64_t days);
int DaysInMonth(int64_t year, int month);
/// 1 = Monday ... 7 = Sunday (ISO).
int IsoDayOfWeek(int64_t days);

/// Floor division and modulo for negative timestamps.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

CivilDateTime CivilFromMicros(int64_t micros);
int64_t MicrosFromCivil(const CivilDateTime& civil);

/// SQL text forms, as Flink's CAST(... AS STRING): "2020-04-15",
/// "08:05:00" (fraction shown to `precision` digits), "2020-04-15 08:05:00.000".
std::string FormatDate(int32_t days);
std::string FormatTime(int32_t millis, int precision);
std::string FormatTimestamp(int64_t micros, int precision);

/// java.time text forms, as Flink's print connector shows values:
/// LocalDateTime "2020-04-15T08:05" (seconds and fraction only when non-zero),
/// LocalTime "08:05:30.250", Instant "2020-04-15T08:05:00Z".
std::string FormatLocalDateTime(int64_t micros);
std::string FormatLocalTime(int32_t millis);
std::string FormatInstant(int64_t micros);

/// "2020-04-15" (month and day may have one digit).
Result<int32_t> ParseDate(std::string_view text);
/// "08:05", "08:05:30", "08:05:30.123".
Result<int32_t> ParseTime(std::string_view text);
/// "2020-04-15", "2020-04-15 08:05:30.123456", with ' ' or 'T' between date and
/// time; up to 9 fractional digits (digits beyond microseconds are dropped).
Result<int64_t> ParseTimestamp(std::string_view text);

}  // namespace tiangong
