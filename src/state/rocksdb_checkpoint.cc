#include "state/rocksdb_checkpoint.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <rocksdb/utilities/checkpoint.h>

#include "common/checksum.h"
#include "common/files.h"
#include "state/state_snapshot.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestHeader = "tiangong-rocksdb-checkpoint 1";
constexpr std::string_view kManifestSuffix = ".rocksdb";

Status RocksDbCheckpointError(const rocksdb::Status& status, std::string_view operation,
                              const std::string& path) {
  return Status::IOError("RocksDB checkpoint '{}': {} failed: {}", path, operation,
                         status.ToString());
}

// A hard link where the file system allows one, else a copy (`*copied`,
// when given, says which).
Status LinkOrCopy(const fs::path& from, const fs::path& to, bool* copied = nullptr) {
  std::error_code error;
  fs::create_hard_link(from, to, error);
  if (copied != nullptr) *copied = static_cast<bool>(error);
  if (!error) return Status::OK();
  error.clear();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
  if (error) {
    return Status::IOError("Cannot copy '{}' to '{}': {}", from.string(), to.string(),
                           error.message());
  }
  return Status::OK();
}

std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

constexpr const char* kSstChecksumName = "TiangongXxh3";

// The XXH3 checksum of an SST file's bytes, as RocksDB writes them.
class SstChecksum final : public rocksdb::FileChecksumGenerator {
 public:
  void Update(const char* data, size_t n) override { state_.Update(data, n); }
  void Finalize() override { checksum_ = state_.Digest(); }
  std::string GetChecksum() const override {
    return std::string(reinterpret_cast<const char*>(&checksum_), sizeof(checksum_));
  }
  const char* Name() const override { return kSstChecksumName; }

 private:
  StreamingChecksum state_;
  uint64_t checksum_ = 0;
};

class SstChecksumFactory final : public rocksdb::FileChecksumGenFactory {
 public:
  std::unique_ptr<rocksdb::FileChecksumGenerator> CreateFileChecksumGenerator(
      const rocksdb::FileChecksumGenContext&) override {
    return std::make_unique<SstChecksum>();
  }
  const char* Name() const override { return kSstChecksumName; }
};

}  // namespace

Result<StoredValue> ParseStoredValue(std::string_view bytes, bool ttl, const std::string& table,
                                     const std::string& directory) {
  StoredValue stored;
  if (!ttl) {
    stored.payload = bytes;
    return stored;
  }
  if (bytes.size() < sizeof(int64_t)) {
    return Status::DataError(
        "RocksDB state backend in '{}': table '{}' holds a value of {} bytes, too short for "
        "its write time",
        directory, table, bytes.size());
  }
  std::memcpy(&stored.written_at, bytes.data(), sizeof(int64_t));
  stored.payload = bytes.substr(sizeof(int64_t));
  return stored;
}

std::shared_ptr<rocksdb::FileChecksumGenFactory> MakeSstChecksumFactory() {
  return std::make_shared<SstChecksumFactory>();
}

Result<SstDigests> CreateRocksDbCheckpoint(rocksdb::DB* db, const std::string& directory) {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create(db, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // The memtables are flushed first (0): without a write-ahead log they hold
  // the newest state only in memory.
  if (status.ok()) status = checkpoint->CreateCheckpoint(directory, /*log_size_for_flush=*/0);
  if (!status.ok()) return RocksDbCheckpointError(status, "creating", directory);
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  SstDigests digests;
  for (const rocksdb::LiveFileMetaData& file : files) {
    if (file.file_checksum_func_name != kSstChecksumName ||
        file.file_checksum.size() != sizeof(uint64_t)) {
      continue;
    }
    FileDigest digest{file.size, 0};
    std::memcpy(&digest.checksum, file.file_checksum.data(), sizeof(uint64_t));
    digests[fs::path(file.name).filename().string()] = digest;
  }
  return digests;
}

Result<std::vector<StoredFile>> WriteIncrementalCheckpoint(
    const std::string& checkpoint, const SstDigests& digests, const std::string& identity,
    const std::vector<RocksDbTableInfo>& tables, const std::string& directory,
    const std::string& prefix, const std::string& shared_directory) {
  std::string manifest = fmt::format("{}\n", kManifestHeader);
  for (const RocksDbTableInfo& table : tables) {
    manifest += fmt::format("table {} {} {}\n", table.ttl_millis, table.now, table.name);
  }
  std::vector<fs::path> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(checkpoint, error)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (error) {
    return Status::IOError("Cannot list the RocksDB checkpoint '{}': {}", checkpoint,
                           error.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<StoredFile> stored;
  for (const fs::path& file : files) {
    std::string name = file.filename().string();
    fs::path target;
    // RocksDB synced the SST files it wrote and knows their checksums; a
    // copy is synced and read when its checkpoint is completed.
    bool copied = false;
    if (file.extension() == ".sst") {
      // SST files never change: one already in the shared directory (from an
      // earlier checkpoint) is used as it is.
      target = fs::path(shared_directory) / fmt::format("{}-{}", identity, name);
      if (!fs::exists(target, error)) {
        fs::path temporary = target;
        temporary += ".inprogress";
        RETURN_NOT_OK(LinkOrCopy(file, temporary, &copied));
        fs::rename(temporary, target, error);
        if (error) {
          return Status::IOError("Cannot move '{}' into place: {}", target.string(),
                                 error.message());
        }
      }
    } else {
      target = fs::path(directory) / fmt::format("{}-{}", prefix, name);
      RETURN_NOT_OK(LinkOrCopy(file, target));
    }
    StoredFile& written = stored.emplace_back();
    written.path = target.string();
    auto digest = digests.find(name);
    if (digest != digests.end() && !copied) written.digest = digest->second;
    manifest += fmt::format("file {} {}\n", name, target.lexically_relative(directory).string());
  }
  std::string manifest_path = fmt::format("{}/{}{}", directory, prefix, kManifestSuffix);
  RETURN_NOT_OK(WriteFileSynced(manifest_path, manifest));
  stored.push_back(StoredFile{manifest_path, std::nullopt});
  return stored;
}

bool IsRocksDbCheckpointManifest(const std::string& path) {
  return path.size() > kManifestSuffix.size() &&
         path.compare(path.size() - kManifestSuffix.size(), kManifestSuffix.size(),
                      kManifestSuffix) == 0;
}

Result<std::vector<RocksDbTableInfo>> MaterializeRocksDbCheckpoint(const std::string& manifest,
                                                                   const std::string& directory) {
  ASSIGN_OR_RAISE(std::string text, ReadFile(manifest));
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line != kManifestHeader) {
    return Status::DataError("'{}' is not a RocksDB checkpoint manifest", manifest);
  }
  fs::path base = fs::path(manifest).parent_path();
  std::vector<RocksDbTableInfo> tables;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "table") {
      RocksDbTableInfo table;
      fields >> table.ttl_millis >> table.now >> table.name;
      if (fields.fail() || table.name.empty()) {
        return Status::DataError("RocksDB checkpoint manifest '{}': bad line '{}'", manifest, line);
      }
      tables.push_back(std::move(table));
    } else if (kind == "file") {
      std::string name;
      std::string relative;
      fields >> name >> relative;
      if (fields.fail() || name.empty() || name.find('/') != std::string::npos) {
        return Status::DataError("RocksDB checkpoint manifest '{}': bad line '{}'", manifest, line);
      }
      RETURN_NOT_OK(LinkOrCopy(base / relative, fs::path(directory) / name));
    } else if (!kind.empty()) {
      return Status::DataError("RocksDB checkpoint manifest '{}': bad line '{}'", manifest, line);
    }
  }
  return tables;
}

Status VisitRocksDbCheckpoint(const std::string& directory,
                              const std::vector<RocksDbTableInfo>& tables,
                              const rocksdb::Options& options, const RocksDbEntryVisitor& visit) {
  std::vector<std::string> families;
  rocksdb::Status status = rocksdb::DB::ListColumnFamilies(options, directory, &families);
  if (!status.ok()) return RocksDbCheckpointError(status, "listing the tables of", directory);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& family : families) {
    descriptors.emplace_back(family, rocksdb::ColumnFamilyOptions(options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  status = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(options), directory, descriptors,
                                        &handles, &raw);
  if (!status.ok()) return RocksDbCheckpointError(status, "opening", directory);
  std::unique_ptr<rocksdb::DB> db(raw);
  auto close = [&] {
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles.clear();
  };
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  Status result;
  for (const RocksDbTableInfo& table : tables) {
    auto family = std::find(families.begin(), families.end(), table.name);
    if (family == families.end()) continue;  // never written
    rocksdb::ColumnFamilyHandle* handle = handles[family - families.begin()];
    bool ttl = table.ttl_millis > 0;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, handle));
    for (it->SeekToFirst(); it->Valid() && result.ok(); it->Next()) {
      Result<StoredValue> stored =
          ParseStoredValue(ToView(it->value()), ttl, table.name, directory);
      if (!stored.ok()) {
        result = stored.status();
        break;
      }
      if (ttl && table.now - stored->written_at >= table.ttl_millis) continue;  // expired
      int64_t remaining = ttl ? RemainingTtl(table.now, table.ttl_millis, stored->written_at) : -1;
      result = visit(table.name, ToView(it->key()), remaining, stored->payload);
    }
    if (result.ok() && !it->status().ok()) {
      result = RocksDbCheckpointError(it->status(),
                                      fmt::format("reading table '{}' of", table.name), directory);
    }
    if (!result.ok()) break;
  }
  close();
  return result;
}

}  // namespace tiangong
