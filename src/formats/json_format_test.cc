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

const FormatFactory& Json() { return format_testing::Format("json"); }

std::unique_ptr<RecordDecoder> MakeDecoder(const DataType& row_type,
                                           Configuration::Entries options = {}) {
  return format_testing::MakeDecoder("json", row_type, std::move(options));
}

std::unique_ptr<RecordEncoder> MakeEncoder(const DataType& row_type,
                                           Configuration::Entries options = {}) {
  return format_testing::MakeEncoder("json", row_type, std::move(options));
}

using format_testing::Decode;
using format_testing::Encode;

std::string DecodeWith(const DataType& row_type, std::string_view record,
                       Configuration::Entries options = {}) {
  return format_testing::DecodeWith("json", row_type, record, std::move(options));
}

std::string EncodeWith(const DataType& row_type, const std::vector<Value>& row,
                       Configuration::Entries options = {}) {
  return format_testing::EncodeWith("json", row_type, row, std::move(options));
}

std::string CreateError(const DataType& row_type, Configuration::Entries options) {
  return format_testing::CreateError("json", row_type, std::move(options));
}

DataType OneColumn(DataType type) { return DataType::Row({{"f", std::move(type)}}); }

TEST(JsonFormatTest, DeclaresFlinksOptions) {
  std::vector<std::string> expected = {
      "fail-on-missing-field",     "ignore-parse-errors",       "timestamp-format.standard",
      "map-null-key.mode",         "map-null-key.literal",      "encode.decimal-as-plain-number",
      "encode.ignore-null-fields", "decode.json-parser.enabled"};
  EXPECT_EQ(Json().options().optional, expected);
}

TEST(JsonFormatTest, DecodesEveryScalarType) {
  DataType row_type = DataType::Row({{"flag", DataType::Boolean()},
                                     {"tiny", DataType::TinyInt()},
                                     {"small", DataType::SmallInt()},
                                     {"id", DataType::Int()},
                                     {"big", DataType::BigInt()},
                                     {"ratio", DataType::Float()},
                                     {"score", DataType::Double()},
                                     {"amount", DataType::Decimal(38, 18)},
                                     {"name", DataType::String()},
                                     {"payload", DataType::Bytes()},
                                     {"day", DataType::Date()},
                                     {"at", DataType::Time()},
                                     {"ts", DataType::Timestamp(3)},
                                     {"instant", DataType::TimestampLtz(3)}});
  EXPECT_EQ(
      DecodeWith(row_type,
                 R"({"flag": true, "tiny": 12, "small": -300, "id": 70000, "big": 12345678910,
                     "ratio": 0.5, "score": 1e-4, "amount": 799.929496989092949698,
                     "name": "h\u00e9llo\n", "payload": "awML", "day": "2020-04-15",
                     "at": "08:05:30", "ts": "2020-04-15 08:05:30.123",
                     "instant": "1970-01-01 00:02:03.456Z"})"),
      "+I[true, 12, -300, 70000, 12345678910, 0.5, 1.0E-4, 799.929496989092949698, h\xc3\xa9llo\n, "
      "[107, 3, 11], 2020-04-15, 08:05:30, 2020-04-15T08:05:30.123, 1970-01-01T00:02:03.456Z]");
}

TEST(JsonFormatTest, MatchesFieldsByExactName) {
  DataType row_type = DataType::Row(
      {{"id", DataType::Int()}, {"name", DataType::String()}, {"note", DataType::String()}});
  // Any order; unknown fields ignored; missing fields NULL; names are case-sensitive.
  EXPECT_EQ(DecodeWith(row_type, R"({"extra": {"x": [1]}, "name": "a", "ID": 5, "id": 1})"),
            "+I[1, a, null]");
  // Jackson keeps the last of duplicate keys.
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 1, "id": 2, "note": null})"), "+I[2, null, null]");
}

TEST(JsonFormatTest, ConvertsBetweenNumbersAndStringsLikeFlink) {
  DataType row_type = DataType::Row({{"id", DataType::Int()},
                                     {"big", DataType::BigInt()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"score", DataType::Double()},
                                     {"flag", DataType::Boolean()},
                                     {"name", DataType::String()},
                                     {"raw", DataType::String()}});
  EXPECT_EQ(DecodeWith(row_type, R"({"id": "42", "big": " -7 ", "amount": "1.555", "score": "NaN",
                                     "flag": "TRUE", "name": 123.50, "raw": false})"),
            "+I[42, -7, 1.56, NaN, true, 123.50, false]");
  // INT and BIGINT truncate numbers with a fraction (Jackson's asInt); booleans
  // from numbers are false; containers become compact JSON text.
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 1.9, "big": -2e3, "flag": 1,
                                     "name": {"a": [1, 2], "b": "x y"}, "raw": [ true ]})"),
            "+I[1, -2000, null, null, false, {\"a\":[1,2],\"b\":\"x y\"}, [true]]");
  EXPECT_EQ(DecodeWith(row_type, R"({"id": "4.5"})"),
            "error: column `id`: cannot parse '4.5' as INT");
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 3000000000})"),
            "error: column `id`: cannot parse '3000000000' as INT (out of range)");
  EXPECT_EQ(DecodeWith(OneColumn(DataType::TinyInt()), R"({"f": 1.5})"),
            "error: column `f`: cannot parse '1.5' as TINYINT (out of range or not an integer)");
  // A decimal that does not fit its precision is NULL, as DecimalData.fromBigDecimal makes it.
  EXPECT_EQ(DecodeWith(row_type, R"({"amount": 123456789.5})"),
            "+I[null, null, null, null, null, null, null]");
}

TEST(JsonFormatTest, DecodesNestedRowsArraysAndMaps) {
  DataType item = DataType::Row({{"sku", DataType::String()}, {"qty", DataType::Int()}});
  DataType row_type = DataType::Row(
      {{"user", DataType::Row({{"id", DataType::BigInt()},
                               {"address", DataType::Row({{"city", DataType::String()}})}})},
       {"items", DataType::Array(item)},
       {"attributes", DataType::Map(DataType::String(), DataType::Array(DataType::Int()))},
       {"tags", DataType::Array(DataType::String())}});
  EXPECT_EQ(DecodeWith(row_type, R"({"user": {"address": {"city": "Oslo"}, "id": 7},
                                     "items": [{"sku": "a", "qty": 2}, null, {"sku": "b"}],
                                     "attributes": {"x": [1, null], "y": null},
                                     "tags": ["p", null]})"),
            "+I[+I[7, +I[Oslo]], [+I[a, 2], null, +I[b, null]], {x=[1, null], y=null}, [p, null]]");
  EXPECT_EQ(DecodeWith(row_type, R"({"user": null, "items": [], "attributes": {}, "tags": null})"),
            "+I[null, [], {}, null]");
  // JsonNode.fields() of a non-object is empty, so Flink reads an empty map.
  EXPECT_EQ(DecodeWith(row_type, R"({"attributes": "none"})"), "+I[null, null, {}, null]");
  EXPECT_EQ(DecodeWith(row_type, R"({"items": {"sku": "a"}})"),
            "error: column `items`: expected a JSON array for ARRAY<ROW<`sku` STRING, `qty` INT>> "
            "but got a JSON object");
  EXPECT_EQ(DecodeWith(row_type, R"({"user": {"id": "x"}})"),
            "error: column `user`.`id`: cannot parse 'x' as BIGINT");
  EXPECT_EQ(DecodeWith(row_type, R"({"items": [{"qty": true}]})"),
            "error: column `items` element.`qty`: cannot parse 'true' as INT");
}

TEST(JsonFormatTest, TimestampFormatStandard) {
  DataType row_type =
      DataType::Row({{"ts", DataType::Timestamp(3)}, {"instant", DataType::TimestampLtz(3)}});
  Configuration::Entries iso = {{"timestamp-format.standard", "ISO-8601"}};
  EXPECT_EQ(
      DecodeWith(row_type,
                 R"({"ts": "2020-12-30T12:13:14.123", "instant": "2020-12-30T12:13:14Z"})", iso),
      "+I[2020-12-30T12:13:14.123, 2020-12-30T12:13:14Z]");
  EXPECT_EQ(DecodeWith(row_type, R"({"ts": "2020-12-30 12:13:14"})", iso),
            "error: column `ts`: cannot parse '2020-12-30 12:13:14' as TIMESTAMP(3) (expected "
            "yyyy-MM-dd'T'HH:mm:ss[.SSS])");
  EXPECT_EQ(DecodeWith(row_type, R"({"instant": "2020-12-30 12:13:14"})"),
            "error: column `instant`: cannot parse '2020-12-30 12:13:14' as TIMESTAMP_LTZ(3) "
            "(expected yyyy-MM-dd HH:mm:ss[.SSS]'Z')");
  std::vector<Value> row = {Value::Int(1609330394123000), Value::Int(1609330394000000)};
  EXPECT_EQ(EncodeWith(row_type, row),
            R"({"ts":"2020-12-30 12:13:14.123","instant":"2020-12-30 12:13:14Z"})");
  EXPECT_EQ(EncodeWith(row_type, row, iso),
            R"({"ts":"2020-12-30T12:13:14.123","instant":"2020-12-30T12:13:14Z"})");
}

TEST(JsonFormatTest, EmptyAndNullRecordsHaveNoRow) {
  DataType row_type = OneColumn(DataType::Int());
  EXPECT_EQ(DecodeWith(row_type, ""), "empty");
  EXPECT_EQ(DecodeWith(row_type, " \n"), "empty");
  EXPECT_EQ(DecodeWith(row_type, "null"), "empty");
  EXPECT_EQ(DecodeWith(row_type, "{}"), "+I[null]");
  EXPECT_EQ(DecodeWith(row_type, "{\"f\": 1}\r\n"), "+I[1]");
}

TEST(JsonFormatTest, DecodesLargeRecordsWithOneDecoder) {
  DataType row_type = DataType::Row({{"id", DataType::Int()}, {"text", DataType::String()}});
  auto decoder = MakeDecoder(row_type);
  std::string big(200000, 'x');
  EXPECT_EQ(Decode(decoder.get(), row_type, R"({"id": 1, "text": "small"})"), "+I[1, small]");
  EXPECT_EQ(Decode(decoder.get(), row_type, R"({"id": 2, "text": ")" + big + "\"}"),
            "+I[2, " + big + "]");
  EXPECT_EQ(Decode(decoder.get(), row_type, R"({"id": 3})"), "+I[3, null]");
}

TEST(JsonFormatTest, BadRecordsAppendNothing) {
  DataType row_type = DataType::Row({{"id", DataType::Int()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"tags", DataType::Array(DataType::Int())}});
  auto decoder = MakeDecoder(row_type);
  BatchBuilder builder(row_type);
  ASSERT_TRUE(decoder->Decode(R"({"id": 1, "amount": 1.5, "tags": [1]})", &builder).ok());
  auto bad = decoder->Decode(R"({"id": 2, "tags": [1, 2], "amount": "abc"})", &builder);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "column `amount`: cannot parse 'abc' as DECIMAL(10, 2)");
  auto bad_element = decoder->Decode(R"({"id": 3, "tags": [1, "x"]})", &builder);
  ASSERT_FALSE(bad_element.ok());
  EXPECT_EQ(bad_element.status().message(), "column `tags` element: cannot parse 'x' as INT");
  auto malformed = decoder->Decode(R"({"id": 4, "tags": [1, 2)", &builder);
  ASSERT_FALSE(malformed.ok());
  EXPECT_NE(malformed.status().message().find("malformed JSON"), std::string::npos)
      << malformed.status().message();
  auto not_object = decoder->Decode("[1, 2]", &builder);
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().message(), "expected a JSON object but got a JSON array: '[1, 2]'");
  ASSERT_TRUE(decoder->Decode(R"({"id": 5})", &builder).ok());
  Batch batch = builder.Build();
  ASSERT_EQ(batch.num_rows(), 2u);
  for (size_t c = 0; c < batch.num_columns(); ++c) EXPECT_EQ(batch.column(c)->size(), 2u);
  EXPECT_EQ(batch.column(2)->child(0).size(), 1u);
  EXPECT_EQ(FormatPrintRow(batch, 0), "+I[1, 1.50, [1]]");
  EXPECT_EQ(FormatPrintRow(batch, 1), "+I[5, null, null]");
}

TEST(JsonFormatTest, FailOnMissingField) {
  DataType row_type = DataType::Row({{"id", DataType::Int()}, {"name", DataType::String()}});
  Configuration::Entries options = {{"fail-on-missing-field", "true"}};
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 1, "name": null})", options), "+I[1, null]");
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 1})", options),
            "error: column `name`: could not find field 'name' in the JSON object and "
            "'json.fail-on-missing-field' is true");
}

TEST(JsonFormatTest, IgnoreParseErrorsNullsBadValuesAndSkipsBadRecords) {
  DataType row_type = DataType::Row({{"id", DataType::Int()},
                                     {"tags", DataType::Array(DataType::Int())},
                                     {"user", DataType::Row({{"age", DataType::Int()}})}});
  Configuration::Entries ignore = {{"ignore-parse-errors", "true"}};
  EXPECT_EQ(
      DecodeWith(row_type, R"({"id": "x", "tags": [1, "y", 3], "user": {"age": []}})", ignore),
      "+I[null, [1, null, 3], +I[null]]");
  EXPECT_EQ(DecodeWith(row_type, R"({"tags": {"a": 1}, "id": 2})", ignore), "+I[2, null, null]");
  EXPECT_EQ(DecodeWith(row_type, R"({"id": 1, "tags": [1, )", ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, "42", ignore), "skipped");
}

TEST(JsonFormatTest, ValidatesOptionsAndTypes) {
  DataType row_type = OneColumn(DataType::Int());
  EXPECT_EQ(
      CreateError(row_type, {{"fail-on-missing-field", "true"}, {"ignore-parse-errors", "true"}}),
      "json.fail-on-missing-field and json.ignore-parse-errors shouldn't both be true.");
  EXPECT_EQ(CreateError(row_type, {{"timestamp-format.standard", "RFC"}}),
            "Unsupported value 'RFC' for json.timestamp-format.standard. Supported values are "
            "[SQL, ISO-8601].");
  EXPECT_EQ(CreateError(row_type, {{"map-null-key.mode", "KEEP"}}),
            "Unsupported value 'KEEP' for option json.map-null-key.mode. Supported values are "
            "[LITERAL, FAIL, DROP].");
  EXPECT_EQ(CreateError(row_type,
                        {{"map-null-key.mode", "drop"}, {"decode.json-parser.enabled", "false"}}),
            "created");
  EXPECT_NE(CreateError(row_type, {{"encode.ignore-null-fields", "sometimes"}})
                .find("encode.ignore-null-fields"),
            std::string::npos);
  EXPECT_EQ(CreateError(OneColumn(DataType::Map(DataType::Int(), DataType::Int())), {}),
            "JSON format doesn't support non-string as key type of map. The type is: MAP<INT, "
            "INT> (column `f`)");
}

TEST(JsonFormatTest, EncodesEveryScalarTypeInFieldOrder) {
  DataType row_type = DataType::Row({{"flag", DataType::Boolean()},
                                     {"tiny", DataType::TinyInt()},
                                     {"big", DataType::BigInt()},
                                     {"ratio", DataType::Float()},
                                     {"score", DataType::Double()},
                                     {"nan", DataType::Double()},
                                     {"amount", DataType::Decimal(10, 2)},
                                     {"name", DataType::String()},
                                     {"payload", DataType::Bytes()},
                                     {"day", DataType::Date()},
                                     {"at", DataType::Time(3)},
                                     {"missing", DataType::Int()}});
  EXPECT_EQ(
      EncodeWith(row_type,
                 {Value::Bool(false), Value::Int(-5), Value::Int(12345678910), Value::Double(0.5),
                  Value::Double(1e7), Value::Double(std::nan("")), Value::Decimal(1250),
                  Value::String("q\"\\\n\x01\xc3\xa9"), Value::String(std::string("k\x03\x0b", 3)),
                  Value::Int(18367), Value::Int(29130250), Value()}),
      R"({"flag":false,"tiny":-5,"big":12345678910,"ratio":0.5,"score":1.0E7,"nan":"NaN",)"
      R"("amount":12.5,"name":"q\"\\\n\u0001é","payload":"awML","day":"2020-04-15",)"
      R"("at":"08:05:30","missing":null})");
}

TEST(JsonFormatTest, EncodesDecimalsLikeJackson) {
  DataType row_type = DataType::Row({{"a", DataType::Decimal(10, 0)},
                                     {"b", DataType::Decimal(12, 9)},
                                     {"c", DataType::Decimal(10, 6)},
                                     {"d", DataType::Decimal(10, 2)}});
  std::vector<Value> row = {Value::Decimal(100000), Value::Decimal(27), Value::Decimal(10000000),
                            Value::Decimal(0)};
  // Trailing zeros stripped, then BigDecimal.toString(): 10.000000 becomes 1E+1.
  EXPECT_EQ(EncodeWith(row_type, row), R"({"a":1E+5,"b":2.7E-8,"c":1E+1,"d":0})");
  EXPECT_EQ(EncodeWith(row_type, row, {{"encode.decimal-as-plain-number", "true"}}),
            R"({"a":100000,"b":0.000000027,"c":10,"d":0})");
}

TEST(JsonFormatTest, EncodesNestedTypesNullFieldsAndNullMapKeys) {
  DataType row_type = DataType::Row(
      {{"user", DataType::Row({{"id", DataType::Int()}, {"name", DataType::String()}})},
       {"tags", DataType::Array(DataType::String())},
       {"attributes", DataType::Map(DataType::String(), DataType::Int())},
       {"note", DataType::String()}});
  std::vector<Value> row = {Value::MakeList({Value::Int(7), Value()}),
                            Value::MakeList({Value::String("a"), Value()}),
                            Value::MakeList({Value::String("k"), Value::Int(1)}), Value()};
  EXPECT_EQ(EncodeWith(row_type, row),
            R"({"user":{"id":7,"name":null},"tags":["a",null],"attributes":{"k":1},"note":null})");
  EXPECT_EQ(EncodeWith(row_type, row, {{"encode.ignore-null-fields", "true"}}),
            R"({"user":{"id":7},"tags":["a",null],"attributes":{"k":1}})");
  std::vector<Value> null_key = {
      Value(), Value(),
      Value::MakeList({Value(), Value::Int(1), Value::String("k"), Value::Int(2)}), Value()};
  EXPECT_EQ(EncodeWith(row_type, null_key),
            "error: column `attributes`: JSON format doesn't support to serialize map data with "
            "null keys. You can drop null key entries or encode null in literals by specifying "
            "'json.map-null-key.mode'.");
  EXPECT_EQ(EncodeWith(row_type, null_key, {{"map-null-key.mode", "DROP"}}),
            R"({"user":null,"tags":null,"attributes":{"k":2},"note":null})");
  EXPECT_EQ(EncodeWith(row_type, null_key,
                       {{"map-null-key.mode", "LITERAL"}, {"map-null-key.literal", "nil"}}),
            R"({"user":null,"tags":null,"attributes":{"nil":1,"k":2},"note":null})");
}

TEST(JsonFormatTest, RoundTripsThroughEncoderAndDecoder) {
  DataType row_type =
      DataType::Row({{"id", DataType::BigInt()},
                     {"name", DataType::String()},
                     {"amount", DataType::Decimal(10, 3)},
                     {"ts", DataType::Timestamp(6)},
                     {"payload", DataType::Bytes()},
                     {"scores", DataType::Map(DataType::String(), DataType::Double())},
                     {"events", DataType::Array(DataType::Row({{"kind", DataType::String()}}))}});
  std::string original =
      R"({"id":1,"name":"tab\there","amount":1.125,"ts":"2021-03-04 05:06:07.000008",)"
      R"("payload":"AAEC","scores":{"x":0.25},"events":[{"kind":"click"},null]})";
  auto decoder = MakeDecoder(row_type);
  auto encoder = MakeEncoder(row_type);
  BatchBuilder builder(row_type);
  ASSERT_TRUE(decoder->Decode(original, &builder).ok());
  Batch batch = builder.Build();
  std::string encoded;
  ASSERT_TRUE(encoder->Encode(batch, 0, &encoded).ok());
  EXPECT_EQ(encoded, original);
}

}  // namespace
}  // namespace tiangong
