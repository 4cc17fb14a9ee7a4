#include "types/batch.h"

#include "common/check.h"

namespace tiangong {

Batch::Batch(std::vector<VectorPtr> columns, size_t num_rows, std::vector<RowKind> row_kinds)
    : columns_(std::move(columns)), num_rows_(num_rows), row_kinds_(std::move(row_kinds)) {
  for (const VectorPtr& column : columns_) {
    TG_CHECK_EQ(column->size(), num_rows_);
    TG_CHECK(!column->is_constant());
  }
  TG_CHECK(row_kinds_.empty() || row_kinds_.size() == num_rows_);
}

std::string_view RowKindShortString(RowKind kind) {
  switch (kind) {
    case RowKind::kInsert:
      return "+I";
    case RowKind::kUpdateBefore:
      return "-U";
    case RowKind::kUpdateAfter:
      return "+U";
    case RowKind::kDelete:
      return "-D";
  }
  return "?";
}

Batch Batch::Gather(const uint32_t* rows, size_t count) const {
  std::vector<VectorPtr> columns;
  columns.reserve(columns_.size());
  for (const VectorPtr& column : columns_)
    columns.push_back(tiangong::Gather(*column, rows, count));
  std::vector<RowKind> kinds;
  if (!row_kinds_.empty()) {
    kinds.resize(count);
    for (size_t i = 0; i < count; ++i) kinds[i] = row_kinds_[rows[i]];
  }
  return Batch(std::move(columns), count, std::move(kinds));
}

Batch Batch::Slice(size_t offset, size_t count) const {
  if (offset == 0 && count == num_rows_) return *this;
  std::vector<VectorPtr> columns;
  columns.reserve(columns_.size());
  for (const VectorPtr& column : columns_) {
    columns.push_back(tiangong::Slice(*column, offset, count));
  }
  std::vector<RowKind> kinds;
  if (!row_kinds_.empty()) {
    kinds.assign(row_kinds_.begin() + offset, row_kinds_.begin() + offset + count);
  }
  return Batch(std::move(columns), count, std::move(kinds));
}

Batch Batch::SelectColumns(const std::vector<int>& indexes) const {
  std::vector<VectorPtr> columns;
  columns.reserve(indexes.size());
  for (int index : indexes) columns.push_back(columns_[index]);
  return Batch(std::move(columns), num_rows_, row_kinds_);
}

size_t Batch::EstimateBytes() const {
  size_t bytes = row_kinds_.size();
  for (const VectorPtr& column : columns_) bytes += column->EstimateBytes();
  return bytes;
}

}  // namespace tiangong
