#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "functions/evaluator.h"
#include "sql/plan.h"

namespace tiangong {

/// Runs a batch join whose JoinNode asks for sort-merge: each input's rows are
/// kept encoded with their join key; at the end of input both sides are sorted
/// by key and merged, and for each key present on both sides every pair of
/// rows that satisfies the rest of the condition comes out. Rows of an outer
/// side that met no partner (NULL keys never do) follow, padded with NULLs.
/// The output is ordered by the join key.
class SortMergeJoinOperator final : public Operator {
 public:
  explicit SortMergeJoinOperator(const sql::JoinNode& node);
  ~SortMergeJoinOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessInputBatch(int input, Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status Finish(Output* output) override;

 private:
  struct Row {
    std::string key;  // empty with a NULL key part
    bool null_key = false;
    bool matched = false;
    std::string bytes;
  };
  struct Side {
    std::vector<int> keys;
    std::vector<DataType> types;
    bool outer = false;
    std::vector<Row> rows;
  };

  /// Emits the pairs (left[i], right[j]) that satisfy the condition, and
  /// marks their rows matched.
  Status EmitPairs(const std::vector<std::pair<size_t, size_t>>& pairs, Output* output);
  /// Emits the unmatched rows of side `input`, padded with NULLs.
  Status EmitUnmatched(int input, Output* output);

  std::string name_;
  ExprPtr condition_;
  DataType output_type_;
  Side sides_[2];
  std::unique_ptr<ExpressionEvaluator> evaluator_;
};

}  // namespace tiangong
