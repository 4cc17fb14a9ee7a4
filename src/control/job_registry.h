#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tiangong {

/// How to reach a running job's control endpoint.
struct RegisteredJob {
  std::string id;
  std::string name;
  int64_t pid = 0;
  /// host:port of the process's control endpoint.
  std::string address;
  int port = 0;
  /// Bearer token the endpoint requires for requests that change state.
  std::string token;
  int64_t start_millis = 0;
};

/// The jobs running on this machine, one file per job in a directory that only
/// its user can read (the files hold access tokens):
///
///   $TIANGONG_HOME/jobs/<job id>.json     ($TIANGONG_HOME: ~/.tiangong)
///
/// A job process registers each job it starts and unregisters it when it
/// ends; entries of processes that died (kill -9) are dropped when listed.
/// Thread-safety: methods are const and touch only the file system.
class JobRegistry {
 public:
  explicit JobRegistry(std::string directory) : directory_(std::move(directory)) {}
  /// The registry of $TIANGONG_HOME, else of ~/.tiangong.
  static JobRegistry Default();

  const std::string& directory() const { return directory_; }

  Status Register(const RegisteredJob& job) const;
  void Unregister(std::string_view id) const;
  /// The registered jobs whose process is alive, oldest first.
  Result<std::vector<RegisteredJob>> List() const;
  /// The job whose id, id prefix or name is `job`. Fails naming the running
  /// jobs when none matches, or the candidates when several do.
  Result<RegisteredJob> Find(std::string_view job) const;

 private:
  std::string directory_;
};

}  // namespace tiangong
