#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "control/control_server.h"
#include "control/job_registry.h"
#include "exec/job_execution.h"
#include "sql/plan.h"

namespace tiangong {

enum class ScriptMode {
  kRun,       // execute every statement, run the jobs
  kExplain,   // execute DDL and SET, print the plans of INSERT and SELECT
  kValidate,  // parse and plan everything, run nothing
};

struct ScriptOptions {
  ScriptMode mode = ScriptMode::kRun;
  /// Settings in effect before the first statement (from -D).
  Configuration config;
  /// Values for ${NAME} placeholders (from -D); the environment is the fallback.
  std::map<std::string, std::string> variables;
  /// Query results and EXPLAIN output.
  std::FILE* out = stdout;
  /// Progress, statement confirmations and job summaries.
  std::FILE* log = stderr;
  bool verbose = false;
  /// Serve the jobs' control endpoint and register them in `registry` (the
  /// `tiangong run` command does; 'tiangong.control.enabled' = 'false' turns
  /// it off).
  bool serve_control_endpoint = false;
  std::optional<JobRegistry> registry;
  /// Where SELECT results go; the default prints them as a table to `out`.
  std::function<std::shared_ptr<const TableSink>(const sql::PlanSchema&, bool batch_mode)>
      collect_sink;
};

/// Runs a SQL script the way Flink's SQL client runs a file: statements in
/// order, DDL and SET immediately, each INSERT or statement set as a job that
/// runs in the background (unless 'table.dml-sync' is true), each SELECT as a
/// job whose rows are printed before the next statement. Run() returns when
/// every job has ended.
/// Thread-safety: Run() from one thread; StopJobs()/CancelJobs() from any.
class ScriptRunner {
 public:
  explicit ScriptRunner(ScriptOptions options);
  /// Unregisters the jobs still registered.
  ~ScriptRunner();

  /// The first error: a statement that does not parse or plan, or a job failure.
  Status Run(std::string_view script);
  /// Ends every running job gracefully: sources stop, sinks finish (SIGINT/SIGTERM).
  void StopJobs();
  /// Aborts every running job.
  void CancelJobs();

  const std::vector<JobSummary>& summaries() const { return summaries_; }

 private:
  Status RunJob(const sql::PlannedJob& job);
  Status WaitForJob(JobExecution* execution);
  Status WaitForAll();
  /// Starts the control endpoint (once) and registers `execution` with it.
  Status ServeControl(const sql::PlannedJob& job, JobExecution* execution);

  ScriptOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<JobExecution>> running_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;                               // GUARDED_BY(mutex_)
  std::vector<JobSummary> summaries_;
  /// Declared after the jobs: it stops serving before they are destroyed.
  std::unique_ptr<ControlServer> control_;
  std::string control_token_;
};

}  // namespace tiangong
