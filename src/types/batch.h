#pragma once

#include <cstddef>
#include <vector>

#include "types/row_kind.h"
#include "types/vector.h"

namespace tiangong {

/// A set of rows in columnar form: one flat vector per field, all of num_rows()
/// rows, plus the RowKind of each row. Operators consume and produce batches.
/// Copying a batch copies column pointers, never data.
/// Thread-safety: a value type over immutable vectors.
class Batch {
 public:
  Batch() = default;
  /// REQUIRES: every column has `num_rows` rows; `row_kinds` is empty (all +I) or
  /// has `num_rows` entries.
  Batch(std::vector<VectorPtr> columns, size_t num_rows, std::vector<RowKind> row_kinds = {});

  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  bool empty() const { return num_rows_ == 0; }
  const VectorPtr& column(size_t index) const { return columns_[index]; }
  const std::vector<VectorPtr>& columns() const { return columns_; }

  RowKind row_kind(size_t row) const {
    return row_kinds_.empty() ? RowKind::kInsert : row_kinds_[row];
  }
  /// Empty when every row is an insert (+I).
  const std::vector<RowKind>& row_kinds() const { return row_kinds_; }
  bool insert_only() const { return row_kinds_.empty(); }

  /// The rows `rows[0..count)` in that order, all columns.
  Batch Gather(const uint32_t* rows, size_t count) const;
  /// Rows [offset, offset + count).
  Batch Slice(size_t offset, size_t count) const;
  /// The same rows with the columns at `indexes`.
  Batch SelectColumns(const std::vector<int>& indexes) const;

  size_t EstimateBytes() const;

 private:
  std::vector<VectorPtr> columns_;
  size_t num_rows_ = 0;
  std::vector<RowKind> row_kinds_;
};

}  // namespace tiangong
