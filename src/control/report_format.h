#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/job_report.h"

namespace tiangong {

/// The control endpoint's renderings of job reports.

/// A job's status: id, name, state, times, per-subtask and per-operator
/// counters, and its checkpoint figures.
nlohmann::json JobReportJson(const JobReport& report, int64_t now_millis);
/// Counts, the restored id and the latest checkpoints, newest first.
nlohmann::json CheckpointStatsJson(const CheckpointStats& stats);
nlohmann::json CompletedCheckpointJson(const CompletedCheckpoint& checkpoint);

/// Every job's metrics in the Prometheus text exposition format (0.0.4):
/// one family per metric with HELP and TYPE, labels job_id, job_name and,
/// per task or operator, stage, subtask and operator. `now_millis` is the
/// wall clock that watermark lags are measured against.
std::string PrometheusMetrics(const std::vector<JobReport>& reports, int64_t now_millis);

}  // namespace tiangong
