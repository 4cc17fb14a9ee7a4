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

}  // namespace tiangong
