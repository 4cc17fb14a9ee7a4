#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

/// The primitive types of the Kafka wire protocol (kafka.apache.org/protocol): big-endian
/// integers, strings and arrays in their classic form (int16 / int32 length) and in the compact
/// form of "flexible" message versions (unsigned varint length + 1), and tagged fields. Plus
/// the request and response headers. No I/O here: messages are built in and parsed from memory.

namespace tiangong {

/// One tagged field of a flexible message: a tag and the field's encoded bytes.
struct KafkaTaggedField {
  uint32_t tag = 0;
  std::string data;

  bool operator==(const KafkaTaggedField&) const = default;
};

/// Appends Kafka primitive types to a byte string.
/// Thread-safety: none; one writer per thread.
class KafkaWriter {
 public:
  /// REQUIRES: `out` outlives the writer.
  explicit KafkaWriter(std::string* out) : out_(out) {}

  void Int8(int8_t value);
  void Int16(int16_t value);
  void Int32(int32_t value);
  void Int64(int64_t value);
  void Boolean(bool value) { Int8(value ? 1 : 0); }
  /// 7 bits a byte, least significant group first.
  void UnsignedVarint(uint32_t value);

  /// int16 length, then the bytes. REQUIRES: text.size() <= kMaxStringSize.
  void String(std::string_view text);
  /// Like String; null is length -1.
  void NullableString(std::optional<std::string_view> text);
  /// Unsigned varint length + 1, then the bytes.
  void CompactString(std::string_view text);
  /// Like CompactString; null is length 0.
  void CompactNullableString(std::optional<std::string_view> text);

  /// The int32 element count of a classic array; the elements follow.
  void ArrayLength(int32_t count);
  /// The unsigned varint count + 1 of a compact array; the elements follow.
  void CompactArrayLength(uint32_t count);

  /// A tagged-field section: the count, then tag, size and bytes of each field.
  /// REQUIRES: `fields` in ascending tag order without duplicates.
  void TaggedFields(std::span<const KafkaTaggedField> fields);
  /// A tagged-field section without fields (what this client sends).
  void EmptyTaggedFields() { UnsignedVarint(0); }

  /// The longest string a classic (int16 length) string holds.
  static constexpr size_t kMaxStringSize = 32767;

 private:
  std::string* out_;
};

/// Reads Kafka primitive types from a byte string. Every read checks the remaining length; the
/// first malformed or truncated read sets an error (see status()) and makes all further reads
/// return zero values, so a decoder reads a whole message and checks once at the end.
/// Array lengths are checked against the remaining bytes, so a corrupt count never makes a
/// caller reserve gigabytes. Thread-safety: none; one reader per thread.
class KafkaReader {
 public:
  /// REQUIRES: the bytes outlive the reader.
  explicit KafkaReader(std::string_view bytes) : bytes_(bytes) {}
  /// A temporary string would die before the reader.
  explicit KafkaReader(std::string&& bytes) = delete;

  int8_t Int8();
  int16_t Int16();
  int32_t Int32();
  int64_t Int64();
  bool Boolean() { return Int8() != 0; }
  /// At most 5 bytes (32 bits); a longer varint is an error.
  uint32_t UnsignedVarint();

  /// A classic string; null is an error.
  std::string String();
  std::optional<std::string> NullableString();
  /// A compact string; null is an error.
  std::string CompactString();
  std::optional<std::string> CompactNullableString();

  /// The element count of a classic array; null (-1) counts as empty.
  size_t ArrayLength();
  /// The element count of a compact array; null (0) counts as empty.
  size_t CompactArrayLength();

  /// A tagged-field section, field by field.
  std::vector<KafkaTaggedField> TaggedFields();
  /// Reads past a tagged-field section (the fields this client does not use).
  void SkipTaggedFields();

  /// Reads past `size` bytes.
  void Skip(size_t size);

  bool ok() const { return error_.empty(); }
  /// OK, or a DataError naming the first bad read and its byte offset.
  Status status() const;
  size_t position() const { return position_; }
  size_t remaining() const { return bytes_.size() - position_; }

 private:
  // Takes `size` bytes, or records what was being read and returns an empty view.
  std::string_view Take(size_t size, std::string_view what);
  void Fail(std::string message);
  std::string StringOfLength(int64_t length, std::string_view what);
  size_t CheckedCount(int64_t count, std::string_view what);

  std::string_view bytes_;
  size_t position_ = 0;
  std::string error_;
};

/// Appends a request header to `out`: version 2 (flexible: with tagged fields) when
/// `flexible`, else version 1. The client id is a classic nullable string in both.
void EncodeKafkaRequestHeader(int16_t api_key, int16_t api_version, int32_t correlation_id,
                              std::optional<std::string_view> client_id, bool flexible,
                              std::string* out);

/// Reads a response header: the correlation id, then tagged fields when `flexible` (header
/// version 1). ApiVersions responses always use version 0 (never flexible), whatever their
/// body's version, so a broker can answer a version it does not know.
int32_t DecodeKafkaResponseHeader(KafkaReader& reader, bool flexible);

}  // namespace tiangong
