#include "exec/lookup_join_operator.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "types/vector_builder.h"

namespace tiangong {

LookupJoinOperator::LookupJoinOperator(const sql::JoinNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      left_keys_(node.left_keys()),
      right_keys_(node.right_keys()),
      right_(node.input(1)),
      condition_(node.condition()),
      left_outer_(node.left_outer()) {
  size_t num_left = node.input(0)->schema().size();
  for (size_t i = 0; i < node.schema().size(); ++i) {
    (i < num_left ? left_types_ : right_types_).push_back(node.schema()[i].type);
  }
  const sql::PlanNode* scan = right_.get();
  if (scan->kind() == sql::PlanNodeKind::kCalc) {
    right_calc_ = static_cast<const sql::CalcNode*>(scan);
    scan = scan->input().get();
  }
  if (scan->kind() == sql::PlanNodeKind::kTableScan) {
    const auto& table_scan = static_cast<const sql::TableScanNode&>(*scan);
    source_ = table_scan.source();
    source_type_ = source_->produced_type();
    table_name_ = table_scan.table_name();
  }
}

LookupJoinOperator::~LookupJoinOperator() = default;

Status LookupJoinOperator::Open(const OperatorContext& context) {
  if (source_ == nullptr) {
    return Status::Internal("the lookup join's dimension side is not a table scan");
  }
  // The keys are columns of the scan, perhaps through the Calc.
  std::vector<int> scan_keys;
  for (int key : right_keys_) {
    int column = key;
    if (right_calc_ != nullptr) {
      const ExprPtr& projection = right_calc_->projections()[key];
      if (projection->kind() != ExprKind::kInputRef) {
        return Status::Unsupported(
            "The lookup key {} of table {} is a computed column; lookups need physical columns",
            right_calc_->schema()[key].name, table_name_);
      }
      column = projection->input_index();
    }
    scan_keys.push_back(column);
  }
  LookupContext lookup_context;
  lookup_context.subtask_index = context.subtask_index;
  lookup_context.parallelism = context.parallelism;
  lookup_context.function_context = *context.function_context;
  ASSIGN_OR_RAISE(reader_, source_->CreateLookupReader(scan_keys, lookup_context));
  RETURN_NOT_OK(reader_->Open());
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  return Status::OK();
}

Status LookupJoinOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();
  // 1. Look the keys up.
  std::vector<VectorPtr> key_columns;
  for (int key : left_keys_) key_columns.push_back(batch.column(key));
  BatchBuilder found(source_type_);
  std::vector<uint32_t> key_rows;
  Status status = reader_->Lookup(Batch(std::move(key_columns), num_rows), &found, &key_rows);
  if (!status.ok()) return status.WithContext(fmt::format("looking up table {}", table_name_));
  Batch matches = found.Build();

  // 2. The dimension side's own filters and computed columns.
  std::vector<VectorPtr> right_columns = matches.columns();
  size_t num_matches = matches.num_rows();
  if (right_calc_ != nullptr && num_matches > 0) {
    if (right_calc_->condition()) {
      std::vector<uint32_t> kept;
      RETURN_NOT_OK(evaluator_->Select(right_calc_->condition(), matches, &kept));
      std::vector<VectorPtr> gathered;
      for (const VectorPtr& column : right_columns) {
        gathered.push_back(Gather(*column, kept.data(), kept.size()));
      }
      std::vector<uint32_t> kept_rows;
      for (uint32_t k : kept) kept_rows.push_back(key_rows[k]);
      right_columns = std::move(gathered);
      key_rows = std::move(kept_rows);
      num_matches = kept.size();
    }
    std::vector<VectorPtr> projected;
    for (const ExprPtr& projection : right_calc_->projections()) {
      ASSIGN_OR_RAISE(VectorPtr value,
                      evaluator_->Evaluate(*projection, right_columns, num_matches));
      projected.push_back(Flatten(value));
    }
    right_columns = std::move(projected);
  } else if (right_calc_ != nullptr) {
    right_columns.clear();
    for (const DataType& type : right_types_) right_columns.push_back(VectorBuilder(type).Build());
  }

  // 3. Candidate pairs in stream order, and the rest of the condition.
  std::vector<uint32_t> order(num_matches);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return key_rows[a] < key_rows[b]; });
  std::vector<uint32_t> pair_left(num_matches);
  for (size_t c = 0; c < num_matches; ++c) pair_left[c] = key_rows[order[c]];
  std::vector<uint8_t> matched(num_matches, 1);
  if (condition_ && num_matches > 0) {
    std::vector<VectorPtr> joined;
    for (const VectorPtr& column : batch.columns()) {
      joined.push_back(Gather(*column, pair_left.data(), num_matches));
    }
    for (const VectorPtr& column : right_columns) {
      joined.push_back(Gather(*column, order.data(), num_matches));
    }
    std::vector<uint32_t> selected;
    status = evaluator_->Select(condition_, Batch(std::move(joined), num_matches), &selected);
    if (!status.ok()) return status.WithContext("in the join condition");
    std::fill(matched.begin(), matched.end(), 0);
    for (uint32_t s : selected) matched[s] = 1;
  }

  // 4. Output: each stream row's matches, or the row padded with NULLs.
  std::vector<int32_t> out_left;
  std::vector<int32_t> out_right;
  size_t c = 0;
  for (size_t i = 0; i < num_rows; ++i) {
    bool any = false;
    for (; c < num_matches && pair_left[c] == i; ++c) {
      if (!matched[c]) continue;
      any = true;
      out_left.push_back(static_cast<int32_t>(i));
      out_right.push_back(static_cast<int32_t>(order[c]));
    }
    if (!any && left_outer_) {
      out_left.push_back(static_cast<int32_t>(i));
      out_right.push_back(-1);
    }
  }
  if (out_left.empty()) return Status::OK();
  std::vector<VectorPtr> columns;
  for (size_t j = 0; j < left_types_.size(); ++j) {
    columns.push_back(GatherOrNull(*batch.column(j), left_types_[j], out_left));
  }
  for (size_t j = 0; j < right_types_.size(); ++j) {
    columns.push_back(GatherOrNull(*right_columns[j], right_types_[j], out_right));
  }
  std::vector<RowKind> kinds;
  if (!batch.insert_only()) {
    for (int32_t row : out_left) kinds.push_back(batch.row_kind(row));
  }
  return output->Emit(Batch(std::move(columns), out_left.size(), std::move(kinds)));
}

Status LookupJoinOperator::Close() { return reader_ ? reader_->Close() : Status::OK(); }

}  // namespace tiangong
