#include "connectors/kafka/protocol/kafka_wire.h"

#include <fmt/format.h>

#include "common/check.h"

namespace tiangong {
namespace {

template <typename T>
void AppendBigEndian(std::string* out, T value) {
  using Unsigned = std::make_unsigned_t<T>;
  auto bits = static_cast<Unsigned>(value);
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((bits >> shift) & 0xFF));
  }
}

template <typename T>
T ParseBigEndian(std::string_view bytes) {
  using Unsigned = std::make_unsigned_t<T>;
  Unsigned bits = 0;
  for (char byte : bytes) bits = static_cast<Unsigned>((bits << 8) | static_cast<uint8_t>(byte));
  return static_cast<T>(bits);
}

}  // namespace

void KafkaWriter::Int8(int8_t value) { out_->push_back(static_cast<char>(value)); }
void KafkaWriter::Int16(int16_t value) { AppendBigEndian(out_, value); }
void KafkaWriter::Int32(int32_t value) { AppendBigEndian(out_, value); }
void KafkaWriter::Int64(int64_t value) { AppendBigEndian(out_, value); }

void KafkaWriter::UnsignedVarint(uint32_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void KafkaWriter::String(std::string_view text) {
  TG_CHECK_LE(text.size(), kMaxStringSize);
  Int16(static_cast<int16_t>(text.size()));
  out_->append(text);
}

void KafkaWriter::NullableString(std::optional<std::string_view> text) {
  if (!text) {
    Int16(-1);
    return;
  }
  String(*text);
}

void KafkaWriter::CompactString(std::string_view text) {
  TG_CHECK_LT(text.size(), size_t{UINT32_MAX});
  UnsignedVarint(static_cast<uint32_t>(text.size() + 1));
  out_->append(text);
}

void KafkaWriter::CompactNullableString(std::optional<std::string_view> text) {
  if (!text) {
    UnsignedVarint(0);
    return;
  }
  CompactString(*text);
}

void KafkaWriter::ArrayLength(int32_t count) { Int32(count); }

void KafkaWriter::CompactArrayLength(uint32_t count) {
  TG_CHECK_LT(count, UINT32_MAX);
  UnsignedVarint(count + 1);
}

void KafkaWriter::TaggedFields(std::span<const KafkaTaggedField> fields) {
  UnsignedVarint(static_cast<uint32_t>(fields.size()));
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) TG_CHECK_LT(fields[i - 1].tag, fields[i].tag);
    UnsignedVarint(fields[i].tag);
    UnsignedVarint(static_cast<uint32_t>(fields[i].data.size()));
    out_->append(fields[i].data);
  }
}

std::string_view KafkaReader::Take(size_t size, std::string_view what) {
  if (!ok()) return {};
  if (remaining() < size) {
    Fail(fmt::format("{} needs {} bytes at byte {}, but only {} remain", what, size, position_,
                     remaining()));
    return {};
  }
  std::string_view taken = bytes_.substr(position_, size);
  position_ += size;
  return taken;
}

void KafkaReader::Fail(std::string message) {
  if (ok()) error_ = std::move(message);
}

Status KafkaReader::status() const {
  if (ok()) return Status::OK();
  return Status::DataError("malformed Kafka message: {}", error_);
}

int8_t KafkaReader::Int8() {
  std::string_view bytes = Take(1, "an int8");
  return bytes.empty() ? 0 : static_cast<int8_t>(bytes[0]);
}

int16_t KafkaReader::Int16() {
  std::string_view bytes = Take(2, "an int16");
  return bytes.empty() ? 0 : ParseBigEndian<int16_t>(bytes);
}

int32_t KafkaReader::Int32() {
  std::string_view bytes = Take(4, "an int32");
  return bytes.empty() ? 0 : ParseBigEndian<int32_t>(bytes);
}

int64_t KafkaReader::Int64() {
  std::string_view bytes = Take(8, "an int64");
  return bytes.empty() ? 0 : ParseBigEndian<int64_t>(bytes);
}

uint32_t KafkaReader::UnsignedVarint() {
  size_t start = position_;
  uint32_t value = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    std::string_view byte = Take(1, "an unsigned varint");
    if (byte.empty()) return 0;
    auto bits = static_cast<uint8_t>(byte[0]);
    // The fifth byte may carry only the top 4 of the 32 bits.
    if (shift == 28 && (bits & 0xF0) != 0) break;
    value |= static_cast<uint32_t>(bits & 0x7F) << shift;
    if ((bits & 0x80) == 0) return value;
  }
  Fail(fmt::format("the unsigned varint at byte {} does not fit in 32 bits", start));
  return 0;
}

std::string KafkaReader::StringOfLength(int64_t length, std::string_view what) {
  if (!ok()) return {};
  if (length < 0) {
    Fail(fmt::format("{} before byte {} has the invalid length {}", what, position_, length));
    return {};
  }
  return std::string(Take(static_cast<size_t>(length), what));
}

std::string KafkaReader::String() {
  size_t start = position_;
  int16_t length = Int16();
  if (length == -1) {
    Fail(fmt::format("the string at byte {} is null", start));
    return {};
  }
  return StringOfLength(length, "a string");
}

std::optional<std::string> KafkaReader::NullableString() {
  int16_t length = Int16();
  if (!ok() || length == -1) return std::nullopt;
  return StringOfLength(length, "a nullable string");
}

std::string KafkaReader::CompactString() {
  size_t start = position_;
  uint32_t length_plus_one = UnsignedVarint();
  if (ok() && length_plus_one == 0) {
    Fail(fmt::format("the compact string at byte {} is null", start));
    return {};
  }
  return StringOfLength(int64_t{length_plus_one} - 1, "a compact string");
}

std::optional<std::string> KafkaReader::CompactNullableString() {
  uint32_t length_plus_one = UnsignedVarint();
  if (!ok() || length_plus_one == 0) return std::nullopt;
  return StringOfLength(int64_t{length_plus_one} - 1, "a compact nullable string");
}

size_t KafkaReader::CheckedCount(int64_t count, std::string_view what) {
  if (!ok() || count <= 0) return 0;
  // Every element takes at least one byte.
  if (static_cast<uint64_t>(count) > remaining()) {
    Fail(fmt::format("{} before byte {} claims {} elements, but only {} bytes remain", what,
                     position_, count, remaining()));
    return 0;
  }
  return static_cast<size_t>(count);
}

size_t KafkaReader::ArrayLength() {
  int32_t count = Int32();
  if (count < -1) {
    Fail(fmt::format("the array before byte {} has the invalid length {}", position_, count));
    return 0;
  }
  return CheckedCount(count, "an array");
}

size_t KafkaReader::CompactArrayLength() {
  uint32_t count_plus_one = UnsignedVarint();
  return CheckedCount(int64_t{count_plus_one} - 1, "a compact array");
}

std::vector<KafkaTaggedField> KafkaReader::TaggedFields() {
  std::vector<KafkaTaggedField> fields;
  uint32_t count = UnsignedVarint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    KafkaTaggedField field;
    field.tag = UnsignedVarint();
    if (!fields.empty() && ok() && field.tag <= fields.back().tag) {
      Fail(fmt::format("tagged field {} before byte {} does not follow tag {}", field.tag,
                       position_, fields.back().tag));
      break;
    }
    uint32_t size = UnsignedVarint();
    field.data = std::string(Take(size, "a tagged field"));
    if (ok()) fields.push_back(std::move(field));
  }
  return ok() ? fields : std::vector<KafkaTaggedField>{};
}

void KafkaReader::SkipTaggedFields() {
  uint32_t count = UnsignedVarint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    UnsignedVarint();  // the tag
    Skip(UnsignedVarint());
  }
}

void KafkaReader::Skip(size_t size) { Take(size, "skipped bytes"); }

void EncodeKafkaRequestHeader(int16_t api_key, int16_t api_version, int32_t correlation_id,
                              std::optional<std::string_view> client_id, bool flexible,
                              std::string* out) {
  KafkaWriter writer(out);
  writer.Int16(api_key);
  writer.Int16(api_version);
  writer.Int32(correlation_id);
  writer.NullableString(client_id);
  if (flexible) writer.EmptyTaggedFields();
}

int32_t DecodeKafkaResponseHeader(KafkaReader& reader, bool flexible) {
  int32_t correlation_id = reader.Int32();
  if (flexible) reader.SkipTaggedFields();
  return correlation_id;
}

}  // namespace tiangong
