#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "exec/accumulator_group.h"
#include "exec/operator.h"
#include "exec/window_assigner.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// Runs a window aggregation over TUMBLE, HOP or CUMULATE windows. State holds
/// accumulators per key and slice. Hopping windows whose aggregate functions
/// can merge are cut into slices of gcd(size, slide), as Flink does: a row
/// updates the one slice containing its time, and a window merges the slices
/// it covers when it fires. Otherwise each window is a slice of its own, and a
/// row updates every window containing its time. When the watermark passes a
/// window's end (or the clock, for processing-time windows) the window's row is
/// emitted — an insert-only result — and the slices no later window covers are
/// dropped. A row whose windows have all fired is late: dropped and counted. In
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
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  /// Maps row times to slices and windows to the slices they cover. Slices and
  /// windows are named by their end (local time): for one window spec, the end
  /// determines the window.
  class SliceAssigner {
   public:
    /// Slices hopping windows when `mergeable`; otherwise a slice is a window.
    SliceAssigner(const WindowAssigner& windows, bool mergeable);
    /// Appends the ends of the slices that row time `time` belongs to.
    void Assign(int64_t time, std::vector<int64_t>* slices) const;
    /// Appends the ends of the slices the window ending at `window_end` covers.
    void SlicesOf(int64_t window_end, std::vector<int64_t>* slices) const;
    /// The end of the first and of the last window covering a slice.
    int64_t FirstWindowEnd(int64_t slice) const;
    int64_t LastWindowEnd(int64_t slice) const;
    /// The end of the window after `window_end` that covers its later slices.
    int64_t NextWindowEnd(int64_t window_end) const;

   private:
    const WindowAssigner& windows_;
    int64_t slice_size_ = 0;  // 0: every window is a slice
    mutable std::vector<TimeWindow> scratch_;
  };

  /// True when the window ending at `window_end` has fired (event time).
  bool Fired(int64_t window_end) const;
  /// Fires the window ending at `window_end` for the group `key`.
  void RegisterTimer(std::string_view key, int64_t window_end);
  /// Emits every window whose fire time is at or before `time`, and drops the
  /// slices that no later window covers.
  Status FireUntil(int64_t time, Output* output);

  std::string name_;
  std::vector<int> grouping_;
  std::vector<sql::AggregateCall> calls_;
  sql::WindowSpec spec_;
  DataType output_type_;
  bool batch_mode_;
  bool proctime_;
  std::unique_ptr<WindowAssigner> assigner_;
  std::unique_ptr<SliceAssigner> slices_;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* state_ = nullptr;  // owned by backend_
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
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

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
