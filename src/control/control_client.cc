#include "control/control_client.h"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>

namespace tiangong {
namespace {

using nlohmann::json;

// Checkpoints and savepoints are answered when they complete, which may take
// as long as a checkpoint may ('execution.checkpointing.timeout', 10 min).
constexpr auto kReadTimeout = std::chrono::minutes(11);

Status StatusOfHttp(int http_status, const std::string& message) {
  switch (http_status) {
    case 400:
    case 401:
      return Status::Invalid("{}", message);
    case 404:
      return Status::NotFound("{}", message);
    case 409:
      return Status::Aborted("{}", message);
    case 504:
      return Status::Timeout("{}", message);
    default:
      return Status::IOError("{}", message);
  }
}

// The body of a 2xx answer; otherwise the endpoint's error message.
Result<std::string> BodyOf(const httplib::Result& result, const RegisteredJob& job) {
  if (!result) {
    return Status::IOError("Cannot reach job '{}' at {}:{}: {}", job.name, job.address, job.port,
                           httplib::to_string(result.error()));
  }
  if (result->status / 100 == 2) return result->body;
  json body = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  bool has_message = body.contains("errors") && body["errors"].is_array() &&
                     !body["errors"].empty() && body["errors"][0].is_string();
  return StatusOfHttp(result->status, has_message ? body["errors"][0].get<std::string>()
                                                  : fmt::format("HTTP {}", result->status));
}

Result<json> ParseAnswer(const std::string& text, const RegisteredJob& job,
                         const std::string& path) {
  json body = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Status::IOError("Job '{}' answered {} with something that is not JSON", job.name, path);
  }
  return body;
}

}  // namespace

Result<std::string> ControlClient::GetText(const std::string& path) const {
  httplib::Client client(job_.address, job_.port);
  client.set_read_timeout(kReadTimeout);
  return BodyOf(client.Get(path), job_);
}

Result<json> ControlClient::Get(const std::string& path) const {
  ASSIGN_OR_RAISE(std::string text, GetText(path));
  return ParseAnswer(text, job_, path);
}

Result<json> ControlClient::Post(const std::string& path, const json& body) const {
  httplib::Client client(job_.address, job_.port);
  client.set_read_timeout(kReadTimeout);
  client.set_bearer_token_auth(job_.token);
  ASSIGN_OR_RAISE(std::string text,
                  BodyOf(client.Post(path, body.dump(), "application/json"), job_));
  return ParseAnswer(text, job_, path);
}

}  // namespace tiangong
