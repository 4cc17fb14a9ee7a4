#include "exec/job_report.h"

#include "common/clock.h"
#include "exec/job_execution.h"
#include "exec/job_subtask.h"

namespace tiangong {

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kRunning:
      return "RUNNING";
    case JobState::kFinished:
      return "FINISHED";
    case JobState::kStopped:
      return "STOPPED";
    case JobState::kFailed:
      return "FAILED";
    case JobState::kCanceled:
      return "CANCELED";
  }
  return "UNKNOWN";
}

JobReport JobExecution::Report() const {
  JobReport report;
  report.id = job_id_;
  report.name = job_name_;
  report.state = state_.load();
  report.start_millis = start_millis();
  report.duration_millis = report.state == JobState::kRunning
                               ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started_)
                                     .count()
                               : duration_millis_.load();
  report.restarts = restarts_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.ok()) report.failure = failure_.message();
  }
  std::lock_guard<std::mutex> lock(attempt_mutex_);
  for (const auto& subtask : subtasks_) {
    const Stage& stage = *subtask->stage;
    SubtaskReport& entry = report.subtasks.emplace_back();
    entry.stage = stage.name;
    entry.stage_id = stage.id;
    entry.subtask = subtask->index;
    entry.parallelism = stage.parallelism;
    int64_t watermark = subtask->task_metrics.input_watermark.load(std::memory_order_relaxed);
    if (watermark != kMinWatermark && watermark != kMaxWatermark) {
      entry.watermark = watermark / 1000;  // microseconds
    }
    entry.backpressured_micros = subtask->task_metrics.backpressured_micros.load();
    entry.late_records_dropped = subtask->task_metrics.late_records_dropped.load();
    const std::vector<std::string>& ids = identities_[stage.id];
    size_t first = stage.source ? 1 : 0;
    if (stage.source) {
      OperatorInstanceReport& source = entry.operators.emplace_back();
      source.id = ids[0];
      source.records_out = subtask->source_metrics.records.load();
      source.bytes_in = subtask->source_metrics.bytes.load();
      source.records_skipped = subtask->source_metrics.records_skipped.load();
    }
    for (size_t i = 0; i < stage.operators.size(); ++i) {
      OperatorInstanceReport& op = entry.operators.emplace_back();
      op.id = ids[first + i];
      op.records_in = subtask->operator_metrics[i].records_in.load();
      op.records_out = subtask->operator_metrics[i].records_out.load();
      if (stage.operators[i]->kind() == sql::PlanNodeKind::kSink) {
        op.records_out = subtask->sink_metrics.records.load();
        op.bytes_out = subtask->sink_metrics.bytes.load();
      }
    }
  }
  if (coordinator_) report.checkpoints = coordinator_->stats();
  return report;
}

}  // namespace tiangong
