#include "control/control_server.h"

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "control/report_format.h"

namespace tiangong {
namespace {

using nlohmann::json;

constexpr size_t kServerThreads = 4;

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kCancelled:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kTimeout:
      return 504;
    default:
      return 500;
  }
}

void Reply(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(2) + "\n", "application/json");
}

void ReplyError(httplib::Response& response, int status, const std::string& message) {
  Reply(response, status, json{{"errors", json::array({message})}});
}

// Compares in time independent of where the strings differ.
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

struct ControlServer::Impl {
  std::string address;
  int port = 0;
  std::string token;
  httplib::Server server;
  std::thread thread;
  std::mutex mutex;
  std::vector<JobExecution*> jobs;  // GUARDED_BY(mutex)

  std::vector<JobExecution*> Jobs() {
    std::lock_guard<std::mutex> lock(mutex);
    return jobs;
  }

  Result<JobExecution*> FindJob(const std::string& key) {
    std::vector<JobExecution*> matches;
    for (JobExecution* job : Jobs()) {
      if (job->id() == key) return job;
      if (job->name() == key) matches.push_back(job);
    }
    if (matches.size() == 1) return matches[0];
    if (matches.empty()) return Status::NotFound("No job '{}' in this process", key);
    return Status::Invalid("Several jobs are named '{}': address one by its id", key);
  }

  bool Authorized(const httplib::Request& request, httplib::Response& response) {
    if (SameSecret(request.get_header_value("Authorization"), "Bearer " + token)) return true;
    response.set_header("WWW-Authenticate", "Bearer");
    ReplyError(response, 401,
               "This request needs 'Authorization: Bearer <token>' with the job's token (the "
               "tiangong CLI sends it)");
    return false;
  }

  // Runs `handle` on the job the path names, answering errors as JSON.
  template <typename Handler>
  void WithJob(const httplib::Request& request, httplib::Response& response, bool changes_state,
               Handler handle) {
    if (changes_state && !Authorized(request, response)) return;
    Result<JobExecution*> job = FindJob(request.matches[1]);
    if (!job.ok()) {
      ReplyError(response, HttpStatusOf(job.status()), job.status().message());
      return;
    }
    json body = json::object();
    if (changes_state && !request.body.empty()) {
      body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (!body.is_object()) {
        ReplyError(response, 400, "The request body is not a JSON object");
        return;
      }
    }
    handle(**job, body);
  }

  Result<CheckpointRequest> SavepointRequest(const json& body, bool stop) {
    CheckpointRequest checkpoint;
    checkpoint.savepoint = true;
    checkpoint.stop = stop;
    if (body.contains("target-directory")) {
      if (!body["target-directory"].is_string()) {
        return Status::Invalid("'target-directory' must be a string");
      }
      checkpoint.target_directory = body["target-directory"].get<std::string>();
    }
    return checkpoint;
  }

  void Trigger(JobExecution& job, Result<CheckpointRequest> checkpoint,
               httplib::Response& response) {
    Result<CompletedCheckpoint> done =
        checkpoint.ok() ? job.TriggerCheckpoint(*checkpoint) : checkpoint.status();
    if (!done.ok()) {
      ReplyError(response, HttpStatusOf(done.status()), done.status().message());
      return;
    }
    Reply(response, 200, CompletedCheckpointJson(*done));
  }

  void Route() {
    server.Get("/jobs", [this](const httplib::Request&, httplib::Response& response) {
      json jobs = json::array();
      for (JobExecution* job : Jobs()) {
        JobReport report = job->Report();
        jobs.push_back({{"id", report.id},
                        {"name", report.name},
                        {"state", JobStateName(report.state)},
                        {"start-time", report.start_millis},
                        {"duration-ms", report.duration_millis}});
      }
      Reply(response, 200, json{{"jobs", std::move(jobs)}});
    });
    server.Get(R"(/jobs/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 WithJob(request, response, false, [&](JobExecution& job, const json&) {
                   Reply(response, 200, JobReportJson(job.Report(), WallClockMicros() / 1000));
                 });
               });
    server.Get(R"(/jobs/([^/]+)/checkpoints)", [this](const httplib::Request& request,
                                                      httplib::Response& response) {
      WithJob(request, response, false, [&](JobExecution& job, const json&) {
        JobReport report = job.Report();
        if (!report.checkpoints) {
          ReplyError(response, 404, fmt::format("Job '{}' takes no checkpoints", job.name()));
          return;
        }
        Reply(response, 200, CheckpointStatsJson(*report.checkpoints));
      });
    });
    server.Post(R"(/jobs/([^/]+)/checkpoints)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  WithJob(request, response, true, [&](JobExecution& job, const json&) {
                    Trigger(job, CheckpointRequest{}, response);
                  });
                });
    server.Post(R"(/jobs/([^/]+)/savepoints)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  WithJob(request, response, true, [&](JobExecution& job, const json& body) {
                    Trigger(job, SavepointRequest(body, false), response);
                  });
                });
    server.Post(R"(/jobs/([^/]+)/stop)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  WithJob(request, response, true, [&](JobExecution& job, const json& body) {
                    if (body.value("savepoint", false) || body.contains("target-directory")) {
                      Trigger(job, SavepointRequest(body, true), response);
                      return;
                    }
                    job.Stop();
                    Reply(response, 202, json{{"id", job.id()}, {"state", "STOPPING"}});
                  });
                });
    server.Post(R"(/jobs/([^/]+)/cancel)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  WithJob(request, response, true, [&](JobExecution& job, const json&) {
                    job.Cancel();
                    Reply(response, 202, json{{"id", job.id()}, {"state", "CANCELLING"}});
                  });
                });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      std::vector<JobReport> reports;
      for (JobExecution* job : Jobs()) reports.push_back(job->Report());
      response.set_content(PrometheusMetrics(reports, WallClockMicros() / 1000),
                           "text/plain; version=0.0.4");
    });
  }
};

Result<std::unique_ptr<ControlServer>> ControlServer::Start(const std::string& address, int port,
                                                            std::string token) {
  auto impl = std::make_unique<Impl>();
  impl->address = address;
  impl->token = std::move(token);
  // Few threads: requests are rare, but one waiting for a savepoint must not
  // hold up status and metrics.
  impl->server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  impl->Route();
  if (port == 0) {
    impl->port = impl->server.bind_to_any_port(address);
  } else if (impl->server.bind_to_port(address, port)) {
    impl->port = port;
  }
  if (impl->port <= 0) {
    return Status::IOError(
        "Cannot serve the job control endpoint on {}:{} ('tiangong.control.port')", address, port);
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // Server::stop() has no effect before the server runs: the destructor can
  // stop it only once it does (a job may end within milliseconds).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!impl->server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto server = std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
  if (!server->impl_->server.is_running()) {
    return Status::IOError("The job control endpoint on {}:{} did not start", address, port);
  }
  return server;
}

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ControlServer::~ControlServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void ControlServer::AddJob(JobExecution* job) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->jobs.push_back(job);
}

const std::string& ControlServer::address() const { return impl_->address; }
int ControlServer::port() const { return impl_->port; }

}  // namespace tiangong
