#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "exec/checkpoint_settings.h"
#include "exec/operator_state.h"
#include "exec/stream_element.h"
#include "state/checkpoint_storage.h"

namespace tiangong {

/// Who a subtask is, for the checkpoint: the identities of the operators whose
/// snapshots it hands in (in order), its index and its stage's parallelism.
struct SubtaskIdentity {
  std::vector<std::string> operator_ids;
  int subtask = 0;
  int parallelism = 1;
};

/// A completed checkpoint or savepoint, for status reports.
struct CompletedCheckpoint {
  int64_t id = 0;
  int64_t timestamp_millis = 0;
  std::chrono::milliseconds duration{0};
  /// Its whole size, and what it wrote that earlier checkpoints had not
  /// (less with incremental RocksDB checkpoints).
  int64_t bytes = 0;
  int64_t new_bytes = 0;
  bool savepoint = false;
  bool finished = false;
  /// Its directory.
  std::string path;
};

/// A checkpoint asked for now rather than by the interval: by the job control
/// endpoint, or to stop the job.
struct CheckpointRequest {
  /// A savepoint is a self-contained directory "savepoint-<job>-<random>"
  /// under `target_directory`, never pruned. One that does not stop the job
  /// (an intermediate savepoint) does not let sinks commit, as in Flink: their
  /// pending output is committed by the next checkpoint.
  bool savepoint = false;
  std::string target_directory;
  /// Sources end after its barrier; once it completes, the job ends.
  bool stop = false;
};

/// Checkpoint figures for status and metrics.
struct CheckpointStats {
  int64_t completed = 0;
  int64_t failed = 0;
  bool in_progress = false;
  /// The checkpoint or savepoint the job started from (0: none).
  int64_t restored_id = 0;
  /// The newest first.
  std::vector<CompletedCheckpoint> history;
};

/// Triggers a job's checkpoints and completes them (Flink's checkpoint
/// coordinator, for one process).
///
/// Every interval (no sooner than min-pause after the previous one completed,
/// never two at once) it raises the trigger that the source subtasks watch:
/// each injects a barrier with the new id. Every subtask hands in the snapshots
/// of its operators when the barrier has passed it (Acknowledge). A subtask
/// whose input has ended hands in its final snapshots once (Finished); they
/// stand for it in every later checkpoint. When all are in, the coordinator's
/// thread writes the state files and the _metadata (asynchronously to the
/// subtasks, which go on processing), prunes old checkpoints and announces the
/// completion. Once every subtask has finished, it takes the job's last,
/// "finished" checkpoint, which lets the sinks commit their last output.
///
/// A checkpoint that times out or cannot be written is abandoned with a
/// warning; more than 'tolerable-failed-checkpoints' in a row fail the job.
/// Requested checkpoints and savepoints (TriggerAndWait) go before the next
/// periodic one; their failures are reported to whoever asked and do not count
/// against the tolerance, except a failed stop, which fails the job (its
/// sources have ended).
///
/// Thread-safety: all methods may be called from any thread.
class CheckpointCoordinator {
 public:
  /// `restored_id`: the id of the checkpoint the job restored from (0: none).
  /// New ids count on from it, or from the highest in the job's directory if
  /// that is higher (so a new checkpoint never reuses a damaged one's
  /// directory). `fail_job` is called
  /// when too many checkpoints failed; `wake_sources` when a trigger is raised.
  CheckpointCoordinator(std::string job_id, std::string job_name, CheckpointSettings settings,
                        std::vector<SubtaskIdentity> subtasks, int64_t restored_id,
                        std::function<void(const Status&)> fail_job,
                        std::function<void()> wake_sources);
  ~CheckpointCoordinator();

  void Start();
  /// Stops the thread; waiters get nullopt.
  void Shutdown();

  /// The barrier sources must have injected: id 0 before the first trigger.
  CheckpointBarrier triggered() const;
  /// Subtask `ordinal` (an index into the identities) passed barrier `id`.
  void Acknowledge(size_t ordinal, int64_t id, std::vector<OperatorSnapshot> snapshots);
  /// Subtask `ordinal` processed all its input; `snapshots` is its final state.
  /// Returns the id after which a completed checkpoint includes that state.
  int64_t Finished(size_t ordinal, std::vector<OperatorSnapshot> snapshots);
  /// Blocks until a checkpoint with an id above `after` completes and returns
  /// its id; nullopt when the coordinator shuts down first.
  std::optional<int64_t> AwaitCompletedAfter(int64_t after);
  /// The newest completed id (0: none yet).
  int64_t completed() const;
  /// Takes a checkpoint now that stops the job: sources end after its barrier.
  void RequestStop();
  /// Takes the checkpoint or savepoint asked for as soon as no other is in
  /// progress, and blocks until it completes; fails with the reason when it
  /// cannot be taken (the job ended, or is stopping) or did not complete.
  Result<CompletedCheckpoint> TriggerAndWait(CheckpointRequest request);
  /// The job's finished checkpoint completed.
  bool job_finished() const;
  /// The checkpoint or savepoint the job stopped at, once it completed.
  std::optional<CompletedCheckpoint> stopped_at() const;
  const CheckpointStorage& storage() const { return storage_; }
  CheckpointStats stats() const;

 private:
  using Snapshots = std::shared_ptr<std::vector<OperatorSnapshot>>;
  struct Request {
    CheckpointRequest what;
    std::optional<Result<CompletedCheckpoint>> outcome;  // GUARDED_BY(mutex_)
  };
  struct Pending {
    int64_t id = 0;
    bool stop = false;
    bool finished = false;
    /// Null for periodic and final checkpoints.
    std::shared_ptr<Request> request;
    std::chrono::steady_clock::time_point started;
    std::vector<Snapshots> acks;
    size_t missing = 0;
  };

  void Run();
  /// Starts the next checkpoint. REQUIRES: mutex_ held, no pending checkpoint.
  void Trigger(bool finished, std::shared_ptr<Request> request);
  /// Writes the pending checkpoint, which has every ack. Called without the lock.
  Status Write(const Pending& pending, CompletedCheckpoint* completed);
  Status WriteInto(const std::string& directory, const Pending& pending, bool savepoint,
                   CompletedCheckpoint* completed);
  /// A written file as the checkpoint lists it: its path relative to
  /// `directory`, its size and checksum (read from the file unless its writer
  /// computed them). Those of files in the shared directory are remembered,
  /// and `written_before` says whether an earlier checkpoint had the file.
  Result<CheckpointFile> DescribeFile(const std::string& directory, const StoredFile& written,
                                      bool may_be_shared, bool* written_before);
  /// Where the pending checkpoint's files and _metadata go.
  Result<std::string> CreateDirectory(const Pending& pending) const;
  /// Reports a failed checkpoint: to its requester, else against the
  /// tolerance (failing the job past it); a failed stop or final checkpoint
  /// fails the job. Called without the lock.
  void Fail(const Pending& pending, const Status& status);
  /// Answers every queued request with `status`. REQUIRES: mutex_ held.
  void RejectRequests(const Status& status);

  const std::string job_id_;
  const std::string job_name_;
  const CheckpointSettings settings_;
  const std::vector<SubtaskIdentity> subtasks_;
  const CheckpointStorage storage_;
  std::function<void(const Status&)> fail_job_;
  std::function<void()> wake_sources_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::thread thread_;
  bool shutdown_ = false;        // GUARDED_BY(mutex_)
  bool stop_triggered_ = false;  // GUARDED_BY(mutex_)
  bool job_finished_ = false;    // GUARDED_BY(mutex_)
  int64_t last_id_;              // GUARDED_BY(mutex_)
  const int64_t restored_id_;
  // Read without the lock (sources poll them; a source waiting under its
  // job's lock checks them); written under it, the stop flag before the id.
  std::atomic<int64_t> triggered_id_{0};
  std::atomic<bool> triggered_stop_{false};
  std::atomic<bool> triggered_savepoint_{false};
  std::atomic<int64_t> completed_{0};
  std::optional<Pending> pending_;                         // GUARDED_BY(mutex_)
  std::vector<Snapshots> final_;                           // GUARDED_BY(mutex_); per subtask
  size_t num_finished_ = 0;                                // GUARDED_BY(mutex_)
  std::deque<std::shared_ptr<Request>> requests_;          // GUARDED_BY(mutex_)
  int consecutive_failures_ = 0;                           // GUARDED_BY(mutex_)
  int64_t num_completed_ = 0;                              // GUARDED_BY(mutex_)
  int64_t num_failed_ = 0;                                 // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point last_trigger_;     // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point last_completion_;  // GUARDED_BY(mutex_)
  std::deque<CompletedCheckpoint> history_;                // GUARDED_BY(mutex_)
  /// Shared files described so far, by name; used by the coordinator's thread.
  std::map<std::string, CheckpointFile> shared_files_;
  std::optional<CompletedCheckpoint> stopped_at_;  // GUARDED_BY(mutex_)
};

}  // namespace tiangong
