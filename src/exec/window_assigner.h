#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "functions/function_context.h"
#include "sql/plan.h"
#include "types/temporal.h"

namespace tiangong {

/// A window [start, end) in the time domain of its time column: local
/// microseconds (for TIMESTAMP_LTZ time columns, windows align to the session
/// time zone and bounds are local wall-clock times, as in Flink).
struct TimeWindow {
  int64_t start;
  int64_t end;
};

/// Assigns rows to the aligned windows of a WindowSpec (TUMBLE, HOP, CUMULATE)
/// and relates windows to watermarks. Thread-safety: immutable.
class WindowAssigner {
 public:
  WindowAssigner(const sql::WindowSpec& spec, const FunctionContext& context)
      : spec_(spec), zone_(context.local_time_zone) {}

  /// Appends the windows containing the row time `time` (as the column holds it:
  /// UTC for TIMESTAMP_LTZ), oldest first.
  void Assign(int64_t time, std::vector<TimeWindow>* windows) const {
    int64_t t = LocalTime(time);
    switch (spec_.kind) {
      case sql::WindowKind::kTumble: {
        int64_t start = StartOf(t, spec_.size);
        windows->push_back({start, start + spec_.size});
        break;
      }
      case sql::WindowKind::kHop: {
        // Windows start every slide; those starting in (t - size, t] contain t.
        size_t first = windows->size();
        for (int64_t start = StartOf(t, spec_.slide); start > t - spec_.size;
             start -= spec_.slide) {
          windows->push_back({start, start + spec_.size});
        }
        std::reverse(windows->begin() + first, windows->end());
        break;
      }
      case sql::WindowKind::kCumulate: {
        int64_t start = StartOf(t, spec_.size);
        for (int64_t end = start + spec_.slide; end <= start + spec_.size; end += spec_.slide) {
          if (end > t) windows->push_back({start, end});
        }
        break;
      }
      case sql::WindowKind::kSession:
        windows->push_back({t, t + spec_.gap});
        break;
    }
  }

  /// The window's last timestamp on the watermark's (UTC) clock: the window
  /// fires when the watermark reaches it, and a row whose window it has passed
  /// is late. Windows end at millisecond precision, as in Flink.
  int64_t FireTime(const TimeWindow& window) const {
    int64_t end = spec_.local_time_zone ? zone_.ToUtc(window.end) : window.end;
    return end - kMicrosPerMilli;
  }

  /// window_time: the window's last millisecond, as the time column's type holds it.
  int64_t WindowTime(const TimeWindow& window) const { return FireTime(window); }

  /// The aligned window (not SESSION) that ends at `end`.
  TimeWindow WindowEnding(int64_t end) const {
    if (spec_.kind == sql::WindowKind::kCumulate) return {StartOf(end - 1, spec_.size), end};
    return {end - spec_.size, end};
  }

  /// A row time (as the column holds it) in the windows' time domain.
  int64_t LocalTime(int64_t time) const {
    return spec_.local_time_zone ? zone_.ToLocal(time) : time;
  }
  /// The start of the period of length `size` (aligned to the offset) that
  /// contains local time `t`.
  int64_t StartOf(int64_t t, int64_t size) const { return t - FloorMod(t - spec_.offset, size); }

  const sql::WindowSpec& spec() const { return spec_; }

 private:
  sql::WindowSpec spec_;
  TimeZone zone_;
};

}  // namespace tiangong
