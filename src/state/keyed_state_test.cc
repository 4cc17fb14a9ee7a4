#include "state/keyed_state.h"

#include <gtest/gtest.h>

#include "state/timer_service.h"

namespace tiangong {
namespace {

class Counter final : public StateValue {
 public:
  explicit Counter(int64_t value) : value(value) {}
  void Serialize(std::string* out) const override { out->append(std::to_string(value)); }
  int64_t value;
};

Result<std::unique_ptr<StateValue>> DecodeCounter(std::string_view bytes) {
  return std::unique_ptr<StateValue>(std::make_unique<Counter>(std::stoll(std::string(bytes))));
}

TEST(KeyedStateTest, KeepsValuesAcrossFlushes) {
  auto backend = MakeMemoryStateBackend();
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_EQ(*table->Find("a"), nullptr);
  auto* counter = static_cast<Counter*>(*table->Insert("a", std::make_unique<Counter>(1)));
  counter->value += 4;
  table->MarkChanged("a");
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_EQ(static_cast<Counter*>(*table->Find("a"))->value, 5);
  ASSERT_TRUE(table->Erase("a").ok());
  EXPECT_EQ(*table->Find("a"), nullptr);
  EXPECT_EQ(table->size(), 0u);
}

TEST(KeyedStateTest, EntriesExpireAfterTheirTimeToLive) {
  auto backend = MakeMemoryStateBackend();
  int64_t now = 1000;
  StateTableOptions options;
  options.ttl = std::chrono::milliseconds(20);
  options.clock = [&now] { return now; };
  StateTable* table = *backend->Table("short", DecodeCounter, options);
  ASSERT_TRUE(table->Insert("k", std::make_unique<Counter>(1)).ok());
  now += 19;
  EXPECT_NE(*table->Find("k"), nullptr);
  table->MarkChanged("k");  // a write restarts the time to live
  now += 19;
  EXPECT_NE(*table->Find("k"), nullptr);
  now += 1;
  EXPECT_EQ(*table->Find("k"), nullptr);
}

TEST(KeyedStateTest, UnknownBackendIsAnError) {
  StateBackendSettings settings;
  settings.type = "redis";
  Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
  ASSERT_FALSE(backend.ok());
  EXPECT_NE(backend.status().message().find("'redis'"), std::string::npos);
}

TEST(TimerServiceTest, FiresInTimeOrderUpToTheWatermark) {
  TimerService timers;
  timers.Register(30, "b");
  timers.Register(10, "a");
  timers.Register(30, "a");
  timers.Register(10, "a");  // duplicate
  int64_t time = 0;
  std::string key;
  ASSERT_TRUE(timers.PopDue(30, &time, &key));
  EXPECT_EQ(time, 10);
  EXPECT_EQ(key, "a");
  ASSERT_TRUE(timers.PopDue(30, &time, &key));
  EXPECT_EQ(key, "a");
  EXPECT_EQ(time, 30);
  EXPECT_FALSE(timers.PopDue(29, &time, &key));
  EXPECT_EQ(timers.NextTime(), 30);
}

}  // namespace
}  // namespace tiangong
