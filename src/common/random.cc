#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "common/check.h"

namespace tiangong {
namespace {

void FillRandom(uint8_t* bytes, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    ssize_t got = getrandom(bytes + filled, size - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    TG_CHECK(got > 0);  // getrandom fails only on invalid arguments
    filled += static_cast<size_t>(got);
  }
}

std::string Hex(const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    text.push_back(kDigits[bytes[i] >> 4]);
    text.push_back(kDigits[bytes[i] & 0xF]);
  }
  return text;
}

}  // namespace

std::string RandomHex(size_t chars) {
  std::vector<uint8_t> bytes((chars + 1) / 2);
  FillRandom(bytes.data(), bytes.size());
  return Hex(bytes.data(), bytes.size()).substr(0, chars);
}

std::string RandomUuid() {
  uint8_t bytes[16];
  FillRandom(bytes, sizeof bytes);
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // variant 1
  std::string hex = Hex(bytes, sizeof bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace tiangong
