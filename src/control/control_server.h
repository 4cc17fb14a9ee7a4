#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "exec/job_execution.h"

namespace tiangong {

/// The job control endpoint of a `tiangong run` process: a small HTTP server
/// on a local port that serves every job the process runs.
///
///   GET  /jobs                          the jobs: id, name, state
///   GET  /jobs/<job>                    status, counters per operator instance
///   GET  /jobs/<job>/checkpoints        checkpoint counts and the latest ones
///   POST /jobs/<job>/checkpoints        take a checkpoint now; answers when done
///   POST /jobs/<job>/savepoints         {"target-directory": ...}: a savepoint
///   POST /jobs/<job>/stop               {"savepoint": true, "target-directory":
///                                       ...}: stop with a savepoint; without,
///                                       stop as SIGTERM does
///   POST /jobs/<job>/cancel             cancel
///   GET  /metrics                       Prometheus text format
///
/// <job> is a job's id or its name. Requests that change anything (POST)
/// must carry "Authorization: Bearer <token>"; answers are JSON, errors
/// {"errors": [message]} with a fitting HTTP status.
/// Thread-safety: AddJob() from any thread; requests are served on the
/// server's own threads.
class ControlServer {
 public:
  /// Binds `address`:`port` (port 0: any free one) and starts serving.
  static Result<std::unique_ptr<ControlServer>> Start(const std::string& address, int port,
                                                      std::string token);
  /// Stops serving; requests in progress are answered first.
  ~ControlServer();

  /// `job` must outlive the server.
  void AddJob(JobExecution* job);

  const std::string& address() const;
  int port() const;

 private:
  struct Impl;
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tiangong
