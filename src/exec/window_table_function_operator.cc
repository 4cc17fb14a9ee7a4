#include "exec/window_table_function_operator.h"

#include <chrono>

#include <fmt/format.h>

namespace tiangong {

WindowTableFunctionOperator::WindowTableFunctionOperator(const sql::WindowTableFunctionNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      spec_(node.window()),
      time_window_type_(node.schema()[node.window_start_column() + 2].type) {}

Status WindowTableFunctionOperator::Open(const OperatorContext& context) {
  assigner_ = std::make_unique<WindowAssigner>(spec_, *context.function_context);
  metrics_ = context.metrics;
  return Status::OK();
}

Status WindowTableFunctionOperator::ProcessBatch(Batch batch, Output* output) {
  const Vector& time = *batch.column(spec_.time_column);
  bool proctime = spec_.time == TimeAttribute::kProctime;
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::vector<uint32_t> rows;
  std::vector<int64_t> start_values;
  std::vector<int64_t> end_values;
  std::vector<int64_t> time_values;
  std::vector<TimeWindow> windows;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    if (!proctime && time.IsNull(i)) {
      return Status::DataError("The window's time attribute is NULL at row {} of a batch", i);
    }
    windows.clear();
    assigner_->Assign(proctime ? now : time.ValueAt<int64_t>(i), &windows);
    bool late = false;
    for (const TimeWindow& window : windows) {
      if (!proctime && assigner_->FireTime(window) <= watermark_) {
        late = true;
        continue;
      }
      rows.push_back(static_cast<uint32_t>(i));
      start_values.push_back(window.start);
      end_values.push_back(window.end);
      time_values.push_back(assigner_->WindowTime(window));
    }
    if (late && metrics_ != nullptr) {
      metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (rows.empty()) return Status::OK();
  Batch selected = batch.Gather(rows.data(), rows.size());
  std::vector<VectorPtr> columns = selected.columns();
  auto make = [&](const DataType& type, const std::vector<int64_t>& values) {
    MutableVectorPtr vector = Vector::Make(type, values.size());
    std::copy(values.begin(), values.end(), vector->mutable_values<int64_t>());
    return VectorPtr(vector);
  };
  columns.push_back(make(sql::WindowBoundType(), start_values));
  columns.push_back(make(sql::WindowBoundType(), end_values));
  columns.push_back(make(time_window_type_, time_values));
  return output->Emit(Batch(std::move(columns), rows.size(), selected.row_kinds()));
}

Status WindowTableFunctionOperator::ProcessWatermark(Watermark watermark, Output* output) {
  watermark_ = std::max(watermark_, watermark.timestamp);
  return output->EmitWatermark(watermark);
}

Status WindowTableFunctionOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                                  Output* output) {
  return SnapshotKeyedOperator(nullptr, {}, &watermark_, snapshot);
}

Status WindowTableFunctionOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, nullptr, {}, &watermark_);
}

}  // namespace tiangong
