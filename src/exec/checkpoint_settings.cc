#include "exec/checkpoint_settings.h"

#include <limits>

#include "common/strings.h"

namespace tiangong {
namespace {

Result<int> IntAtLeast(const Configuration& config, std::string_view key, int64_t default_value,
                       int64_t minimum) {
  ASSIGN_OR_RAISE(int64_t value, config.GetInt(key, default_value));
  if (value < minimum || value > std::numeric_limits<int>::max()) {
    return Status::Invalid("'{}' must be at least {}, not {}", key, minimum, value);
  }
  return static_cast<int>(value);
}

/// Flink names local directories as file:// URIs.
std::string LocalPath(std::string path) {
  if (path.rfind("file://", 0) == 0) path.erase(0, 7);
  return path;
}

}  // namespace

Result<CheckpointSettings> CheckpointSettings::FromConfig(const Configuration& config) {
  CheckpointSettings settings;
  ASSIGN_OR_RAISE(settings.interval,
                  config.GetDuration("execution.checkpointing.interval", settings.interval));
  std::string mode = config.GetString("execution.checkpointing.mode", "EXACTLY_ONCE");
  if (EqualsIgnoreCase(mode, "EXACTLY_ONCE")) {
    settings.mode = Mode::kExactlyOnce;
  } else if (EqualsIgnoreCase(mode, "AT_LEAST_ONCE")) {
    settings.mode = Mode::kAtLeastOnce;
  } else {
    return Status::Invalid(
        "Unknown checkpointing mode '{}' for 'execution.checkpointing.mode' (use EXACTLY_ONCE or "
        "AT_LEAST_ONCE)",
        mode);
  }
  ASSIGN_OR_RAISE(settings.timeout,
                  config.GetDuration("execution.checkpointing.timeout", settings.timeout));
  if (settings.timeout.count() <= 0) {
    return Status::Invalid("'execution.checkpointing.timeout' must be positive");
  }
  ASSIGN_OR_RAISE(settings.min_pause,
                  config.GetDuration("execution.checkpointing.min-pause", settings.min_pause));
  ASSIGN_OR_RAISE(settings.tolerable_failures,
                  IntAtLeast(config, "execution.checkpointing.tolerable-failed-checkpoints", 0, 0));
  settings.directory = LocalPath(config.GetString("state.checkpoints.dir", ""));
  ASSIGN_OR_RAISE(settings.num_retained,
                  IntAtLeast(config, "state.checkpoints.num-retained", 1, 1));
  settings.savepoint_directory = LocalPath(config.GetString("state.savepoints.dir", ""));
  settings.savepoint_path = LocalPath(config.GetString("execution.savepoint.path", ""));
  ASSIGN_OR_RAISE(settings.allow_non_restored_state,
                  config.GetBool("execution.savepoint.ignore-unclaimed-state", false));
  if (settings.interval.count() < 0) {
    return Status::Invalid("'execution.checkpointing.interval' must not be negative");
  }
  if (settings.enabled() && settings.directory.empty()) {
    return Status::Invalid(
        "Checkpoints are enabled ('execution.checkpointing.interval' = '{}') but "
        "'state.checkpoints.dir' is not set; set it to a directory such as "
        "'file:///var/lib/tiangong/checkpoints'",
        config.GetString("execution.checkpointing.interval", ""));
  }
  return settings;
}

Result<RestartSettings> RestartSettings::FromConfig(const Configuration& config,
                                                    bool checkpointing) {
  RestartSettings settings;
  std::string type = config.GetString(
      "restart-strategy.type",
      config.GetString("restart-strategy", checkpointing ? "exponential-delay" : "none"));
  std::string lower = ToLower(type);
  if (lower == "none" || lower == "off" || lower == "disable") {
    settings.kind = Kind::kNone;
    return settings;
  }
  if (lower == "fixed-delay" || lower == "fixeddelay") {
    settings.kind = Kind::kFixedDelay;
    ASSIGN_OR_RAISE(settings.attempts,
                    config.GetInt("restart-strategy.fixed-delay.attempts", settings.attempts));
    ASSIGN_OR_RAISE(settings.delay,
                    config.GetDuration("restart-strategy.fixed-delay.delay", settings.delay));
    if (settings.attempts < 0) {
      return Status::Invalid("'restart-strategy.fixed-delay.attempts' must not be negative");
    }
    return settings;
  }
  if (lower == "exponential-delay" || lower == "exponentialdelay") {
    settings.kind = Kind::kExponentialDelay;
    const std::string prefix = "restart-strategy.exponential-delay.";
    ASSIGN_OR_RAISE(settings.initial_backoff,
                    config.GetDuration(prefix + "initial-backoff", settings.initial_backoff));
    ASSIGN_OR_RAISE(settings.max_backoff,
                    config.GetDuration(prefix + "max-backoff", settings.max_backoff));
    ASSIGN_OR_RAISE(settings.backoff_multiplier,
                    config.GetDouble(prefix + "backoff-multiplier", settings.backoff_multiplier));
    ASSIGN_OR_RAISE(
        settings.reset_backoff_threshold,
        config.GetDuration(prefix + "reset-backoff-threshold", settings.reset_backoff_threshold));
    ASSIGN_OR_RAISE(settings.jitter_factor,
                    config.GetDouble(prefix + "jitter-factor", settings.jitter_factor));
    ASSIGN_OR_RAISE(settings.attempts, config.GetInt(prefix + "attempts-before-reset-backoff",
                                                     std::numeric_limits<int64_t>::max()));
    if (settings.backoff_multiplier < 1.0) {
      return Status::Invalid("'{}backoff-multiplier' must be at least 1, not {}", prefix,
                             settings.backoff_multiplier);
    }
    if (settings.jitter_factor < 0.0 || settings.jitter_factor > 1.0) {
      return Status::Invalid("'{}jitter-factor' must be between 0 and 1, not {}", prefix,
                             settings.jitter_factor);
    }
    if (settings.initial_backoff > settings.max_backoff) {
      return Status::Invalid("'{}initial-backoff' must not exceed '{}max-backoff'", prefix, prefix);
    }
    return settings;
  }
  if (lower == "failure-rate" || lower == "failurerate") {
    settings.kind = Kind::kFailureRate;
    const std::string prefix = "restart-strategy.failure-rate.";
    ASSIGN_OR_RAISE(
        settings.max_failures_per_interval,
        config.GetInt(prefix + "max-failures-per-interval", settings.max_failures_per_interval));
    ASSIGN_OR_RAISE(
        settings.failure_rate_interval,
        config.GetDuration(prefix + "failure-rate-interval", settings.failure_rate_interval));
    ASSIGN_OR_RAISE(settings.delay, config.GetDuration(prefix + "delay", settings.delay));
    if (settings.max_failures_per_interval < 1) {
      return Status::Invalid("'{}max-failures-per-interval' must be at least 1", prefix);
    }
    return settings;
  }
  return Status::Invalid(
      "Unknown restart strategy '{}' for 'restart-strategy.type' (use none, fixed-delay, "
      "exponential-delay or failure-rate)",
      type);
}

}  // namespace tiangong
