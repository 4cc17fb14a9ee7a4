#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "exec/checkpoint_settings.h"

namespace tiangong {

/// Decides whether and when a failed job restarts in its process, by Flink's
/// restart strategies (see RestartSettings):
///   none               never
///   fixed-delay        up to `attempts` restarts, each after `delay`
///   failure-rate       after `delay`, unless more than
///                      `max-failures-per-interval` failures fell within the
///                      last `failure-rate-interval`
///   exponential-delay  after a backoff that starts at `initial-backoff` and
///                      grows by `backoff-multiplier` up to `max-backoff`, with
///                      ± `jitter-factor` of noise; a run that lasted
///                      `reset-backoff-threshold` resets it, and more than
///                      `attempts-before-reset-backoff` restarts without a
///                      reset give up
/// Thread-safety: one thread (the job's supervisor).
class RestartStrategy {
 public:
  using Clock = std::chrono::steady_clock;

  /// `random_unit` returns a number in [0, 1) for the jitter.
  explicit RestartStrategy(RestartSettings settings, double (*random_unit)() = nullptr);

  /// The job failed at `now` after running since `attempt_started`: the delay
  /// before it restarts, or nullopt when the strategy gives up.
  std::optional<std::chrono::milliseconds> OnFailure(Clock::time_point now,
                                                     Clock::time_point attempt_started);

  /// "fixed-delay (3 attempts, 1000 ms apart)", for the log.
  std::string Describe() const;

 private:
  RestartSettings settings_;
  double (*random_unit_)();
  int64_t restarts_ = 0;  // since the last reset (exponential) or ever (fixed)
  std::chrono::milliseconds backoff_{0};
  std::deque<Clock::time_point> failures_;  // failure-rate: within the interval
};

}  // namespace tiangong
