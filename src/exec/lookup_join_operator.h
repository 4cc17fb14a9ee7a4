#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "exec/operator.h"
#include "functions/evaluator.h"
#include "sql/plan.h"

namespace tiangong {

/// Runs a lookup join (JOIN dim FOR SYSTEM_TIME AS OF a processing time): for
/// each batch of stream rows, the dimension table's rows with equal keys are
/// looked up through the table's LookupReader, its computed columns and
/// filters applied, and the rest of the join condition checked. An inner join
/// emits the matches; a LEFT JOIN also each stream row without any, padded
/// with NULLs. Output rows keep the stream row's kind. Later changes of the
/// dimension table do not change rows already emitted.
class LookupJoinOperator final : public Operator {
 public:
  explicit LookupJoinOperator(const sql::JoinNode& node);
  ~LookupJoinOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status Close() override;

 private:
  std::string name_;
  std::string table_name_;
  std::vector<int> left_keys_;
  std::vector<int> right_keys_;  // over the right side's columns
  std::shared_ptr<const TableSource> source_;
  DataType source_type_;
  /// The dimension side's computed columns and filters over the scan, if any.
  const sql::CalcNode* right_calc_ = nullptr;
  sql::PlanNodePtr right_;  // keeps right_calc_ alive
  ExprPtr condition_;
  bool left_outer_;
  std::vector<DataType> left_types_;
  std::vector<DataType> right_types_;
  std::unique_ptr<LookupReader> reader_;
  std::unique_ptr<ExpressionEvaluator> evaluator_;
};

}  // namespace tiangong
