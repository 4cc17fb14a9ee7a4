#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "exec/channel.h"
#include "exec/job_graph.h"
#include "exec/operator.h"
#include "sql/session.h"

namespace tiangong {

struct ExecutionOptions {
  /// Receives the rows of a standalone SELECT (Collect sinks); required for queries.
  std::shared_ptr<const TableSink> collect_sink;
  /// Batches a channel holds before its producer blocks.
  size_t channel_capacity = 8;
};

/// What a finished job did.
struct JobSummary {
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t records_skipped = 0;
  /// Rows dropped because they arrived after the watermark passed their window.
  int64_t late_records_dropped = 0;
  std::chrono::milliseconds duration{0};
  /// True when the job ended because Stop() was called, not because its input ended.
  bool stopped = false;
};

/// A running job: one thread per parallel subtask of each stage, connected by
/// bounded channels. A bounded job ends when every source has ended and every
/// sink has finished. Stop() ends the sources early and lets the pipeline drain
/// (how SIGINT/SIGTERM end an unbounded job); Cancel() aborts. The first failure
/// cancels the job and is what Wait() returns.
/// Thread-safety: Stop() and Cancel() may be called from any thread (and from a
/// signal-watching thread); Wait() from one.
class JobExecution {
 public:
  static Result<std::unique_ptr<JobExecution>> Start(const sql::PlannedJob& job,
                                                     ExecutionOptions options);
  ~JobExecution();

  /// Blocks until every subtask has ended.
  Result<JobSummary> Wait();
  void Stop();
  void Cancel();

  const std::string& name() const { return job_name_; }
  /// True once Wait() has returned.
  bool joined() const { return joined_; }

 private:
  struct Subtask;
  JobExecution() = default;

  Status Prepare(const sql::PlannedJob& job);
  void Launch();
  void RunSubtask(Subtask* subtask);
  Status RunSubtaskBody(Subtask* subtask);
  Status RunSource(Subtask* subtask, OperatorChain* chain);
  Status RunInputs(Subtask* subtask, OperatorChain* chain);
  Result<std::unique_ptr<OperatorChain>> BuildChain(Subtask* subtask);
  void RecordFailure(const Status& status);
  /// Sleeps up to `duration`, waking early on Stop() or Cancel().
  void Pause(std::chrono::microseconds duration);
  void RemoveStateDirectory();
  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }

  std::string job_name_;
  ExecutionOptions options_;
  /// 'tiangong.exec.batch-size': rows per batch sources aim for.
  size_t batch_size_ = 1024;
  /// 'table.exec.source.idle-timeout': a source split without data this long
  /// stops holding back watermarks (0: never).
  std::chrono::milliseconds idle_timeout_{0};
  FunctionContext function_context_;
  Configuration config_;
  StateBackendSettings state_backend_;
  /// RocksDB: where this job's operator instances keep their databases;
  /// removed when the job ends.
  std::string state_directory_;
  std::vector<Stage> stages_;
  CancellationFlag cancellation_;
  std::atomic<bool> stop_requested_{false};
  // gates_[stage][subtask]; empty for stages that start at a source.
  std::vector<std::vector<std::unique_ptr<InputGate>>> gates_;
  // First channel of each input of a stage within its gates.
  std::vector<std::vector<size_t>> input_offsets_;
  std::vector<std::unique_ptr<Subtask>> subtasks_;
  std::vector<std::thread> threads_;
  std::chrono::steady_clock::time_point started_;

  std::mutex mutex_;
  std::condition_variable wake_;
  Status failure_;  // GUARDED_BY(mutex_)
  bool joined_ = false;
};

}  // namespace tiangong
