#include "types/batch_builder.h"

namespace tiangong {

BatchBuilder::BatchBuilder(const DataType& row_type) {
  columns_.reserve(row_type.num_fields());
  for (const RowField& field : row_type.fields()) columns_.emplace_back(field.type);
}

void BatchBuilder::FinishRow(RowKind kind) {
  row_kinds_.push_back(kind);
  all_inserts_ &= kind == RowKind::kInsert;
  ++num_rows_;
}

void BatchBuilder::AbandonRow() {
  for (VectorBuilder& column : columns_) column.Truncate(num_rows_);
}

Batch BatchBuilder::Build() {
  std::vector<VectorPtr> columns;
  columns.reserve(columns_.size());
  for (VectorBuilder& column : columns_) columns.push_back(column.Build());
  std::vector<RowKind> kinds;
  if (!all_inserts_) kinds = std::move(row_kinds_);
  Batch batch(std::move(columns), num_rows_, std::move(kinds));
  row_kinds_.clear();
  all_inserts_ = true;
  num_rows_ = 0;
  return batch;
}

Batch ConcatenateBatches(const std::vector<Batch>& batches, const DataType& row_type) {
  if (batches.size() == 1) return batches[0];
  BatchBuilder builder(row_type);
  for (const Batch& batch : batches) {
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      for (size_t c = 0; c < builder.num_columns(); ++c) {
        builder.column(c).AppendFrom(*batch.column(c), row);
      }
      builder.FinishRow(batch.row_kind(row));
    }
  }
  return builder.Build();
}

}  // namespace tiangong
