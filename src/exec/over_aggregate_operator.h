#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/accumulator_group.h"
#include "exec/operator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// Runs an OverAggregate node: aggregates OVER (PARTITION BY ... ORDER BY time
/// [ROWS | RANGE BETWEEN ... PRECEDING AND CURRENT ROW]). Every input row comes
/// out once, with the aggregates over the rows of its partition in its frame:
/// the n rows before it (ROWS), the rows at most an interval older (RANGE), or
/// all before it; under RANGE, rows with equal times see each other.
///
/// By event time, rows wait in keyed state until the watermark passes them and
/// are then taken in time order (rows already behind the watermark are late:
/// dropped and counted); by processing time, in arrival order. The frame's rows
/// are kept with the accumulators, which add each row as it enters the frame
/// and retract it as it leaves. In batch mode every partition is sorted by the
/// ORDER BY at the end. The output is append-only.
class OverAggregateOperator final : public Operator {
 public:
  explicit OverAggregateOperator(const sql::OverAggregateNode& node);
  ~OverAggregateOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

  /// A row of a partition in state (defined with the operator).
  struct Entry;

 private:
  class Partition;

  /// Feeds `run` (rows of the partition in order) through the frame, appending
  /// each row with its aggregates to `out`.
  Status ProcessRun(Partition* partition, std::vector<Entry> run, BatchBuilder* out);
  /// Rows decoded from their bytes, as a batch of the input's type.
  Result<Batch> Decode(const std::vector<const Entry*>& entries) const;
  /// Emits the rows of every partition that the watermark passed.
  Status FireUntil(int64_t time, Output* output);

  std::string name_;
  std::vector<int> partition_keys_;
  std::vector<sql::SortKey> order_;
  sql::OverFrame frame_;
  std::vector<sql::AggregateCall> calls_;
  DataType input_type_;
  DataType output_type_;
  size_t num_input_columns_;
  bool rowtime_;
  bool batch_mode_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* partitions_ = nullptr;  // owned by backend_
  TimerService timers_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
