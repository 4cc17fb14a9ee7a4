#include "types/temporal.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong {

// Days from civil and back: Howard Hinnant's public-domain algorithms
// ("chrono-Compatible Low-Level Date Algorithms").
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  return CivilDate{year_of_era + era * 400 + (month <= 2), month, day};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

int IsoDayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(FloorMod(days + 3, 7)) + 1;
}

CivilDateTime CivilFromMicros(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t of_day = micros - days * kMicrosPerDay;
  CivilDateTime civil;
  civil.date = CivilFromDays(days);
  civil.hour = static_cast<int>(of_day / kMicrosPerHour);
  civil.minute = static_cast<int>(of_day / kMicrosPerMinute % 60);
  civil.second = static_cast<int>(of_day / kMicrosPerSecond % 60);
  civil.micros = of_day % kMicrosPerSecond;
  return civil;
}

int64_t MicrosFromCivil(const CivilDateTime& civil) {
  int64_t days = DaysFromCivil(civil.date.year, civil.date.month, civil.date.day);
  return days * kMicrosPerDay + civil.hour * kMicrosPerHour + civil.minute * kMicrosPerMinute +
         civil.second * kMicrosPerSecond + civil.micros;
}

namespace {

std::string FormatYear(int64_t year) {
  if (year >= 0 && year <= 9999) return fmt::format("{:04d}", year);
  if (year < 0) return fmt::format("-{:04d}", -year);
  return fmt::format("+{}", year);
}

std::string FormatCivilDate(const CivilDate& date) {
  return fmt::format("{}-{:02d}-{:02d}", FormatYear(date.year), date.month, date.day);
}

// Appends `digits` fractional digits of `micros` (0..999999), padding beyond 6.
void AppendFraction(std::string* text, int64_t micros, int digits) {
  if (digits <= 0) return;
  std::string six = fmt::format("{:06d}", micros);
  text->push_back('.');
  if (digits <= 6) {
    text->append(six, 0, digits);
  } else {
    text->append(six);
    text->append(digits - 6, '0');
  }
}

// java.time's fraction: omitted when zero, else 3, 6 (or 9) digits.
void AppendJavaFraction(std::string* text, int64_t micros) {
  if (micros == 0) return;
  if (micros % 1000 == 0) {
    text->append(fmt::format(".{:03d}", micros / 1000));
  } else {
    text->append(fmt::format(".{:06d}", micros));
  }
}

}  // namespace

std::string FormatDate(int32_t days) { return FormatCivilDate(CivilFromDays(days)); }

std::string FormatTime(int32_t millis, int precision) {
  std::string text = fmt::format("{:02d}:{:02d}:{:02d}", millis / 3600000, millis / 60000 % 60,
                                 millis / 1000 % 60);
  AppendFraction(&text, static_cast<int64_t>(millis % 1000) * 1000, precision);
  return text;
}

std::string FormatTimestamp(int64_t micros, int precision) {
  CivilDateTime civil = CivilFromMicros(micros);
  std::string text = fmt::format("{} {:02d}:{:02d}:{:02d}", FormatCivilDate(civil.date), civil.hour,
                                 civil.minute, civil.second);
  AppendFraction(&text, civil.micros, precision);
  return text;
}

std::string FormatLocalDateTime(int64_t micros) {
  CivilDateTime civil = CivilFromMicros(micros);
  std::string text =
      fmt::format("{}T{:02d}:{:02d}", FormatCivilDate(civil.date), civil.hour, civil.minute);
  if (civil.second != 0 || civil.micros != 0) {
    text.append(fmt::format(":{:02d}", civil.second));
    AppendJavaFraction(&text, civil.micros);
  }
  return text;
}

std::string FormatLocalTime(int32_t millis) {
  std::string text = fmt::format("{:02d}:{:02d}", millis / 3600000, millis / 60000 % 60);
  int seconds = millis / 1000 % 60;
  int fraction = millis % 1000;
  if (seconds != 0 || fraction != 0) {
    text.append(fmt::format(":{:02d}", seconds));
    AppendJavaFraction(&text, static_cast<int64_t>(fraction) * 1000);
  }
  return text;
}

std::string FormatInstant(int64_t micros) {
  CivilDateTime civil = CivilFromMicros(micros);
  std::string text = fmt::format("{}T{:02d}:{:02d}:{:02d}", FormatCivilDate(civil.date), civil.hour,
                                 civil.minute, civil.second);
  AppendJavaFraction(&text, civil.micros);
  text.push_back('Z');
  return text;
}

namespace {

// Reads 1..max_digits digits at `*position`.
bool ReadNumber(std::string_view text, size_t* position, int max_digits, int64_t* value) {
  int digits = 0;
  *value = 0;
  while (*position < text.size() && digits < max_digits && text[*position] >= '0' &&
         text[*position] <= '9') {
    *value = *value * 10 + (text[*position] - '0');
    ++*position;
    ++digits;
  }
  return digits > 0;
}

bool ParseDatePart(std::string_view text, size_t* position, CivilDate* date) {
  int64_t year = 0;
  int64_t month = 0;
  int64_t day = 0;
  bool negative = *position < text.size() && text[*position] == '-';
  if (negative) ++*position;
  if (!ReadNumber(text, position, 9, &year)) return false;
  if (*position >= text.size() || text[*position] != '-') return false;
  ++*position;
  if (!ReadNumber(text, position, 2, &month)) return false;
  if (*position >= text.size() || text[*position] != '-') return false;
  ++*position;
  if (!ReadNumber(text, position, 2, &day)) return false;
  if (negative) year = -year;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return false;
  }
  *date = CivilDate{year, static_cast<int>(month), static_cast<int>(day)};
  return true;
}

// "HH:mm[:ss[.fffffffff]]" into microseconds of the day.
bool ParseTimePart(std::string_view text, size_t* position, int64_t* micros_of_day) {
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t fraction = 0;
  if (!ReadNumber(text, position, 2, &hour)) return false;
  if (*position >= text.size() || text[*position] != ':') return false;
  ++*position;
  if (!ReadNumber(text, position, 2, &minute)) return false;
  if (*position < text.size() && text[*position] == ':') {
    ++*position;
    if (!ReadNumber(text, position, 2, &second)) return false;
    if (*position < text.size() && text[*position] == '.') {
      ++*position;
      int digits = 0;
      while (*position < text.size() && text[*position] >= '0' && text[*position] <= '9') {
        if (digits < 6) fraction = fraction * 10 + (text[*position] - '0');
        ++digits;
        ++*position;
      }
      if (digits == 0 || digits > 9) return false;
      for (int i = digits; i < 6; ++i) fraction *= 10;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  *micros_of_day =
      hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + fraction;
  return true;
}

}  // namespace

Result<int32_t> ParseDate(std::string_view text) {
  std::string_view input = TrimWhitespace(text);
  size_t position = 0;
  CivilDate date;
  if (!ParseDatePart(input, &position, &date) || position != input.size()) {
    return Status::DataError("'{}' is not a valid DATE (expected yyyy-MM-dd)", text);
  }
  return static_cast<int32_t>(DaysFromCivil(date.year, date.month, date.day));
}

Result<int32_t> ParseTime(std::string_view text) {
  std::string_view input = TrimWhitespace(text);
  size_t position = 0;
  int64_t micros = 0;
  if (!ParseTimePart(input, &position, &micros) || position != input.size()) {
    return Status::DataError("'{}' is not a valid TIME (expected HH:mm:ss)", text);
  }
  return static_cast<int32_t>(micros / kMicrosPerMilli);
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view input = TrimWhitespace(text);
  size_t position = 0;
  CivilDate date;
  int64_t micros_of_day = 0;
  bool ok = ParseDatePart(input, &position, &date);
  if (ok && position < input.size()) {
    ok = (input[position] == ' ' || input[position] == 'T');
    ++position;
    ok = ok && ParseTimePart(input, &position, &micros_of_day);
  }
  if (!ok || position != input.size()) {
    return Status::DataError(
        "'{}' is not a valid TIMESTAMP (expected yyyy-MM-dd HH:mm:ss[.fraction])", text);
  }
  return DaysFromCivil(date.year, date.month, date.day) * kMicrosPerDay + micros_of_day;
}

}  // namespace tiangong
