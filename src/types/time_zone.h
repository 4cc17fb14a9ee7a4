#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tiangong {

/// A named time zone (IANA database, or a fixed offset such as "+08:00" or
/// "GMT+8"), used to convert between TIMESTAMP_LTZ (UTC instants) and local
/// TIMESTAMP values, as Flink's `table.local-time-zone` does.
/// Thread-safety: immutable after Load(); safe to share.
class TimeZone {
 public:
  /// "UTC", "Asia/Shanghai", "+08:00", "GMT+08:00", or "default" for the
  /// system's zone (the TZ variable, then /etc/localtime).
  static Result<TimeZone> Load(std::string_view name);
  static TimeZone Utc();

  TimeZone(const TimeZone&) = default;
  TimeZone& operator=(const TimeZone&) = default;
  ~TimeZone();

  const std::string& name() const { return name_; }
  /// Local wall-clock microseconds for the UTC instant `utc_micros`.
  int64_t ToLocal(int64_t utc_micros) const;
  /// The UTC instant of local wall-clock time `local_micros`; for times that
  /// occur twice or not at all (DST changes) the earlier offset is used.
  int64_t ToUtc(int64_t local_micros) const;

 private:
  struct Impl;
  TimeZone(std::string name, std::shared_ptr<const Impl> impl);

  std::string name_;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace tiangong
