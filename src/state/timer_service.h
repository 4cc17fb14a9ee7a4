#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "common/byte_io.h"
#include "common/result.h"

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

  /// Appends every timer to `out` (for checkpoints).
  void Serialize(std::string* out) const {
    ByteWriter writer(out);
    writer.Varint(timers_.size());
    for (const auto& [time, key] : timers_) {
      writer.Fixed(time);
      writer.String(key);
    }
  }
  /// Adds the timers Serialize wrote whose key `keep` accepts (all when null);
  /// a DataError when `bytes` are not such timers.
  Status Restore(std::string_view bytes, const std::function<bool(std::string_view key)>& keep) {
    ByteReader reader(bytes);
    uint64_t count = reader.Varint();
    for (uint64_t i = 0; i < count && reader.ok(); ++i) {
      auto time = reader.Fixed<int64_t>();
      std::string_view key = reader.String();
      if (reader.ok() && (!keep || keep(key))) timers_.emplace(time, std::string(key));
    }
    if (!reader.ok()) return Status::DataError("corrupt timers in restored state");
    return Status::OK();
  }

 private:
  std::set<std::pair<int64_t, std::string>> timers_;
};

}  // namespace tiangong
