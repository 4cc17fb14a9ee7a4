#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace tiangong {

/// What kind of failure a Status describes. Callers branch on the code; users read
/// the message.
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,  // bad configuration or option value
  kParseError,       // SQL text that does not parse
  kValidation,       // SQL that parses but does not bind (unknown table, wrong types)
  kNotFound,
  kAlreadyExists,
  kIOError,
  kDataError,  // a record that cannot be decoded or a value that cannot be computed
  kUnsupported,
  kCancelled,
  kOutOfMemory,  // an allocation failed: state or buffers outgrew the memory
  kTimeout,      // something did not finish in the time it was given
  kAborted,      // given up on after repeated failures (checkpoints)
  kDataLoss,     // stored data that is truncated or fails its checksum (a damaged checkpoint)
  kInternal,
};

/// The outcome of an operation that can fail for reasons outside the program:
/// I/O, user input, configuration, remote calls. An OK status carries no
/// allocation; an error carries a code and a message meant for the user.
/// Thread-safety: a Status is a value; distinct objects may be used concurrently.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }

  template <typename... Args>
  static Status Invalid(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kInvalidArgument, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status ParseError(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kParseError, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Validation(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kValidation, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status NotFound(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kNotFound, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status AlreadyExists(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kAlreadyExists, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status IOError(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kIOError, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status DataError(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kDataError, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Unsupported(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kUnsupported, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Cancelled(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kCancelled, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status OutOfMemory(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kOutOfMemory, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Timeout(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kTimeout, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Aborted(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kAborted, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status DataLoss(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kDataLoss, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  static Status Internal(fmt::format_string<Args...> format, Args&&... args) {
    return Status(StatusCode::kInternal, fmt::format(format, std::forward<Args>(args)...));
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  /// The message without the code; empty for OK.
  const std::string& message() const;
  /// "Validation error: <message>", or "OK".
  std::string ToString() const;

  /// Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

std::string_view StatusCodeName(StatusCode code);

}  // namespace tiangong

/// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_NOT_OK(expr)                    \
  do {                                         \
    ::tiangong::Status _status_tmp = (expr);   \
    if (!_status_tmp.ok()) return _status_tmp; \
  } while (false)
