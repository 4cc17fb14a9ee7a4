#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// What one operator instance saves when a checkpoint barrier passes it: an
/// image of its keyed state, written into the checkpoint afterwards off the
/// operator's thread, and small named values kept in the checkpoint's metadata
/// (timers, the watermark, a source's split positions, a sink's committables).
struct OperatorSnapshot {
  /// Set by the chain before SnapshotState: how much the keyed state's
  /// snapshot must be able to write.
  SnapshotScope scope = SnapshotScope::kWhole;
  /// Set by the chain for the final snapshot of a subtask that processed all
  /// its input: nothing can reach its keyed state, timers or watermark again
  /// (every input of it has ended, in this run and in any restored one), so
  /// they are left out, as Flink leaves out the state of finished operators.
  /// What sources and sinks save (split positions, committables) is kept.
  bool finished = false;
  std::unique_ptr<StateSnapshot> keyed_state;
  std::map<std::string, std::string> values;
};

/// The state an operator instance starts from: what the instances of the same
/// operator saved in the restored checkpoint. At the same parallelism that is
/// the one instance with the same subtask index; after a change of parallelism
/// it is every old instance, and `key_filter` keeps the keys of the key groups
/// this instance now owns.
struct RestoredOperatorState {
  std::vector<StoredFile> keyed_state_files;
  /// After a change of parallelism: whether an encoded grouping key (the key
  /// the exchange into this operator hashes) is in a key group this instance
  /// owns. Null: every restored key is this instance's.
  std::function<bool(std::string_view grouping_key)> owns_key;
  /// Each named value, once per old instance that saved it.
  std::map<std::string, std::vector<std::string>> values;
  /// Whether this instance restores what belongs to no key (a sink's prepared
  /// output): each instance its own at the same parallelism, the first one
  /// everything after a change of parallelism.
  bool restores_unkeyed = true;

  /// The values saved under `name` (empty when none was).
  const std::vector<std::string>& Values(const std::string& name) const;
};

/// Named timer services of an operator.
using NamedTimers = std::vector<std::pair<std::string, TimerService*>>;

/// The snapshot of an operator whose state is a keyed backend, timer services
/// and a watermark (each may be absent: null). Flushes the backend first.
/// Saves nothing for a finished subtask.
Status SnapshotKeyedOperator(KeyedStateBackend* backend, const NamedTimers& timers,
                             const int64_t* watermark, OperatorSnapshot* snapshot);

/// The grouping key within a state or timer key: for operators whose keys
/// carry a namespace after it (a window). `table` is the state table's name, or
/// "timers:<name>" for a timer service.
using GroupingKeyOf = std::function<std::string_view(std::string_view table, std::string_view key)>;

/// Restores what SnapshotKeyedOperator saved, keeping the keys whose grouping
/// key (the whole key when `grouping_key` is null) the instance owns. The
/// watermark becomes the lowest that any old instance had (each had seen at
/// least that much of every input), and stays as it is when none was saved.
Status RestoreKeyedOperator(const RestoredOperatorState& state, KeyedStateBackend* backend,
                            const NamedTimers& timers, int64_t* watermark,
                            const GroupingKeyOf& grouping_key = nullptr);

/// A GroupingKeyOf for keys that end in a namespace of `suffix` bytes.
GroupingKeyOf WithoutSuffix(size_t suffix);

/// A fixed-width int64 as a snapshot value, and back (a DataError naming
/// `name` when the bytes are not one).
std::string EncodeInt64(int64_t value);
Result<int64_t> DecodeInt64(std::string_view name, std::string_view bytes);

}  // namespace tiangong
