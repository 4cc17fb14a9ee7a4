#include "exec/operator_state.h"

#include <algorithm>
#include <cstring>

#include "exec/stream_element.h"

namespace tiangong {
namespace {

constexpr std::string_view kWatermark = "watermark";

std::string TimersName(const std::string& name) { return "timers:" + name; }

}  // namespace

const std::vector<std::string>& RestoredOperatorState::Values(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = values.find(name);
  return it == values.end() ? kNone : it->second;
}

Status SnapshotKeyedOperator(KeyedStateBackend* backend, const NamedTimers& timers,
                             const int64_t* watermark, OperatorSnapshot* snapshot) {
  if (snapshot->finished) return Status::OK();
  if (backend != nullptr) {
    RETURN_NOT_OK(backend->Flush());
    ASSIGN_OR_RAISE(snapshot->keyed_state, backend->Snapshot(snapshot->scope));
  }
  for (const auto& [name, service] : timers) {
    service->Serialize(&snapshot->values[TimersName(name)]);
  }
  if (watermark != nullptr) snapshot->values[std::string(kWatermark)] = EncodeInt64(*watermark);
  return Status::OK();
}

Status RestoreKeyedOperator(const RestoredOperatorState& state, KeyedStateBackend* backend,
                            const NamedTimers& timers, int64_t* watermark,
                            const GroupingKeyOf& grouping_key) {
  StateKeyFilter filter;
  if (state.owns_key) {
    filter = [&](std::string_view table, std::string_view key) {
      return state.owns_key(grouping_key ? grouping_key(table, key) : key);
    };
  }
  if (backend != nullptr && !state.keyed_state_files.empty()) {
    RETURN_NOT_OK(backend->Restore(state.keyed_state_files, filter));
  }
  for (const auto& [name, service] : timers) {
    std::string table = TimersName(name);
    std::function<bool(std::string_view)> keep;
    if (filter) keep = [&](std::string_view key) { return filter(table, key); };
    for (const std::string& bytes : state.Values(table)) {
      RETURN_NOT_OK(service->Restore(bytes, keep));
    }
  }
  const std::vector<std::string>& watermarks = state.Values(std::string(kWatermark));
  if (watermark != nullptr && !watermarks.empty()) {
    int64_t lowest = kMaxWatermark;
    for (const std::string& bytes : watermarks) {
      ASSIGN_OR_RAISE(int64_t value, DecodeInt64(kWatermark, bytes));
      lowest = std::min(lowest, value);
    }
    *watermark = lowest;
  }
  return Status::OK();
}

GroupingKeyOf WithoutSuffix(size_t suffix) {
  return [suffix](std::string_view table, std::string_view key) {
    return key.substr(0, key.size() >= suffix ? key.size() - suffix : 0);
  };
}

std::string EncodeInt64(int64_t value) {
  std::string bytes(sizeof(value), '\0');
  std::memcpy(bytes.data(), &value, sizeof(value));
  return bytes;
}

Result<int64_t> DecodeInt64(std::string_view name, std::string_view bytes) {
  if (bytes.size() != sizeof(int64_t)) {
    return Status::DataError("restored state: '{}' is {} bytes, not an 8-byte integer", name,
                             bytes.size());
  }
  int64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof(value));
  return value;
}

}  // namespace tiangong
