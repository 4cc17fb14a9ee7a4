#include "common/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

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

Result<std::shared_ptr<const MappedFile>> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return Status::IOError("Cannot read '{}': {}", path, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return Status::IOError("Cannot read '{}': {}", path, std::strerror(error));
  }
  auto size = static_cast<size_t>(info.st_size);
  void* data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      int error = errno;
      ::close(fd);
      return Status::IOError("Cannot map '{}': {}", path, std::strerror(error));
    }
    ::madvise(data, size, MADV_SEQUENTIAL);
  }
  ::close(fd);  // the mapping stays
  return std::shared_ptr<const MappedFile>(new MappedFile(static_cast<const char*>(data), size));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

Status WriteFileSynced(const std::string& path, std::string_view bytes) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return Status::IOError("Cannot write '{}': {}", path, std::strerror(errno));
  }
  return SyncPath(path, false);
}

Status SyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Status::IOError("Cannot open '{}': {}", path, std::strerror(errno));
  int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) return Status::IOError("Cannot sync '{}': {}", path, std::strerror(errno));
  return Status::OK();
}

Result<std::unique_ptr<SyncedFileWriter>> SyncedFileWriter::Create(const std::string& path) {
  std::unique_ptr<SyncedFileWriter> writer(new SyncedFileWriter(path));
  writer->out_.open(path, std::ios::binary | std::ios::trunc);
  if (!writer->out_) return Status::IOError("Cannot create '{}': {}", path, std::strerror(errno));
  return writer;
}

Status SyncedFileWriter::Append(std::string_view bytes) {
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) return Status::IOError("Cannot write '{}': {}", path_, std::strerror(errno));
  return Status::OK();
}

Status SyncedFileWriter::Close() {
  out_.close();
  if (!out_) return Status::IOError("Cannot write '{}': {}", path_, std::strerror(errno));
  return SyncPath(path_, false);
}

Status CreateDirectories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return Status::IOError("Cannot create directory '{}': {}", path, error.message());
  return Status::OK();
}

}  // namespace tiangong
