#include "exec/job_execution.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <new>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/random.h"
#include "exec/calc_operator.h"
#include "exec/changelog_normalize_operator.h"
#include "exec/correlate_operator.h"
#include "exec/exchange_output.h"
#include "exec/group_aggregate_operator.h"
#include "exec/job_subtask.h"
#include "exec/join_operator.h"
#include "exec/lookup_join_operator.h"
#include "exec/over_aggregate_operator.h"
#include "exec/rank_operator.h"
#include "exec/sink_operator.h"
#include "exec/sort_merge_join_operator.h"
#include "exec/sort_operator.h"
#include "exec/source_watermarks.h"
#include "exec/temporal_join_operator.h"
#include "exec/window_aggregate_operator.h"
#include "exec/window_table_function_operator.h"

namespace tiangong {

namespace {

constexpr auto kProcessingTimeTick = std::chrono::milliseconds(100);

}  // namespace

namespace {

// The output of a stage that ends in a sink: nothing follows.
class NoOutput final : public Output {
 public:
  Status Emit(Batch batch) override { return Status::Internal("a sink has no output"); }
  Status EmitWatermark(Watermark watermark) override { return Status::OK(); }
  Status Finish() override { return Status::OK(); }
};

}  // namespace

Result<std::unique_ptr<JobExecution>> JobExecution::Start(const sql::PlannedJob& job,
                                                          ExecutionOptions options) {
  std::unique_ptr<JobExecution> execution(new JobExecution());
  execution->job_id_ = RandomHex(32);
  execution->options_ = std::move(options);
  RETURN_NOT_OK(execution->Prepare(job));
  execution->started_ = std::chrono::steady_clock::now();
  execution->start_millis_ = WallClockMicros() / 1000;
  execution->Launch();
  JobExecution* raw = execution.get();
  execution->supervisor_ = std::thread([raw] { raw->Supervise(); });
  return execution;
}

JobExecution::~JobExecution() {
  if (!joined_) {
    Cancel();
    if (supervisor_.joinable()) supervisor_.join();
  }
  // Its thread wakes sources through this object's mutex: it ends first.
  coordinator_.reset();
  RemoveStateDirectory();
}

Status JobExecution::Prepare(const sql::PlannedJob& job) {
  job_name_ = job.name;
  function_context_ = job.function_context;
  config_ = job.config;
  // 'state.backend' is the key's older name.
  state_backend_.type =
      job.config.GetString("state.backend.type", job.config.GetString("state.backend", "hashmap"));
  if (state_backend_.type != "hashmap" && state_backend_.type != "rocksdb") {
    return Status::Invalid(
        "Unknown state backend '{}' for 'state.backend.type' (use hashmap or rocksdb)",
        state_backend_.type);
  }
  if (state_backend_.type == "rocksdb") {
    // Each operator instance keeps its database under the job's directory.
    static std::atomic<int> jobs{0};
    std::string root =
        job.config.GetString("state.backend.rocksdb.localdir",
                             (std::filesystem::temp_directory_path() / "tiangong-state").string());
    state_directory_ = fmt::format("{}/job-{}-{}-{}", root, getpid(), jobs.fetch_add(1),
                                   std::chrono::steady_clock::now().time_since_epoch().count());
    ASSIGN_OR_RAISE(state_backend_.memory_bytes,
                    job.config.GetMemorySize("state.backend.rocksdb.memory.fixed-per-slot",
                                             state_backend_.memory_bytes));
    ASSIGN_OR_RAISE(
        state_backend_.cached_values,
        job.config.GetInt("tiangong.state.rocksdb.cached-values", state_backend_.cached_values));
    if (state_backend_.cached_values < 1) {
      return Status::Invalid("'tiangong.state.rocksdb.cached-values' must be at least 1, not {}",
                             state_backend_.cached_values);
    }
  }
  ASSIGN_OR_RAISE(idle_timeout_, job.config.GetDuration("table.exec.source.idle-timeout",
                                                        std::chrono::milliseconds(0)));
  ASSIGN_OR_RAISE(int64_t batch_size, job.config.GetInt("tiangong.exec.batch-size", 1024));
  if (batch_size < 1) {
    return Status::Invalid("'tiangong.exec.batch-size' must be at least 1, but is {}", batch_size);
  }
  batch_size_ = static_cast<size_t>(batch_size);
  ASSIGN_OR_RAISE(stages_, BuildStages(job.physical_roots));
  if (job.is_query && !options_.collect_sink) {
    return Status::Internal("a query needs a collect sink to return its rows to");
  }
  input_offsets_.resize(stages_.size());
  for (const Stage& stage : stages_) {
    size_t channels = 0;
    for (const StageInput& input : stage.inputs) {
      input_offsets_[stage.id].push_back(channels);
      channels += input.distribution == sql::Distribution::kForward
                      ? 1
                      : static_cast<size_t>(stages_[input.upstream_stage].parallelism);
    }
  }
  identities_ = OperatorIdentities(stages_);
  RETURN_NOT_OK(PrepareCheckpoints(job));
  return PrepareAttempt(/*restart=*/false);
}

Status JobExecution::PrepareAttempt(bool restart) {
  auto cancellation = std::make_unique<CancellationFlag>();
  std::vector<std::vector<std::unique_ptr<InputGate>>> gates(stages_.size());
  for (const Stage& stage : stages_) {
    if (stage.inputs.empty()) continue;
    size_t channels = 0;
    for (const StageInput& input : stage.inputs) {
      channels += input.distribution == sql::Distribution::kForward
                      ? 1
                      : static_cast<size_t>(stages_[input.upstream_stage].parallelism);
    }
    for (int i = 0; i < stage.parallelism; ++i) {
      gates[stage.id].push_back(
          std::make_unique<InputGate>(cancellation.get(), channels, options_.channel_capacity));
    }
  }
  RETURN_NOT_OK(ChooseRestore(restart));
  RETURN_NOT_OK(CheckAllStateClaimed());
  std::vector<std::unique_ptr<Subtask>> subtasks;
  for (const Stage& stage : stages_) {
    std::vector<std::vector<SourceSplit>> assigned(stage.parallelism);
    if (stage.source) {
      ASSIGN_OR_RAISE(assigned, AssignSplits(stage));
    }
    for (int i = 0; i < stage.parallelism; ++i) {
      auto subtask = std::make_unique<Subtask>();
      subtask->stage = &stage;
      subtask->index = i;
      subtask->ordinal = subtasks.size();
      subtask->splits = std::move(assigned[i]);
      subtask->ends_in_sink =
          !stage.operators.empty() && stage.operators.back()->kind() == sql::PlanNodeKind::kSink;
      subtask->operator_metrics = std::make_unique<OperatorMetrics[]>(stage.operators.size());
      RETURN_NOT_OK(AssignRestoredState(subtask.get()));
      subtasks.push_back(std::move(subtask));
    }
  }
  {
    std::lock_guard<std::mutex> lock(attempt_mutex_);
    cancellation_ = std::move(cancellation);
    gates_ = std::move(gates);
    subtasks_ = std::move(subtasks);
  }
  restored_subtasks_ = 0;
  first_records_ = false;
  std::lock_guard<std::mutex> lock(mutex_);
  failure_ = Status::OK();
  return Status::OK();
}

Status JobExecution::PrepareCheckpoints(const sql::PlannedJob& job) {
  ASSIGN_OR_RAISE(checkpoints_, CheckpointSettings::FromConfig(job.config));
  if (job.batch_mode && checkpoints_.enabled()) {
    spdlog::info("Job '{}' runs in batch mode, which does not take checkpoints", job_name_);
    checkpoints_.interval = std::chrono::milliseconds(0);
  }
  ASSIGN_OR_RAISE(RestartSettings restarts,
                  RestartSettings::FromConfig(job.config, checkpoints_.enabled()));
  restart_strategy_.emplace(restarts);
  return Status::OK();
}

void JobExecution::StartCoordinator() {
  std::vector<SubtaskIdentity> identities;
  for (const auto& subtask : subtasks_) {
    identities.push_back(SubtaskIdentity{identities_[subtask->stage->id], subtask->index,
                                         subtask->stage->parallelism});
  }
  auto coordinator = std::make_shared<CheckpointCoordinator>(
      job_id_, job_name_, checkpoints_, std::move(identities), restored_id_,
      [this](const Status& status) { RecordFailure(status); },
      [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        wake_.notify_all();
      });
  coordinator->Start();
  std::lock_guard<std::mutex> lock(attempt_mutex_);
  coordinator_ = std::move(coordinator);
}

void JobExecution::Launch() {
  attempt_started_ = std::chrono::steady_clock::now();
  if (checkpoints_.enabled()) StartCoordinator();
  for (auto& subtask : subtasks_) {
    threads_.emplace_back([this, raw = subtask.get()] { RunSubtask(raw); });
  }
}

void JobExecution::Supervise() {
  for (;;) {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    Status failure;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      failure = failure_;
    }
    if (failure.ok() || cancel_called_ || stop_called_) return;
    // A damaged checkpoint is not the job's failure: the job starts again from
    // the checkpoint before it at once.
    bool skipped = SkipDamagedCheckpoint(failure);
    std::optional<std::chrono::milliseconds> delay = std::chrono::milliseconds(0);
    if (!skipped) {
      delay = restart_strategy_->OnFailure(std::chrono::steady_clock::now(), attempt_started_);
      if (!delay) {
        if (restarts_ > 0) {
          spdlog::error("Job '{}' does not restart again: its restart strategy {} gives up",
                        job_name_, restart_strategy_->Describe());
        }
        return;
      }
      spdlog::warn("Job '{}' restarts in {} ms (restart strategy {})", job_name_, delay->count(),
                   restart_strategy_->Describe());
    }
    // The attempt's coordinator ends before the next one's starts; it may
    // call back into this object, so not under attempt_mutex_.
    std::shared_ptr<CheckpointCoordinator> finished;
    {
      std::lock_guard<std::mutex> lock(attempt_mutex_);
      finished = std::move(coordinator_);
    }
    finished.reset();
    RemoveStateDirectory();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, *delay, [&] { return cancel_called_ || stop_called_; });
    }
    if (cancel_called_ || stop_called_) return;
    Status prepared = PrepareAttempt(/*restart=*/!skipped || restarted_attempt_);
    if (!prepared.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      failure_ = prepared.WithContext("restarting");
      return;
    }
    if (!skipped) restarts_.fetch_add(1);
    Launch();
  }
}

std::shared_ptr<CheckpointCoordinator> JobExecution::coordinator() const {
  std::lock_guard<std::mutex> lock(attempt_mutex_);
  return coordinator_;
}

void JobExecution::RunSubtask(Subtask* subtask) {
  Status status;
  try {
    status = RunSubtaskBody(subtask);
  } catch (const std::bad_alloc&) {
    // The job fails cleanly; other subtasks are cancelled as for any failure.
    status = Status::OutOfMemory(
        "the subtask could not allocate memory; state larger than memory needs "
        "'state.backend.type' = 'rocksdb'");
  }
  if (!status.ok() && status.code() != StatusCode::kCancelled) {
    RecordFailure(status.WithContext(fmt::format("{} (subtask {}/{})", subtask->stage->name,
                                                 subtask->index + 1, subtask->stage->parallelism)));
  }
}

Result<std::unique_ptr<OperatorChain>> JobExecution::BuildChain(Subtask* subtask) {
  const Stage& stage = *subtask->stage;
  std::vector<std::unique_ptr<Operator>> operators;
  for (const sql::PlanNodePtr& node : stage.operators) {
    if (node->kind() == sql::PlanNodeKind::kCalc) {
      operators.push_back(std::make_unique<CalcOperator>(static_cast<const sql::CalcNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kAggregate) {
      const auto& aggregate = static_cast<const sql::AggregateNode&>(*node);
      if (!aggregate.window()) {
        operators.push_back(std::make_unique<GroupAggregateOperator>(aggregate));
      } else if (aggregate.window()->kind == sql::WindowKind::kSession) {
        operators.push_back(std::make_unique<SessionWindowAggregateOperator>(aggregate));
      } else {
        operators.push_back(std::make_unique<WindowAggregateOperator>(aggregate));
      }
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kCorrelate) {
      operators.push_back(
          std::make_unique<CorrelateOperator>(static_cast<const sql::CorrelateNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kOverAggregate) {
      operators.push_back(std::make_unique<OverAggregateOperator>(
          static_cast<const sql::OverAggregateNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kSort) {
      operators.push_back(std::make_unique<SortOperator>(static_cast<const sql::SortNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kRank) {
      operators.push_back(std::make_unique<RankOperator>(static_cast<const sql::RankNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kChangelogNormalize) {
      operators.push_back(std::make_unique<ChangelogNormalizeOperator>(
          static_cast<const sql::ChangelogNormalizeNode&>(*node)));
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kJoin) {
      const auto& join = static_cast<const sql::JoinNode&>(*node);
      if (join.is_lookup()) {
        operators.push_back(std::make_unique<LookupJoinOperator>(join));
      } else if (join.sort_merge()) {
        operators.push_back(std::make_unique<SortMergeJoinOperator>(join));
      } else if (join.temporal() == sql::TemporalJoin::kEventTime) {
        operators.push_back(std::make_unique<TemporalJoinOperator>(join));
      } else {
        operators.push_back(std::make_unique<JoinOperator>(join));
      }
      continue;
    }
    if (node->kind() == sql::PlanNodeKind::kWindowTableFunction) {
      operators.push_back(std::make_unique<WindowTableFunctionOperator>(
          static_cast<const sql::WindowTableFunctionNode&>(*node)));
      continue;
    }
    const auto& sink_node = static_cast<const sql::SinkNode&>(*node);
    const TableSink& sink = sink_node.is_collect() ? *options_.collect_sink : *sink_node.sink();
    WriterContext context;
    context.subtask_index = subtask->index;
    context.parallelism = stage.parallelism;
    context.two_phase_commit = checkpoints_.enabled();
    context.job_name = job_name_;
    context.function_context = function_context_;
    context.metrics = &subtask->sink_metrics;
    ASSIGN_OR_RAISE(std::unique_ptr<SinkWriter> writer, sink.CreateWriter(context));
    operators.push_back(
        std::make_unique<SinkOperator>(fmt::format("{}({})", sink_node.Name(), sink_node.Details()),
                                       std::move(writer), &subtask->sink_metrics));
  }
  std::unique_ptr<Output> tail;
  if (stage.downstream_stage < 0) {
    tail = std::make_unique<NoOutput>();
  } else {
    const Stage& downstream = stages_[stage.downstream_stage];
    size_t offset = input_offsets_[downstream.id][stage.downstream_input];
    std::vector<Channel*> targets;
    if (stage.distribution == sql::Distribution::kForward) {
      targets.push_back(gates_[downstream.id][subtask->index]->channel(offset));
    } else if (stage.distribution == sql::Distribution::kSingleton) {
      targets.push_back(gates_[downstream.id][0]->channel(offset + subtask->index));
    } else {
      for (int j = 0; j < downstream.parallelism; ++j) {
        targets.push_back(gates_[downstream.id][j]->channel(offset + subtask->index));
      }
    }
    tail = std::make_unique<ExchangeOutput>(stage.distribution, std::move(targets), stage.keys,
                                            subtask->index,
                                            &subtask->task_metrics.backpressured_micros);
  }
  return std::make_unique<OperatorChain>(std::move(operators), std::move(tail),
                                         subtask->operator_metrics.get());
}

Status JobExecution::RunSubtaskBody(Subtask* subtask) {
  ASSIGN_OR_RAISE(std::unique_ptr<OperatorChain> chain, BuildChain(subtask));
  OperatorContext context{
      job_name_, subtask->index, subtask->stage->parallelism, &function_context_,
      &config_,  state_backend_, &subtask->task_metrics};
  if (!state_directory_.empty()) {
    context.state_backend.directory =
        fmt::format("{}/stage-{}-subtask-{}", state_directory_, subtask->stage->id, subtask->index);
  }
  Status status = chain->Open(context);
  if (status.ok()) {
    // Operators' slots follow the source's.
    size_t first = subtask->stage->source ? 1 : 0;
    std::vector<const RestoredOperatorState*> states;
    for (size_t slot = first; slot < subtask->restored.size(); ++slot) {
      states.push_back(subtask->restored[slot] ? &*subtask->restored[slot] : nullptr);
    }
    auto restore_started = std::chrono::steady_clock::now();
    status = chain->Restore(states);
    if (status.ok() && restored_) {
      spdlog::info("Job '{}': {} (subtask {}/{}) restored its state in {} ms", job_name_,
                   subtask->stage->name, subtask->index + 1, subtask->stage->parallelism,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - restore_started)
                       .count());
    }
  }
  if (status.ok() && restored_subtasks_.fetch_add(1) + 1 == subtasks_.size()) {
    spdlog::info("Job '{}' restored the state of its {} subtasks", job_name_, subtasks_.size());
  }
  if (status.ok()) {
    status =
        subtask->stage->source ? RunSource(subtask, chain.get()) : RunInputs(subtask, chain.get());
  }
  Status closed = chain->Close();
  return status.ok() ? closed : status;
}

Status JobExecution::RunSource(Subtask* subtask, OperatorChain* chain) {
  const Stage& stage = *subtask->stage;
  ReaderContext context;
  context.subtask_index = subtask->index;
  context.parallelism = stage.parallelism;
  context.batch_size = batch_size_;
  context.metrics = &subtask->source_metrics;
  ASSIGN_OR_RAISE(std::unique_ptr<SourceReader> reader, stage.source->CreateReader(context));
  RETURN_NOT_OK(reader->Open());
  std::optional<SourceWatermarks> watermarks;
  if (stage.watermark) {
    watermarks.emplace(*stage.watermark, idle_timeout_, function_context_);
    watermarks->AddSplits(subtask->splits);
    if (subtask->restored[0]) {
      for (const std::string& bytes : subtask->restored[0]->Values(kWatermarksValue)) {
        RETURN_NOT_OK(watermarks->Restore(bytes));
      }
    }
  }
  reader->AddSplits(std::move(subtask->splits));
  const SourceWatermarks* source_watermarks = watermarks ? &*watermarks : nullptr;
  // Watermarks go out after the batch they derive from, and idleness changes as
  // they happen.
  auto emit_watermarks = [&](std::chrono::steady_clock::time_point now) -> Status {
    if (!watermarks) return Status::OK();
    if (std::optional<bool> idle = watermarks->TakeIdleChange(now)) {
      RETURN_NOT_OK(chain->EmitWatermarkStatus(WatermarkStatus{*idle}));
    }
    if (std::optional<int64_t> advanced = watermarks->TakeAdvancedWatermark(now)) {
      RETURN_NOT_OK(chain->ProcessWatermark(Watermark{*advanced}));
    }
    return Status::OK();
  };
  // Injects the barrier of a checkpoint triggered since the last one; sets
  // `stop_barrier` when it stops the job.
  int64_t injected = 0;
  std::optional<int64_t> stop_barrier;
  // The reader's positions saved by checkpoints not known to be complete.
  std::map<int64_t, std::vector<SourceSplit>> saved_positions;
  auto inject_barrier = [&]() -> Status {
    if (!coordinator_) return Status::OK();
    CheckpointBarrier barrier = coordinator_->triggered();
    if (barrier.id <= injected) return Status::OK();
    injected = barrier.id;
    ASSIGN_OR_RAISE(std::vector<OperatorSnapshot> snapshots,
                    SnapshotSubtask(chain, barrier, reader.get(), source_watermarks));
    saved_positions[barrier.id] = reader->SnapshotSplits();
    coordinator_->Acknowledge(subtask->ordinal, barrier.id, std::move(snapshots));
    if (barrier.stop) stop_barrier = barrier.id;
    return Status::OK();
  };
  // Tells the reader the positions of the newest completed checkpoint.
  auto notify_reader = [&]() {
    auto done = saved_positions.upper_bound(subtask->notified);
    if (done == saved_positions.begin()) return;
    reader->NotifyCheckpointComplete(std::prev(done)->second);
    saved_positions.erase(saved_positions.begin(), done);
  };
  Status status = emit_watermarks(std::chrono::steady_clock::now());
  bool ended = false;
  auto next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
  while (status.ok() && !cancellation_->cancelled() && !stop_requested()) {
    status = inject_barrier();
    if (status.ok()) status = NotifyCompleted(subtask, chain);
    if (status.ok()) notify_reader();
    if (!status.ok() || stop_barrier) break;
    if (std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
      status = chain->AdvanceProcessingTime(WallClockMicros());
      if (!status.ok()) break;
    }
    Batch batch;
    Result<ReadResult> read = reader->Next(&batch);
    if (!read.ok()) {
      status = read.status();
      break;
    }
    if (read->status == ReadStatus::kEnd) {
      ended = true;
      break;
    }
    if (read->status == ReadStatus::kNoData) {
      status = emit_watermarks(std::chrono::steady_clock::now());
      if (status.ok())
        Pause(std::min<std::chrono::microseconds>(read->retry_after, kProcessingTimeTick));
      continue;
    }
    subtask->source_metrics.records.fetch_add(static_cast<int64_t>(batch.num_rows()),
                                              std::memory_order_relaxed);
    auto now = std::chrono::steady_clock::now();
    if (watermarks) {
      status = watermarks->OnBatch(batch, read->split_id, reader->SnapshotSplits(), now);
      if (!status.ok()) break;
    }
    status = chain->Process(std::move(batch));
    if (status.ok()) NoteRecordsProcessed();
    if (status.ok()) status = emit_watermarks(now);
  }
  if (!stop_barrier) {
    // A bounded source that ran out releases every pending event-time result.
    if (status.ok() && ended && watermarks)
      status = chain->ProcessWatermark(Watermark{kMaxWatermark});
    if (status.ok() && !cancellation_->cancelled()) status = chain->Finish();
  }
  if (status.ok() && coordinator_ && !cancellation_->cancelled()) {
    status = AwaitLastCheckpoint(subtask, chain, stop_barrier, reader.get(), source_watermarks);
    if (status.ok() && stop_barrier) notify_reader();
    // The final checkpoint saved where the reader ended.
    if (status.ok() && !stop_barrier) reader->NotifyCheckpointComplete(reader->SnapshotSplits());
  }
  Status closed = reader->Close();
  if (cancellation_->cancelled() && status.ok()) return Status::Cancelled("job cancelled");
  return status.ok() ? closed : status;
}

Result<std::vector<OperatorSnapshot>> JobExecution::SnapshotSubtask(
    OperatorChain* chain, std::optional<CheckpointBarrier> barrier, const SourceReader* reader,
    const SourceWatermarks* watermarks) {
  std::vector<OperatorSnapshot> operators;
  if (barrier) {
    RETURN_NOT_OK(chain->Checkpoint(*barrier, &operators));
  } else {
    RETURN_NOT_OK(chain->SnapshotFinal(&operators));
  }
  if (reader == nullptr) return operators;
  std::vector<OperatorSnapshot> snapshots(1);
  snapshots[0].values[kSplitsValue] = EncodeSplits(reader->SnapshotSplits());
  if (watermarks != nullptr) snapshots[0].values[kWatermarksValue] = watermarks->Serialize();
  for (OperatorSnapshot& snapshot : operators) snapshots.push_back(std::move(snapshot));
  return snapshots;
}

Status JobExecution::AwaitLastCheckpoint(Subtask* subtask, OperatorChain* chain,
                                         std::optional<int64_t> stop_barrier,
                                         const SourceReader* reader,
                                         const SourceWatermarks* watermarks) {
  int64_t after = 0;
  if (stop_barrier) {
    after = *stop_barrier - 1;
  } else {
    ASSIGN_OR_RAISE(std::vector<OperatorSnapshot> snapshots,
                    SnapshotSubtask(chain, std::nullopt, reader, watermarks));
    after = coordinator_->Finished(subtask->ordinal, std::move(snapshots));
  }
  std::optional<int64_t> completed = coordinator_->AwaitCompletedAfter(after);
  if (!completed) return Status::Cancelled("job cancelled");
  if (stop_barrier) return NotifyCompleted(subtask, chain);
  return chain->NotifyCheckpointComplete(kFinalCheckpointId);
}

Status JobExecution::NotifyCompleted(Subtask* subtask, OperatorChain* chain) {
  if (!coordinator_) return Status::OK();
  int64_t completed = coordinator_->completed();
  if (completed <= subtask->notified) return Status::OK();
  subtask->notified = completed;
  return chain->NotifyCheckpointComplete(completed);
}

Status JobExecution::RunInputs(Subtask* subtask, OperatorChain* chain) {
  InputGate& gate = *gates_[subtask->stage->id][subtask->index];
  // The subtask's watermark is the lowest over its channels that are not idle.
  size_t num_channels = gate.num_channels();
  // Which of the stage's inputs each channel belongs to.
  const std::vector<size_t>& offsets = input_offsets_[subtask->stage->id];
  std::vector<int> channel_input(num_channels, 0);
  for (size_t c = 0; c < num_channels; ++c) {
    channel_input[c] =
        static_cast<int>(std::upper_bound(offsets.begin(), offsets.end(), c) - offsets.begin()) - 1;
  }
  std::vector<int64_t> channel_watermarks(num_channels, kMinWatermark);
  std::vector<bool> channel_idle(num_channels, false);
  std::vector<bool> channel_ended(num_channels, false);
  size_t ended = 0;
  int64_t current = kMinWatermark;
  bool idle = false;
  auto update = [&]() -> Status {
    std::optional<int64_t> lowest;
    for (size_t c = 0; c < num_channels; ++c) {
      if (channel_idle[c]) continue;
      lowest = lowest ? std::min(*lowest, channel_watermarks[c]) : channel_watermarks[c];
    }
    if (!lowest) {
      if (!idle) {
        idle = true;
        return chain->EmitWatermarkStatus(WatermarkStatus{true});
      }
      return Status::OK();
    }
    if (idle) {
      idle = false;
      RETURN_NOT_OK(chain->EmitWatermarkStatus(WatermarkStatus{false}));
    }
    if (*lowest > current) {
      current = *lowest;
      return chain->ProcessWatermark(Watermark{current});
    }
    return Status::OK();
  };
  // Barrier alignment: the checkpoint being aligned and the channels its
  // barrier has arrived on. Exactly-once holds those channels back until it
  // has arrived on all (an ended channel has nothing more to align);
  // at-least-once reads on and may count some rows both in this checkpoint's
  // state and again after a restore.
  bool exactly_once = checkpoints_.mode == CheckpointSettings::Mode::kExactlyOnce;
  std::optional<CheckpointBarrier> aligning;
  std::vector<bool> barrier_arrived(num_channels, false);
  std::optional<int64_t> stop_barrier;
  auto complete_alignment = [&]() -> Status {
    if (!aligning) return Status::OK();
    for (size_t c = 0; c < num_channels; ++c) {
      if (!barrier_arrived[c] && !channel_ended[c]) return Status::OK();
    }
    CheckpointBarrier barrier = *aligning;
    aligning.reset();
    gate.UnblockAll();
    ASSIGN_OR_RAISE(std::vector<OperatorSnapshot> snapshots,
                    SnapshotSubtask(chain, barrier, nullptr, nullptr));
    coordinator_->Acknowledge(subtask->ordinal, barrier.id, std::move(snapshots));
    if (barrier.stop) stop_barrier = barrier.id;
    return Status::OK();
  };
  int64_t last_barrier = 0;
  auto next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
  while (!stop_barrier && ended < num_channels) {
    ASSIGN_OR_RAISE(std::optional<InputGate::Item> next, gate.NextUntil(next_tick));
    if (std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
      RETURN_NOT_OK(chain->AdvanceProcessingTime(WallClockMicros()));
      RETURN_NOT_OK(NotifyCompleted(subtask, chain));
    }
    if (!next) continue;
    InputGate::Item& item = *next;
    if (auto* batch = std::get_if<Batch>(&item.element)) {
      RETURN_NOT_OK(chain->Process(std::move(*batch), channel_input[item.channel]));
      NoteRecordsProcessed();
    } else if (auto* watermark = std::get_if<Watermark>(&item.element)) {
      channel_watermarks[item.channel] =
          std::max(channel_watermarks[item.channel], watermark->timestamp);
      RETURN_NOT_OK(update());
    } else if (auto* status = std::get_if<WatermarkStatus>(&item.element)) {
      channel_idle[item.channel] = status->idle;
      RETURN_NOT_OK(update());
    } else if (auto* barrier = std::get_if<CheckpointBarrier>(&item.element)) {
      if (barrier->id < last_barrier) continue;  // of a checkpoint already given up
      if (barrier->id > last_barrier) {
        // A newer checkpoint supersedes one whose alignment did not finish.
        last_barrier = barrier->id;
        aligning = *barrier;
        gate.UnblockAll();
        std::fill(barrier_arrived.begin(), barrier_arrived.end(), false);
      }
      barrier_arrived[item.channel] = true;
      if (exactly_once) gate.SetBlocked(item.channel, true);
      RETURN_NOT_OK(complete_alignment());
    } else {
      channel_ended[item.channel] = true;
      ++ended;
      RETURN_NOT_OK(complete_alignment());
    }
  }
  if (!stop_barrier) RETURN_NOT_OK(chain->Finish());
  if (!coordinator_) return Status::OK();
  return AwaitLastCheckpoint(subtask, chain, stop_barrier, nullptr, nullptr);
}

void JobExecution::NoteRecordsProcessed() {
  // How long a (re)start takes until data flows again (bench/restart.sh): the
  // first records processed once every subtask has restored its state.
  if (first_records_.load(std::memory_order_relaxed) ||
      restored_subtasks_.load(std::memory_order_relaxed) < subtasks_.size() ||
      first_records_.exchange(true)) {
    return;
  }
  spdlog::info("Job '{}' processed its first records", job_name_);
}

void JobExecution::RemoveStateDirectory() {
  if (state_directory_.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(state_directory_, error);
  if (error) {
    spdlog::warn("Job '{}': cannot remove its state directory {}: {}", job_name_, state_directory_,
                 error.message());
  }
  state_directory_.clear();
}

void JobExecution::RecordFailure(const Status& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.ok()) return;
    failure_ = status;
  }
  spdlog::error("Job '{}' failed: {}", job_name_, status.message());
  CancelAttempt();
}

void JobExecution::CancelAttempt() {
  {
    std::lock_guard<std::mutex> lock(attempt_mutex_);
    if (cancellation_) cancellation_->Cancel();
    if (coordinator_) coordinator_->Shutdown();
    for (auto& stage_gates : gates_) {
      for (auto& gate : stage_gates) gate->WakeAll();
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

void JobExecution::Cancel() {
  cancel_called_ = true;
  CancelAttempt();
}

void JobExecution::Stop() {
  stop_called_ = true;
  // With checkpoints the job stops at a checkpoint, which the next run resumes
  // from; without, it drains.
  if (std::shared_ptr<CheckpointCoordinator> coordinator = this->coordinator()) {
    coordinator->RequestStop();
    return;
  }
  stop_requested_.store(true, std::memory_order_release);
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

void JobExecution::Pause(std::chrono::microseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  int64_t triggered = coordinator_ ? coordinator_->triggered().id : 0;
  wake_.wait_for(lock, duration, [&] {
    return stop_requested() || cancellation_->cancelled() ||
           (coordinator_ && coordinator_->triggered().id != triggered);
  });
}

Result<JobSummary> JobExecution::Wait() {
  if (supervisor_.joinable()) supervisor_.join();
  joined_ = true;
  RemoveStateDirectory();
  duration_millis_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started_)
                         .count();
  bool stopped_at_checkpoint = false;
  std::optional<CompletedCheckpoint> stopped_at;
  if (coordinator_) {
    coordinator_->Shutdown();
    stopped_at = coordinator_->stopped_at();
    stopped_at_checkpoint = !coordinator_->job_finished();
    if (coordinator_->job_finished() || (stopped_at && stopped_at->savepoint)) {
      // The checkpoints of a job that finished, or that stopped with a
      // savepoint (from which it resumes), are of no further use.
      std::error_code error;
      std::filesystem::remove_all(coordinator_->storage().job_directory(), error);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.ok()) {
      state_ = JobState::kFailed;
      return Status(failure_.code(),
                    fmt::format("Job '{}' failed: {}", job_name_, failure_.message()));
    }
  }
  if (cancel_called_ || cancellation_->cancelled()) {
    state_ = JobState::kCanceled;
    return Status::Cancelled("Job '{}' was cancelled", job_name_);
  }
  JobSummary summary;
  summary.restarts = restarts_;
  if (stopped_at && stopped_at->savepoint) summary.savepoint_path = stopped_at->path;
  for (const auto& subtask : subtasks_) {
    summary.records_in += subtask->source_metrics.records.load();
    summary.records_skipped += subtask->source_metrics.records_skipped.load();
    summary.records_out += subtask->sink_metrics.records.load();
    summary.late_records_dropped += subtask->task_metrics.late_records_dropped.load();
  }
  summary.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  summary.stopped = stop_requested() || stopped_at_checkpoint;
  state_ = summary.stopped ? JobState::kStopped : JobState::kFinished;
  return summary;
}

Result<CompletedCheckpoint> JobExecution::TriggerCheckpoint(CheckpointRequest request) {
  std::shared_ptr<CheckpointCoordinator> coordinator = this->coordinator();
  if (!coordinator && checkpoints_.enabled()) {
    return Status::Aborted("Job '{}' is restarting after a failure; try again once it runs",
                           job_name_);
  }
  if (!coordinator) {
    return Status::Invalid(
        "Job '{}' takes no checkpoints: savepoints and checkpoints on request need "
        "'execution.checkpointing.interval'{}",
        job_name_, checkpoints_.directory.empty() ? " and 'state.checkpoints.dir'" : "");
  }
  if (request.savepoint && request.target_directory.empty()) {
    request.target_directory = checkpoints_.savepoint_directory;
    if (request.target_directory.empty()) {
      return Status::Invalid(
          "Job '{}': no directory for the savepoint; give one or set 'state.savepoints.dir'",
          job_name_);
    }
  }
  if (request.stop) stop_called_ = true;
  return coordinator->TriggerAndWait(std::move(request));
}

}  // namespace tiangong
