#pragma once

#include <memory>
#include <vector>

#include "exec/accumulator_group.h"
#include "exec/operator.h"
#include "exec/window_assigner.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// Runs a window aggregation over TUMBLE, HOP or CUMULATE windows: each row
/// adds to the accumulators of every window (of its key) containing its time;
/// when the watermark passes a window's end (or the clock, for processing-time
/// windows) the window's row is emitted — an insert-only result — and its state
/// dropped. Rows for windows already fired are late: dropped and counted. In
/// batch mode there are no late rows; every window fires at the end.
class WindowAggregateOperator final : public Operator {
 public:
  explicit WindowAggregateOperator(const sql::AggregateNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status AdvanceProcessingTime(int64_t now_micros, Output* output) override;
  Status Finish(Output* output) override;

 private:
  /// Emits and drops every window whose fire time is at or before `time`.
  Status FireUntil(int64_t time, Output* output);

  std::string name_;
  std::vector<int> grouping_;
  std::vector<sql::AggregateCall> calls_;
  sql::WindowSpec spec_;
  DataType output_type_;
  bool batch_mode_;
  bool proctime_;
  std::unique_ptr<WindowAssigner> assigner_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* windows_ = nullptr;  // owned by backend_
  TimerService timers_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

/// Runs a window aggregation over SESSION windows: per key, each row opens the
/// window [time, time + gap), which merges with the key's overlapping sessions
/// (and their accumulators); a session is emitted when the watermark passes its
/// end. A row that neither falls into nor extends a live session and whose own
/// window the watermark has passed is late: dropped and counted.
class SessionWindowAggregateOperator final : public Operator {
 public:
  explicit SessionWindowAggregateOperator(const sql::AggregateNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status AdvanceProcessingTime(int64_t now_micros, Output* output) override;
  Status Finish(Output* output) override;

 private:
  class Sessions;

  Status FireUntil(int64_t time, Output* output);

  std::string name_;
  std::vector<int> grouping_;
  std::vector<sql::AggregateCall> calls_;
  sql::WindowSpec spec_;
  DataType output_type_;
  bool batch_mode_;
  bool proctime_;
  std::unique_ptr<WindowAssigner> assigner_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* sessions_ = nullptr;  // owned by backend_
  TimerService timers_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
