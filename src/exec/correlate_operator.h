#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "functions/evaluator.h"
#include "functions/table_function.h"
#include "sql/plan.h"

namespace tiangong {

/// Runs a Correlate node: evaluates the table function's arguments over each
/// batch, lets the function produce its rows, and puts each produced row
/// beside the input row it came from (in input order, with that row's kind).
/// A LEFT correlate keeps input rows that produced nothing, padded with NULLs.
class CorrelateOperator final : public Operator {
 public:
  explicit CorrelateOperator(const sql::CorrelateNode& node);

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;

 private:
  std::string name_;
  TableFunctionPtr function_;
  std::vector<ExprPtr> arguments_;
  bool left_;
  std::vector<DataType> input_types_;
  std::vector<DataType> produced_types_;
  std::unique_ptr<TableFunctionInstance> instance_;
  std::unique_ptr<ExpressionEvaluator> evaluator_;
};

}  // namespace tiangong
