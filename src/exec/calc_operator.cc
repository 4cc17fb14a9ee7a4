#include "exec/calc_operator.h"

#include <fmt/format.h>

namespace tiangong {

CalcOperator::CalcOperator(const sql::CalcNode& node)
    : name_(fmt::format("Calc({})", node.Details())),
      projections_(node.projections()),
      condition_(node.condition()) {
  for (const sql::PlanField& field : node.schema()) names_.push_back(field.name);
  for (const ExprPtr& projection : projections_) CollectInputRefs(*projection, &used_columns_);
}

Status CalcOperator::Open(const OperatorContext& context) {
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  return Status::OK();
}

Status CalcOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  std::vector<VectorPtr> columns = batch.columns();
  std::vector<RowKind> row_kinds = batch.row_kinds();
  if (condition_) {
    selected_.clear();
    Status status = evaluator_->Select(condition_, batch, &selected_);
    if (!status.ok()) return status.WithContext("in the WHERE condition");
    if (selected_.empty()) return Status::OK();
    if (selected_.size() < num_rows) {
      // Only the columns the projections read are worth gathering.
      std::vector<VectorPtr> gathered(columns.size());
      for (int index : used_columns_) {
        gathered[index] = Gather(*columns[index], selected_.data(), selected_.size());
      }
      columns = std::move(gathered);
      if (!row_kinds.empty()) {
        std::vector<RowKind> kinds(selected_.size());
        for (size_t i = 0; i < selected_.size(); ++i) kinds[i] = row_kinds[selected_[i]];
        row_kinds = std::move(kinds);
      }
      num_rows = selected_.size();
    }
  }
  std::vector<VectorPtr> outputs;
  outputs.reserve(projections_.size());
  for (size_t i = 0; i < projections_.size(); ++i) {
    Result<VectorPtr> value = evaluator_->Evaluate(*projections_[i], columns, num_rows);
    if (!value.ok()) return value.status().WithContext(fmt::format("column `{}`", names_[i]));
    outputs.push_back(Flatten(*value));
  }
  return output->Emit(Batch(std::move(outputs), num_rows, std::move(row_kinds)));
}

}  // namespace tiangong
