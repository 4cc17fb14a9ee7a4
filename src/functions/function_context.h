#pragma once

#include <cstdint>

#include "types/time_zone.h"

namespace tiangong {

/// Job-wide facts that functions may depend on. Immutable for the job's lifetime.
struct FunctionContext {
  /// `table.local-time-zone`: how TIMESTAMP_LTZ values and "now" appear locally.
  TimeZone local_time_zone = TimeZone::Utc();
  /// When the query started (UTC microseconds); CURRENT_TIMESTAMP in batch mode.
  int64_t query_start_micros = 0;
  /// Batch mode evaluates CURRENT_TIMESTAMP once per query, streaming per record.
  bool batch_mode = false;
};

}  // namespace tiangong
