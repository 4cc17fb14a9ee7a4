#include "state/state_snapshot.h"

#include "common/byte_io.h"
#include "common/files.h"

namespace tiangong {
namespace {

constexpr std::string_view kMagic = "TGSTATE1";

enum Tag : uint8_t { kEnd = 0, kTable = 1, kEntry = 2, kErased = 3 };

}  // namespace

StateSnapshotWriter::StateSnapshotWriter(std::unique_ptr<SyncedFileWriter> file)
    : file_(std::move(file)) {}

Result<std::unique_ptr<StateSnapshotWriter>> StateSnapshotWriter::Create(const std::string& path) {
  ASSIGN_OR_RAISE(std::unique_ptr<SyncedFileWriter> file, SyncedFileWriter::Create(path));
  RETURN_NOT_OK(file->Append(kMagic));
  return std::unique_ptr<StateSnapshotWriter>(new StateSnapshotWriter(std::move(file)));
}

Status StateSnapshotWriter::BeginTable(std::string_view name) {
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kTable);
  writer.String(name);
  return file_->Append(header_);
}

Status StateSnapshotWriter::Add(std::string_view key, int64_t remaining_ttl_millis,
                                std::string_view value) {
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
  header_.clear();
  ByteWriter writer(&header_);
  writer.Fixed<uint8_t>(kErased);
  writer.String(key);
  return file_->Append(header_);
}

Result<FileDigest> StateSnapshotWriter::Close() {
  header_.clear();
  ByteWriter(&header_).Fixed<uint8_t>(kEnd);
  RETURN_NOT_OK(file_->Append(header_));
  return file_->Close();
}

namespace {

// Walks the entries of a snapshot image (after its magic): `table` is called
// at each table, `entry` for each entry. False when the image is truncated or
// corrupt.
template <typename OnTable, typename OnEntry>
Result<bool> WalkStateSnapshot(std::string_view image, OnTable table, OnEntry entry) {
  ByteReader reader(image);
  bool in_table = false;
  while (true) {
    auto tag = reader.Fixed<uint8_t>();
    if (!reader.ok()) return false;
    if (tag == kEnd) return true;
    if (tag == kTable) {
      std::string_view name = reader.String();
      if (!reader.ok()) return false;
      RETURN_NOT_OK(table(name));
      in_table = true;
      continue;
    }
    if (tag == kErased && in_table) {
      std::string_view key = reader.String();
      if (!reader.ok()) return false;
      RETURN_NOT_OK(entry(key, kErasedEntry, std::string_view()));
      continue;
    }
    if (tag != kEntry || !in_table) return false;
    std::string_view key = reader.String();
    auto remaining = reader.Fixed<int64_t>();
    std::string_view value = reader.String();
    if (!reader.ok()) return false;
    RETURN_NOT_OK(entry(key, remaining, value));
  }
}

}  // namespace

bool IsStateSnapshotFile(const std::string& path) {
  constexpr std::string_view kSuffix = ".state";
  return path.size() > kSuffix.size() &&
         path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

Result<std::shared_ptr<const MappedFile>> LoadStateSnapshot(const std::string& path) {
  ASSIGN_OR_RAISE(std::shared_ptr<const MappedFile> file, MappedFile::Open(path));
  if (file->bytes().substr(0, kMagic.size()) != kMagic) {
    return Status::DataError("'{}' is not a Tiangong state snapshot", path);
  }
  return file;
}

Status ReadStateSnapshot(const std::string& path, const StateSnapshotVisitor& visit,
                         const StateSnapshotSizes& sizes) {
  ASSIGN_OR_RAISE(std::shared_ptr<const MappedFile> image, LoadStateSnapshot(path));
  return VisitStateSnapshot(image->bytes(), path, visit, sizes);
}

Status CountStateSnapshot(std::string_view bytes, const std::string& path,
                          const StateSnapshotSizes& sizes) {
  std::vector<std::pair<std::string_view, size_t>> counts;
  ASSIGN_OR_RAISE(bool complete, WalkStateSnapshot(
                                     bytes.substr(kMagic.size()),
                                     [&](std::string_view name) {
                                       counts.emplace_back(name, 0);
                                       return Status::OK();
                                     },
                                     [&](std::string_view, int64_t, std::string_view) {
                                       ++counts.back().second;
                                       return Status::OK();
                                     }));
  if (!complete) return Status::DataError("State snapshot '{}' is truncated or corrupt", path);
  for (const auto& [name, entries] : counts) sizes(name, entries);
  return Status::OK();
}

Status VisitStateSnapshot(std::string_view bytes, const std::string& path,
                          const StateSnapshotVisitor& visit, const StateSnapshotSizes& sizes) {
  if (sizes) RETURN_NOT_OK(CountStateSnapshot(bytes, path, sizes));
  std::string_view table;
  ASSIGN_OR_RAISE(bool complete,
                  WalkStateSnapshot(
                      bytes.substr(kMagic.size()),
                      [&](std::string_view name) {
                        table = name;
                        return Status::OK();
                      },
                      [&](std::string_view key, int64_t remaining, std::string_view value) {
                        return visit(table, key, remaining, value);
                      }));
  if (complete) return Status::OK();
  return Status::DataError("State snapshot '{}' is truncated or corrupt", path);
}

}  // namespace tiangong
