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

constexpr std::string_view kFormat = "maxwell-json";

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

TEST(MaxwellJsonFormatTest, DeclaresFlinksOptionsAndAllRowKinds) {
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

TEST(MaxwellJsonFormatTest, DecodesEveryType) {
  DataType row_type = Products();
  // An insert as Maxwell writes it, with fields the format ignores.
  EXPECT_EQ(DecodeWith(row_type, R"({"database":"test","table":"e","type":"insert",
      "ts":1477053217,"xid":23396,"commit":true,"position":"master.000006:800911",
      "server_id":23042,"thread_id":108,"primary_key":[111],"primary_key_columns":["id"],
      "data":{"id":111,"name":"scooter","weight":5.15}})"),
            "+I[111, scooter, 5.15]");
  // "old" holds the previous values of the columns that changed, NULL included.
  EXPECT_EQ(DecodeWith(row_type, R"({"database":"test","table":"e","type":"update",
      "data":{"id":111,"name":"scooter","weight":5.18},"old":{"weight":5.15,"name":null}})"),
            "-U[111, null, 5.15]\n+U[111, scooter, 5.18]");
  EXPECT_EQ(DecodeWith(row_type, R"({"database":"test","table":"e","type":"delete",
      "data":{"id":111,"name":"scooter","weight":5.18}})"),
            "-D[111, scooter, 5.18]");
}

TEST(MaxwellJsonFormatTest, DatabaseAndTableInclude) {
  DataType row_type = Products();
  std::string insert = R"({"database":"test","table":"e","type":"insert","data":{"id":1}})";
  EXPECT_EQ(DecodeWith(row_type, insert, {{"database.include", "te.t"}, {"table.include", "e"}}),
            "+I[1, null, null]");
  EXPECT_EQ(DecodeWith(row_type, insert, {{"database.include", "prod"}}), "empty");
  EXPECT_EQ(DecodeWith(row_type, insert, {{"table.include", "e2|f"}}), "empty");
}

TEST(MaxwellJsonFormatTest, BadMessages) {
  DataType row_type = Products();
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"table-create","data":null})"),
            "error: unknown \"type\" value \"table-create\", expected insert, update or delete "
            "(Maxwell JSON message '{\"type\":\"table-create\",\"data\":null}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"update","data":{"id":1}})"),
            "error: no \"old\" (Maxwell JSON message '{\"type\":\"update\",\"data\":{\"id\":1}}')");
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"insert","data":{"id":1,"weight":"w"}})"),
            "error: column `weight`: cannot parse 'w' as DECIMAL(10, 2)");
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"update","data":{"id":1},"old":{"id":"x"}})"),
            "error: column `id`: cannot parse 'x' as INT");
  Configuration::Entries ignore = {{"ignore-parse-errors", "true"}};
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"update","data":{"id":1},"old":{"id":"x"}})", ignore),
            "-U[null, null, null]\n+U[1, null, null]");
  EXPECT_EQ(DecodeWith(row_type, R"({"type":"bootstrap-start"})", ignore), "skipped");
  EXPECT_EQ(DecodeWith(row_type, "not json", ignore), "skipped");
}

TEST(MaxwellJsonFormatTest, EncodesOneRowPerMessage) {
  DataType row_type = Products();
  std::vector<Value> row = {Value::Int(1), Value::String("scooter"), Value::Decimal(318)};
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kInsert),
            R"({"data":{"id":1,"name":"scooter","weight":3.18},"type":"insert"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateAfter),
            R"({"data":{"id":1,"name":"scooter","weight":3.18},"type":"insert"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kUpdateBefore),
            R"({"data":{"id":1,"name":"scooter","weight":3.18},"type":"delete"})");
  EXPECT_EQ(EncodeWith(row_type, row, RowKind::kDelete),
            R"({"data":{"id":1,"name":"scooter","weight":3.18},"type":"delete"})");
}

TEST(MaxwellJsonFormatTest, RoundTripsRowsWithKinds) {
  DataType row_type = Products();
  std::vector<VectorPtr> columns = {
      MakeVector(DataType::Int(), {Value::Int(1), Value::Int(2)}),
      MakeVector(DataType::String(), {Value::String("a\nb"), Value()}),
      MakeVector(DataType::Decimal(10, 2), {Value::Decimal(12345), Value::Decimal(1)})};
  Batch batch(std::move(columns), 2, {RowKind::kInsert, RowKind::kDelete});
  auto encoder = format_testing::MakeEncoder(kFormat, row_type);
  auto decoder = format_testing::MakeDecoder(kFormat, row_type);
  EXPECT_EQ(format_testing::RoundTrip(encoder.get(), decoder.get(), row_type, batch),
            "+I[1, a\nb, 123.45]\n-D[2, null, 0.01]");
}

}  // namespace
}  // namespace tiangong
