#include "state/restored_entries.h"

#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace tiangong {
namespace {

TEST(RestoredEntriesTest, FindsTakesAndReplacesAcrossGrowth) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back(fmt::format("k{}", i));
  RestoredEntries entries;
  entries.Reserve(100);  // far too little: the table grows
  std::vector<RestoredEntries::Entry> batch;
  std::vector<RestoredEntries::Entry> replaced;
  for (int i = 0; i < 5000; ++i) {
    batch.push_back({keys[i], keys[i], i, 0});
    if (batch.size() == 300) {
      entries.AddBatch(batch, &replaced);
      batch.clear();
    }
  }
  entries.AddBatch(batch, &replaced);
  EXPECT_TRUE(replaced.empty());
  EXPECT_EQ(entries.size(), 5000u);
  entries.AddBatch({{keys[7], "seven", 70, 1}}, &replaced);
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0].value, "k7");
  EXPECT_EQ(entries.size(), 5000u);

  std::optional<RestoredEntries::Entry> taken = entries.Take("k7");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->value, "seven");
  EXPECT_EQ(taken->written_at, 70);
  EXPECT_EQ(taken->image, 1u);
  EXPECT_FALSE(entries.Take("k7"));
  EXPECT_FALSE(entries.Take("absent"));
  // Taken slots do not hide the keys after them.
  for (int i = 0; i < 5000; i += 2) {
    ASSERT_TRUE(entries.Take(keys[i])) << i;
  }
  std::map<std::string, int64_t> rest;
  entries.ForEach([&](const RestoredEntries::Entry& entry) {
    rest[std::string(entry.key)] = entry.written_at;
  });
  EXPECT_EQ(rest.size(), 2499u);
  EXPECT_EQ(rest["k4999"], 4999);
  EXPECT_EQ(entries.TakeAll().size(), 2499u);
  EXPECT_TRUE(entries.empty());
  EXPECT_FALSE(entries.Take("k1"));
}

}  // namespace
}  // namespace tiangong
