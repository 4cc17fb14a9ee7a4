#include "exec/restart_strategy.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

namespace tiangong {
namespace {

double DefaultRandomUnit() {
  thread_local std::mt19937_64 random(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

RestartStrategy::RestartStrategy(RestartSettings settings, double (*random_unit)())
    : settings_(settings),
      random_unit_(random_unit != nullptr ? random_unit : &DefaultRandomUnit),
      backoff_(settings.initial_backoff) {}

std::optional<std::chrono::milliseconds> RestartStrategy::OnFailure(
    Clock::time_point now, Clock::time_point attempt_started) {
  using Kind = RestartSettings::Kind;
  switch (settings_.kind) {
    case Kind::kNone:
      return std::nullopt;
    case Kind::kFixedDelay:
      if (restarts_ >= settings_.attempts) return std::nullopt;
      ++restarts_;
      return settings_.delay;
    case Kind::kFailureRate: {
      failures_.push_back(now);
      while (!failures_.empty() && now - failures_.front() > settings_.failure_rate_interval) {
        failures_.pop_front();
      }
      if (static_cast<int64_t>(failures_.size()) > settings_.max_failures_per_interval) {
        return std::nullopt;
      }
      return settings_.delay;
    }
    case Kind::kExponentialDelay: {
      if (now - attempt_started >= settings_.reset_backoff_threshold) {
        backoff_ = settings_.initial_backoff;
        restarts_ = 0;
      }
      if (restarts_ >= settings_.attempts) return std::nullopt;
      ++restarts_;
      auto base = static_cast<double>(backoff_.count());
      double jitter = base * settings_.jitter_factor * (2.0 * random_unit_() - 1.0);
      auto delay = std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, base + jitter)));
      backoff_ = std::min(
          settings_.max_backoff,
          std::chrono::milliseconds(static_cast<int64_t>(base * settings_.backoff_multiplier)));
      return delay;
    }
  }
  return std::nullopt;
}

std::string RestartStrategy::Describe() const {
  using Kind = RestartSettings::Kind;
  switch (settings_.kind) {
    case Kind::kNone:
      return "none";
    case Kind::kFixedDelay:
      return fmt::format("fixed-delay ({} attempts, {} ms apart)", settings_.attempts,
                         settings_.delay.count());
    case Kind::kFailureRate:
      return fmt::format("failure-rate (at most {} failures in {} ms, {} ms apart)",
                         settings_.max_failures_per_interval,
                         settings_.failure_rate_interval.count(), settings_.delay.count());
    case Kind::kExponentialDelay:
      return fmt::format("exponential-delay ({} ms growing to {} ms)",
                         settings_.initial_backoff.count(), settings_.max_backoff.count());
  }
  return "unknown";
}

}  // namespace tiangong
