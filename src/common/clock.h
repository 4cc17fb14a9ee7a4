#pragma once

#include <chrono>
#include <cstdint>

namespace tiangong {

/// The wall clock (processing time) in UTC microseconds since the epoch.
inline int64_t WallClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tiangong
