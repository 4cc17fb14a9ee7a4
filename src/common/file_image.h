#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/files.h"
#include "common/result.h"

namespace tiangong {

/// The bytes of a whole file in memory, checked against the digest it was
/// written with (when known): how restores read state snapshot files.
///
/// An image either maps its file (Map) or is filled by a FileImageReader,
/// which reads the file into memory of the image's own while the restore
/// already works on the part that has arrived (WaitFor). Verify() says whether
/// the whole file arrived and matches its digest; until it has, the bytes are
/// unchecked, and a restore must not keep what it made of them unless Verify()
/// succeeds.
///
/// Thread-safety: const methods may be called from any thread.
class FileImage {
 public:
  /// Maps `file` read-only: its bytes are read from the page cache as they are
  /// touched, and several images of the same file share that memory (what a
  /// restore at another parallelism wants, where every subtask reads every
  /// file). The file must not change while mapped (deleting it is fine).
  static Result<std::shared_ptr<const FileImage>> Map(const StoredFile& file);
  ~FileImage();
  FileImage(const FileImage&) = delete;
  FileImage& operator=(const FileImage&) = delete;

  const std::string& path() const { return path_; }
  /// All the file's bytes, of which only the first WaitFor() have arrived.
  std::string_view bytes() const { return {data_, size_}; }
  /// Waits until at least the first `size` bytes have arrived, or all that
  /// will (fewer when reading failed); returns how many have.
  size_t WaitFor(size_t size) const;
  /// Waits until the whole file has arrived. Fails with an IOError when it
  /// could not be read, and with a DataLoss error naming the file when its
  /// size or checksum is not the one it was written with.
  Status Verify() const;

 private:
  friend class FileImageReader;
  FileImage(const StoredFile& file, char* data, size_t size, bool mapped);
  /// Publishes that the first `arrived` bytes are there.
  void Arrived(size_t arrived);
  /// Publishes the outcome of reading the file (after its last Arrived).
  void Finish(Status status);
  /// Compares what arrived with the expected digest.
  Status Check(uint64_t size, uint64_t checksum) const;

  const std::string path_;
  const std::optional<FileDigest> expected_;
  char* const data_;  // null for an empty file
  const size_t size_;
  const bool mapped_;  // a mapping of the file, else anonymous memory

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  size_t arrived_ = 0;
  mutable bool finished_ = false;  // a mapped image: once checked
  mutable Status outcome_;
};

/// Reads files into images of their own, one file after the other in the
/// given order, on a thread: a restore reads the files of a chain in the
/// order it restores them, and each arrives at the disk's full speed. Where
/// the file system allows, the files are read past the page cache (O_DIRECT):
/// they are large and read once, and copying them through the page cache
/// would cost more CPU time than the restore that uses them.
///
/// Destroying the reader stops reading; images not read to the end then fail
/// to verify.
class FileImageReader {
 public:
  /// Opens every file (failing with an IOError naming one that cannot be
  /// opened, and with a DataLoss error for one whose size is not the expected
  /// one) and starts reading them.
  static Result<std::unique_ptr<FileImageReader>> Start(const std::vector<StoredFile>& files);
  ~FileImageReader();
  FileImageReader(const FileImageReader&) = delete;
  FileImageReader& operator=(const FileImageReader&) = delete;

  /// The images, in the order of the files given.
  const std::vector<std::shared_ptr<const FileImage>>& images() const { return images_; }

 private:
  struct Source {
    std::shared_ptr<FileImage> image;
    int fd = -1;
    bool direct = false;
  };
  explicit FileImageReader(std::vector<Source> sources);
  void Run();
  /// Reads `source` whole into its image.
  Status Read(Source* source);

  std::vector<Source> sources_;
  std::vector<std::shared_ptr<const FileImage>> images_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tiangong
