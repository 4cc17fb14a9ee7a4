#include "common/status.h"

namespace tiangong {

Status::Status(StatusCode code, std::string message) {
  if (code != StatusCode::kOk) {
    state_ = std::make_unique<State>(State{code, std::move(message)});
  }
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  }
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{}: {}", StatusCodeName(code()), message());
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  return Status(code(), fmt::format("{}: {}", context, message()));
}

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "Invalid argument";
    case StatusCode::kParseError:
      return "SQL parse error";
    case StatusCode::kValidation:
      return "SQL validation error";
    case StatusCode::kNotFound:
      return "Not found";
    case StatusCode::kAlreadyExists:
      return "Already exists";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kDataError:
      return "Data error";
    case StatusCode::kUnsupported:
      return "Unsupported";
    case StatusCode::kCancelled:
      return "Cancelled";
    case StatusCode::kOutOfMemory:
      return "Out of memory";
    case StatusCode::kTimeout:
      return "Timed out";
    case StatusCode::kAborted:
      return "Aborted";
    case StatusCode::kDataLoss:
      return "Data loss";
    case StatusCode::kInternal:
      return "Internal error";
  }
  return "Unknown";
}

}  // namespace tiangong
