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

/// Divides the stream for checkpoint `id`: the state a subtask has once it has
/// processed everything before the barrier on each of its inputs belongs to
/// the checkpoint. With `stop`, nothing follows the barrier: the job stops
/// once the checkpoint completes (stop with savepoint), without ending its
/// input the way a finished source does.
struct CheckpointBarrier {
  int64_t id;
  bool stop = false;
  /// A savepoint: every operator's state is written whole.
  bool savepoint = false;
};

/// The checkpoint id operators see for the final snapshot a subtask takes once
/// its input has ended (SnapshotState), and in NotifyCheckpointComplete once a
/// checkpoint that holds that final state completes: then everything prepared
/// may commit.
inline constexpr int64_t kFinalCheckpointId = INT64_MAX;

/// What travels on a channel between subtasks.
using StreamElement =
    std::variant<Batch, Watermark, WatermarkStatus, EndOfInput, CheckpointBarrier>;

}  // namespace tiangong
