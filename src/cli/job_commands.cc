#include "cli/job_commands.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "control/control_client.h"

namespace tiangong {
namespace {

using nlohmann::json;

std::string JobPath(const RegisteredJob& job, const std::string& rest = "") {
  return fmt::format("/jobs/{}{}", job.id, rest);
}

std::string Seconds(int64_t millis) { return fmt::format("{:.1f} s", millis / 1000.0); }

std::string Bytes(int64_t bytes) {
  if (bytes < 10 * 1024) return fmt::format("{} B", bytes);
  if (bytes < 10 * 1024 * 1024) return fmt::format("{} KiB", bytes / 1024);
  return fmt::format("{} MiB", bytes / (1024 * 1024));
}

std::string LocalTime(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  return text;
}

// A savepoint directory as the job process sees it: the caller's relative
// paths are resolved against the caller's working directory.
std::string AbsoluteDirectory(const std::string& directory) {
  if (directory.empty()) return directory;
  std::string path = directory.rfind("file://", 0) == 0 ? directory.substr(7) : directory;
  return std::filesystem::absolute(path).lexically_normal().string();
}

json SavepointBody(const std::string& directory) {
  json body = json::object();
  if (!directory.empty()) body["target-directory"] = AbsoluteDirectory(directory);
  return body;
}

void PrintCheckpoints(const json& checkpoints, std::FILE* out) {
  const json& counts = checkpoints["counts"];
  std::fprintf(out, "Checkpoints: %lld completed, %lld failed, %s; restored from %s\n",
               counts["completed"].get<long long>(), counts["failed"].get<long long>(),
               counts["in-progress"].get<int>() > 0 ? "one in progress" : "none in progress",
               checkpoints["restored-id"].get<int64_t>() == 0
                   ? "none"
                   : std::to_string(checkpoints["restored-id"].get<int64_t>()).c_str());
  if (checkpoints["history"].empty()) return;
  std::fprintf(out, "  %-6s %-10s %-19s %-9s %-9s %s\n", "ID", "KIND", "COMPLETED", "DURATION",
               "SIZE", "LOCATION");
  for (const json& checkpoint : checkpoints["history"]) {
    std::fprintf(out, "  %-6lld %-10s %-19s %-9s %-9s %s\n", checkpoint["id"].get<long long>(),
                 checkpoint["savepoint"].get<bool>() ? "savepoint" : "checkpoint",
                 LocalTime(checkpoint["timestamp"].get<int64_t>()).c_str(),
                 fmt::format("{} ms", checkpoint["duration-ms"].get<int64_t>()).c_str(),
                 Bytes(checkpoint["size-bytes"].get<int64_t>()).c_str(),
                 checkpoint["location"].get<std::string>().c_str());
  }
}

void PrintSubtasks(const json& subtasks, std::FILE* out) {
  std::fprintf(out, "  %-5s %-8s %-12s %-12s %-13s %-10s %s\n", "STAGE", "SUBTASK", "RECORDS IN",
               "RECORDS OUT", "WATERMARK LAG", "BACKPRESS.", "NAME");
  for (const json& subtask : subtasks) {
    const json& operators = subtask["operators"];
    // A chain's input is its first operator's (a source's: the rows it
    // read); its output is its last operator's.
    const json& first = operators.front();
    bool source = first["id"].get<std::string>().starts_with("Source-");
    int64_t in = first[source ? "records-out" : "records-in"].get<int64_t>();
    std::string lag = subtask.contains("watermark-lag-ms")
                          ? Seconds(subtask["watermark-lag-ms"].get<int64_t>())
                          : "-";
    std::fprintf(
        out, "  %-5d %-8s %-12lld %-12lld %-13s %-10s %s\n", subtask["stage"].get<int>(),
        fmt::format("{}/{}", subtask["subtask"].get<int>() + 1, subtask["parallelism"].get<int>())
            .c_str(),
        static_cast<long long>(in), operators.back()["records-out"].get<long long>(), lag.c_str(),
        Seconds(subtask["backpressured-ms"].get<int64_t>()).c_str(),
        subtask["name"].get<std::string>().c_str());
  }
}

}  // namespace

Status ListJobs(const JobRegistry& registry, std::FILE* out) {
  ASSIGN_OR_RAISE(std::vector<RegisteredJob> jobs, registry.List());
  if (jobs.empty()) {
    std::fprintf(out, "No running jobs.\n");
    return Status::OK();
  }
  std::fprintf(out, "%-32s %-19s %-8s %-21s %s\n", "ID", "STARTED", "PID", "ENDPOINT", "NAME");
  for (const RegisteredJob& job : jobs) {
    std::fprintf(out, "%-32s %-19s %-8lld %-21s %s\n", job.id.c_str(),
                 LocalTime(job.start_millis).c_str(), static_cast<long long>(job.pid),
                 fmt::format("{}:{}", job.address, job.port).c_str(), job.name.c_str());
  }
  return Status::OK();
}

Status PrintJobStatus(const JobRegistry& registry, const std::string& job, bool as_json,
                      std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  ControlClient client(found);
  ASSIGN_OR_RAISE(json status, client.Get(JobPath(found)));
  if (as_json) {
    std::fprintf(out, "%s\n", status.dump(2).c_str());
    return Status::OK();
  }
  std::fprintf(out, "Job '%s' (%s): %s for %s since %s, process %lld, endpoint http://%s:%d\n",
               status["name"].get<std::string>().c_str(), found.id.c_str(),
               status["state"].get<std::string>().c_str(),
               Seconds(status["duration-ms"].get<int64_t>()).c_str(),
               LocalTime(status["start-time"].get<int64_t>()).c_str(),
               static_cast<long long>(found.pid), found.address.c_str(), found.port);
  if (status.contains("failure")) {
    std::fprintf(out, "Failure: %s\n", status["failure"].get<std::string>().c_str());
  }
  if (status.contains("checkpoints")) {
    PrintCheckpoints(status["checkpoints"], out);
  } else {
    std::fprintf(out, "Checkpoints: off ('execution.checkpointing.interval' is not set)\n");
  }
  std::fprintf(out, "Subtasks:\n");
  PrintSubtasks(status["subtasks"], out);
  return Status::OK();
}

Status PrintJobMetrics(const JobRegistry& registry, const std::string& job, std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  ASSIGN_OR_RAISE(std::string text, ControlClient(found).GetText("/metrics"));
  std::fputs(text.c_str(), out);
  return Status::OK();
}

Status TriggerJobCheckpoint(const JobRegistry& registry, const std::string& job, std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  std::fprintf(out, "Triggering a checkpoint of job '%s' (%s).\n", found.name.c_str(),
               found.id.c_str());
  ASSIGN_OR_RAISE(json done,
                  ControlClient(found).Post(JobPath(found, "/checkpoints"), json::object()));
  std::fprintf(out, "Checkpoint %lld completed in %lld ms (%s). Path: %s\n",
               done["id"].get<long long>(), done["duration-ms"].get<long long>(),
               Bytes(done["size-bytes"].get<int64_t>()).c_str(),
               done["location"].get<std::string>().c_str());
  return Status::OK();
}

Status TriggerJobSavepoint(const JobRegistry& registry, const std::string& job,
                           const std::string& directory, std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  std::fprintf(out, "Triggering a savepoint of job '%s' (%s).\n", found.name.c_str(),
               found.id.c_str());
  ASSIGN_OR_RAISE(json done, ControlClient(found).Post(JobPath(found, "/savepoints"),
                                                       SavepointBody(directory)));
  std::fprintf(out, "Savepoint completed. Path: %s\n", done["location"].get<std::string>().c_str());
  return Status::OK();
}

Status StopJob(const JobRegistry& registry, const std::string& job, bool savepoint,
               const std::string& directory, std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  ControlClient client(found);
  if (!savepoint) {
    ASSIGN_OR_RAISE(json answer, client.Post(JobPath(found, "/stop"), json::object()));
    std::fprintf(out, "Stopping job '%s' (%s).\n", found.name.c_str(), found.id.c_str());
    return Status::OK();
  }
  std::fprintf(out, "Stopping job '%s' (%s) with a savepoint.\n", found.name.c_str(),
               found.id.c_str());
  json body = SavepointBody(directory);
  body["savepoint"] = true;
  ASSIGN_OR_RAISE(json done, client.Post(JobPath(found, "/stop"), body));
  std::fprintf(out, "Savepoint completed. Path: %s\n", done["location"].get<std::string>().c_str());
  return Status::OK();
}

Status CancelJob(const JobRegistry& registry, const std::string& job, std::FILE* out) {
  ASSIGN_OR_RAISE(RegisteredJob found, registry.Find(job));
  ASSIGN_OR_RAISE(json answer,
                  ControlClient(found).Post(JobPath(found, "/cancel"), json::object()));
  std::fprintf(out, "Cancelling job '%s' (%s).\n", found.name.c_str(), found.id.c_str());
  return Status::OK();
}

}  // namespace tiangong
