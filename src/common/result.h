#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "common/check.h"
#include "common/status.h"

namespace tiangong {

/// Either a value of type T or the Status that explains why there is none.
/// Construct from a T (success) or from a non-OK Status (failure).
/// Thread-safety: a value type, like T.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  /// From anything convertible to T, e.g. shared_ptr<Derived> for shared_ptr<const Base>.
  template <typename U>
  requires(std::is_convertible_v<U, T> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Status>)
      Result(U&& value)  // NOLINT(google-explicit-constructor)
      : storage_(T(std::forward<U>(value))) {}
  Result(Status status) : storage_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    TG_CHECK(!std::get<Status>(storage_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  /// OK when a value is present.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(storage_);
  }

  /// REQUIRES: ok().
  const T& value() const& {
    TG_CHECK(ok());
    return std::get<T>(storage_);
  }
  T& value() & {
    TG_CHECK(ok());
    return std::get<T>(storage_);
  }
  T&& value() && {
    TG_CHECK(ok());
    return std::get<T>(std::move(storage_));
  }
  /// Moves the value out. REQUIRES: ok().
  T MoveValue() { return std::move(*this).value(); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> storage_;
};

}  // namespace tiangong

#define TG_CONCAT_INNER(a, b) a##b
#define TG_CONCAT(a, b) TG_CONCAT_INNER(a, b)

#define TG_ASSIGN_OR_RAISE_IMPL(result_name, lhs, rexpr) \
  auto result_name = (rexpr);                            \
  if (!result_name.ok()) return result_name.status();    \
  lhs = std::move(result_name).value();

/// Evaluates `rexpr` (a Result<T>); on failure returns its Status from the enclosing
/// function, otherwise assigns the value to `lhs` (which may be a declaration).
#define ASSIGN_OR_RAISE(lhs, rexpr) \
  TG_ASSIGN_OR_RAISE_IMPL(TG_CONCAT(_result_, __COUNTER__), lhs, rexpr)
