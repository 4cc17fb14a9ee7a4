#include "types/temporal.h"

#include <gtest/gtest.h>

#include "types/time_zone.h"

namespace tiangong {
namespace {

TEST(TemporalTest, CivilRoundTripsAcrossEras) {
  for (int64_t days : {-719468, -1, 0, 1, 18367, 2932896}) {
    CivilDate civil = CivilFromDays(days);
    EXPECT_EQ(DaysFromCivil(civil.year, civil.month, civil.day), days);
  }
  EXPECT_EQ(DaysFromCivil(2020, 4, 15), 18367);
  EXPECT_EQ(IsoDayOfWeek(0), 4);  // 1970-01-01 was a Thursday
}

TEST(TemporalTest, FormatsSqlAndJavaForms) {
  int64_t micros = *ParseTimestamp("2020-04-15 08:05:00.120");
  EXPECT_EQ(FormatTimestamp(micros, 3), "2020-04-15 08:05:00.120");
  EXPECT_EQ(FormatTimestamp(micros, 0), "2020-04-15 08:05:00");
  EXPECT_EQ(FormatLocalDateTime(micros), "2020-04-15T08:05:00.120");
  EXPECT_EQ(FormatLocalDateTime(*ParseTimestamp("2020-04-15T08:05")), "2020-04-15T08:05");
  EXPECT_EQ(FormatInstant(*ParseTimestamp("2020-04-15 08:05")), "2020-04-15T08:05:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("1969-12-31 23:59:59.5"), 1), "1969-12-31 23:59:59.5");
  EXPECT_EQ(FormatLocalTime(*ParseTime("08:05:30.250")), "08:05:30.250");
  EXPECT_EQ(FormatDate(*ParseDate("2020-2-9")), "2020-02-09");
}

TEST(TemporalTest, RejectsImpossibleDatesAndTimes) {
  EXPECT_FALSE(ParseDate("2021-02-29").ok());
  EXPECT_FALSE(ParseDate("2020-13-01").ok());
  EXPECT_FALSE(ParseTime("24:00:00").ok());
  EXPECT_FALSE(ParseTimestamp("2020-01-01 10:00:00 junk").ok());
  EXPECT_TRUE(ParseDate("2020-02-29").ok());
}

TEST(TimeZoneTest, ConvertsBetweenUtcAndLocal) {
  TimeZone shanghai = *TimeZone::Load("Asia/Shanghai");
  int64_t utc = *ParseTimestamp("2020-04-15 00:00:00");
  EXPECT_EQ(FormatTimestamp(shanghai.ToLocal(utc), 0), "2020-04-15 08:00:00");
  EXPECT_EQ(shanghai.ToUtc(shanghai.ToLocal(utc)), utc);
  TimeZone fixed = *TimeZone::Load("GMT-05:30");
  EXPECT_EQ(FormatTimestamp(fixed.ToLocal(utc), 0), "2020-04-14 18:30:00");
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus").ok());
}

}  // namespace
}  // namespace tiangong
