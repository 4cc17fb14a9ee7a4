#include "cli/script_runner.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "cli/script_variables.h"
#include "cli/tableau_sink.h"
#include "common/random.h"
#include "connectors/builtin_connectors.h"
#include "functions/function_registry.h"
#include "sql/parser.h"
#include "sql/session.h"

namespace tiangong {
namespace {

std::string Abbreviate(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 80) line = line.substr(0, 77) + "...";
  return line;
}

}  // namespace

ScriptRunner::ScriptRunner(ScriptOptions options) : options_(std::move(options)) {
  if (!options_.collect_sink) {
    std::FILE* out = options_.out;
    options_.collect_sink = [out](const sql::PlanSchema& schema, bool batch_mode) {
      return MakeTableauSink(schema, batch_mode, out);
    };
  }
}

ScriptRunner::~ScriptRunner() {
  if (!options_.registry) return;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& execution : running_) options_.registry->Unregister(execution->id());
}

Status ScriptRunner::Run(std::string_view script) {
  ASSIGN_OR_RAISE(std::string text, SubstituteVariables(script, options_.variables));
  ASSIGN_OR_RAISE(std::vector<sql::Statement> statements, sql::ParseScript(text));
  sql::Session session(BuiltinConnectors(), BuiltinFunctions(), options_.config);
  Status failure;
  for (sql::Statement& parsed : statements) {
    auto statement = std::make_shared<const sql::Statement>(std::move(parsed));
    Result<sql::StatementResult> result = session.Execute(statement, text);
    if (!result.ok()) {
      failure = result.status().WithContext(fmt::format("Statement at line {} failed ({})",
                                                        statement->location.line,
                                                        Abbreviate(statement->text)));
      break;
    }
    if (result->job) {
      if (options_.mode == ScriptMode::kExplain) {
        std::fputs(result->job->Explain().c_str(), options_.out);
        std::fputs("\n", options_.out);
      } else if (options_.mode == ScriptMode::kRun) {
        Status status = RunJob(*result->job);
        if (!status.ok()) {
          failure = status;
          break;
        }
      }
      continue;
    }
    bool plain = result->message == "[INFO] Execute statement succeed.";
    if (statement->kind == sql::StatementKind::kExplain) {
      std::fprintf(options_.out, "%s\n", result->message.c_str());
    } else if (!plain) {
      std::fprintf(options_.out, "%s\n", result->message.c_str());
    } else if (options_.verbose) {
      std::fprintf(options_.log, "%s\n", result->message.c_str());
    }
  }
  if (!failure.ok()) {
    CancelJobs();
    Status ignored = WaitForAll();
    return failure;
  }
  return WaitForAll();
}

Status ScriptRunner::RunJob(const sql::PlannedJob& job) {
  ExecutionOptions execution_options;
  if (job.is_query) {
    const sql::PlanNodePtr& root = job.physical_roots[0];
    execution_options.collect_sink = options_.collect_sink(root->schema(), job.batch_mode);
  }
  if (options_.verbose) {
    std::fprintf(options_.log, "Submitting job '%s' (parallelism %d, %s mode)\n", job.name.c_str(),
                 job.parallelism, job.batch_mode ? "batch" : "streaming");
  }
  ASSIGN_OR_RAISE(std::unique_ptr<JobExecution> execution,
                  JobExecution::Start(job, std::move(execution_options)));
  JobExecution* raw = execution.get();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) execution->Stop();
    running_.push_back(std::move(execution));
  }
  RETURN_NOT_OK(ServeControl(job, raw));
  // A SELECT prints its rows before the next statement runs.
  if (job.is_query || job.dml_sync) return WaitForJob(raw);
  return Status::OK();
}

Status ScriptRunner::ServeControl(const sql::PlannedJob& job, JobExecution* execution) {
  if (!options_.serve_control_endpoint) return Status::OK();
  ASSIGN_OR_RAISE(bool enabled, job.config.GetBool("tiangong.control.enabled", true));
  if (!enabled) return Status::OK();
  if (!control_) {
    ASSIGN_OR_RAISE(int64_t port, job.config.GetInt("tiangong.control.port", 0));
    if (port < 0 || port > 65535) {
      return Status::Invalid(
          "'tiangong.control.port' must be a port number (0: any free one), not {}", port);
    }
    // The platform hands its child processes the token it will use.
    const char* token = std::getenv("TIANGONG_CONTROL_TOKEN");
    control_token_ = token != nullptr && *token != '\0' ? token : RandomHex(32);
    ASSIGN_OR_RAISE(control_, ControlServer::Start(
                                  job.config.GetString("tiangong.control.address", "127.0.0.1"),
                                  static_cast<int>(port), control_token_));
  }
  control_->AddJob(execution);
  if (options_.verbose) {
    std::fprintf(options_.log, "Job '%s' has id %s; control endpoint http://%s:%d/jobs/%s\n",
                 execution->name().c_str(), execution->id().c_str(), control_->address().c_str(),
                 control_->port(), execution->id().c_str());
  }
  if (!options_.registry) return Status::OK();
  RegisteredJob entry{execution->id(),          execution->name(), getpid(),
                      control_->address(),      control_->port(),  control_token_,
                      execution->start_millis()};
  Status registered = options_.registry->Register(entry);
  if (!registered.ok()) {
    std::fprintf(options_.log, "[WARN] %s: the CLI cannot find job '%s'\n",
                 registered.message().c_str(), execution->name().c_str());
  }
  return Status::OK();
}

Status ScriptRunner::WaitForJob(JobExecution* execution) {
  Result<JobSummary> summary = execution->Wait();
  if (options_.registry) options_.registry->Unregister(execution->id());
  if (!summary.ok()) return summary.status();
  summaries_.push_back(*summary);
  std::string extra;
  if (summary->late_records_dropped > 0) {
    extra = fmt::format(", {} late records dropped", summary->late_records_dropped);
  }
  if (summary->restarts > 0) extra += fmt::format(", {} restarts", summary->restarts);
  std::string ended = summary->stopped ? "stopped" : "finished";
  if (!summary->savepoint_path.empty()) ended += " with savepoint " + summary->savepoint_path;
  std::fprintf(options_.log,
               "Job '%s' %s in %.3f s: %lld records in, %lld records out, %lld records skipped%s\n",
               execution->name().c_str(), ended.c_str(),
               static_cast<double>(summary->duration.count()) / 1000.0,
               static_cast<long long>(summary->records_in),
               static_cast<long long>(summary->records_out),
               static_cast<long long>(summary->records_skipped), extra.c_str());
  std::fflush(options_.log);
  return Status::OK();
}

Status ScriptRunner::WaitForAll() {
  std::vector<JobExecution*> jobs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& execution : running_) jobs.push_back(execution.get());
  }
  Status first;
  for (JobExecution* job : jobs) {
    // Queries and synchronous INSERTs were waited for already.
    Status status = job->joined() ? Status::OK() : WaitForJob(job);
    if (!status.ok() && first.ok()) {
      first = status;
      CancelJobs();
    }
  }
  return first;
}

void ScriptRunner::StopJobs() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  for (auto& execution : running_) execution->Stop();
}

void ScriptRunner::CancelJobs() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& execution : running_) execution->Cancel();
}

}  // namespace tiangong
