// The `tiangong` command: runs, explains and validates Flink SQL scripts on the
// native engine, and controls the jobs it runs (status, checkpoints,
// savepoints, stop, cancel) through their control endpoints.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "cli/job_commands.h"
#include "cli/script_runner.h"

namespace tiangong {
namespace {

constexpr const char* kVersion = "0.1.0";

Result<std::string> ReadFile(const std::string& path) {
  if (path == "-") {
    std::stringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path);
  if (!file) return Status::IOError("Cannot read the script '{}'", path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Blocks SIGINT and SIGTERM in every thread and handles them on one: the first
// signal stops the running jobs gracefully, the second cancels them.
class SignalWatcher {
 public:
  explicit SignalWatcher(ScriptRunner* runner) : runner_(runner) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGUSR1);  // used to end the watcher
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this] { Watch(); });
  }
  ~SignalWatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  void Watch() {
    int received = 0;
    for (int signals_seen = 0;;) {
      if (sigwait(&signals_, &received) != 0 || received == SIGUSR1) return;
      if (++signals_seen == 1) {
        std::fprintf(stderr, "Received %s: stopping the jobs (again to cancel)\n",
                     received == SIGINT ? "SIGINT" : "SIGTERM");
        runner_->StopJobs();
      } else {
        runner_->CancelJobs();
      }
    }
  }

  ScriptRunner* runner_;
  sigset_t signals_;
  std::thread thread_;
};

// Prints a failed command's error; the exit code.
int Report(const Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "[ERROR] %s\n", status.ToString().c_str());
  return 1;
}

int Main(int argc, char** argv) {
  CLI::App app{"Tiangong: a real-time data platform that runs Flink SQL natively"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  std::string script_path;
  std::vector<std::string> definitions;
  bool verbose = false;
  auto add_common = [&](CLI::App* command) {
    command->add_option("script", script_path, "SQL script to read ('-' for standard input)")
        ->required();
    command
        ->add_option("-D", definitions,
                     "Set a configuration option and a ${NAME} value: -D key=value")
        ->allow_extra_args(false);
    command->add_flag("-v,--verbose", verbose, "Print every statement's result and job progress");
  };
  CLI::App* run =
      app.add_subcommand("run", "Run a SQL script: DDL, then its INSERT and SELECT jobs");
  CLI::App* explain = app.add_subcommand("explain", "Print the logical and physical plans");
  CLI::App* validate = app.add_subcommand(
      "validate", "Parse and plan a script without running it; exit 1 with the first error");
  for (CLI::App* command : {run, explain, validate}) add_common(command);
  std::string from_savepoint;
  bool allow_non_restored_state = false;
  run->add_option("-s,--from-savepoint", from_savepoint,
                  "Restore the jobs from this savepoint or checkpoint (execution.savepoint.path)");
  run->add_flag("-n,--allow-non-restored-state", allow_non_restored_state,
                "Start even if the savepoint has state no operator of the job claims");

  // Commands that control running jobs; <job> is an id, an id prefix or a name.
  std::string job;
  std::string directory;
  bool as_json = false;
  bool with_savepoint = false;
  auto add_job = [&](CLI::App* command) {
    command->add_option("job", job, "The job: its id, an id prefix or its name")->required();
  };
  CLI::App* list = app.add_subcommand("list", "List the jobs running on this machine");
  CLI::App* status = app.add_subcommand(
      "status", "Show a job's state, record counts per subtask and latest checkpoints");
  status->add_flag("--json", as_json, "Print the control endpoint's JSON");
  CLI::App* metrics =
      app.add_subcommand("metrics", "Print the metrics of a job's process (Prometheus text)");
  CLI::App* checkpoint = app.add_subcommand("checkpoint", "Take a checkpoint of a job now");
  CLI::App* savepoint = app.add_subcommand("savepoint", "Take a savepoint of a running job");
  add_job(savepoint);
  savepoint->add_option("directory", directory,
                        "Where to create the savepoint (default: 'state.savepoints.dir')");
  CLI::App* stop = app.add_subcommand(
      "stop", "Stop a job: with --savepoint, at a savepoint it can be restored from");
  stop->add_flag("--savepoint", with_savepoint, "Take a savepoint and stop at it");
  stop->add_option("-p,--savepoint-path", directory,
                   "Where to create the savepoint (implies --savepoint)");
  CLI::App* cancel = app.add_subcommand("cancel", "Cancel a job");
  for (CLI::App* command : {status, metrics, checkpoint, stop, cancel}) add_job(command);
  CLI11_PARSE(app, argc, argv);

  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);

  JobRegistry registry = JobRegistry::Default();
  if (list->parsed()) return Report(ListJobs(registry, stdout));
  if (status->parsed()) return Report(PrintJobStatus(registry, job, as_json, stdout));
  if (metrics->parsed()) return Report(PrintJobMetrics(registry, job, stdout));
  if (checkpoint->parsed()) return Report(TriggerJobCheckpoint(registry, job, stdout));
  if (savepoint->parsed()) return Report(TriggerJobSavepoint(registry, job, directory, stdout));
  if (stop->parsed()) {
    return Report(StopJob(registry, job, with_savepoint || !directory.empty(), directory, stdout));
  }
  if (cancel->parsed()) return Report(CancelJob(registry, job, stdout));

  ScriptOptions options;
  options.verbose = verbose;
  options.mode = run->parsed() ? ScriptMode::kRun
                               : (explain->parsed() ? ScriptMode::kExplain : ScriptMode::kValidate);
  if (run->parsed()) {
    options.serve_control_endpoint = true;
    options.registry = registry;
  }
  if (!from_savepoint.empty()) options.config.Set("execution.savepoint.path", from_savepoint);
  if (allow_non_restored_state) {
    options.config.Set("execution.savepoint.ignore-unclaimed-state", "true");
  }
  for (const std::string& definition : definitions) {
    size_t equals = definition.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::fprintf(stderr, "Invalid -D '%s': expected -D key=value\n", definition.c_str());
      return 2;
    }
    std::string key = definition.substr(0, equals);
    std::string value = definition.substr(equals + 1);
    options.config.Set(key, value);
    options.variables[key] = value;
  }
  Result<std::string> script = ReadFile(script_path);
  if (!script.ok()) {
    std::fprintf(stderr, "%s\n", script.status().message().c_str());
    return 1;
  }
  ScriptRunner runner(std::move(options));
  Status outcome;
  {
    SignalWatcher watcher(&runner);
    outcome = runner.Run(*script);
  }
  if (!outcome.ok()) return Report(outcome);
  if (validate->parsed()) std::fprintf(stderr, "The script is valid.\n");
  return 0;
}

}  // namespace
}  // namespace tiangong

int main(int argc, char** argv) { return tiangong::Main(argc, argv); }
