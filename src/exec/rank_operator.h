#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/operator.h"
#include "sql/plan.h"
#include "state/keyed_state.h"
#include "state/timer_service.h"
#include "types/time_zone.h"

namespace tiangong {

/// Runs a Rank node (Top-N and deduplication). Each partition's rows are kept
/// in keyed state in rank order (equal sort keys in arrival order, or the
/// newest first when keeping the last row); on an append-only input only the
/// rows that can still reach the top are kept. After each batch the
/// partition's ranked rows are compared with those before it and the
/// difference is emitted: retractions first (-U for a rank or a top-1
/// partition that gets another row, -D otherwise), then additions (+U or +I).
///
/// Over windows, rows wait until the watermark passes their window's end; then
/// the window's top rows are emitted once (+I) and its state is dropped; rows
/// for a window already emitted are late: dropped and counted. In batch mode
/// every partition's top rows are emitted at the end.
class RankOperator final : public Operator {
 public:
  explicit RankOperator(const sql::RankNode& node);
  ~RankOperator() override;

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override;
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override;
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;

 private:
  class Partition;
  struct Ranked;

  /// The partition's rows with their ranks, those in the rank range only.
  std::vector<Ranked> RankedRows(const Partition& partition) const;
  /// Emits the top rows of the partitions whose windows end at or before `time`.
  Status FireWindows(int64_t time, Output* output);
  /// Appends `rows` (with `kinds`) as an output batch.
  Status EmitRows(const std::vector<const std::string*>& rows, const std::vector<int64_t>& ranks,
                  std::vector<RowKind> kinds, Output* output);

  std::string name_;
  std::vector<int> partition_keys_;
  std::vector<sql::SortKey> order_;
  sql::RankFunction function_;
  int64_t rank_start_;
  int64_t rank_end_;
  bool output_rank_;
  bool batch_mode_;
  std::optional<sql::RankWindow> window_;
  bool keep_last_;
  /// Append-only input: rows that fall out of the top can be forgotten.
  bool append_only_;
  std::vector<DataType> input_types_;
  TimeZone zone_ = TimeZone::Utc();
  std::unique_ptr<KeyedStateBackend> backend_;
  StateTable* partitions_ = nullptr;  // owned by backend_
  TimerService timers_;
  TaskMetrics* metrics_ = nullptr;  // not owned
  int64_t watermark_ = kMinWatermark;
};

}  // namespace tiangong
