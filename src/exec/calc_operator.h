#pragma once

#include <vector>

#include "exec/operator.h"
#include "functions/evaluator.h"
#include "sql/plan.h"

namespace tiangong {

/// Runs a Calc node: keeps the rows where the condition is TRUE and computes
/// the projections over them. When a filter drops rows, only the columns the
/// projections read are gathered. Errors name the output column.
class CalcOperator final : public Operator {
 public:
  explicit CalcOperator(const sql::CalcNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;

 private:
  std::string name_;
  std::vector<ExprPtr> projections_;
  std::vector<std::string> names_;
  ExprPtr condition_;
  std::vector<int> used_columns_;  // input columns the projections read
  std::unique_ptr<ExpressionEvaluator> evaluator_;
  std::vector<uint32_t> selected_;
};

}  // namespace tiangong
