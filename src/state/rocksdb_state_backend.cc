// The 'rocksdb' state backend: one RocksDB database per operator instance, one
// column family per table. Values live on disk as bytes (StateValue::Serialize);
// a table decodes a value on Find and keeps the decoded object in a per-table
// write-back cache of the most recently used entries (`cached_values`): a hot
// key is neither read nor written again while it stays there. Flush writes
// deletions, and the changed values of the entries it evicts when the cache
// is over its size, in one write batch; ForEach first writes every change.
//
// Memory: one LRU cache of `memory_bytes` holds data blocks, index and filter
// blocks, and (through a WriteBufferManager that charges its memory to the same
// cache) the memtables of every table, which may use half of it.
//
// Time-to-live: a table with a TTL prefixes each stored value with its write
// time. Expired entries are deleted when Find or ForEach meets them, and by a
// sweep that checks a slice of the table on each Flush, as the hashmap backend
// does. The sweep (rather than a compaction filter) keeps size() exact and keeps
// the operator's clock on the operator's thread.
//
// There is no write-ahead log: state is lost with the process until checkpoints
// exist, so the backend deletes its database when destroyed.
//
// Thread-safety: a backend and its tables are used by their operator's thread
// only; RocksDB's background threads (flushes, compactions) touch the database
// and the shared cache, never the tables.

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <fmt/core.h>
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include "state/keyed_state.h"
#include "state/rocksdb_checkpoint.h"
#include "state/state_snapshot.h"

namespace tiangong {
namespace {

/// Below this a database spends its budget on fixed overheads.
constexpr int64_t kMinimumMemoryBytes = 1LL << 20;
/// Entries the TTL sweep checks per Flush, on top of twice the entries written.
constexpr size_t kSweepEntriesPerFlush = 256;
/// A table whose Flushes write nothing is swept at most this often (table clock).
constexpr int64_t kIdleSweepIntervalMillis = 1000;
/// Deletions of expired entries found by ForEach are written in batches this big.
constexpr int kExpiredDeletesPerBatch = 4096;

int64_t SteadyClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }
rocksdb::Slice ToSlice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }

Status RocksDbError(const rocksdb::Status& status, std::string_view operation,
                    const std::string& directory) {
  return Status::IOError("RocksDB state backend in '{}': {} failed: {}", directory, operation,
                         status.ToString());
}

/// A backend's database, its column families and its directory, which it
/// removes when it goes.
struct Database {
  ~Database() {
    if (db != nullptr) {
      for (auto& [name, handle] : column_families) {
        if (handle != nullptr) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
      }
      column_families.clear();
      db->Close().PermitUncheckedError();
      db.reset();
    }
    // Errors are ignored: a destructor cannot report them, and leftovers in a
    // temporary directory do no harm.
    std::error_code error;
    if (created_directory) {
      std::filesystem::remove_all(directory, error);
    } else {
      // The directory was there before: remove only what RocksDB made.
      rocksdb::DestroyDB(directory, options).PermitUncheckedError();
      std::filesystem::remove(directory, error);
    }
  }

  std::string directory;
  bool created_directory = false;
  rocksdb::Options options;
  std::unique_ptr<rocksdb::DB> db;
  /// RocksDB's unique id of the database: names its files in checkpoints.
  std::string identity;
  int next_checkpoint = 0;
  /// The column family of each table but 'default', which the database owns.
  std::map<std::string, rocksdb::ColumnFamilyHandle*> column_families;
};

/// A RocksDB checkpoint of a backend's database (hard links to its files,
/// which later writes do not change; see state/rocksdb_checkpoint.h), taken at
/// the barrier. Write() runs on the checkpoint's thread while the operator goes
/// on: incrementally into the shared directory for a checkpoint, in the
/// canonical format for a savepoint.
class RocksDbStateSnapshot final : public StateSnapshot {
 public:
  RocksDbStateSnapshot(std::string checkpoint, SstDigests digests, std::string identity,
                       std::vector<RocksDbTableInfo> tables, rocksdb::Options options)
      : checkpoint_(std::move(checkpoint)),
        digests_(std::move(digests)),
        identity_(std::move(identity)),
        tables_(std::move(tables)),
        options_(std::move(options)) {}
  ~RocksDbStateSnapshot() override {
    std::error_code ignored;
    std::filesystem::remove_all(checkpoint_, ignored);
  }

  Result<std::vector<StoredFile>> Write(const std::string& directory, const std::string& prefix,
                                        const std::string& shared_directory) override {
    if (!shared_directory.empty()) {
      return WriteIncrementalCheckpoint(checkpoint_, digests_, identity_, tables_, directory,
                                        prefix, shared_directory);
    }
    std::string path = directory + "/" + prefix + ".state";
    ASSIGN_OR_RAISE(std::unique_ptr<StateSnapshotWriter> file, StateSnapshotWriter::Create(path));
    std::string_view current;
    RETURN_NOT_OK(
        VisitRocksDbCheckpoint(checkpoint_, tables_, options_,
                               [&](std::string_view table, std::string_view key, int64_t remaining,
                                   std::string_view payload) -> Status {
                                 if (table != current) {
                                   RETURN_NOT_OK(file->BeginTable(table));
                                   current = table;
                                 }
                                 return file->Add(key, remaining, payload);
                               }));
    ASSIGN_OR_RAISE(FileDigest digest, file->Close());
    return std::vector<StoredFile>{StoredFile{path, digest}};
  }

 private:
  std::string checkpoint_;
  SstDigests digests_;
  std::string identity_;
  std::vector<RocksDbTableInfo> tables_;
  rocksdb::Options options_;
};

/// One table: a column family of the backend's database plus the cache of
/// decoded values found or inserted since the last Flush.
class RocksDbStateTable final : public StateTable {
 public:
  /// `db`, `column_family` and `directory` outlive the table.
  RocksDbStateTable(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* column_family,
                    const std::string* directory, std::string name, StateDecoder decoder,
                    StateTableOptions options, size_t cached_values)
      : db_(db),
        column_family_(column_family),
        directory_(directory),
        name_(std::move(name)),
        decoder_(std::move(decoder)),
        options_(std::move(options)),
        cached_values_(std::max<size_t>(cached_values, 1)) {
    if (!options_.clock) options_.clock = SteadyClockMillis;
    write_options_.disableWAL = true;
    scan_options_.fill_cache = false;
  }

  Result<StateValue*> Find(std::string_view key) override {
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      CachedEntry& entry = it->second;
      entry.last_used = ++use_clock_;
      if (entry.value != nullptr && Expired(entry.written_at, Now())) Forget(&entry);
      return entry.value.get();
    }
    // Nothing written yet: a miss costs nothing to repeat, so it is not cached.
    if (num_stored_ == 0) return nullptr;
    ASSIGN_OR_RAISE(std::optional<StoredValue> stored, Read(key));
    CachedEntry entry;
    if (stored.has_value()) {
      entry.stored = true;
      if (Expired(stored->written_at, Now())) {
        // Counted until now; Flush deletes it (value null, stored).
        --count_;
        deletions_pending_ = true;
      } else {
        ASSIGN_OR_RAISE(entry.value, Decode(stored->payload));
        entry.written_at = stored->written_at;
      }
    }
    entry.last_used = ++use_clock_;
    return cache_.emplace(std::string(key), std::move(entry)).first->second.value.get();
  }

  Result<StateValue*> Insert(std::string_view key, std::unique_ptr<StateValue> value) override {
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      // Operators find a key before inserting it, so this lookup is rare.
      ASSIGN_OR_RAISE(std::optional<StoredValue> stored, Read(key));
      CachedEntry entry;
      entry.stored = stored.has_value();
      if (!entry.stored) ++count_;
      it = cache_.emplace(std::string(key), std::move(entry)).first;
    } else if (it->second.value == nullptr) {
      ++count_;
    }
    CachedEntry& entry = it->second;
    entry.last_used = ++use_clock_;
    entry.value = std::move(value);
    entry.dirty = true;
    entry.written_at = ttl() ? options_.clock() : 0;
    return entry.value.get();
  }

  void MarkChanged(std::string_view key) override {
    auto it = cache_.find(key);
    if (it == cache_.end() || it->second.value == nullptr) return;
    it->second.dirty = true;
    if (ttl()) it->second.written_at = options_.clock();
  }

  Status Erase(std::string_view key) override {
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.value != nullptr) Forget(&it->second);
      return Status::OK();
    }
    ASSIGN_OR_RAISE(std::optional<StoredValue> stored, Read(key));
    CachedEntry entry;
    entry.stored = stored.has_value();
    if (entry.stored) {
      --count_;
      deletions_pending_ = true;
    }
    entry.last_used = ++use_clock_;
    cache_.emplace(std::string(key), std::move(entry));
    return Status::OK();
  }

  /// Writes deletions, and evicts the least recently used entries (writing
  /// their changes, down to half) when the cache holds more than
  /// `cached_values`. Changed
  /// values that stay cached are written when evicted or by ForEach.
  Status Flush() override {
    if (cache_.empty() && !ttl()) return Status::OK();
    rocksdb::WriteBatch batch;
    if (ttl() && options_.clock() - last_cache_check_at_ >= kIdleSweepIntervalMillis) {
      last_cache_check_at_ = options_.clock();
      ForgetExpiredCached(last_cache_check_at_);
    }
    AddDeletions(&batch);
    if (cache_.size() > cached_values_) Evict(cached_values_ / 2, &batch);
    auto num_changes = static_cast<size_t>(batch.Count());
    int64_t num_expired = 0;
    if (ttl() && count_ > 0) {
      int64_t now = options_.clock();
      if (num_changes > 0 || now - last_sweep_at_ >= kIdleSweepIntervalMillis) {
        last_sweep_at_ = now;
        ASSIGN_OR_RAISE(num_expired,
                        SweepExpired(kSweepEntriesPerFlush + 2 * num_changes, now, &batch));
      }
    }
    if (batch.Count() > 0) RETURN_NOT_OK(Write(&batch, "writing"));
    count_ -= num_expired;
    num_stored_ -= num_expired;
    return Status::OK();
  }

  /// Visits the stored entries in key order. Changes not yet flushed are written
  /// first (without invalidating pointers), so a cached value is visited as the
  /// object Find returned; any other value is a decoded copy, and changes the
  /// visitor makes to a copy are not kept.
  Status ForEach(
      const std::function<Status(std::string_view key, StateValue& value)>& visit) override {
    rocksdb::WriteBatch changes;
    AddChanges(&changes);
    if (changes.Count() > 0) RETURN_NOT_OK(Write(&changes, "writing"));

    int64_t now = Now();
    rocksdb::WriteBatch expired;
    Status status = Scan(now, &expired, visit);
    // Deletions collected before a failure are still valid.
    if (expired.Count() > 0) RETURN_NOT_OK(WriteExpired(&expired));
    return status;
  }

  /// Exact: the entries written and not deleted, counting expired entries until
  /// Find, ForEach or the sweep meets them.
  size_t size() const override { return static_cast<size_t>(count_); }

  /// Writes the cached changes, so that the database holds every entry, and
  /// says what a checkpoint records of the table.
  Result<RocksDbTableInfo> PrepareSnapshot() {
    rocksdb::WriteBatch changes;
    AddChanges(&changes);
    if (changes.Count() > 0) RETURN_NOT_OK(Write(&changes, "writing"));
    return RocksDbTableInfo{name_, ttl() ? options_.ttl.count() : 0, Now()};
  }

  /// Adds a restored entry (with the time it had left to live; < 0: none) to
  /// `batch`, which the caller writes with WriteRestored.
  void Restore(std::string_view key, int64_t remaining_ttl_millis, std::string_view payload,
               rocksdb::WriteBatch* batch) {
    if (ttl() && remaining_ttl_millis == 0) return;
    encode_buffer_.clear();
    if (ttl()) {
      int64_t written_at =
          RestoredWriteTime(options_.clock(), options_.ttl.count(), remaining_ttl_millis);
      encode_buffer_.append(reinterpret_cast<const char*>(&written_at), sizeof(int64_t));
    }
    encode_buffer_.append(payload);
    batch->Put(column_family_, ToSlice(key), ToSlice(encode_buffer_));
    ++restored_;
  }

  /// Writes a batch of restored entries. Restoring happens before any other
  /// use, and a snapshot holds each key once, so every entry is new.
  Status WriteRestored(rocksdb::WriteBatch* batch) {
    RETURN_NOT_OK(Write(batch, "restoring"));
    count_ += restored_;
    num_stored_ += restored_;
    restored_ = 0;
    batch->Clear();
    return Status::OK();
  }

 private:
  /// A decoded value and what the database holds for its key.
  struct CachedEntry {
    /// Null: the key has no live value (absent, erased or expired).
    std::unique_ptr<StateValue> value;
    /// With a TTL: when `value` was last written (table clock).
    int64_t written_at = 0;
    /// The database holds a version of the key (live or expired).
    bool stored = false;
    /// `value` differs from what is stored.
    bool dirty = false;
    /// use_clock_ when the operator last used the key.
    uint64_t last_used = 0;
  };

  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };

  bool ttl() const { return options_.ttl.count() > 0; }
  int64_t Now() const { return ttl() ? options_.clock() : 0; }
  bool Expired(int64_t written_at, int64_t now) const {
    return ttl() && now - written_at >= options_.ttl.count();
  }

  /// The key loses its value: erased, or found expired.
  void Forget(CachedEntry* entry) {
    entry->value.reset();
    entry->dirty = false;
    --count_;
    if (entry->stored) deletions_pending_ = true;
  }

  Result<StoredValue> Parse(std::string_view bytes) const {
    return ParseStoredValue(bytes, ttl(), name_, *directory_);
  }

  /// The stored value of `key`, or nullopt. The payload points into
  /// read_buffer_ and is valid until the next Read.
  Result<std::optional<StoredValue>> Read(std::string_view key) {
    // Nothing written yet (every entry is cached): no need to ask.
    if (num_stored_ == 0) return std::optional<StoredValue>();
    read_buffer_.Reset();
    rocksdb::Status status = db_->Get(read_options_, column_family_, ToSlice(key), &read_buffer_);
    if (status.IsNotFound()) return std::optional<StoredValue>();
    if (!status.ok()) {
      return RocksDbError(status, fmt::format("reading table '{}'", name_), *directory_);
    }
    ASSIGN_OR_RAISE(StoredValue stored, Parse(ToView(read_buffer_)));
    return std::optional<StoredValue>(stored);
  }

  Result<std::unique_ptr<StateValue>> Decode(std::string_view payload) const {
    Result<std::unique_ptr<StateValue>> value = decoder_(payload);
    if (!value.ok()) {
      return value.status().WithContext(
          fmt::format("decoding a value of state table '{}' in '{}'", name_, *directory_));
    }
    return value;
  }

  /// Cached values whose time has passed lose their value (and are deleted by
  /// AddDeletions when stored).
  void ForgetExpiredCached(int64_t now) {
    for (auto& [key, entry] : cache_) {
      if (entry.value != nullptr && Expired(entry.written_at, now)) Forget(&entry);
    }
  }

  /// Appends the deletions of cached keys to `batch`.
  void AddDeletions(rocksdb::WriteBatch* batch) {
    if (!deletions_pending_) return;
    deletions_pending_ = false;
    for (auto& [key, entry] : cache_) {
      if (entry.value == nullptr && entry.stored) AddDelete(key, &entry, batch);
    }
  }

  /// Drops all but the `keep` most recently used entries from the cache,
  /// appending the changed values among them to `batch` (expired ones are
  /// deleted instead).
  void Evict(size_t keep, rocksdb::WriteBatch* batch) {
    using Iterator = decltype(cache_)::iterator;
    std::vector<std::pair<uint64_t, Iterator>> by_use;
    by_use.reserve(cache_.size());
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      by_use.emplace_back(it->second.last_used, it);
    }
    size_t num_evicted = by_use.size() - keep;
    std::nth_element(by_use.begin(), by_use.begin() + static_cast<std::ptrdiff_t>(num_evicted),
                     by_use.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    int64_t now = Now();
    for (size_t i = 0; i < num_evicted; ++i) {
      // Erasing other elements leaves these iterators valid.
      Iterator it = by_use[i].second;
      CachedEntry& entry = it->second;
      if (entry.value != nullptr && Expired(entry.written_at, now)) {
        Forget(&entry);
        if (entry.stored) AddDelete(it->first, &entry, batch);
      } else if (entry.value != nullptr && entry.dirty) {
        AddPut(it->first, &entry, batch);
      }
      cache_.erase(it);
    }
  }

  /// Appends the value of `entry` (with its write time under a TTL) to `batch`.
  void AddPut(std::string_view key, CachedEntry* entry, rocksdb::WriteBatch* batch) {
    encode_buffer_.clear();
    if (ttl()) {
      encode_buffer_.append(reinterpret_cast<const char*>(&entry->written_at), sizeof(int64_t));
    }
    entry->value->Serialize(&encode_buffer_);
    batch->Put(column_family_, ToSlice(key), ToSlice(encode_buffer_));
    entry->dirty = false;
    if (!entry->stored) ++num_stored_;
    entry->stored = true;
  }

  /// Appends the deletion of a stored key to `batch`.
  void AddDelete(std::string_view key, CachedEntry* entry, rocksdb::WriteBatch* batch) {
    batch->Delete(column_family_, ToSlice(key));
    --num_stored_;
    entry->stored = false;
  }

  /// Appends the cached changes to `batch`; afterwards the cache matches it.
  void AddChanges(rocksdb::WriteBatch* batch) {
    deletions_pending_ = false;
    for (auto& [key, entry] : cache_) {
      if (entry.value != nullptr && entry.dirty) {
        AddPut(key, &entry, batch);
      } else if (entry.value == nullptr && entry.stored) {
        AddDelete(key, &entry, batch);
      }
    }
  }

  /// Checks up to `budget` stored entries from where the last sweep stopped and
  /// adds a deletion of each expired one that is not cached to `batch`. Returns
  /// how many it added.
  Result<int64_t> SweepExpired(size_t budget, int64_t now, rocksdb::WriteBatch* batch) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan_options_, column_family_));
    it->Seek(ToSlice(sweep_cursor_));
    int64_t num_expired = 0;
    for (size_t checked = 0; it->Valid() && checked < budget; it->Next(), ++checked) {
      std::string_view key = ToView(it->key());
      // Cached keys are settled by the changes of this Flush.
      if (cache_.find(key) != cache_.end()) continue;
      ASSIGN_OR_RAISE(StoredValue stored, Parse(ToView(it->value())));
      if (!Expired(stored.written_at, now)) continue;
      batch->Delete(column_family_, it->key());
      ++num_expired;
    }
    if (!it->status().ok()) {
      return RocksDbError(it->status(), fmt::format("sweeping table '{}'", name_), *directory_);
    }
    // An empty cursor starts the next sweep from the first key.
    sweep_cursor_ = it->Valid() ? it->key().ToString() : std::string();
    return num_expired;
  }

  /// ForEach's iteration; collects deletions of expired entries in `expired`.
  Status Scan(int64_t now, rocksdb::WriteBatch* expired,
              const std::function<Status(std::string_view key, StateValue& value)>& visit) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan_options_, column_family_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view key = ToView(it->key());
      auto cached = cache_.find(key);
      if (cached != cache_.end()) {
        CachedEntry& entry = cached->second;
        if (entry.value != nullptr && Expired(entry.written_at, now)) Forget(&entry);
        if (entry.value != nullptr) RETURN_NOT_OK(visit(key, *entry.value));
        continue;
      }
      ASSIGN_OR_RAISE(StoredValue stored, Parse(ToView(it->value())));
      if (Expired(stored.written_at, now)) {
        expired->Delete(column_family_, it->key());
        if (expired->Count() >= kExpiredDeletesPerBatch) RETURN_NOT_OK(WriteExpired(expired));
        continue;
      }
      ASSIGN_OR_RAISE(std::unique_ptr<StateValue> value, Decode(stored.payload));
      RETURN_NOT_OK(visit(key, *value));
    }
    if (!it->status().ok()) {
      return RocksDbError(it->status(), fmt::format("iterating table '{}'", name_), *directory_);
    }
    return Status::OK();
  }

  /// Writes and clears a batch of deletions of counted, expired entries.
  Status WriteExpired(rocksdb::WriteBatch* expired) {
    RETURN_NOT_OK(Write(expired, "deleting expired entries of"));
    count_ -= expired->Count();
    num_stored_ -= expired->Count();
    expired->Clear();
    return Status::OK();
  }

  Status Write(rocksdb::WriteBatch* batch, std::string_view what) {
    rocksdb::Status status = db_->Write(write_options_, batch);
    if (!status.ok()) {
      return RocksDbError(status, fmt::format("{} table '{}'", what, name_), *directory_);
    }
    return Status::OK();
  }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* column_family_;
  const std::string* directory_;
  const std::string name_;
  const StateDecoder decoder_;
  StateTableOptions options_;
  const size_t cached_values_;
  rocksdb::ReadOptions read_options_;
  rocksdb::ReadOptions scan_options_;
  rocksdb::WriteOptions write_options_;

  std::unordered_map<std::string, CachedEntry, TransparentHash, std::equal_to<>> cache_;
  uint64_t use_clock_ = 0;
  /// Keys the database holds (live or expired).
  int64_t num_stored_ = 0;
  /// Some cached key lost a value the database still holds.
  bool deletions_pending_ = false;
  int64_t last_cache_check_at_ = 0;
  /// Entries in the database plus pending inserts minus pending deletions.
  int64_t count_ = 0;
  std::string sweep_cursor_;
  int64_t last_sweep_at_ = 0;
  rocksdb::PinnableSlice read_buffer_;
  std::string encode_buffer_;
  /// Entries Restore added to the batch not yet written.
  int64_t restored_ = 0;
};

/// The settings RocksDB runs with, for the database and for every column family.
rocksdb::Options MakeOptions(int64_t memory_bytes) {
  auto memory = static_cast<size_t>(memory_bytes);
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = memory;
  cache_options.high_pri_pool_ratio = 0.1;
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(cache_options);

  rocksdb::Options options;
  options.create_if_missing = true;
  options.file_checksum_gen_factory = MakeSstChecksumFactory();
  // Memtables of all tables share half the budget, charged to the block cache
  // so that the cache's capacity bounds the total.
  options.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(memory / 2, cache);
  options.write_buffer_size = memory / 4;
  options.max_write_buffer_number = 2;
  // Operators look keys up one by one, and many lookups miss (new keys).
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.memtable_whole_key_filtering = true;
  options.level_compaction_dynamic_level_bytes = true;
  options.max_background_jobs = 2;
  // The database is deleted on close: flushing memtables then is wasted work.
  options.avoid_flush_during_shutdown = true;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.keep_log_file_num = 2;

  std::vector<rocksdb::CompressionType> supported = rocksdb::GetSupportedCompressions();
  auto is_supported = [&](rocksdb::CompressionType type) {
    return std::find(supported.begin(), supported.end(), type) != supported.end();
  };
  // Upper levels are rewritten soon by compaction: compressing them costs CPU
  // and saves little. The bottommost level holds most of the data.
  options.compression = rocksdb::kNoCompression;
  if (is_supported(rocksdb::kLZ4Compression)) {
    options.bottommost_compression = rocksdb::kLZ4Compression;
  } else if (is_supported(rocksdb::kSnappyCompression)) {
    options.bottommost_compression = rocksdb::kSnappyCompression;
  }

  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = cache;
  table_options.cache_index_and_filter_blocks = true;
  table_options.cache_index_and_filter_blocks_with_high_priority = true;
  table_options.pin_l0_filter_and_index_blocks_in_cache = true;
  table_options.pin_top_level_index_and_filter = true;
  table_options.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table_options.partition_filters = true;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table_options.whole_key_filtering = true;
  table_options.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  return options;
}

/// Creates the database directory: `directory` with its parents, or a fresh
/// directory under the system's temporary directory when it is empty. Sets
/// *created when this call made the directory.
Result<std::string> PrepareDirectory(const std::string& directory, bool* created) {
  std::error_code error;
  if (directory.empty()) {
    std::filesystem::path temp = std::filesystem::temp_directory_path(error);
    if (error) {
      return Status::IOError("RocksDB state backend: cannot find the temporary directory: {}",
                             error.message());
    }
    std::string path = (temp / "tiangong-state-XXXXXX").string();
    if (mkdtemp(path.data()) == nullptr) {
      return Status::IOError("RocksDB state backend: cannot create a directory like '{}': {}", path,
                             std::strerror(errno));
    }
    *created = true;
    return path;
  }
  *created = std::filesystem::create_directories(directory, error);
  if (error) {
    return Status::IOError("RocksDB state backend: cannot create directory '{}': {}", directory,
                           error.message());
  }
  return directory;
}

/// The keyed state of one operator instance in its own RocksDB database.
class RocksDbStateBackend final : public KeyedStateBackend {
 public:
  static Result<std::unique_ptr<KeyedStateBackend>> Make(const StateBackendSettings& settings) {
    if (settings.memory_bytes < kMinimumMemoryBytes) {
      return Status::Invalid(
          "RocksDB state backend: memory of {} bytes is too small; give it at least {} bytes",
          settings.memory_bytes, kMinimumMemoryBytes);
    }
    bool created = false;
    ASSIGN_OR_RAISE(std::string directory, PrepareDirectory(settings.directory, &created));
    // From here on the backend owns the directory and removes it on every exit.
    auto backend = std::make_unique<RocksDbStateBackend>(
        directory, created, MakeOptions(settings.memory_bytes),
        static_cast<size_t>(std::max<int64_t>(settings.cached_values, 1)));
    RETURN_NOT_OK(backend->Open());
    return std::unique_ptr<KeyedStateBackend>(std::move(backend));
  }

  /// Use Make(). Takes ownership of `directory` (which Make created when
  /// `created_directory`) and deletes it when destroyed.
  RocksDbStateBackend(std::string directory, bool created_directory, rocksdb::Options options,
                      size_t cached_values)
      : database_(std::make_unique<Database>()), cached_values_(cached_values) {
    database_->directory = std::move(directory);
    database_->created_directory = created_directory;
    database_->options = std::move(options);
  }

  ~RocksDbStateBackend() override { tables_.clear(); }

  Result<StateTable*> Table(const std::string& name, StateDecoder decoder,
                            StateTableOptions options) override {
    auto it = tables_.find(name);
    if (it != tables_.end()) return it->second.get();
    rocksdb::DB* db = database_->db.get();
    rocksdb::ColumnFamilyHandle* column_family = nullptr;
    if (name == rocksdb::kDefaultColumnFamilyName) {
      column_family = db->DefaultColumnFamily();
    } else {
      rocksdb::Status status = db->CreateColumnFamily(database_->options, name, &column_family);
      if (!status.ok()) {
        return RocksDbError(status, fmt::format("creating table '{}'", name), database_->directory);
      }
      database_->column_families[name] = column_family;
    }
    auto table =
        std::make_unique<RocksDbStateTable>(db, column_family, &database_->directory, name,
                                            std::move(decoder), std::move(options), cached_values_);
    StateTable* result = table.get();
    tables_.emplace(name, std::move(table));
    return result;
  }

  Status Flush() override {
    for (auto& [name, table] : tables_) RETURN_NOT_OK(table->Flush());
    return Status::OK();
  }

  /// Writes the cached changes and makes a RocksDB checkpoint (hard links)
  /// next to the database; Write reads it.
  /// (A RocksDB checkpoint holds everything, whatever the scope.)
  Result<std::unique_ptr<StateSnapshot>> Snapshot(SnapshotScope scope) override {
    std::vector<RocksDbTableInfo> tables;
    for (const auto& [name, table] : tables_) {
      ASSIGN_OR_RAISE(RocksDbTableInfo prepared, table->PrepareSnapshot());
      tables.push_back(std::move(prepared));
    }
    std::string checkpoint =
        fmt::format("{}.checkpoint-{}", database_->directory, database_->next_checkpoint++);
    std::error_code ignored;
    std::filesystem::remove_all(checkpoint, ignored);  // left by an earlier process
    ASSIGN_OR_RAISE(SstDigests digests, CreateRocksDbCheckpoint(database_->db.get(), checkpoint));
    return std::unique_ptr<StateSnapshot>(std::make_unique<RocksDbStateSnapshot>(
        std::move(checkpoint), std::move(digests), database_->identity, std::move(tables),
        database_->options));
  }

  /// Canonical snapshot files are mapped (their entries are copied into the
  /// database, so they need not fit in memory); an incremental checkpoint is
  /// linked into a scratch directory and read from there.
  Status Restore(const std::vector<StoredFile>& files, const StateKeyFilter& keep) override {
    rocksdb::WriteBatch batch;
    RocksDbStateTable* batch_table = nullptr;
    auto restore = [&](RocksDbStateTable* table, std::string_view key, int64_t remaining_ttl_millis,
                       std::string_view value) -> Status {
      // A batch holds the entries of one table, so that each counts its own.
      if (batch_table != nullptr && (batch_table != table || batch.Count() >= 4096)) {
        RETURN_NOT_OK(batch_table->WriteRestored(&batch));
      }
      batch_table = table;
      table->Restore(key, remaining_ttl_millis, value, &batch);
      return Status::OK();
    };
    std::vector<StoredFile> canonical;
    for (const StoredFile& file : files) {
      if (file.path.ends_with(".incremental.state")) {
        return Status::Invalid(
            "'{}' is part of an incremental checkpoint of the hashmap state backend, which only "
            "that backend restores; restore with 'state.backend.type' = 'hashmap', or take a "
            "savepoint to change the state backend",
            file.path);
      }
      if (IsRocksDbCheckpointManifest(file.path)) {
        RETURN_NOT_OK(RestoreCheckpoint(file.path, keep, restore));
      } else if (IsStateSnapshotFile(file.path)) {
        canonical.push_back(file);
      }
    }
    RETURN_NOT_OK(RestoreStateSnapshots(
        canonical, keep, SnapshotReading::kMapped, tables_,
        [&](RocksDbStateTable* table, std::string_view key, int64_t remaining_ttl_millis,
            std::string_view value, const std::shared_ptr<const FileImage>&) {
          return restore(table, key, remaining_ttl_millis, value);
        }));
    if (batch_table != nullptr && batch.Count() > 0) {
      RETURN_NOT_OK(batch_table->WriteRestored(&batch));
    }
    return Status::OK();
  }

 private:
  template <typename RestoreEntry>
  Status RestoreCheckpoint(const std::string& manifest, const StateKeyFilter& keep,
                           RestoreEntry restore) {
    std::string scratch =
        fmt::format("{}.restore-{}", database_->directory, database_->next_checkpoint++);
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
    std::filesystem::create_directories(scratch, ignored);
    Status status = [&]() -> Status {
      ASSIGN_OR_RAISE(std::vector<RocksDbTableInfo> tables,
                      MaterializeRocksDbCheckpoint(manifest, scratch));
      return VisitRocksDbCheckpoint(
          scratch, tables, database_->options,
          [&](std::string_view name, std::string_view key, int64_t remaining,
              std::string_view payload) -> Status {
            auto it = tables_.find(name);
            if (it == tables_.end()) {
              return Status::NotFound(
                  "The restored state has a table '{}' that this operator does not keep", name);
            }
            if (keep && !keep(name, key)) return Status::OK();
            return restore(it->second.get(), key, remaining, payload);
          });
    }();
    std::filesystem::remove_all(scratch, ignored);
    return status.ok() ? status : status.WithContext(fmt::format("restoring from '{}'", manifest));
  }

  Status Open() {
    // A checkpoint restores into a new database, so a database left by an
    // earlier run that did not shut down cleanly is stale.
    const std::string& directory = database_->directory;
    std::error_code error;
    if (std::filesystem::exists(std::filesystem::path(directory) / "CURRENT", error)) {
      rocksdb::Status status = rocksdb::DestroyDB(directory, database_->options);
      if (!status.ok()) return RocksDbError(status, "discarding a stale database", directory);
    }
    rocksdb::DB* db = nullptr;
    rocksdb::Status status = rocksdb::DB::Open(database_->options, directory, &db);
    if (!status.ok()) return RocksDbError(status, "opening the database", directory);
    database_->db.reset(db);
    status = db->GetDbIdentity(database_->identity);
    if (!status.ok()) return RocksDbError(status, "reading the database's identity", directory);
    return Status::OK();
  }

  std::unique_ptr<Database> database_;
  const size_t cached_values_;
  std::map<std::string, std::unique_ptr<RocksDbStateTable>, std::less<>> tables_;
};

}  // namespace

Result<std::unique_ptr<KeyedStateBackend>> MakeRocksDbStateBackend(
    const StateBackendSettings& settings) {
  return RocksDbStateBackend::Make(settings);
}

}  // namespace tiangong
