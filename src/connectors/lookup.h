#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "functions/function_context.h"
#include "types/batch.h"
#include "types/batch_builder.h"

namespace tiangong {

/// Facts about the lookup join instance a reader serves.
struct LookupContext {
  int subtask_index = 0;
  int parallelism = 1;
  FunctionContext function_context;
};

/// Finds a table's rows by key, for lookup joins (JOIN dim FOR SYSTEM_TIME AS
/// OF a processing time). Created for fixed key columns; one per parallel join
/// instance, used by its thread only: Open, any number of Lookup, Close.
///
/// Rows come in the source's produced type, with its pushed projection and
/// filters applied. Caching is the connector's business (see scan_lookup.h for
/// a table read whole into memory and re-read after a time-to-live).
class LookupReader {
 public:
  virtual ~LookupReader() = default;
  virtual Status Open() { return Status::OK(); }
  /// For each row i of `keys` (the key columns' values, in the order the reader
  /// was created for), appends the table's rows with those key values to `out`
  /// and, for each appended row, i to `key_rows`. A key with a NULL matches
  /// nothing.
  virtual Status Lookup(const Batch& keys, BatchBuilder* out, std::vector<uint32_t>* key_rows) = 0;
  virtual Status Close() { return Status::OK(); }
};

}  // namespace tiangong
