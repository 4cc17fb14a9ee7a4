#include "exec/job_execution.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <new>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "exec/calc_operator.h"
#include "exec/correlate_operator.h"
#include "exec/exchange_output.h"
#include "exec/group_aggregate_operator.h"
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

struct JobExecution::Subtask {
  const Stage* stage;
  int index;
  std::vector<SourceSplit> splits;
  ConnectorMetrics source_metrics;
  ConnectorMetrics sink_metrics;
  TaskMetrics task_metrics;
  bool ends_in_sink = false;
};

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
  execution->options_ = std::move(options);
  RETURN_NOT_OK(execution->Prepare(job));
  execution->Launch();
  return execution;
}

JobExecution::~JobExecution() {
  if (!joined_) {
    Cancel();
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
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
  gates_.resize(stages_.size());
  input_offsets_.resize(stages_.size());
  for (const Stage& stage : stages_) {
    if (stage.inputs.empty()) continue;
    size_t channels = 0;
    for (const StageInput& input : stage.inputs) {
      input_offsets_[stage.id].push_back(channels);
      channels += input.distribution == sql::Distribution::kForward
                      ? 1
                      : static_cast<size_t>(stages_[input.upstream_stage].parallelism);
    }
    for (int i = 0; i < stage.parallelism; ++i) {
      gates_[stage.id].push_back(
          std::make_unique<InputGate>(&cancellation_, channels, options_.channel_capacity));
    }
  }
  for (const Stage& stage : stages_) {
    std::vector<std::vector<SourceSplit>> assigned(stage.parallelism);
    if (stage.source) {
      ASSIGN_OR_RAISE(std::vector<SourceSplit> splits,
                      stage.source->CreateSplits(stage.parallelism));
      for (size_t s = 0; s < splits.size(); ++s) {
        assigned[s % stage.parallelism].push_back(std::move(splits[s]));
      }
    }
    for (int i = 0; i < stage.parallelism; ++i) {
      auto subtask = std::make_unique<Subtask>();
      subtask->stage = &stage;
      subtask->index = i;
      subtask->splits = std::move(assigned[i]);
      subtask->ends_in_sink =
          !stage.operators.empty() && stage.operators.back()->kind() == sql::PlanNodeKind::kSink;
      subtasks_.push_back(std::move(subtask));
    }
  }
  return Status::OK();
}

void JobExecution::Launch() {
  started_ = std::chrono::steady_clock::now();
  for (auto& subtask : subtasks_) {
    threads_.emplace_back([this, raw = subtask.get()] { RunSubtask(raw); });
  }
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
                                            subtask->index);
  }
  return std::make_unique<OperatorChain>(std::move(operators), std::move(tail));
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
  }
  reader->AddSplits(std::move(subtask->splits));
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
  Status status = emit_watermarks(std::chrono::steady_clock::now());
  bool ended = false;
  auto next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
  while (status.ok() && !cancellation_.cancelled() && !stop_requested()) {
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
    if (status.ok()) status = emit_watermarks(now);
  }
  // A bounded source that ran out releases every pending event-time result.
  if (status.ok() && ended && watermarks)
    status = chain->ProcessWatermark(Watermark{kMaxWatermark});
  if (status.ok() && !cancellation_.cancelled()) status = chain->Finish();
  Status closed = reader->Close();
  if (cancellation_.cancelled() && status.ok()) return Status::Cancelled("job cancelled");
  return status.ok() ? closed : status;
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
  auto next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
  while (true) {
    ASSIGN_OR_RAISE(std::optional<InputGate::Item> next, gate.NextUntil(next_tick));
    if (std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + kProcessingTimeTick;
      RETURN_NOT_OK(chain->AdvanceProcessingTime(WallClockMicros()));
    }
    if (!next) continue;
    InputGate::Item& item = *next;
    if (auto* batch = std::get_if<Batch>(&item.element)) {
      RETURN_NOT_OK(chain->Process(std::move(*batch), channel_input[item.channel]));
    } else if (auto* watermark = std::get_if<Watermark>(&item.element)) {
      channel_watermarks[item.channel] =
          std::max(channel_watermarks[item.channel], watermark->timestamp);
      RETURN_NOT_OK(update());
    } else if (auto* status = std::get_if<WatermarkStatus>(&item.element)) {
      channel_idle[item.channel] = status->idle;
      RETURN_NOT_OK(update());
    } else {
      return chain->Finish();
    }
  }
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
  Cancel();
}

void JobExecution::Cancel() {
  cancellation_.Cancel();
  for (auto& stage_gates : gates_) {
    for (auto& gate : stage_gates) gate->WakeAll();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

void JobExecution::Stop() {
  stop_requested_.store(true, std::memory_order_release);
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

void JobExecution::Pause(std::chrono::microseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, duration, [&] { return stop_requested() || cancellation_.cancelled(); });
}

Result<JobSummary> JobExecution::Wait() {
  for (std::thread& thread : threads_) thread.join();
  joined_ = true;
  RemoveStateDirectory();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.ok()) {
      return Status(failure_.code(),
                    fmt::format("Job '{}' failed: {}", job_name_, failure_.message()));
    }
  }
  if (cancellation_.cancelled()) return Status::Cancelled("Job '{}' was cancelled", job_name_);
  JobSummary summary;
  for (const auto& subtask : subtasks_) {
    summary.records_in += subtask->source_metrics.records.load();
    summary.records_skipped += subtask->source_metrics.records_skipped.load();
    summary.records_out += subtask->sink_metrics.records.load();
    summary.late_records_dropped += subtask->task_metrics.late_records_dropped.load();
  }
  summary.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  summary.stopped = stop_requested();
  return summary;
}

}  // namespace tiangong
