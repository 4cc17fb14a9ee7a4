#include "types/key_encoder.h"

#include <xxhash.h>

#include <cstring>

namespace tiangong {
namespace {

constexpr char kNullMarker = 0x00;
constexpr char kValueMarker = 0x01;

void AppendBigEndian(uint64_t value, int bytes, std::string* out) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

// Signed integers: flip the sign bit so that negative values sort first.
void AppendSigned(int64_t value, int bytes, std::string* out) {
  uint64_t bits = static_cast<uint64_t>(value) ^ (uint64_t{1} << (bytes * 8 - 1));
  AppendBigEndian(bits, bytes, out);
}

// IEEE 754: flip all bits of negative numbers, only the sign bit of others.
void AppendDouble(double value, std::string* out) {
  if (value == 0) value = 0;  // -0.0 and 0.0 are one key
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  bits = (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
  AppendBigEndian(bits, 8, out);
}

// Strings: bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x00, so that a
// prefix sorts before its extensions.
void AppendString(std::string_view text, std::string* out) {
  for (char c : text) {
    out->push_back(c);
    if (c == '\0') out->push_back(static_cast<char>(0xFF));
  }
  out->push_back('\0');
  out->push_back('\0');
}

}  // namespace

void EncodeKeyValue(const Vector& vector, size_t row, std::string* out) {
  if (vector.IsNull(row)) {
    out->push_back(kNullMarker);
    return;
  }
  out->push_back(kValueMarker);
  size_t slot = vector.Index(row);
  switch (vector.kind()) {
    case PhysicalKind::kNone:
      return;
    case PhysicalKind::kBool:
      out->push_back(static_cast<char>(vector.values<uint8_t>()[slot]));
      return;
    case PhysicalKind::kInt8:
      AppendSigned(vector.values<int8_t>()[slot], 1, out);
      return;
    case PhysicalKind::kInt16:
      AppendSigned(vector.values<int16_t>()[slot], 2, out);
      return;
    case PhysicalKind::kInt32:
      AppendSigned(vector.values<int32_t>()[slot], 4, out);
      return;
    case PhysicalKind::kInt64:
      AppendSigned(vector.values<int64_t>()[slot], 8, out);
      return;
    case PhysicalKind::kFloat:
      AppendDouble(vector.values<float>()[slot], out);
      return;
    case PhysicalKind::kDouble:
      AppendDouble(vector.values<double>()[slot], out);
      return;
    case PhysicalKind::kInt128: {
      __int128 value = vector.values<__int128>()[slot];
      AppendSigned(static_cast<int64_t>(value >> 64), 8, out);
      AppendBigEndian(static_cast<uint64_t>(value), 8, out);
      return;
    }
    case PhysicalKind::kString:
      AppendString(vector.values<std::string_view>()[slot], out);
      return;
    case PhysicalKind::kList: {
      uint32_t begin = vector.offsets()[slot];
      uint32_t end = vector.offsets()[slot + 1];
      AppendBigEndian(end - begin, 4, out);
      for (uint32_t e = begin; e < end; ++e) {
        for (size_t c = 0; c < vector.num_children(); ++c) EncodeKeyValue(vector.child(c), e, out);
      }
      return;
    }
    case PhysicalKind::kStruct:
      for (size_t c = 0; c < vector.num_children(); ++c) EncodeKeyValue(vector.child(c), row, out);
      return;
  }
}

void EncodeKeyValueDescending(const Vector& vector, size_t row, std::string* out) {
  size_t start = out->size();
  EncodeKeyValue(vector, row, out);
  // Inverting every byte reverses the order (the string terminator included).
  for (size_t i = start; i < out->size(); ++i) (*out)[i] = static_cast<char>(~(*out)[i]);
}

bool AnyNullKey(const std::vector<VectorPtr>& columns, const std::vector<int>& keys, size_t row) {
  for (int key : keys) {
    if (columns[key]->IsNull(row)) return true;
  }
  return false;
}

void EncodeKey(const std::vector<VectorPtr>& columns, const std::vector<int>& keys, size_t row,
               std::string* out) {
  for (int key : keys) EncodeKeyValue(*columns[key], row, out);
}

uint64_t HashKey(std::string_view encoded) { return XXH3_64bits(encoded.data(), encoded.size()); }

}  // namespace tiangong
