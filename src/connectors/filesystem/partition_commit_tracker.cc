#include "connectors/filesystem/partition_commit_tracker.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace tiangong {

PartitionCommitTracker::PartitionCommitTracker(std::string table_name, std::string root,
                                               std::string default_partition_name,
                                               PartitionCommitSettings settings)
    : table_name_(std::move(table_name)),
      root_(std::move(root)),
      default_partition_name_(std::move(default_partition_name)),
      settings_(std::move(settings)) {}

void PartitionCommitTracker::Reset(int parallelism) {
  writers_.assign(static_cast<size_t>(parallelism), Writer{});
  closed_writers_ = 0;
  watermark_ = INT64_MIN;
  pending_.clear();
}

void PartitionCommitTracker::AddWriter(int subtask, int parallelism) {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<size_t>(parallelism) != writers_.size() ||
      closed_writers_ == static_cast<int>(writers_.size())) {
    Reset(parallelism);
  }
  writers_[static_cast<size_t>(subtask)] = Writer{};
}

Status PartitionCommitTracker::FileOpened(int subtask, const std::string& partition,
                                          const std::vector<std::string>& values,
                                          int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(partition);
  if (it == pending_.end()) {
    Partition state;
    state.first_written_micros = now_micros;
    bool has_time =
        std::find(values.begin(), values.end(), default_partition_name_) == values.end();
    // Without a time, only the end of input (the highest watermark) commits it.
    state.commit_watermark = INT64_MAX;
    if (settings_.trigger == PartitionCommitTrigger::kPartitionTime && has_time) {
      Result<int64_t> local = settings_.time_extractor->Extract(values);
      if (!local.ok()) {
        return Status::DataError(
            "Table {}: cannot extract the time of partition '{}' for the partition-time commit "
            "trigger (option 'partition.time-extractor.timestamp-pattern'): {}",
            table_name_, partition, local.status().message());
      }
      int64_t delay = settings_.delay.count();
      state.commit_watermark = settings_.watermark_time_zone.ToUtc(*local) + delay;
    }
    it = pending_.emplace(partition, std::move(state)).first;
  }
  it->second.open_files.insert(subtask);
  return Status::OK();
}

Status PartitionCommitTracker::FileClosed(int subtask, const std::string& partition,
                                          int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(partition);
  if (it == pending_.end()) return Status::OK();
  Partition& state = it->second;
  auto file = state.open_files.find(subtask);
  if (file != state.open_files.end()) state.open_files.erase(file);
  if (state.open_files.empty() && TriggerAllows(state, now_micros)) {
    RETURN_NOT_OK(Commit(partition));
    pending_.erase(it);
  }
  return Status::OK();
}

Status PartitionCommitTracker::AdvanceWatermark(int subtask, int64_t watermark,
                                                int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  Writer& writer = writers_[static_cast<size_t>(subtask)];
  if (writer.finished || watermark <= writer.watermark) return Status::OK();
  writer.watermark = watermark;
  int64_t lowest = INT64_MAX;
  for (const Writer& each : writers_) {
    if (!each.finished) lowest = std::min(lowest, each.watermark);
  }
  if (lowest <= watermark_) return Status::OK();
  watermark_ = lowest;
  if (settings_.trigger != PartitionCommitTrigger::kPartitionTime) return Status::OK();
  return CommitReady(now_micros);
}

Status PartitionCommitTracker::AdvanceProcessingTime(int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  if (settings_.trigger != PartitionCommitTrigger::kProcessTime || pending_.empty()) {
    return Status::OK();
  }
  return CommitReady(now_micros);
}

Status PartitionCommitTracker::WriterFinished(int subtask, int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  writers_[static_cast<size_t>(subtask)].finished = true;
  bool all_finished = std::all_of(writers_.begin(), writers_.end(),
                                  [](const Writer& writer) { return writer.finished; });
  if (all_finished) {
    watermark_ = INT64_MAX;
    // The end of input commits what the trigger still holds back.
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (!it->second.open_files.empty()) {
        ++it;
        continue;
      }
      RETURN_NOT_OK(Commit(it->first));
      it = pending_.erase(it);
    }
    return Status::OK();
  }
  int64_t lowest = INT64_MAX;
  for (const Writer& each : writers_) {
    if (!each.finished) lowest = std::min(lowest, each.watermark);
  }
  watermark_ = std::max(watermark_, lowest);
  return CommitReady(now_micros);
}

void PartitionCommitTracker::WriterClosed(int subtask) {
  std::lock_guard<std::mutex> lock(mu_);
  Writer& writer = writers_[static_cast<size_t>(subtask)];
  if (writer.closed) return;
  writer.closed = true;
  ++closed_writers_;
}

int64_t PartitionCommitTracker::num_commits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return num_commits_;
}

bool PartitionCommitTracker::TriggerAllows(const Partition& partition, int64_t now_micros) const {
  if (settings_.trigger == PartitionCommitTrigger::kProcessTime) {
    return now_micros >= partition.first_written_micros + settings_.delay.count();
  }
  return watermark_ >= partition.commit_watermark;
}

Status PartitionCommitTracker::CommitReady(int64_t now_micros) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!it->second.open_files.empty() || !TriggerAllows(it->second, now_micros)) {
      ++it;
      continue;
    }
    RETURN_NOT_OK(Commit(it->first));
    it = pending_.erase(it);
  }
  return Status::OK();
}

Status PartitionCommitTracker::Commit(const std::string& partition) {
  std::string path =
      (std::filesystem::path(root_) / partition / settings_.success_file_name).string();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr || std::fclose(file) != 0) {
    return Status::IOError("Table {}: cannot write the success file '{}' of partition '{}': {}",
                           table_name_, path, partition, std::strerror(errno));
  }
  ++num_commits_;
  return Status::OK();
}

}  // namespace tiangong
