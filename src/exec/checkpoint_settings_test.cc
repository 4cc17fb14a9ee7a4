#include "exec/checkpoint_settings.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

Configuration Config(Configuration::Entries entries) { return Configuration(std::move(entries)); }

TEST(CheckpointSettingsTest, CheckpointsAreOffUnlessAnIntervalIsSet) {
  Result<CheckpointSettings> settings = CheckpointSettings::FromConfig(Config({}));
  ASSERT_TRUE(settings.ok());
  EXPECT_FALSE(settings->enabled());
  EXPECT_EQ(settings->mode, CheckpointSettings::Mode::kExactlyOnce);
  EXPECT_EQ(settings->timeout, std::chrono::minutes(10));
  EXPECT_EQ(settings->num_retained, 1);
}

TEST(CheckpointSettingsTest, ReadsFlinksOptions) {
  Result<CheckpointSettings> settings = CheckpointSettings::FromConfig(Config({
      {"execution.checkpointing.interval", "10 s"},
      {"execution.checkpointing.mode", "at_least_once"},
      {"execution.checkpointing.timeout", "1 min"},
      {"execution.checkpointing.min-pause", "500ms"},
      {"execution.checkpointing.tolerable-failed-checkpoints", "3"},
      {"state.checkpoints.dir", "file:///data/checkpoints"},
      {"state.checkpoints.num-retained", "5"},
      {"execution.savepoint.path", "/data/savepoints/savepoint-1"},
      {"execution.savepoint.ignore-unclaimed-state", "true"},
  }));
  ASSERT_TRUE(settings.ok()) << settings.status().ToString();
  EXPECT_TRUE(settings->enabled());
  EXPECT_EQ(settings->interval, std::chrono::seconds(10));
  EXPECT_EQ(settings->mode, CheckpointSettings::Mode::kAtLeastOnce);
  EXPECT_EQ(settings->timeout, std::chrono::minutes(1));
  EXPECT_EQ(settings->min_pause, std::chrono::milliseconds(500));
  EXPECT_EQ(settings->tolerable_failures, 3);
  EXPECT_EQ(settings->directory, "/data/checkpoints");
  EXPECT_EQ(settings->num_retained, 5);
  EXPECT_EQ(settings->savepoint_path, "/data/savepoints/savepoint-1");
  EXPECT_TRUE(settings->allow_non_restored_state);
}

TEST(CheckpointSettingsTest, ErrorsNameTheOptionAndValue) {
  Result<CheckpointSettings> settings =
      CheckpointSettings::FromConfig(Config({{"execution.checkpointing.interval", "1 s"}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("'state.checkpoints.dir' is not set"),
            std::string::npos);
  settings = CheckpointSettings::FromConfig(Config({{"execution.checkpointing.mode", "TWICE"}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("'TWICE'"), std::string::npos);
  settings = CheckpointSettings::FromConfig(Config({{"state.checkpoints.num-retained", "0"}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("'state.checkpoints.num-retained'"),
            std::string::npos);
  settings = CheckpointSettings::FromConfig(Config({{"execution.checkpointing.timeout", "soon"}}));
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("soon"), std::string::npos);
}

TEST(RestartSettingsTest, DefaultsFollowFlink) {
  Result<RestartSettings> settings = RestartSettings::FromConfig(Config({}), false);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->kind, RestartSettings::Kind::kNone);
  settings = RestartSettings::FromConfig(Config({}), true);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->kind, RestartSettings::Kind::kExponentialDelay);
  EXPECT_EQ(settings->initial_backoff, std::chrono::seconds(1));
  EXPECT_EQ(settings->max_backoff, std::chrono::minutes(1));
  settings = RestartSettings::FromConfig(Config({{"restart-strategy.type", "off"}}), true);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->kind, RestartSettings::Kind::kNone);
}

TEST(RestartSettingsTest, ReadsEachStrategysOptions) {
  Result<RestartSettings> fixed =
      RestartSettings::FromConfig(Config({{"restart-strategy", "fixed-delay"},
                                          {"restart-strategy.fixed-delay.attempts", "3"},
                                          {"restart-strategy.fixed-delay.delay", "10 s"}}),
                                  false);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->kind, RestartSettings::Kind::kFixedDelay);
  EXPECT_EQ(fixed->attempts, 3);
  EXPECT_EQ(fixed->delay, std::chrono::seconds(10));

  Result<RestartSettings> exponential = RestartSettings::FromConfig(
      Config({{"restart-strategy.type", "exponential-delay"},
              {"restart-strategy.exponential-delay.initial-backoff", "100 ms"},
              {"restart-strategy.exponential-delay.max-backoff", "2 s"},
              {"restart-strategy.exponential-delay.backoff-multiplier", "2.0"},
              {"restart-strategy.exponential-delay.jitter-factor", "0"}}),
      false);
  ASSERT_TRUE(exponential.ok()) << exponential.status().ToString();
  EXPECT_EQ(exponential->initial_backoff, std::chrono::milliseconds(100));
  EXPECT_EQ(exponential->max_backoff, std::chrono::seconds(2));
  EXPECT_EQ(exponential->backoff_multiplier, 2.0);
  EXPECT_EQ(exponential->jitter_factor, 0.0);

  Result<RestartSettings> rate = RestartSettings::FromConfig(
      Config({{"restart-strategy.type", "failure-rate"},
              {"restart-strategy.failure-rate.max-failures-per-interval", "4"},
              {"restart-strategy.failure-rate.failure-rate-interval", "5 min"},
              {"restart-strategy.failure-rate.delay", "3 s"}}),
      false);
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(rate->kind, RestartSettings::Kind::kFailureRate);
  EXPECT_EQ(rate->max_failures_per_interval, 4);
  EXPECT_EQ(rate->failure_rate_interval, std::chrono::minutes(5));
  EXPECT_EQ(rate->delay, std::chrono::seconds(3));
}

TEST(RestartSettingsTest, UnknownStrategiesAndBadValuesAreErrors) {
  Result<RestartSettings> settings =
      RestartSettings::FromConfig(Config({{"restart-strategy.type", "sometimes"}}), false);
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("'sometimes'"), std::string::npos);
  settings = RestartSettings::FromConfig(
      Config({{"restart-strategy.type", "exponential-delay"},
              {"restart-strategy.exponential-delay.backoff-multiplier", "0.5"}}),
      false);
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("backoff-multiplier"), std::string::npos);
}

}  // namespace
}  // namespace tiangong
