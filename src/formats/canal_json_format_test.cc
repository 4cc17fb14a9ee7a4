#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "formats/format.h"
#include "formats/format_testing.h"
#include "formats/value_text.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

constexpr std::string_view kFormat = "canal-json";

DataType Products() {
  return DataType::Row({{"id", DataType::Int()},
                        {"name", DataType::String()},
                        {"weight", DataType::Decimal(10, 2)}});
}

std::string DecodeWith(const DataType& row_type, std::string_view record,
                       Configuration::Entries options = {}) {
  return format_testing::DecodeWith(kFormat, row_type, record, std::move(options));
}

std::string EncodeWith(const DataType& row_type, const std::vector<Value>& row, RowKind kind,
                       Configuration::Entries options = {}) {
  return format_testing::EncodeWith(kFormat, row_type, row, std::move(options), kind);
}

// A Canal flat message of `type` on inventory.products; Canal writes every value as a string.
std::string Message(std::string_view type, std::string_view data, std::string_view old = "null",
                    std::string_view database = "inventory", std::string_view table = "products") {
  return fmt::format(
      R"({{"data":{},"database":"{}","es":1589373560000,"id":9,"isDdl":false,)"
      R"json("mysqlType":{{"id":"INTEGER","name":"VARCHAR(255)","weight":"FLOAT"}},"old":{},)json"
      R"("pkNames":["id"],"sql":"","sqlType":{{"id":4,"name":12,"weight":7}},"table":"{}",)"
      R"("ts":1589373560798,"type":"{}"}})",
      data, database, old, table, type);
}

TEST(CanalJsonFormatTest, DeclaresFlinksOptionsAndAllRowKinds) {
  const FormatFactory& format = format_testing::Format(kFormat);
  std::vector<std::string> expected = {"ignore-parse-errors",
                                       "timestamp-format.standard",
                                       "map-null-key.mode",
                                       "map-null-key.literal",
                                       "encode.decimal-as-plain-number",
                                       "encode.ignore-null-fields",
                                       "database.include",
                                       "table.include"};
  EXPECT_EQ(format.options().optional, expected);
  EXPECT_EQ(format.changelog_mode().ToString(), "[I,UB,UA,D]");
}

TEST(CanalJsonFormatTest, DecodesEveryRowOfInsertsAndDeletes) {
  DataType row_type = Products();
  EXPECT_EQ(DecodeWith(row_type, Message("INSERT", R"([{"id":"101","name":"scooter",
                                                        "weight":"3.14"},
                                                       {"id":"102","name":"car","weight":null}])")),
            "+I[101, scooter, 3.14]\n+I[102, car, null]");
  EXPECT_EQ(DecodeWith(row_type, Message("DELETE", R"([{"id":"101","name":"scooter"}])")),
            "-D[101, scooter, null]");
  EXPECT_EQ(DecodeWith(row_type, Message("INSERT", "[]")), "empty");
}

TEST(CanalJsonFormatTest, UpdatesOverlayOldValuesOnTheNewRow) {
  DataType row_type = Products();
  // Row 101's weight changed from 5.15; row 102's name was NULL.
  std::string update = Message(
      "UPDATE",
      R"([{"id":"101","name":"scooter","weight":"5.18"},{"id":"102","name":"car","weight":"1"}])",
      R"([{"weight":"5.15"},{"name":null}])");
  EXPECT_EQ(DecodeWith(row_type, update),
            "-U[101, scooter, 5.15]\n+U[101, scooter, 5.18]\n"
            "-U[102, null, 1.00]\n+U[102, car, 1.00]");
  EXPECT_EQ(
      DecodeWith(row_type, Message("UPDATE", R"([{"id":"1"},{"id":"2"}])", R"([{}])")),
      "error: an UPDATE with 2 rows in \"data\" but 1 in \"old\" (Canal JSON message " +
          format_text::QuoteForMessage(Message("UPDATE", R"([{"id":"1"},{"id":"2"}])", R"([{}])")) +
          ")");
}

TEST(CanalJsonFormatTest, LeavesOutStatementsThatChangeNoRows) {
  DataType row_type = Products();
  EXPECT_EQ(DecodeWith(row_type, Message("CREATE", "null")), "empty");
  EXPECT_EQ(DecodeWith(row_type, Message("QUERY", "null")), "empty");
  EXPECT_EQ(DecodeWith(row_type, Message("TRUNCATE", "null")), "empty");
  EXPECT_EQ(
      DecodeWith(row_type,
                 R"({"data":null,"database":"inventory","isDdl":true,"old":null,)"
                 R"("sql":"ALTER TABLE products ADD c INT","table":"products","type":"ALTER"})"),
      "empty");
}

TEST(CanalJsonFormatTest, DatabaseAndTableIncludeMatchWholeNames) {
  DataType row_type = Products();
  std::string insert = Message("INSERT", R"([{"id":"1"}])");
  EXPECT_EQ(DecodeWith(row_type, insert, {{"database.include", "inv.*"}}), "+I[1, null, null]");
  EXPECT_EQ(DecodeWith(row_type, insert, {{"database.include", "inv"}}), "empty");
  EXPECT_EQ(DecodeWith(row_type, insert,
                       {{"database.include", "inventory|orders"}, {"table.include", "prod.*"}}),
            "+I[1, null, null]");
  EXPECT_EQ(DecodeWith(row_type, insert, {{"table.include", "users"}}), "empty");
  EXPECT_EQ(DecodeWith(row_type, Message("INSERT", R"([{"id":"1"}])", "null", "inventory", "users"),
                       {{"table.include", "users"}}),
            "+I[1, null, null]");
  // A message without the field a pattern needs is corrupt, as in Flink.
  std::string error = DecodeWith(row_type, R"({"data":[{"id":"1"}],"type":"INSERT"})",
                                 {{"database.include", "inventory"}});
  EXPECT_EQ(error.rfind("error: no \"database\" to match 'inventory' against (Canal JSON", 0), 0u)
      << error;
  EXPECT_EQ(format_testing::CreateError(kFormat, row_type, {{"table.include", "prod(ucts"}}),
            "Invalid regular expression 'prod(ucts' for 'canal-json.table.include': missing ): "
            "prod(ucts");
}

TEST(CanalJsonFormatTest, BadMessages) {
  DataType row_type = Products();
  std::string error = DecodeWith(row_type, Message("UPSERT", R"([{"id":"1"}])"));
  EXPECT_EQ(error.rfind("error: unknown \"type\" value \"UPSERT\", expected INSERT, UPDATE or "
                        "DELETE (Canal JSON message '",
                        0),
            0u)
      << error;
  EXPECT_EQ(DecodeWith(row_type, R"({"data":{"id":"1"},"type":"INSERT"})"),
            "error: \"data\" is a JSON object, not an array of rows (Canal JSON message "
            "'{\"data\":{\"id\":\"1\"},\"type\":\"INSERT\"}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"data":[{"id":"1"}]})"),
            "error: no \"type\" (Canal JSON message '{\"data\":[{\"id\":\"1\"}]}')");
  EXPECT_EQ(
      DecodeWith(row_type, R"({"data":[{"id":"1"}],"type":"UPDATE"})"),
      "error: no \"old\" (Canal JSON message '{\"data\":[{\"id\":\"1\"}],\"type\":\"UPDATE\"}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"data":[{"id":"1"},null],"type":"DELETE"})"),
            "error: \"data\" is a JSON null, not an object (Canal JSON message "
            "'{\"data\":[{\"id\":\"1\"},null],\"type\":\"DELETE\"}')");
  // The second row does not convert: the message appends no row at all.
  EXPECT_EQ(DecodeWith(row_type, R"({"data":[{"id":"1"},{"id":"x"}],"type":"INSERT"})"),
            "error: column `id`: cannot parse 'x' as INT");
  Configuration::Entries ignore = {{"ignore-parse-errors", "true"}};
  EXPECT_EQ(DecodeWith(row_type, R"({"data":[{"id":"1"},{"id":"x"}],"type":"INSERT"})", ignore),
            "+I[1, null, null]\n+I[null, null, null]");
  EXPECT_EQ(DecodeWith(row_type, Message("UPSERT", "[]"), ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, R"({"data":[{"id":"1"}],"type":)", ignore), "skipped");
}

TEST(CanalJsonFormatTest, EncodesOneRowPerMessage) {
  DataType row_type = Products();
  std::vector<Value> row = {Value::Int(1), Value::String("scooter"), Value::Decimal(318)};
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kInsert),
            R"({"data":[{"id":1,"name":"scooter","weight":3.18}],"type":"INSERT"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateAfter),
            R"({"data":[{"id":1,"name":"scooter","weight":3.18}],"type":"INSERT"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateBefore),
            R"({"data":[{"id":1,"name":"scooter","weight":3.18}],"type":"DELETE"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kDelete),
            R"({"data":[{"id":1,"name":"scooter","weight":3.18}],"type":"DELETE"})");
  EXPECT_EQ(EncodeWith(row_type, {Value::Int(1), Value(), Value()}, RowKind::kInsert,
                       {{"encode.ignore-null-fields", "true"}}),
            R"({"data":[{"id":1}],"type":"INSERT"})");
}

TEST(CanalJsonFormatTest, RoundTripsRowsWithKinds) {
  DataType row_type = Products();
  std::vector<VectorPtr> columns = {
      MakeVector(DataType::Int(), {Value::Int(1), Value::Int(1), Value::Int(2)}),
      MakeVector(DataType::String(), {Value::String("a"), Value::String("\"b\""), Value()}),
      MakeVector(DataType::Decimal(10, 2), {Value::Decimal(100), Value::Decimal(-5), Value()})};
  Batch batch(std::move(columns), 3, {RowKind::kInsert, RowKind::kUpdateAfter, RowKind::kDelete});
  auto encoder = format_testing::MakeEncoder(kFormat, row_type);
  auto decoder = format_testing::MakeDecoder(kFormat, row_type);
  EXPECT_EQ(format_testing::RoundTrip(encoder.get(), decoder.get(), row_type, batch),
            "+I[1, a, 1.00]\n+I[1, \"b\", -0.05]\n-D[2, null, null]");
}

}  // namespace
}  // namespace tiangong
