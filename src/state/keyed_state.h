#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/files.h"
#include "common/result.h"

namespace tiangong {

/// A value kept in keyed state: an operator's accumulators for a group, the
/// rows of a join side for a key, the top rows of a partition.
class StateValue {
 public:
  virtual ~StateValue() = default;
  /// Appends the value's bytes to `out` (for RocksDB and checkpoints).
  virtual void Serialize(std::string* out) const = 0;
};

/// Rebuilds a StateValue from its bytes; supplied by the operator for each table.
using StateDecoder = std::function<Result<std::unique_ptr<StateValue>>(std::string_view bytes)>;

/// One named map of an operator instance's keyed state: from key bytes (an
/// encoded grouping key, possibly followed by a namespace such as a window;
/// see types/key_encoder.h) to a StateValue.
///
/// Access is batch-oriented. Find() and Insert() return a pointer that stays
/// valid until Flush() or Erase() of that key; after changing a value the
/// operator calls MarkChanged(), and at the end of each batch Flush(). The
/// in-memory backend keeps the objects themselves, so these calls cost nothing
/// there; the RocksDB backend decodes on Find, keeps recently used values
/// decoded, and writes a changed value when it leaves that cache.
///
/// With a time-to-live ('table.exec.state.ttl'), a value not written for that
/// long is gone: Find() no longer returns it, and it is cleaned up.
///
/// Thread-safety: owned by one operator instance, used by its thread only.
class StateTable {
 public:
  virtual ~StateTable() = default;

  /// The value of `key`, or nullptr when there is none (or it expired).
  virtual Result<StateValue*> Find(std::string_view key) = 0;
  /// Sets the value of `key`, replacing any, and returns it.
  virtual Result<StateValue*> Insert(std::string_view key, std::unique_ptr<StateValue> value) = 0;
  /// The value of `key` (from Find or Insert) was modified in place.
  virtual void MarkChanged(std::string_view key) = 0;
  virtual Status Erase(std::string_view key) = 0;
  /// Ends a batch of changes: pointers from Find become invalid, and the backend
  /// may write changes out (all of them by the next ForEach).
  virtual Status Flush() = 0;
  /// Visits every live entry in key order (RocksDB) or any order (in memory).
  /// Values the backend holds decoded are visited as those objects; RocksDB
  /// visits other values as decoded copies, so `visit` must not change them.
  /// REQUIRES: no changes since the last Flush().
  virtual Status ForEach(
      const std::function<Status(std::string_view key, StateValue& value)>& visit) = 0;
  /// Entries, including ones expired but not yet cleaned up. Exact in both
  /// backends: RocksDB counts its writes rather than estimating from its files.
  virtual size_t size() const = 0;
};

struct StateTableOptions {
  /// 0: entries never expire.
  std::chrono::milliseconds ttl{0};
  /// Milliseconds on a monotonic clock; tests substitute their own. Null: the
  /// steady clock.
  std::function<int64_t()> clock;
};

/// A consistent image of a backend's state at one moment (a checkpoint
/// barrier), taken by KeyedStateBackend::Snapshot on the operator's thread.
/// Write() stores it and may run on another thread while the operator goes on
/// changing its state.
class StateSnapshot {
 public:
  virtual ~StateSnapshot() = default;
  /// Writes the image into `directory` as files whose names start with
  /// `prefix`, syncs them, and returns them. With a `shared_directory`
  /// (checkpoints), a backend may put files there that later snapshots of the
  /// same state reuse instead of writing them again (incremental
  /// checkpoints); without (savepoints), the files stand on their own.
  virtual Result<std::vector<StoredFile>> Write(const std::string& directory,
                                                const std::string& prefix,
                                                const std::string& shared_directory) = 0;
};

/// What a snapshot must be able to write: everything (savepoints), or
/// only what an incremental checkpoint needs (the backend may leave out what
/// earlier checkpoints of the same chain hold).
enum class SnapshotScope { kWhole, kIncremental };

/// Which restored entries an operator instance keeps: after a change of
/// parallelism, those of the key groups it now owns.
using StateKeyFilter = std::function<bool(std::string_view table, std::string_view key)>;

/// The keyed state of one operator instance (one subtask): its named tables.
/// Thread-safety: owned by one operator instance.
class KeyedStateBackend {
 public:
  virtual ~KeyedStateBackend() = default;
  /// The table `name`, created on first use. The pointer lives as long as the
  /// backend.
  virtual Result<StateTable*> Table(const std::string& name, StateDecoder decoder,
                                    StateTableOptions options = {}) = 0;
  /// Flushes every table.
  virtual Status Flush() = 0;

  /// Captures the state at this moment; Write() stores it (see StateSnapshot).
  /// Entries keep the time left to live under a TTL. A kIncremental snapshot
  /// may be written only into a checkpoint's shared directory. REQUIRES: no
  /// changes since the last Flush().
  virtual Result<std::unique_ptr<StateSnapshot>> Snapshot(SnapshotScope scope) = 0;
  /// Adds the entries of canonical snapshot `files` (from one or several
  /// instances, perhaps of another backend) that `keep` accepts to the tables
  /// of the same names, which the operator must have created. Each file with a
  /// digest is checked against it: a DataLoss error names a damaged file, after
  /// which the backend holds nothing usable. Fails on a table it has not,
  /// naming it, and on a file that is not a state snapshot.
  virtual Status Restore(const std::vector<StoredFile>& files, const StateKeyFilter& keep) = 0;
};

/// Where state lives ('state.backend.type').
struct StateBackendSettings {
  std::string type = "hashmap";  // hashmap | rocksdb
  /// RocksDB: the directory for this operator instance's database.
  std::string directory;
  /// RocksDB block cache and write buffers, per instance.
  int64_t memory_bytes = 64LL << 20;
  /// RocksDB: decoded values each table keeps between batches (hot keys are
  /// neither decoded nor written again while cached).
  int64_t cached_values = 65536;
};

/// The in-memory backend: values are C++ objects in hash maps.
std::unique_ptr<KeyedStateBackend> MakeMemoryStateBackend();

/// The RocksDB backend: one database in `settings.directory` (created with its
/// parents; a new directory under the system's temporary directory when empty),
/// one column family per table, without a write-ahead log. The backend owns the
/// directory: a database already in it is discarded, and the database and the
/// directory are deleted when the backend is destroyed. Block cache and
/// memtables together stay within `settings.memory_bytes` (at least 1 MiB).
/// Values are decoded on Find and cached until Flush, which writes the changed
/// ones in one batch. Fails with an IOError naming the directory when the
/// directory or the database cannot be created.
Result<std::unique_ptr<KeyedStateBackend>> MakeRocksDbStateBackend(
    const StateBackendSettings& settings);

/// The backend `settings` name; fails for an unknown type.
Result<std::unique_ptr<KeyedStateBackend>> MakeStateBackend(const StateBackendSettings& settings);

}  // namespace tiangong
