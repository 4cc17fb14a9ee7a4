// Date and time functions with Flink's semantics: formatting and parsing with
// Java date-time patterns (DATE_FORMAT, TO_TIMESTAMP, TO_DATE, FROM_UNIXTIME,
// UNIX_TIMESTAMP, CONVERT_TZ), TO_TIMESTAMP_LTZ, the clock functions
// (CURRENT_TIMESTAMP, NOW, LOCALTIMESTAMP, CURRENT_DATE, CURRENT_TIME,
// LOCALTIME, CURRENT_ROW_TIMESTAMP), EXTRACT and its shorthands (YEAR ...
// SECOND), TIMESTAMPADD, TIMESTAMPDIFF and the temporal forms of FLOOR and CEIL.
//
// Values: DATE is days since 1970-01-01, TIME milliseconds of the day, TIMESTAMP
// local microseconds and TIMESTAMP_LTZ UTC microseconds. TIMESTAMP_LTZ values
// are seen in the session time zone (`table.local-time-zone`) wherever a
// calendar field matters, as in Flink.
//
// Flink formats and parses with two Java classes whose pattern letters mostly
// agree: java.time's DateTimeFormatter (DATE_FORMAT of timestamps, TO_TIMESTAMP)
// and java.text's SimpleDateFormat (everything else that takes a pattern). The
// differences users meet are kept: 'S' is a fraction of the second for the
// former and a number of milliseconds for the latter; the former needs every
// character of the input to match, the latter ignores text after the pattern.

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/strings.h"
#include "functions/function_registry.h"
#include "functions/vector_loops.h"
#include "types/decimal.h"
#include "types/temporal.h"
#include "types/time_zone.h"

namespace tiangong {
namespace {

inline constexpr int64_t kMillisPerSecond = 1000;
inline constexpr int64_t kSecondsPerDay = 86400;
// Years whose microseconds fit int64_t with room for arithmetic.
inline constexpr int64_t kMaxYear = 200000;

// Argument checks --------------------------------------------------------------

bool AnyNullable(std::span<const ArgumentInfo> args) {
  for (const ArgumentInfo& arg : args) {
    if (arg.type.nullable()) return true;
  }
  return false;
}

bool IsStringOrNull(const DataType& type) {
  return type.is_character_string() || type.id() == TypeId::kNull;
}

bool IsIntegerOrNull(const DataType& type) {
  return type.is_integer() || type.id() == TypeId::kNull;
}

// DATE, TIMESTAMP or TIMESTAMP_LTZ.
bool IsDateOrTimestamp(const DataType& type) {
  return type.id() == TypeId::kDate || type.is_timestamp();
}

// The text of a constant, non-NULL string argument.
std::optional<std::string_view> ConstantText(const ArgumentInfo& arg) {
  if (arg.constant == nullptr || arg.constant->is_null() || !arg.type.is_character_string()) {
    return std::nullopt;
  }
  return std::string_view(arg.constant->AsString());
}

// A kernel whose every row is NULL, for calls with an untyped NULL argument.
ScalarKernelPtr NullKernel() {
  return MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr>) -> Result<VectorPtr> {
        return VectorPtr(Vector::MakeNullConstant(context.result_type, context.num_rows));
      });
}

// A kernel with per-evaluator state: `make_state()` creates it, `evaluate` gets it
// through KernelContext::state.
template <typename MakeStateFunction, typename EvaluateFunction>
class StatefulKernel final : public ScalarKernel {
 public:
  StatefulKernel(MakeStateFunction make_state, EvaluateFunction evaluate)
      : make_state_(std::move(make_state)), evaluate_(std::move(evaluate)) {}
  std::unique_ptr<KernelState> MakeState() const override { return make_state_(); }
  Result<VectorPtr> Evaluate(const KernelContext& context,
                             std::span<const VectorPtr> args) const override {
    return evaluate_(context, args);
  }

 private:
  MakeStateFunction make_state_;
  EvaluateFunction evaluate_;
};

template <typename MakeStateFunction, typename EvaluateFunction>
ScalarKernelPtr MakeStatefulKernel(MakeStateFunction make_state, EvaluateFunction evaluate) {
  return std::make_shared<StatefulKernel<MakeStateFunction, EvaluateFunction>>(
      std::move(make_state), std::move(evaluate));
}

// Fills a fixed-width output from `op(row, &value)`, which runs for rows where no
// input is NULL and returns false to make the row NULL (or an error).
template <typename Out, typename Op>
Result<VectorPtr> NullableLoop(std::initializer_list<const Vector*> inputs, const DataType& type,
                               size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(type, num_rows);
  PropagateNulls(inputs, num_rows, out.get());
  Out* values = out->mutable_values<Out>();
  for (size_t i = 0; i < num_rows; ++i) {
    values[i] = Out{};
    if (out->IsNull(i)) continue;
    ASSIGN_OR_RAISE(bool valid, op(i, &values[i]));
    if (!valid) out->SetNull(i, true);
  }
  return VectorPtr(out);
}

// Time units -------------------------------------------------------------------

enum class TimeUnit : uint8_t {
  kMillennium,
  kCentury,
  kDecade,
  kYear,
  kIsoYear,
  kQuarter,
  kMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kNanosecond,    // EXTRACT only
  kDayOfWeek,     // DOW: Sunday = 1 ... Saturday = 7
  kIsoDayOfWeek,  // ISODOW: Monday = 1 ... Sunday = 7
  kDayOfYear,     // DOY
  kEpoch,
};

struct NamedTimeUnit {
  std::string_view name;
  TimeUnit unit;
};

inline constexpr NamedTimeUnit kTimeUnitNames[] = {
    {"MILLENNIUM", TimeUnit::kMillennium},
    {"CENTURY", TimeUnit::kCentury},
    {"DECADE", TimeUnit::kDecade},
    {"YEAR", TimeUnit::kYear},
    {"ISOYEAR", TimeUnit::kIsoYear},
    {"QUARTER", TimeUnit::kQuarter},
    {"MONTH", TimeUnit::kMonth},
    {"WEEK", TimeUnit::kWeek},
    {"DAY", TimeUnit::kDay},
    {"HOUR", TimeUnit::kHour},
    {"MINUTE", TimeUnit::kMinute},
    {"SECOND", TimeUnit::kSecond},
    {"MILLISECOND", TimeUnit::kMillisecond},
    {"MICROSECOND", TimeUnit::kMicrosecond},
    {"NANOSECOND", TimeUnit::kNanosecond},
    {"DOW", TimeUnit::kDayOfWeek},
    {"ISODOW", TimeUnit::kIsoDayOfWeek},
    {"DOY", TimeUnit::kDayOfYear},
    {"EPOCH", TimeUnit::kEpoch},
};

std::string_view NameOf(TimeUnit unit) {
  for (const NamedTimeUnit& named : kTimeUnitNames) {
    if (named.unit == unit) return named.name;
  }
  return "?";
}

bool IsFixedLengthUnit(TimeUnit unit) {
  return unit >= TimeUnit::kWeek && unit <= TimeUnit::kMicrosecond;
}

// Microseconds in one WEEK ... MICROSECOND.
int64_t MicrosPerUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kWeek:
      return 7 * kMicrosPerDay;
    case TimeUnit::kDay:
      return kMicrosPerDay;
    case TimeUnit::kHour:
      return kMicrosPerHour;
    case TimeUnit::kMinute:
      return kMicrosPerMinute;
    case TimeUnit::kSecond:
      return kMicrosPerSecond;
    case TimeUnit::kMillisecond:
      return kMicrosPerMilli;
    default:
      return 1;
  }
}

// Months in one YEAR, QUARTER, MONTH, DECADE, CENTURY or MILLENNIUM.
int64_t MonthsPerUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillennium:
      return 12000;
    case TimeUnit::kCentury:
      return 1200;
    case TimeUnit::kDecade:
      return 120;
    case TimeUnit::kYear:
      return 12;
    case TimeUnit::kQuarter:
      return 3;
    default:
      return 1;
  }
}

// The unit that the constant STRING first argument of EXTRACT, FLOOR, CEIL,
// TIMESTAMPADD and TIMESTAMPDIFF names; `sql_tsi` also accepts the JDBC names
// (SQL_TSI_DAY) that TIMESTAMPADD and TIMESTAMPDIFF allow.
Result<TimeUnit> BindTimeUnit(std::string_view function, const ArgumentInfo& arg, bool sql_tsi) {
  std::optional<std::string_view> text = ConstantText(arg);
  if (!text) {
    return Status::Validation("{}: the time unit must be a constant string such as 'DAY'",
                              function);
  }
  std::string name = ToUpper(TrimWhitespace(*text));
  if (sql_tsi && name.starts_with("SQL_TSI_")) name.erase(0, 8);
  for (const NamedTimeUnit& named : kTimeUnitNames) {
    if (named.name == name) return named.unit;
  }
  return Status::Validation("{}: unknown time unit '{}'", function, *text);
}

// Calendar -----------------------------------------------------------------------

// Sunday = 0 ... Saturday = 6.
int DayOfWeekFromSunday(int64_t days) { return IsoDayOfWeek(days) % 7; }

int DayOfYear(const CivilDate& date) {
  return static_cast<int>(DaysFromCivil(date.year, date.month, date.day) -
                          DaysFromCivil(date.year, 1, 1) + 1);
}

// ISO 8601 week number (weeks start on Monday; week 1 holds the year's first
// Thursday) and the year that week belongs to.
void IsoWeek(int64_t days, int64_t* week_year, int* week) {
  int64_t thursday = days - (IsoDayOfWeek(days) - 1) + 3;
  *week_year = CivilFromDays(thursday).year;
  *week = static_cast<int>((thursday - DaysFromCivil(*week_year, 1, 1)) / 7 + 1);
}

// Week of the year by java.util's US rules, which SimpleDateFormat and
// DateTimeFormatter use in the default locale: weeks start on Sunday and week 1
// holds January 1.
void UsWeek(int64_t days, int64_t* week_year, int* week) {
  int64_t sunday = days - DayOfWeekFromSunday(days);
  *week_year = CivilFromDays(sunday + 6).year;
  int64_t january_first = DaysFromCivil(*week_year, 1, 1);
  int64_t first_sunday = january_first - DayOfWeekFromSunday(january_first);
  *week = static_cast<int>((sunday - first_sunday) / 7 + 1);
}

// Adds months to a date, clamping the day to the end of the month (Jan 31 + 1
// month = Feb 28 or 29), as Flink does. Counts beyond kMaxYear years saturate.
int64_t AddMonthsToDays(int64_t days, int64_t months) {
  months = std::clamp(months, -kMaxYear * 12, kMaxYear * 12);
  CivilDate date = CivilFromDays(days);
  int64_t month_index = date.year * 12 + (date.month - 1) + months;
  int64_t year = FloorDiv(month_index, 12);
  int month = static_cast<int>(FloorMod(month_index, 12)) + 1;
  return DaysFromCivil(year, month, std::min(date.day, DaysInMonth(year, month)));
}

int64_t AddMonthsToMicros(int64_t micros, int64_t months) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  return AddMonthsToDays(days, months) * kMicrosPerDay + (micros - days * kMicrosPerDay);
}

// Whole months from `from` to `to`, negative when `to` is earlier: a month
// counts once its day and time of day are reached (Jan 31 to Feb 29 is one month
// in a leap year, Jan 31 10:00 to Feb 29 09:00 is none), as Flink's
// TIMESTAMPDIFF counts.
int64_t MonthsBetween(int64_t from, int64_t to) {
  if (to < from) return -MonthsBetween(to, from);
  CivilDate start = CivilFromDays(FloorDiv(from, kMicrosPerDay));
  CivilDate end = CivilFromDays(FloorDiv(to, kMicrosPerDay));
  int64_t months = (end.year - start.year) * 12 + (end.month - start.month);
  if (months > 0 && AddMonthsToMicros(from, months) > to) --months;
  return months;
}

// The start of the `unit` period that holds `micros`. Weeks start on Sunday,
// decades in years divisible by 10, centuries and millennia in years 1 after
// (1901, 2001), as in Flink. REQUIRES: a unit from MILLENNIUM to MICROSECOND
// other than ISOYEAR.
int64_t FloorMicros(int64_t micros, TimeUnit unit) {
  if (IsFixedLengthUnit(unit) && unit != TimeUnit::kWeek) {
    int64_t length = MicrosPerUnit(unit);
    return FloorDiv(micros, length) * length;
  }
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  if (unit == TimeUnit::kWeek) return (days - DayOfWeekFromSunday(days)) * kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  int64_t year = date.year;
  int month = 1;
  switch (unit) {
    case TimeUnit::kMillennium:
      year = FloorDiv(year - 1, 1000) * 1000 + 1;
      break;
    case TimeUnit::kCentury:
      year = FloorDiv(year - 1, 100) * 100 + 1;
      break;
    case TimeUnit::kDecade:
      year = FloorDiv(year, 10) * 10;
      break;
    case TimeUnit::kQuarter:
      month = (date.month - 1) / 3 * 3 + 1;
      break;
    case TimeUnit::kMonth:
      month = date.month;
      break;
    default:
      break;
  }
  return DaysFromCivil(year, month, 1) * kMicrosPerDay;
}

// The start of the next `unit` period unless `micros` starts one.
int64_t CeilMicros(int64_t micros, TimeUnit unit) {
  int64_t floor = FloorMicros(micros, unit);
  if (floor == micros) return micros;
  if (IsFixedLengthUnit(unit)) return floor + MicrosPerUnit(unit);
  return AddMonthsToMicros(floor, MonthsPerUnit(unit));
}

// Date-time patterns -------------------------------------------------------------

enum class PatternDialect : uint8_t {
  kSimpleDateFormat,   // java.text.SimpleDateFormat
  kDateTimeFormatter,  // java.time.format.DateTimeFormatter
};

inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
inline constexpr std::array<std::string_view, 7> kDayNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// One local date-time broken into fields, with the offset of its time zone.
struct DateTimeFields {
  CivilDateTime civil;
  int64_t days = 0;  // since 1970-01-01
  int offset_seconds = 0;
};

DateTimeFields FieldsOf(int64_t local_micros, int offset_seconds) {
  return DateTimeFields{CivilFromMicros(local_micros), FloorDiv(local_micros, kMicrosPerDay),
                        offset_seconds};
}

// What parsing a text with a pattern found.
struct ParsedDateTime {
  int64_t local_micros = 0;
  bool has_offset = false;  // the text held a zone offset (letters Z, X, x)
  int offset_seconds = 0;

  /// The instant, in `zone` unless the text named an offset.
  int64_t ToUtc(const TimeZone& zone) const {
    return has_offset ? local_micros - offset_seconds * kMicrosPerSecond : zone.ToUtc(local_micros);
  }
};

// Writes |value| in decimal, zero-padded to `width`, with a '-' when negative.
size_t WriteNumber(int64_t value, int width, char* out) {
  char digits[24];
  int size = 0;
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : value;
  do {
    digits[size++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  size_t written = 0;
  if (value < 0) out[written++] = '-';
  for (int i = size; i < width; ++i) out[written++] = '0';
  while (size > 0) out[written++] = digits[--size];
  return written;
}

size_t WriteText(std::string_view text, char* out) {
  std::copy(text.begin(), text.end(), out);
  return text.size();
}

// A compiled Java date-time pattern ("yyyy-MM-dd'T'HH:mm:ss.SSS") that formats
// and parses local date-times. Supported letters: G y u Y M L w W D d F E a H k
// K h m s S Z X x, quoted literals ('T', '' for a quote); English names.
// Thread-safety: immutable after Compile().
class DateTimePattern {
 public:
  static Result<DateTimePattern> Compile(std::string_view pattern, PatternDialect dialect);

  /// The longest text Format() can write.
  size_t max_size() const { return max_size_; }
  /// True when the pattern prints or reads a zone offset.
  bool has_zone_letters() const { return has_zone_letters_; }

  /// Writes `fields` at `out`, which has room for max_size() bytes; returns the size.
  size_t Format(const DateTimeFields& fields, char* out) const;

  /// Reads `text`. Fields the pattern lacks default to 1970-01-01 00:00:00.
  /// Returns false when the text does not match or names an invalid date.
  bool Parse(std::string_view text, ParsedDateTime* result) const;

 private:
  struct Element {
    char letter = 0;  // 0 for literal text
    int count = 0;    // how many times the letter repeats
    uint32_t literal_offset = 0;
    uint32_t literal_size = 0;
    // Parsing numbers: a fixed width of `count` digits, or else between
    // `min_digits` and what is left after `reserved_digits` for the numeric
    // fields that follow without a separator ("yyyyMMdd").
    bool fixed_width = false;
    int min_digits = 1;
    int reserved_digits = 0;
  };

  DateTimePattern() = default;
  bool IsNumeric(const Element& element) const;
  size_t FormatElement(const Element& element, const DateTimeFields& fields, char* out) const;

  PatternDialect dialect_ = PatternDialect::kSimpleDateFormat;
  std::vector<Element> elements_;
  std::string literals_;
  size_t max_size_ = 0;
  bool has_zone_letters_ = false;
  // SimpleDateFormat reads two-digit years into the century around now.
  int64_t two_digit_year_start_ = 2000;
};

bool DateTimePattern::IsNumeric(const Element& element) const {
  switch (element.letter) {
    case 'M':
    case 'L':
      return element.count <= 2;
    case 'y':
    case 'u':
    case 'Y':
    case 'w':
    case 'W':
    case 'D':
    case 'd':
    case 'F':
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'm':
    case 's':
    case 'S':
      return true;
    default:
      return false;
  }
}

Result<DateTimePattern> DateTimePattern::Compile(std::string_view pattern, PatternDialect dialect) {
  DateTimePattern compiled;
  compiled.dialect_ = dialect;
  bool date_time_formatter = dialect == PatternDialect::kDateTimeFormatter;
  auto add_literal = [&compiled](std::string_view text) {
    if (text.empty()) return;
    std::vector<Element>& elements = compiled.elements_;
    if (elements.empty() || elements.back().letter != 0) {
      Element element;
      element.literal_offset = static_cast<uint32_t>(compiled.literals_.size());
      elements.push_back(element);
    }
    compiled.literals_.append(text);
    elements.back().literal_size += static_cast<uint32_t>(text.size());
  };
  auto invalid = [pattern](std::string_view reason) {
    return Status::Validation("Invalid date-time pattern '{}': {}", pattern, reason);
  };
  for (size_t i = 0; i < pattern.size();) {
    char character = pattern[i];
    if (character == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      size_t position = i + 1;
      bool closed = false;
      while (position < pattern.size()) {
        if (pattern[position] == '\'') {
          if (position + 1 < pattern.size() && pattern[position + 1] == '\'') {
            add_literal("'");
            position += 2;
            continue;
          }
          closed = true;
          break;
        }
        add_literal(pattern.substr(position, 1));
        ++position;
      }
      if (!closed) return invalid("a quoted literal is not closed");
      i = position + 1;
      continue;
    }
    bool is_letter =
        (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
    if (!is_letter) {
      if (date_time_formatter && (character == '[' || character == ']' || character == '{' ||
                                  character == '}' || character == '#')) {
        return invalid(
            fmt::format("'{}' is reserved (optional sections are not supported)", character));
      }
      add_literal(pattern.substr(i, 1));
      ++i;
      continue;
    }
    int count = 0;
    while (i < pattern.size() && pattern[i] == character) {
      ++count;
      ++i;
    }
    bool supported =
        std::string_view("GyYMLwWDdEaHkKhmsSZX").find(character) != std::string_view::npos ||
        character == 'u' || (character == 'F' && !date_time_formatter) ||
        (character == 'x' && date_time_formatter);
    if (!supported)
      return invalid(fmt::format("the pattern letter '{}' is not supported", character));
    if ((character == 'X' || character == 'x') && count > 3) {
      return invalid(fmt::format("'{}' may repeat at most 3 times", character));
    }
    if (character == 'S' && date_time_formatter && count > 9) {
      return invalid("'S' may repeat at most 9 times");
    }
    Element element;
    element.letter = character;
    element.count = count;
    compiled.elements_.push_back(element);
    if (character == 'Z' || character == 'X' || character == 'x') compiled.has_zone_letters_ = true;
  }

  // Parsing widths, and the longest text Format() writes.
  std::vector<Element>& elements = compiled.elements_;
  for (size_t i = 0; i < elements.size(); ++i) {
    Element& element = elements[i];
    char letter = element.letter;
    if (letter == 0) {
      compiled.max_size_ += element.literal_size;
      continue;
    }
    if (letter == 'M' || letter == 'L' || letter == 'E') {
      compiled.max_size_ += std::max<size_t>(element.count, 9);
    } else if (letter == 'Z' || letter == 'X' || letter == 'x') {
      compiled.max_size_ += 9;  // "GMT+08:00"
    } else {
      compiled.max_size_ += std::max<size_t>(element.count, 20);
    }
    if (!compiled.IsNumeric(element)) continue;
    bool next_is_numeric = i + 1 < elements.size() && compiled.IsNumeric(elements[i + 1]);
    bool year = letter == 'y' || letter == 'u' || letter == 'Y';
    if (date_time_formatter) {
      element.fixed_width = letter == 'S' || (year ? element.count == 2 : element.count >= 2);
      if (year && element.count > 2) element.min_digits = element.count;
    } else {
      element.fixed_width = next_is_numeric;
    }
  }
  for (size_t i = elements.size(); i-- > 0;) {
    if (!compiled.IsNumeric(elements[i]) || elements[i].fixed_width) continue;
    int reserved = 0;
    for (size_t next = i + 1; next < elements.size() && compiled.IsNumeric(elements[next]);
         ++next) {
      reserved += elements[next].fixed_width ? elements[next].count : elements[next].min_digits;
    }
    elements[i].reserved_digits = reserved;
  }
  if (!date_time_formatter) {
    int64_t this_year = CivilFromDays(std::chrono::duration_cast<std::chrono::days>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count())
                            .year;
    compiled.two_digit_year_start_ = this_year - 80;
  }
  return compiled;
}

size_t WriteOffset(int offset_seconds, char letter, int count, PatternDialect dialect, char* out) {
  int minutes_total = offset_seconds / 60;
  int hours = std::abs(minutes_total) / 60;
  int minutes = std::abs(minutes_total) % 60;
  char sign = minutes_total < 0 ? '-' : '+';
  size_t size = 0;
  bool date_time_formatter = dialect == PatternDialect::kDateTimeFormatter;
  bool colon = false;
  bool with_minutes = true;
  if (letter == 'Z') {
    if (date_time_formatter && count == 4) {
      size += WriteText("GMT", out);
      if (minutes_total == 0) return size;
      colon = true;
    } else if (date_time_formatter && count == 5) {
      if (minutes_total == 0) return WriteText("Z", out);
      colon = true;
    }
  } else {
    if (minutes_total == 0 && letter == 'X') return WriteText("Z", out);
    colon = count == 3;
    with_minutes = count >= 2 || (date_time_formatter && minutes != 0);
  }
  out[size++] = sign;
  size += WriteNumber(hours, 2, out + size);
  if (with_minutes) {
    if (colon) out[size++] = ':';
    size += WriteNumber(minutes, 2, out + size);
  }
  return size;
}

size_t DateTimePattern::FormatElement(const Element& element, const DateTimeFields& fields,
                                      char* out) const {
  const CivilDateTime& civil = fields.civil;
  int count = element.count;
  bool date_time_formatter = dialect_ == PatternDialect::kDateTimeFormatter;
  int64_t year_of_era = civil.date.year > 0 ? civil.date.year : 1 - civil.date.year;
  switch (element.letter) {
    case 'G':
      return WriteText(civil.date.year > 0 ? "AD" : "BC", out);
    case 'y':
      return count == 2 ? WriteNumber(FloorMod(year_of_era, 100), 2, out)
                        : WriteNumber(year_of_era, count, out);
    case 'u':
      if (!date_time_formatter) return WriteNumber(IsoDayOfWeek(fields.days), count, out);
      return count == 2 ? WriteNumber(FloorMod(civil.date.year, 100), 2, out)
                        : WriteNumber(civil.date.year, count, out);
    case 'Y':
    case 'w': {
      int64_t week_year = 0;
      int week = 0;
      UsWeek(fields.days, &week_year, &week);
      if (element.letter == 'w') return WriteNumber(week, count, out);
      return count == 2 ? WriteNumber(FloorMod(week_year, 100), 2, out)
                        : WriteNumber(week_year, count, out);
    }
    case 'W': {
      int64_t first_of_month = fields.days - (civil.date.day - 1);
      return WriteNumber((civil.date.day - 1 + DayOfWeekFromSunday(first_of_month)) / 7 + 1, count,
                         out);
    }
    case 'M':
    case 'L':
      if (count <= 2) return WriteNumber(civil.date.month, count, out);
      return WriteText(count == 3 ? kMonthNames[civil.date.month - 1].substr(0, 3)
                                  : kMonthNames[civil.date.month - 1],
                       out);
    case 'D':
      return WriteNumber(DayOfYear(civil.date), count, out);
    case 'd':
      return WriteNumber(civil.date.day, count, out);
    case 'F':
      return WriteNumber((civil.date.day - 1) / 7 + 1, count, out);
    case 'E': {
      std::string_view name = kDayNames[IsoDayOfWeek(fields.days) - 1];
      return WriteText(count <= 3 ? name.substr(0, 3) : name, out);
    }
    case 'a':
      return WriteText(civil.hour < 12 ? "AM" : "PM", out);
    case 'H':
      return WriteNumber(civil.hour, count, out);
    case 'k':
      return WriteNumber(civil.hour == 0 ? 24 : civil.hour, count, out);
    case 'K':
      return WriteNumber(civil.hour % 12, count, out);
    case 'h':
      return WriteNumber(civil.hour % 12 == 0 ? 12 : civil.hour % 12, count, out);
    case 'm':
      return WriteNumber(civil.minute, count, out);
    case 's':
      return WriteNumber(civil.second, count, out);
    case 'S': {
      if (!date_time_formatter) return WriteNumber(civil.micros / kMicrosPerMilli, count, out);
      // The first `count` digits of the nanoseconds.
      char nanos[9];
      WriteNumber(civil.micros * 1000, 9, nanos);
      return WriteText(std::string_view(nanos, count), out);
    }
    case 'Z':
    case 'X':
    case 'x':
      return WriteOffset(fields.offset_seconds, element.letter, count, dialect_, out);
    default:
      return 0;
  }
}

size_t DateTimePattern::Format(const DateTimeFields& fields, char* out) const {
  size_t size = 0;
  for (const Element& element : elements_) {
    if (element.letter == 0) {
      size += WriteText(
          std::string_view(literals_).substr(element.literal_offset, element.literal_size),
          out + size);
    } else {
      size += FormatElement(element, fields, out + size);
    }
  }
  return size;
}

// Case-insensitive match of `name` (or its first three letters when `short_form`
// is allowed) at the start of `text`; returns the matched length or 0.
size_t MatchName(std::string_view text, std::string_view name, bool short_form) {
  if (text.size() >= name.size() && EqualsIgnoreCase(text.substr(0, name.size()), name)) {
    return name.size();
  }
  if (short_form && text.size() >= 3 && EqualsIgnoreCase(text.substr(0, 3), name.substr(0, 3))) {
    return 3;
  }
  return 0;
}

// Reads "+08", "+0800", "+08:00" (and "Z" when `allow_z`).
bool ParseOffset(std::string_view text, size_t* position, bool allow_z, int* offset_seconds) {
  if (*position < text.size() && text[*position] == 'Z' && allow_z) {
    ++*position;
    *offset_seconds = 0;
    return true;
  }
  if (*position >= text.size() || (text[*position] != '+' && text[*position] != '-')) {
    return false;
  }
  int sign = text[*position] == '-' ? -1 : 1;
  size_t cursor = *position + 1;
  auto two_digits = [&text, &cursor](int* value) {
    if (cursor + 2 > text.size() || !std::isdigit(static_cast<unsigned char>(text[cursor])) ||
        !std::isdigit(static_cast<unsigned char>(text[cursor + 1]))) {
      return false;
    }
    *value = (text[cursor] - '0') * 10 + (text[cursor + 1] - '0');
    cursor += 2;
    return true;
  };
  int hours = 0;
  int minutes = 0;
  if (!two_digits(&hours) || hours > 18) return false;
  size_t after_hours = cursor;
  if (cursor < text.size() && text[cursor] == ':') ++cursor;
  if (!two_digits(&minutes)) {
    cursor = after_hours;
    minutes = 0;
  } else if (minutes > 59) {
    return false;
  }
  *position = cursor;
  *offset_seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

bool DateTimePattern::Parse(std::string_view text, ParsedDateTime* result) const {
  int64_t year = 1970;
  bool two_digit_year = false;
  bool before_christ = false;
  int64_t month = 1;
  int64_t day = 1;
  int64_t day_of_year = 0;
  int64_t hour = 0;
  int64_t hour_of_half_day = -1;  // from 'h' or 'K', resolved with 'a'
  bool post_meridiem = false;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t micros = 0;
  bool has_month_or_day = false;
  size_t position = 0;
  bool date_time_formatter = dialect_ == PatternDialect::kDateTimeFormatter;
  for (const Element& element : elements_) {
    std::string_view rest = text.substr(position);
    if (element.letter == 0) {
      std::string_view literal =
          std::string_view(literals_).substr(element.literal_offset, element.literal_size);
      if (!rest.starts_with(literal)) return false;
      position += literal.size();
      continue;
    }
    if (IsNumeric(element)) {
      size_t available = 0;
      // At most 18 digits, which fit int64_t.
      while (available < rest.size() && available < 18 && rest[available] >= '0' &&
             rest[available] <= '9') {
        ++available;
      }
      size_t digits = 0;
      if (element.fixed_width) {
        digits = element.count;
        if (available < digits) return false;
      } else {
        size_t reserved = element.reserved_digits;
        digits = available > reserved ? available - reserved : 0;
        if (digits < static_cast<size_t>(element.min_digits)) return false;
      }
      int64_t value = 0;
      for (size_t i = 0; i < digits; ++i) value = value * 10 + (rest[i] - '0');
      position += digits;
      switch (element.letter) {
        case 'y':
          year = value;
          // SimpleDateFormat reads exactly two digits for "y" or "yy" as a short year.
          two_digit_year =
              date_time_formatter ? element.count == 2 : element.count <= 2 && digits == 2;
          break;
        case 'u':
          if (date_time_formatter) {
            year = value;
            two_digit_year = element.count == 2;
          }
          break;
        case 'M':
        case 'L':
          month = value;
          has_month_or_day = true;
          break;
        case 'd':
          day = value;
          has_month_or_day = true;
          break;
        case 'D':
          day_of_year = value;
          break;
        case 'H':
          hour = value;
          break;
        case 'k':
          if (value < 1 || value > 24) return false;
          hour = value % 24;
          break;
        case 'h':
          if (value < 1 || value > 12) return false;
          hour_of_half_day = value % 12;
          break;
        case 'K':
          if (value > 11) return false;
          hour_of_half_day = value;
          break;
        case 'm':
          minute = value;
          break;
        case 's':
          second = value;
          break;
        case 'S':
          if (date_time_formatter) {
            // A fraction: "5" is 500 ms, "123456" 123456 µs.
            for (size_t i = digits; i < 6; ++i) value *= 10;
            for (size_t i = 6; i < digits; ++i) value /= 10;
            micros = value;
          } else {
            if (value > 999) return false;
            micros = value * kMicrosPerMilli;
          }
          break;
        default:  // week fields and day of week in month are read but not used
          break;
      }
      continue;
    }
    size_t matched = 0;
    switch (element.letter) {
      case 'M':
      case 'L':
        for (size_t m = 0; m < kMonthNames.size() && matched == 0; ++m) {
          matched = MatchName(rest, kMonthNames[m], true);
          if (matched != 0) month = static_cast<int64_t>(m) + 1;
        }
        has_month_or_day = true;
        break;
      case 'E':
        for (std::string_view name : kDayNames) {
          matched = MatchName(rest, name, true);
          if (matched != 0) break;
        }
        break;
      case 'a':
        if ((matched = MatchName(rest, "AM", false)) == 0) {
          matched = MatchName(rest, "PM", false);
          post_meridiem = matched != 0;
        }
        break;
      case 'G':
        if ((matched = MatchName(rest, "AD", false)) == 0) {
          matched = MatchName(rest, "BC", false);
          before_christ = matched != 0;
        }
        break;
      case 'Z':
      case 'X':
      case 'x': {
        size_t cursor = position;
        if (!ParseOffset(text, &cursor, element.letter != 'x', &result->offset_seconds)) {
          return false;
        }
        result->has_offset = true;
        matched = cursor - position;
        break;
      }
      default:
        break;
    }
    if (matched == 0) return false;
    position += matched;
  }
  if (date_time_formatter && position != text.size()) return false;

  if (two_digit_year) {
    // DateTimeFormatter reads "yy" as 2000-2099; SimpleDateFormat as the
    // century starting 80 years ago.
    int64_t base = date_time_formatter ? 2000 : two_digit_year_start_;
    year = base + FloorMod(year - base, 100);
  }
  if (before_christ) year = 1 - year;
  if (year < -kMaxYear || year > kMaxYear) return false;
  if (hour_of_half_day >= 0) hour = hour_of_half_day + (post_meridiem ? 12 : 0);
  if (day_of_year > 0 && !has_month_or_day) {
    int64_t length = DaysFromCivil(year + 1, 1, 1) - DaysFromCivil(year, 1, 1);
    if (day_of_year > length) return false;
    CivilDate date = CivilFromDays(DaysFromCivil(year, 1, 1) + day_of_year - 1);
    month = date.month;
    day = date.day;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  result->local_micros =
      DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day)) * kMicrosPerDay +
      hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + micros;
  return true;
}

inline constexpr std::string_view kDefaultTimestampPattern = "yyyy-MM-dd HH:mm:ss";

// "yyyy-MM-dd HH:mm:ss" as SimpleDateFormat reads it: the input of DATE_FORMAT on
// strings and of CONVERT_TZ, and the default of FROM_UNIXTIME and UNIX_TIMESTAMP.
const DateTimePattern& DefaultSimpleDateFormat() {
  static const DateTimePattern pattern =
      *DateTimePattern::Compile(kDefaultTimestampPattern, PatternDialect::kSimpleDateFormat);
  return pattern;
}

// Writes `local_micros` formatted with `pattern` as the row's value.
void WriteFormatted(const DateTimePattern& pattern, int64_t local_micros, int offset_seconds,
                    StringWriter& writer) {
  char* data = writer.Reserve(pattern.max_size());
  writer.Commit(data, pattern.Format(FieldsOf(local_micros, offset_seconds), data));
}

// The compiled patterns of one call site whose pattern is not a constant: each
// distinct text is compiled once per evaluator. Rows usually repeat one pattern,
// so the last one is checked first.
class PatternCache final : public KernelState {
 public:
  explicit PatternCache(PatternDialect dialect) : dialect_(dialect) {
    entries_.reserve(kMaxEntries);
  }

  /// The compiled `text`; valid until the next call.
  Result<const DateTimePattern*> Get(std::string_view text) {
    if (last_ < entries_.size() && entries_[last_].first == text) {
      return &entries_[last_].second;
    }
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == text) {
        last_ = i;
        return &entries_[i].second;
      }
    }
    Result<DateTimePattern> compiled = DateTimePattern::Compile(text, dialect_);
    if (!compiled.ok()) {
      return Status::DataError("{}", compiled.status().message());
    }
    if (entries_.size() == kMaxEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(std::string(text), compiled.MoveValue());
    last_ = entries_.size() - 1;
    return &entries_[last_].second;
  }

 private:
  static constexpr size_t kMaxEntries = 16;
  PatternDialect dialect_;
  std::vector<std::pair<std::string, DateTimePattern>> entries_;
  size_t last_ = 0;
};

// The pattern argument of a call: absent (the default), a constant compiled
// when the call is bound, or a column whose patterns a PatternCache compiles.
class PatternArgument {
 public:
  /// `arg` is null when the call has no pattern argument.
  static Result<PatternArgument> Bind(const ArgumentInfo* arg, std::string_view default_pattern,
                                      PatternDialect dialect) {
    PatternArgument bound;
    bound.dialect_ = dialect;
    if (arg != nullptr && arg->constant == nullptr) return bound;
    if (arg != nullptr && arg->constant->is_null()) {
      bound.null_ = true;
      return bound;
    }
    std::string_view text = arg == nullptr ? default_pattern : ConstantText(*arg).value();
    ASSIGN_OR_RAISE(DateTimePattern pattern, DateTimePattern::Compile(text, dialect));
    bound.constant_ = std::make_shared<const DateTimePattern>(std::move(pattern));
    return bound;
  }

  /// True when the pattern is a NULL constant, so every row is NULL.
  bool is_null() const { return null_; }
  /// True when the pattern varies by row and may be invalid.
  bool varies() const { return !null_ && constant_ == nullptr; }
  /// The compiled constant. REQUIRES: !varies() && !is_null().
  const DateTimePattern& constant() const { return *constant_; }

  std::unique_ptr<KernelState> MakeState() const {
    if (!varies()) return nullptr;
    return std::make_unique<PatternCache>(dialect_);
  }

  /// The pattern of `row`. REQUIRES: the row's pattern is not NULL.
  Result<const DateTimePattern*> At(const Vector* patterns, size_t row, KernelState* state) const {
    if (constant_ != nullptr) return constant_.get();
    return static_cast<PatternCache*>(state)->Get(patterns->StringAt(row));
  }

 private:
  PatternDialect dialect_ = PatternDialect::kSimpleDateFormat;
  bool null_ = false;
  std::shared_ptr<const DateTimePattern> constant_;
};

// Makes a kernel for a call with a pattern: every row is NULL when the pattern
// is a NULL constant; otherwise `evaluate(context, args, pattern)` runs, with
// the evaluator's PatternCache in `context.state` when the pattern varies.
template <typename EvaluateFunction>
ScalarKernelPtr MakePatternKernel(PatternArgument pattern, EvaluateFunction evaluate) {
  auto make_state = [pattern] { return pattern.MakeState(); };
  auto run = [pattern, evaluate](const KernelContext& context,
                                 std::span<const VectorPtr> args) -> Result<VectorPtr> {
    if (pattern.is_null()) {
      return VectorPtr(Vector::MakeNullConstant(context.result_type, context.num_rows));
    }
    return evaluate(context, args, pattern);
  };
  return MakeStatefulKernel(std::move(make_state), std::move(run));
}

// The date and time of `value` of a DATE (days), TIMESTAMP or TIMESTAMP_LTZ (in
// `zone`) as local microseconds.
int64_t LocalMicros(TypeId id, int64_t value, const TimeZone& zone) {
  switch (id) {
    case TypeId::kDate:
      return value * kMicrosPerDay;
    case TypeId::kTimestampLtz:
      return zone.ToLocal(value);
    default:
      return value;
  }
}

int64_t ReadDateOrTimestamp(const Vector& vector, size_t row) {
  return vector.type().id() == TypeId::kDate ? vector.ValueAt<int32_t>(row)
                                             : vector.ValueAt<int64_t>(row);
}

// DATE_FORMAT ------------------------------------------------------------------

// java.time cannot print the offset of a LocalDateTime, which is what Flink
// formats for both TIMESTAMP and TIMESTAMP_LTZ.
std::string ZoneLetterProblem(std::string_view pattern) {
  return fmt::format(
      "DATE_FORMAT: the pattern '{}' prints a zone offset, but the formatted value is a local "
      "date-time without one",
      pattern);
}

// DATE_FORMAT of a string: read as "yyyy-MM-dd HH:mm:ss" in the session zone
// (NULL when it does not match), then formatted in that zone.
void ReformatString(const DateTimePattern& format, std::string_view text, const TimeZone& zone,
                    StringWriter& writer) {
  ParsedDateTime parsed;
  if (!DefaultSimpleDateFormat().Parse(text, &parsed)) {
    writer.SetNull();
    return;
  }
  int64_t utc = parsed.ToUtc(zone);
  int64_t local = zone.ToLocal(utc);
  WriteFormatted(format, local, static_cast<int>((local - utc) / kMicrosPerSecond), writer);
}

Result<BoundScalarFunction> BindDateFormat(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"DATE_FORMAT(<TIMESTAMP>, <STRING>)",
                                                       "DATE_FORMAT(<STRING>, <STRING>)"};
  if (args.size() != 2 || !IsStringOrNull(args[1].type) ||
      !(IsDateOrTimestamp(args[0].type) || IsStringOrNull(args[0].type))) {
    return SignatureMismatch("DATE_FORMAT", args, kSignatures);
  }
  DataType result = DataType::String(true);
  if (args[0].type.id() == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  TypeId input = args[0].type.id();
  bool from_string = args[0].type.is_character_string();
  // Flink formats timestamps with DateTimeFormatter and re-formats strings with
  // SimpleDateFormat.
  PatternDialect dialect =
      from_string ? PatternDialect::kSimpleDateFormat : PatternDialect::kDateTimeFormatter;
  ASSIGN_OR_RAISE(PatternArgument pattern,
                  PatternArgument::Bind(&args[1], kDefaultTimestampPattern, dialect));
  if (!from_string && !pattern.varies() && !pattern.is_null() &&
      pattern.constant().has_zone_letters()) {
    return Status::Validation("{}", ZoneLetterProblem(ConstantText(args[1]).value_or("")));
  }
  auto evaluate = [input, from_string](const KernelContext& context,
                                       std::span<const VectorPtr> values,
                                       const PatternArgument& pattern) -> Result<VectorPtr> {
    const Vector& value = *values[0];
    const Vector& patterns = *values[1];
    const TimeZone& zone = context.function_context.local_time_zone;
    auto format_row = [&](size_t row, StringWriter& writer) -> Status {
      ASSIGN_OR_RAISE(const DateTimePattern* format, pattern.At(&patterns, row, context.state));
      if (from_string) {
        ReformatString(*format, value.StringAt(row), zone, writer);
        return Status::OK();
      }
      if (format->has_zone_letters()) {
        return Status::DataError("{}", ZoneLetterProblem(patterns.StringAt(row)));
      }
      WriteFormatted(*format, LocalMicros(input, ReadDateOrTimestamp(value, row), zone), 0, writer);
      return Status::OK();
    };
    ASSIGN_OR_RAISE(MutableVectorPtr out, StringLoop({&value, &patterns}, context.result_type,
                                                     context.num_rows, format_row));
    return VectorPtr(out);
  };
  return BoundScalarFunction{
      result, {}, MakePatternKernel(pattern, evaluate), CallTraits{.can_fail = pattern.varies()}};
}

// FROM_UNIXTIME ----------------------------------------------------------------

Result<BoundScalarFunction> BindFromUnixtime(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"FROM_UNIXTIME(<INTEGER>)",
                                                       "FROM_UNIXTIME(<INTEGER>, <STRING>)"};
  if (args.empty() || args.size() > 2 || !IsIntegerOrNull(args[0].type) ||
      (args.size() == 2 && !IsStringOrNull(args[1].type))) {
    return SignatureMismatch("FROM_UNIXTIME", args, kSignatures);
  }
  ASSIGN_OR_RAISE(
      PatternArgument pattern,
      PatternArgument::Bind(args.size() == 2 ? &args[1] : nullptr, kDefaultTimestampPattern,
                            PatternDialect::kSimpleDateFormat));
  std::vector<DataType> casts = {DataType::BigInt(args[0].type.nullable())};
  auto kernel = MakePatternKernel(
      pattern,
      [](const KernelContext& context, std::span<const VectorPtr> values,
         const PatternArgument& pattern) -> Result<VectorPtr> {
        const Vector& seconds = *values[0];
        const Vector* patterns = values.size() > 1 ? values[1].get() : nullptr;
        const TimeZone& zone = context.function_context.local_time_zone;
        // Beyond kMaxYear years from 1970 is NULL.
        constexpr int64_t kLimit = kMaxYear * 366 * kSecondsPerDay;
        auto format_row = [&](size_t row, StringWriter& writer) -> Status {
          int64_t value = seconds.ValueAt<int64_t>(row);
          if (value > kLimit || value < -kLimit) {
            writer.SetNull();
            return Status::OK();
          }
          ASSIGN_OR_RAISE(const DateTimePattern* format, pattern.At(patterns, row, context.state));
          int64_t utc = value * kMicrosPerSecond;
          int64_t local = zone.ToLocal(utc);
          WriteFormatted(*format, local, static_cast<int>((local - utc) / kMicrosPerSecond),
                         writer);
          return Status::OK();
        };
        Result<MutableVectorPtr> out =
            patterns == nullptr
                ? StringLoop({&seconds}, context.result_type, context.num_rows, format_row)
                : StringLoop({&seconds, patterns}, context.result_type, context.num_rows,
                             format_row);
        if (!out.ok()) return out.status();
        return VectorPtr(out.MoveValue());
      });
  return BoundScalarFunction{DataType::String(true), casts, kernel,
                             CallTraits{.can_fail = pattern.varies()}};
}

// UNIX_TIMESTAMP, TO_DATE, TO_TIMESTAMP -----------------------------------------

int64_t ClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads its string argument with an optional pattern; the parse of each row
// becomes a value of type Out, or NULL when `convert` returns false.
template <typename Out, typename Convert>
ScalarKernelPtr ParseKernel(PatternArgument pattern, Convert convert) {
  return MakePatternKernel(
      pattern,
      [convert](const KernelContext& context, std::span<const VectorPtr> values,
                const PatternArgument& pattern) -> Result<VectorPtr> {
        const Vector& text = *values[0];
        const Vector* patterns = values.size() > 1 ? values[1].get() : nullptr;
        auto parse_row = [&](size_t row, Out* value) -> Result<bool> {
          ASSIGN_OR_RAISE(const DateTimePattern* format, pattern.At(patterns, row, context.state));
          return convert(context, *format, text.StringAt(row), value);
        };
        if (patterns == nullptr) {
          return NullableLoop<Out>({&text}, context.result_type, context.num_rows, parse_row);
        }
        return NullableLoop<Out>({&text, patterns}, context.result_type, context.num_rows,
                                 parse_row);
      });
}

Status CheckStringArguments(std::string_view name, std::span<const ArgumentInfo> args,
                            size_t min_args, size_t max_args,
                            const std::vector<std::string>& signatures) {
  if (args.size() < min_args || args.size() > max_args) {
    return SignatureMismatch(name, args, signatures);
  }
  for (const ArgumentInfo& arg : args) {
    if (!IsStringOrNull(arg.type)) return SignatureMismatch(name, args, signatures);
  }
  return Status::OK();
}

Result<BoundScalarFunction> BindUnixTimestamp(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "UNIX_TIMESTAMP()", "UNIX_TIMESTAMP(<STRING>)", "UNIX_TIMESTAMP(<STRING>, <STRING>)"};
  RETURN_NOT_OK(CheckStringArguments("UNIX_TIMESTAMP", args, 0, 2, kSignatures));
  if (args.empty()) {
    // Flink reads the clock here even in batch mode.
    auto kernel = MakeKernel(
        [](const KernelContext& context, std::span<const VectorPtr>) -> Result<VectorPtr> {
          MutableVectorPtr out = Vector::MakeConstant(context.result_type, context.num_rows);
          out->mutable_values<int64_t>()[0] = FloorDiv(ClockMicros(), kMicrosPerSecond);
          return VectorPtr(out);
        });
    return BoundScalarFunction{
        DataType::BigInt(false), {}, kernel, CallTraits{.deterministic = false}};
  }
  DataType result = DataType::BigInt(AnyNullable(args));
  if (args[0].type.id() == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  ASSIGN_OR_RAISE(
      PatternArgument pattern,
      PatternArgument::Bind(args.size() == 2 ? &args[1] : nullptr, kDefaultTimestampPattern,
                            PatternDialect::kSimpleDateFormat));
  auto kernel = ParseKernel<int64_t>(
      pattern,
      [](const KernelContext& context, const DateTimePattern& format, std::string_view text,
         int64_t* seconds) -> bool {
        ParsedDateTime parsed;
        if (!format.Parse(text, &parsed)) {
          // Flink's documented result for text that does not parse.
          *seconds = std::numeric_limits<int64_t>::min();
          return true;
        }
        // Date.getTime() / 1000: whole milliseconds, then seconds rounded toward zero.
        int64_t millis =
            FloorDiv(parsed.ToUtc(context.function_context.local_time_zone), kMicrosPerMilli);
        *seconds = millis / kMillisPerSecond;
        return true;
      });
  return BoundScalarFunction{result, {}, kernel, CallTraits{.can_fail = pattern.varies()}};
}

// "yyyy-[m]m-[d]d" with a four-digit year, as java.sql.Date.valueOf reads dates.
std::optional<int64_t> ParseJdbcDate(std::string_view text) {
  size_t first_dash = text.find('-');
  size_t second_dash =
      first_dash == std::string_view::npos ? first_dash : text.find('-', first_dash + 1);
  if (first_dash != 4 || second_dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view digits, size_t min, size_t max) -> std::optional<int> {
    if (digits.size() < min || digits.size() > max) return std::nullopt;
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  std::optional<int> year = number(text.substr(0, 4), 4, 4);
  std::optional<int> month = number(text.substr(5, second_dash - 5), 1, 2);
  std::optional<int> day = number(text.substr(second_dash + 1), 1, 2);
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 ||
      *day > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  return DaysFromCivil(*year, *month, *day);
}

// java.sql.Timestamp.valueOf's "yyyy-[m]m-[d]d hh:mm:ss[.f...]" and
// java.sql.Date.valueOf's "yyyy-[m]m-[d]d" (midnight), which Flink's
// TO_TIMESTAMP falls back to when the pattern does not match. Surrounding
// whitespace is ignored.
std::optional<int64_t> ParseJdbcTimestamp(std::string_view text) {
  text = TrimWhitespace(text);
  size_t space = text.find(' ');
  std::optional<int64_t> days = ParseJdbcDate(text.substr(0, space));
  if (!days) return std::nullopt;
  if (space == std::string_view::npos) return *days * kMicrosPerDay;
  std::string_view time = text.substr(space + 1);
  int64_t parts[3] = {0, 0, 0};
  size_t position = 0;
  for (int part = 0; part < 3; ++part) {
    size_t digits = 0;
    while (position < time.size() && digits < 2 && time[position] >= '0' && time[position] <= '9') {
      parts[part] = parts[part] * 10 + (time[position++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (part < 2) {
      if (position >= time.size() || time[position] != ':') return std::nullopt;
      ++position;
    }
  }
  int64_t micros = 0;
  if (position < time.size()) {
    if (time[position] != '.') return std::nullopt;
    size_t digits = 0;
    for (++position; position < time.size(); ++position, ++digits) {
      if (time[position] < '0' || time[position] > '9' || digits == 9) return std::nullopt;
      if (digits < 6) micros = micros * 10 + (time[position] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return *days * kMicrosPerDay + parts[0] * kMicrosPerHour + parts[1] * kMicrosPerMinute +
         parts[2] * kMicrosPerSecond + micros;
}

Result<BoundScalarFunction> BindToTimestamp(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"TO_TIMESTAMP(<STRING>)",
                                                       "TO_TIMESTAMP(<STRING>, <STRING>)"};
  RETURN_NOT_OK(CheckStringArguments("TO_TIMESTAMP", args, 1, 2, kSignatures));
  // Unparseable text is NULL.
  DataType result = DataType::Timestamp(3, true);
  if (args[0].type.id() == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  bool has_pattern = args.size() == 2;
  ASSIGN_OR_RAISE(PatternArgument pattern,
                  PatternArgument::Bind(has_pattern ? &args[1] : nullptr, kDefaultTimestampPattern,
                                        PatternDialect::kDateTimeFormatter));
  auto kernel =
      ParseKernel<int64_t>(pattern,
                           [has_pattern](const KernelContext&, const DateTimePattern& format,
                                         std::string_view text, int64_t* micros) -> bool {
                             ParsedDateTime parsed;
                             std::optional<int64_t> value;
                             if (has_pattern && format.Parse(text, &parsed)) {
                               value = parsed.local_micros;
                             } else {
                               value = ParseJdbcTimestamp(text);
                             }
                             if (!value) return false;
                             // TIMESTAMP(3): Flink keeps milliseconds.
                             *micros = FloorDiv(*value, kMicrosPerMilli) * kMicrosPerMilli;
                             return true;
                           });
  return BoundScalarFunction{result, {}, kernel, CallTraits{.can_fail = pattern.varies()}};
}

// TO_DATE(text) without a pattern, as Flink's DateTimeUtils.parseDate: text
// after the first space is ignored, and "2020", "2020-5" and "2020-5-17" are
// accepted (missing parts are 1), years 0 to 9999.
std::optional<int64_t> ParseDateLeniently(std::string_view text) {
  size_t space = text.find(' ');
  if (space != std::string_view::npos && space > 0) text = text.substr(0, space);
  int values[3] = {0, 1, 1};
  for (int part = 0; part < 3; ++part) {
    size_t dash = part < 2 ? text.find('-') : std::string_view::npos;
    std::string_view digits = TrimWhitespace(text.substr(0, dash));
    if (digits.empty() || digits.size() > 4) return std::nullopt;
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    values[part] = value;
    if (dash == std::string_view::npos) break;
    text = text.substr(dash + 1);
  }
  if (values[1] < 1 || values[1] > 12 || values[2] < 1 ||
      values[2] > DaysInMonth(values[0], values[1])) {
    return std::nullopt;
  }
  return DaysFromCivil(values[0], values[1], values[2]);
}

Result<BoundScalarFunction> BindToDate(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"TO_DATE(<STRING>)",
                                                       "TO_DATE(<STRING>, <STRING>)"};
  RETURN_NOT_OK(CheckStringArguments("TO_DATE", args, 1, 2, kSignatures));
  DataType result = DataType::Date(true);
  if (args[0].type.id() == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  bool has_pattern = args.size() == 2;
  ASSIGN_OR_RAISE(PatternArgument pattern,
                  PatternArgument::Bind(has_pattern ? &args[1] : nullptr, "yyyy-MM-dd",
                                        PatternDialect::kSimpleDateFormat));
  auto kernel = ParseKernel<int32_t>(
      pattern,
      [has_pattern](const KernelContext&, const DateTimePattern& format, std::string_view text,
                    int32_t* days) -> bool {
        std::optional<int64_t> value;
        ParsedDateTime parsed;
        if (!has_pattern) {
          value = ParseDateLeniently(text);
        } else if (format.Parse(text, &parsed)) {
          // The date in UTC of the parsed instant.
          int64_t offset = parsed.has_offset ? parsed.offset_seconds * kMicrosPerSecond : 0;
          value = FloorDiv(parsed.local_micros - offset, kMicrosPerDay);
        }
        if (!value) return false;
        *days = static_cast<int32_t>(*value);
        return true;
      });
  return BoundScalarFunction{result, {}, kernel, CallTraits{.can_fail = pattern.varies()}};
}

// TO_TIMESTAMP_LTZ ---------------------------------------------------------------

// The instants Flink's TO_TIMESTAMP_LTZ accepts: 0000-01-01 to 9999-12-31 UTC.
inline constexpr int64_t kMinEpochMillis = -62167219200000LL;
inline constexpr int64_t kMaxEpochMillis = 253402300799999LL;

// Epoch milliseconds to TIMESTAMP_LTZ microseconds; false outside the range.
bool EpochMillisToMicros(int64_t millis, int64_t* micros) {
  if (millis < kMinEpochMillis || millis > kMaxEpochMillis) return false;
  *micros = millis * kMicrosPerMilli;
  return true;
}

Result<BoundScalarFunction> BindToTimestampLtz(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"TO_TIMESTAMP_LTZ(<NUMERIC>, <INTEGER>)"};
  if (args.size() != 2 || !(args[0].type.is_numeric() || args[0].type.id() == TypeId::kNull) ||
      !IsIntegerOrNull(args[1].type)) {
    return SignatureMismatch("TO_TIMESTAMP_LTZ", args, kSignatures);
  }
  if (args[1].constant == nullptr) {
    return Status::Validation("TO_TIMESTAMP_LTZ: the precision must be a constant, 0 or 3");
  }
  // Out-of-range values are NULL.
  DataType result = DataType::TimestampLtz(3, true);
  if (args[1].constant->is_null() || args[0].type.id() == TypeId::kNull) {
    return BoundScalarFunction{result, {}, NullKernel(), {}};
  }
  int64_t precision = args[1].constant->AsInt();
  if (precision != 0 && precision != 3) {
    return Status::Validation(
        "The precision value '{}' for function TO_TIMESTAMP_LTZ(numeric, precision) is "
        "unsupported, the supported value is '0' for second or '3' for millisecond.",
        precision);
  }
  bool seconds = precision == 0;
  const DataType& type = args[0].type;
  if (type.is_integer()) {
    auto kernel = MakeKernel([seconds](const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
      const Vector& in = *values[0];
      return NullableLoop<int64_t>(
          {&in}, context.result_type, context.num_rows,
          [&](size_t row, int64_t* micros) -> Result<bool> {
            int64_t value = in.ValueAt<int64_t>(row);
            if (seconds) {
              if (value < kMinEpochMillis / 1000 || value > kMaxEpochMillis / 1000) return false;
              value *= kMillisPerSecond;
            }
            return EpochMillisToMicros(value, micros);
          });
    });
    return BoundScalarFunction{result, {DataType::BigInt(type.nullable())}, kernel, {}};
  }
  if (type.is_approximate_numeric()) {
    auto kernel = MakeKernel([seconds](const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
      const Vector& in = *values[0];
      return NullableLoop<int64_t>(
          {&in}, context.result_type, context.num_rows,
          [&](size_t row, int64_t* micros) -> Result<bool> {
            // Java's (long) cast truncates toward zero: 1.5 seconds is 1500 ms.
            double millis = in.ValueAt<double>(row) * (seconds ? 1000.0 : 1.0);
            if (!(millis >= kMinEpochMillis && millis <= kMaxEpochMillis)) return false;
            return EpochMillisToMicros(static_cast<int64_t>(millis), micros);
          });
    });
    return BoundScalarFunction{result, {DataType::Double(type.nullable())}, kernel, {}};
  }
  // DECIMAL: whole seconds or milliseconds, truncated toward zero.
  Int128 divisor = PowerOfTen(type.scale());
  auto kernel = MakeKernel([seconds, divisor](
                               const KernelContext& context,
                               std::span<const VectorPtr> values) -> Result<VectorPtr> {
    const Vector& in = *values[0];
    return NullableLoop<int64_t>({&in}, context.result_type, context.num_rows,
                                 [&](size_t row, int64_t* micros) -> Result<bool> {
                                   Int128 whole = in.ValueAt<Int128>(row) / divisor;
                                   if (seconds) whole *= kMillisPerSecond;
                                   if (whole < kMinEpochMillis || whole > kMaxEpochMillis) {
                                     return false;
                                   }
                                   return EpochMillisToMicros(static_cast<int64_t>(whole), micros);
                                 });
  });
  return BoundScalarFunction{result, {}, kernel, {}};
}

// CONVERT_TZ -----------------------------------------------------------------

// java.util.TimeZone's three-letter IDs that IANA does not define the same way.
struct ZoneAlias {
  std::string_view alias;
  std::string_view zone;
};
inline constexpr ZoneAlias kJavaZoneAliases[] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"EST", "-05:00"},
    {"HST", "-10:00"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"MST", "-07:00"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
};

// A time zone by the names java.util.TimeZone accepts: IANA names, "GMT+08:00"
// and its three-letter IDs ("PST").
Result<TimeZone> LoadJavaTimeZone(std::string_view name) {
  for (const ZoneAlias& alias : kJavaZoneAliases) {
    if (alias.alias == name) return TimeZone::Load(alias.zone);
  }
  return TimeZone::Load(name);
}

// The zones of one CONVERT_TZ call site whose zone arguments vary by row, loaded
// once per distinct name per evaluator.
class ZoneCache final : public KernelState {
 public:
  ZoneCache() { entries_.reserve(kMaxEntries); }

  /// The zone named `name`; valid until the next call.
  Result<const TimeZone*> Get(std::string_view name) {
    if (last_ < entries_.size() && entries_[last_].first == name) return &entries_[last_].second;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == name) {
        last_ = i;
        return &entries_[i].second;
      }
    }
    Result<TimeZone> zone = LoadJavaTimeZone(name);
    if (!zone.ok()) return Status::DataError("CONVERT_TZ: {}", zone.status().message());
    if (entries_.size() == kMaxEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(std::string(name), zone.MoveValue());
    last_ = entries_.size() - 1;
    return &entries_[last_].second;
  }

 private:
  static constexpr size_t kMaxEntries = 64;
  std::vector<std::pair<std::string, TimeZone>> entries_;
  size_t last_ = 0;
};

Result<BoundScalarFunction> BindConvertTz(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"CONVERT_TZ(<STRING>, <STRING>, <STRING>)"};
  RETURN_NOT_OK(CheckStringArguments("CONVERT_TZ", args, 3, 3, kSignatures));
  DataType result = DataType::String(true);
  for (const ArgumentInfo& arg : args) {
    bool null_constant = arg.constant != nullptr && arg.constant->is_null();
    if (arg.type.id() == TypeId::kNull || null_constant) {
      return BoundScalarFunction{result, {}, NullKernel(), {}};
    }
  }
  // Zones given as constants are loaded once, here.
  std::optional<TimeZone> constant_zones[2];
  for (int i = 0; i < 2; ++i) {
    if (std::optional<std::string_view> name = ConstantText(args[i + 1])) {
      Result<TimeZone> zone = LoadJavaTimeZone(*name);
      if (!zone.ok()) return Status::Validation("CONVERT_TZ: {}", zone.status().message());
      constant_zones[i] = zone.MoveValue();
    }
  }
  bool varies = !constant_zones[0] || !constant_zones[1];
  auto make_state = [varies]() -> std::unique_ptr<KernelState> {
    return varies ? std::make_unique<ZoneCache>() : nullptr;
  };
  std::optional<TimeZone> from_constant = constant_zones[0];
  std::optional<TimeZone> to_constant = constant_zones[1];
  auto evaluate = [from_constant, to_constant](
                      const KernelContext& context,
                      std::span<const VectorPtr> values) -> Result<VectorPtr> {
    const Vector& text = *values[0];
    const Vector& from_names = *values[1];
    const Vector& to_names = *values[2];
    auto zone = [&](const std::optional<TimeZone>& constant, const Vector& names,
                    size_t row) -> Result<const TimeZone*> {
      if (constant) return &*constant;
      return static_cast<ZoneCache*>(context.state)->Get(names.StringAt(row));
    };
    ASSIGN_OR_RAISE(
        MutableVectorPtr out,
        StringLoop({&text, &from_names, &to_names}, context.result_type, context.num_rows,
                   [&](size_t row, StringWriter& writer) -> Status {
                     ParsedDateTime parsed;
                     if (!DefaultSimpleDateFormat().Parse(text.StringAt(row), &parsed)) {
                       writer.SetNull();
                       return Status::OK();
                     }
                     ASSIGN_OR_RAISE(const TimeZone* from, zone(from_constant, from_names, row));
                     int64_t utc = parsed.ToUtc(*from);
                     ASSIGN_OR_RAISE(const TimeZone* to, zone(to_constant, to_names, row));
                     WriteFormatted(DefaultSimpleDateFormat(), to->ToLocal(utc), 0, writer);
                     return Status::OK();
                   }));
    return VectorPtr(out);
  };
  return BoundScalarFunction{
      result, {}, MakeStatefulKernel(make_state, evaluate), CallTraits{.can_fail = varies}};
}

// CURRENT_TIMESTAMP and the other clock functions ----------------------------------

enum class ClockValue { kInstant, kLocalTimestamp, kLocalDate, kLocalTime };

// Streaming jobs read the clock once per batch, which stands in for Flink's
// reading per record; batch jobs use the query's start for every row.
// CURRENT_ROW_TIMESTAMP reads the clock in both. The values have millisecond
// precision, as in Flink.
ScalarFunction ClockFunction(std::string name, ClockValue value, DataType type,
                             bool per_record_in_batch_mode = false) {
  std::vector<std::string> signatures = {name + "()"};
  return ScalarFunction{
      name, signatures,
      [name, signatures, value, type, per_record_in_batch_mode](
          std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (!args.empty()) return SignatureMismatch(name, args, signatures);
        auto kernel = MakeKernel(
            [value, per_record_in_batch_mode](const KernelContext& context,
                                              std::span<const VectorPtr>) -> Result<VectorPtr> {
              const FunctionContext& function_context = context.function_context;
              int64_t now = function_context.batch_mode && !per_record_in_batch_mode
                                ? function_context.query_start_micros
                                : ClockMicros();
              now = FloorDiv(now, kMicrosPerMilli) * kMicrosPerMilli;
              int64_t local = function_context.local_time_zone.ToLocal(now);
              MutableVectorPtr out = Vector::MakeConstant(context.result_type, context.num_rows);
              switch (value) {
                case ClockValue::kInstant:
                  out->mutable_values<int64_t>()[0] = now;
                  break;
                case ClockValue::kLocalTimestamp:
                  out->mutable_values<int64_t>()[0] = local;
                  break;
                case ClockValue::kLocalDate:
                  out->mutable_values<int32_t>()[0] =
                      static_cast<int32_t>(FloorDiv(local, kMicrosPerDay));
                  break;
                case ClockValue::kLocalTime:
                  // TIME(0): whole seconds.
                  out->mutable_values<int32_t>()[0] = static_cast<int32_t>(
                      FloorMod(local, kMicrosPerDay) / kMicrosPerSecond * kMillisPerSecond);
                  break;
              }
              return VectorPtr(out);
            });
        return BoundScalarFunction{type, {}, kernel, CallTraits{.deterministic = false}};
      }};
}

// EXTRACT and YEAR ... SECOND ---------------------------------------------------

bool IsDateUnit(TimeUnit unit) {
  return unit <= TimeUnit::kDay || unit == TimeUnit::kDayOfWeek ||
         unit == TimeUnit::kIsoDayOfWeek || unit == TimeUnit::kDayOfYear;
}

// The `unit` field of the local date-time `micros`, as Flink's DateTimeUtils
// computes it; MILLISECOND, MICROSECOND and NANOSECOND are within the second.
int64_t ExtractField(TimeUnit unit, int64_t micros) {
  CivilDateTime civil = CivilFromMicros(micros);
  int64_t year = civil.date.year;
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  switch (unit) {
    case TimeUnit::kMillennium:
      return year > 0 ? (year + 999) / 1000 : (year - 999) / 1000;
    case TimeUnit::kCentury:
      return year > 0 ? (year + 99) / 100 : (year - 99) / 100;
    case TimeUnit::kDecade:
      return year / 10;
    case TimeUnit::kYear:
      return year;
    case TimeUnit::kIsoYear:
    case TimeUnit::kWeek: {
      int64_t week_year = 0;
      int week = 0;
      IsoWeek(days, &week_year, &week);
      return unit == TimeUnit::kWeek ? week : week_year;
    }
    case TimeUnit::kQuarter:
      return (civil.date.month + 2) / 3;
    case TimeUnit::kMonth:
      return civil.date.month;
    case TimeUnit::kDay:
      return civil.date.day;
    case TimeUnit::kHour:
      return civil.hour;
    case TimeUnit::kMinute:
      return civil.minute;
    case TimeUnit::kSecond:
      return civil.second;
    case TimeUnit::kMillisecond:
      return civil.micros / kMicrosPerMilli;
    case TimeUnit::kMicrosecond:
      return civil.micros;
    case TimeUnit::kNanosecond:
      return civil.micros * 1000;
    case TimeUnit::kDayOfWeek:
      return DayOfWeekFromSunday(days) + 1;
    case TimeUnit::kIsoDayOfWeek:
      return IsoDayOfWeek(days);
    case TimeUnit::kDayOfYear:
      return DayOfYear(civil.date);
    case TimeUnit::kEpoch:
      return FloorDiv(micros, kMicrosPerSecond);
  }
  return 0;
}

// EXTRACT on intervals, as Calcite: components of the signed interval.
int64_t ExtractFromMonths(TimeUnit unit, int64_t months) {
  return unit == TimeUnit::kYear ? months / 12 : months % 12;
}

int64_t ExtractFromMillis(TimeUnit unit, int64_t millis) {
  switch (unit) {
    case TimeUnit::kDay:
      return millis / kMillisPerDay;
    case TimeUnit::kHour:
      return millis % kMillisPerDay / (3600 * kMillisPerSecond);
    case TimeUnit::kMinute:
      return millis % (3600 * kMillisPerSecond) / (60 * kMillisPerSecond);
    case TimeUnit::kSecond:
      return millis % (60 * kMillisPerSecond) / kMillisPerSecond;
    case TimeUnit::kMillisecond:
      return millis % kMillisPerSecond;
    default:  // EPOCH
      return millis / kMillisPerSecond;
  }
}

Result<BoundScalarFunction> BindExtractUnit(std::string_view name, TimeUnit unit,
                                            const DataType& type,
                                            std::span<const ArgumentInfo> args,
                                            const std::vector<std::string>& signatures) {
  DataType result = DataType::BigInt(type.nullable());
  TypeId id = type.id();
  if (id == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  size_t value_index = args.size() - 1;
  auto unsupported = [&] {
    return Status::Validation("{}: {} cannot be extracted from {}", name, NameOf(unit),
                              type.WithNullable(true).ToString());
  };
  if (id == TypeId::kIntervalYearMonth || id == TypeId::kIntervalDayTime) {
    bool months = id == TypeId::kIntervalYearMonth;
    bool supported = months ? (unit == TimeUnit::kYear || unit == TimeUnit::kMonth)
                            : (unit >= TimeUnit::kDay && unit <= TimeUnit::kMillisecond) ||
                                  unit == TimeUnit::kEpoch;
    if (!supported) return unsupported();
    auto kernel = MakeKernel(
        [unit, months, value_index](const KernelContext& context,
                                    std::span<const VectorPtr> values) -> Result<VectorPtr> {
          const Vector& in = *values[value_index];
          if (months) {
            return VectorPtr(UnaryLoop<int32_t, int64_t>(
                in, context.result_type, context.num_rows,
                [unit](int32_t value) { return ExtractFromMonths(unit, value); }));
          }
          return VectorPtr(UnaryLoop<int64_t, int64_t>(
              in, context.result_type, context.num_rows,
              [unit](int64_t value) { return ExtractFromMillis(unit, value); }));
        });
    return BoundScalarFunction{result, {}, kernel, {}};
  }
  if (id == TypeId::kTime) {
    // Flink: "unit YEAR can not be applied to time variable".
    if (unit < TimeUnit::kHour || unit > TimeUnit::kNanosecond) return unsupported();
    auto kernel =
        MakeKernel([unit, value_index](const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
          return VectorPtr(UnaryLoop<int32_t, int64_t>(
              *values[value_index], context.result_type, context.num_rows,
              [unit](int32_t millis) { return ExtractField(unit, millis * kMicrosPerMilli); }));
        });
    return BoundScalarFunction{result, {}, kernel, {}};
  }
  if (!IsDateOrTimestamp(type)) return SignatureMismatch(name, args, signatures);
  if (id == TypeId::kDate && !IsDateUnit(unit) && unit != TimeUnit::kEpoch) {
    return unsupported();
  }
  auto kernel = MakeKernel([unit, id, value_index](
                               const KernelContext& context,
                               std::span<const VectorPtr> values) -> Result<VectorPtr> {
    const Vector& in = *values[value_index];
    const DataType& out = context.result_type;
    size_t num_rows = context.num_rows;
    if (id == TypeId::kDate) {
      return VectorPtr(UnaryLoop<int32_t, int64_t>(in, out, num_rows, [unit](int32_t days) {
        return ExtractField(unit, days * kMicrosPerDay);
      }));
    }
    if (id == TypeId::kTimestamp) {
      return VectorPtr(UnaryLoop<int64_t, int64_t>(
          in, out, num_rows, [unit](int64_t micros) { return ExtractField(unit, micros); }));
    }
    // TIMESTAMP_LTZ: fields in the session time zone; EPOCH is the instant's.
    const TimeZone& zone = context.function_context.local_time_zone;
    return VectorPtr(UnaryLoop<int64_t, int64_t>(in, out, num_rows, [unit, &zone](int64_t micros) {
      return unit == TimeUnit::kEpoch ? FloorDiv(micros, kMicrosPerSecond)
                                      : ExtractField(unit, zone.ToLocal(micros));
    }));
  });
  return BoundScalarFunction{result, {}, kernel, {}};
}

Result<BoundScalarFunction> BindExtract(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"EXTRACT(<TIME UNIT> FROM <DATETIME>)",
                                                       "EXTRACT(<TIME UNIT> FROM <INTERVAL>)"};
  if (args.size() != 2) return SignatureMismatch("EXTRACT", args, kSignatures);
  ASSIGN_OR_RAISE(TimeUnit unit, BindTimeUnit("EXTRACT", args[0], /*sql_tsi=*/false));
  return BindExtractUnit("EXTRACT", unit, args[1].type, args, kSignatures);
}

// YEAR(x), MONTH(x), ...: EXTRACT with a fixed unit.
ScalarFunction ExtractShorthand(std::string name, TimeUnit unit) {
  std::vector<std::string> signatures = {name + "(<DATETIME>)"};
  return ScalarFunction{
      name, signatures,
      [name, unit, signatures](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (args.size() != 1 || args[0].type.is_interval()) {
          return SignatureMismatch(name, args, signatures);
        }
        return BindExtractUnit(name, unit, args[0].type, args, signatures);
      }};
}

// FLOOR(x TO unit) and CEIL(x TO unit) ------------------------------------------

Result<BoundScalarFunction> BindTemporalFloorCeil(const std::string& name, bool ceil,
                                                  std::span<const ArgumentInfo> args) {
  std::vector<std::string> signatures = {name + "(<DATETIME> TO <TIME UNIT>)"};
  const DataType& type = args[0].type;
  TypeId id = type.id();
  if (!IsDateOrTimestamp(type) && id != TypeId::kTime && id != TypeId::kNull) {
    return SignatureMismatch(name, args, signatures);
  }
  ASSIGN_OR_RAISE(TimeUnit unit, BindTimeUnit(name, args[1], /*sql_tsi=*/false));
  if (unit > TimeUnit::kMicrosecond || unit == TimeUnit::kIsoYear ||
      (id == TypeId::kTime && unit < TimeUnit::kHour)) {
    return Status::Validation("{}: cannot round {} to {}", name, type.WithNullable(true).ToString(),
                              NameOf(unit));
  }
  if (id == TypeId::kNull) return BoundScalarFunction{type, {}, NullKernel(), {}};
  auto round = [ceil, unit](int64_t micros) {
    return ceil ? CeilMicros(micros, unit) : FloorMicros(micros, unit);
  };
  auto kernel = MakeKernel([id, round](const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
    const Vector& in = *values[0];
    const DataType& out = context.result_type;
    size_t num_rows = context.num_rows;
    switch (id) {
      case TypeId::kDate:
        return VectorPtr(UnaryLoop<int32_t, int32_t>(in, out, num_rows, [&round](int32_t days) {
          return static_cast<int32_t>(FloorDiv(round(days * kMicrosPerDay), kMicrosPerDay));
        }));
      case TypeId::kTime:
        // CEIL(TIME '23:59:30' TO MINUTE) wraps to midnight.
        return VectorPtr(UnaryLoop<int32_t, int32_t>(in, out, num_rows, [&round](int32_t millis) {
          return static_cast<int32_t>(FloorMod(round(millis * kMicrosPerMilli), kMicrosPerDay) /
                                      kMicrosPerMilli);
        }));
      case TypeId::kTimestamp:
        return VectorPtr(UnaryLoop<int64_t, int64_t>(in, out, num_rows, round));
      default: {
        // TIMESTAMP_LTZ: rounded in the session time zone.
        const TimeZone& zone = context.function_context.local_time_zone;
        return VectorPtr(UnaryLoop<int64_t, int64_t>(in, out, num_rows, [&](int64_t micros) {
          return zone.ToUtc(round(zone.ToLocal(micros)));
        }));
      }
    }
  });
  return BoundScalarFunction{type, {}, kernel, {}};
}

// Registers the temporal form of FLOOR, CEIL or CEILING. The numeric form
// (one argument) lives in math_functions.cc; the registry holds one function per
// name, so this binds two-argument calls and passes every other call to the
// function already registered under the name, as math_functions.cc does for its
// one-argument calls. Whichever file registers first, each name ends up with one
// function that dispatches on the number of arguments.
void AddTemporalFloorCeil(FunctionRegistry* registry, const std::string& name, bool ceil) {
  std::vector<std::string> signatures = {name + "(<DATETIME> TO <TIME UNIT>)"};
  ScalarBinder other;
  if (const ScalarFunction* existing = registry->FindScalar(name); existing != nullptr) {
    other = existing->bind;
    signatures.insert(signatures.begin(), existing->signatures.begin(), existing->signatures.end());
  }
  registry->AddScalar(
      ScalarFunction{name, signatures,
                     [name, ceil, signatures,
                      other](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
                       if (args.size() == 2) return BindTemporalFloorCeil(name, ceil, args);
                       if (other) return other(args);
                       return SignatureMismatch(name, args, signatures);
                     }});
}

// TIMESTAMPADD ---------------------------------------------------------------------

// Flink's result type of TIMESTAMPADD(unit, num_rows, x) (its SqlTimestampAddFunction).
DataType TimestampAddType(TimeUnit unit, const DataType& type, bool nullable) {
  TypeId id = type.id();
  switch (unit) {
    case TimeUnit::kMillisecond:
    case TimeUnit::kMicrosecond: {
      int precision = std::max(unit == TimeUnit::kMillisecond ? 3 : 6,
                               id == TypeId::kDate ? 0 : type.precision());
      if (id == TypeId::kTime) return DataType::Time(precision, nullable);
      if (id == TypeId::kTimestampLtz) return DataType::TimestampLtz(precision, nullable);
      return DataType::Timestamp(precision, nullable);
    }
    case TimeUnit::kHour:
    case TimeUnit::kMinute:
    case TimeUnit::kSecond:
      if (id == TypeId::kDate) return DataType::Timestamp(6, nullable);
      return type.WithNullable(nullable);
    default:
      return type.WithNullable(nullable);
  }
}

// x + count units, on local microseconds. Months clamp the day to the month's end.
int64_t AddUnits(TimeUnit unit, int64_t micros, int64_t count) {
  if (!IsFixedLengthUnit(unit)) {
    return AddMonthsToMicros(
        micros, std::clamp(count, -kMaxYear * 12, kMaxYear * 12) * MonthsPerUnit(unit));
  }
  // Wraps on overflow like Java's long arithmetic.
  return static_cast<int64_t>(static_cast<uint64_t>(micros) +
                              static_cast<uint64_t>(count) *
                                  static_cast<uint64_t>(MicrosPerUnit(unit)));
}

Result<BoundScalarFunction> BindTimestampAdd(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "TIMESTAMPADD(<TIME UNIT>, <INTEGER>, <DATETIME>)"};
  if (args.size() != 3 || !IsIntegerOrNull(args[1].type) ||
      !(IsDateOrTimestamp(args[2].type) || args[2].type.id() == TypeId::kTime ||
        args[2].type.id() == TypeId::kNull)) {
    return SignatureMismatch("TIMESTAMPADD", args, kSignatures);
  }
  ASSIGN_OR_RAISE(TimeUnit unit, BindTimeUnit("TIMESTAMPADD", args[0], /*sql_tsi=*/true));
  if (unit < TimeUnit::kYear || unit == TimeUnit::kIsoYear || unit > TimeUnit::kMicrosecond) {
    return Status::Validation("TIMESTAMPADD: {} is not a unit that can be added", NameOf(unit));
  }
  const DataType& type = args[2].type;
  TypeId id = type.id();
  DataType result = TimestampAddType(unit, type, args[1].type.nullable() || type.nullable());
  if (id == TypeId::kNull) return BoundScalarFunction{result, {}, NullKernel(), {}};
  TypeId result_id = result.id();
  auto kernel =
      MakeKernel([unit, id, result_id](const KernelContext& context,
                                       std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& count = *values[1];
        const Vector& value = *values[2];
        const DataType& out = context.result_type;
        size_t num_rows = context.num_rows;
        if (id == TypeId::kTime) {
          // Whole days and months do not change a time of day.
          return VectorPtr(BinaryLoop<int64_t, int32_t, int32_t>(
              count, value, out, num_rows, [unit](int64_t units, int32_t millis) {
                if (!IsFixedLengthUnit(unit)) return millis;
                int64_t micros = AddUnits(unit, millis * kMicrosPerMilli, units);
                return static_cast<int32_t>(FloorMod(micros, kMicrosPerDay) / kMicrosPerMilli);
              }));
        }
        if (id == TypeId::kDate && result_id == TypeId::kDate) {
          return VectorPtr(BinaryLoop<int64_t, int32_t, int32_t>(
              count, value, out, num_rows, [unit](int64_t units, int32_t days) {
                return static_cast<int32_t>(
                    FloorDiv(AddUnits(unit, days * kMicrosPerDay, units), kMicrosPerDay));
              }));
        }
        if (id == TypeId::kDate) {
          return VectorPtr(BinaryLoop<int64_t, int32_t, int64_t>(
              count, value, out, num_rows, [unit](int64_t units, int32_t days) {
                return AddUnits(unit, days * kMicrosPerDay, units);
              }));
        }
        // TIMESTAMP, and TIMESTAMP_LTZ on its UTC value as Flink's interval
        // arithmetic does.
        return VectorPtr(BinaryLoop<int64_t, int64_t, int64_t>(
            count, value, out, num_rows,
            [unit](int64_t units, int64_t micros) { return AddUnits(unit, micros, units); }));
      });
  std::vector<DataType> casts = {args[0].type, DataType::BigInt(args[1].type.nullable()), type};
  return BoundScalarFunction{result, casts, kernel, {}};
}

// TIMESTAMPDIFF ----------------------------------------------------------------------

// The (signed, truncated) number of `unit`s from `from` to `to`, both in
// microseconds and compared at millisecond precision, as an INT that wraps like
// Java's (int) cast.
int32_t TimestampDiff(TimeUnit unit, int64_t from, int64_t to) {
  int64_t from_millis = FloorDiv(from, kMicrosPerMilli);
  int64_t to_millis = FloorDiv(to, kMicrosPerMilli);
  int64_t difference = 0;
  if (IsFixedLengthUnit(unit)) {
    difference = (to_millis - from_millis) / (MicrosPerUnit(unit) / kMicrosPerMilli);
  } else {
    difference = MonthsBetween(from_millis * kMicrosPerMilli, to_millis * kMicrosPerMilli) /
                 MonthsPerUnit(unit);
  }
  return static_cast<int32_t>(difference);
}

int64_t MicrosOf(int32_t days) { return days * kMicrosPerDay; }
int64_t MicrosOf(int64_t micros) { return micros; }

template <typename From, typename To>
VectorPtr TimestampDiffLoop(TimeUnit unit, const Vector& from, const Vector& to,
                            const DataType& type, size_t num_rows) {
  return BinaryLoop<From, To, int32_t>(from, to, type, num_rows, [unit](From start, To end) {
    return TimestampDiff(unit, MicrosOf(start), MicrosOf(end));
  });
}

Result<BoundScalarFunction> BindTimestampDiff(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "TIMESTAMPDIFF(<TIME UNIT>, <TIMESTAMP>, <TIMESTAMP>)",
      "TIMESTAMPDIFF(<TIME UNIT>, <DATE>, <DATE>)"};
  if (args.size() != 3) return SignatureMismatch("TIMESTAMPDIFF", args, kSignatures);
  const DataType& from = args[1].type;
  const DataType& to = args[2].type;
  bool from_ok = IsDateOrTimestamp(from) || from.id() == TypeId::kNull;
  bool to_ok = IsDateOrTimestamp(to) || to.id() == TypeId::kNull;
  // An instant (TIMESTAMP_LTZ) and a local date-time cannot be compared.
  bool mixes_instants = (from.id() == TypeId::kTimestampLtz && to.id() != TypeId::kTimestampLtz &&
                         to.id() != TypeId::kNull) ||
                        (to.id() == TypeId::kTimestampLtz && from.id() != TypeId::kTimestampLtz &&
                         from.id() != TypeId::kNull);
  if (!from_ok || !to_ok || mixes_instants) {
    return SignatureMismatch("TIMESTAMPDIFF", args, kSignatures);
  }
  ASSIGN_OR_RAISE(TimeUnit unit, BindTimeUnit("TIMESTAMPDIFF", args[0], /*sql_tsi=*/true));
  if (unit < TimeUnit::kYear || unit > TimeUnit::kSecond || unit == TimeUnit::kIsoYear) {
    return Status::Validation(
        "TIMESTAMPDIFF: unit '{}' can not be applied; use YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, "
        "MINUTE or SECOND",
        NameOf(unit));
  }
  DataType result = DataType::Int(from.nullable() || to.nullable());
  if (from.id() == TypeId::kNull || to.id() == TypeId::kNull) {
    return BoundScalarFunction{result, {}, NullKernel(), {}};
  }
  bool from_date = from.id() == TypeId::kDate;
  bool to_date = to.id() == TypeId::kDate;
  auto kernel = MakeKernel(
      [unit, from_date, to_date](const KernelContext& context,
                                 std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& start = *values[1];
        const Vector& end = *values[2];
        const DataType& out = context.result_type;
        size_t num_rows = context.num_rows;
        if (from_date && to_date) {
          return TimestampDiffLoop<int32_t, int32_t>(unit, start, end, out, num_rows);
        }
        if (from_date) return TimestampDiffLoop<int32_t, int64_t>(unit, start, end, out, num_rows);
        if (to_date) return TimestampDiffLoop<int64_t, int32_t>(unit, start, end, out, num_rows);
        return TimestampDiffLoop<int64_t, int64_t>(unit, start, end, out, num_rows);
      });
  return BoundScalarFunction{result, {}, kernel, {}};
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry* registry) {
  registry->AddScalar(
      ScalarFunction{"DATE_FORMAT",
                     {"DATE_FORMAT(<TIMESTAMP>, <STRING>)", "DATE_FORMAT(<STRING>, <STRING>)"},
                     BindDateFormat});
  registry->AddScalar(
      ScalarFunction{"FROM_UNIXTIME",
                     {"FROM_UNIXTIME(<INTEGER>)", "FROM_UNIXTIME(<INTEGER>, <STRING>)"},
                     BindFromUnixtime});
  registry->AddScalar(ScalarFunction{
      "UNIX_TIMESTAMP",
      {"UNIX_TIMESTAMP()", "UNIX_TIMESTAMP(<STRING>)", "UNIX_TIMESTAMP(<STRING>, <STRING>)"},
      BindUnixTimestamp});
  registry->AddScalar(ScalarFunction{"TO_TIMESTAMP",
                                     {"TO_TIMESTAMP(<STRING>)", "TO_TIMESTAMP(<STRING>, <STRING>)"},
                                     BindToTimestamp});
  registry->AddScalar(
      ScalarFunction{"TO_DATE", {"TO_DATE(<STRING>)", "TO_DATE(<STRING>, <STRING>)"}, BindToDate});
  registry->AddScalar(ScalarFunction{
      "TO_TIMESTAMP_LTZ", {"TO_TIMESTAMP_LTZ(<NUMERIC>, <INTEGER>)"}, BindToTimestampLtz});
  registry->AddScalar(
      ScalarFunction{"CONVERT_TZ", {"CONVERT_TZ(<STRING>, <STRING>, <STRING>)"}, BindConvertTz});

  registry->AddScalar(
      ClockFunction("CURRENT_TIMESTAMP", ClockValue::kInstant, DataType::TimestampLtz(3, false)));
  registry->AddScalar(ClockFunction("NOW", ClockValue::kInstant, DataType::TimestampLtz(3, false)));
  // PROCTIME(): the processing-time attribute; as a value, the current instant.
  registry->AddScalar(
      ClockFunction("PROCTIME", ClockValue::kInstant,
                    DataType::TimestampLtz(3, false).WithTimeAttribute(TimeAttribute::kProctime)));
  registry->AddScalar(ClockFunction("CURRENT_ROW_TIMESTAMP", ClockValue::kInstant,
                                    DataType::TimestampLtz(3, false),
                                    /*per_record_in_batch_mode=*/true));
  registry->AddScalar(
      ClockFunction("LOCALTIMESTAMP", ClockValue::kLocalTimestamp, DataType::Timestamp(3, false)));
  registry->AddScalar(ClockFunction("CURRENT_DATE", ClockValue::kLocalDate, DataType::Date(false)));
  registry->AddScalar(
      ClockFunction("CURRENT_TIME", ClockValue::kLocalTime, DataType::Time(0, false)));
  registry->AddScalar(ClockFunction("LOCALTIME", ClockValue::kLocalTime, DataType::Time(0, false)));

  registry->AddScalar(ScalarFunction{
      "EXTRACT",
      {"EXTRACT(<TIME UNIT> FROM <DATETIME>)", "EXTRACT(<TIME UNIT> FROM <INTERVAL>)"},
      BindExtract});
  registry->AddScalar(ExtractShorthand("YEAR", TimeUnit::kYear));
  registry->AddScalar(ExtractShorthand("QUARTER", TimeUnit::kQuarter));
  registry->AddScalar(ExtractShorthand("MONTH", TimeUnit::kMonth));
  registry->AddScalar(ExtractShorthand("WEEK", TimeUnit::kWeek));
  registry->AddScalar(ExtractShorthand("DAYOFYEAR", TimeUnit::kDayOfYear));
  registry->AddScalar(ExtractShorthand("DAYOFMONTH", TimeUnit::kDay));
  registry->AddScalar(ExtractShorthand("DAYOFWEEK", TimeUnit::kDayOfWeek));
  registry->AddScalar(ExtractShorthand("HOUR", TimeUnit::kHour));
  registry->AddScalar(ExtractShorthand("MINUTE", TimeUnit::kMinute));
  registry->AddScalar(ExtractShorthand("SECOND", TimeUnit::kSecond));

  registry->AddScalar(ScalarFunction{
      "TIMESTAMPADD", {"TIMESTAMPADD(<TIME UNIT>, <INTEGER>, <DATETIME>)"}, BindTimestampAdd});
  registry->AddScalar(ScalarFunction{"TIMESTAMPDIFF",
                                     {"TIMESTAMPDIFF(<TIME UNIT>, <TIMESTAMP>, <TIMESTAMP>)",
                                      "TIMESTAMPDIFF(<TIME UNIT>, <DATE>, <DATE>)"},
                                     BindTimestampDiff});

  AddTemporalFloorCeil(registry, "FLOOR", /*ceil=*/false);
  AddTemporalFloorCeil(registry, "CEIL", /*ceil=*/true);
  AddTemporalFloorCeil(registry, "CEILING", /*ceil=*/true);
}

}  // namespace tiangong
