#include "state/state_snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/byte_io.h"
#include "common/files.h"

namespace tiangong {
namespace {

// Files with a trailer of counts; those without (written by earlier versions)
// are counted by walking their entries.
constexpr std::string_view kMagic = "TGSTATE2";
constexpr std::string_view kMagicWithoutCounts = "TGSTATE1";

enum Tag : uint8_t { kEnd = 0, kTable = 1, kEntry = 2, kErased = 3 };

}  // namespace

StateSnapshotWriter::StateSnapshotWriter(std::unique_ptr<SyncedFileWriter> file)
    : file_(std::move(file)) {}

Result<std::unique_ptr<StateSnapshotWriter>> StateSnapshotWriter::Create(const std::string& path) {
  ASSIGN_OR_RAISE(std::unique_ptr<SyncedFileWriter> file, SyncedFileWriter::Create(path));
  RETURN_NOT_OK(file->Append(kMagic));
  return std::unique_ptr<StateSnapshotWriter>(new StateSnapshotWriter(std::move(file)));
}

Status StateSnapshotWriter::BeginTable(std::string_view name, std::optional<int64_t> growth) {
  tables_.push_back(Table{std::string(name), 0, growth});
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kTable);
  writer.String(name);
  return file_->Append(header_);
}

Status StateSnapshotWriter::Add(std::string_view key, int64_t remaining_ttl_millis,
                                std::string_view value) {
  ++tables_.back().entries;
  // The value goes to the file's buffer as it is, after its header.
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kEntry);
  writer.String(key);
  writer.Fixed(remaining_ttl_millis);
  writer.Varint(value.size());
  RETURN_NOT_OK(file_->Append(header_));
  return file_->Append(value);
}

Status StateSnapshotWriter::AddErased(std::string_view key) {
  ++tables_.back().entries;
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kErased);
  writer.String(key);
  return file_->Append(header_);
}

Result<FileDigest> StateSnapshotWriter::Close() {
  // The end of the entries, then the trailer: each table's name and growth,
  // and the trailer's size.
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kEnd);
  for (const Table& table : tables_) {
    writer.String(table.name);
    writer.Fixed(table.growth.value_or(table.entries));
  }
  writer.Fixed(static_cast<uint32_t>(header_.size() - 1));
  RETURN_NOT_OK(file_->Append(header_));
  return file_->Close();
}

namespace {

// Each table's growth (see StateSnapshotSizes).
using TableCounts = std::vector<std::pair<std::string, int64_t>>;

Status Truncated(const std::string& path) {
  return Status::DataLoss("State snapshot '{}' is truncated or corrupt", path);
}

enum class Walked { kEnd, kNeedMore, kCorrupt };

// Where a walk through a snapshot's entries is.
struct WalkPosition {
  size_t offset = kMagic.size();
  bool in_table = false;
  std::string_view table;
};

// Walks the entries of `bytes` (a snapshot, or the part of it that has
// arrived) from `position` on, calling `entry(table, key, remaining, value)`
// for each. Stops at the end of the entries, at an entry that is not whole in
// `bytes` (its start is then the position), or at bytes that are no entry.
template <typename OnEntry>
Result<Walked> Walk(std::string_view bytes, WalkPosition* position, OnEntry entry) {
  while (true) {
    ByteReader reader(bytes.substr(position->offset));
    auto tag = reader.Fixed<uint8_t>();
    if (!reader.ok()) return Walked::kNeedMore;
    if (tag == kEnd) {
      position->offset += 1;
      return Walked::kEnd;
    }
    if (tag == kTable) {
      std::string_view name = reader.String();
      if (!reader.ok()) return Walked::kNeedMore;
      position->table = name;
      position->in_table = true;
    } else if (tag == kErased && position->in_table) {
      std::string_view key = reader.String();
      if (!reader.ok()) return Walked::kNeedMore;
      RETURN_NOT_OK(entry(position->table, key, kErasedEntry, std::string_view()));
    } else if (tag == kEntry && position->in_table) {
      std::string_view key = reader.String();
      auto remaining = reader.Fixed<int64_t>();
      std::string_view value = reader.String();
      if (!reader.ok()) return Walked::kNeedMore;
      RETURN_NOT_OK(entry(position->table, key, remaining, value));
    } else {
      return Walked::kCorrupt;
    }
    position->offset = bytes.size() - reader.remaining().size();
  }
}

// Reads `size` bytes at `offset` of an open file.
Status ReadAt(int fd, const std::string& path, size_t offset, size_t size, std::string* bytes) {
  bytes->resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(fd, bytes->data() + done, size - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Status::IOError("Cannot read '{}': {}", path, std::strerror(errno));
    if (got == 0) return Truncated(path);
    done += static_cast<size_t>(got);
  }
  return Status::OK();
}

// The counts of a trailer: `tail` is what follows the end of the entries, to
// the end of the file.
Result<TableCounts> ParseTrailer(std::string_view tail, const std::string& path, size_t file_size) {
  if (tail.size() < sizeof(uint32_t)) return Truncated(path);
  auto trailer_size = ByteReader(tail.substr(tail.size() - sizeof(uint32_t))).Fixed<uint32_t>();
  if (trailer_size != tail.size() - sizeof(uint32_t)) return Truncated(path);
  TableCounts counts;
  ByteReader reader(tail.substr(0, trailer_size));
  while (reader.ok() && !reader.empty()) {
    std::string_view name = reader.String();
    auto growth = reader.Fixed<int64_t>();
    // No entry is smaller than a byte: a larger growth is damage.
    if (growth > static_cast<int64_t>(file_size)) return Truncated(path);
    counts.emplace_back(std::string(name), growth);
  }
  if (!reader.ok()) return Truncated(path);
  return counts;
}

// The counts in the trailer of snapshot `path` (a few small reads), or
// nullopt for a file without one.
Result<std::optional<TableCounts>> ReadTrailer(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("Cannot read '{}': {}", path, std::strerror(errno));
  auto read = [&]() -> Result<std::optional<TableCounts>> {
    off_t end = ::lseek(fd, 0, SEEK_END);
    if (end < 0) return Status::IOError("Cannot read '{}': {}", path, std::strerror(errno));
    auto size = static_cast<size_t>(end);
    std::string bytes;
    if (size < kMagic.size() + 1 + sizeof(uint32_t)) return Truncated(path);
    RETURN_NOT_OK(ReadAt(fd, path, 0, kMagic.size(), &bytes));
    if (bytes == kMagicWithoutCounts) return std::optional<TableCounts>();
    if (bytes != kMagic) return Status::DataError("'{}' is not a Tiangong state snapshot", path);
    RETURN_NOT_OK(ReadAt(fd, path, size - sizeof(uint32_t), sizeof(uint32_t), &bytes));
    size_t tail = ByteReader(bytes).Fixed<uint32_t>() + sizeof(uint32_t);
    if (tail > size - kMagic.size() - 1) return Truncated(path);
    RETURN_NOT_OK(ReadAt(fd, path, size - tail, tail, &bytes));
    ASSIGN_OR_RAISE(TableCounts counts, ParseTrailer(bytes, path, size));
    return std::optional<TableCounts>(std::move(counts));
  };
  Result<std::optional<TableCounts>> counts = read();
  ::close(fd);
  return counts;
}

// What the file's check says comes first: a damaged file explains any error
// in reading it.
Status Damaged(const FileImage& image, Status status) {
  Status verified = image.Verify();
  return verified.ok() ? status : verified;
}

// Counts the entries of a snapshot without a trailer, once it has arrived.
Result<TableCounts> CountEntries(const FileImage& image) {
  image.WaitFor(image.bytes().size());
  RETURN_NOT_OK(image.Verify());
  TableCounts counts;
  WalkPosition position;
  ASSIGN_OR_RAISE(Walked walked,
                  Walk(image.bytes(), &position,
                       [&](std::string_view table, std::string_view, int64_t, std::string_view) {
                         if (counts.empty() || counts.back().first != table) {
                           counts.emplace_back(std::string(table), 0);
                         }
                         ++counts.back().second;
                         return Status::OK();
                       }));
  if (walked != Walked::kEnd) return Truncated(image.path());
  return counts;
}

// Visits the entries of `image` as they arrive, then checks it.
Status VisitEntries(const std::shared_ptr<const FileImage>& image,
                    const StateSnapshotVisitor& visit) {
  const FileImage& file = *image;
  std::string_view bytes = file.bytes();
  size_t arrived = file.WaitFor(kMagic.size());
  std::string_view magic = bytes.substr(0, std::min(arrived, kMagic.size()));
  if (magic != kMagic && magic != kMagicWithoutCounts) {
    return Damaged(file, Status::DataError("'{}' is not a Tiangong state snapshot", file.path()));
  }
  WalkPosition position;
  auto entry = [&](std::string_view table, std::string_view key, int64_t remaining,
                   std::string_view value) { return visit(image, table, key, remaining, value); };
  while (true) {
    Result<Walked> walked = Walk(bytes.substr(0, arrived), &position, entry);
    if (!walked.ok()) return Damaged(file, walked.status());
    if (*walked == Walked::kEnd) {
      // The trailer ends the file.
      if (magic == kMagic) {
        file.WaitFor(bytes.size());
        Result<TableCounts> trailer =
            ParseTrailer(bytes.substr(position.offset), file.path(), bytes.size());
        if (!trailer.ok()) return Damaged(file, trailer.status());
      }
      return file.Verify();
    }
    if (*walked == Walked::kCorrupt || arrived == bytes.size()) {
      return Damaged(file, Truncated(file.path()));
    }
    size_t more = file.WaitFor(arrived + 1);
    if (more == arrived) return Damaged(file, Truncated(file.path()));
    arrived = more;
  }
}

}  // namespace

bool IsStateSnapshotFile(const std::string& path) {
  constexpr std::string_view kSuffix = ".state";
  return path.size() > kSuffix.size() &&
         path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

Status ReadStateSnapshots(const std::vector<StoredFile>& files, SnapshotReading reading,
                          const StateSnapshotSizes& sizes, const StateSnapshotVisitor& visit) {
  for (const StoredFile& file : files) {
    if (!IsStateSnapshotFile(file.path)) {
      return Status::Invalid(
          "'{}' is not in the canonical snapshot format: it is part of an incremental checkpoint "
          "of the rocksdb state backend, which only that backend restores; restore with "
          "'state.backend.type' = 'rocksdb', or take a savepoint to change the state backend",
          file.path);
    }
  }
  std::unique_ptr<FileImageReader> reader;
  std::vector<std::shared_ptr<const FileImage>> images;
  if (reading == SnapshotReading::kMapped) {
    for (const StoredFile& file : files) {
      ASSIGN_OR_RAISE(std::shared_ptr<const FileImage> image, FileImage::Map(file));
      images.push_back(std::move(image));
    }
  } else {
    ASSIGN_OR_RAISE(reader, FileImageReader::Start(files));
    images = reader->images();
  }
  if (sizes) {
    for (const std::shared_ptr<const FileImage>& image : images) {
      Result<std::optional<TableCounts>> counts = ReadTrailer(image->path());
      if (!counts.ok()) return Damaged(*image, counts.status());
      if (!*counts) {
        ASSIGN_OR_RAISE(*counts, CountEntries(*image));
      }
      for (const auto& [table, growth] : **counts) sizes(table, growth);
    }
  }
  for (const std::shared_ptr<const FileImage>& image : images) {
    RETURN_NOT_OK(VisitEntries(image, visit));
  }
  return Status::OK();
}

}  // namespace tiangong
