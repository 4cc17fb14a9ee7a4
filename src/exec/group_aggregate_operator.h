#pragma once

#include <vector>

#include "exec/accumulator_group.h"
#include "exec/operator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"

namespace tiangong {

/// Runs an Aggregate node (GROUP BY): keeps each group's accumulators in keyed
/// state and, in streaming mode, emits the changelog of each group's result
/// row: +I when a group appears, -U/+U when its result changes, -D when its
/// last row is retracted. A batch is processed as a whole (each group is read
/// and written once per batch), so the changelog has one change per group per
/// batch. With 'table.exec.mini-batch.enabled', input batches are held until
/// 'table.exec.mini-batch.size' rows have arrived or the oldest has waited
/// 'table.exec.mini-batch.allow-latency' (and before a watermark passes and at
/// the end), then processed as one, so a group changes once per mini-batch:
/// fewer state accesses and a shorter changelog. In batch mode the final rows
/// are emitted once all input has arrived.
class GroupAggregateOperator final : public Operator {
 public:
  explicit GroupAggregateOperator(const sql::AggregateNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status AdvanceProcessingTime(int64_t now_micros, Output* output) override;
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  /// Updates the groups of the batch's rows and emits their changes.
  Status Aggregate(const Batch& batch, Output* output);
  /// Aggregates the held mini-batch, if any.
  Status FlushMiniBatch(Output* output);

  std::string name_;
  std::vector<int> grouping_;
  std::vector<sql::AggregateCall> calls_;
  DataType output_type_;
  DataType input_type_;
  bool batch_mode_;
  /// Mini-batch: 0 rows when off.
  int64_t mini_batch_rows_ = 0;
  int64_t mini_batch_latency_micros_ = 0;
  std::vector<Batch> held_;
  int64_t held_rows_ = 0;
  int64_t held_since_micros_ = 0;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* groups_ = nullptr;  // owned by backend_
  bool saw_input_ = false;
};

}  // namespace tiangong
