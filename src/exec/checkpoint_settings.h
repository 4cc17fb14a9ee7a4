#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/configuration.h"
#include "common/result.h"

namespace tiangong {

/// How a job checkpoints, from Flink's option names:
///   execution.checkpointing.interval              (unset or 0: no checkpoints)
///   execution.checkpointing.mode                  EXACTLY_ONCE | AT_LEAST_ONCE
///   execution.checkpointing.timeout               default 10 min
///   execution.checkpointing.min-pause             default 0
///   execution.checkpointing.tolerable-failed-checkpoints   default 0
///   state.checkpoints.dir                         required with an interval
///   state.checkpoints.num-retained                default 1
///   state.savepoints.dir                          default target of savepoints
///   execution.savepoint.path                      restore from this savepoint
///   execution.savepoint.ignore-unclaimed-state    default false (the CLI's
///                                                 --allow-non-restored-state)
struct CheckpointSettings {
  enum class Mode { kExactlyOnce, kAtLeastOnce };

  std::chrono::milliseconds interval{0};
  Mode mode = Mode::kExactlyOnce;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::chrono::milliseconds min_pause{0};
  int tolerable_failures = 0;
  std::string directory;
  int num_retained = 1;
  std::string savepoint_directory;
  std::string savepoint_path;
  bool allow_non_restored_state = false;

  bool enabled() const { return interval.count() > 0; }

  /// Fails naming the option and the value that is wrong (an unknown mode, a
  /// negative count, an interval without a directory).
  static Result<CheckpointSettings> FromConfig(const Configuration& config);
};

/// How a failed job restarts in its process, from Flink's option names:
///   restart-strategy.type (or restart-strategy) = none | fixed-delay |
///     exponential-delay | failure-rate; "off" and "disable" mean none. The
///     default is none without checkpoints and exponential-delay with them,
///     as in Flink.
///   fixed-delay:       restart-strategy.fixed-delay.attempts (1), .delay (1 s)
///   exponential-delay: restart-strategy.exponential-delay.initial-backoff (1 s),
///     .max-backoff (1 min), .backoff-multiplier (1.5), .reset-backoff-threshold
///     (1 h), .jitter-factor (0.1), .attempts-before-reset-backoff (unlimited)
///   failure-rate:      restart-strategy.failure-rate.max-failures-per-interval
///     (1), .failure-rate-interval (1 min), .delay (1 s)
struct RestartSettings {
  enum class Kind { kNone, kFixedDelay, kExponentialDelay, kFailureRate };

  Kind kind = Kind::kNone;
  int64_t attempts = 1;
  std::chrono::milliseconds delay{1000};
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  double backoff_multiplier = 1.5;
  std::chrono::milliseconds reset_backoff_threshold{std::chrono::hours(1)};
  double jitter_factor = 0.1;
  int64_t max_failures_per_interval = 1;
  std::chrono::milliseconds failure_rate_interval{60000};

  static Result<RestartSettings> FromConfig(const Configuration& config, bool checkpointing);
};

}  // namespace tiangong
