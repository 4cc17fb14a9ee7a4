#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <string_view>

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

/// A whole file mapped read-only into memory: its bytes are read from the page
/// cache as they are touched, not copied. The file must not be changed while
/// mapped (deleting it is fine).
class MappedFile {
 public:
  static Result<std::shared_ptr<const MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;  // null for an empty file
  size_t size_;
};

/// Writes a file piece by piece; Close() syncs it to disk. A writer that is
/// destroyed without Close() leaves an incomplete file.
class SyncedFileWriter {
 public:
  static Result<std::unique_ptr<SyncedFileWriter>> Create(const std::string& path);
  Status Append(std::string_view bytes);
  Status Close();

 private:
  explicit SyncedFileWriter(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::ofstream out_;
};

}  // namespace tiangong
