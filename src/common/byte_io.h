#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tiangong {

/// Appends fixed-width little-endian integers, varints and length-prefixed
/// strings to a byte string: the encoding of state values and checkpoints.
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}

  template <typename T>
  void Fixed(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_->append(bytes, sizeof(T));
  }
  void Varint(uint64_t value) {
    while (value >= 0x80) {
      out_->push_back(static_cast<char>(value | 0x80));
      value >>= 7;
    }
    out_->push_back(static_cast<char>(value));
  }
  void String(std::string_view text) {
    Varint(text.size());
    out_->append(text);
  }

 private:
  std::string* out_;
};

/// Reads what ByteWriter wrote. Every read checks the remaining length; after a
/// failed read ok() is false and further reads return zero values.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  T Fixed() {
    T value{};
    if (bytes_.size() < sizeof(T)) {
      ok_ = false;
      return value;
    }
    std::memcpy(&value, bytes_.data(), sizeof(T));
    bytes_.remove_prefix(sizeof(T));
    return value;
  }
  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (bytes_.empty()) {
        ok_ = false;
        return 0;
      }
      auto byte = static_cast<uint8_t>(bytes_.front());
      bytes_.remove_prefix(1);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  std::string_view String() {
    uint64_t size = Varint();
    if (!ok_ || bytes_.size() < size) {
      ok_ = false;
      return {};
    }
    std::string_view text = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return text;
  }

  bool ok() const { return ok_; }
  bool empty() const { return bytes_.empty(); }
  std::string_view remaining() const { return bytes_; }

 private:
  std::string_view bytes_;
  bool ok_ = true;
};

}  // namespace tiangong
