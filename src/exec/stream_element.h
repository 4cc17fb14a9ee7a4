#pragma once

#include <cstdint>
#include <variant>

#include "types/batch.h"

namespace tiangong {

/// Event-time progress: no later element on this channel has an event time at
/// or below `timestamp`. Event times are the rowtime column's microseconds
/// (TIMESTAMP: local time as if UTC, as Flink does; TIMESTAMP_LTZ: UTC).
struct Watermark {
  int64_t timestamp;
};

/// The lowest and highest watermarks; a bounded source ends with kMaxWatermark so
/// that every pending event-time result is emitted.
inline constexpr int64_t kMinWatermark = INT64_MIN;
inline constexpr int64_t kMaxWatermark = INT64_MAX;

/// The upstream subtask went idle (no data for 'table.exec.source.idle-timeout')
/// or became active again. Idle channels do not hold back the watermark of the
/// subtasks they feed.
struct WatermarkStatus {
  bool idle;
};

/// The upstream subtask has no more data for this channel.
struct EndOfInput {};

/// What travels on a channel between subtasks.
using StreamElement = std::variant<Batch, Watermark, WatermarkStatus, EndOfInput>;

}  // namespace tiangong
