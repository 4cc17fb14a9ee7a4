#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "functions/evaluator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// Runs an event-time temporal join (JOIN versioned FOR SYSTEM_TIME AS OF
/// left.rowtime): each left row meets the version of the right row with its key
/// that was current at the left row's time, that is the latest right row (by
/// its event time) at or before it, unless a deletion came after that.
///
/// Left rows wait in keyed state until the watermark passes their time, so
/// that every version up to it has arrived; then they are joined and emitted
/// (+I; an inner join drops rows without a current version, a LEFT JOIN pads
/// them) in time order. The right side keeps, per key, the versions a waiting
/// or future left row may still need: older ones are dropped as the watermark
/// moves. Left rows that arrive after the watermark passed their time are
/// joined at once against the versions kept.
class TemporalJoinOperator final : public Operator {
 public:
  explicit TemporalJoinOperator(const sql::JoinNode& node);
  ~TemporalJoinOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessInputBatch(int input, Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  class Waiting;
  class Versions;
  struct Probe;

  Status ProcessLeft(const Batch& batch, Output* output);
  Status ProcessRight(const Batch& batch);
  /// Joins left rows (key and row bytes, in time order) with the versions
  /// current at their times, and emits the result.
  Status JoinAndEmit(const std::vector<Probe>& probes, Output* output);

  std::string name_;
  std::vector<int> left_keys_;
  std::vector<int> right_keys_;
  int left_time_;
  int right_time_;
  ExprPtr condition_;
  bool left_outer_;
  std::vector<DataType> left_types_;
  std::vector<DataType> right_types_;
  std::unique_ptr<ExpressionEvaluator> evaluator_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* waiting_ = nullptr;   // owned by backend_
  StateTable* versions_ = nullptr;  // owned by backend_
  TimerService left_timers_;
  TimerService right_timers_;
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
