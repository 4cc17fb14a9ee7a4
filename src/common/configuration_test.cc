#include "common/configuration.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

TEST(ConfigurationTest, ParsesFlinkDurations) {
  EXPECT_EQ(ParseDuration("10 s")->count(), 10000);
  EXPECT_EQ(ParseDuration("500ms")->count(), 500);
  EXPECT_EQ(ParseDuration("1min")->count(), 60000);
  EXPECT_EQ(ParseDuration("2 h")->count(), 7200000);
  EXPECT_EQ(ParseDuration("250")->count(), 250);
  EXPECT_FALSE(ParseDuration("ten seconds").ok());
  EXPECT_FALSE(ParseDuration("10 fortnights").ok());
}

TEST(ConfigurationTest, ParsesMemorySizes) {
  EXPECT_EQ(*ParseMemorySize("128mb"), 128 * 1024 * 1024);
  EXPECT_EQ(*ParseMemorySize("1 GB"), int64_t{1} << 30);
  EXPECT_EQ(*ParseMemorySize("42"), 42);
}

TEST(ConfigurationTest, TypedGettersNameTheKeyOnError) {
  Configuration config;
  config.Set("rows-per-second", "fast");
  config.Set("number-of-rows", "100");
  EXPECT_EQ(*config.GetInt("number-of-rows", 0), 100);
  EXPECT_EQ(*config.GetInt("missing", 7), 7);
  Result<int64_t> bad = config.GetInt("rows-per-second", 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'rows-per-second'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("'fast'"), std::string::npos);
}

TEST(ConfigurationTest, WithPrefixStripsThePrefix) {
  Configuration config;
  config.Set("fields.id.kind", "sequence");
  config.Set("fields.id.start", "1");
  config.Set("format", "json");
  Configuration fields = config.WithPrefix("fields.id.");
  EXPECT_EQ(fields.entries().size(), 2u);
  EXPECT_EQ(fields.GetString("kind", ""), "sequence");
}

}  // namespace
}  // namespace tiangong
