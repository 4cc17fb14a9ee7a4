#pragma once

#include <cstdint>
#include <variant>

#include "types/batch.h"

namespace tiangong {

/// Event-time progress: no later element on this channel has a timestamp at or
/// below `timestamp` (UTC milliseconds, as Flink's watermarks).
struct Watermark {
  int64_t timestamp;
};

/// The upstream subtask has no more data for this channel.
struct EndOfInput {};

/// What travels on a channel between subtasks.
using StreamElement = std::variant<Batch, Watermark, EndOfInput>;

}  // namespace tiangong
