#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "control/job_registry.h"

namespace tiangong {

/// A client of one job's control endpoint (see ControlServer), for the CLI and
/// the platform's local executor. Sends the job's token with every request.
class ControlClient {
 public:
  explicit ControlClient(RegisteredJob job) : job_(std::move(job)) {}

  const RegisteredJob& job() const { return job_; }

  /// The JSON answer of a GET. Errors name the job and say what went wrong
  /// (unreachable, or the endpoint's own error message).
  Result<nlohmann::json> Get(const std::string& path) const;
  Result<nlohmann::json> Post(const std::string& path, const nlohmann::json& body) const;
  /// The text of a GET (for /metrics).
  Result<std::string> GetText(const std::string& path) const;

 private:
  RegisteredJob job_;
};

}  // namespace tiangong
