#include "common/check.h"

#include <cstdio>

namespace tiangong::internal {

void CheckFailed(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "Check failed at %s:%d: %s %s\n", file, line, condition, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace tiangong::internal
