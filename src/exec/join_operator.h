#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "functions/evaluator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"
#include "types/time_zone.h"

namespace tiangong {

/// Runs a regular join (JoinNode) on two changelog inputs. Each side keeps its
/// rows in keyed state under the join key, each distinct row with its count
/// and, for an outer side, how many rows of the other side it currently
/// matches. A row arriving on one side is matched against the other side's
/// rows of its key (and the join condition), and the join's changelog follows:
///  - matches: +I (or the row's own kind on an inner join) for an added row,
///    -D for a retracted one;
///  - an outer side's row without a partner comes out NULL-padded, and that
///    padded row is retracted (-D) when a first partner arrives and emitted
///    again (+I) when its last partner goes.
/// Rows with a NULL key match nothing. In batch mode NULL-padded rows are only
/// emitted at the end, for rows that never found a partner, so the output is
/// final rows only.
class JoinOperator final : public Operator {
 public:
  explicit JoinOperator(const sql::JoinNode& node);
  ~JoinOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessInputBatch(int input, Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  struct Side;
  struct Record;
  class Rows;

  /// Interval and window joins: when row `row` of a batch of `side` can meet
  /// no more rows.
  Result<int64_t> RowExpiry(const Side& side, const Batch& batch, size_t row) const;
  /// Emits the records of side `input` in `records` (each as often as it is
  /// there) padded with NULLs for the other side.
  Status EmitPadded(int input, const Rows& records, Output* output);

  std::string name_;
  sql::JoinKind kind_;
  ExprPtr condition_;
  bool batch_mode_;
  /// Interval and window joins: rows expire from state with the watermark.
  bool expiring_;
  /// Outer rows without a partner are padded only once none can come: at the
  /// end in batch mode, on expiry in interval and window joins.
  bool defer_padding_;
  int64_t watermark_delay_ = 0;
  bool local_time_zone_ = false;
  TimeZone zone_ = TimeZone::Utc();
  int64_t watermark_ = kMinWatermark;
  DataType output_type_;
  std::unique_ptr<Side> sides_[2];
  std::unique_ptr<ExpressionEvaluator> evaluator_;
  std::unique_ptr<KeyedStateBackend> backend_;
};

}  // namespace tiangong
