#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tiangong {

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::IOError("Cannot read '{}': {}", path, std::strerror(errno));
  struct stat info {};
  std::string bytes;
  if (::fstat(fd, &info) == 0 && info.st_size > 0) bytes.resize(static_cast<size_t>(info.st_size));
  size_t filled = 0;
  for (;;) {
    // One more than the size known: the end of the file shows as a read of 0.
    if (filled == bytes.size()) bytes.resize(bytes.size() + (1 << 16));
    ssize_t got = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int error = errno;
      ::close(fd);
      return Status::IOError("Cannot read '{}': {}", path, std::strerror(error));
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  ::close(fd);
  bytes.resize(filled);
  return bytes;
}

Status WriteFileSynced(const std::string& path, std::string_view bytes) {
  ASSIGN_OR_RAISE(std::unique_ptr<SyncedFileWriter> writer, SyncedFileWriter::Create(path));
  RETURN_NOT_OK(writer->Append(bytes));
  return writer->Close().status();
}

Status SyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::IOError("Cannot open '{}': {}", path, std::strerror(errno));
  int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) return Status::IOError("Cannot sync '{}': {}", path, std::strerror(errno));
  return Status::OK();
}

namespace {

// O_DIRECT writes start at, and are sized in, multiples of this (the largest
// logical block size of common devices).
constexpr size_t kDirectAlignment = 4096;
constexpr size_t kBufferBytes = 1 << 20;

}  // namespace

struct SyncedFileWriter::Buffer {
  struct Free {
    void operator()(char* data) const { std::free(data); }
  };
  std::unique_ptr<char, Free> data{
      static_cast<char*>(std::aligned_alloc(kDirectAlignment, kBufferBytes))};
  size_t filled = 0;
};

Result<std::unique_ptr<SyncedFileWriter>> SyncedFileWriter::Create(const std::string& path) {
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  bool direct = true;
  int fd = ::open(path.c_str(), kFlags | O_DIRECT, 0644);
  if (fd < 0 && errno == EINVAL) {  // a file system without direct I/O (tmpfs)
    direct = false;
    fd = ::open(path.c_str(), kFlags, 0644);
  }
  if (fd < 0) return Status::IOError("Cannot create '{}': {}", path, std::strerror(errno));
  std::unique_ptr<SyncedFileWriter> writer(new SyncedFileWriter(path, fd, direct));
  if (!writer->buffer_->data) {
    return Status::OutOfMemory("Cannot allocate the buffers to write '{}'", path);
  }
  return writer;
}

SyncedFileWriter::SyncedFileWriter(std::string path, int fd, bool direct)
    : path_(std::move(path)), fd_(fd), direct_(direct), buffer_(std::make_unique<Buffer>()) {}

SyncedFileWriter::~SyncedFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status SyncedFileWriter::Error(std::string_view what) const {
  return Status::IOError("Cannot {} '{}': {}", what, path_, std::strerror(errno));
}

Status SyncedFileWriter::Append(std::string_view bytes) {
  size_ += bytes.size();
  while (!bytes.empty()) {
    size_t room = kBufferBytes - buffer_->filled;
    size_t take = std::min(room, bytes.size());
    std::memcpy(buffer_->data.get() + buffer_->filled, bytes.data(), take);
    buffer_->filled += take;
    bytes.remove_prefix(take);
    if (buffer_->filled == kBufferBytes) RETURN_NOT_OK(WriteBuffer(kBufferBytes));
  }
  return Status::OK();
}

Status SyncedFileWriter::WriteBuffer(size_t size) {
  if (direct_ && size % kDirectAlignment != 0) {
    // The end of the file: not a whole block, so written through the cache.
    if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) return Error("write");
    direct_ = false;
  }
  const char* data = buffer_->data.get();
  checksum_.Update(data, size);
  size_t done = 0;
  while (done < size) {
    ssize_t wrote = ::write(fd_, data + done, size - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0 && errno == EINVAL && direct_) {
      // The file system took O_DIRECT when opening but not for this write.
      if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) return Error("write");
      direct_ = false;
      continue;
    }
    if (wrote < 0) return Error("write");
    done += static_cast<size_t>(wrote);
  }
  buffer_->filled = 0;
  return Status::OK();
}

Result<FileDigest> SyncedFileWriter::Close() {
  RETURN_NOT_OK(WriteBuffer(buffer_->filled));
  if (::fsync(fd_) != 0) return Error("sync");
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Error("write");
  return FileDigest{size_, checksum_.Digest()};
}

Status CreateDirectories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return Status::IOError("Cannot create directory '{}': {}", path, error.message());
  return Status::OK();
}

}  // namespace tiangong
