#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>

namespace tiangong {

/// The timers of one operator instance: (time, key) pairs that fire, in time
/// order, when the watermark (event time) or the clock (processing time) passes
/// them. A key is an encoded key, possibly with a namespace (a window).
/// Registering the same timer twice keeps one.
/// Thread-safety: owned by one operator instance.
class TimerService {
 public:
  void Register(int64_t time, std::string key) { timers_.emplace(time, std::move(key)); }
  void Delete(int64_t time, const std::string& key) { timers_.erase({time, key}); }

  /// Removes and returns the earliest timer at or before `time`; false when none.
  bool PopDue(int64_t time, int64_t* timer_time, std::string* key) {
    if (timers_.empty() || timers_.begin()->first > time) return false;
    auto node = timers_.extract(timers_.begin());
    *timer_time = node.value().first;
    *key = std::move(node.value().second);
    return true;
  }

  /// The earliest pending time, or INT64_MAX.
  int64_t NextTime() const { return timers_.empty() ? INT64_MAX : timers_.begin()->first; }
  size_t size() const { return timers_.size(); }
  const std::set<std::pair<int64_t, std::string>>& timers() const { return timers_; }

 private:
  std::set<std::pair<int64_t, std::string>> timers_;
};

}  // namespace tiangong
