#pragma once

// Test support for operators: batches from literal rows, an Output that
// records what an operator emits in Flink's print form, and a context.

#include <string>
#include <utility>
#include <vector>

#include "exec/operator.h"
#include "types/batch_builder.h"
#include "types/value.h"
#include "types/value_format.h"

namespace tiangong {

// Short names for the row kinds of test rows.
constexpr RowKind kI = RowKind::kInsert;
constexpr RowKind kUB = RowKind::kUpdateBefore;
constexpr RowKind kUA = RowKind::kUpdateAfter;
constexpr RowKind kD = RowKind::kDelete;

struct TestRow {
  RowKind kind;
  std::vector<Value> values;
};

inline Batch MakeBatch(const DataType& row_type, const std::vector<TestRow>& rows) {
  BatchBuilder builder(row_type);
  for (const TestRow& row : rows) {
    for (size_t i = 0; i < row.values.size(); ++i) builder.column(i).AppendValue(row.values[i]);
    builder.FinishRow(row.kind);
  }
  return builder.Build();
}

/// Records emitted rows ("+I[1, a]") and watermarks ("watermark 5").
class RecordingOutput final : public Output {
 public:
  Status Emit(Batch batch) override {
    for (size_t i = 0; i < batch.num_rows(); ++i) lines_.push_back(FormatPrintRow(batch, i));
    return Status::OK();
  }
  Status EmitWatermark(Watermark watermark) override {
    lines_.push_back("watermark " + std::to_string(watermark.timestamp));
    return Status::OK();
  }
  Status Finish() override {
    finished_ = true;
    return Status::OK();
  }

  /// What was emitted since the last Take().
  std::vector<std::string> Take() { return std::exchange(lines_, {}); }
  bool finished() const { return finished_; }

 private:
  std::vector<std::string> lines_;
  bool finished_ = false;
};

/// A context for one operator instance with the in-memory state backend.
struct TestOperatorContext {
  FunctionContext function_context;
  TaskMetrics metrics;
  OperatorContext Get() {
    OperatorContext context;
    context.job_name = "test";
    context.function_context = &function_context;
    context.metrics = &metrics;
    return context;
  }
};

}  // namespace tiangong
