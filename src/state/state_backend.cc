#include "state/keyed_state.h"

namespace tiangong {

Result<std::unique_ptr<KeyedStateBackend>> MakeStateBackend(const StateBackendSettings& settings) {
  if (settings.type == "hashmap") return MakeMemoryStateBackend();
  if (settings.type == "rocksdb") return MakeRocksDbStateBackend(settings);
  return Status::Invalid(
      "Unknown state backend '{}' for 'state.backend.type' (use hashmap or rocksdb)",
      settings.type);
}

}  // namespace tiangong
