#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"

namespace tiangong {

/// Runs a Sort node: ORDER BY, LIMIT and OFFSET (see sql::SortNode).
///
/// Rows are kept encoded (order-preserving sort key, arrival number, row
/// bytes). In batch mode they are all kept, or with a LIMIT only the rows that
/// can still make it, and come out sorted at the end of input. In streaming
/// mode, rows ordered by event time wait in keyed state, one entry per time,
/// until the watermark passes them; rows at or behind the watermark are late:
/// dropped and counted. Rows ordered by processing time come out per batch.
/// Without ORDER BY, rows offset..offset+fetch pass as they arrive.
class SortOperator final : public Operator {
 public:
  explicit SortOperator(const sql::SortNode& node);
  ~SortOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

  struct Entry {
    std::string sort_key;
    uint64_t seq = 0;
    std::string row;
  };

 private:
  class PendingRows;

  /// Lets through the rows of `batch` that are among rows offset..offset+fetch
  /// of all rows seen.
  Status PassFirstRows(const Batch& batch, Output* output);
  /// Emits `entries` in sort order, counting them against offset and fetch.
  Status EmitSorted(std::vector<Entry> entries, Output* output);
  Entry MakeEntry(const Batch& batch, size_t row);
  /// Batch mode with a LIMIT: keeps only the rows that can still be among the first.
  void Prune();

  std::string name_;
  std::vector<sql::SortKey> order_;
  int64_t offset_;
  std::optional<int64_t> fetch_;
  bool batch_mode_;
  bool rowtime_;
  DataType row_type_;
  size_t num_columns_;
  /// Rows so far skipped for the offset and emitted.
  int64_t skipped_ = 0;
  int64_t emitted_ = 0;
  uint64_t next_seq_ = 0;
  /// Batch mode: every row so far.
  std::vector<Entry> rows_;
  /// Streaming by event time: rows per time, and a timer per pending time.
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* pending_ = nullptr;  // owned by backend_
  TimerService timers_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
