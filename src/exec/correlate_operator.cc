#include "exec/correlate_operator.h"

#include <fmt/format.h>

#include "types/batch_builder.h"
#include "types/vector_builder.h"

namespace tiangong {

CorrelateOperator::CorrelateOperator(const sql::CorrelateNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      function_(node.function()),
      arguments_(node.arguments()),
      left_(node.join_kind() == sql::JoinKind::kLeft) {
  size_t num_input = node.input()->schema().size();
  for (size_t i = 0; i < node.schema().size(); ++i) {
    (i < num_input ? input_types_ : produced_types_).push_back(node.schema()[i].type);
  }
}

Status CorrelateOperator::Open(const OperatorContext& context) {
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  ASSIGN_OR_RAISE(instance_, function_->Open());
  return Status::OK();
}

Status CorrelateOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();
  std::vector<VectorPtr> arguments;
  for (const ExprPtr& argument : arguments_) {
    ASSIGN_OR_RAISE(VectorPtr value, evaluator_->EvaluateFlat(argument, batch));
    arguments.push_back(std::move(value));
  }
  BatchBuilder produced(function_->result_type());
  std::vector<uint32_t> input_rows;
  Status status = instance_->Evaluate(arguments, num_rows, &produced, &input_rows);
  if (!status.ok()) return status.WithContext(fmt::format("table function {}", function_->name()));
  Batch rows = produced.Build();
  // Output rows: (input row, produced row or -1), in input order.
  std::vector<int32_t> out_input;
  std::vector<int32_t> out_produced;
  size_t k = 0;
  for (size_t i = 0; i < num_rows; ++i) {
    bool any = false;
    for (; k < input_rows.size() && input_rows[k] == i; ++k) {
      out_input.push_back(static_cast<int32_t>(i));
      out_produced.push_back(static_cast<int32_t>(k));
      any = true;
    }
    if (!any && left_) {
      out_input.push_back(static_cast<int32_t>(i));
      out_produced.push_back(-1);
    }
  }
  if (k != input_rows.size()) {
    return Status::Internal("table function {} produced rows out of input order",
                            function_->name());
  }
  if (out_input.empty()) return Status::OK();
  std::vector<VectorPtr> columns;
  for (size_t j = 0; j < input_types_.size(); ++j) {
    columns.push_back(GatherOrNull(*batch.column(j), input_types_[j], out_input));
  }
  for (size_t j = 0; j < produced_types_.size(); ++j) {
    columns.push_back(GatherOrNull(*rows.column(j), produced_types_[j], out_produced));
  }
  std::vector<RowKind> kinds;
  if (!batch.insert_only()) {
    for (int32_t row : out_input) kinds.push_back(batch.row_kind(row));
  }
  return output->Emit(Batch(std::move(columns), out_input.size(), std::move(kinds)));
}

}  // namespace tiangong
