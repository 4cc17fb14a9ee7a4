#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exec/checkpoint_coordinator.h"

namespace tiangong {

enum class JobState {
  kRunning,
  kFinished,  // its input ended and every sink finished
  kStopped,   // stopped on request (at a checkpoint or savepoint, or drained)
  kFailed,
  kCanceled,
};

/// "RUNNING", "FINISHED", ... (Flink's job status names, plus STOPPED).
const char* JobStateName(JobState state);

/// One operator instance's counters. A source counts the rows it read as
/// records out and the bytes it read as bytes in; a sink counts the rows and
/// bytes it wrote as records and bytes out. Bytes are counted only where data
/// crosses the job's boundary (connectors), not between operators.
struct OperatorInstanceReport {
  /// The operator's identity in checkpoints: "Source-0", "Calc-2", ...
  std::string id;
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
  /// Rows a source dropped as unparseable (dirty records).
  int64_t records_skipped = 0;
};

/// One parallel subtask: a chain of operators run by one thread.
struct SubtaskReport {
  /// "Source: events -> Calc -> ..." (the stage's name).
  std::string stage;
  int stage_id = 0;
  int subtask = 0;
  int parallelism = 1;
  /// The newest watermark its operators received, in milliseconds since the
  /// epoch (nullopt: none yet, or the end of input's).
  std::optional<int64_t> watermark;
  int64_t backpressured_micros = 0;
  int64_t late_records_dropped = 0;
  std::vector<OperatorInstanceReport> operators;
};

/// What a running (or ended) job reports to the control endpoint.
struct JobReport {
  std::string id;
  std::string name;
  JobState state = JobState::kRunning;
  int64_t start_millis = 0;
  int64_t duration_millis = 0;
  /// Set when the job failed (or, while it restarts, why).
  std::string failure;
  /// How often it restarted in its process after a failure.
  int64_t restarts = 0;
  std::vector<SubtaskReport> subtasks;
  /// Set when the job takes checkpoints.
  std::optional<CheckpointStats> checkpoints;
};

}  // namespace tiangong
