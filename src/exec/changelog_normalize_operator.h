#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "types/data_type.h"

namespace tiangong {

/// Runs a ChangelogNormalize node: keeps the last row of each key in keyed
/// state (its bytes, row_codec) and turns each input row, in input order, into
/// the changes it makes to that row, by the rules of
/// sql::ChangelogNormalizeNode: +I for a new key, -U/+U for a changed row,
/// nothing for an unchanged one (with 'table.exec.state.ttl' set, -U/+U
/// still), -D of the stored row for a -D or -U, nothing for a key it does not
/// know. Rows are equal when their encodings are. The state is checkpointed
/// and restored, also at another parallelism, as every keyed operator's is.
///
/// Thread-safety: one instance per subtask, called by that subtask's thread.
class ChangelogNormalizeOperator final : public Operator {
 public:
  explicit ChangelogNormalizeOperator(const sql::ChangelogNormalizeNode& node);
  ~ChangelogNormalizeOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  class StoredRow;

  std::string name_;
  std::vector<int> keys_;
  std::vector<DataType> column_types_;
  /// An unchanged row makes no change; false under a state TTL, where the
  /// -U/+U keeps downstream state from expiring.
  bool drop_unchanged_ = true;
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* rows_ = nullptr;  // owned by backend_
};

}  // namespace tiangong
