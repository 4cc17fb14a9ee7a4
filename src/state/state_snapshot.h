#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

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
/// value's bytes (StateValue::Serialize). The checkpoint metadata records each
/// file's checksum. A file of an incremental checkpoint (the changes since the
/// previous one, restored after the files before it) also holds erased keys,
/// which a reader sees with kErasedEntry as their remaining time to live.
///
/// Writes a snapshot file in this format (through a SyncedFileWriter, which
/// writes it in pieces of 1 MB) and syncs it on Close(). Not thread-safe.
class StateSnapshotWriter {
 public:
  static Result<std::unique_ptr<StateSnapshotWriter>> Create(const std::string& path);

  Status BeginTable(std::string_view name);
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
};

using StateSnapshotVisitor =
    std::function<Status(std::string_view table, std::string_view key, int64_t remaining_ttl_millis,
                         std::string_view value)>;

/// How many entries a snapshot file holds of a table, told before its entries
/// are visited (so that a backend can size its tables).
using StateSnapshotSizes = std::function<void(std::string_view table, size_t entries)>;

/// Snapshot file `path`, mapped into memory; the string views VisitStateSnapshot
/// hands out point into (a backend may keep them, and the image, to decode
/// values later).
Result<std::shared_ptr<const MappedFile>> LoadStateSnapshot(const std::string& path);

/// Calls `visit` for every entry of `image` (loaded from `path`), in file
/// order, after telling `sizes` (when set) each table's number of entries.
/// Fails with a DataError naming the file when it is not a complete state
/// snapshot.
Status VisitStateSnapshot(std::string_view image, const std::string& path,
                          const StateSnapshotVisitor& visit,
                          const StateSnapshotSizes& sizes = nullptr);

/// Tells `sizes` each table's number of entries in `image` (loaded from
/// `path`); fails like VisitStateSnapshot.
Status CountStateSnapshot(std::string_view image, const std::string& path,
                          const StateSnapshotSizes& sizes);

/// True for a file in the canonical format ("<prefix>.state").
bool IsStateSnapshotFile(const std::string& path);

/// LoadStateSnapshot, then VisitStateSnapshot.
Status ReadStateSnapshot(const std::string& path, const StateSnapshotVisitor& visit,
                         const StateSnapshotSizes& sizes = nullptr);

/// A backend's Restore: calls `restore(table, key, remaining_ttl_millis, value,
/// image)` for every entry of `files` that `keep` (when set) accepts, `table`
/// being the table of that name in `tables` (a map from name to unique_ptr) and
/// `image` the loaded file that `key` and `value` point into. `sizes` (when
/// set) hears the entries of every file before any is restored, so that a
/// backend sizes its tables once for a chain of files. Fails naming a table
/// that `tables` lacks, and on files of another format.
template <typename Tables, typename RestoreEntry>
Status RestoreStateSnapshots(const std::vector<std::string>& files, const StateKeyFilter& keep,
                             const Tables& tables, RestoreEntry restore,
                             const StateSnapshotSizes& sizes = nullptr) {
  std::vector<std::shared_ptr<const MappedFile>> images;
  for (const std::string& file : files) {
    if (!IsStateSnapshotFile(file)) {
      return Status::Invalid(
          "'{}' is not in the canonical snapshot format: it is part of an incremental checkpoint "
          "of the rocksdb state backend, which only that backend restores; restore with "
          "'state.backend.type' = 'rocksdb', or take a savepoint to change the state backend",
          file);
    }
    ASSIGN_OR_RAISE(std::shared_ptr<const MappedFile> image, LoadStateSnapshot(file));
    if (sizes) RETURN_NOT_OK(CountStateSnapshot(image->bytes(), file, sizes));
    images.push_back(std::move(image));
  }
  for (size_t f = 0; f < files.size(); ++f) {
    const std::string& file = files[f];
    const std::shared_ptr<const MappedFile>& image = images[f];
    RETURN_NOT_OK(VisitStateSnapshot(
        image->bytes(), file,
        [&](std::string_view name, std::string_view key, int64_t remaining_ttl_millis,
            std::string_view value) -> Status {
          auto it = tables.find(name);
          if (it == tables.end()) {
            return Status::NotFound(
                "The restored state has a table '{}' that this operator does not keep", name);
          }
          if (keep && !keep(name, key)) return Status::OK();
          Status status = restore(it->second.get(), key, remaining_ttl_millis, value, image);
          if (!status.ok()) {
            return status.WithContext(
                fmt::format("restoring state table '{}' from '{}'", name, file));
          }
          return Status::OK();
        }));
  }
  return Status::OK();
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
