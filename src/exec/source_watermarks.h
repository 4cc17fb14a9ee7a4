#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "exec/stream_element.h"
#include "functions/evaluator.h"
#include "sql/plan.h"

namespace tiangong {

/// Generates the watermarks of one source subtask, per split, as Flink's
/// sources do: each split's watermark is the highest watermark expression value
/// of its rows so far; the subtask's watermark is the lowest over its splits
/// that are neither finished nor idle. A split without data for the idle
/// timeout ('table.exec.source.idle-timeout', 0 = never) is idle; when every
/// split is idle, or there is none, the subtask is idle.
/// Thread-safety: one per source subtask, used by its thread.
class SourceWatermarks {
 public:
  SourceWatermarks(const sql::WatermarkSpec& spec, std::chrono::milliseconds idle_timeout,
                   const FunctionContext& context);

  /// Registers the splits the subtask starts with.
  void AddSplits(const std::vector<SourceSplit>& splits);

  /// Accounts for a batch of `split`. `active` are the splits the reader still
  /// holds (finished ones no longer hold the watermark back).
  Status OnBatch(const Batch& batch, const std::string& split,
                 const std::vector<SourceSplit>& active, std::chrono::steady_clock::time_point now);

  /// The subtask's watermark if it advanced since the last call.
  std::optional<int64_t> TakeAdvancedWatermark(std::chrono::steady_clock::time_point now);
  /// The subtask's idleness if it changed since the last call.
  std::optional<bool> TakeIdleChange(std::chrono::steady_clock::time_point now);

  /// Each split's watermark, for checkpoints.
  std::string Serialize() const;
  /// Gives the splits this subtask holds (AddSplits first) the watermarks that
  /// Serialize saved for them; a DataError when `bytes` are not such.
  Status Restore(std::string_view bytes);

 private:
  struct SplitState {
    int64_t watermark = kMinWatermark;
    std::chrono::steady_clock::time_point last_data;
  };
  bool IsIdle(const SplitState& split, std::chrono::steady_clock::time_point now) const;
  /// The lowest watermark over active splits, or nullopt when all are idle.
  std::optional<int64_t> Current(std::chrono::steady_clock::time_point now) const;

  ExprPtr watermark_;
  std::chrono::milliseconds idle_timeout_;
  ExpressionEvaluator evaluator_;
  std::map<std::string, SplitState> splits_;
  int64_t emitted_ = kMinWatermark;
  bool idle_ = false;
  bool had_splits_ = false;
  std::optional<int64_t> last_before_finish_;
};

}  // namespace tiangong
