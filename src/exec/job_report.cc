#include "exec/job_report.h"

namespace tiangong {

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kRunning:
      return "RUNNING";
    case JobState::kFinished:
      return "FINISHED";
    case JobState::kStopped:
      return "STOPPED";
    case JobState::kFailed:
      return "FAILED";
    case JobState::kCanceled:
      return "CANCELED";
  }
  return "UNKNOWN";
}

}  // namespace tiangong
