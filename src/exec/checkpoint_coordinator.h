#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
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

/// A completed checkpoint, for status reports.
struct CompletedCheckpoint {
  int64_t id = 0;
  int64_t timestamp_millis = 0;
  std::chrono::milliseconds duration{0};
  int64_t bytes = 0;
  bool finished = false;
  std::string path;
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
///
/// Thread-safety: all methods may be called from any thread.
class CheckpointCoordinator {
 public:
  /// `restored_id`: the id of the checkpoint the job restored from (0: none).
  /// New ids count on from it, or from the highest in the job's directory if
  /// that is higher (so a new checkpoint never reuses a damaged one's
  /// directory). `fail_job` is called
  /// when too many checkpoints failed; `wake_sources` when a trigger is raised.
  CheckpointCoordinator(std::string job_name, CheckpointSettings settings,
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
  /// The job's finished checkpoint completed.
  bool job_finished() const;
  const CheckpointStorage& storage() const { return storage_; }
  std::vector<CompletedCheckpoint> history() const;

 private:
  using Snapshots = std::shared_ptr<std::vector<OperatorSnapshot>>;
  struct Pending {
    int64_t id = 0;
    bool stop = false;
    bool finished = false;
    std::chrono::steady_clock::time_point started;
    std::vector<Snapshots> acks;
    size_t missing = 0;
  };

  void Run();
  /// Starts checkpoint `id`. REQUIRES: mutex_ held, no pending checkpoint.
  void Trigger(bool stop, bool finished);
  /// Writes the pending checkpoint, which has every ack. Called without the lock.
  Status Write(const Pending& pending, CompletedCheckpoint* completed);
  /// Counts a failed checkpoint and fails the job past the tolerance.
  void CountFailure(int64_t id, const Status& status);

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
  bool stop_requested_ = false;  // GUARDED_BY(mutex_)
  bool job_finished_ = false;    // GUARDED_BY(mutex_)
  int64_t last_id_;              // GUARDED_BY(mutex_)
  // Read without the lock (sources poll them; a source waiting under its
  // job's lock checks them); written under it, the stop flag before the id.
  std::atomic<int64_t> triggered_id_{0};
  std::atomic<bool> triggered_stop_{false};
  std::atomic<int64_t> completed_{0};
  std::optional<Pending> pending_;                         // GUARDED_BY(mutex_)
  std::vector<Snapshots> final_;                           // GUARDED_BY(mutex_); per subtask
  size_t num_finished_ = 0;                                // GUARDED_BY(mutex_)
  int consecutive_failures_ = 0;                           // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point last_trigger_;     // GUARDED_BY(mutex_)
  std::chrono::steady_clock::time_point last_completion_;  // GUARDED_BY(mutex_)
  std::deque<CompletedCheckpoint> history_;                // GUARDED_BY(mutex_)
};

}  // namespace tiangong
