#pragma once

#include <cstdio>
#include <string>

#include "common/result.h"
#include "control/job_registry.h"

namespace tiangong {

/// The CLI commands that control running jobs through their control
/// endpoints. `job` is a job's id, an id prefix or its name (see
/// JobRegistry::Find). Each prints its result to `out`.

/// `tiangong list`: the jobs running on this machine.
Status ListJobs(const JobRegistry& registry, std::FILE* out);
/// `tiangong status <job>`: state, counters and the latest checkpoints (or
/// the endpoint's JSON with `json`).
Status PrintJobStatus(const JobRegistry& registry, const std::string& job, bool json,
                      std::FILE* out);
/// `tiangong metrics <job>`: the Prometheus text of the job's process.
Status PrintJobMetrics(const JobRegistry& registry, const std::string& job, std::FILE* out);
/// `tiangong checkpoint <job>`: takes a checkpoint and waits for it.
Status TriggerJobCheckpoint(const JobRegistry& registry, const std::string& job, std::FILE* out);
/// `tiangong savepoint <job> [directory]`: takes a savepoint, prints its path.
Status TriggerJobSavepoint(const JobRegistry& registry, const std::string& job,
                           const std::string& directory, std::FILE* out);
/// `tiangong stop <job>`: with `savepoint`, stops with a savepoint (into
/// `directory`, else 'state.savepoints.dir') and prints its path; without,
/// stops as SIGTERM does.
Status StopJob(const JobRegistry& registry, const std::string& job, bool savepoint,
               const std::string& directory, std::FILE* out);
/// `tiangong cancel <job>`.
Status CancelJob(const JobRegistry& registry, const std::string& job, std::FILE* out);

}  // namespace tiangong
