#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/format_testing.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

const FormatFactory& Csv() { return format_testing::Format("csv"); }

std::unique_ptr<RecordDecoder> MakeDecoder(const DataType& row_type,
                                           Configuration::Entries options = {}) {
  return format_testing::MakeDecoder("csv", row_type, std::move(options));
}

std::unique_ptr<RecordEncoder> MakeEncoder(const DataType& row_type,
                                           Configuration::Entries options = {}) {
  return format_testing::MakeEncoder("csv", row_type, std::move(options));
}

using format_testing::Decode;
using format_testing::Encode;

std::string DecodeWith(const DataType& row_type, std::string_view record,
                       Configuration::Entries options = {}) {
  return format_testing::DecodeWith("csv", row_type, record, std::move(options));
}

std::string EncodeWith(const DataType& row_type, const std::vector<Value>& row,
                       Configuration::Entries options = {}) {
  return format_testing::EncodeWith("csv", row_type, row, std::move(options));
}

std::string CreateError(const DataType& row_type, Configuration::Entries options) {
  return format_testing::CreateError("csv", row_type, std::move(options));
}

DataType OneColumn(DataType type) { return DataType::Row({{"f", std::move(type)}}); }

TEST(CsvFormatTest, DeclaresFlinksOptions) {
  OptionSpec spec = Csv().options();
  EXPECT_TRUE(spec.required.empty());
  std::vector<std::string> expected = {"field-delimiter",
                                       "disable-quote-character",
                                       "quote-character",
                                       "allow-comments",
                                       "ignore-parse-errors",
                                       "array-element-delimiter",
                                       "escape-character",
                                       "null-literal",
                                       "write-bigdecimal-in-scientific-notation"};
  EXPECT_EQ(spec.optional, expected);
}

TEST(CsvFormatTest, DecodesEveryScalarType) {
  DataType row_type = DataType::Row({{"flag", DataType::Boolean()},
                                     {"tiny", DataType::TinyInt()},
                                     {"small", DataType::SmallInt()},
                                     {"id", DataType::Int()},
                                     {"big", DataType::BigInt()},
                                     {"ratio", DataType::Float()},
                                     {"score", DataType::Double()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"name", DataType::String()},
                                     {"payload", DataType::Bytes()},
                                     {"day", DataType::Date()},
                                     {"at", DataType::Time(3)},
                                     {"ts", DataType::Timestamp(3)},
                                     {"instant", DataType::TimestampLtz(3)}});
  EXPECT_EQ(DecodeWith(row_type,
                       "true,12,-300, 70000 ,12345678910,0.5,1.0E-4,12.345,hello,awML,2020-04-15,"
                       "08:05:30.250,2020-04-15 08:05:30.123,1970-01-01 00:02:03.456Z"),
            "+I[true, 12, -300, 70000, 12345678910, 0.5, 1.0E-4, 12.35, hello, [107, 3, 11], "
            "2020-04-15, 08:05:30.250, 2020-04-15T08:05:30.123, 1970-01-01T00:02:03.456Z]");
}

TEST(CsvFormatTest, TrailingLineBreakIsNotPartOfTheRecord) {
  DataType row_type = DataType::Row({{"a", DataType::String()}, {"b", DataType::Int()}});
  EXPECT_EQ(DecodeWith(row_type, "x,1\r\n"), "+I[x, 1]");
}

TEST(CsvFormatTest, QuotedFieldsKeepDelimitersQuotesAndLineBreaks) {
  DataType row_type = DataType::Row({{"id", DataType::Int()},
                                     {"a", DataType::String()},
                                     {"b", DataType::String()},
                                     {"c", DataType::String()}});
  EXPECT_EQ(DecodeWith(row_type, "1,\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\""),
            "+I[1, a,b, say \"hi\", line1\nline2]");
  // A quote inside an unquoted field is an ordinary character.
  EXPECT_EQ(DecodeWith(row_type, "2,ab\"c,x,y"), "+I[2, ab\"c, x, y]");
}

TEST(CsvFormatTest, EmptyUnquotedFieldIsNullExceptForStrings) {
  DataType row_type = DataType::Row({{"name", DataType::String()},
                                     {"id", DataType::Int()},
                                     {"day", DataType::Date()},
                                     {"tags", DataType::Array(DataType::Int())}});
  EXPECT_EQ(DecodeWith(row_type, ",,,"), "+I[, null, null, null]");
  EXPECT_EQ(DecodeWith(row_type, "\"\",\"\",,"), "error: column `id`: cannot parse '' as INT");
}

TEST(CsvFormatTest, NullLiteralMatchesNull) {
  DataType row_type = DataType::Row({{"name", DataType::String()}, {"id", DataType::Int()}});
  EXPECT_EQ(DecodeWith(row_type, "null,null", {{"null-literal", "null"}}), "+I[null, null]");
  EXPECT_EQ(DecodeWith(row_type, "n/a,7", {{"null-literal", "n/a"}}), "+I[null, 7]");
  // Without a null literal "null" is text, which an INT column cannot hold.
  EXPECT_EQ(DecodeWith(row_type, "null,1"), "+I[null, 1]");
  EXPECT_EQ(DecodeWith(row_type, "x,null"), "error: column `id`: cannot parse 'null' as INT");
}

TEST(CsvFormatTest, ArraysAndRowsUseTheArrayElementDelimiter) {
  DataType row_type = DataType::Row({{"tags", DataType::Array(DataType::TinyInt())},
                                     {"person", DataType::Row({{"name", DataType::String()},
                                                               {"age", DataType::Int()},
                                                               {"member", DataType::Boolean()}})}});
  EXPECT_EQ(DecodeWith(row_type, "12;4;null,Hello;42;false", {{"null-literal", "null"}}),
            "+I[[12, 4, null], +I[Hello, 42, false]]");
  EXPECT_EQ(DecodeWith(row_type, "1|2,Bo|7|true", {{"array-element-delimiter", "|"}}),
            "+I[[1, 2], +I[Bo, 7, true]]");
  EXPECT_EQ(DecodeWith(row_type, "1::2,Bo::7::true", {{"array-element-delimiter", "::"}}),
            "+I[[1, 2], +I[Bo, 7, true]]");
  EXPECT_EQ(DecodeWith(row_type, "1;x,Bo;7;true"),
            "error: column `tags` element: cannot parse 'x' as TINYINT");
  EXPECT_EQ(DecodeWith(row_type, "1,Bo;7"),
            "error: column `person`: expected 3 fields separated by ';' but got 2: 'Bo;7'");
}

TEST(CsvFormatTest, CustomDelimiterQuoteAndEscapeCharacters) {
  DataType row_type =
      DataType::Row({{"a", DataType::String()}, {"b", DataType::String()}, {"c", DataType::Int()}});
  Configuration::Entries options = {
      {"field-delimiter", ";"}, {"quote-character", "'"}, {"escape-character", "*"}};
  EXPECT_EQ(DecodeWith(row_type, "123*'4**;'a;b*'c';       12          ", options),
            "+I[123'4*, a;b'c, 12]");
  EXPECT_EQ(DecodeWith(row_type, "'x''y';*n*t;3", options), "+I[x'y, \n\t, 3]");
  EXPECT_EQ(DecodeWith(row_type, "a\tb\t3", {{"field-delimiter", "\\t"}}), "+I[a, b, 3]");
  EXPECT_EQ(DecodeWith(row_type, "a\tb\t3", {{"field-delimiter", "\t"}}), "+I[a, b, 3]");
}

TEST(CsvFormatTest, DisabledQuoteCharacterKeepsQuotes) {
  DataType row_type = DataType::Row({{"a", DataType::String()}, {"b", DataType::String()}});
  EXPECT_EQ(DecodeWith(row_type, "\"abc,d\"", {{"disable-quote-character", "true"}}),
            "+I[\"abc, d\"]");
}

TEST(CsvFormatTest, BlankLinesAndCommentsAreEmpty) {
  DataType row_type = DataType::Row({{"a", DataType::String()}, {"b", DataType::Int()}});
  EXPECT_EQ(DecodeWith(row_type, ""), "empty");
  EXPECT_EQ(DecodeWith(row_type, "\r\n"), "empty");
  EXPECT_EQ(DecodeWith(row_type, "  "), "empty");
  // A tab is a field delimiter here, so the line has two empty fields.
  EXPECT_EQ(DecodeWith(row_type, "\t", {{"field-delimiter", "\t"}}), "+I[, null]");
  EXPECT_EQ(DecodeWith(row_type, "#note,1", {{"allow-comments", "true"}}), "empty");
  // Without 'allow-comments' '#' is data.
  EXPECT_EQ(DecodeWith(row_type, "#note,1"), "+I[#note, 1]");
}

TEST(CsvFormatTest, FollowsJavaParsingRules) {
  DataType row_type = DataType::Row({{"flag", DataType::Boolean()},
                                     {"tiny", DataType::TinyInt()},
                                     {"score", DataType::Double()},
                                     {"amount", DataType::Decimal(5, 2)}});
  // Boolean.parseBoolean: anything but "true" in any case is false.
  EXPECT_EQ(DecodeWith(row_type, "TRUE,+7,NaN,-1e2"), "+I[true, 7, NaN, -100.00]");
  EXPECT_EQ(DecodeWith(row_type, "yes,-128,Infinity,0.005"), "+I[false, -128, Infinity, 0.01]");
  // DecimalData.fromBigDecimal: a number too large for DECIMAL(5, 2) is NULL.
  EXPECT_EQ(DecodeWith(row_type, "true,1,1.5d,12345.6"), "+I[true, 1, 1.5, null]");
  EXPECT_EQ(DecodeWith(row_type, "true,128,1,1"),
            "error: column `tiny`: cannot parse '128' as TINYINT");
  EXPECT_EQ(DecodeWith(row_type, "true,1,1,abc"),
            "error: column `amount`: cannot parse 'abc' as DECIMAL(5, 2)");
  EXPECT_EQ(DecodeWith(row_type, "true,1,0x10,1"),
            "error: column `score`: cannot parse '0x10' as DOUBLE");
}

TEST(CsvFormatTest, TemporalValuesFollowFlinksPatterns) {
  DataType row_type = DataType::Row({{"at", DataType::Time(1)},
                                     {"ts", DataType::Timestamp(6)},
                                     {"instant", DataType::TimestampLtz(3)}});
  EXPECT_EQ(DecodeWith(row_type, "12:12:12.2235,2020-01-02 03:04:05.123456,2020-01-02 03:04:05Z"),
            "+I[12:12:12.200, 2020-01-02T03:04:05.123456, 2020-01-02T03:04:05Z]");
  EXPECT_EQ(DecodeWith(row_type, "12:00,2020-01-02T03:04:05,2020-01-02 03:04:05Z"),
            "error: column `ts`: cannot parse '2020-01-02T03:04:05' as TIMESTAMP(6) (expected "
            "yyyy-MM-dd HH:mm:ss[.SSS])");
  EXPECT_EQ(DecodeWith(row_type, "12:00,2020-01-02 03:04:05,2020-01-02 03:04:05"),
            "error: column `instant`: cannot parse '2020-01-02 03:04:05' as TIMESTAMP_LTZ(3) "
            "(expected yyyy-MM-dd HH:mm:ss[.SSS]Z)");
  EXPECT_EQ(DecodeWith(OneColumn(DataType::Bytes()), "not base64!"),
            "error: column `f`: cannot parse 'not base64!' as BYTES (expected base64)");
}

TEST(CsvFormatTest, BadRecordsAppendNothing) {
  DataType row_type = DataType::Row(
      {{"name", DataType::String()}, {"amount", DataType::Decimal(10, 2)}, {"n", DataType::Int()}});
  auto decoder = MakeDecoder(row_type);
  BatchBuilder builder(row_type);
  ASSERT_TRUE(decoder->Decode("a,1.5,1", &builder).ok());
  auto bad = decoder->Decode("b,abc,2", &builder);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "column `amount`: cannot parse 'abc' as DECIMAL(10, 2)");
  auto too_many = decoder->Decode("c,1,2,3", &builder);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().message(),
            "the record has 4 fields but the table has 3 columns: 'c,1,2,3'");
  auto too_few = decoder->Decode("d,1", &builder);
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.status().message(),
            "the record has 2 fields but the table has 3 columns: 'd,1'");
  auto unclosed = decoder->Decode("e,1,\"3", &builder);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.status().message(), "column `n`: the quoted field is not closed: 'e,1,\"3'");
  ASSERT_TRUE(decoder->Decode("f,2.25,3", &builder).ok());
  Batch batch = builder.Build();
  ASSERT_EQ(batch.num_rows(), 2u);
  for (size_t c = 0; c < batch.num_columns(); ++c) EXPECT_EQ(batch.column(c)->size(), 2u);
  EXPECT_EQ(FormatPrintRow(batch, 0), "+I[a, 1.50, 1]");
  EXPECT_EQ(FormatPrintRow(batch, 1), "+I[f, 2.25, 3]");
}

TEST(CsvFormatTest, IgnoreParseErrorsNullsBadFieldsAndSkipsBadRecords) {
  DataType row_type = DataType::Row({{"name", DataType::String()},
                                     {"n", DataType::Int()},
                                     {"tags", DataType::Array(DataType::Int())}});
  Configuration::Entries ignore = {{"ignore-parse-errors", "true"}};
  // As in Flink, a field that does not parse becomes NULL and the row stays.
  EXPECT_EQ(DecodeWith(row_type, "a,abc,1;x;3", ignore), "+I[a, null, [1, null, 3]]");
  // Missing trailing fields are NULL; extra fields or broken quoting drop the record.
  EXPECT_EQ(DecodeWith(row_type, "a", ignore), "+I[a, null, null]");
  EXPECT_EQ(DecodeWith(row_type, "a,1,2,3", ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, "\"a,1,2", ignore), "skipped");
}

TEST(CsvFormatTest, ValidatesOptionsAndTypes) {
  DataType row_type = OneColumn(DataType::String());
  EXPECT_EQ(CreateError(row_type, {{"field-delimiter", ";;"}}),
            "Option 'field-delimiter' must be a single character, but is ';;'");
  EXPECT_EQ(CreateError(row_type, {{"disable-quote-character", "true"}, {"quote-character", "'"}}),
            "Format cannot define a quote character and disabled quote character at the same "
            "time: set either 'csv.quote-character' or 'csv.disable-quote-character'");
  EXPECT_NE(CreateError(row_type, {{"ignore-parse-errors", "maybe"}}).find("ignore-parse-errors"),
            std::string::npos);
  EXPECT_EQ(CreateError(row_type, {{"array-element-delimiter", ""}}),
            "Option 'csv.array-element-delimiter' must not be empty");
  EXPECT_EQ(CreateError(OneColumn(DataType::Map(DataType::String(), DataType::Int())), {}),
            "The CSV format does not support MAP types: column `f` is MAP<STRING, INT>");
  EXPECT_EQ(CreateError(OneColumn(DataType::Array(DataType::Array(DataType::Int()))), {}),
            "The CSV format supports only scalar types inside ARRAY and ROW: column `f` is "
            "ARRAY<ARRAY<INT>>");
  EXPECT_EQ(CreateError(OneColumn(DataType::Time(6)), {}),
            "The CSV format supports TIME precision 0 to 3 only: column `f` is TIME(6)");
  EXPECT_EQ(CreateError(row_type, {{"null-literal", ""}, {"escape-character", "\\"}}), "created");
}

TEST(CsvFormatTest, EncodesEveryScalarType) {
  DataType row_type = DataType::Row({{"flag", DataType::Boolean()},
                                     {"tiny", DataType::TinyInt()},
                                     {"id", DataType::Int()},
                                     {"big", DataType::BigInt()},
                                     {"ratio", DataType::Float()},
                                     {"score", DataType::Double()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"name", DataType::String()},
                                     {"payload", DataType::Bytes()},
                                     {"day", DataType::Date()},
                                     {"at", DataType::Time(3)},
                                     {"ts", DataType::Timestamp(3)},
                                     {"instant", DataType::TimestampLtz(3)}});
  int64_t micros = 1586937930123000;  // 2020-04-15 08:05:30.123
  EXPECT_EQ(EncodeWith(row_type, {Value::Bool(true), Value::Int(-5), Value::Int(42),
                                  Value::Int(12345678910), Value::Double(0.5), Value::Double(1e7),
                                  Value::Decimal(1250), Value::String("hello"),
                                  Value::String(std::string("k\x03\x0b", 3)), Value::Int(18367),
                                  Value::Int(29130250), Value::Int(micros), Value::Int(123456000)}),
            "true,-5,42,12345678910,0.5,1.0E7,12.5,hello,awML,2020-04-15,08:05:30.25,"
            "\"2020-04-15 08:05:30.123\",\"1970-01-01 00:02:03.456Z\"");
}

TEST(CsvFormatTest, EncoderQuotesLikeJackson) {
  DataType row_type = DataType::Row({{"a", DataType::String()}, {"b", DataType::String()}});
  EXPECT_EQ(EncodeWith(row_type, {Value::String("a,b"), Value::String("say \"hi\"")}),
            "\"a,b\",\"say \"\"hi\"\"\"");
  EXPECT_EQ(EncodeWith(row_type, {Value::String("two words"), Value::String("line\nbreak")}),
            "\"two words\",\"line\nbreak\"");
  // Jackson always quotes values longer than 24 characters.
  EXPECT_EQ(EncodeWith(row_type, {Value::String("abcdefghijklmnopqrstuvwxy"), Value::String("")}),
            "\"abcdefghijklmnopqrstuvwxy\",");
  EXPECT_EQ(EncodeWith(row_type, {Value::String("a;b"), Value::String("x")},
                       {{"field-delimiter", ";"}, {"quote-character", "'"}}),
            "'a;b';x");
  EXPECT_EQ(
      EncodeWith(row_type, {Value::String("123'4*"), Value::String("BEGIN")},
                 {{"field-delimiter", ";"}, {"quote-character", "'"}, {"escape-character", "*"}}),
      "'123''4**';BEGIN");
  EXPECT_EQ(EncodeWith(row_type, {Value::String("a,b"), Value::String("c")},
                       {{"disable-quote-character", "true"}}),
            "a,b,c");
}

TEST(CsvFormatTest, EncodesNullsArraysRowsAndDecimals) {
  DataType row_type = DataType::Row(
      {{"name", DataType::String()},
       {"tags", DataType::Array(DataType::Int())},
       {"person", DataType::Row({{"name", DataType::String()}, {"age", DataType::Int()}})},
       {"amount", DataType::Decimal(10, 0)},
       {"tiny", DataType::Decimal(12, 9)}});
  std::vector<Value> row = {Value(), Value::MakeList({Value::Int(1), Value(), Value::Int(3)}),
                            Value::MakeList({Value::String("Bo"), Value::Int(7)}),
                            Value::Decimal(100000), Value::Decimal(27)};
  // BigDecimal.toString after Jackson strips trailing zeros: 100000 is 1E+5, which
  // gets quoted because of its '+'.
  EXPECT_EQ(EncodeWith(row_type, row), ",1;;3,Bo;7,\"1E+5\",2.7E-8");
  EXPECT_EQ(
      EncodeWith(row_type, row,
                 {{"null-literal", "null"}, {"write-bigdecimal-in-scientific-notation", "false"}}),
      "null,1;null;3,Bo;7,100000,0.000000027");
}

TEST(CsvFormatTest, RoundTripsThroughEncoderAndDecoder) {
  DataType row_type = DataType::Row({{"name", DataType::String()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"ts", DataType::Timestamp(3)},
                                     {"tags", DataType::Array(DataType::String())},
                                     {"payload", DataType::Bytes()},
                                     {"missing", DataType::Int()}});
  Configuration::Entries options = {{"null-literal", "\\N"}};
  auto decoder = MakeDecoder(row_type, options);
  auto encoder = MakeEncoder(row_type, options);
  BatchBuilder builder(row_type);
  std::string original = "\"a \"\"quoted\"\", text\",12.5,\"2020-01-01 10:00:00.5\",x;y,AAEC,\\N";
  ASSERT_TRUE(decoder->Decode(original, &builder).ok());
  Batch batch = builder.Build();
  std::string encoded;
  ASSERT_TRUE(encoder->Encode(batch, 0, &encoded).ok());
  EXPECT_EQ(encoded, original);
}

}  // namespace
}  // namespace tiangong
