#include "control/job_registry.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool ProcessAlive(int64_t pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::optional<RegisteredJob> ReadEntry(const fs::path& path) {
  Result<std::string> text = ReadFile(path.string());
  if (!text.ok()) return std::nullopt;
  json entry = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!entry.is_object()) return std::nullopt;
  RegisteredJob job;
  job.id = entry.value("id", "");
  job.name = entry.value("name", "");
  job.pid = entry.value("pid", int64_t{0});
  job.address = entry.value("address", "");
  job.port = entry.value("port", 0);
  job.token = entry.value("token", "");
  job.start_millis = entry.value("start-time", int64_t{0});
  if (job.id.empty() || job.port <= 0) return std::nullopt;
  return job;
}

}  // namespace

JobRegistry JobRegistry::Default() {
  const char* home = std::getenv("TIANGONG_HOME");
  if (home != nullptr && *home != '\0') return JobRegistry(fmt::format("{}/jobs", home));
  const char* user_home = std::getenv("HOME");
  return JobRegistry(fmt::format("{}/.tiangong/jobs", user_home != nullptr ? user_home : "/tmp"));
}

Status JobRegistry::Register(const RegisteredJob& job) const {
  RETURN_NOT_OK(CreateDirectories(directory_));
  if (chmod(directory_.c_str(), 0700) != 0) {
    return Status::IOError("Cannot restrict the job registry {} to its owner", directory_);
  }
  json entry = {{"id", job.id},
                {"name", job.name},
                {"pid", job.pid},
                {"address", job.address},
                {"port", job.port},
                {"token", job.token},
                {"start-time", job.start_millis}};
  std::string path = fmt::format("{}/{}.json", directory_, job.id);
  std::string temp = path + ".tmp";
  {
    // Created private: the entry holds the job's access token.
    std::ofstream out(temp, std::ios::trunc);
    if (!out) return Status::IOError("Cannot write the job registry entry {}", temp);
    chmod(temp.c_str(), 0600);
    out << entry.dump() << '\n';
    if (!out.flush()) return Status::IOError("Cannot write the job registry entry {}", temp);
  }
  std::error_code error;
  fs::rename(temp, path, error);
  if (error)
    return Status::IOError("Cannot register job '{}' in {}: {}", job.name, path, error.message());
  return Status::OK();
}

void JobRegistry::Unregister(std::string_view id) const {
  std::error_code ignored;
  fs::remove(fmt::format("{}/{}.json", directory_, id), ignored);
}

Result<std::vector<RegisteredJob>> JobRegistry::List() const {
  std::vector<RegisteredJob> jobs;
  std::error_code error;
  fs::directory_iterator it(directory_, error);
  if (error) return jobs;  // nothing registered yet
  for (const fs::directory_entry& file : it) {
    if (file.path().extension() != ".json") continue;
    std::optional<RegisteredJob> job = ReadEntry(file.path());
    if (job && ProcessAlive(job->pid)) {
      jobs.push_back(std::move(*job));
    } else if (job) {
      // Its process died without unregistering it.
      std::error_code ignored;
      fs::remove(file.path(), ignored);
    }
  }
  std::sort(jobs.begin(), jobs.end(), [](const RegisteredJob& a, const RegisteredJob& b) {
    return a.start_millis != b.start_millis ? a.start_millis < b.start_millis : a.id < b.id;
  });
  return jobs;
}

Result<RegisteredJob> JobRegistry::Find(std::string_view job) const {
  ASSIGN_OR_RAISE(std::vector<RegisteredJob> jobs, List());
  std::vector<RegisteredJob> matches;
  for (const RegisteredJob& candidate : jobs) {
    if (candidate.id == job) return candidate;
    if (candidate.name == job || (job.size() >= 4 && candidate.id.rfind(job, 0) == 0)) {
      matches.push_back(candidate);
    }
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) {
    std::string running;
    for (const RegisteredJob& candidate : jobs) {
      running +=
          fmt::format("{}{} ({})", running.empty() ? "" : ", ", candidate.name, candidate.id);
    }
    return Status::NotFound("No running job '{}'; {}", job,
                            running.empty() ? "no job is running" : "running: " + running);
  }
  std::string ids;
  for (const RegisteredJob& candidate : matches) ids += " " + candidate.id;
  return Status::Invalid("Several running jobs match '{}': give the id of one:{}", job, ids);
}

}  // namespace tiangong
