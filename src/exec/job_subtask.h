#pragma once

// JobExecution's per-subtask bookkeeping, shared by the files that implement
// it (job_execution.cc, job_restore.cc, job_report.cc). Not for other users.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "connectors/connector.h"
#include "exec/job_execution.h"
#include "exec/operator.h"
#include "exec/operator_state.h"

namespace tiangong {

struct JobExecution::Subtask {
  const Stage* stage;
  int index;
  /// Index into subtasks_ and into the coordinator's identities.
  size_t ordinal = 0;
  std::vector<SourceSplit> splits;
  /// Per snapshot slot (the source, when the stage has one, then each
  /// operator): what it restores.
  std::vector<std::optional<RestoredOperatorState>> restored;
  /// The newest checkpoint the chain was told of.
  int64_t notified = 0;
  ConnectorMetrics source_metrics;
  ConnectorMetrics sink_metrics;
  TaskMetrics task_metrics;
  /// One per operator of the stage.
  std::unique_ptr<OperatorMetrics[]> operator_metrics;
  bool ends_in_sink = false;
};

// The snapshot values of a source: its reader's split positions and their
// watermarks.
inline constexpr const char* kSplitsValue = "splits";
inline constexpr const char* kWatermarksValue = "watermarks";

}  // namespace tiangong
