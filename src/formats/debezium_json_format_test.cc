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

using format_testing::Decode;
using format_testing::Encode;

constexpr std::string_view kFormat = "debezium-json";

// The products table of Debezium's tutorial.
DataType Products() {
  return DataType::Row({{"id", DataType::Int()},
                        {"name", DataType::String()},
                        {"weight", DataType::Decimal(10, 2)}});
}

std::unique_ptr<RecordDecoder> MakeDecoder(const DataType& row_type,
                                           Configuration::Entries options = {}) {
  return format_testing::MakeDecoder(kFormat, row_type, std::move(options));
}

std::string DecodeWith(const DataType& row_type, std::string_view record,
                       Configuration::Entries options = {}) {
  return format_testing::DecodeWith(kFormat, row_type, record, std::move(options));
}

std::string EncodeWith(const DataType& row_type, const std::vector<Value>& row, RowKind kind,
                       Configuration::Entries options = {}) {
  return format_testing::EncodeWith(kFormat, row_type, row, std::move(options), kind);
}

TEST(DebeziumJsonFormatTest, DeclaresFlinksOptionsAndAllRowKinds) {
  const FormatFactory& format = format_testing::Format(kFormat);
  std::vector<std::string> expected = {
      "schema-include",           "ignore-parse-errors",  "timestamp-format.standard",
      "map-null-key.mode",        "map-null-key.literal", "encode.decimal-as-plain-number",
      "encode.ignore-null-fields"};
  EXPECT_EQ(format.options().optional, expected);
  EXPECT_EQ(format.changelog_mode().ToString(), "[I,UB,UA,D]");
  EXPECT_TRUE(format_testing::Format("json").changelog_mode().insert_only());
}

TEST(DebeziumJsonFormatTest, DecodesEveryOperation) {
  DataType row_type = Products();
  // A create as Debezium's MySQL connector writes it, with fields the format ignores.
  EXPECT_EQ(DecodeWith(row_type, R"({"before": null,
      "after": {"id": 101, "name": "scooter", "weight": 3.14},
      "source": {"version": "1.1.1.Final", "connector": "mysql", "db": "inventory",
                 "table": "products", "file": "mysql-bin.000003", "pos": 154},
      "op": "c", "ts_ms": 1589355606100, "transaction": null})"),
            "+I[101, scooter, 3.14]");
  // A snapshot read.
  EXPECT_EQ(DecodeWith(row_type, R"({"before":null,"after":{"id":102,"name":"car"},"op":"r"})"),
            "+I[102, car, null]");
  // "op" may come before the rows.
  EXPECT_EQ(DecodeWith(row_type, R"({"op": "u",
      "before": {"id": 101, "name": "scooter", "weight": 3.14},
      "after": {"id": 101, "name": "scooter", "weight": 5.18}})"),
            "-U[101, scooter, 3.14]\n+U[101, scooter, 5.18]");
  EXPECT_EQ(DecodeWith(row_type, R"({"before":{"id":101,"name":"scooter","weight":5.18},
                                     "after":null,"op":"d"})"),
            "-D[101, scooter, 5.18]");
}

TEST(DebeziumJsonFormatTest, ReadsRowsAsTheJsonFormatDoes) {
  DataType row_type = DataType::Row({{"id", DataType::BigInt()},
                                     {"tags", DataType::Array(DataType::String())},
                                     {"ts", DataType::Timestamp(3)},
                                     {"note", DataType::String()}});
  // Strings convert to numbers, containers to text, missing fields are NULL,
  // unknown ones ignored.
  EXPECT_EQ(DecodeWith(row_type, R"({"after": {"id": "7", "tags": ["a", null],
                                               "ts": "2020-04-15 08:05:30.123",
                                               "note": {"k": [1, 2]}, "extra": 1},
                                     "op": "c"})"),
            "+I[7, [a, null], 2020-04-15T08:05:30.123, {\"k\":[1,2]}]");
  EXPECT_EQ(DecodeWith(row_type, R"({"after": {"id": "seven"}, "op": "c"})"),
            "error: column `id`: cannot parse 'seven' as BIGINT");
  EXPECT_EQ(DecodeWith(row_type, R"({"after": {"ts": "2020-04-15 08:05:30.123"}, "op": "c"})",
                       {{"timestamp-format.standard", "ISO-8601"}}),
            "error: column `ts`: cannot parse '2020-04-15 08:05:30.123' as TIMESTAMP(3) "
            "(expected yyyy-MM-dd'T'HH:mm:ss[.SSS])");
  EXPECT_EQ(DecodeWith(row_type, R"({"after": {"ts": "2020-04-15T08:05:30.123"}, "op": "c"})",
                       {{"timestamp-format.standard", "ISO-8601"}}),
            "+I[null, null, 2020-04-15T08:05:30.123, null]");
}

TEST(DebeziumJsonFormatTest, SchemaInclude) {
  DataType row_type = Products();
  std::string with_schema = R"({"schema": {"type": "struct", "fields": [], "optional": false},
      "payload": {"before": null, "after": {"id": 1, "name": "a", "weight": "1.5"},
                  "op": "c", "ts_ms": 1}})";
  EXPECT_EQ(DecodeWith(row_type, with_schema, {{"schema-include", "true"}}), "+I[1, a, 1.50]");
  // Without the option the message has no "op" of its own; the error says what to set.
  std::string error = DecodeWith(row_type, with_schema);
  EXPECT_EQ(error.rfind("error: no \"op\" but a \"payload\": messages that include their schema "
                        "need 'debezium-json.schema-include' = 'true' (Debezium JSON message '{",
                        0),
            0u)
      << error;
  error = DecodeWith(row_type, R"({"before":null,"after":{"id":1},"op":"c"})",
                     {{"schema-include", "true"}});
  EXPECT_EQ(error.rfind("error: no \"payload\"", 0), 0u) << error;
  EXPECT_EQ(DecodeWith(row_type, R"({"schema": {}, "payload": "x"})", {{"schema-include", "true"}}),
            "error: \"payload\" is a JSON string, not an object (Debezium JSON message "
            "'{\"schema\": {}, \"payload\": \"x\"}')");
}

TEST(DebeziumJsonFormatTest, UpdateOrDeleteWithoutBeforeNamesReplicaIdentity) {
  DataType row_type = Products();
  // Debezium's PostgreSQL connector without REPLICA IDENTITY FULL.
  std::string update = R"({"before":null,"after":{"id":1,"name":"a"},"op":"u"})";
  std::string error = DecodeWith(row_type, update);
  EXPECT_EQ(error.rfind("error: the \"before\" of this UPDATE is null", 0), 0u) << error;
  EXPECT_NE(error.find("REPLICA IDENTITY FULL"), std::string::npos) << error;
  error = DecodeWith(row_type, R"({"after":null,"op":"d"})");
  EXPECT_EQ(error.rfind("error: the \"before\" of this DELETE is null", 0), 0u) << error;
  EXPECT_EQ(DecodeWith(row_type, update, {{"ignore-parse-errors", "true"}}), "skipped");
}

TEST(DebeziumJsonFormatTest, BadMessages) {
  DataType row_type = Products();
  EXPECT_EQ(DecodeWith(row_type, R"({"after":{"id":1},"op":"x"})"),
            "error: unknown \"op\" value \"x\", expected c, r, u or d (Debezium JSON message "
            "'{\"after\":{\"id\":1},\"op\":\"x\"}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"after":{"id":1}})"),
            "error: no \"op\" (Debezium JSON message '{\"after\":{\"id\":1}}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"after":null,"op":"c"})"),
            "error: \"after\" is a JSON null, not an object (Debezium JSON message "
            "'{\"after\":null,\"op\":\"c\"}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"after":[1],"op":"r"})"),
            "error: \"after\" is a JSON array, not an object (Debezium JSON message "
            "'{\"after\":[1],\"op\":\"r\"}')");
  EXPECT_EQ(DecodeWith(row_type, "[1]"),
            "error: expected a JSON object but got a JSON array (Debezium JSON message '[1]')");
  std::string malformed = DecodeWith(row_type, R"({"after":{"id":1,"op":"c"})");
  EXPECT_EQ(malformed.rfind("error: malformed JSON", 0), 0u) << malformed;
  // Empty messages (Kafka's tombstones) and blank lines hold no change.
  EXPECT_EQ(DecodeWith(row_type, ""), "empty");
  EXPECT_EQ(DecodeWith(row_type, "  "), "empty");
}

TEST(DebeziumJsonFormatTest, IgnoreParseErrorsNullsBadValuesAndSkipsBadMessages) {
  DataType row_type = Products();
  Configuration::Entries ignore = {{"ignore-parse-errors", "true"}};
  EXPECT_EQ(DecodeWith(row_type,
                       R"({"before":{"id":"one","weight":1},"after":{"id":1,"weight":"x"},
                           "op":"u"})",
                       ignore),
            "-U[null, null, 1.00]\n+U[1, null, null]");
  EXPECT_EQ(DecodeWith(row_type, R"({"after":{"id":1},"op":"x"})", ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, R"({"after":{"id":1})", ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, "42", ignore), "skipped");
}

TEST(DebeziumJsonFormatTest, BadUpdateAppendsNeitherRow) {
  DataType row_type = Products();
  auto decoder = MakeDecoder(row_type);
  BatchBuilder builder(row_type);
  ASSERT_TRUE(decoder->Decode(R"({"after":{"id":1,"name":"a"},"op":"c"})", &builder).ok());
  // The -U reads fine; the +U does not.
  auto bad = decoder->Decode(
      R"({"before":{"id":1,"name":"a"},"after":{"id":1,"weight":"heavy"},"op":"u"})", &builder);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "column `weight`: cannot parse 'heavy' as DECIMAL(10, 2)");
  ASSERT_TRUE(decoder
                  ->Decode(R"({"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"})",
                           &builder)
                  .ok());
  Batch batch = builder.Build();
  ASSERT_EQ(batch.num_rows(), 3u);
  for (size_t c = 0; c < batch.num_columns(); ++c) EXPECT_EQ(batch.column(c)->size(), 3u);
  EXPECT_EQ(FormatPrintRow(batch, 0), "+I[1, a, null]");
  EXPECT_EQ(FormatPrintRow(batch, 1), "-U[1, a, null]");
  EXPECT_EQ(FormatPrintRow(batch, 2), "+U[1, b, null]");
}

TEST(DebeziumJsonFormatTest, EncodesInsertsAsCreatesAndRetractionsAsDeletes) {
  DataType row_type = Products();
  std::vector<Value> row = {Value::Int(1), Value::String("scooter"), Value::Decimal(318)};
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kInsert),
            R"({"before":null,"after":{"id":1,"name":"scooter","weight":3.18},"op":"c"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateAfter),
            R"({"before":null,"after":{"id":1,"name":"scooter","weight":3.18},"op":"c"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateBefore),
            R"({"before":{"id":1,"name":"scooter","weight":3.18},"after":null,"op":"d"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kDelete),
            R"({"before":{"id":1,"name":"scooter","weight":3.18},"after":null,"op":"d"})");
  std::vector<Value> nulls = {Value::Int(2), Value(), Value::Decimal(0)};
  EXPECT_EQ(EncodeWith(row_type, nulls, RowKind::kInsert, {{"encode.ignore-null-fields", "true"}}),
            R"({"after":{"id":2,"weight":0},"op":"c"})");
  EXPECT_EQ(EncodeWith(row_type, nulls, RowKind::kDelete, {{"encode.ignore-null-fields", "true"}}),
            R"({"before":{"id":2,"weight":0},"op":"d"})");
}

TEST(DebeziumJsonFormatTest, EncoderOptions) {
  DataType row_type =
      DataType::Row({{"amount", DataType::Decimal(12, 9)},
                     {"ts", DataType::Timestamp(3)},
                     {"attributes", DataType::Map(DataType::String(), DataType::Int())}});
  std::vector<Value> row = {Value::Decimal(27), Value::Int(1609330394123000),
                            Value::MakeList({Value(), Value::Int(1)})};
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kInsert),
            "error: column `attributes`: JSON format doesn't support to serialize map data with "
            "null keys. You can drop null key entries or encode null in literals by specifying "
            "'debezium-json.map-null-key.mode'.");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kInsert,
                       {{"encode.decimal-as-plain-number", "true"},
                        {"timestamp-format.standard", "ISO-8601"},
                        {"map-null-key.mode", "LITERAL"},
                        {"map-null-key.literal", "nil"}}),
            R"({"before":null,"after":{"amount":0.000000027,"ts":"2020-12-30T12:13:14.123",)"
            R"("attributes":{"nil":1}},"op":"c"})");
  EXPECT_EQ(format_testing::CreateEncoderError(kFormat, row_type, {{"schema-include", "true"}}),
            "'debezium-json.schema-include' = 'true' is only for reading: Debezium JSON is "
            "written without a schema");
  EXPECT_EQ(format_testing::CreateError(kFormat, row_type, {{"timestamp-format.standard", "RFC"}}),
            "Unsupported value 'RFC' for debezium-json.timestamp-format.standard. Supported values "
            "are [SQL, ISO-8601].");
}

TEST(DebeziumJsonFormatTest, RoundTripsRowsWithKinds) {
  DataType row_type =
      DataType::Row({{"id", DataType::BigInt()},
                     {"name", DataType::String()},
                     {"amount", DataType::Decimal(10, 3)},
                     {"ts", DataType::Timestamp(6)},
                     {"scores", DataType::Map(DataType::String(), DataType::Double())}});
  std::vector<Value> first = {Value::Int(1), Value::String("tab\there"), Value::Decimal(1125),
                              Value::Int(1614834367000008),
                              Value::MakeList({Value::String("x"), Value::Double(0.25)})};
  std::vector<Value> second = {Value::Int(2), Value(), Value(), Value(), Value()};
  std::vector<VectorPtr> columns;
  for (size_t c = 0; c < first.size(); ++c) {
    columns.push_back(MakeVector(row_type.fields()[c].type, {first[c], second[c], first[c]}));
  }
  Batch batch(std::move(columns), 3, {RowKind::kInsert, RowKind::kDelete, RowKind::kDelete});
  auto encoder = format_testing::MakeEncoder(kFormat, row_type);
  auto decoder = MakeDecoder(row_type);
  EXPECT_EQ(format_testing::RoundTrip(encoder.get(), decoder.get(), row_type, batch),
            "+I[1, tab\there, 1.125, 2021-03-04T05:06:07.000008, {x=0.25}]\n"
            "-D[2, null, null, null, null]\n"
            "-D[1, tab\there, 1.125, 2021-03-04T05:06:07.000008, {x=0.25}]");
  // An update is written as a delete and a create, and reads back as such.
  std::vector<VectorPtr> update_columns;
  for (size_t c = 0; c < first.size(); ++c) {
    update_columns.push_back(MakeVector(row_type.fields()[c].type, {second[c], first[c]}));
  }
  Batch update(std::move(update_columns), 2, {RowKind::kUpdateBefore, RowKind::kUpdateAfter});
  EXPECT_EQ(format_testing::RoundTrip(encoder.get(), decoder.get(), row_type, update),
            "-D[2, null, null, null, null]\n"
            "+I[1, tab\there, 1.125, 2021-03-04T05:06:07.000008, {x=0.25}]");
}

}  // namespace
}  // namespace tiangong
