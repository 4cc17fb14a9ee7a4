#include "state/keyed_state.h"

#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <xxhash.h>

#include "common/scratch_directory.h"
#include "state/timer_service.h"

namespace tiangong {
namespace {

class Counter final : public StateValue {
 public:
  explicit Counter(int64_t value) : value(value) {}
  void Serialize(std::string* out) const override { out->append(std::to_string(value)); }
  int64_t value;
};

int num_decoded = 0;

Result<std::unique_ptr<StateValue>> DecodeCounter(std::string_view bytes) {
  ++num_decoded;
  return std::unique_ptr<StateValue>(std::make_unique<Counter>(std::stoll(std::string(bytes))));
}

Result<std::unique_ptr<StateValue>> RejectEverything(std::string_view bytes) {
  return Status::DataError("cannot decode {} bytes", bytes.size());
}

int64_t ValueOf(StateValue* value) { return static_cast<Counter*>(value)->value; }

std::string KeyOf(int i) { return fmt::format("key-{:07}", i); }

// The behaviour operators rely on, for every backend.
class KeyedStateTest : public testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<KeyedStateBackend> MakeBackend() {
    StateBackendSettings settings;
    settings.type = GetParam();
    settings.directory = (scratch_.path() / "backend").string();
    Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
    EXPECT_TRUE(backend.ok()) << backend.status().ToString();
    return backend.ok() ? backend.MoveValue() : nullptr;
  }

  ScratchDirectory scratch_;
};

INSTANTIATE_TEST_SUITE_P(Backends, KeyedStateTest, testing::Values("hashmap", "rocksdb"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST_P(KeyedStateTest, KeepsValuesAcrossFlushes) {
  auto backend = MakeBackend();
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_EQ(*table->Find("a"), nullptr);
  auto* counter = static_cast<Counter*>(*table->Insert("a", std::make_unique<Counter>(1)));
  counter->value += 4;
  table->MarkChanged("a");
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 5);
  ASSERT_TRUE(table->Erase("a").ok());
  EXPECT_EQ(*table->Find("a"), nullptr);
  EXPECT_EQ(table->size(), 0u);
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_EQ(*table->Find("a"), nullptr);
}

TEST_P(KeyedStateTest, FindReturnsTheSameObjectUntilFlush) {
  auto backend = MakeBackend();
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(table->Flush().ok());

  StateValue* first = *table->Find("a");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*table->Find("a"), first);
  // Other keys coming and going leave the pointer valid.
  ASSERT_TRUE(table->Insert("b", std::make_unique<Counter>(2)).ok());
  ASSERT_TRUE(table->Erase("b").ok());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(table->Find(KeyOf(i)).ok());
  EXPECT_EQ(*table->Find("a"), first);
  static_cast<Counter*>(first)->value = 10;
  table->MarkChanged("a");
  EXPECT_EQ(ValueOf(*table->Find("a")), 10);
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 10);
  EXPECT_EQ(*table->Find("b"), nullptr);
  EXPECT_EQ(table->size(), 1u);
}

TEST_P(KeyedStateTest, InsertReplacesAValue) {
  auto backend = MakeBackend();
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(table->Flush().ok());
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(2)).ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 2);
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 2);
  EXPECT_EQ(table->size(), 1u);
  // Erasing a key not found before, then inserting it again.
  ASSERT_TRUE(table->Flush().ok());
  ASSERT_TRUE(table->Erase("a").ok());
  EXPECT_EQ(table->size(), 0u);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(3)).ok());
  EXPECT_EQ(table->size(), 1u);
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 3);
}

TEST_P(KeyedStateTest, EntriesExpireAfterTheirTimeToLive) {
  auto backend = MakeBackend();
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

TEST_P(KeyedStateTest, FlushedEntriesExpire) {
  auto backend = MakeBackend();
  int64_t now = 1000;
  StateTableOptions options;
  options.ttl = std::chrono::milliseconds(20);
  options.clock = [&now] { return now; };
  StateTable* table = *backend->Table("short", DecodeCounter, options);
  ASSERT_TRUE(table->Insert("old", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(table->Insert("renewed", std::make_unique<Counter>(2)).ok());
  ASSERT_TRUE(table->Flush().ok());
  now += 10;
  ASSERT_NE(*table->Find("renewed"), nullptr);
  table->MarkChanged("renewed");
  ASSERT_TRUE(table->Flush().ok());
  now += 15;

  std::vector<std::string> visited;
  ASSERT_TRUE(table
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    visited.emplace_back(key);
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(visited, std::vector<std::string>{"renewed"});
  EXPECT_EQ(*table->Find("old"), nullptr);
  ASSERT_NE(*table->Find("renewed"), nullptr);
  EXPECT_EQ(ValueOf(*table->Find("renewed")), 2);
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(table->size(), 1u);
}

TEST_P(KeyedStateTest, ExpiredEntriesAreCleanedUpWithoutBeingRead) {
  auto backend = MakeBackend();
  int64_t now = 1000;
  StateTableOptions options;
  options.ttl = std::chrono::milliseconds(5000);
  options.clock = [&now] { return now; };
  StateTable* table = *backend->Table("short", DecodeCounter, options);
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(table->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  }
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(table->size(), 2000u);
  // Later flushes, writing other keys or idle, clean up a slice of the table each.
  now += 100'000;
  for (int round = 0; round < 100 && table->size() > 1; ++round) {
    ASSERT_TRUE(table->Insert("fresh", std::make_unique<Counter>(round)).ok());
    ASSERT_TRUE(table->Flush().ok());
    now += 1500;
    ASSERT_TRUE(table->Flush().ok());
  }
  EXPECT_EQ(table->size(), 1u);
  EXPECT_NE(*table->Find("fresh"), nullptr);
}

TEST_P(KeyedStateTest, ForEachVisitsEveryLiveEntry) {
  auto backend = MakeBackend();
  StateTable* table = *backend->Table("counts", DecodeCounter);
  for (int i : {5, 3, 9, 1, 7}) {
    ASSERT_TRUE(table->Insert(KeyOf(i), std::make_unique<Counter>(i * 10)).ok());
  }
  ASSERT_TRUE(table->Erase(KeyOf(9)).ok());
  ASSERT_TRUE(table->Flush().ok());
  std::vector<std::pair<std::string, int64_t>> visited;
  ASSERT_TRUE(table
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    visited.emplace_back(key, ValueOf(&value));
                    return Status::OK();
                  })
                  .ok());
  std::sort(visited.begin(), visited.end());
  std::vector<std::pair<std::string, int64_t>> expected = {
      {KeyOf(1), 10}, {KeyOf(3), 30}, {KeyOf(5), 50}, {KeyOf(7), 70}};
  EXPECT_EQ(visited, expected);
  // A failing visit stops the iteration and is returned.
  int visits = 0;
  Status status = table->ForEach([&](std::string_view key, StateValue& value) {
    ++visits;
    return Status::Cancelled("stop");
  });
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(visits, 1);
}

TEST_P(KeyedStateTest, TablesAreSeparate) {
  auto backend = MakeBackend();
  StateTable* left = *backend->Table("left", DecodeCounter);
  StateTable* right = *backend->Table("right", DecodeCounter);
  EXPECT_EQ(*backend->Table("left", DecodeCounter), left);
  ASSERT_TRUE(left->Insert("k", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(left->Insert("only-left", std::make_unique<Counter>(2)).ok());
  ASSERT_TRUE(right->Insert("k", std::make_unique<Counter>(3)).ok());
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_EQ(ValueOf(*left->Find("k")), 1);
  EXPECT_EQ(ValueOf(*right->Find("k")), 3);
  EXPECT_EQ(*right->Find("only-left"), nullptr);
  // RocksDB keeps a table named like its default column family there.
  StateTable* other = *backend->Table("default", DecodeCounter);
  EXPECT_EQ(*other->Find("k"), nullptr);
  ASSERT_TRUE(other->Insert("k", std::make_unique<Counter>(4)).ok());
  ASSERT_TRUE(other->Flush().ok());
  EXPECT_EQ(ValueOf(*other->Find("k")), 4);
  EXPECT_EQ(left->size(), 2u);
  EXPECT_EQ(right->size(), 1u);
  ASSERT_TRUE(right->Erase("k").ok());
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_EQ(ValueOf(*left->Find("k")), 1);
  int right_entries = 0;
  ASSERT_TRUE(right
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    ++right_entries;
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(right_entries, 0);
}

// RocksDB only: values on disk, memory limits, the directory.

std::unique_ptr<KeyedStateBackend> MakeRocksDb(const std::filesystem::path& directory,
                                               int64_t memory_bytes = 64LL << 20) {
  StateBackendSettings settings;
  settings.type = "rocksdb";
  settings.directory = directory.string();
  settings.memory_bytes = memory_bytes;
  // A small cache of decoded values, so that tests see values evicted.
  settings.cached_values = 1000;
  Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
  EXPECT_TRUE(backend.ok()) << backend.status().ToString();
  return backend.ok() ? backend.MoveValue() : nullptr;
}

// Uses enough other keys, a batch at a time, to push every earlier key out of
// the table's cache of decoded values.
void FillCache(StateTable* table) {
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_TRUE(table->Insert("filler" + KeyOf(i), std::make_unique<Counter>(i)).ok());
    if (i % 1000 == 999) {
      ASSERT_TRUE(table->Flush().ok());
    }
  }
}

TEST(RocksDbStateTest, HotValuesStayDecodedAndLeaveTheCacheWritten) {
  ScratchDirectory scratch;
  auto backend = MakeRocksDb(scratch.path() / "db");
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(42)).ok());
  ASSERT_TRUE(table->Flush().ok());
  // Used again after Flush: the cached object, changed in place.
  int decoded_before = num_decoded;
  static_cast<Counter*>(*table->Find("a"))->value = 43;
  table->MarkChanged("a");
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(ValueOf(*table->Find("a")), 43);
  EXPECT_EQ(num_decoded, decoded_before);
  // Pushed out of the cache, the change is written; then decoded once.
  ASSERT_TRUE(table->Flush().ok());
  FillCache(table);
  EXPECT_EQ(ValueOf(*table->Find("a")), 43);
  EXPECT_EQ(num_decoded, decoded_before + 1);
  EXPECT_EQ(ValueOf(*table->Find("a")), 43);
  EXPECT_EQ(num_decoded, decoded_before + 1);
  EXPECT_EQ(table->size(), 20'001u);
}

TEST(RocksDbStateTest, DecodeErrorsNameTheTable) {
  ScratchDirectory scratch;
  auto backend = MakeRocksDb(scratch.path() / "db");
  StateTable* table = *backend->Table("strict", RejectEverything);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(table->Flush().ok());
  FillCache(table);
  Result<StateValue*> found = table->Find("a");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kDataError);
  EXPECT_NE(found.status().message().find("'strict'"), std::string::npos)
      << found.status().ToString();
}

TEST(RocksDbStateTest, ManyKeysFitInALittleMemory) {
  ScratchDirectory scratch;
  std::filesystem::path directory = scratch.path() / "db";
  auto backend = MakeRocksDb(directory, 4LL << 20);
  StateTable* table = *backend->Table("counts", DecodeCounter);
  constexpr int kKeys = 200'000;
  constexpr int kBatch = 1000;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_EQ(*table->Find(KeyOf(i)), nullptr);
    ASSERT_TRUE(table->Insert(KeyOf(i), std::make_unique<Counter>(i * 3LL)).ok());
    if (i % kBatch == kBatch - 1) {
      ASSERT_TRUE(table->Flush().ok());
    }
  }
  ASSERT_TRUE(table->Flush().ok());
  EXPECT_EQ(table->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; i += 7) {
    StateValue* value = *table->Find(KeyOf(i));
    ASSERT_NE(value, nullptr) << KeyOf(i);
    ASSERT_EQ(ValueOf(value), i * 3LL);
    if (i % kBatch == 0) {
      ASSERT_TRUE(table->Flush().ok());
    }
  }
  ASSERT_TRUE(table->Flush().ok());
  int visited = 0;
  ASSERT_TRUE(table
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    if (key != KeyOf(visited) || ValueOf(&value) != visited * 3LL) {
                      return Status::Internal("entry {} is {}", visited, key);
                    }
                    ++visited;
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(visited, kKeys);
  // More than the memtables hold: the values went to table files.
  int num_table_files = 0;
  for (const auto& file : std::filesystem::directory_iterator(directory)) {
    if (file.path().extension() == ".sst") ++num_table_files;
  }
  EXPECT_GT(num_table_files, 0);
}

TEST(RocksDbStateTest, ForEachVisitsInKeyOrder) {
  ScratchDirectory scratch;
  auto backend = MakeRocksDb(scratch.path() / "db");
  StateTable* table = *backend->Table("counts", DecodeCounter);
  std::vector<std::string> keys = {"b", "a\x01", std::string("a\0", 2), "", "\xff", "ab", "a"};
  for (const std::string& key : keys) {
    ASSERT_TRUE(table->Insert(key, std::make_unique<Counter>(1)).ok());
  }
  ASSERT_TRUE(table->Flush().ok());
  std::vector<std::string> visited;
  ASSERT_TRUE(table
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    visited.emplace_back(key);
                    return Status::OK();
                  })
                  .ok());
  std::sort(keys.begin(), keys.end());  // bytewise, as std::string compares
  EXPECT_EQ(visited, keys);
}

TEST(RocksDbStateTest, ForEachSeesUnflushedValuesAsFound) {
  ScratchDirectory scratch;
  auto backend = MakeRocksDb(scratch.path() / "db");
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(table->Flush().ok());
  StateValue* found = *table->Find("a");
  ASSERT_TRUE(table
                  ->ForEach([&](std::string_view key, StateValue& value) {
                    EXPECT_EQ(&value, found);
                    return Status::OK();
                  })
                  .ok());
}

TEST(RocksDbStateTest, CreatesItsDirectoryAndRemovesItWhenDestroyed) {
  ScratchDirectory scratch;
  std::filesystem::path directory = scratch.path() / "job" / "operator-1";
  auto backend = MakeRocksDb(directory);
  ASSERT_NE(backend, nullptr);
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_TRUE(std::filesystem::is_directory(directory));
  backend.reset();
  EXPECT_FALSE(std::filesystem::exists(directory));
  EXPECT_TRUE(std::filesystem::is_directory(scratch.path() / "job"));
}

// Checkpoints with a shared directory are incremental: the SST files an
// earlier checkpoint put there are used again, not written again. Such a
// checkpoint restores into a new database (also split by a filter), with the
// time entries had left to live; the hashmap backend refuses it clearly.
TEST(RocksDbStateTest, IncrementalCheckpointsShareFilesAndRestore) {
  ScratchDirectory scratch;
  std::filesystem::path shared = scratch.path() / "shared";
  std::filesystem::create_directories(shared);
  int64_t now = 1000;
  StateTableOptions ttl_options;
  ttl_options.ttl = std::chrono::milliseconds(500);
  ttl_options.clock = [&now] { return now; };
  auto backend = MakeRocksDb(scratch.path() / "db");
  StateTable* counts = *backend->Table("counts", DecodeCounter);
  StateTable* recent = *backend->Table("recent", DecodeCounter, ttl_options);
  auto checkpoint = [&](const std::string& name) {
    std::filesystem::path directory = scratch.path() / name;
    std::filesystem::create_directories(directory);
    EXPECT_TRUE(backend->Flush().ok());
    Result<std::unique_ptr<StateSnapshot>> snapshot =
        backend->Snapshot(SnapshotScope::kIncremental);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    Result<std::vector<StoredFile>> files =
        (*snapshot)->Write(directory.string(), "op-0", shared.string());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<StoredFile>{};
  };
  auto shared_files = [&](const std::vector<StoredFile>& files) {
    std::set<std::string> names;
    for (const StoredFile& file : files) {
      if (file.path.rfind(shared.string(), 0) == 0) names.insert(file.path);
    }
    return names;
  };
  for (int i = 0; i < 20000; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  ASSERT_TRUE(recent->Insert("soon", std::make_unique<Counter>(1)).ok());
  std::vector<StoredFile> first = checkpoint("chk-1");
  for (int i = 20000; i < 30000; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  now = 1200;  // "soon" has 300 ms left
  std::vector<StoredFile> second = checkpoint("chk-2");
  std::set<std::string> reused;
  for (const std::string& file : shared_files(first)) {
    if (shared_files(second).count(file) > 0) reused.insert(file);
  }
  EXPECT_FALSE(reused.empty()) << "the second checkpoint wrote every SST file again";
  EXPECT_GT(shared_files(second).size(), reused.size()) << "the second checkpoint added nothing";
  // The SST files come with the size and checksum RocksDB computed as it wrote
  // them, which must be those of the files' bytes.
  size_t with_digest = 0;
  for (const StoredFile& file : second) {
    if (!file.digest) continue;
    ++with_digest;
    std::string bytes = *ReadFile(file.path);
    EXPECT_EQ(file.digest->size, bytes.size()) << file.path;
    EXPECT_EQ(file.digest->checksum, XXH3_64bits(bytes.data(), bytes.size())) << file.path;
  }
  EXPECT_EQ(with_digest, shared_files(second).size());

  auto restored = MakeRocksDb(scratch.path() / "restored");
  int64_t later = 50000;
  StateTableOptions later_options;
  later_options.ttl = std::chrono::milliseconds(500);
  later_options.clock = [&later] { return later; };
  StateTable* restored_counts = *restored->Table("counts", DecodeCounter);
  StateTable* restored_recent = *restored->Table("recent", DecodeCounter, later_options);
  // Only the even keys, as after a change of parallelism.
  Status status = restored->Restore(second, [](std::string_view table, std::string_view key) {
    return table != "counts" || (key.back() - '0') % 2 == 0;
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(restored_counts->size(), 15000u);
  EXPECT_EQ(ValueOf(*restored_counts->Find(KeyOf(29998))), 29998);
  EXPECT_EQ(*restored_counts->Find(KeyOf(29999)), nullptr);
  later += 299;
  EXPECT_NE(*restored_recent->Find("soon"), nullptr);
  later += 1;
  EXPECT_EQ(*restored_recent->Find("soon"), nullptr);

  Result<std::unique_ptr<KeyedStateBackend>> memory = MakeStateBackend(StateBackendSettings{});
  ASSERT_TRUE(memory.ok());
  ASSERT_TRUE((*memory)->Table("counts", DecodeCounter).ok());
  ASSERT_TRUE((*memory)->Table("recent", DecodeCounter).ok());
  status = (*memory)->Restore(second, nullptr);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'state.backend.type' = 'rocksdb'"), std::string::npos)
      << status.ToString();
}

// The hashmap backend's checkpoints are incremental too: a base file, then
// files of what changed (and the keys erased) since the last one written. A
// snapshot that is never written leaves its changes to the next.
TEST(MemoryStateTest, IncrementalCheckpointsChainChangesAndRestore) {
  ScratchDirectory scratch;
  std::filesystem::path shared = scratch.path() / "shared";
  std::filesystem::create_directories(shared);
  Result<std::unique_ptr<KeyedStateBackend>> made = MakeStateBackend(StateBackendSettings{});
  ASSERT_TRUE(made.ok());
  std::unique_ptr<KeyedStateBackend> backend = made.MoveValue();
  StateTable* counts = *backend->Table("counts", DecodeCounter);
  auto checkpoint = [&](const std::string& name, bool write) {
    std::filesystem::path directory = scratch.path() / name;
    std::filesystem::create_directories(directory);
    EXPECT_TRUE(backend->Flush().ok());
    Result<std::unique_ptr<StateSnapshot>> snapshot =
        backend->Snapshot(SnapshotScope::kIncremental);
    EXPECT_TRUE(snapshot.ok());
    if (!write) return std::vector<StoredFile>{};
    Result<std::vector<StoredFile>> files =
        (*snapshot)->Write(directory.string(), "op-0", shared.string());
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<StoredFile>{};
  };
  auto set = [&](int key, int64_t value) {
    ASSERT_TRUE(counts->Insert(KeyOf(key), std::make_unique<Counter>(value)).ok());
  };
  for (int i = 0; i < 10000; ++i) set(i, i);
  std::vector<StoredFile> first = checkpoint("chk-1", true);
  ASSERT_EQ(first.size(), 1u);
  static_cast<Counter*>(*counts->Find(KeyOf(1)))->value = -1;
  counts->MarkChanged(KeyOf(1));
  ASSERT_TRUE(counts->Erase(KeyOf(2)).ok());
  checkpoint("chk-2", false);  // abandoned: its changes go into the next
  set(3, -3);
  ASSERT_TRUE(counts->Erase(KeyOf(4)).ok());
  set(10000, 10000);
  std::vector<StoredFile> third = checkpoint("chk-3", true);
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[0].path, first[0].path);
  EXPECT_LT(std::filesystem::file_size(third[1].path) * 20,
            std::filesystem::file_size(third[0].path));

  for (std::string type : {"hashmap", "rocksdb"}) {
    StateBackendSettings settings;
    settings.type = type;
    settings.directory = (scratch.path() / ("restored-" + type)).string();
    Result<std::unique_ptr<KeyedStateBackend>> restored = MakeStateBackend(settings);
    ASSERT_TRUE(restored.ok());
    StateTable* table = *(*restored)->Table("counts", DecodeCounter);
    Status status = (*restored)->Restore(third, nullptr);
    if (type == "rocksdb") {
      EXPECT_FALSE(status.ok());
      EXPECT_NE(status.message().find("'state.backend.type' = 'hashmap'"), std::string::npos)
          << status.ToString();
      continue;
    }
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(table->size(), 9999u);
    EXPECT_EQ(ValueOf(*table->Find(KeyOf(0))), 0);
    EXPECT_EQ(ValueOf(*table->Find(KeyOf(1))), -1);
    EXPECT_EQ(*table->Find(KeyOf(2)), nullptr);
    EXPECT_EQ(ValueOf(*table->Find(KeyOf(3))), -3);
    EXPECT_EQ(*table->Find(KeyOf(4)), nullptr);
    EXPECT_EQ(ValueOf(*table->Find(KeyOf(10000))), 10000);
  }
}

// A delta is written while the operator changes, replaces and erases the
// entries in it (the hashmap backend keeps each as it was just before it
// changes, unless the writer had it already): the chain restores the state
// as it was at the barrier.
// Snapshot files written before files had a trailer (magic "TGSTATE1", the
// entries ending the file) restore: their entries are counted instead.
TEST(MemoryStateTest, FilesWithoutATrailerRestore) {
  ScratchDirectory scratch;
  std::unique_ptr<KeyedStateBackend> source = MakeStateBackend(StateBackendSettings{}).MoveValue();
  StateTable* counts = *source->Table("counts", DecodeCounter);
  for (int i = 0; i < 3000; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  ASSERT_TRUE(source->Flush().ok());
  Result<std::vector<StoredFile>> files =
      (*source->Snapshot(SnapshotScope::kWhole))->Write(scratch.path().string(), "old", "");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  // The same file as the earlier format wrote it: the trailer (its size is
  // the last 4 bytes) goes, and the magic says so.
  std::string path = (*files)[0].path;
  std::string bytes = *ReadFile(path);
  uint32_t trailer = 0;
  std::memcpy(&trailer, bytes.data() + bytes.size() - sizeof(trailer), sizeof(trailer));
  bytes.resize(bytes.size() - sizeof(trailer) - trailer);
  bytes.replace(0, 8, "TGSTATE1");
  ASSERT_TRUE(WriteFileSynced(path, bytes).ok());

  std::unique_ptr<KeyedStateBackend> restored =
      MakeStateBackend(StateBackendSettings{}).MoveValue();
  StateTable* table = *restored->Table("counts", DecodeCounter);
  Status status = restored->Restore({StoredFile{path, std::nullopt}}, nullptr);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(table->size(), 3000u);
  EXPECT_EQ(ValueOf(*table->Find(KeyOf(2999))), 2999);
}

TEST(MemoryStateTest, ChangesWhileADeltaIsWrittenAreNotInIt) {
  ScratchDirectory scratch;
  std::filesystem::path shared = scratch.path() / "shared";
  std::filesystem::create_directories(shared);
  std::unique_ptr<KeyedStateBackend> backend = MakeStateBackend(StateBackendSettings{}).MoveValue();
  StateTable* counts = *backend->Table("counts", DecodeCounter);
  constexpr int kKeys = 100000;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  }
  ASSERT_TRUE(backend->Flush().ok());
  auto write = [&](StateSnapshot* snapshot, const std::string& name) {
    std::filesystem::path directory = scratch.path() / name;
    std::filesystem::create_directories(directory);
    return snapshot->Write(directory.string(), "op-0", shared.string());
  };
  std::unique_ptr<StateSnapshot> base = backend->Snapshot(SnapshotScope::kIncremental).MoveValue();
  ASSERT_TRUE(write(base.get(), "chk-1").ok());
  // Every key changes once more: the delta holds them all.
  for (int i = 0; i < kKeys; ++i) {
    static_cast<Counter*>(*counts->Find(KeyOf(i)))->value = 2 * i;
    counts->MarkChanged(KeyOf(i));
  }
  ASSERT_TRUE(backend->Flush().ok());
  std::unique_ptr<StateSnapshot> delta = backend->Snapshot(SnapshotScope::kIncremental).MoveValue();
  std::optional<Result<std::vector<StoredFile>>> files;
  std::thread writer([&] { files = write(delta.get(), "chk-2"); });
  for (int i = kKeys - 1; i >= 0; --i) {
    if (i % 10 == 3) {
      ASSERT_TRUE(counts->Erase(KeyOf(i)).ok());
    } else if (i % 10 == 5) {
      ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(-1)).ok());
    } else {
      static_cast<Counter*>(*counts->Find(KeyOf(i)))->value = -2;
      counts->MarkChanged(KeyOf(i));
    }
    if (i % 1000 == 0) {
      ASSERT_TRUE(backend->Flush().ok());
    }
  }
  writer.join();
  ASSERT_TRUE(files->ok()) << files->status().ToString();
  ASSERT_EQ((*files)->size(), 2u);

  std::unique_ptr<KeyedStateBackend> restored =
      MakeStateBackend(StateBackendSettings{}).MoveValue();
  StateTable* table = *restored->Table("counts", DecodeCounter);
  ASSERT_TRUE(restored->Restore(**files, nullptr).ok());
  ASSERT_EQ(table->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    StateValue* value = *table->Find(KeyOf(i));
    ASSERT_NE(value, nullptr) << i;
    ASSERT_EQ(ValueOf(value), 2 * i) << i;
  }
}

// A subtask may end (a failing job) while the checkpoint's thread has not
// written its hashmap snapshot yet: the write fails, naming the table.
TEST(MemoryStateTest, ASnapshotOfATableThatWentAwayFailsToWrite) {
  ScratchDirectory scratch;
  std::unique_ptr<KeyedStateBackend> backend = MakeStateBackend(StateBackendSettings{}).MoveValue();
  StateTable* counts = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(counts->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(backend->Flush().ok());
  std::unique_ptr<StateSnapshot> snapshot = backend->Snapshot(SnapshotScope::kWhole).MoveValue();
  backend.reset();
  Result<std::vector<StoredFile>> files = snapshot->Write(scratch.path().string(), "late", "");
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("state table 'counts' went away"), std::string::npos)
      << files.status().ToString();
}

// A subtask may end while the checkpoint's thread still writes its snapshot:
// the snapshot stands on its own, and its files go with it.
TEST(RocksDbStateTest, ASnapshotOutlivesItsBackend) {
  ScratchDirectory scratch;
  std::filesystem::path directory = scratch.path() / "db";
  auto backend = MakeRocksDb(directory);
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(backend->Flush().ok());
  Result<std::unique_ptr<StateSnapshot>> snapshot = backend->Snapshot(SnapshotScope::kWhole);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  backend.reset();
  EXPECT_FALSE(std::filesystem::exists(directory));
  Result<std::vector<StoredFile>> files = (*snapshot)->Write(scratch.path().string(), "late", "");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  snapshot->reset();
  for (const auto& entry : std::filesystem::directory_iterator(scratch.path())) {
    EXPECT_EQ(entry.path().string().find(".checkpoint-"), std::string::npos) << entry.path();
  }

  auto restored = MakeRocksDb(scratch.path() / "restored");
  StateTable* counts = *restored->Table("counts", DecodeCounter);
  ASSERT_TRUE(restored->Restore(*files, nullptr).ok());
  EXPECT_EQ(ValueOf(*counts->Find("a")), 1);
}

TEST(RocksDbStateTest, DiscardsADatabaseLeftInItsDirectory) {
  ScratchDirectory scratch;
  std::filesystem::path directory = scratch.path() / "db";
  std::filesystem::path left_over = scratch.path() / "left-over";
  {
    auto backend = MakeRocksDb(directory);
    StateTable* table = *backend->Table("counts", DecodeCounter);
    ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
    ASSERT_TRUE(backend->Flush().ok());
    // What a process that died would leave behind.
    std::filesystem::copy(directory, left_over, std::filesystem::copy_options::recursive);
  }
  ASSERT_TRUE(std::filesystem::exists(left_over / "CURRENT"));
  std::ofstream(left_over / "notes.txt") << "not state";
  {
    auto backend = MakeRocksDb(left_over);
    ASSERT_NE(backend, nullptr);
    StateTable* table = *backend->Table("counts", DecodeCounter);
    EXPECT_EQ(*table->Find("a"), nullptr);
    EXPECT_EQ(table->size(), 0u);
  }
  // A directory that existed keeps what the backend did not make.
  EXPECT_TRUE(std::filesystem::exists(left_over / "notes.txt"));
  EXPECT_FALSE(std::filesystem::exists(left_over / "CURRENT"));
}

TEST(RocksDbStateTest, WithoutADirectoryUsesATemporaryOne) {
  ScratchDirectory scratch;
  std::optional<std::string> old_tmpdir;
  if (const char* value = getenv("TMPDIR")) old_tmpdir = value;
  setenv("TMPDIR", scratch.path().c_str(), 1);
  auto backend = MakeRocksDb("");
  if (old_tmpdir) {
    setenv("TMPDIR", old_tmpdir->c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  ASSERT_NE(backend, nullptr);
  StateTable* table = *backend->Table("counts", DecodeCounter);
  ASSERT_TRUE(table->Insert("a", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(backend->Flush().ok());
  EXPECT_FALSE(std::filesystem::is_empty(scratch.path()));
  backend.reset();
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

TEST(RocksDbStateTest, DirectoryThatCannotBeCreatedIsAnError) {
  ScratchDirectory scratch;
  std::ofstream(scratch.path() / "file") << "a regular file";
  StateBackendSettings settings;
  settings.type = "rocksdb";
  settings.directory = (scratch.path() / "file" / "state").string();
  Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), StatusCode::kIOError);
  EXPECT_NE(backend.status().message().find(settings.directory), std::string::npos)
      << backend.status().ToString();
}

TEST(RocksDbStateTest, TooLittleMemoryIsAnError) {
  StateBackendSettings settings;
  settings.type = "rocksdb";
  settings.memory_bytes = 1000;
  Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), StatusCode::kInvalidArgument);
}

TEST(KeyedStateBackendTest, UnknownBackendIsAnError) {
  StateBackendSettings settings;
  settings.type = "redis";
  Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
  ASSERT_FALSE(backend.ok());
  const std::string& message = backend.status().message();
  EXPECT_NE(message.find("'redis'"), std::string::npos);
  EXPECT_NE(message.find("hashmap"), std::string::npos);
  EXPECT_NE(message.find("rocksdb"), std::string::npos);
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

namespace tiangong {
namespace {

// Snapshots: the canonical format, restored by either backend.
class StateSnapshotTest : public testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  std::unique_ptr<KeyedStateBackend> MakeBackend(const std::string& type, const std::string& name) {
    StateBackendSettings settings;
    settings.type = type;
    settings.directory = (scratch_.path() / name).string();
    Result<std::unique_ptr<KeyedStateBackend>> backend = MakeStateBackend(settings);
    EXPECT_TRUE(backend.ok()) << backend.status().ToString();
    return backend.ok() ? backend.MoveValue() : nullptr;
  }

  /// Takes a snapshot of `backend` and writes it under the scratch directory.
  std::vector<StoredFile> WriteSnapshot(KeyedStateBackend* backend, const std::string& prefix) {
    Result<std::unique_ptr<StateSnapshot>> snapshot = backend->Snapshot(SnapshotScope::kWhole);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    Result<std::vector<StoredFile>> files =
        (*snapshot)->Write(scratch_.path().string(), prefix, "");
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<StoredFile>{};
  }

  ScratchDirectory scratch_;
};

INSTANTIATE_TEST_SUITE_P(
    Backends, StateSnapshotTest,
    testing::Combine(testing::Values("hashmap", "rocksdb"), testing::Values("hashmap", "rocksdb")),
    [](const testing::TestParamInfo<std::tuple<std::string, std::string>>& info) {
      return std::get<0>(info.param) + "_to_" + std::get<1>(info.param);
    });

TEST_P(StateSnapshotTest, RestoresWhatTheSnapshotSaw) {
  auto [from, to] = GetParam();
  auto source = MakeBackend(from, "source");
  StateTable* counts = *source->Table("counts", DecodeCounter);
  StateTable* sums = *source->Table("sums", DecodeCounter);
  // Many keys, so that RocksDB has written some and caches others.
  for (int i = 0; i < 100000; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  ASSERT_TRUE(sums->Insert("total", std::make_unique<Counter>(42)).ok());
  ASSERT_TRUE(counts->Erase(KeyOf(7)).ok());
  ASSERT_TRUE(source->Flush().ok());
  std::vector<StoredFile> files = WriteSnapshot(source.get(), "source");
  // Changes after the snapshot are not in it.
  static_cast<Counter*>(*sums->Find("total"))->value = 43;
  sums->MarkChanged("total");
  ASSERT_TRUE(source->Flush().ok());

  auto target = MakeBackend(to, "target");
  StateTable* restored_counts = *target->Table("counts", DecodeCounter);
  StateTable* restored_sums = *target->Table("sums", DecodeCounter);
  Status status = target->Restore(files, nullptr);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(restored_counts->size(), 99999u);
  EXPECT_EQ(restored_sums->size(), 1u);
  EXPECT_EQ(ValueOf(*restored_sums->Find("total")), 42);
  EXPECT_EQ(*restored_counts->Find(KeyOf(7)), nullptr);
  for (int i : {0, 1, 8, 65536, 99999}) {
    StateValue* value = *restored_counts->Find(KeyOf(i));
    ASSERT_NE(value, nullptr) << i;
    EXPECT_EQ(ValueOf(value), i);
  }
}

// Snapshots are written off the operator's thread while it changes its state:
// the snapshot holds the state as it was when it was taken.
TEST_P(StateSnapshotTest, ChangesWhileTheSnapshotIsWrittenAreNotInIt) {
  auto [from, to] = GetParam();
  auto source = MakeBackend(from, "source");
  StateTable* counts = *source->Table("counts", DecodeCounter);
  constexpr int kKeys = 200000;
  for (int i = 0; i < kKeys; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  ASSERT_TRUE(source->Flush().ok());
  Result<std::unique_ptr<StateSnapshot>> snapshot = source->Snapshot(SnapshotScope::kWhole);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  std::optional<Result<std::vector<StoredFile>>> files;
  std::thread writer([&] { files = (*snapshot)->Write(scratch_.path().string(), "source", ""); });
  // Every value changes, some keys go, new ones come, while the writer runs.
  for (int i = 0; i < kKeys; ++i) {
    if (i % 10 == 3) {
      ASSERT_TRUE(counts->Erase(KeyOf(i)).ok());
    } else if (i % 10 == 5) {
      ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(-1)).ok());
    } else {
      static_cast<Counter*>(*counts->Find(KeyOf(i)))->value += kKeys;
      counts->MarkChanged(KeyOf(i));
    }
    if (i % 1000 == 999) {
      ASSERT_TRUE(source->Flush().ok());
    }
  }
  ASSERT_TRUE(counts->Insert(KeyOf(kKeys), std::make_unique<Counter>(kKeys)).ok());
  ASSERT_TRUE(source->Flush().ok());
  writer.join();
  ASSERT_TRUE(files->ok()) << files->status().ToString();

  auto target = MakeBackend(to, "target");
  StateTable* restored = *target->Table("counts", DecodeCounter);
  ASSERT_TRUE(target->Restore(**files, nullptr).ok());
  ASSERT_EQ(restored->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; i += 7) {
    StateValue* value = *restored->Find(KeyOf(i));
    ASSERT_NE(value, nullptr) << i;
    ASSERT_EQ(ValueOf(value), i) << i;
  }
  // The source has its changes.
  EXPECT_EQ(ValueOf(*counts->Find(KeyOf(1))), 1 + kKeys);
  EXPECT_EQ(ValueOf(*counts->Find(KeyOf(5))), -1);
  EXPECT_EQ(*counts->Find(KeyOf(3)), nullptr);
}

// A restored backend may keep entries serialized until they are used; a
// snapshot of it holds used and unused entries alike.
TEST_P(StateSnapshotTest, SnapshotsOfARestoredStateHoldUsedAndUnusedEntries) {
  auto [from, to] = GetParam();
  auto first = MakeBackend(from, "first");
  StateTable* counts = *first->Table("counts", DecodeCounter);
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(counts->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
  ASSERT_TRUE(first->Flush().ok());
  std::vector<StoredFile> files = WriteSnapshot(first.get(), "first");

  auto second = MakeBackend(to, "second");
  StateTable* restored = *second->Table("counts", DecodeCounter);
  ASSERT_TRUE(second->Restore(files, nullptr).ok());
  static_cast<Counter*>(*restored->Find(KeyOf(1)))->value = -1;
  restored->MarkChanged(KeyOf(1));
  ASSERT_TRUE(restored->Erase(KeyOf(2)).ok());
  ASSERT_TRUE(restored->Insert(KeyOf(3), std::make_unique<Counter>(-3)).ok());
  ASSERT_TRUE(second->Flush().ok());
  std::vector<StoredFile> second_files = WriteSnapshot(second.get(), "second");
  second.reset();  // the snapshot's files stand on their own

  auto third = MakeBackend(from, "third");
  StateTable* again = *third->Table("counts", DecodeCounter);
  ASSERT_TRUE(third->Restore(second_files, nullptr).ok());
  EXPECT_EQ(again->size(), 999u);
  EXPECT_EQ(ValueOf(*again->Find(KeyOf(0))), 0);
  EXPECT_EQ(ValueOf(*again->Find(KeyOf(1))), -1);
  EXPECT_EQ(*again->Find(KeyOf(2)), nullptr);
  EXPECT_EQ(ValueOf(*again->Find(KeyOf(3))), -3);
  EXPECT_EQ(ValueOf(*again->Find(KeyOf(999))), 999);
}

TEST_P(StateSnapshotTest, RestoresOnlyTheKeysTheFilterKeeps) {
  auto [from, to] = GetParam();
  // Two instances' snapshots are split between two new instances by key.
  std::vector<StoredFile> files;
  for (int instance = 0; instance < 2; ++instance) {
    auto source = MakeBackend(from, "source" + std::to_string(instance));
    StateTable* table = *source->Table("counts", DecodeCounter);
    for (int i = instance; i < 1000; i += 2) {
      ASSERT_TRUE(table->Insert(KeyOf(i), std::make_unique<Counter>(i)).ok());
    }
    ASSERT_TRUE(source->Flush().ok());
    for (const StoredFile& file :
         WriteSnapshot(source.get(), "source" + std::to_string(instance))) {
      files.push_back(file);
    }
  }
  size_t total = 0;
  for (int instance = 0; instance < 2; ++instance) {
    auto target = MakeBackend(to, "target" + std::to_string(instance));
    StateTable* table = *target->Table("counts", DecodeCounter);
    ASSERT_TRUE(target
                    ->Restore(files,
                              [&](std::string_view name, std::string_view key) {
                                return (key < KeyOf(500)) == (instance == 0);
                              })
                    .ok());
    EXPECT_EQ(table->size(), 500u);
    EXPECT_EQ(*table->Find(KeyOf(instance == 0 ? 700 : 300)), nullptr);
    EXPECT_EQ(ValueOf(*table->Find(KeyOf(instance == 0 ? 300 : 700))), instance == 0 ? 300 : 700);
    total += table->size();
  }
  EXPECT_EQ(total, 1000u);
}

TEST_P(StateSnapshotTest, EntriesKeepTheTimeTheyHaveLeftToLive) {
  auto [from, to] = GetParam();
  int64_t now = 1000000;
  StateTableOptions options;
  options.ttl = std::chrono::milliseconds(100);
  options.clock = [&] { return now; };
  auto source = MakeBackend(from, "source");
  StateTable* table = *source->Table("counts", DecodeCounter, options);
  ASSERT_TRUE(table->Insert("old", std::make_unique<Counter>(1)).ok());
  now += 60;
  ASSERT_TRUE(table->Insert("new", std::make_unique<Counter>(2)).ok());
  ASSERT_TRUE(source->Flush().ok());
  std::vector<StoredFile> files = WriteSnapshot(source.get(), "source");

  // The restoring process has a clock of its own.
  now = 5000;
  auto target = MakeBackend(to, "target");
  StateTable* restored = *target->Table("counts", DecodeCounter, options);
  ASSERT_TRUE(target->Restore(files, nullptr).ok());
  EXPECT_NE(*restored->Find("old"), nullptr);
  now += 45;  // "old" had 40 ms left, "new" 100 ms
  EXPECT_EQ(*restored->Find("old"), nullptr);
  EXPECT_NE(*restored->Find("new"), nullptr);
  now += 60;
  EXPECT_EQ(*restored->Find("new"), nullptr);
}

TEST_P(StateSnapshotTest, UnknownTablesAndCorruptFilesAreErrors) {
  auto [from, to] = GetParam();
  auto source = MakeBackend(from, "source");
  ASSERT_TRUE(
      (*source->Table("windows", DecodeCounter))->Insert("k", std::make_unique<Counter>(1)).ok());
  ASSERT_TRUE(source->Flush().ok());
  std::vector<StoredFile> files = WriteSnapshot(source.get(), "source");

  auto target = MakeBackend(to, "target");
  ASSERT_TRUE(target->Table("sessions", DecodeCounter).ok());
  Status status = target->Restore(files, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'windows'"), std::string::npos) << status.message();

  // A damaged file fails the restore naming it, whether the checkpoint knows
  // its digest (a checkpoint) or not.
  ASSERT_TRUE(target->Table("windows", DecodeCounter).ok());
  std::string path = files[0].path;
  std::string bytes = *ReadFile(path);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  ASSERT_TRUE(WriteFileSynced(path, bytes).ok());
  status = target->Restore(files, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("'" + path + "' is corrupt"), std::string::npos)
      << status.message();

  std::filesystem::resize_file(path, bytes.size() - 2);
  status = target->Restore(files, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("'" + path + "' has " + std::to_string(bytes.size() - 2) +
                                  " bytes, but was written with " + std::to_string(bytes.size())),
            std::string::npos)
      << status.message();
  status = target->Restore({StoredFile{path, std::nullopt}}, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kDataLoss) << status.ToString();
  EXPECT_NE(status.message().find("'" + path + "' is truncated or corrupt"), std::string::npos)
      << status.message();
}

}  // namespace
}  // namespace tiangong

namespace tiangong {
namespace {

TEST(TimerServiceTest, RestoresTheTimersAFilterKeeps) {
  TimerService timers;
  timers.Register(30, "b");
  timers.Register(10, "a");
  timers.Register(20, "b");
  std::string bytes;
  timers.Serialize(&bytes);

  TimerService restored;
  ASSERT_TRUE(restored.Restore(bytes, [](std::string_view key) { return key == "b"; }).ok());
  EXPECT_EQ(restored.size(), 2u);
  int64_t time = 0;
  std::string key;
  ASSERT_TRUE(restored.PopDue(100, &time, &key));
  EXPECT_EQ(time, 20);
  EXPECT_EQ(key, "b");

  TimerService all;
  ASSERT_TRUE(all.Restore(bytes, nullptr).ok());
  EXPECT_EQ(all.NextTime(), 10);
  EXPECT_FALSE(all.Restore(bytes.substr(0, bytes.size() - 1), nullptr).ok());
}

}  // namespace
}  // namespace tiangong
