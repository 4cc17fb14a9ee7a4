#pragma once

#include <string>
#include <vector>

#include "sql/plan.h"
#include "types/batch.h"
#include "types/key_encoder.h"

namespace tiangong {

/// Appends the order-preserving key of row `row` for ORDER BY `order`: byte
/// strings compare as the rows sort, NULLs first or last by a prefix byte
/// whatever the direction.
inline void AppendSortKey(const Batch& batch, const std::vector<sql::SortKey>& order, size_t row,
                          std::string* out) {
  for (const sql::SortKey& key : order) {
    const Vector& column = *batch.column(key.column);
    if (column.IsNull(row)) {
      out->push_back(key.nulls_first ? '\x00' : '\x02');
      continue;
    }
    out->push_back('\x01');
    if (key.ascending) {
      EncodeKeyValue(column, row, out);
    } else {
      EncodeKeyValueDescending(column, row, out);
    }
  }
}

}  // namespace tiangong
