#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "functions/function_registry.h"
#include "functions/test_calls.h"
#include "types/decimal.h"
#include "types/temporal.h"
#include "types/time_zone.h"

namespace tiangong {
namespace {

// Arguments -------------------------------------------------------------------

TestArgument Timestamp(std::string_view text, int precision = 3) {
  return Literal(DataType::Timestamp(precision, false), Value::Int(*ParseTimestamp(text)));
}
// A TIMESTAMP_LTZ given as its UTC date and time.
TestArgument Ltz(std::string_view utc_text) {
  return Literal(DataType::TimestampLtz(3, false), Value::Int(*ParseTimestamp(utc_text)));
}
TestArgument Date(std::string_view text) {
  return Literal(DataType::Date(false), Value::Int(*ParseDate(text)));
}
TestArgument Time(std::string_view text) {
  return Literal(DataType::Time(3, false), Value::Int(*ParseTime(text)));
}
TestArgument String(std::string_view text) {
  return Literal(DataType::String(false), Value::String(std::string(text)));
}
TestArgument Int(int64_t value) { return Literal(DataType::Int(false), Value::Int(value)); }
TestArgument BigInt(int64_t value) { return Literal(DataType::BigInt(false), Value::Int(value)); }
TestArgument NullOf(DataType type) { return Literal(type.WithNullable(true), Value()); }

TestArgument TimestampColumn(std::vector<std::string_view> texts) {
  std::vector<Value> values;
  for (std::string_view text : texts) {
    values.push_back(text == "NULL" ? Value() : Value::Int(*ParseTimestamp(text)));
  }
  return Column(DataType::Timestamp(3), values);
}
TestArgument StringColumn(std::vector<std::string_view> texts) {
  std::vector<Value> values;
  for (std::string_view text : texts) {
    values.push_back(text == "NULL" ? Value() : Value::String(std::string(text)));
  }
  return Column(DataType::String(), values);
}

FunctionContext InZone(std::string_view zone) {
  FunctionContext context;
  context.local_time_zone = *TimeZone::Load(zone);
  return context;
}

// Results, as a user sees them ---------------------------------------------------

std::string Show(const DataType& type, const Value& value) {
  if (value.is_null()) return "NULL";
  switch (type.id()) {
    case TypeId::kDate:
      return FormatDate(static_cast<int32_t>(value.AsInt()));
    case TypeId::kTime:
      return FormatTime(static_cast<int32_t>(value.AsInt()), type.precision());
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:  // the UTC date and time
      return FormatTimestamp(value.AsInt(), type.precision());
    case TypeId::kVarChar:
    case TypeId::kChar:
      return value.AsString();
    case TypeId::kDecimal:
      return DecimalToString(value.AsDecimal(), type.scale());
    default:
      return std::to_string(value.AsInt());
  }
}

// Every row of the call, or "ERROR: <message>".
std::vector<std::string> EvalRows(std::string_view name, std::vector<TestArgument> arguments,
                                  const FunctionContext& context = FunctionContext()) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments), context);
  if (!result.ok()) return {"ERROR: " + result.status().message()};
  std::vector<std::string> rows;
  for (const Value& value : result->values) rows.push_back(Show(result->type, value));
  return rows;
}

std::string Eval(std::string_view name, std::vector<TestArgument> arguments,
                 const FunctionContext& context = FunctionContext()) {
  return EvalRows(name, std::move(arguments), context).at(0);
}

std::string TypeOf(std::string_view name, std::vector<TestArgument> arguments) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments));
  return result.ok() ? result->type.ToString() : "ERROR: " + result.status().message();
}

bool IsDeterministic(std::string_view name) {
  Result<BoundScalarFunction> bound = BuiltinFunctions().FindScalar(name)->bind({});
  EXPECT_TRUE(bound.ok()) << name;
  return bound.ok() && bound->traits.deterministic;
}

MATCHER_P(StartsWith, prefix, "") { return arg.rfind(prefix, 0) == 0; }
MATCHER_P(Contains, part, "") { return arg.find(part) != std::string::npos; }

// DATE_FORMAT ---------------------------------------------------------------------

TEST(TimeFunctionsTest, DateFormatOfTimestamps) {
  TestArgument leap_day = Timestamp("2020-02-29 13:05:09.123456", 6);
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("yyyy-MM-dd HH:mm:ss.SSS")}),
            "2020-02-29 13:05:09.123");
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("EEE, d MMM yyyy hh:mm a")}),
            "Sat, 29 Feb 2020 01:05 PM");
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("EEEE MMMM D")}), "Saturday February 60");
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("yy/M/d H:m:s")}), "20/2/29 13:5:9");
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("yyyy-MM-dd'T'HH:mm:ss''")}),
            "2020-02-29T13:05:09'");
  // DateTimeFormatter: 'S' is a fraction of the second.
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("ss.SSSSSS|S")}), "09.123456|1");
  EXPECT_EQ(Eval("DATE_FORMAT", {leap_day, String("kk KK G")}), "13 01 AD");
  // Before 1970.
  EXPECT_EQ(Eval("DATE_FORMAT",
                 {Timestamp("1969-12-31 23:59:59.999"), String("yyyy-MM-dd HH:mm:ss.SSS EEE")}),
            "1969-12-31 23:59:59.999 Wed");
  EXPECT_EQ(Eval("DATE_FORMAT", {Date("2024-02-29"), String("yyyy/MM/dd EEE")}), "2024/02/29 Thu");
  EXPECT_EQ(TypeOf("DATE_FORMAT", {leap_day, String("yyyy")}), "STRING");
}

TEST(TimeFunctionsTest, DateFormatWeekFieldsFollowJavasUsRules) {
  // Weeks start on Sunday; week 1 holds January 1 (a Friday in 2021).
  EXPECT_EQ(Eval("DATE_FORMAT", {Timestamp("2020-12-31 00:00:00"), String("YYYY-ww W")}),
            "2021-01 5");
  EXPECT_EQ(Eval("DATE_FORMAT", {Timestamp("2020-12-26 00:00:00"), String("YYYY-ww")}), "2020-52");
  // 'u' is the year for java.time, the ISO day of the week for SimpleDateFormat.
  EXPECT_EQ(Eval("DATE_FORMAT", {Timestamp("2020-02-29 00:00:00"), String("u")}), "2020");
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2020-02-29 00:00:00"), String("u F")}), "6 5");
}

TEST(TimeFunctionsTest, DateFormatShowsTimestampLtzInTheSessionZone) {
  TestArgument epoch = Ltz("1970-01-01 00:00:00");
  EXPECT_EQ(Eval("DATE_FORMAT", {epoch, String("yyyy-MM-dd HH:mm:ss")}, InZone("Asia/Shanghai")),
            "1970-01-01 08:00:00");
  EXPECT_EQ(Eval("DATE_FORMAT", {epoch, String("yyyy-MM-dd HH:mm:ss")}, InZone("UTC")),
            "1970-01-01 00:00:00");
  // A TIMESTAMP has no zone: the same text everywhere.
  EXPECT_EQ(Eval("DATE_FORMAT", {Timestamp("1970-01-01 00:00:00"), String("HH:mm")},
                 InZone("Asia/Shanghai")),
            "00:00");
}

TEST(TimeFunctionsTest, DateFormatOfStrings) {
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2020-02-29 13:05:09"), String("MM/dd/yyyy HH")}),
            "02/29/2020 13");
  // SimpleDateFormat ignores what follows the pattern ...
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2020-02-29 13:05:09.5"), String("yyyyMMdd")}), "20200229");
  // ... but needs all of it, and a valid date.
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2020-02-29"), String("yyyyMMdd")}), "NULL");
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2019-02-29 00:00:00"), String("yyyyMMdd")}), "NULL");
  // Strings may print the session zone's offset.
  EXPECT_EQ(Eval("DATE_FORMAT", {String("2020-02-29 13:05:09"), String("HH:mm Z XXX")},
                 InZone("Asia/Shanghai")),
            "13:05 +0800 +08:00");
}

TEST(TimeFunctionsTest, DateFormatWithPatternsFromAColumn) {
  std::vector<std::string> rows = EvalRows(
      "DATE_FORMAT", {TimestampColumn({"2020-02-29 13:05:09", "2020-02-29 13:05:09",
                                       "2020-02-29 13:05:09", "NULL", "1999-12-31 00:00:00"}),
                      StringColumn({"yyyy", "HH:mm", "NULL", "yyyy", "yyyy"})});
  EXPECT_EQ(rows, (std::vector<std::string>{"2020", "13:05", "NULL", "NULL", "1999"}));
  // An invalid pattern in a column fails the call ...
  EXPECT_THAT(
      Eval("DATE_FORMAT", {TimestampColumn({"2020-02-29 13:05:09"}), StringColumn({"yyyy-qq"})}),
      Contains("the pattern letter 'q' is not supported"));
  // ... and a constant one fails when the call is bound.
  EXPECT_THAT(Eval("DATE_FORMAT", {Timestamp("2020-02-29 13:05:09"), String("yyyy-'MM")}),
              Contains("a quoted literal is not closed"));
  // java.time cannot print the offset of a local date-time.
  EXPECT_THAT(Eval("DATE_FORMAT", {Timestamp("2020-02-29 13:05:09"), String("HH:mm Z")}),
              Contains("prints a zone offset"));
  EXPECT_EQ(Eval("DATE_FORMAT", {NullOf(DataType::Timestamp(3)), String("yyyy")}), "NULL");
  EXPECT_EQ(Eval("DATE_FORMAT", {Timestamp("2020-02-29 13:05:09"), NullOf(DataType::String())}),
            "NULL");
  EXPECT_THAT(Eval("DATE_FORMAT", {Int(1), String("yyyy")}),
              StartsWith("ERROR: Invalid function call: DATE_FORMAT(INT, STRING)"));
}

// FROM_UNIXTIME and UNIX_TIMESTAMP --------------------------------------------------

TEST(TimeFunctionsTest, FromUnixtimeFormatsInTheSessionZone) {
  // Flink's documented example.
  EXPECT_EQ(Eval("FROM_UNIXTIME", {Int(44)}, InZone("UTC")), "1970-01-01 00:00:44");
  EXPECT_EQ(Eval("FROM_UNIXTIME", {Int(44)}, InZone("Asia/Tokyo")), "1970-01-01 09:00:44");
  EXPECT_EQ(Eval("FROM_UNIXTIME", {Int(-1)}), "1969-12-31 23:59:59");
  EXPECT_EQ(Eval("FROM_UNIXTIME", {BigInt(1582934400), String("yyyy-MM-dd EEE")}),
            "2020-02-29 Sat");
  EXPECT_EQ(Eval("FROM_UNIXTIME", {BigInt(1582905600), String("yyyy-MM-dd HH:mm Z")},
                 InZone("Asia/Shanghai")),
            "2020-02-29 00:00 +0800");
  // SimpleDateFormat: 'S' counts milliseconds; 'X' prints Z for UTC.
  EXPECT_EQ(Eval("FROM_UNIXTIME", {Int(0), String("SSS X")}), "000 Z");
  EXPECT_EQ(TypeOf("FROM_UNIXTIME", {Int(0)}), "STRING");
  EXPECT_EQ(EvalRows("FROM_UNIXTIME", {Column(DataType::BigInt(), {Value(), Value::Int(60)})}),
            (std::vector<std::string>{"NULL", "1970-01-01 00:01:00"}));
  EXPECT_THAT(Eval("FROM_UNIXTIME", {String("1")}),
              StartsWith("ERROR: Invalid function call: FROM_UNIXTIME(STRING)"));
}

TEST(TimeFunctionsTest, UnixTimestampParsesInTheSessionZone) {
  // Flink's documented examples, in Europe/Berlin.
  FunctionContext berlin = InZone("Europe/Berlin");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP",
                 {String("1970-01-01 08:00:01.001"), String("yyyy-MM-dd HH:mm:ss.SSS")}, berlin),
            "25201");
  EXPECT_EQ(
      Eval("UNIX_TIMESTAMP",
           {String("1970-01-01 08:00:01.001 +0800"), String("yyyy-MM-dd HH:mm:ss.SSS X")}, berlin),
      "1");
  EXPECT_EQ(
      Eval("UNIX_TIMESTAMP",
           {String("1970-01-01 08:00:01.001 +0800"), String("yyyy-MM-dd HH:mm:ss.SSS")}, berlin),
      "25201");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP",
                 {String("1970-01-01 08:00:01.001"), String("yyyy-MM-dd HH:mm:ss.SSS X")}, berlin),
            std::to_string(std::numeric_limits<int64_t>::min()));

  EXPECT_EQ(Eval("UNIX_TIMESTAMP", {String("2020-02-29 00:00:00")}, InZone("UTC")), "1582934400");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP", {String("2020-02-29 00:00:00")}, InZone("Asia/Shanghai")),
            "1582905600");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP", {String("1969-12-31 23:59:59")}), "-1");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP", {String("29/02/2020"), String("dd/MM/yyyy")}), "1582934400");
  EXPECT_EQ(Eval("UNIX_TIMESTAMP", {String("not a date")}),
            std::to_string(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(TypeOf("UNIX_TIMESTAMP", {String("2020-02-29 00:00:00")}), "BIGINT NOT NULL");
  EXPECT_EQ(EvalRows("UNIX_TIMESTAMP", {StringColumn({"NULL", "1970-01-01 00:00:10"})}),
            (std::vector<std::string>{"NULL", "10"}));
}

TEST(TimeFunctionsTest, UnixTimestampWithoutArgumentsReadsTheClock) {
  int64_t before = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  Result<Value> now = CallScalar("UNIX_TIMESTAMP", {});
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_GE(now->AsInt(), before);
  EXPECT_LE(now->AsInt(), before + 5);
  EXPECT_FALSE(IsDeterministic("UNIX_TIMESTAMP"));
  EXPECT_EQ(TypeOf("UNIX_TIMESTAMP", {}), "BIGINT NOT NULL");
}

// TO_TIMESTAMP and TO_DATE ------------------------------------------------------------

TEST(TimeFunctionsTest, ToTimestamp) {
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020-02-29 13:05:09")}), "2020-02-29 13:05:09.000");
  EXPECT_EQ(TypeOf("TO_TIMESTAMP", {String("2020-02-29 13:05:09")}), "TIMESTAMP(3)");
  // TIMESTAMP(3) keeps milliseconds.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020-02-29 13:05:09.123456")}),
            "2020-02-29 13:05:09.123");
  // Flink falls back to java.sql.Timestamp.valueOf and Date.valueOf forms.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("1999-9-10 05:20:10")}), "1999-09-10 05:20:10.000");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String(" 1999-9-10 ")}), "1999-09-10 00:00:00.000");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("1900-01-01 00:00:00")}), "1900-01-01 00:00:00.000");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2019-02-29 00:00:00")}), "NULL");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020-02-29 24:00:00")}), "NULL");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("yesterday")}), "NULL");
  // The value is a local date-time: the session zone does not matter.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020-02-29 13:05:09")}, InZone("Asia/Shanghai")),
            "2020-02-29 13:05:09.000");
}

TEST(TimeFunctionsTest, ToTimestampWithAPattern) {
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("29/02/2020 13:05"), String("dd/MM/yyyy HH:mm")}),
            "2020-02-29 13:05:00.000");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("20200229130509"), String("yyyyMMddHHmmss")}),
            "2020-02-29 13:05:09.000");
  EXPECT_EQ(Eval("TO_TIMESTAMP",
                 {String("29 feb 2020 01:05:09.5 PM"), String("dd MMM yyyy hh:mm:ss.S a")}),
            "2020-02-29 13:05:09.500");
  EXPECT_EQ(
      Eval("TO_TIMESTAMP", {String("2020-02-29T13:05:09Z"), String("yyyy-MM-dd'T'HH:mm:ssX")}),
      "2020-02-29 13:05:09.000");
  // java.time reads two-digit years as 2000-2099.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("99-12-31"), String("yy-MM-dd")}),
            "2099-12-31 00:00:00.000");
  // Missing fields default to 1970-01-01 00:00:00.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("13:05"), String("HH:mm")}), "1970-01-01 13:05:00.000");
  // DateTimeFormatter needs exact widths and the whole text; what does not match
  // falls back to the java.sql forms, and is NULL when those fail too.
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020-2-29 13:05:09"), String("yyyy-MM-dd HH:mm:ss")}),
            "2020-02-29 13:05:09.000");
  EXPECT_EQ(
      Eval("TO_TIMESTAMP", {String("2020-02-29 13:05:09 UTC"), String("yyyy-MM-dd HH:mm:ss")}),
      "NULL");
  EXPECT_EQ(Eval("TO_TIMESTAMP", {String("2020/02/30"), String("yyyy/MM/dd")}), "NULL");
  EXPECT_EQ(EvalRows("TO_TIMESTAMP", {StringColumn({"2020-01-01", "NULL", "x"}),
                                      StringColumn({"yyyy-MM-dd", "yyyy-MM-dd", "yyyy"})}),
            (std::vector<std::string>{"2020-01-01 00:00:00.000", "NULL", "NULL"}));
}

TEST(TimeFunctionsTest, ToDate) {
  EXPECT_EQ(Eval("TO_DATE", {String("2020-02-29")}), "2020-02-29");
  EXPECT_EQ(TypeOf("TO_DATE", {String("2020-02-29")}), "DATE");
  EXPECT_EQ(Eval("TO_DATE", {String("2020-2-9")}), "2020-02-09");
  EXPECT_EQ(Eval("TO_DATE", {String("2017-12-12 09:30:00")}), "2017-12-12");
  EXPECT_EQ(Eval("TO_DATE", {String("2020")}), "2020-01-01");
  EXPECT_EQ(Eval("TO_DATE", {String("1969-12-31")}), "1969-12-31");
  EXPECT_EQ(Eval("TO_DATE", {String("2019-02-29")}), "NULL");
  EXPECT_EQ(Eval("TO_DATE", {String("2020-02-x")}), "NULL");
  EXPECT_EQ(Eval("TO_DATE", {String("29.02.2020"), String("dd.MM.yyyy")}), "2020-02-29");
  EXPECT_EQ(Eval("TO_DATE", {String("Dec 31, 1969"), String("MMM d, yyyy")}), "1969-12-31");
  EXPECT_EQ(Eval("TO_DATE", {String("31.02.2020"), String("dd.MM.yyyy")}), "NULL");
  EXPECT_EQ(Eval("TO_DATE", {String("2020-060"), String("yyyy-DDD")}), "2020-02-29");
  EXPECT_EQ(Eval("TO_DATE", {String("2019-366"), String("yyyy-DDD")}), "NULL");
  EXPECT_EQ(Eval("TO_DATE", {NullOf(DataType::String())}), "NULL");
}

// TO_TIMESTAMP_LTZ ------------------------------------------------------------------

TEST(TimeFunctionsTest, ToTimestampLtz) {
  EXPECT_EQ(Eval("TO_TIMESTAMP_LTZ", {Int(0), Int(0)}), "1970-01-01 00:00:00.000");
  EXPECT_EQ(TypeOf("TO_TIMESTAMP_LTZ", {Int(0), Int(0)}), "TIMESTAMP_LTZ(3)");
  EXPECT_EQ(Eval("TO_TIMESTAMP_LTZ", {BigInt(1582934400123), Int(3)}), "2020-02-29 00:00:00.123");
  EXPECT_EQ(Eval("TO_TIMESTAMP_LTZ", {Int(-1), Int(0)}), "1969-12-31 23:59:59.000");
  // Seconds with a fraction keep milliseconds; decimals are truncated.
  EXPECT_EQ(
      Eval("TO_TIMESTAMP_LTZ", {Literal(DataType::Double(false), Value::Double(1.5)), Int(0)}),
      "1970-01-01 00:00:01.500");
  EXPECT_EQ(Eval("TO_TIMESTAMP_LTZ",
                 {Literal(DataType::Decimal(10, 3, false), Value::Decimal(1999)), Int(0)}),
            "1970-01-01 00:00:01.000");
  // Beyond 9999-12-31 is NULL.
  EXPECT_EQ(Eval("TO_TIMESTAMP_LTZ", {BigInt(253402300800), Int(0)}), "NULL");
  EXPECT_EQ(
      Eval("TO_TIMESTAMP_LTZ", {Literal(DataType::Double(false), Value::Double(1e300)), Int(3)}),
      "NULL");
  EXPECT_THAT(Eval("TO_TIMESTAMP_LTZ", {Int(0), Int(6)}),
              Contains("The precision value '6' for function TO_TIMESTAMP_LTZ(numeric, "
                       "precision) is unsupported"));
  EXPECT_THAT(Eval("TO_TIMESTAMP_LTZ", {Int(0), Column(DataType::Int(), {Value::Int(0)})}),
              Contains("the precision must be a constant"));
}

// CONVERT_TZ --------------------------------------------------------------------------

TEST(TimeFunctionsTest, ConvertTz) {
  // Flink's documented example.
  EXPECT_EQ(Eval("CONVERT_TZ",
                 {String("1970-01-01 00:00:00"), String("UTC"), String("America/Los_Angeles")}),
            "1969-12-31 16:00:00");
  EXPECT_EQ(
      Eval("CONVERT_TZ", {String("2020-01-01 08:00:00"), String("Asia/Shanghai"), String("UTC")}),
      "2020-01-01 00:00:00");
  // Java's three-letter IDs and custom offsets; daylight saving time applies.
  EXPECT_EQ(Eval("CONVERT_TZ", {String("2020-07-01 00:00:00"), String("PST"), String("GMT+08:00")}),
            "2020-07-01 15:00:00");
  EXPECT_EQ(Eval("CONVERT_TZ",
                 {String("2021-03-14 12:00:00"), String("America/New_York"), String("UTC")}),
            "2021-03-14 16:00:00");
  EXPECT_EQ(Eval("CONVERT_TZ", {String("2021-03-14"), String("UTC"), String("UTC")}), "NULL");
  EXPECT_THAT(
      Eval("CONVERT_TZ", {String("2021-03-14 00:00:00"), String("Mars/Olympus"), String("UTC")}),
      Contains("Invalid time zone 'Mars/Olympus'"));
  // Zones from a column are loaded once each; an unknown one fails the call.
  EXPECT_EQ(EvalRows("CONVERT_TZ",
                     {String("2020-01-01 00:00:00"), String("UTC"),
                      StringColumn({"Asia/Shanghai", "Asia/Tokyo", "Asia/Shanghai", "NULL"})}),
            (std::vector<std::string>{"2020-01-01 08:00:00", "2020-01-01 09:00:00",
                                      "2020-01-01 08:00:00", "NULL"}));
  EXPECT_THAT(Eval("CONVERT_TZ",
                   {String("2020-01-01 00:00:00"), String("UTC"), StringColumn({"Nowhere/Land"})}),
              Contains("Invalid time zone 'Nowhere/Land'"));
}

// The clock ---------------------------------------------------------------------------

TEST(TimeFunctionsTest, ClockFunctionsInBatchModeReturnTheQueryStart) {
  FunctionContext context = InZone("Asia/Shanghai");
  context.batch_mode = true;
  // 2020-03-01 00:30:00.123456 in Shanghai.
  context.query_start_micros = *ParseTimestamp("2020-02-29 16:30:00.123456");
  EXPECT_EQ(Eval("CURRENT_TIMESTAMP", {}, context), "2020-02-29 16:30:00.123");
  EXPECT_EQ(Eval("NOW", {}, context), "2020-02-29 16:30:00.123");
  EXPECT_EQ(Eval("LOCALTIMESTAMP", {}, context), "2020-03-01 00:30:00.123");
  EXPECT_EQ(Eval("CURRENT_DATE", {}, context), "2020-03-01");
  EXPECT_EQ(Eval("CURRENT_TIME", {}, context), "00:30:00");
  EXPECT_EQ(Eval("LOCALTIME", {}, context), "00:30:00");
  EXPECT_EQ(TypeOf("CURRENT_TIMESTAMP", {}), "TIMESTAMP_LTZ(3) NOT NULL");
  EXPECT_EQ(TypeOf("NOW", {}), "TIMESTAMP_LTZ(3) NOT NULL");
  EXPECT_EQ(TypeOf("LOCALTIMESTAMP", {}), "TIMESTAMP(3) NOT NULL");
  EXPECT_EQ(TypeOf("CURRENT_DATE", {}), "DATE NOT NULL");
  EXPECT_EQ(TypeOf("CURRENT_TIME", {}), "TIME(0) NOT NULL");
  EXPECT_EQ(TypeOf("LOCALTIME", {}), "TIME(0) NOT NULL");
}

TEST(TimeFunctionsTest, ClockFunctionsInStreamingModeReadTheClock) {
  int64_t before = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  FunctionContext context;
  context.query_start_micros = 0;
  for (std::string_view name : {"CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP"}) {
    Result<Value> now = CallScalar(name, {}, context);
    ASSERT_TRUE(now.ok()) << name;
    EXPECT_GE(now->AsInt(), before - 1000) << name;
    EXPECT_LE(now->AsInt(), before + 5 * kMicrosPerSecond) << name;
  }
  // CURRENT_ROW_TIMESTAMP reads the clock even in batch mode.
  context.batch_mode = true;
  Result<Value> row_time = CallScalar("CURRENT_ROW_TIMESTAMP", {}, context);
  ASSERT_TRUE(row_time.ok());
  EXPECT_GE(row_time->AsInt(), before - 1000);
  for (std::string_view name : {"CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP", "CURRENT_DATE",
                                "CURRENT_TIME", "LOCALTIME", "CURRENT_ROW_TIMESTAMP"}) {
    EXPECT_FALSE(IsDeterministic(name)) << name;
  }
  EXPECT_THAT(Eval("NOW", {Int(1)}), StartsWith("ERROR: Invalid function call: NOW(INT)"));
}

// EXTRACT and its shorthands -------------------------------------------------------------

TEST(TimeFunctionsTest, ExtractFromATimestamp) {
  TestArgument value = Timestamp("2006-06-05 13:14:15.123456", 6);  // a Monday
  std::vector<std::pair<std::string, std::string>> expected = {
      {"YEAR", "2006"},
      {"QUARTER", "2"},
      {"MONTH", "6"},
      {"WEEK", "23"},
      {"DAY", "5"},
      {"HOUR", "13"},
      {"MINUTE", "14"},
      {"SECOND", "15"},
      {"MILLISECOND", "123"},
      {"MICROSECOND", "123456"},
      {"NANOSECOND", "123456000"},
      {"DOW", "2"},
      {"ISODOW", "1"},
      {"DOY", "156"},
      {"DECADE", "200"},
      {"CENTURY", "21"},
      {"MILLENNIUM", "3"},
      {"ISOYEAR", "2006"},
      {"EPOCH", "1149513255"},
  };
  for (const auto& [unit, result] : expected) {
    EXPECT_EQ(Eval("EXTRACT", {String(unit), value}), result) << unit;
  }
  EXPECT_EQ(Eval("EXTRACT", {String("day"), value}), "5");
  // The SQL binder passes the unit as a CHAR literal.
  EXPECT_EQ(Eval("EXTRACT", {Literal(DataType::Char(4, false), Value::String("HOUR")), value}),
            "13");
  EXPECT_EQ(TypeOf("EXTRACT", {String("DAY"), value}), "BIGINT NOT NULL");
}

TEST(TimeFunctionsTest, ExtractShorthandsFollowFlinksDocumentation) {
  TestArgument date = Date("1994-09-27");
  EXPECT_EQ(Eval("YEAR", {date}), "1994");
  EXPECT_EQ(Eval("QUARTER", {date}), "3");
  EXPECT_EQ(Eval("MONTH", {date}), "9");
  EXPECT_EQ(Eval("WEEK", {date}), "39");
  EXPECT_EQ(Eval("DAYOFYEAR", {date}), "270");
  EXPECT_EQ(Eval("DAYOFMONTH", {date}), "27");
  EXPECT_EQ(Eval("DAYOFWEEK", {date}), "3");
  TestArgument timestamp = Timestamp("1994-09-27 13:14:15");
  EXPECT_EQ(Eval("HOUR", {timestamp}), "13");
  EXPECT_EQ(Eval("MINUTE", {timestamp}), "14");
  EXPECT_EQ(Eval("SECOND", {timestamp}), "15");
  EXPECT_EQ(Eval("HOUR", {Time("13:14:15")}), "13");
  EXPECT_EQ(EvalRows("YEAR", {Column(DataType::Date(), {Value(), Value::Int(0)})}),
            (std::vector<std::string>{"NULL", "1970"}));
}

TEST(TimeFunctionsTest, ExtractAtYearBoundariesAndBefore1970) {
  // ISO weeks: 2021-01-01 is in week 53 of 2020, 2024-12-30 in week 1 of 2025.
  EXPECT_EQ(Eval("EXTRACT", {String("WEEK"), Date("2021-01-01")}), "53");
  EXPECT_EQ(Eval("EXTRACT", {String("ISOYEAR"), Date("2021-01-01")}), "2020");
  EXPECT_EQ(Eval("EXTRACT", {String("WEEK"), Date("2024-12-30")}), "1");
  EXPECT_EQ(Eval("EXTRACT", {String("ISOYEAR"), Date("2024-12-30")}), "2025");
  EXPECT_EQ(Eval("DAYOFYEAR", {Date("2024-12-31")}), "366");
  EXPECT_EQ(Eval("DAYOFYEAR", {Date("2023-12-31")}), "365");
  EXPECT_EQ(Eval("EXTRACT", {String("EPOCH"), Date("1969-12-31")}), "-86400");
  TestArgument before = Timestamp("1969-12-31 23:59:59.500");
  EXPECT_EQ(Eval("YEAR", {before}), "1969");
  EXPECT_EQ(Eval("DAYOFMONTH", {before}), "31");
  EXPECT_EQ(Eval("HOUR", {before}), "23");
  EXPECT_EQ(Eval("SECOND", {before}), "59");
  EXPECT_EQ(Eval("EXTRACT", {String("MILLISECOND"), before}), "500");
  EXPECT_EQ(Eval("EXTRACT", {String("EPOCH"), before}), "-1");
}

TEST(TimeFunctionsTest, ExtractFromTimestampLtzUsesTheSessionZone) {
  TestArgument instant = Ltz("2020-02-29 16:30:00");
  EXPECT_EQ(Eval("DAYOFMONTH", {instant}, InZone("UTC")), "29");
  EXPECT_EQ(Eval("HOUR", {instant}, InZone("UTC")), "16");
  EXPECT_EQ(Eval("DAYOFMONTH", {instant}, InZone("Asia/Shanghai")), "1");
  EXPECT_EQ(Eval("MONTH", {instant}, InZone("Asia/Shanghai")), "3");
  EXPECT_EQ(Eval("HOUR", {instant}, InZone("Asia/Shanghai")), "0");
  // The epoch second of an instant does not depend on the zone.
  EXPECT_EQ(Eval("EXTRACT", {String("EPOCH"), instant}, InZone("Asia/Shanghai")), "1582993800");
}

TEST(TimeFunctionsTest, ExtractFromTimesAndIntervals) {
  EXPECT_EQ(Eval("EXTRACT", {String("MILLISECOND"), Time("13:14:15.678")}), "678");
  EXPECT_EQ(Eval("EXTRACT", {String("MINUTE"), Time("13:14:15.678")}), "14");
  // 3 days 04:05:06.789 and 2 years 10 months.
  TestArgument day_time = Literal(DataType::IntervalDayTime(false),
                                  Value::Int(((3 * 24 + 4) * 3600 + 5 * 60 + 6) * 1000 + 789));
  EXPECT_EQ(Eval("EXTRACT", {String("DAY"), day_time}), "3");
  EXPECT_EQ(Eval("EXTRACT", {String("HOUR"), day_time}), "4");
  EXPECT_EQ(Eval("EXTRACT", {String("SECOND"), day_time}), "6");
  TestArgument year_month = Literal(DataType::IntervalYearMonth(false), Value::Int(34));
  EXPECT_EQ(Eval("EXTRACT", {String("YEAR"), year_month}), "2");
  EXPECT_EQ(Eval("EXTRACT", {String("MONTH"), year_month}), "10");
}

TEST(TimeFunctionsTest, ExtractErrors) {
  EXPECT_THAT(Eval("EXTRACT", {String("YEAR"), Time("13:14:15")}),
              Contains("YEAR cannot be extracted from TIME"));
  EXPECT_THAT(Eval("EXTRACT", {String("HOUR"), Date("2020-01-01")}),
              Contains("HOUR cannot be extracted from DATE"));
  EXPECT_THAT(Eval("EXTRACT", {String("FORTNIGHT"), Date("2020-01-01")}),
              Contains("unknown time unit 'FORTNIGHT'"));
  EXPECT_THAT(Eval("EXTRACT", {StringColumn({"DAY"}), Date("2020-01-01")}),
              Contains("the time unit must be a constant string"));
  EXPECT_THAT(Eval("YEAR", {String("2020-01-01")}),
              StartsWith("ERROR: Invalid function call: YEAR(STRING)"));
}

// FLOOR and CEIL ----------------------------------------------------------------------------

TEST(TimeFunctionsTest, FloorAndCeilOfATimestamp) {
  TestArgument value = Timestamp("2020-02-29 13:44:31.500");  // a Saturday
  std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"MILLISECOND", "2020-02-29 13:44:31.500", "2020-02-29 13:44:31.500"},
      {"SECOND", "2020-02-29 13:44:31.000", "2020-02-29 13:44:32.000"},
      {"MINUTE", "2020-02-29 13:44:00.000", "2020-02-29 13:45:00.000"},
      {"HOUR", "2020-02-29 13:00:00.000", "2020-02-29 14:00:00.000"},
      {"DAY", "2020-02-29 00:00:00.000", "2020-03-01 00:00:00.000"},
      {"WEEK", "2020-02-23 00:00:00.000", "2020-03-01 00:00:00.000"},
      {"MONTH", "2020-02-01 00:00:00.000", "2020-03-01 00:00:00.000"},
      {"QUARTER", "2020-01-01 00:00:00.000", "2020-04-01 00:00:00.000"},
      {"YEAR", "2020-01-01 00:00:00.000", "2021-01-01 00:00:00.000"},
      {"DECADE", "2020-01-01 00:00:00.000", "2030-01-01 00:00:00.000"},
      {"CENTURY", "2001-01-01 00:00:00.000", "2101-01-01 00:00:00.000"},
      {"MILLENNIUM", "2001-01-01 00:00:00.000", "3001-01-01 00:00:00.000"},
  };
  for (const auto& [unit, floor, ceil] : expected) {
    EXPECT_EQ(Eval("FLOOR", {value, String(unit)}), floor) << unit;
    EXPECT_EQ(Eval("CEIL", {value, String(unit)}), ceil) << unit;
  }
  EXPECT_EQ(Eval("CEILING", {value, String("DAY")}), "2020-03-01 00:00:00.000");
  // A value on the boundary is its own ceiling.
  EXPECT_EQ(Eval("CEIL", {Timestamp("2020-03-01 00:00:00"), String("MONTH")}),
            "2020-03-01 00:00:00.000");
  EXPECT_EQ(TypeOf("FLOOR", {value, String("DAY")}), "TIMESTAMP(3) NOT NULL");
}

TEST(TimeFunctionsTest, FloorAndCeilBefore1970AndOfOtherTypes) {
  TestArgument before = Timestamp("1969-12-31 23:59:59.999");
  EXPECT_EQ(Eval("FLOOR", {before, String("DAY")}), "1969-12-31 00:00:00.000");
  EXPECT_EQ(Eval("CEIL", {before, String("SECOND")}), "1970-01-01 00:00:00.000");
  EXPECT_EQ(Eval("FLOOR", {before, String("YEAR")}), "1969-01-01 00:00:00.000");
  // Flink's documented examples on TIME.
  EXPECT_EQ(Eval("FLOOR", {Time("12:44:31"), String("MINUTE")}), "12:44:00.000");
  EXPECT_EQ(Eval("CEIL", {Time("12:44:31"), String("MINUTE")}), "12:45:00.000");
  EXPECT_EQ(Eval("FLOOR", {Date("2020-02-29"), String("MONTH")}), "2020-02-01");
  EXPECT_EQ(Eval("CEIL", {Date("2020-02-29"), String("MONTH")}), "2020-03-01");
  EXPECT_EQ(Eval("CEIL", {Date("2020-02-29"), String("DAY")}), "2020-02-29");
  EXPECT_EQ(EvalRows("FLOOR", {TimestampColumn({"2020-01-01 10:00:00", "NULL"}), String("DAY")}),
            (std::vector<std::string>{"2020-01-01 00:00:00.000", "NULL"}));
}

TEST(TimeFunctionsTest, FloorOfTimestampLtzUsesTheSessionZone) {
  TestArgument instant = Ltz("2020-02-29 16:30:00");  // 2020-03-01 00:30 in Shanghai
  // Midnight of March 1 in Shanghai is 16:00 UTC the day before.
  EXPECT_EQ(Eval("FLOOR", {instant, String("DAY")}, InZone("Asia/Shanghai")),
            "2020-02-29 16:00:00.000");
  EXPECT_EQ(Eval("FLOOR", {instant, String("DAY")}, InZone("UTC")), "2020-02-29 00:00:00.000");
  EXPECT_EQ(Eval("CEIL", {instant, String("MONTH")}, InZone("Asia/Shanghai")),
            "2020-03-31 16:00:00.000");
}

TEST(TimeFunctionsTest, NumericAndTemporalFloorShareTheirNames) {
  EXPECT_EQ(Eval("FLOOR", {Int(7)}), "7");
  EXPECT_EQ(Eval("CEIL", {Literal(DataType::Decimal(5, 2, false), Value::Decimal(-125))}), "-1");
  EXPECT_EQ(Eval("FLOOR", {Timestamp("2020-02-29 13:44:31"), String("HOUR")}),
            "2020-02-29 13:00:00.000");
  EXPECT_THAT(Eval("FLOOR", {Timestamp("2020-02-29 13:44:31"), String("DOW")}),
              Contains("cannot round TIMESTAMP(3) to DOW"));
  EXPECT_THAT(Eval("FLOOR", {Time("13:44:31"), String("DAY")}),
              Contains("cannot round TIME(3) to DAY"));
  EXPECT_THAT(Eval("FLOOR", {String("x"), String("DAY")}),
              StartsWith("ERROR: Invalid function call: FLOOR(STRING, STRING)"));
  EXPECT_THAT(Eval("CEIL", {Int(1), Int(2), Int(3)}),
              StartsWith("ERROR: Invalid function call: CEIL(INT, INT, INT)"));
}

// TIMESTAMPADD and TIMESTAMPDIFF -------------------------------------------------------------

TEST(TimeFunctionsTest, TimestampAdd) {
  TestArgument january = Timestamp("2020-01-31 10:00:00");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("MONTH"), Int(1), january}), "2020-02-29 10:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("MONTH"), Int(13), january}), "2021-02-28 10:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("YEAR"), Int(1), Timestamp("2020-02-29 00:00:00")}),
            "2021-02-28 00:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("QUARTER"), Int(-1), january}), "2019-10-31 10:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("WEEK"), Int(1), january}), "2020-02-07 10:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("SQL_TSI_DAY"), Int(1), january}),
            "2020-02-01 10:00:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("SECOND"), Int(-1), Timestamp("1970-01-01 00:00:00")}),
            "1969-12-31 23:59:59.000");
  EXPECT_EQ(
      Eval("TIMESTAMPADD", {String("MILLISECOND"), Int(5), Timestamp("2020-01-01 00:00:00", 0)}),
      "2020-01-01 00:00:00.005");
  EXPECT_EQ(
      TypeOf("TIMESTAMPADD", {String("MILLISECOND"), Int(5), Timestamp("2020-01-01 00:00:00", 0)}),
      "TIMESTAMP(3) NOT NULL");
  EXPECT_EQ(EvalRows("TIMESTAMPADD",
                     {String("DAY"), Column(DataType::Int(), {Value::Int(1), Value()}), january}),
            (std::vector<std::string>{"2020-02-01 10:00:00.000", "NULL"}));
  EXPECT_THAT(Eval("TIMESTAMPADD", {String("DOW"), Int(1), january}),
              Contains("DOW is not a unit that can be added"));
}

TEST(TimeFunctionsTest, TimestampAddToDatesTimesAndInstants) {
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("DAY"), Int(1), Date("2020-02-28")}), "2020-02-29");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("DAY"), Int(1), Date("2019-02-28")}), "2019-03-01");
  EXPECT_EQ(TypeOf("TIMESTAMPADD", {String("DAY"), Int(1), Date("2020-02-28")}), "DATE NOT NULL");
  // Hours make a DATE a TIMESTAMP.
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("HOUR"), Int(25), Date("2020-02-28")}),
            "2020-02-29 01:00:00.000000");
  EXPECT_EQ(TypeOf("TIMESTAMPADD", {String("HOUR"), Int(25), Date("2020-02-28")}),
            "TIMESTAMP(6) NOT NULL");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("MINUTE"), Int(90), Time("23:00:00")}), "00:30:00.000");
  EXPECT_EQ(Eval("TIMESTAMPADD", {String("HOUR"), Int(1), Ltz("2020-02-29 23:30:00")},
                 InZone("Asia/Shanghai")),
            "2020-03-01 00:30:00.000");
  EXPECT_EQ(TypeOf("TIMESTAMPADD", {String("HOUR"), Int(1), Ltz("2020-02-29 23:30:00")}),
            "TIMESTAMP_LTZ(3) NOT NULL");
}

TEST(TimeFunctionsTest, TimestampDiff) {
  TestArgument start = Timestamp("2003-01-02 10:00:00");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("DAY"), start, Timestamp("2003-01-03 10:00:00")}), "1");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("DAY"), start, Timestamp("2003-01-03 09:59:59")}), "0");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("HOUR"), Timestamp("2003-01-03 10:00:00"),
                                   Timestamp("2003-01-02 09:00:00")}),
            "-25");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("DAY"), Timestamp("2003-01-03 10:00:00"),
                                   Timestamp("2003-01-02 09:00:00")}),
            "-1");
  EXPECT_EQ(TypeOf("TIMESTAMPDIFF", {String("DAY"), start, start}), "INT NOT NULL");
  // A month counts once its day and time are reached; days clamp to the month's end.
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("MONTH"), Timestamp("2020-01-31 10:00:00"),
                                   Timestamp("2020-02-29 10:00:00")}),
            "1");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("MONTH"), Timestamp("2020-01-31 10:00:00"),
                                   Timestamp("2020-02-29 09:00:00")}),
            "0");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("MONTH"), Timestamp("2020-02-29 09:00:00"),
                                   Timestamp("2020-01-31 10:00:00")}),
            "0");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("YEAR"), Timestamp("2020-02-29 00:00:00"),
                                   Timestamp("2021-02-28 00:00:00")}),
            "1");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("QUARTER"), Date("2020-01-15"), Date("2020-07-14")}),
            "1");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("SQL_TSI_WEEK"), Date("2020-01-01"), Date("2020-01-15")}),
            "2");
}

TEST(TimeFunctionsTest, TimestampDiffAcrossTypesAndBefore1970) {
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("DAY"), Date("2020-02-28"), Date("2020-03-01")}), "2");
  EXPECT_EQ(
      Eval("TIMESTAMPDIFF", {String("HOUR"), Date("2020-01-01"), Timestamp("2020-01-01 05:30:00")}),
      "5");
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("SECOND"), Timestamp("1969-12-31 23:59:59"),
                                   Timestamp("1970-01-01 00:00:01")}),
            "2");
  // INT wraps like Java's (int) cast: 6311433600 seconds.
  EXPECT_EQ(Eval("TIMESTAMPDIFF", {String("SECOND"), Timestamp("1900-01-01 00:00:00"),
                                   Timestamp("2100-01-01 00:00:00")}),
            "2016466304");
  EXPECT_EQ(Eval("TIMESTAMPDIFF",
                 {String("MINUTE"), Ltz("2020-01-01 00:00:00"), Ltz("2020-01-01 01:00:00")}),
            "60");
  EXPECT_THAT(Eval("TIMESTAMPDIFF", {String("MINUTE"), Ltz("2020-01-01 00:00:00"),
                                     Timestamp("2020-01-01 01:00:00")}),
              StartsWith("ERROR: Invalid function call: TIMESTAMPDIFF(STRING, TIMESTAMP_LTZ(3), "
                         "TIMESTAMP(3))"));
  EXPECT_THAT(
      Eval("TIMESTAMPDIFF", {String("MILLISECOND"), Date("2020-01-01"), Date("2020-01-02")}),
      Contains("unit 'MILLISECOND' can not be applied"));
  EXPECT_EQ(EvalRows("TIMESTAMPDIFF", {String("DAY"), Date("2020-01-01"),
                                       Column(DataType::Date(), {Value(), Value::Int(18263)})}),
            (std::vector<std::string>{"NULL", "1"}));
}

}  // namespace
}  // namespace tiangong
