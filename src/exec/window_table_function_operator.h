#pragma once

#include <vector>

#include "exec/operator.h"
#include "exec/window_assigner.h"
#include "sql/plan.h"

namespace tiangong {

/// Runs a WindowTableFunction (TUMBLE, HOP, CUMULATE without aggregation): each
/// row comes out once per window that contains it, with window_start,
/// window_end and window_time appended. Rows whose windows the watermark has
/// already passed are late: they are dropped and counted.
class WindowTableFunctionOperator final : public Operator {
 public:
  explicit WindowTableFunctionOperator(const sql::WindowTableFunctionNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;

 private:
  std::string name_;
  sql::WindowSpec spec_;
  DataType time_window_type_;
  std::unique_ptr<WindowAssigner> assigner_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
