#include "state/checkpoint_storage.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include "common/byte_io.h"
#include "common/checksum.h"
#include "common/files.h"
#include "state/state_snapshot.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "TGCHKPT1";
constexpr std::string_view kMetadataName = "_metadata";
constexpr std::string_view kCheckpointPrefix = "chk-";
constexpr std::string_view kSharedName = "shared";
constexpr size_t kReadChunk = 1 << 20;

Status SystemError(std::string_view what, const std::string& path) {
  return Status::IOError("Checkpoint storage: cannot {} '{}': {}", what, path,
                         std::strerror(errno));
}

/// Reads a whole file, hashing it; fails when it cannot be read.
Status HashFile(const std::string& path, uint64_t* size, uint64_t* checksum) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return SystemError("read", path);
  StreamingChecksum hash;
  std::string buffer(kReadChunk, '\0');
  *size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = static_cast<size_t>(in.gcount());
    hash.Update(buffer.data(), got);
    *size += got;
  }
  bool failed = in.bad();
  *checksum = hash.Digest();
  if (failed) return SystemError("read", path);
  return Status::OK();
}

/// Checks that every file of checkpoint `path` exists with the size and
/// checksum it had when written; of state snapshots, which the restore checks
/// as it reads them, only the size. Reading the files is what a restart waits
/// for: they are read on as many threads as there are cores.
Status VerifyFiles(const std::string& path, const std::string& base,
                   const std::vector<CheckpointFile>& files) {
  std::vector<Status> outcomes(files.size());
  std::atomic<size_t> next{0};
  auto verify = [&] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      const CheckpointFile& file = files[i];
      std::string full = (fs::path(base) / file.path).lexically_normal().string();
      std::error_code error;
      if (!fs::exists(full, error)) {
        outcomes[i] = Status::DataError("Checkpoint '{}' is incomplete: its file '{}' is missing",
                                        path, full);
        continue;
      }
      if (IsStateSnapshotFile(full)) {
        uint64_t size = fs::file_size(full, error);
        if (error) {
          outcomes[i] = Status::IOError("Cannot read '{}': {}", full, error.message());
        } else if (size != file.size) {
          outcomes[i] = Status::DataError(
              "Checkpoint '{}' is corrupt: its file '{}' has {} bytes, expected {}", path, full,
              size, file.size);
        }
        continue;
      }
      uint64_t size = 0;
      uint64_t checksum = 0;
      outcomes[i] = HashFile(full, &size, &checksum);
      if (outcomes[i].ok() && (size != file.size || checksum != file.checksum)) {
        outcomes[i] = Status::DataError(
            "Checkpoint '{}' is corrupt: its file '{}' has {} bytes and checksum {:016x}, "
            "expected {} bytes and {:016x}",
            path, full, size, checksum, file.size, file.checksum);
      }
    }
  };
  size_t helpers = std::min<size_t>(std::thread::hardware_concurrency(), files.size());
  std::vector<std::thread> threads;
  for (size_t t = 1; t < helpers; ++t) threads.emplace_back(verify);
  verify();
  for (std::thread& thread : threads) thread.join();
  for (Status& outcome : outcomes) RETURN_NOT_OK(outcome);
  return Status::OK();
}

std::string Encode(const CheckpointMetadata& metadata) {
  std::string bytes(kMagic);
  ByteWriter writer(&bytes);
  writer.Fixed(metadata.id);
  writer.Fixed(metadata.timestamp_millis);
  writer.String(metadata.job_name);
  writer.Fixed<uint8_t>(metadata.savepoint ? 1 : 0);
  writer.String(metadata.payload);
  writer.Varint(metadata.files.size());
  for (const CheckpointFile& file : metadata.files) {
    writer.String(file.path);
    writer.Fixed(file.size);
    writer.Fixed(file.checksum);
  }
  writer.Fixed<uint64_t>(XXH3_64bits(bytes.data(), bytes.size()));
  return bytes;
}

Result<CheckpointMetadata> Decode(std::string_view bytes, const std::string& path) {
  auto corrupt = [&](std::string_view what) {
    return Status::DataError("Checkpoint metadata '{}' is {}", path, what);
  };
  if (bytes.size() < kMagic.size() + sizeof(uint64_t) || bytes.substr(0, kMagic.size()) != kMagic) {
    return corrupt("not a Tiangong checkpoint (truncated or of another format)");
  }
  std::string_view body = bytes.substr(0, bytes.size() - sizeof(uint64_t));
  uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body.size(), sizeof(uint64_t));
  if (XXH3_64bits(body.data(), body.size()) != stored)
    return corrupt("corrupt (checksum mismatch)");
  ByteReader reader(body.substr(kMagic.size()));
  CheckpointMetadata metadata;
  metadata.id = reader.Fixed<int64_t>();
  metadata.timestamp_millis = reader.Fixed<int64_t>();
  metadata.job_name = std::string(reader.String());
  metadata.savepoint = reader.Fixed<uint8_t>() != 0;
  metadata.payload = std::string(reader.String());
  uint64_t num_files = reader.Varint();
  for (uint64_t i = 0; i < num_files && reader.ok(); ++i) {
    CheckpointFile file;
    file.path = std::string(reader.String());
    file.size = reader.Fixed<uint64_t>();
    file.checksum = reader.Fixed<uint64_t>();
    metadata.files.push_back(std::move(file));
  }
  if (!reader.ok()) return corrupt("truncated");
  return metadata;
}

/// The id of a "chk-<n>" directory name, or nullopt.
std::optional<int64_t> CheckpointIdOf(const std::string& name) {
  if (name.size() <= kCheckpointPrefix.size() || name.rfind(kCheckpointPrefix, 0) != 0) {
    return std::nullopt;
  }
  int64_t id = 0;
  const char* begin = name.data() + kCheckpointPrefix.size();
  const char* end = name.data() + name.size();
  auto [ptr, error] = std::from_chars(begin, end, id);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return id;
}

}  // namespace

CheckpointStorage::CheckpointStorage(std::string root, std::string_view job_id)
    : job_directory_((fs::path(std::move(root)) / job_id).string()) {}

std::string CheckpointStorage::CheckpointDirectory(int64_t id) const {
  return fmt::format("{}/{}{}", job_directory_, kCheckpointPrefix, id);
}

Result<std::string> CheckpointStorage::CreateCheckpointDirectory(int64_t id) const {
  std::string path = CheckpointDirectory(id);
  RETURN_NOT_OK(CreateDirectories(path));
  return path;
}

Result<std::string> CheckpointStorage::CreateSharedDirectory() const {
  std::string path = fmt::format("{}/{}", job_directory_, kSharedName);
  RETURN_NOT_OK(CreateDirectories(path));
  return path;
}

Status CheckpointStorage::Complete(const CheckpointMetadata& metadata) const {
  return WriteMetadata(fmt::format("{}/{}{}", job_directory_, kCheckpointPrefix, metadata.id),
                       metadata);
}

Status CheckpointStorage::WriteMetadata(const std::string& directory,
                                        const CheckpointMetadata& metadata) {
  std::string bytes = Encode(metadata);
  std::string final_path = fmt::format("{}/{}", directory, kMetadataName);
  std::string temp_path = final_path + ".inprogress";
  RETURN_NOT_OK(WriteFileSynced(temp_path, bytes));
  if (std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    return SystemError("rename into place", final_path);
  }
  return SyncPath(directory, true);
}

Result<CheckpointFile> CheckpointStorage::DescribeFile(const std::string& base,
                                                       const std::string& path) {
  std::string full = fmt::format("{}/{}", base, path);
  RETURN_NOT_OK(SyncPath(full, false));
  CheckpointFile file;
  file.path = path;
  RETURN_NOT_OK(HashFile(full, &file.size, &file.checksum));
  return file;
}

Result<CheckpointMetadata> CheckpointStorage::Load(const std::string& path) {
  std::error_code error;
  std::string metadata_path = path;
  if (fs::is_directory(path, error)) metadata_path = (fs::path(path) / kMetadataName).string();
  std::string base = fs::path(metadata_path).parent_path().string();
  if (!fs::exists(metadata_path, error)) {
    return Status::NotFound("No checkpoint at '{}': there is no '{}'", path, metadata_path);
  }
  ASSIGN_OR_RAISE(std::string bytes, ReadFile(metadata_path));
  ASSIGN_OR_RAISE(CheckpointMetadata metadata, Decode(bytes, metadata_path));
  RETURN_NOT_OK(VerifyFiles(path, base, metadata.files));
  return metadata;
}

Result<std::vector<int64_t>> CheckpointStorage::CompleteIds() const {
  std::vector<int64_t> ids;
  std::error_code error;
  if (!fs::exists(job_directory_, error)) return ids;
  for (const fs::directory_entry& entry : fs::directory_iterator(job_directory_, error)) {
    std::optional<int64_t> id = CheckpointIdOf(entry.path().filename().string());
    if (id && fs::exists(entry.path() / kMetadataName, error)) ids.push_back(*id);
  }
  if (error) {
    return Status::IOError("Checkpoint storage: cannot list '{}': {}", job_directory_,
                           error.message());
  }
  std::sort(ids.rbegin(), ids.rend());
  return ids;
}

Result<int64_t> CheckpointStorage::HighestId() const {
  int64_t highest = 0;
  std::error_code error;
  if (!fs::exists(job_directory_, error)) return highest;
  for (const fs::directory_entry& entry : fs::directory_iterator(job_directory_, error)) {
    std::optional<int64_t> id = CheckpointIdOf(entry.path().filename().string());
    if (id) highest = std::max(highest, *id);
  }
  if (error) {
    return Status::IOError("Checkpoint storage: cannot list '{}': {}", job_directory_,
                           error.message());
  }
  return highest;
}

Result<std::optional<CheckpointMetadata>> CheckpointStorage::LatestValid(
    const std::set<int64_t>& damaged) const {
  ASSIGN_OR_RAISE(std::vector<int64_t> ids, CompleteIds());
  for (int64_t id : ids) {
    if (damaged.count(id) != 0) continue;
    std::string directory = fmt::format("{}/{}{}", job_directory_, kCheckpointPrefix, id);
    Result<CheckpointMetadata> metadata = Load(directory);
    if (metadata.ok()) return std::optional<CheckpointMetadata>(std::move(*metadata));
    spdlog::warn("Skipping checkpoint {} in '{}': {}; trying the one before", id, directory,
                 metadata.status().message());
  }
  return std::optional<CheckpointMetadata>();
}

Status CheckpointStorage::Prune(int retained) const {
  ASSIGN_OR_RAISE(std::vector<int64_t> ids, CompleteIds());
  std::set<int64_t> kept(ids.begin(), ids.begin() + std::min<size_t>(ids.size(), retained));
  std::error_code error;
  std::set<std::string> referenced;
  std::vector<fs::path> doomed;
  for (const fs::directory_entry& entry : fs::directory_iterator(job_directory_, error)) {
    std::optional<int64_t> id = CheckpointIdOf(entry.path().filename().string());
    if (!id) continue;
    if (!kept.count(*id)) {
      doomed.push_back(entry.path());
      continue;
    }
    // Only the metadata is read: its file list says which shared files live on.
    Result<std::string> bytes = ReadFile((entry.path() / kMetadataName).string());
    if (!bytes.ok()) continue;
    Result<CheckpointMetadata> metadata = Decode(*bytes, entry.path().string());
    if (!metadata.ok()) continue;
    for (const CheckpointFile& file : metadata->files) {
      referenced.insert((entry.path() / file.path).lexically_normal().string());
    }
  }
  for (const fs::path& path : doomed) fs::remove_all(path, error);
  fs::path shared = fs::path(job_directory_) / kSharedName;
  if (fs::exists(shared, error)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(shared, error)) {
      if (!referenced.count(entry.path().lexically_normal().string()))
        fs::remove(entry.path(), error);
    }
  }
  if (error) {
    return Status::IOError("Checkpoint storage: cannot prune '{}': {}", job_directory_,
                           error.message());
  }
  return Status::OK();
}

std::string JobDirectoryName(std::string_view job_name) {
  std::string name;
  for (char c : job_name) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
    name.push_back(safe ? c : '_');
  }
  if (name.size() > 120) name.resize(120);
  return fmt::format("{}-{:08x}", name,
                     static_cast<uint32_t>(XXH3_64bits(job_name.data(), job_name.size())));
}

}  // namespace tiangong
