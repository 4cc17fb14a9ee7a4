#include "common/file_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <xxhash.h>

#include "common/checksum.h"

namespace tiangong {
namespace {

// O_DIRECT reads start at, and are sized in, multiples of this; images are
// page-aligned.
constexpr size_t kPageBytes = 4096;
// What one read asks for: large enough for the disk's full speed, small
// enough that the restore starts on the first bytes soon.
constexpr size_t kReadBytes = 4 << 20;

size_t RoundUp(size_t size) { return (size + kPageBytes - 1) / kPageBytes * kPageBytes; }

Status SystemError(std::string_view what, const std::string& path) {
  return Status::IOError("Cannot {} '{}': {}", what, path, std::strerror(errno));
}

// The file's size; fails naming it.
Result<size_t> SizeOf(int fd, const std::string& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return SystemError("read", path);
  return static_cast<size_t>(info.st_size);
}

Status CheckSize(const StoredFile& file, size_t size) {
  if (!file.digest || file.digest->size == size) return Status::OK();
  return Status::DataLoss("'{}' has {} bytes, but was written with {}", file.path, size,
                          file.digest->size);
}

}  // namespace

FileImage::FileImage(const StoredFile& file, char* data, size_t size, bool mapped)
    : path_(file.path), expected_(file.digest), data_(data), size_(size), mapped_(mapped) {
  if (mapped_) arrived_ = size_;
}

FileImage::~FileImage() {
  if (data_ != nullptr) ::munmap(data_, mapped_ ? size_ : RoundUp(size_));
}

Result<std::shared_ptr<const FileImage>> FileImage::Map(const StoredFile& file) {
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SystemError("read", file.path);
  Result<size_t> size = SizeOf(fd, file.path);
  Status status = size.ok() ? CheckSize(file, *size) : size.status();
  void* data = nullptr;
  if (status.ok() && *size > 0) {
    data = ::mmap(nullptr, *size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      status = SystemError("map", file.path);
      data = nullptr;
    } else {
      ::madvise(data, *size, MADV_SEQUENTIAL);
    }
  }
  ::close(fd);  // the mapping stays
  RETURN_NOT_OK(status);
  return std::shared_ptr<const FileImage>(
      new FileImage(file, static_cast<char*>(data), *size, /*mapped=*/true));
}

size_t FileImage::WaitFor(size_t size) const {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return arrived_ >= std::min(size, size_) || finished_; });
  return arrived_;
}

Status FileImage::Verify() const {
  std::unique_lock<std::mutex> lock(mutex_);
  if (mapped_ && !finished_) {
    // A mapped file is checked by the first caller, once.
    outcome_ = Check(size_, XXH3_64bits(data_, size_));
    finished_ = true;
  }
  changed_.wait(lock, [&] { return finished_; });
  return outcome_;
}

void FileImage::Arrived(size_t arrived) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    arrived_ = arrived;
  }
  changed_.notify_all();
}

void FileImage::Finish(Status status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcome_ = std::move(status);
    finished_ = true;
  }
  changed_.notify_all();
}

Status FileImage::Check(uint64_t size, uint64_t checksum) const {
  if (!expected_ || (size == expected_->size && checksum == expected_->checksum)) {
    return Status::OK();
  }
  return Status::DataLoss(
      "'{}' is corrupt: it has {} bytes and checksum {:016x}, but was written with {} bytes and "
      "checksum {:016x}",
      path_, size, checksum, expected_->size, expected_->checksum);
}

Result<std::unique_ptr<FileImageReader>> FileImageReader::Start(
    const std::vector<StoredFile>& files) {
  std::vector<Source> sources;
  auto close_all = [&] {
    for (Source& source : sources) ::close(source.fd);
  };
  for (const StoredFile& file : files) {
    Source source;
    source.direct = true;
    source.fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT);
    if (source.fd < 0 && errno == EINVAL) {  // a file system without direct I/O (tmpfs)
      source.direct = false;
      source.fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (source.fd < 0) {
      Status error = SystemError("read", file.path);
      close_all();
      return error;
    }
    sources.push_back(source);
    Result<size_t> size = SizeOf(source.fd, file.path);
    Status status = size.ok() ? CheckSize(file, *size) : size.status();
    void* data = nullptr;
    if (status.ok() && *size > 0) {
      data = ::mmap(nullptr, RoundUp(*size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0);
      if (data == MAP_FAILED) {
        status =
            Status::OutOfMemory("Cannot allocate {} bytes to read '{}' into", *size, file.path);
      }
    }
    if (!status.ok()) {
      close_all();
      return status;
    }
    sources.back().image.reset(
        new FileImage(file, static_cast<char*>(data), *size, /*mapped=*/false));
  }
  return std::unique_ptr<FileImageReader>(new FileImageReader(std::move(sources)));
}

FileImageReader::FileImageReader(std::vector<Source> sources) : sources_(std::move(sources)) {
  for (const Source& source : sources_) images_.push_back(source.image);
  thread_ = std::thread([this] { Run(); });
}

FileImageReader::~FileImageReader() {
  stop_ = true;
  thread_.join();
}

void FileImageReader::Run() {
  for (Source& source : sources_) {
    Status status = Read(&source);
    ::close(source.fd);
    source.image->Finish(std::move(status));
  }
}

Status FileImageReader::Read(Source* source) {
  FileImage& image = *source->image;
  StreamingChecksum checksum;
  size_t done = 0;
  Status status;
  while (done < image.size_ && status.ok()) {
    if (stop_) {
      status = Status::Cancelled("Reading '{}' stopped", image.path_);
      break;
    }
    // Whole pages past the end are fine: the read stops at the end.
    size_t want = std::min(kReadBytes, RoundUp(image.size_ - done));
    ssize_t got = ::pread(source->fd, image.data_ + done, want, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EINVAL && source->direct) {
      // The file system took O_DIRECT when opening but not for this read.
      if (::fcntl(source->fd, F_SETFL, ::fcntl(source->fd, F_GETFL) & ~O_DIRECT) != 0) {
        status = SystemError("read", image.path_);
      }
      source->direct = false;
      continue;
    }
    if (got < 0) {
      status = SystemError("read", image.path_);
    } else if (got == 0) {
      break;  // the file shrank since it was opened
    } else {
      size_t arrived = std::min(image.size_, done + static_cast<size_t>(got));
      checksum.Update(image.data_ + done, arrived - done);
      done = arrived;
      image.Arrived(done);
    }
  }
  if (status.ok()) status = image.Check(done, checksum.Digest());
  return status;
}

}  // namespace tiangong
