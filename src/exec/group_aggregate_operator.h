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
/// batch, as Flink's mini-batch aggregation does. In batch mode the final rows
/// are emitted once all input has arrived.
class GroupAggregateOperator final : public Operator {
 public:
  explicit GroupAggregateOperator(const sql::AggregateNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status Finish(Output* output) override;

 private:
  std::string name_;
  std::vector<int> grouping_;
  std::vector<sql::AggregateCall> calls_;
  DataType output_type_;
  bool batch_mode_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* groups_ = nullptr;  // owned by backend_
  bool saw_input_ = false;
};

}  // namespace tiangong
