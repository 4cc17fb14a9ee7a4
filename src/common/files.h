#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/checksum.h"
#include "common/result.h"

namespace tiangong {

/// Small file-system helpers for durable files (checkpoints, state snapshots).
/// Errors are IOErrors naming the path and the system's reason.

/// The whole contents of `path`.
Result<std::string> ReadFile(const std::string& path);
/// Creates or replaces `path` with `bytes` and syncs it to disk.
Status WriteFileSynced(const std::string& path, std::string_view bytes);
/// fsync of a file, or of a directory (after a rename into it).
Status SyncPath(const std::string& path, bool directory);
/// Creates `path` and its parents; succeeds when it exists already.
Status CreateDirectories(const std::string& path);

/// The size and XXH3 checksum of a file's bytes.
struct FileDigest {
  uint64_t size = 0;
  uint64_t checksum = 0;
};

/// A file as it was written: its path, and its size and checksum when the
/// writer computed them.
struct StoredFile {
  std::string path;
  std::optional<FileDigest> digest;
};

/// Writes a file piece by piece, keeping the size and checksum of what it
/// wrote; Close() syncs it to disk. A writer that is destroyed without Close()
/// leaves an incomplete file.
///
/// Where the file system allows, the file is written past the page cache
/// (O_DIRECT): the files it is for (checkpoints) are written once and read
/// only after a failure, and copying them into the page cache would cost as
/// much CPU time as producing them.
class SyncedFileWriter {
 public:
  static Result<std::unique_ptr<SyncedFileWriter>> Create(const std::string& path);
  ~SyncedFileWriter();
  SyncedFileWriter(const SyncedFileWriter&) = delete;
  SyncedFileWriter& operator=(const SyncedFileWriter&) = delete;

  Status Append(std::string_view bytes);
  /// Writes what is buffered, syncs the file and returns its digest.
  Result<FileDigest> Close();

 private:
  struct Buffer;
  SyncedFileWriter(std::string path, int fd, bool direct);
  /// Writes the first `size` bytes of the buffer.
  Status WriteBuffer(size_t size);
  Status Error(std::string_view what) const;

  std::string path_;
  int fd_;
  bool direct_;
  std::unique_ptr<Buffer> buffer_;
  StreamingChecksum checksum_;
  uint64_t size_ = 0;
};

}  // namespace tiangong
