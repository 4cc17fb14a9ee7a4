#include "exec/checkpoint_coordinator.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/files.h"
#include "common/random.h"
#include "exec/job_snapshot.h"

namespace tiangong {
namespace {

constexpr size_t kHistory = 10;

}  // namespace

CheckpointCoordinator::CheckpointCoordinator(std::string job_id, std::string job_name,
                                             CheckpointSettings settings,
                                             std::vector<SubtaskIdentity> subtasks,
                                             int64_t restored_id,
                                             std::function<void(const Status&)> fail_job,
                                             std::function<void()> wake_sources)
    : job_id_(std::move(job_id)),
      job_name_(std::move(job_name)),
      settings_(std::move(settings)),
      subtasks_(std::move(subtasks)),
      storage_(settings_.directory, JobDirectoryName(job_name_)),
      fail_job_(std::move(fail_job)),
      wake_sources_(std::move(wake_sources)),
      restored_id_(restored_id),
      final_(subtasks_.size()) {
  Result<int64_t> highest = storage_.HighestId();
  last_id_ = std::max(restored_id, highest.ok() ? *highest : 0);
  last_trigger_ = last_completion_ = std::chrono::steady_clock::now();
}

CheckpointCoordinator::~CheckpointCoordinator() {
  Shutdown();
  if (thread_.joinable()) thread_.join();
}

void CheckpointCoordinator::Start() {
  thread_ = std::thread([this] { Run(); });
}

void CheckpointCoordinator::Shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shutdown_ = true;
  Status ended = Status::Cancelled("Job '{}' ended before the checkpoint was taken", job_name_);
  RejectRequests(ended);
  if (pending_ && pending_->request) pending_->request->outcome = ended;
  changed_.notify_all();
}

void CheckpointCoordinator::RejectRequests(const Status& status) {
  for (const std::shared_ptr<Request>& request : requests_) request->outcome = status;
  requests_.clear();
  changed_.notify_all();
}

CheckpointBarrier CheckpointCoordinator::triggered() const {
  int64_t id = triggered_id_.load(std::memory_order_acquire);
  return CheckpointBarrier{id, triggered_stop_.load(std::memory_order_acquire),
                           triggered_savepoint_.load(std::memory_order_acquire)};
}

int64_t CheckpointCoordinator::completed() const {
  return completed_.load(std::memory_order_acquire);
}

bool CheckpointCoordinator::job_finished() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return job_finished_;
}

std::optional<CompletedCheckpoint> CheckpointCoordinator::stopped_at() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopped_at_;
}

CheckpointStats CheckpointCoordinator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  CheckpointStats stats;
  stats.completed = num_completed_;
  stats.failed = num_failed_;
  stats.in_progress = pending_.has_value();
  stats.restored_id = restored_id_;
  stats.history.assign(history_.rbegin(), history_.rend());
  return stats;
}

void CheckpointCoordinator::Acknowledge(size_t ordinal, int64_t id,
                                        std::vector<OperatorSnapshot> snapshots) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A barrier of a checkpoint that was abandoned meanwhile is of no use.
  if (!pending_ || pending_->id != id || pending_->acks[ordinal]) return;
  pending_->acks[ordinal] = std::make_shared<std::vector<OperatorSnapshot>>(std::move(snapshots));
  if (--pending_->missing == 0) changed_.notify_all();
}

int64_t CheckpointCoordinator::Finished(size_t ordinal, std::vector<OperatorSnapshot> snapshots) {
  std::lock_guard<std::mutex> lock(mutex_);
  final_[ordinal] = std::make_shared<std::vector<OperatorSnapshot>>(std::move(snapshots));
  ++num_finished_;
  changed_.notify_all();
  if (!pending_ || pending_->acks[ordinal]) return last_id_;
  // The pending checkpoint takes the final state in place of the barrier that
  // will not come. Holding every subtask's final state, it is the job's last.
  pending_->acks[ordinal] = final_[ordinal];
  --pending_->missing;
  pending_->finished = num_finished_ == subtasks_.size() && pending_->acks == final_;
  return pending_->id - 1;
}

std::optional<int64_t> CheckpointCoordinator::AwaitCompletedAfter(int64_t after) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return completed_ > after || shutdown_; });
  if (completed_ > after) return completed_;
  return std::nullopt;
}

void CheckpointCoordinator::RequestStop() {
  auto request = std::make_shared<Request>();
  request->what.stop = true;
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(std::move(request));
  changed_.notify_all();
}

Result<CompletedCheckpoint> CheckpointCoordinator::TriggerAndWait(CheckpointRequest what) {
  auto request = std::make_shared<Request>();
  request->what = std::move(what);
  std::unique_lock<std::mutex> lock(mutex_);
  if (shutdown_) return Status::Cancelled("Job '{}' has ended", job_name_);
  requests_.push_back(request);
  changed_.notify_all();
  changed_.wait(lock, [&] { return request->outcome.has_value(); });
  return *request->outcome;
}

void CheckpointCoordinator::Trigger(bool finished, std::shared_ptr<Request> request) {
  bool stop = request && request->what.stop;
  stop_triggered_ = stop_triggered_ || stop;
  Pending pending;
  pending.id = ++last_id_;
  pending.stop = stop;
  pending.finished = finished;
  pending.request = std::move(request);
  pending.started = std::chrono::steady_clock::now();
  pending.acks = final_;
  pending.missing = subtasks_.size() - num_finished_;
  last_trigger_ = pending.started;
  if (!finished) {
    triggered_stop_.store(stop, std::memory_order_release);
    triggered_savepoint_.store(pending.request && pending.request->what.savepoint,
                               std::memory_order_release);
    triggered_id_.store(pending.id, std::memory_order_release);
  }
  pending_ = std::move(pending);
}

void CheckpointCoordinator::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!shutdown_) {
    auto now = std::chrono::steady_clock::now();
    if (pending_ && pending_->missing == 0) {
      Pending pending = std::move(*pending_);
      pending_.reset();
      lock.unlock();
      CompletedCheckpoint done;
      Status status = Write(pending, &done);
      if (!status.ok()) {
        Fail(pending, status.WithContext(fmt::format("writing checkpoint {}", pending.id)));
        lock.lock();
        continue;
      }
      lock.lock();
      ++num_completed_;
      consecutive_failures_ = 0;
      last_completion_ = std::chrono::steady_clock::now();
      // An intermediate savepoint commits nothing: sinks hear of the next
      // checkpoint instead.
      if (!done.savepoint || pending.stop) completed_ = pending.id;
      if (pending.stop) stopped_at_ = done;
      job_finished_ = job_finished_ || pending.finished;
      if (pending.request) pending.request->outcome = done;
      history_.push_back(std::move(done));
      if (history_.size() > kHistory) history_.pop_front();
      changed_.notify_all();
      continue;
    }
    if (pending_) {
      auto deadline = pending_->started + settings_.timeout;
      if (now < deadline) {
        changed_.wait_until(lock, deadline);
        continue;
      }
      Pending expired = std::move(*pending_);
      pending_.reset();
      lock.unlock();
      Fail(expired,
           Status::Timeout("Checkpoint {} expired before completing ({} of {} subtasks missing)",
                           expired.id, expired.missing, subtasks_.size()));
      lock.lock();
      continue;
    }
    if (job_finished_ || stop_triggered_) {
      RejectRequests(Status::Invalid("Job '{}' is {}: it takes no more checkpoints", job_name_,
                                     job_finished_ ? "finished" : "stopping"));
      changed_.wait(lock);
      continue;
    }
    if (num_finished_ == subtasks_.size()) {
      Trigger(true, nullptr);
      continue;
    }
    if (!requests_.empty()) {
      std::shared_ptr<Request> request = std::move(requests_.front());
      requests_.pop_front();
      Trigger(false, std::move(request));
      wake_sources_();
      continue;
    }
    auto next =
        std::max(last_trigger_ + settings_.interval, last_completion_ + settings_.min_pause);
    if (now >= next) {
      Trigger(false, nullptr);
      wake_sources_();
      continue;
    }
    changed_.wait_until(lock, next);
  }
}

Result<std::string> CheckpointCoordinator::CreateDirectory(const Pending& pending) const {
  if (!pending.request || !pending.request->what.savepoint) {
    return storage_.CreateCheckpointDirectory(pending.id);
  }
  std::string directory = fmt::format("{}/savepoint-{}-{}", pending.request->what.target_directory,
                                      job_id_.substr(0, 6), RandomHex(12));
  RETURN_NOT_OK(CreateDirectories(directory));
  return directory;
}

Status CheckpointCoordinator::Write(const Pending& pending, CompletedCheckpoint* completed) {
  auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RAISE(std::string directory, CreateDirectory(pending));
  bool savepoint = pending.request && pending.request->what.savepoint;
  Status status = WriteInto(directory, pending, savepoint, completed);
  if (!status.ok()) {
    if (savepoint) {
      // A savepoint that failed leaves nothing behind.
      std::error_code ignored;
      std::filesystem::remove_all(directory, ignored);
    }
    return status;
  }
  spdlog::info("Job '{}': {} {} complete at {} ({} bytes, {} of them new, {} ms, written in {} ms)",
               job_name_, savepoint ? "savepoint" : "checkpoint", pending.id, directory,
               completed->bytes, completed->new_bytes, completed->duration.count(),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
  return Status::OK();
}

Status CheckpointCoordinator::WriteInto(const std::string& directory, const Pending& pending,
                                        bool savepoint, CompletedCheckpoint* completed) {
  JobSnapshot snapshot;
  snapshot.finished = pending.finished;
  CheckpointMetadata metadata;
  metadata.id = pending.id;
  metadata.savepoint = savepoint;
  // Checkpoints may share files (incremental RocksDB checkpoints); a
  // savepoint stands on its own.
  std::string shared;
  if (!savepoint) {
    ASSIGN_OR_RAISE(shared, storage_.CreateSharedDirectory());
  }
  metadata.timestamp_millis = WallClockMicros() / 1000;
  metadata.job_name = job_name_;
  int64_t bytes = 0;
  int64_t reused = 0;  // in shared files earlier checkpoints wrote
  for (size_t ordinal = 0; ordinal < subtasks_.size(); ++ordinal) {
    const SubtaskIdentity& identity = subtasks_[ordinal];
    std::vector<OperatorSnapshot>& snapshots = *pending.acks[ordinal];
    if (snapshots.size() != identity.operator_ids.size()) {
      return Status::Internal("subtask {} handed in {} snapshots for {} operators", ordinal,
                              snapshots.size(), identity.operator_ids.size());
    }
    for (size_t i = 0; i < snapshots.size(); ++i) {
      OperatorSnapshot& operator_snapshot = snapshots[i];
      if (!operator_snapshot.keyed_state && operator_snapshot.values.empty()) continue;
      const std::string& operator_id = identity.operator_ids[i];
      SavedOperator& saved = snapshot.operators[operator_id];
      saved.parallelism = identity.parallelism;
      SavedInstance& instance = saved.instances.emplace_back();
      instance.subtask = identity.subtask;
      instance.values = operator_snapshot.values;
      for (const auto& [name, value] : instance.values) bytes += static_cast<int64_t>(value.size());
      if (!operator_snapshot.keyed_state) continue;
      ASSIGN_OR_RAISE(std::vector<StoredFile> written,
                      operator_snapshot.keyed_state->Write(
                          directory, fmt::format("{}-{}", operator_id, identity.subtask), shared));
      for (const StoredFile& written_file : written) {
        bool written_before = false;
        ASSIGN_OR_RAISE(CheckpointFile file,
                        DescribeFile(directory, written_file, !shared.empty(), &written_before));
        bytes += static_cast<int64_t>(file.size);
        if (written_before) reused += static_cast<int64_t>(file.size);
        instance.files.push_back(file.path);
        metadata.files.push_back(std::move(file));
      }
    }
  }
  metadata.payload = snapshot.Encode();
  if (savepoint) {
    RETURN_NOT_OK(CheckpointStorage::WriteMetadata(directory, metadata));
  } else {
    RETURN_NOT_OK(storage_.Complete(metadata));
    RETURN_NOT_OK(storage_.Prune(settings_.num_retained));
  }
  completed->id = pending.id;
  completed->timestamp_millis = metadata.timestamp_millis;
  completed->duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - pending.started);
  completed->bytes = bytes + static_cast<int64_t>(metadata.payload.size());
  completed->new_bytes = completed->bytes - reused;
  completed->savepoint = savepoint;
  completed->finished = pending.finished;
  completed->path = directory;
  return Status::OK();
}

Result<CheckpointFile> CheckpointCoordinator::DescribeFile(const std::string& directory,
                                                           const StoredFile& written,
                                                           bool may_be_shared,
                                                           bool* written_before) {
  // "<file>", or "../shared/<file>" for a file checkpoints share.
  std::string name = std::filesystem::path(written.path).lexically_relative(directory).string();
  auto describe = [&]() -> Result<CheckpointFile> {
    if (!written.digest) return CheckpointStorage::DescribeFile(directory, name);
    return CheckpointFile{name, written.digest->size, written.digest->checksum};
  };
  bool shared = may_be_shared && name.rfind("../", 0) == 0;
  if (!shared) return describe();
  // A shared file never changes: its size and checksum are computed once.
  std::string key = std::filesystem::path(name).filename().string();
  auto it = shared_files_.find(key);
  *written_before = it != shared_files_.end();
  if (it == shared_files_.end()) {
    ASSIGN_OR_RAISE(CheckpointFile file, describe());
    it = shared_files_.emplace(key, std::move(file)).first;
  }
  CheckpointFile file = it->second;
  file.path = name;
  return file;
}

void CheckpointCoordinator::Fail(const Pending& pending, const Status& status) {
  bool savepoint = pending.request && pending.request->what.savepoint;
  spdlog::warn("Job '{}': {} {} failed: {}", job_name_, savepoint ? "savepoint" : "checkpoint",
               pending.id, status.message());
  int failures = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending.request) {
      pending.request->outcome = status;
      changed_.notify_all();
    }
    // A checkpoint that fails as the job ends (its state going away) fails
    // nothing more.
    if (shutdown_) return;
    ++num_failed_;
    if (!pending.request) {
      failures = ++consecutive_failures_;
    }
  }
  // The sources of a stop have ended; the final checkpoint is the last.
  if (pending.stop || pending.finished) {
    fail_job_(status);
  } else if (failures > settings_.tolerable_failures) {
    fail_job_(Status::Aborted(
        "Exceeded checkpoint tolerable failure threshold ({} failed in a row, "
        "'execution.checkpointing.tolerable-failed-checkpoints' = {}); the last: {}",
        failures, settings_.tolerable_failures, status.message()));
  }
}

}  // namespace tiangong
