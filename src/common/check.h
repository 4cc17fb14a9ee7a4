#pragma once

#include <cstdlib>

#include <fmt/core.h>
#include <fmt/format.h>

/// Assertion macros for programming errors (never for user input, which gets a
/// Status). A failed check prints the condition, both operands where there are
/// two, and the source location, then aborts. They stay on in release builds:
/// a broken invariant in a data system must stop the process, not corrupt data.

namespace tiangong::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const std::string& detail);
}  // namespace tiangong::internal

#define TG_CHECK(condition)                                                  \
  do {                                                                       \
    if (!(condition)) [[unlikely]] {                                         \
      ::tiangong::internal::CheckFailed(__FILE__, __LINE__, #condition, ""); \
    }                                                                        \
  } while (false)

#define TG_CHECK_OP(a, b, op)                                                            \
  do {                                                                                   \
    const auto& _check_a = (a);                                                          \
    const auto& _check_b = (b);                                                          \
    if (!(_check_a op _check_b)) [[unlikely]] {                                          \
      ::tiangong::internal::CheckFailed(__FILE__, __LINE__, #a " " #op " " #b,           \
                                        fmt::format("({} vs. {})", _check_a, _check_b)); \
    }                                                                                    \
  } while (false)

#define TG_CHECK_EQ(a, b) TG_CHECK_OP(a, b, ==)
#define TG_CHECK_NE(a, b) TG_CHECK_OP(a, b, !=)
#define TG_CHECK_LT(a, b) TG_CHECK_OP(a, b, <)
#define TG_CHECK_LE(a, b) TG_CHECK_OP(a, b, <=)
#define TG_CHECK_GT(a, b) TG_CHECK_OP(a, b, >)
#define TG_CHECK_GE(a, b) TG_CHECK_OP(a, b, >=)

/// Checks only in debug builds; for hot paths.
#ifdef NDEBUG
#define TG_DCHECK(condition) \
  do {                       \
  } while (false)
#define TG_DCHECK_LT(a, b) TG_DCHECK(true)
#else
#define TG_DCHECK(condition) TG_CHECK(condition)
#define TG_DCHECK_LT(a, b) TG_CHECK_LT(a, b)
#endif

#define TG_UNREACHABLE(what) \
  ::tiangong::internal::CheckFailed(__FILE__, __LINE__, "unreachable", what)
