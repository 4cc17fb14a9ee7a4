#include "exec/job_snapshot.h"

#include "common/byte_io.h"

namespace tiangong {
namespace {

constexpr uint64_t kVersion = 1;

}  // namespace

std::string JobSnapshot::Encode() const {
  std::string bytes;
  ByteWriter writer(&bytes);
  writer.Varint(kVersion);
  writer.Varint(finished ? 1 : 0);
  writer.Varint(operators.size());
  for (const auto& [id, saved] : operators) {
    writer.String(id);
    writer.Varint(static_cast<uint64_t>(saved.parallelism));
    writer.Varint(saved.instances.size());
    for (const SavedInstance& instance : saved.instances) {
      writer.Varint(static_cast<uint64_t>(instance.subtask));
      writer.Varint(instance.files.size());
      for (const std::string& file : instance.files) writer.String(file);
      writer.Varint(instance.values.size());
      for (const auto& [name, value] : instance.values) {
        writer.String(name);
        writer.String(value);
      }
    }
  }
  return bytes;
}

Result<JobSnapshot> JobSnapshot::Decode(std::string_view bytes) {
  ByteReader reader(bytes);
  uint64_t version = reader.Varint();
  if (reader.ok() && version != kVersion) {
    return Status::DataError("checkpoint state has version {}, this build reads version {}",
                             version, kVersion);
  }
  JobSnapshot snapshot;
  snapshot.finished = reader.Varint() != 0;
  uint64_t num_operators = reader.Varint();
  for (uint64_t o = 0; o < num_operators && reader.ok(); ++o) {
    std::string id(reader.String());
    SavedOperator& saved = snapshot.operators[id];
    saved.parallelism = static_cast<int>(reader.Varint());
    uint64_t num_instances = reader.Varint();
    for (uint64_t i = 0; i < num_instances && reader.ok(); ++i) {
      SavedInstance& instance = saved.instances.emplace_back();
      instance.subtask = static_cast<int>(reader.Varint());
      uint64_t num_files = reader.Varint();
      for (uint64_t f = 0; f < num_files && reader.ok(); ++f) {
        instance.files.emplace_back(reader.String());
      }
      uint64_t num_values = reader.Varint();
      for (uint64_t v = 0; v < num_values && reader.ok(); ++v) {
        std::string name(reader.String());
        instance.values[name] = std::string(reader.String());
      }
    }
  }
  if (!reader.ok() || !reader.empty()) {
    return Status::DataError("checkpoint state is corrupt (its operator list does not decode)");
  }
  return snapshot;
}

std::string EncodeSplits(const std::vector<SourceSplit>& splits) {
  std::string bytes;
  ByteWriter writer(&bytes);
  writer.Varint(splits.size());
  for (const SourceSplit& split : splits) {
    writer.String(split.id);
    writer.String(split.state);
  }
  return bytes;
}

Result<std::vector<SourceSplit>> DecodeSplits(std::string_view bytes) {
  ByteReader reader(bytes);
  std::vector<SourceSplit> splits;
  uint64_t count = reader.Varint();
  for (uint64_t i = 0; i < count && reader.ok(); ++i) {
    SourceSplit split;
    split.id = std::string(reader.String());
    split.state = std::string(reader.String());
    splits.push_back(std::move(split));
  }
  if (!reader.ok()) return Status::DataError("corrupt source positions in restored state");
  return splits;
}

}  // namespace tiangong
