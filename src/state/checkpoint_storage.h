#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tiangong {

/// A file that belongs to a checkpoint: its path relative to the directory of
/// the checkpoint's _metadata, its size and its XXH3 checksum.
struct CheckpointFile {
  std::string path;
  uint64_t size = 0;
  uint64_t checksum = 0;
};

/// What a completed checkpoint or savepoint records. The payload is the
/// coordinator's own encoding of every operator's state handles; this layer
/// only stores it.
struct CheckpointMetadata {
  int64_t id = 0;
  int64_t timestamp_millis = 0;
  std::string job_name;
  bool savepoint = false;
  std::string payload;
  std::vector<CheckpointFile> files;
};

/// The checkpoints of one job on a local (or mounted) file system:
///
///   <root>/<job id>/chk-<n>/      the files of checkpoint n, then _metadata
///   <root>/<job id>/shared/       files several checkpoints use (incremental
///                                 RocksDB checkpoints share their SST files)
///
/// A checkpoint is complete exactly when its _metadata exists: Complete()
/// writes it last, to a temporary name that is synced and then renamed. The
/// metadata ends with a checksum of itself and lists every file with its size
/// and checksum, so a torn, truncated or altered checkpoint is recognised when
/// it is loaded, and LatestValid() falls back to the one before it. State
/// snapshot files ("*.state") are the exception: loading checks only their
/// sizes, and the restore checks their checksums as it reads them (reading
/// them twice would double the time a restart takes); a job whose restore
/// finds one damaged skips that checkpoint and restores the one before.
///
/// A savepoint is one self-contained directory of the same form (no shared
/// files) that Load() reads from its path.
///
/// Thread-safety: the methods are const and touch only the file system; the
/// coordinator calls Complete() and Prune() from one thread, and never while
/// another checkpoint of the job is being written (shared files a checkpoint
/// in progress has written are not yet referenced, and Prune would delete them).
class CheckpointStorage {
 public:
  /// `root` is 'state.checkpoints.dir'; `job_id` names the job's directory
  /// (see JobDirectoryName).
  CheckpointStorage(std::string root, std::string_view job_id);

  const std::string& job_directory() const { return job_directory_; }

  /// The path of chk-<id>.
  std::string CheckpointDirectory(int64_t id) const;
  /// Creates chk-<id> (and its parents) and returns its path.
  Result<std::string> CreateCheckpointDirectory(int64_t id) const;
  /// Creates the shared directory and returns its path.
  Result<std::string> CreateSharedDirectory() const;

  /// Makes checkpoint `metadata.id` complete by writing its _metadata into
  /// chk-<id>. Every file it lists must be written and synced already.
  Status Complete(const CheckpointMetadata& metadata) const;

  /// Deletes all but the newest `retained` complete checkpoints, incomplete
  /// checkpoint directories, and shared files no remaining checkpoint lists.
  Status Prune(int retained) const;

  /// The highest n of any chk-<n> directory, complete or not (0 when none): new
  /// checkpoints take higher ids, so a new one never reuses a broken one's
  /// directory.
  Result<int64_t> HighestId() const;

  /// The newest complete checkpoint that loads and verifies, leaving out
  /// those in `damaged`, or nullopt when there is none. Each one skipped for
  /// failing to load is logged with the reason.
  Result<std::optional<CheckpointMetadata>> LatestValid(
      const std::set<int64_t>& damaged = {}) const;

  /// Reads and verifies a checkpoint or savepoint: `path` is its directory or
  /// its _metadata file. Fails with a DataError naming the file and what is
  /// wrong (truncated, checksum mismatch, missing or altered file; of state
  /// snapshot files only the sizes, see above).
  static Result<CheckpointMetadata> Load(const std::string& path);

  /// Writes `metadata` as the _metadata of `directory` (atomically, as
  /// Complete does): how savepoints are written.
  static Status WriteMetadata(const std::string& directory, const CheckpointMetadata& metadata);

  /// Size and checksum of a written file, syncing it to disk first. `path` is
  /// relative to `base`, the directory the _metadata will be in.
  static Result<CheckpointFile> DescribeFile(const std::string& base, const std::string& path);

 private:
  /// Complete checkpoint ids, newest first.
  Result<std::vector<int64_t>> CompleteIds() const;

  std::string job_directory_;
};

/// A file-system-safe directory name for a job: its name with every character
/// outside [A-Za-z0-9._-] replaced, plus a short hash of the name so that
/// different names never share a directory.
std::string JobDirectoryName(std::string_view job_name);

}  // namespace tiangong
