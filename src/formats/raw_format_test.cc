#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "formats/format.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

const FormatFactory& Raw() { return *BuiltinFormats().Find("raw"); }

std::string CreateError(const DataType& row_type, Configuration::Entries options) {
  auto decoder = Raw().CreateDecoder(row_type, Configuration(options), FunctionContext());
  auto encoder = Raw().CreateEncoder(row_type, Configuration(options), FunctionContext());
  EXPECT_EQ(decoder.ok(), encoder.ok());
  if (decoder.ok()) return "created";
  return decoder.status().message();
}

TEST(RawFormatTest, DeclaresOptionsWithoutPrefix) {
  std::vector<std::string> expected = {"charset", "endianness"};
  EXPECT_EQ(Raw().options().optional, expected);
  EXPECT_TRUE(Raw().options().required.empty());
}

TEST(RawFormatTest, DecodesWholeRecordIntoTheColumn) {
  for (DataType type : {DataType::String(), DataType::Bytes()}) {
    DataType row_type = DataType::Row({{"line", type}});
    auto decoder = Raw().CreateDecoder(row_type, Configuration(), FunctionContext());
    ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
    BatchBuilder builder(row_type);
    std::string binary("a,\"b\"\n\0\xff", 8);
    for (std::string_view record : {std::string_view(binary), std::string_view("")}) {
      auto status = (*decoder)->Decode(record, &builder);
      ASSERT_TRUE(status.ok());
      EXPECT_EQ(*status, DecodeStatus::kRow);
    }
    Batch batch = builder.Build();
    ASSERT_EQ(batch.num_rows(), 2u);
    EXPECT_EQ(ReadValue(*batch.column(0), 0), Value::String(binary));
    EXPECT_EQ(ReadValue(*batch.column(0), 1), Value::String(""));
  }
}

TEST(RawFormatTest, EncodesTheValueBytes) {
  DataType row_type = DataType::Row({{"line", DataType::String()}});
  auto encoder = Raw().CreateEncoder(row_type, Configuration(), FunctionContext());
  ASSERT_TRUE(encoder.ok());
  Batch batch({MakeVector(DataType::String(), {Value::String("héllo, \"world\""), Value()})}, 2);
  std::string out;
  ASSERT_TRUE((*encoder)->Encode(batch, 0, &out).ok());
  EXPECT_EQ(out, "héllo, \"world\"");
  // NULL has no bytes.
  ASSERT_TRUE((*encoder)->Encode(batch, 1, &out).ok());
  EXPECT_EQ(out, "héllo, \"world\"");
}

TEST(RawFormatTest, AcceptsUtf8AndBothEndiannesses) {
  DataType row_type = DataType::Row({{"line", DataType::Bytes()}});
  EXPECT_EQ(CreateError(row_type, {{"charset", "utf-8"}, {"endianness", "little-endian"}}),
            "created");
  EXPECT_EQ(CreateError(row_type, {{"charset", "UTF-8"}, {"endianness", "big-endian"}}), "created");
}

TEST(RawFormatTest, RejectsWhatItCannotRepresent) {
  DataType one_string = DataType::Row({{"line", DataType::String()}});
  EXPECT_EQ(CreateError(one_string, {{"charset", "GBK"}}),
            "Unsupported 'raw.charset' value 'GBK': the raw format supports only UTF-8");
  EXPECT_EQ(CreateError(one_string, {{"endianness", "middle"}}),
            "Unsupported endianness name: middle. Valid values of 'raw.endianness' option are "
            "'big-endian' and 'little-endian'.");
  EXPECT_EQ(CreateError(DataType::Row({{"a", DataType::String()}, {"b", DataType::Int()}}), {}),
            "The 'raw' format only supports a single physical column. However the defined schema "
            "contains 2 physical columns: [`a` STRING, `b` INT]");
  EXPECT_EQ(CreateError(DataType::Row({{"n", DataType::BigInt()}}), {}),
            "The 'raw' format supports only STRING, VARCHAR, CHAR, BYTES, VARBINARY and BINARY "
            "columns, but column `n` is BIGINT");
}

}  // namespace
}  // namespace tiangong
