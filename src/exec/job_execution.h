#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "common/result.h"
#include "connectors/connector.h"
#include "exec/channel.h"
#include "exec/checkpoint_coordinator.h"
#include "exec/checkpoint_settings.h"
#include "exec/job_graph.h"
#include "exec/job_report.h"
#include "exec/job_snapshot.h"
#include "exec/operator.h"
#include "exec/restart_strategy.h"
#include "sql/session.h"

namespace tiangong {

class SourceWatermarks;

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
  /// The savepoint the job stopped with, if it did.
  std::string savepoint_path;
  /// How often the job restarted in its process after a failure.
  int64_t restarts = 0;
};

/// A running job: one thread per parallel subtask of each stage, connected by
/// bounded channels. A bounded job ends when every source has ended and every
/// sink has finished. Stop() ends the sources early and lets the pipeline drain
/// (how SIGINT/SIGTERM end an unbounded job); Cancel() aborts. The first failure
/// cancels the job and is what Wait() returns.
///
/// With 'execution.checkpointing.interval', a CheckpointCoordinator takes
/// aligned-barrier checkpoints of every operator and source position into
/// 'state.checkpoints.dir'/<job>/. A job starts from 'execution.savepoint.path'
/// when set, else from its latest valid checkpoint, so the next run of a job
/// that was killed resumes where it was. Stop() then takes a last checkpoint
/// and ends without draining (the next run continues from it); a job whose
/// input ended takes a final checkpoint for its sinks to commit on, and its
/// checkpoints are deleted.
/// A failed job restarts in its process as its restart strategy says
/// ('restart-strategy.type'; by default exponential-delay with checkpoints,
/// none without): every subtask is cancelled and, after the strategy's delay,
/// the job runs again from the newest checkpoint it took (else from what it
/// started from). A stop or cancel ends the restarts.
///
/// TriggerCheckpoint() takes a checkpoint or savepoint on request (and with
/// `stop`, a stop with savepoint, after which the job's checkpoints are
/// deleted as a finished job's are: the savepoint is how it resumes).
///
/// Thread-safety: Stop(), Cancel(), TriggerCheckpoint() and Report() may be
/// called from any thread (Stop and Cancel also from a signal-watching
/// thread); Wait() from one.
class JobExecution {
 public:
  static Result<std::unique_ptr<JobExecution>> Start(const sql::PlannedJob& job,
                                                     ExecutionOptions options);
  ~JobExecution();

  /// Blocks until every subtask has ended.
  Result<JobSummary> Wait();
  void Stop();
  void Cancel();
  /// Takes a checkpoint or savepoint (into `request.target_directory`, else
  /// 'state.savepoints.dir') and waits until it completes.
  Result<CompletedCheckpoint> TriggerCheckpoint(CheckpointRequest request);
  /// Counters of every operator instance, checkpoint figures and state.
  JobReport Report() const;

  const std::string& name() const { return job_name_; }
  /// A random 32-digit hexadecimal id, unique to this run.
  const std::string& id() const { return job_id_; }
  /// When the job started, in milliseconds since the epoch.
  int64_t start_millis() const { return start_millis_; }
  /// True once Wait() has returned.
  bool joined() const { return joined_; }

 private:
  struct Subtask;
  JobExecution() = default;

  Status Prepare(const sql::PlannedJob& job);
  /// Reads the checkpoint and restart settings.
  Status PrepareCheckpoints(const sql::PlannedJob& job);
  /// Builds the channels and subtasks of a run of the job (the first, or a
  /// restart) with the state they restore.
  Status PrepareAttempt(bool restart);
  /// Picks and loads the checkpoint or savepoint an attempt restores: the
  /// first one 'execution.savepoint.path', else the job's latest valid
  /// checkpoint; a restart the newest checkpoint taken since the job started,
  /// else what the attempt before restored.
  Status ChooseRestore(bool restart);
  /// The splits of a source stage: restored, or created afresh.
  Result<std::vector<std::vector<SourceSplit>>> AssignSplits(const Stage& stage);
  /// What each operator of `subtask` restores from restored_.
  Status AssignRestoredState(Subtask* subtask);
  /// Fails when the restored state has an operator the job lacks, unless
  /// 'execution.savepoint.ignore-unclaimed-state' is set.
  Status CheckAllStateClaimed() const;
  void StartCoordinator();
  /// Snapshots a subtask: its source's positions (when it has a source) and
  /// every operator of its chain; with a barrier the chain forwards it.
  Result<std::vector<OperatorSnapshot>> SnapshotSubtask(OperatorChain* chain,
                                                        std::optional<CheckpointBarrier> barrier,
                                                        const SourceReader* reader,
                                                        const SourceWatermarks* watermarks);
  /// A subtask whose input ended (or that passed a stop barrier): hands in its
  /// final state and, once a checkpoint with it completes, lets its operators
  /// commit.
  Status AwaitLastCheckpoint(Subtask* subtask, OperatorChain* chain,
                             std::optional<int64_t> stop_barrier, const SourceReader* reader,
                             const SourceWatermarks* watermarks);
  /// Tells the chain about a checkpoint completed since the last call.
  Status NotifyCompleted(Subtask* subtask, OperatorChain* chain);
  void Launch();
  /// Runs on its own thread: waits for the subtasks of each attempt and
  /// restarts a failed job while its restart strategy allows.
  void Supervise();
  /// Cancels the running attempt (on a failure, or with the job).
  void CancelAttempt();
  /// The current coordinator, for callers outside the attempt (may be null).
  std::shared_ptr<CheckpointCoordinator> coordinator() const;
  void RunSubtask(Subtask* subtask);
  Status RunSubtaskBody(Subtask* subtask);
  Status RunSource(Subtask* subtask, OperatorChain* chain);
  Status RunInputs(Subtask* subtask, OperatorChain* chain);
  Result<std::unique_ptr<OperatorChain>> BuildChain(Subtask* subtask);
  void RecordFailure(const Status& status);
  /// Logs the first records processed once every subtask restored its state.
  void NoteRecordsProcessed();
  /// Sleeps up to `duration`, waking early on Stop(), Cancel() or a checkpoint
  /// trigger.
  void Pause(std::chrono::microseconds duration);
  void RemoveStateDirectory();
  /// After a failed attempt: whether it failed because a state file of the
  /// checkpoint it restored is damaged, in which case the checkpoint is
  /// skipped from now on and the next attempt restores the one before
  /// (logging why).
  bool SkipDamagedCheckpoint(const Status& failure);
  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }

  std::string job_id_;
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
  // First channel of each input of a stage within its gates.
  std::vector<std::vector<size_t>> input_offsets_;
  /// Sources end and the job drains (a stop without checkpoints).
  std::atomic<bool> stop_requested_{false};
  /// Stop() or Cancel() was called: no more restarts.
  std::atomic<bool> stop_called_{false};
  std::atomic<bool> cancel_called_{false};

  /// What one attempt (run) of the job uses; replaced on a restart while no
  /// subtask runs. The subtasks read them freely; callers from outside hold
  /// attempt_mutex_.
  mutable std::mutex attempt_mutex_;
  std::unique_ptr<CancellationFlag> cancellation_;
  // gates_[stage][subtask]; empty for stages that start at a source.
  std::vector<std::vector<std::unique_ptr<InputGate>>> gates_;
  std::vector<std::unique_ptr<Subtask>> subtasks_;
  /// Null without checkpoints.
  std::shared_ptr<CheckpointCoordinator> coordinator_;
  std::vector<std::thread> threads_;
  std::chrono::steady_clock::time_point attempt_started_;

  /// Checkpoints: settings, and the snapshot restored (with the directory its
  /// files are in).
  CheckpointSettings checkpoints_;
  std::vector<std::vector<std::string>> identities_;
  std::optional<JobSnapshot> restored_;
  std::string restored_directory_;
  int64_t restored_id_ = 0;
  /// The restored files' sizes and checksums, by their paths in the metadata.
  std::map<std::string, FileDigest> restored_digests_;
  /// Whether restored_ is the newest valid checkpoint in the job's checkpoint
  /// directory (rather than a savepoint or the snapshot the run started from),
  /// which a damaged state file makes the job skip.
  bool restored_latest_ = false;
  /// Checkpoints whose state files turned out damaged while restoring.
  std::set<int64_t> damaged_checkpoints_;
  /// What the run started from, and whether the attempt running is a
  /// restart.
  std::string start_directory_;
  bool restarted_attempt_ = false;
  /// Checkpoints with higher ids were taken by this execution of the job.
  int64_t checkpoint_floor_ = 0;
  std::optional<RestartStrategy> restart_strategy_;
  std::atomic<int64_t> restarts_{0};
  /// Per attempt: subtasks that restored their state, and whether records
  /// flowed since all had.
  std::atomic<size_t> restored_subtasks_{0};
  std::atomic<bool> first_records_{false};
  std::thread supervisor_;
  std::chrono::steady_clock::time_point started_;
  int64_t start_millis_ = 0;
  std::atomic<JobState> state_{JobState::kRunning};
  std::atomic<int64_t> duration_millis_{0};  // set when the job ended

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Status failure_;  // GUARDED_BY(mutex_)
  bool joined_ = false;
};

}  // namespace tiangong
