#include "state/state_snapshot.h"

#include "common/byte_io.h"
#include "common/files.h"

namespace tiangong {
namespace {

constexpr std::string_view kMagic = "TGSTATE1";

enum Tag : uint8_t { kEnd = 0, kTable = 1, kEntry = 2 };

}  // namespace

StateSnapshotEncoder::StateSnapshotEncoder() : bytes_(kMagic) {}

void StateSnapshotEncoder::BeginTable(std::string_view name) {
  ByteWriter writer(&bytes_);
  writer.Fixed<uint8_t>(kTable);
  writer.String(name);
}

void StateSnapshotEncoder::Add(std::string_view key, int64_t remaining_ttl_millis,
                               std::string_view value) {
  ByteWriter writer(&bytes_);
  writer.Fixed<uint8_t>(kEntry);
  writer.String(key);
  writer.Fixed(remaining_ttl_millis);
  writer.String(value);
}

std::string StateSnapshotEncoder::Finish() {
  ByteWriter(&bytes_).Fixed<uint8_t>(kEnd);
  std::string image = std::move(bytes_);
  bytes_ = std::string(kMagic);
  return image;
}

std::string StateSnapshotEncoder::TakePiece() {
  std::string piece = std::move(bytes_);
  bytes_.clear();
  return piece;
}

Result<std::vector<std::string>> EncodedStateSnapshot::Write(const std::string& directory,
                                                             const std::string& prefix) {
  std::string path = directory + "/" + prefix + ".state";
  RETURN_NOT_OK(WriteFileSynced(path, image_));
  return std::vector<std::string>{path};
}

Status ReadStateSnapshot(const std::string& path, const StateSnapshotVisitor& visit) {
  ASSIGN_OR_RAISE(std::string bytes, ReadFile(path));
  if (std::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    return Status::DataError("'{}' is not a Tiangong state snapshot", path);
  }
  ByteReader reader(std::string_view(bytes).substr(kMagic.size()));
  std::string_view table;
  bool in_table = false;
  while (true) {
    auto tag = reader.Fixed<uint8_t>();
    if (!reader.ok()) break;
    if (tag == kEnd) return Status::OK();
    if (tag == kTable) {
      table = reader.String();
      in_table = true;
      continue;
    }
    if (tag != kEntry || !in_table) break;
    std::string_view key = reader.String();
    auto remaining = reader.Fixed<int64_t>();
    std::string_view value = reader.String();
    if (!reader.ok()) break;
    RETURN_NOT_OK(visit(table, key, remaining, value));
  }
  return Status::DataError("State snapshot '{}' is truncated or corrupt", path);
}

}  // namespace tiangong
