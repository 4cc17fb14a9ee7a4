#include "connectors/filesystem/partition_time_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "types/temporal.h"

namespace tiangong {
namespace {

using ::testing::HasSubstr;

int64_t Micros(std::string_view text) { return ParseTimestamp(text).value(); }

TEST(TimestampFormatterTest, ParsesTheCommonLetters) {
  auto formatter = TimestampFormatter::Make("yyyy-MM-dd HH:mm:ss");
  ASSERT_TRUE(formatter.ok()) << formatter.status().ToString();
  EXPECT_EQ(formatter->Parse("2024-01-02 03:04:05").value(), Micros("2024-01-02 03:04:05"));
  EXPECT_FALSE(formatter->Parse("2024-01-02").ok());
  EXPECT_FALSE(formatter->Parse("2024-1-02 03:04:05").ok());
  EXPECT_FALSE(formatter->Parse("2024-01-02 03:04:05x").ok());
  EXPECT_THAT(formatter->Parse("2024-02-30 00:00:00").status().message(),
              HasSubstr("not a valid date-time"));
}

TEST(TimestampFormatterTest, AdjacentFieldsWithoutSeparators) {
  auto formatter = TimestampFormatter::Make("yyyyMMdd");
  ASSERT_TRUE(formatter.ok());
  EXPECT_EQ(formatter->Parse("20240102").value(), Micros("2024-01-02"));
  auto hourly = TimestampFormatter::Make("yyyyMMddHH");
  ASSERT_TRUE(hourly.ok());
  EXPECT_EQ(hourly->Parse("2024010213").value(), Micros("2024-01-02 13:00:00"));
}

TEST(TimestampFormatterTest, QuotesSingleLettersAndFractions) {
  auto formatter = TimestampFormatter::Make("yyyy-MM-dd'T'H:m:s.SSS");
  ASSERT_TRUE(formatter.ok()) << formatter.status().ToString();
  EXPECT_EQ(formatter->Parse("2024-01-02T3:4:5.250").value(), Micros("2024-01-02 03:04:05.25"));
  auto two_digit_year = TimestampFormatter::Make("yy/M/d");
  ASSERT_TRUE(two_digit_year.ok());
  EXPECT_EQ(two_digit_year->Parse("24/1/2").value(), Micros("2024-01-02"));
}

TEST(TimestampFormatterTest, RejectsUnsupportedPatterns) {
  EXPECT_THAT(TimestampFormatter::Make("yyyy-MM-dd hh:mm a").status().message(),
              HasSubstr("the letter 'h' is not supported"));
  EXPECT_THAT(TimestampFormatter::Make("HH:mm").status().message(),
              HasSubstr("must contain a year"));
  EXPECT_THAT(TimestampFormatter::Make("yyyy-MMM-dd").status().message(),
              HasSubstr("'MMM' is not supported"));
  EXPECT_FALSE(TimestampFormatter::Make("yyyy-MM-dd'T").ok());
}

TEST(PartitionTimeExtractorTest, DefaultIsTheFirstFieldAsDateOrDateTime) {
  auto extractor = PartitionTimeExtractor::Make({"dt", "hm"}, "", "");
  ASSERT_TRUE(extractor.ok());
  EXPECT_EQ(extractor->Extract({"2024-01-02", "10:00"}).value(), Micros("2024-01-02"));
  EXPECT_EQ(extractor->Extract({"2024-01-02 10:30:00", "x"}).value(),
            Micros("2024-01-02 10:30:00"));
  EXPECT_THAT(extractor->Extract({"today", "x"}).status().message(), HasSubstr("'today'"));
}

TEST(PartitionTimeExtractorTest, PatternOfSeveralFields) {
  auto extractor = PartitionTimeExtractor::Make({"dt", "hm"}, "$dt $hm:00", "");
  ASSERT_TRUE(extractor.ok());
  EXPECT_EQ(extractor->Extract({"2024-01-02", "10:05"}).value(), Micros("2024-01-02 10:05:00"));

  auto split = PartitionTimeExtractor::Make({"year", "month", "day", "hour"},
                                            "$year-$month-$day $hour:00:00", "");
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->Extract({"2024", "01", "02", "13"}).value(), Micros("2024-01-02 13:00:00"));
}

TEST(PartitionTimeExtractorTest, PatternWithFormatter) {
  auto extractor = PartitionTimeExtractor::Make({"day", "hour"}, "$day$hour", "yyyyMMddHH");
  ASSERT_TRUE(extractor.ok());
  EXPECT_EQ(extractor->Extract({"20240102", "07"}).value(), Micros("2024-01-02 07:00:00"));
  EXPECT_FALSE(extractor->Extract({"2024-01-02", "07"}).ok());
}

TEST(PartitionTimeExtractorTest, LongestColumnNameWins) {
  auto extractor = PartitionTimeExtractor::Make({"d", "dt"}, "$dt", "");
  ASSERT_TRUE(extractor.ok());
  EXPECT_EQ(extractor->Extract({"x", "2024-01-02"}).value(), Micros("2024-01-02"));
}

TEST(PartitionTimeExtractorTest, RejectsUnknownColumns) {
  EXPECT_THAT(PartitionTimeExtractor::Make({"dt", "hm"}, "$day $hm:00", "").status().message(),
              HasSubstr("'$day' is not a partition column (partition columns: dt, hm)"));
}

}  // namespace
}  // namespace tiangong
