#include "exec/restart_strategy.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

using std::chrono::milliseconds;
using Clock = RestartStrategy::Clock;

double Midpoint() { return 0.5; }  // no jitter
double Highest() { return 1.0; }   // + the whole jitter

Result<RestartSettings> Settings(std::map<std::string, std::string> options) {
  Configuration config;
  for (const auto& [key, value] : options) config.Set(key, value);
  return RestartSettings::FromConfig(config, /*checkpointing=*/false);
}

TEST(RestartStrategyTest, NoneNeverRestarts) {
  RestartStrategy strategy(*Settings({}));
  EXPECT_FALSE(strategy.OnFailure(Clock::now(), Clock::now()));
}

TEST(RestartStrategyTest, FixedDelayGivesUpAfterItsAttempts) {
  RestartStrategy strategy(*Settings({{"restart-strategy.type", "fixed-delay"},
                                      {"restart-strategy.fixed-delay.attempts", "2"},
                                      {"restart-strategy.fixed-delay.delay", "250 ms"}}));
  auto now = Clock::now();
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(250));
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(250));
  EXPECT_FALSE(strategy.OnFailure(now, now));
}

TEST(RestartStrategyTest, FailureRateCountsFailuresWithinTheInterval) {
  RestartStrategy strategy(
      *Settings({{"restart-strategy.type", "failure-rate"},
                 {"restart-strategy.failure-rate.max-failures-per-interval", "2"},
                 {"restart-strategy.failure-rate.failure-rate-interval", "10 s"},
                 {"restart-strategy.failure-rate.delay", "1 s"}}));
  auto start = Clock::now();
  EXPECT_EQ(strategy.OnFailure(start, start), milliseconds(1000));
  EXPECT_EQ(strategy.OnFailure(start + std::chrono::seconds(5), start), milliseconds(1000));
  // The first failure is more than 10 s old by now: two within the interval.
  EXPECT_EQ(strategy.OnFailure(start + std::chrono::seconds(11), start), milliseconds(1000));
  EXPECT_FALSE(strategy.OnFailure(start + std::chrono::seconds(12), start));
}

TEST(RestartStrategyTest, ExponentialDelayGrowsCapsAndResets) {
  auto settings =
      Settings({{"restart-strategy.type", "exponential-delay"},
                {"restart-strategy.exponential-delay.initial-backoff", "100 ms"},
                {"restart-strategy.exponential-delay.max-backoff", "350 ms"},
                {"restart-strategy.exponential-delay.backoff-multiplier", "2"},
                {"restart-strategy.exponential-delay.reset-backoff-threshold", "1 min"},
                {"restart-strategy.exponential-delay.attempts-before-reset-backoff", "4"}});
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  RestartStrategy strategy(*settings, &Midpoint);
  auto now = Clock::now();
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(100));
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(200));
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(350));
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(350));
  EXPECT_FALSE(strategy.OnFailure(now, now));  // 4 attempts without a reset
  // A run that lasted the threshold starts over.
  EXPECT_EQ(strategy.OnFailure(now + std::chrono::minutes(2), now), milliseconds(100));
}

TEST(RestartStrategyTest, ExponentialDelayJittersWithinItsFactor) {
  auto settings = Settings({{"restart-strategy.type", "exponential-delay"},
                            {"restart-strategy.exponential-delay.initial-backoff", "1 s"},
                            {"restart-strategy.exponential-delay.jitter-factor", "0.1"}});
  ASSERT_TRUE(settings.ok());
  RestartStrategy strategy(*settings, &Highest);
  auto now = Clock::now();
  EXPECT_EQ(strategy.OnFailure(now, now), milliseconds(1100));
}

}  // namespace
}  // namespace tiangong
