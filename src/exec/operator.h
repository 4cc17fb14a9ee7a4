#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "exec/operator_state.h"
#include "exec/stream_element.h"
#include "functions/function_context.h"
#include "state/keyed_state.h"
#include "types/batch.h"

namespace tiangong {

/// Where an operator sends what it produces: the next operator of its chain, an
/// exchange to the next stage, or nothing (sinks).
class Output {
 public:
  virtual ~Output() = default;
  virtual Status Emit(Batch batch) = 0;
  virtual Status EmitWatermark(Watermark watermark) = 0;
  /// Idleness of the subtask, for the stages downstream; only exchanges act on it.
  virtual Status EmitWatermarkStatus(WatermarkStatus status) { return Status::OK(); }
  /// A checkpoint barrier, after everything emitted before it; only exchanges
  /// act on it.
  virtual Status EmitBarrier(CheckpointBarrier barrier) { return Status::OK(); }
  /// No more output will follow.
  virtual Status Finish() = 0;
};

/// Counters of a subtask that operators update; read when the job ends (and by
/// metrics reporting).
struct TaskMetrics {
  /// Rows that arrived after the watermark had passed their window (dropped).
  std::atomic<int64_t> late_records_dropped{0};
  /// The newest watermark the subtask's operators received.
  std::atomic<int64_t> input_watermark{kMinWatermark};
  /// Time spent waiting for room in full output channels.
  std::atomic<int64_t> backpressured_micros{0};
};

/// Rows into and out of one operator instance (counted by its chain).
struct OperatorMetrics {
  std::atomic<int64_t> records_in{0};
  std::atomic<int64_t> records_out{0};
};

/// Facts about the subtask an operator instance runs in.
struct OperatorContext {
  std::string job_name;
  int subtask_index = 0;
  int parallelism = 1;
  const FunctionContext* function_context = nullptr;  // not owned; outlives the job
  /// The job's settings ('table.exec.state.ttl', 'table.exec.mini-batch.*', ...).
  const Configuration* config = nullptr;  // not owned; outlives the job
  /// Where keyed state lives; `directory` is unique to this operator instance.
  StateBackendSettings state_backend;
  TaskMetrics* metrics = nullptr;  // not owned; outlives the operator
};

/// A step of a pipeline that consumes and produces batches. Each parallel
/// subtask has its own instance, driven by one thread: Open, then any number of
/// ProcessBatch/ProcessWatermark calls, then Finish once all input has
/// arrived, then Close (always, also after a failure).
class Operator {
 public:
  virtual ~Operator() = default;
  /// For logs and errors: "Calc(select=[...])".
  virtual std::string name() const = 0;
  virtual Status Open(const OperatorContext& context) { return Status::OK(); }
  virtual Status ProcessBatch(Batch batch, Output* output) = 0;
  /// A batch from input `input` of an operator with several inputs (a join's
  /// left is 0, its right 1); operators with one input see ProcessBatch.
  virtual Status ProcessInputBatch(int input, Batch batch, Output* output) {
    return ProcessBatch(std::move(batch), output);
  }
  virtual Status ProcessWatermark(Watermark watermark, Output* output) {
    return output->EmitWatermark(watermark);
  }
  virtual Status Finish(Output* output) { return output->Finish(); }
  /// Processing time moved on (UTC microseconds): fire processing-time timers.
  /// Called every ~100 ms, and between batches.
  virtual Status AdvanceProcessingTime(int64_t now_micros, Output* output) { return Status::OK(); }
  /// A checkpoint barrier reached the operator: everything before it has been
  /// processed. Emits what must precede the barrier (rows held back for a
  /// mini-batch), then saves the state into `snapshot`. The operator goes on
  /// changing its state right after; the snapshot must not depend on it.
  virtual Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) {
    return Status::OK();
  }
  /// After Open and before any input: starts from a checkpoint's state.
  virtual Status RestoreState(const RestoredOperatorState& state) { return Status::OK(); }
  /// Checkpoint `checkpoint_id` is complete and durable (exactly-once sinks
  /// make what they prepared for it visible).
  virtual Status NotifyCheckpointComplete(int64_t checkpoint_id) { return Status::OK(); }
  virtual Status Close() { return Status::OK(); }
};

/// Operators that run one after another in one thread, each feeding the next,
/// the last feeding `tail`.
class OperatorChain {
 public:
  /// `metrics`, when given, has one entry per operator; the chain counts the
  /// rows into and out of each.
  OperatorChain(std::vector<std::unique_ptr<Operator>> operators, std::unique_ptr<Output> tail,
                OperatorMetrics* metrics = nullptr);
  ~OperatorChain();

  Status Open(const OperatorContext& context);
  /// Pushes a batch from input `input` of the stage into the first operator.
  Status Process(Batch batch, int input = 0);
  Status ProcessWatermark(Watermark watermark);
  /// Lets every operator fire its processing-time timers.
  Status AdvanceProcessingTime(int64_t now_micros);
  /// Goes straight to the chain's output: operators do not act on idleness.
  Status EmitWatermarkStatus(WatermarkStatus status) { return tail_->EmitWatermarkStatus(status); }
  Status Finish();
  /// Snapshots every operator in chain order (each may first emit into the
  /// next), then sends the barrier on. `snapshots` gets one entry per operator.
  Status Checkpoint(CheckpointBarrier barrier, std::vector<OperatorSnapshot>* snapshots);
  /// Snapshots every operator after Finish: the final state, with no barrier.
  Status SnapshotFinal(std::vector<OperatorSnapshot>* snapshots);
  /// `states[i]` is operator i's (may be nullptr: it starts empty).
  Status Restore(const std::vector<const RestoredOperatorState*>& states);
  Status NotifyCheckpointComplete(int64_t checkpoint_id);
  size_t size() const { return operators_.size(); }
  /// Closes every operator; returns the first error.
  Status Close();
  /// "Calc(...) -> Sink(...)".
  std::string Describe() const;

 private:
  class Link;

  std::vector<std::unique_ptr<Operator>> operators_;
  std::unique_ptr<Output> tail_;
  /// links_[i] is operator i's output: it feeds operator i + 1, or the tail.
  std::vector<std::unique_ptr<Link>> links_;
  OperatorMetrics* metrics_;             // not owned; may be null
  TaskMetrics* task_metrics_ = nullptr;  // not owned; from Open

  Status SnapshotOperators(int64_t checkpoint_id, SnapshotScope scope, bool finished,
                           std::vector<OperatorSnapshot>* snapshots);
  /// Where operator i's output goes.
  Output* OutputOf(size_t i);
};

}  // namespace tiangong
