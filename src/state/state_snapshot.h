#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/file_image.h"
#include "common/files.h"
#include "common/result.h"
#include "state/keyed_state.h"

namespace tiangong {

/// The remaining time to live a reader sees for an erased key.
inline constexpr int64_t kErasedEntry = INT64_MIN;

/// The canonical snapshot format of keyed state, which both backends write and
/// restore (so a savepoint taken on one backend restores on the other). A file
/// holds, after a magic header, each table's name followed by its entries:
/// key, the time it has left to live under a TTL (-1 without one), and the
/// value's bytes (StateValue::Serialize). A file of an incremental checkpoint
/// (the changes since the previous one, restored after the files before it)
/// also holds erased keys, which a reader sees with kErasedEntry as their
/// remaining time to live. A trailer after the entries says how many entries
/// the file adds to each table, so that a restore sizes its tables before the
/// entries arrive.
/// The checkpoint metadata records each file's size and checksum.
///
/// Writes a snapshot file in this format (through a SyncedFileWriter, which
/// writes it in pieces of 1 MB) and syncs it on Close(). Not thread-safe.
class StateSnapshotWriter {
 public:
  static Result<std::unique_ptr<StateSnapshotWriter>> Create(const std::string& path);

  /// Starts the entries of table `name`. `growth`: how many entries the file
  /// adds to the table (negative: removes), for a file that follows another
  /// (a delta); by default the entries it holds.
  Status BeginTable(std::string_view name, std::optional<int64_t> growth = std::nullopt);
  /// `remaining_ttl_millis` < 0: the table has no TTL.
  Status Add(std::string_view key, int64_t remaining_ttl_millis, std::string_view value);
  /// The key was erased since the file this one follows.
  Status AddErased(std::string_view key);
  /// Ends the file, syncs it and returns its digest.
  Result<FileDigest> Close();

 private:
  explicit StateSnapshotWriter(std::unique_ptr<SyncedFileWriter> file);

  std::unique_ptr<SyncedFileWriter> file_;
  std::string header_;  // of the entry being added
  struct Table {
    std::string name;
    int64_t entries = 0;
    std::optional<int64_t> growth;
  };
  std::vector<Table> tables_;
};

/// Called for every entry a restore reads: `image` is the file that `table`,
/// `key` and `value` point into (a backend may keep the views, and the image,
/// to decode values later).
using StateSnapshotVisitor = std::function<Status(
    const std::shared_ptr<const FileImage>& image, std::string_view table, std::string_view key,
    int64_t remaining_ttl_millis, std::string_view value)>;

/// How many entries a snapshot file adds to a table (negative: removes), so
/// that a backend can size its tables: the sum over a chain of files is the
/// number of entries it restores.
using StateSnapshotSizes = std::function<void(std::string_view table, int64_t growth)>;

/// True for a file in the canonical format ("<prefix>.state").
bool IsStateSnapshotFile(const std::string& path);

/// How a restore reads snapshot files.
enum class SnapshotReading {
  /// Into memory of their own, past the page cache, restoring what has
  /// arrived while the rest is read: the fastest, for a backend that keeps
  /// the entries where they are (the files' bytes stay in memory).
  kIntoMemory,
  /// Mapped from the page cache: for files several restores read (a restore
  /// at another parallelism), or a backend that copies the entries elsewhere
  /// (the files need not fit in memory).
  kMapped,
};

/// Reads snapshot `files` in order and calls `visit` for every entry, in file
/// order, after telling `sizes` (when set) the entries of every file. Each
/// file is checked against its digest: an entry may be visited before the
/// check, so a failure means that nothing visited may be kept. Fails with a
/// DataLoss error naming a file that is truncated or corrupt, and with an
/// Invalid error on a file of another format.
Status ReadStateSnapshots(const std::vector<StoredFile>& files, SnapshotReading reading,
                          const StateSnapshotSizes& sizes, const StateSnapshotVisitor& visit);

/// A backend's Restore: calls `restore(table, key, remaining_ttl_millis, value,
/// image)` for every entry of `files` (read as `reading` says, mapped when
/// `keep` is set) that `keep` (when set) accepts, `table`
/// being the table of that name in `tables` (a map from name to unique_ptr) and
/// `image` the file that `key` and `value` point into. `sizes` (when set)
/// hears the entries of every file before any is restored, so that a backend
/// sizes its tables once for a chain of files. Fails as ReadStateSnapshots
/// does, and naming a table that `tables` lacks.
template <typename Tables, typename RestoreEntry>
Status RestoreStateSnapshots(const std::vector<StoredFile>& files, const StateKeyFilter& keep,
                             SnapshotReading reading, const Tables& tables, RestoreEntry restore,
                             const StateSnapshotSizes& sizes = nullptr) {
  // The entries of a table follow each other, with their name in one place.
  std::string_view last_name;
  decltype(tables.begin()->second.get()) last_table = nullptr;
  return ReadStateSnapshots(
      files, keep ? SnapshotReading::kMapped : reading, sizes,
      [&](const std::shared_ptr<const FileImage>& image, std::string_view name,
          std::string_view key, int64_t remaining_ttl_millis, std::string_view value) -> Status {
        if (name.data() != last_name.data() || name.size() != last_name.size()) {
          auto it = tables.find(name);
          if (it == tables.end()) {
            return Status::NotFound(
                "The restored state has a table '{}' that this operator does not keep", name);
          }
          last_name = name;
          last_table = it->second.get();
        }
        if (keep && !keep(name, key)) return Status::OK();
        Status status = restore(last_table, key, remaining_ttl_millis, value, image);
        if (!status.ok()) {
          return status.WithContext(
              fmt::format("restoring state table '{}' from '{}'", name, image->path()));
        }
        return Status::OK();
      });
}

/// What a snapshot records of an entry written at `written_at` (table clock)
/// under a TTL of `ttl_millis`, at `now`: the time it has left to live.
inline int64_t RemainingTtl(int64_t now, int64_t ttl_millis, int64_t written_at) {
  return ttl_millis - (now - written_at);
}

/// The write time that gives a restored entry the `remaining_ttl_millis` it had
/// (an entry restored from a table without a TTL, < 0, starts a whole TTL now).
inline int64_t RestoredWriteTime(int64_t now, int64_t ttl_millis, int64_t remaining_ttl_millis) {
  if (remaining_ttl_millis < 0) return now;
  return now - (ttl_millis - std::min(remaining_ttl_millis, ttl_millis));
}

}  // namespace tiangong
