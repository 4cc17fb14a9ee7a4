// What a job restores: picking the checkpoint or savepoint, and dealing its
// source splits and operator state out to the subtasks (JobExecution).

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "exec/job_execution.h"
#include "exec/job_subtask.h"
#include "exec/key_groups.h"
#include "types/key_encoder.h"

namespace tiangong {

Status JobExecution::ChooseRestore(bool restart) {
  std::optional<CheckpointMetadata> metadata;
  std::string directory;
  bool latest_checkpoint = false;
  if (checkpoints_.enabled()) {
    CheckpointStorage storage(checkpoints_.directory, JobDirectoryName(job_name_));
    if (!restart) {
      Result<int64_t> highest = storage.HighestId();
      checkpoint_floor_ = highest.ok() ? *highest : 0;
    }
    if (restart || checkpoints_.savepoint_path.empty()) {
      ASSIGN_OR_RAISE(std::optional<CheckpointMetadata> latest,
                      storage.LatestValid(damaged_checkpoints_));
      if (latest && (!restart || latest->id > checkpoint_floor_)) {
        directory = storage.CheckpointDirectory(latest->id);
        metadata = std::move(latest);
        latest_checkpoint = true;
      }
    }
  }
  if (!metadata) {
    // A restart goes back to what the last attempt restored, unless that
    // turned out damaged: then to what the run started from.
    std::string path = restart ? restored_directory_ : checkpoints_.savepoint_path;
    if (restart && restored_latest_ && damaged_checkpoints_.count(restored_id_) != 0) {
      path = start_directory_;
    }
    if (!path.empty()) {
      Result<CheckpointMetadata> loaded = CheckpointStorage::Load(path);
      if (!loaded.ok()) {
        return loaded.status().WithContext(
            fmt::format("Job '{}': cannot restore from '{}'", job_name_, path));
      }
      metadata = std::move(*loaded);
      std::filesystem::path given(path);
      directory = given.filename() == "_metadata" ? given.parent_path().string() : given.string();
    }
  }
  restored_.reset();
  restored_directory_ = directory;
  restored_id_ = 0;
  restored_digests_.clear();
  restored_latest_ = latest_checkpoint;
  restarted_attempt_ = restart;
  if (!restart) start_directory_ = directory;
  if (!metadata) return Status::OK();
  checkpoint_floor_ = std::max(checkpoint_floor_, metadata->id);
  Result<JobSnapshot> snapshot = JobSnapshot::Decode(metadata->payload);
  if (!snapshot.ok()) {
    return snapshot.status().WithContext(
        fmt::format("Job '{}': cannot restore from '{}'", job_name_, restored_directory_));
  }
  restored_ = std::move(*snapshot);
  restored_id_ = metadata->id;
  for (const CheckpointFile& file : metadata->files) {
    restored_digests_[file.path] = FileDigest{file.size, file.checksum};
  }
  spdlog::info("Job '{}' restores from {} {} in '{}'", job_name_,
               metadata->savepoint ? "savepoint" : "checkpoint", metadata->id, restored_directory_);
  return Status::OK();
}

bool JobExecution::SkipDamagedCheckpoint(const Status& failure) {
  if (failure.code() != StatusCode::kDataLoss || !restored_latest_) return false;
  // A checkpoint found damaged once is never tried again.
  if (!damaged_checkpoints_.insert(restored_id_).second) return false;
  spdlog::warn("Skipping checkpoint {} in '{}': {}; trying the one before", restored_id_,
               restored_directory_, failure.message());
  return true;
}

Status JobExecution::CheckAllStateClaimed() const {
  if (!restored_ || checkpoints_.allow_non_restored_state) return Status::OK();
  std::set<std::string> known;
  for (const auto& stage_ids : identities_) known.insert(stage_ids.begin(), stage_ids.end());
  for (const auto& [id, saved] : restored_->operators) {
    if (known.count(id) == 0) {
      return Status::Invalid(
          "Job '{}': cannot map the state of operator '{}' in '{}' to the job, which has no "
          "operator of that identity; to start without it, set "
          "'execution.savepoint.ignore-unclaimed-state' = 'true' (--allow-non-restored-state)",
          job_name_, id, restored_directory_);
    }
  }
  return Status::OK();
}

Result<std::vector<std::vector<SourceSplit>>> JobExecution::AssignSplits(const Stage& stage) {
  std::vector<std::vector<SourceSplit>> assigned(stage.parallelism);
  const std::string& id = identities_[stage.id][0];
  const SavedOperator* saved = nullptr;
  if (restored_) {
    auto it = restored_->operators.find(id);
    if (it != restored_->operators.end()) saved = &it->second;
  }
  if (saved == nullptr) {
    ASSIGN_OR_RAISE(std::vector<SourceSplit> splits, stage.source->CreateSplits(stage.parallelism));
    for (size_t s = 0; s < splits.size(); ++s) {
      std::optional<int> owner = stage.source->OwnerOfSplit(splits[s], stage.parallelism);
      size_t target = owner ? static_cast<size_t>(*owner) : s % stage.parallelism;
      assigned[target].push_back(std::move(splits[s]));
    }
    return assigned;
  }
  // At the same parallelism each subtask takes up its own splits; otherwise
  // they are dealt out again.
  size_t next = 0;
  for (const SavedInstance& instance : saved->instances) {
    auto it = instance.values.find(kSplitsValue);
    if (it == instance.values.end()) continue;
    ASSIGN_OR_RAISE(std::vector<SourceSplit> splits, DecodeSplits(it->second));
    for (SourceSplit& split : splits) {
      size_t target = static_cast<size_t>(instance.subtask);
      if (saved->parallelism != stage.parallelism) {
        std::optional<int> owner = stage.source->OwnerOfSplit(split, stage.parallelism);
        target =
            owner ? static_cast<size_t>(*owner) : next++ % static_cast<size_t>(stage.parallelism);
      }
      assigned[target].push_back(std::move(split));
    }
  }
  return assigned;
}

Status JobExecution::AssignRestoredState(Subtask* subtask) {
  const Stage& stage = *subtask->stage;
  const std::vector<std::string>& ids = identities_[stage.id];
  subtask->restored.resize(ids.size());
  if (!restored_) return Status::OK();
  for (size_t slot = 0; slot < ids.size(); ++slot) {
    auto it = restored_->operators.find(ids[slot]);
    if (it == restored_->operators.end()) continue;
    const SavedOperator& saved = it->second;
    bool rescaled = saved.parallelism != stage.parallelism;
    RestoredOperatorState state;
    for (const SavedInstance& instance : saved.instances) {
      if (!rescaled && instance.subtask != subtask->index) continue;
      for (const std::string& file : instance.files) {
        StoredFile& stored = state.keyed_state_files.emplace_back();
        stored.path = fmt::format("{}/{}", restored_directory_, file);
        auto digest = restored_digests_.find(file);
        if (digest != restored_digests_.end()) stored.digest = digest->second;
      }
      for (const auto& [name, value] : instance.values) state.values[name].push_back(value);
    }
    if (rescaled) {
      state.restores_unkeyed = subtask->index == 0;
      state.owns_key = [index = subtask->index,
                        parallelism = stage.parallelism](std::string_view grouping_key) {
        int group = KeyGroupOf(HashKey(grouping_key), kDefaultMaxParallelism);
        return SubtaskOfKeyGroup(group, parallelism, kDefaultMaxParallelism) == index;
      };
    }
    subtask->restored[slot] = std::move(state);
  }
  return Status::OK();
}

}  // namespace tiangong
