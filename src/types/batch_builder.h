#pragma once

#include <vector>

#include "types/batch.h"
#include "types/vector_builder.h"

namespace tiangong {

/// Builds a batch row by row for row-oriented decoders: append one value to
/// every column builder, then FinishRow(). A row that fails half-way is dropped
/// with AbandonRow(), which truncates every column back to the last finished row.
/// Thread-safety: none.
class BatchBuilder {
 public:
  /// `row_type` is a ROW whose fields are the columns.
  explicit BatchBuilder(const DataType& row_type);

  VectorBuilder& column(size_t index) { return columns_[index]; }
  size_t num_columns() const { return columns_.size(); }
  size_t num_rows() const { return num_rows_; }

  void FinishRow(RowKind kind = RowKind::kInsert);
  void AbandonRow();
  /// Returns the finished rows and leaves the builder empty.
  Batch Build();

 private:
  std::vector<VectorBuilder> columns_;
  std::vector<RowKind> row_kinds_;
  bool all_inserts_ = true;
  size_t num_rows_ = 0;
};

/// The rows of `batches` (all of `row_type`) one after another, with their kinds.
Batch ConcatenateBatches(const std::vector<Batch>& batches, const DataType& row_type);

}  // namespace tiangong
