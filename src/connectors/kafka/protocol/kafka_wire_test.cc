#include "connectors/kafka/protocol/kafka_wire.h"

#include <limits>

#include <gtest/gtest.h>

namespace tiangong {
namespace {

// Bytes written as a list of values, e.g. Bytes({0x00, 0x02, 'a', 'b'}).
std::string Bytes(std::initializer_list<int> values) {
  std::string bytes;
  for (int value : values) bytes.push_back(static_cast<char>(value));
  return bytes;
}

TEST(KafkaWireTest, IntegersAreBigEndian) {
  std::string out;
  KafkaWriter writer(&out);
  writer.Int8(-2);
  writer.Int16(0x0102);
  writer.Int32(-2);
  writer.Int64(0x0102030405060708);
  writer.Boolean(true);
  EXPECT_EQ(out, Bytes({0xFE, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0x05,
                        0x06, 0x07, 0x08, 0x01}));

  KafkaReader reader(out);
  EXPECT_EQ(reader.Int8(), -2);
  EXPECT_EQ(reader.Int16(), 0x0102);
  EXPECT_EQ(reader.Int32(), -2);
  EXPECT_EQ(reader.Int64(), 0x0102030405060708);
  EXPECT_TRUE(reader.Boolean());
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(reader.remaining(), 0u);
}

TEST(KafkaWireTest, ExtremeIntegersRoundTrip) {
  std::string out;
  KafkaWriter writer(&out);
  writer.Int16(std::numeric_limits<int16_t>::min());
  writer.Int32(std::numeric_limits<int32_t>::max());
  writer.Int64(std::numeric_limits<int64_t>::min());
  writer.Int64(-1);
  KafkaReader reader(out);
  EXPECT_EQ(reader.Int16(), std::numeric_limits<int16_t>::min());
  EXPECT_EQ(reader.Int32(), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(reader.Int64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(reader.Int64(), -1);
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, UnsignedVarintsUseSevenBitsAByteLowGroupFirst) {
  struct Case {
    uint32_t value;
    std::string bytes;
  };
  const Case cases[] = {
      {0, Bytes({0x00})},
      {1, Bytes({0x01})},
      {127, Bytes({0x7F})},
      {128, Bytes({0x80, 0x01})},
      {300, Bytes({0xAC, 0x02})},
      {16384, Bytes({0x80, 0x80, 0x01})},
      {std::numeric_limits<uint32_t>::max(), Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F})},
  };
  for (const Case& c : cases) {
    std::string out;
    KafkaWriter(&out).UnsignedVarint(c.value);
    EXPECT_EQ(out, c.bytes) << c.value;
    KafkaReader reader(out);
    EXPECT_EQ(reader.UnsignedVarint(), c.value);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  }
}

TEST(KafkaWireTest, VarintsLongerThan32BitsAreErrors) {
  const std::string too_many_bytes_input = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  KafkaReader too_many_bytes(too_many_bytes_input);
  too_many_bytes.UnsignedVarint();
  EXPECT_FALSE(too_many_bytes.ok());
  EXPECT_NE(too_many_bytes.status().message().find("does not fit in 32 bits"), std::string::npos)
      << too_many_bytes.status().message();

  const std::string high_bits_in_fifth_byte_input = Bytes({0x80, 0x80, 0x80, 0x80, 0x10});
  KafkaReader high_bits_in_fifth_byte(high_bits_in_fifth_byte_input);
  high_bits_in_fifth_byte.UnsignedVarint();
  EXPECT_FALSE(high_bits_in_fifth_byte.ok());

  const std::string unfinished_input = Bytes({0x80, 0x80});
  KafkaReader unfinished(unfinished_input);
  EXPECT_EQ(unfinished.UnsignedVarint(), 0u);
  EXPECT_FALSE(unfinished.ok());
}

TEST(KafkaWireTest, ClassicStringsHaveAnInt16LengthAndNullIsMinusOne) {
  std::string out;
  KafkaWriter writer(&out);
  writer.String("ab");
  writer.NullableString(std::nullopt);
  writer.NullableString("");
  writer.String("");
  EXPECT_EQ(out, Bytes({0x00, 0x02, 'a', 'b', 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00}));

  KafkaReader reader(out);
  EXPECT_EQ(reader.String(), "ab");
  EXPECT_EQ(reader.NullableString(), std::nullopt);
  EXPECT_EQ(reader.NullableString(), std::optional<std::string>(""));
  EXPECT_EQ(reader.String(), "");
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, CompactStringsHaveLengthPlusOneAndNullIsZero) {
  std::string out;
  KafkaWriter writer(&out);
  writer.CompactString("abc");
  writer.CompactNullableString(std::nullopt);
  writer.CompactString("");
  EXPECT_EQ(out, Bytes({0x04, 'a', 'b', 'c', 0x00, 0x01}));

  KafkaReader reader(out);
  EXPECT_EQ(reader.CompactString(), "abc");
  EXPECT_EQ(reader.CompactNullableString(), std::nullopt);
  EXPECT_EQ(reader.CompactString(), "");
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, LongCompactStringsHaveMultiByteLengths) {
  std::string text(200, 'x');
  std::string out;
  KafkaWriter(&out).CompactString(text);
  EXPECT_EQ(out.substr(0, 2), Bytes({0xC9, 0x01}));  // 201
  KafkaReader reader(out);
  EXPECT_EQ(reader.CompactString(), text);
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, NullWhereAStringMustBeIsAnError) {
  const std::string classic_input = Bytes({0xFF, 0xFF});
  KafkaReader classic(classic_input);
  classic.String();
  EXPECT_FALSE(classic.ok());
  EXPECT_NE(classic.status().message().find("is null"), std::string::npos);

  const std::string compact_input = Bytes({0x00});
  KafkaReader compact(compact_input);
  compact.CompactString();
  EXPECT_FALSE(compact.ok());
}

TEST(KafkaWireTest, ArrayLengths) {
  std::string out;
  KafkaWriter writer(&out);
  writer.ArrayLength(2);
  writer.Int8(1);
  writer.Int8(2);
  writer.CompactArrayLength(1);
  writer.Int8(3);
  writer.CompactArrayLength(0);
  EXPECT_EQ(out, Bytes({0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x02, 0x03, 0x01}));

  KafkaReader reader(out);
  EXPECT_EQ(reader.ArrayLength(), 2u);
  reader.Skip(2);
  EXPECT_EQ(reader.CompactArrayLength(), 1u);
  reader.Skip(1);
  EXPECT_EQ(reader.CompactArrayLength(), 0u);
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, NullArraysReadAsEmpty) {
  const std::string reader_input = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x00});
  KafkaReader reader(reader_input);
  EXPECT_EQ(reader.ArrayLength(), 0u);
  EXPECT_EQ(reader.CompactArrayLength(), 0u);
  EXPECT_TRUE(reader.ok());
}

TEST(KafkaWireTest, ArrayCountsBeyondTheRemainingBytesAreErrors) {
  // A corrupt count must not make a decoder reserve room for two billion elements.
  const std::string classic_input = Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0x01});
  KafkaReader classic(classic_input);
  EXPECT_EQ(classic.ArrayLength(), 0u);
  EXPECT_FALSE(classic.ok());
  EXPECT_NE(classic.status().message().find("claims 2147483647 elements"), std::string::npos)
      << classic.status().message();

  const std::string compact_input = Bytes({0x05, 0x01});
  KafkaReader compact(compact_input);
  EXPECT_EQ(compact.CompactArrayLength(), 0u);
  EXPECT_FALSE(compact.ok());

  const std::string negative_input = Bytes({0xFF, 0xFF, 0xFF, 0xFE});
  KafkaReader negative(negative_input);
  EXPECT_EQ(negative.ArrayLength(), 0u);
  EXPECT_FALSE(negative.ok());
}

TEST(KafkaWireTest, TaggedFieldsRoundTripAndSkip) {
  const KafkaTaggedField fields[] = {{0, "ab"}, {3, ""}, {200, std::string(130, 'z')}};
  std::string out;
  KafkaWriter writer(&out);
  writer.TaggedFields(fields);
  writer.Int8(42);
  EXPECT_EQ(out.substr(0, 9), Bytes({0x03, 0x00, 0x02, 'a', 'b', 0x03, 0x00, 0xC8, 0x01}));

  KafkaReader reader(out);
  EXPECT_EQ(reader.TaggedFields(),
            std::vector<KafkaTaggedField>(std::begin(fields), std::end(fields)));
  EXPECT_EQ(reader.Int8(), 42);
  EXPECT_TRUE(reader.ok());

  KafkaReader skipper(out);
  skipper.SkipTaggedFields();
  EXPECT_EQ(skipper.Int8(), 42);
  EXPECT_TRUE(skipper.ok());

  std::string empty;
  KafkaWriter(&empty).EmptyTaggedFields();
  EXPECT_EQ(empty, Bytes({0x00}));
}

TEST(KafkaWireTest, TaggedFieldsOutOfOrderOrTruncatedAreErrors) {
  const std::string out_of_order_input = Bytes({0x02, 0x05, 0x00, 0x01, 0x00});
  KafkaReader out_of_order(out_of_order_input);
  out_of_order.TaggedFields();
  EXPECT_FALSE(out_of_order.ok());

  const std::string truncated_input = Bytes({0x01, 0x00, 0x05, 'a'});
  KafkaReader truncated(truncated_input);
  truncated.SkipTaggedFields();
  EXPECT_FALSE(truncated.ok());
}

TEST(KafkaWireTest, TheFirstBadReadIsReportedAndLaterReadsReturnZero) {
  const std::string reader_input = Bytes({0x00, 0x01, 0x02});
  KafkaReader reader(reader_input);
  EXPECT_EQ(reader.Int16(), 1);
  EXPECT_EQ(reader.Int32(), 0);  // one byte left
  EXPECT_EQ(reader.Int8(), 0);   // the byte is there, but the reader has failed
  EXPECT_EQ(reader.CompactString(), "");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kDataError);
  EXPECT_NE(reader.status().message().find("an int32 needs 4 bytes at byte 2, but only 1 remain"),
            std::string::npos)
      << reader.status().message();
}

TEST(KafkaWireTest, StringLengthsBeyondTheBytesAreErrors) {
  const std::string classic_input = Bytes({0x00, 0x05, 'a', 'b'});
  KafkaReader classic(classic_input);
  EXPECT_EQ(classic.String(), "");
  EXPECT_FALSE(classic.ok());

  const std::string compact_input = Bytes({0x06, 'a'});
  KafkaReader compact(compact_input);
  EXPECT_EQ(compact.CompactNullableString(), std::optional<std::string>(""));
  EXPECT_FALSE(compact.ok());

  const std::string negative_input = Bytes({0xFF, 0xFE});
  KafkaReader negative(negative_input);
  negative.NullableString();
  EXPECT_FALSE(negative.ok());
}

TEST(KafkaWireTest, RequestHeaderVersion1And2) {
  std::string classic;
  EncodeKafkaRequestHeader(26, 2, 7, "tg", /*flexible=*/false, &classic);
  EXPECT_EQ(classic, Bytes({0x00, 0x1A, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 't', 'g'}));

  // Flexible: the client id keeps its int16 length (brokers must parse it before they know the
  // version); tagged fields follow.
  std::string flexible;
  EncodeKafkaRequestHeader(65, 0, 8, std::nullopt, /*flexible=*/true, &flexible);
  EXPECT_EQ(flexible, Bytes({0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0xFF, 0xFF, 0x00}));
}

TEST(KafkaWireTest, ResponseHeaderVersion0And1) {
  const std::string classic_input = Bytes({0x00, 0x00, 0x01, 0x00, 0x2A});
  KafkaReader classic(classic_input);
  EXPECT_EQ(DecodeKafkaResponseHeader(classic, /*flexible=*/false), 256);
  EXPECT_EQ(classic.Int8(), 0x2A);

  const std::string flexible_input = Bytes({0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x01, 0x07, 0x2A});
  KafkaReader flexible(flexible_input);
  EXPECT_EQ(DecodeKafkaResponseHeader(flexible, /*flexible=*/true), 9);
  EXPECT_EQ(flexible.Int8(), 0x2A);
  EXPECT_TRUE(flexible.ok());
}

}  // namespace
}  // namespace tiangong
