// The `tiangong` command: runs, explains and validates Flink SQL scripts on the
// native engine.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

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
  CLI11_PARSE(app, argc, argv);

  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::warn);

  ScriptOptions options;
  options.verbose = verbose;
  options.mode = run->parsed() ? ScriptMode::kRun
                               : (explain->parsed() ? ScriptMode::kExplain : ScriptMode::kValidate);
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
  Status status;
  {
    SignalWatcher watcher(&runner);
    status = runner.Run(*script);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "[ERROR] %s\n", status.ToString().c_str());
    return 1;
  }
  if (validate->parsed()) std::fprintf(stderr, "The script is valid.\n");
  return 0;
}

}  // namespace
}  // namespace tiangong

int main(int argc, char** argv) { return tiangong::Main(argc, argv); }
