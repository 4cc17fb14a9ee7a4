#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/changelog_mode.h"
#include "connectors/connector.h"
#include "functions/aggregate_function.h"
#include "functions/expression.h"
#include "functions/table_function.h"
#include "types/data_type.h"
#include "types/value.h"

namespace tiangong::sql {

/// Query plans. The binder produces a logical plan (Project, Filter, Union over
/// TableScan and Values, ending in a Sink); the optimizer rewrites it into the
/// physical plan (Calc with push-downs, Exchange between stages, parallelism on
/// every node). The runtime turns physical plans into tasks.
/// Plans are immutable and shared.

struct PlanField {
  std::string name;
  DataType type;
};
using PlanSchema = std::vector<PlanField>;

/// The schema's column names, in order.
std::vector<std::string> Names(const PlanSchema& schema);

/// ROW type of a schema, for connectors and formats.
DataType SchemaToRowType(const PlanSchema& schema);
/// "[a: INT, b: STRING]"
std::string SchemaToString(const PlanSchema& schema);

enum class PlanNodeKind {
  kTableScan,
  kValues,
  kProject,
  kFilter,
  kCalc,
  kUnion,
  kExchange,
  kSink,
  kAggregate,
  kWindowTableFunction,
  kJoin,
  kOverAggregate,
  kRank,
  kCorrelate,
  kSort,
  kChangelogNormalize,
};

class PlanNode;
using PlanNodePtr = std::shared_ptr<const PlanNode>;

class PlanNode {
 public:
  PlanNode(PlanNodeKind kind, PlanSchema schema, std::vector<PlanNodePtr> inputs)
      : kind_(kind), schema_(std::move(schema)), inputs_(std::move(inputs)) {}
  virtual ~PlanNode() = default;

  PlanNodeKind kind() const { return kind_; }
  const PlanSchema& schema() const { return schema_; }
  const std::vector<PlanNodePtr>& inputs() const { return inputs_; }
  const PlanNodePtr& input(size_t index = 0) const { return inputs_[index]; }

  /// Parallel instances at run time; 0 until the optimizer decides.
  int parallelism() const { return parallelism_; }
  void set_parallelism(int parallelism) { parallelism_ = parallelism; }

  /// True when every source below is bounded.
  virtual bool bounded() const;
  virtual ChangelogMode changelog_mode() const;

  /// "Calc", "TableSourceScan", ...: the name EXPLAIN shows.
  virtual std::string Name() const = 0;
  /// "select=[a, b], where=[...]".
  virtual std::string Details() const = 0;

  /// A copy of this node over other inputs.
  virtual PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const = 0;

 protected:
  PlanNodeKind kind_;
  PlanSchema schema_;
  std::vector<PlanNodePtr> inputs_;
  int parallelism_ = 0;
};

/// How a source generates event-time watermarks, from the table's
/// `WATERMARK FOR rowtime AS expression`, with computed columns already
/// substituted so that both expressions read the scan's produced columns.
struct WatermarkSpec {
  std::string rowtime_column;
  /// The row's event time (TIMESTAMP(p) or TIMESTAMP_LTZ(p), p <= 3).
  ExprPtr rowtime;
  /// The watermark the row allows, e.g. rowtime - INTERVAL '5' SECOND.
  ExprPtr watermark;
};

/// Reads a table through its connector. The schema is the source's produced
/// columns (after projection push-down). With a watermark spec the source also
/// emits watermarks, per split.
///
/// A scan whose changelog must be normalized before use (see
/// ChangelogNormalizeNode) carries the table's PRIMARY KEY as
/// `normalize_key`; the optimizer then puts a ChangelogNormalize over the scan
/// and moves the key onto it, so that nothing is pushed into such a scan.
class TableScanNode final : public PlanNode {
 public:
  TableScanNode(std::string table_name, std::shared_ptr<const TableSource> source,
                PlanSchema schema, std::vector<std::string> pushed_filters = {},
                std::optional<WatermarkSpec> watermark = std::nullopt,
                std::vector<int> normalize_key = {});
  const std::string& table_name() const { return table_name_; }
  const std::shared_ptr<const TableSource>& source() const { return source_; }
  const std::vector<std::string>& pushed_filters() const { return pushed_filters_; }
  const std::optional<WatermarkSpec>& watermark() const { return watermark_; }
  /// The primary key columns (indexes into schema()) by which the source's
  /// changelog is still to be normalized; empty when it needs no normalizing.
  const std::vector<int>& normalize_key() const { return normalize_key_; }

  bool bounded() const override { return source_->bounded(); }
  ChangelogMode changelog_mode() const override { return source_->changelog_mode(); }
  std::string Name() const override { return "TableSourceScan"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::string table_name_;
  std::shared_ptr<const TableSource> source_;
  std::vector<std::string> pushed_filters_;
  std::optional<WatermarkSpec> watermark_;
  std::vector<int> normalize_key_;
};

/// Literal rows (VALUES); bounded, one instance.
class ValuesNode final : public PlanNode {
 public:
  ValuesNode(PlanSchema schema, std::vector<std::vector<Value>> rows);
  const std::vector<std::vector<Value>>& rows() const { return rows_; }
  bool bounded() const override { return true; }
  ChangelogMode changelog_mode() const override { return ChangelogMode::InsertOnly(); }
  std::string Name() const override { return "Values"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<std::vector<Value>> rows_;
};

class ProjectNode final : public PlanNode {
 public:
  ProjectNode(PlanNodePtr input, std::vector<ExprPtr> expressions, std::vector<std::string> names);
  const std::vector<ExprPtr>& expressions() const { return expressions_; }
  std::string Name() const override { return "Project"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<ExprPtr> expressions_;
};

class FilterNode final : public PlanNode {
 public:
  FilterNode(PlanNodePtr input, ExprPtr condition);
  const ExprPtr& condition() const { return condition_; }
  std::string Name() const override { return "Filter"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  ExprPtr condition_;
};

/// A fused filter and projection: rows where `condition` (if any) is TRUE,
/// projected through `projections`.
class CalcNode final : public PlanNode {
 public:
  CalcNode(PlanNodePtr input, std::vector<ExprPtr> projections, std::vector<std::string> names,
           ExprPtr condition);
  const std::vector<ExprPtr>& projections() const { return projections_; }
  const ExprPtr& condition() const { return condition_; }
  std::string Name() const override { return "Calc"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<ExprPtr> projections_;
  ExprPtr condition_;
};

/// UNION ALL of inputs with identical column types.
class UnionNode final : public PlanNode {
 public:
  UnionNode(std::vector<PlanNodePtr> inputs, PlanSchema schema);
  ChangelogMode changelog_mode() const override;
  std::string Name() const override { return "Union"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;
};

enum class WindowKind { kTumble, kHop, kCumulate, kSession };

/// A window assigner: which windows a row with time t belongs to. Times and
/// durations are microseconds.
///   TUMBLE   [start, start + size), start = floor((t - offset) / size) * size + offset
///   HOP      every window of `size` starting at a multiple of `slide` (+ offset)
///            that contains t
///   CUMULATE [start, start + k * step) for k = 1 .. size / step, start as TUMBLE
///   SESSION  [t, t + gap), merged with the key's overlapping sessions
struct WindowSpec {
  WindowKind kind = WindowKind::kTumble;
  /// The input column holding each row's time (a time attribute).
  int time_column = -1;
  TimeAttribute time = TimeAttribute::kRowtime;
  /// TIMESTAMP_LTZ time: windows align to the session time zone.
  bool local_time_zone = false;
  int64_t size = 0;
  int64_t slide = 0;  // HOP slide, CUMULATE step
  int64_t gap = 0;    // SESSION
  int64_t offset = 0;

  /// "TUMBLE(time_col=[ts], size=[10 s])".
  std::string ToString(const PlanSchema& input) const;
};

/// The types of window_start, window_end and window_time for a time column.
DataType WindowBoundType();
DataType WindowTimeType(const DataType& time_column);

/// A windowing table function (TUMBLE, HOP, CUMULATE) not followed by an
/// aggregation: each row comes out once per window it belongs to, with
/// window_start, window_end and window_time appended.
class WindowTableFunctionNode final : public PlanNode {
 public:
  WindowTableFunctionNode(PlanNodePtr input, WindowSpec window);
  const WindowSpec& window() const { return window_; }
  /// The first of the three appended columns.
  int window_start_column() const { return static_cast<int>(input()->schema().size()); }
  std::string Name() const override { return "WindowTableFunction"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  WindowSpec window_;
};

/// One aggregate call of an Aggregate node, over input columns.
struct AggregateCall {
  /// For EXPLAIN: "COUNT(DISTINCT bidder)".
  std::string text;
  AggregateFunctionPtr function;
  std::vector<int> arguments;
  /// A BOOLEAN input column: only rows where it is TRUE count (FILTER (WHERE ...)).
  int filter = -1;
};

/// GROUP BY: the grouping columns, then one column per aggregate call. In
/// streaming mode the result is a changelog that updates a group's row as rows
/// arrive (or retract); in batch mode each group's final row.
///
/// With a window it is a window aggregation: each group of each window is one
/// final row, emitted when the watermark (or the clock, for processing time)
/// passes the window's end; late rows are dropped and counted. The output is
/// then the grouping columns, window_start, window_end, window_time, and the
/// calls.
class AggregateNode final : public PlanNode {
 public:
  AggregateNode(PlanNodePtr input, std::vector<int> grouping, std::vector<AggregateCall> calls,
                std::vector<std::string> names, bool batch_mode,
                std::optional<WindowSpec> window = std::nullopt);
  const std::vector<int>& grouping() const { return grouping_; }
  const std::vector<AggregateCall>& calls() const { return calls_; }
  bool batch_mode() const { return batch_mode_; }
  const std::optional<WindowSpec>& window() const { return window_; }
  ChangelogMode changelog_mode() const override;
  std::string Name() const override {
    if (window_) return "WindowAggregate";
    return grouping_.empty() ? "GlobalAggregate" : "GroupAggregate";
  }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<int> grouping_;
  std::vector<AggregateCall> calls_;
  bool batch_mode_;
  std::optional<WindowSpec> window_;
};

enum class JoinKind { kInner, kLeft, kRight, kFull };

/// Joins with FOR SYSTEM_TIME AS OF: a lookup join (processing time; the right
/// input is the dimension table's scan, read by key lookups rather than as a
/// stream) or an event-time temporal join against a versioned table.
enum class TemporalJoin { kNone, kLookup, kEventTime };

/// An interval join's time bounds: the condition limits the right row's event
/// time to [left time + lower, left time + upper] (microseconds). Rows expire
/// from the join's state when the watermark passes the last time a partner
/// could have.
struct IntervalBounds {
  int left_time_column = 0;
  int right_time_column = 0;  // over the right input
  int64_t lower = 0;
  int64_t upper = 0;
};

/// An event-time temporal join's time columns: the left's AS OF time and the
/// versioned right table's event time (over the right input).
struct VersionTimes {
  int left_time_column = 0;
  int right_time_column = 0;
};

/// A window join's windows: each side's window_end column (equal on both sides
/// by the condition). Rows leave the join's state when their window fires.
struct WindowJoinBounds {
  int left_window_end = 0;
  int right_window_end = 0;  // over the right input
  bool local_time_zone = false;
};

/// "InnerJoin", "LeftOuterJoin", ...: as EXPLAIN shows it.
std::string_view JoinKindName(JoinKind kind);

/// A regular join: every pair of a left row and a right row where the keys are
/// equal and `condition` holds; outer joins add the rows of their outer side(s)
/// that have no partner, padded with NULLs. The schema is the left's columns
/// then the right's (nullable on an inner side of an outer join; time
/// attributes become plain timestamps).
///
/// The binder puts the whole ON condition into `condition`; the optimizer moves
/// equalities between a left and a right column into `left_keys` and
/// `right_keys` (pairwise equal) and leaves the rest in `condition`, which is
/// over the joined row. In streaming mode the result is a changelog, correct
/// under retraction on either side; in batch mode, final rows.
class JoinNode final : public PlanNode {
 public:
  JoinNode(PlanNodePtr left, PlanNodePtr right, JoinKind kind, ExprPtr condition, bool batch_mode,
           std::vector<int> left_keys = {}, std::vector<int> right_keys = {},
           TemporalJoin temporal = TemporalJoin::kNone,
           std::optional<VersionTimes> version_times = std::nullopt);
  JoinKind join_kind() const { return kind_; }
  TemporalJoin temporal() const { return temporal_; }
  /// A lookup join: only the left input is a stream.
  bool is_lookup() const { return temporal_ == TemporalJoin::kLookup; }
  /// Set for an interval join: a streaming join of append-only inputs whose
  /// condition bounds the sides' event times against each other.
  const std::optional<IntervalBounds>& interval() const { return interval_; }
  /// Set for a window join: both sides are windowed (window table functions or
  /// window aggregations) and the condition equates their window_start and
  /// window_end.
  const std::optional<WindowJoinBounds>& window() const { return window_; }
  /// Set for an event-time temporal join.
  const std::optional<VersionTimes>& version_times() const { return version_times_; }
  const ExprPtr& condition() const { return condition_; }
  const std::vector<int>& left_keys() const { return left_keys_; }
  const std::vector<int>& right_keys() const { return right_keys_; }
  bool batch_mode() const { return batch_mode_; }
  /// Batch mode: sort both inputs by the keys and merge them, instead of
  /// hashing ('table.exec.disabled-operators' = 'HashJoin').
  bool sort_merge() const { return sort_merge_; }
  void set_sort_merge(bool sort_merge) { sort_merge_ = sort_merge; }
  /// Whether unmatched rows of the left (right) side are kept, NULL-padded.
  bool left_outer() const { return kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull; }
  bool right_outer() const { return kind_ == JoinKind::kRight || kind_ == JoinKind::kFull; }
  bool bounded() const override;
  ChangelogMode changelog_mode() const override;
  std::string Name() const override;
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  JoinNode(PlanNodePtr left, PlanNodePtr right, JoinKind kind, ExprPtr condition, bool batch_mode,
           std::vector<int> left_keys, std::vector<int> right_keys, TemporalJoin temporal,
           std::optional<VersionTimes> version_times, std::optional<IntervalBounds> interval,
           std::optional<WindowJoinBounds> window);

  JoinKind kind_;
  ExprPtr condition_;
  bool batch_mode_;
  std::vector<int> left_keys_;
  std::vector<int> right_keys_;
  TemporalJoin temporal_;
  std::optional<IntervalBounds> interval_;
  std::optional<WindowJoinBounds> window_;
  std::optional<VersionTimes> version_times_;
  bool sort_merge_ = false;
};

/// An ORDER BY item over an input column. Flink's default null order: NULLS
/// FIRST ascending, NULLS LAST descending.
struct SortKey {
  int column = 0;
  bool ascending = true;
  bool nulls_first = true;
};

/// "price DESC, dateTime" over the input's column names.
std::string SortKeysToString(const std::vector<SortKey>& keys, const PlanSchema& input);

enum class RankFunction { kRowNumber, kRank, kDenseRank };
std::string_view RankFunctionName(RankFunction function);

/// The frame of an OVER window: ROWS or RANGE BETWEEN <preceding> AND CURRENT
/// ROW, where preceding is UNBOUNDED, a row count (ROWS) or a time interval in
/// microseconds (RANGE).
struct OverFrame {
  bool rows = false;
  bool unbounded = true;
  int64_t preceding = 0;
};

/// One call of an OVER clause: a ranking function or an aggregate.
struct OverCall {
  std::optional<RankFunction> rank;
  AggregateCall aggregate;  // when not a ranking function
  /// For EXPLAIN: "ROW_NUMBER()", "SUM(price)".
  std::string text;
};

/// Calls with OVER (PARTITION BY ... ORDER BY ... [frame]): every input row
/// comes out with one more column per call, computed over the rows of its
/// partition up to it in the order. Ranking functions are only executed as
/// part of a Top-N (the optimizer turns ROW_NUMBER() with a filter on it into a
/// Rank node).
class OverAggregateNode final : public PlanNode {
 public:
  OverAggregateNode(PlanNodePtr input, std::vector<int> partition_keys, std::vector<SortKey> order,
                    OverFrame frame, std::vector<OverCall> calls,
                    std::vector<std::string> call_names, bool batch_mode);
  const std::vector<int>& partition_keys() const { return partition_keys_; }
  const std::vector<SortKey>& order() const { return order_; }
  const OverFrame& frame() const { return frame_; }
  const std::vector<OverCall>& calls() const { return calls_; }
  bool batch_mode() const { return batch_mode_; }
  std::string Name() const override { return "OverAggregate"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<int> partition_keys_;
  std::vector<SortKey> order_;
  OverFrame frame_;
  std::vector<OverCall> calls_;
  bool batch_mode_;
};

/// Where a Top-N over windows finds each row's window: its window_end column,
/// local wall-clock time when the window's time column is a TIMESTAMP_LTZ.
struct RankWindow {
  int window_end_column = 0;
  bool local_time_zone = false;
};

/// Top-N: per partition, the rows ranked rank_start..rank_end by `order`
/// (ROW_NUMBER, RANK or DENSE_RANK), optionally with the rank as a last
/// column. In streaming mode the result is a changelog that follows the
/// partition's top rows as rows arrive and retract; over windows (partitioned
/// by window_start and window_end) each window's top rows come out once, when
/// the watermark passes its end; in batch mode, the final rows.
///
/// ORDER BY a time attribute with rankEnd = 1 is deduplication: keep the first
/// row, or with DESC the last (a later row with an equal time replaces it).
class RankNode final : public PlanNode {
 public:
  RankNode(PlanNodePtr input, std::vector<int> partition_keys, std::vector<SortKey> order,
           RankFunction function, int64_t rank_start, int64_t rank_end, bool output_rank,
           bool batch_mode, std::optional<RankWindow> window);
  const std::vector<int>& partition_keys() const { return partition_keys_; }
  const std::vector<SortKey>& order() const { return order_; }
  RankFunction function() const { return function_; }
  int64_t rank_start() const { return rank_start_; }
  int64_t rank_end() const { return rank_end_; }
  bool output_rank() const { return output_rank_; }
  bool batch_mode() const { return batch_mode_; }
  const std::optional<RankWindow>& window() const { return window_; }
  /// Deduplication keeping the last row: ORDER BY one time attribute DESC, top 1.
  bool keeps_last_row() const;
  ChangelogMode changelog_mode() const override;
  std::string Name() const override;
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<int> partition_keys_;
  std::vector<SortKey> order_;
  RankFunction function_;
  int64_t rank_start_;
  int64_t rank_end_;
  bool output_rank_;
  bool batch_mode_;
  std::optional<RankWindow> window_;
};

/// ORDER BY, LIMIT and OFFSET of a query, in one subtask. In batch mode: all
/// rows sorted by `order`, then rows offset..offset+fetch. In streaming mode
/// either the first rows (no order: rows offset..offset+fetch in arrival
/// order, of an append-only input) or rows sorted by a time attribute
/// (ascending, further keys breaking ties): by event time, rows wait until the
/// watermark passes them; by processing time, each arriving batch is sorted.
/// ORDER BY with LIMIT in streaming mode is a RankNode instead.
class SortNode final : public PlanNode {
 public:
  SortNode(PlanNodePtr input, std::vector<SortKey> order, int64_t offset,
           std::optional<int64_t> fetch, bool batch_mode);
  const std::vector<SortKey>& order() const { return order_; }
  int64_t offset() const { return offset_; }
  const std::optional<int64_t>& fetch() const { return fetch_; }
  bool batch_mode() const { return batch_mode_; }
  std::string Name() const override;
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<SortKey> order_;
  int64_t offset_;
  std::optional<int64_t> fetch_;
  bool batch_mode_;
};

/// A table function applied to each input row (LATERAL TABLE(f(...)), UNNEST):
/// the input row joined with each row the function produces for it. A LEFT
/// correlate also keeps input rows that produce nothing, padded with NULLs.
/// The schema is the input's columns, then the function's.
class CorrelateNode final : public PlanNode {
 public:
  CorrelateNode(PlanNodePtr input, TableFunctionPtr function, std::vector<ExprPtr> arguments,
                std::vector<std::string> names, JoinKind kind);
  const TableFunctionPtr& function() const { return function_; }
  const std::vector<ExprPtr>& arguments() const { return arguments_; }
  JoinKind join_kind() const { return kind_; }
  std::string Name() const override { return "Correlate"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  TableFunctionPtr function_;
  std::vector<ExprPtr> arguments_;
  JoinKind kind_;
};

/// Flink's ChangelogNormalize: turns the changelog of a source that sends the
/// latest row per primary key into a complete one (+I, -U, +U, -D), keeping
/// the last row of each key in keyed state. It runs where the exchange before
/// it, hashed by `keys`, brings all rows of a key. The optimizer puts it over
/// the scan of
///  - an upsert source (its changelog has +U but no -U, such as
///    'upsert-kafka'), whose -D rows may carry only the key; and
///  - a changelog source that may repeat changes, with
///    'table.exec.source.cdc-events-duplicate' = 'true'.
/// Per input row, as Flink (1.17 on) does:
///  - +I or +U of a key without a row: +I; with a different row: -U of the
///    stored row, then +U; with an equal row: nothing (unless
///    'table.exec.state.ttl' is set, when -U/+U keep downstream state alive);
///  - -D or -U of a key with a row: -D of the stored row (the full row, also
///    when the input carries only the key), which is forgotten; of a key
///    without a row: nothing. (A -U may be the old key of an update that
///    changed the key: no +U of this key need follow.)
/// Schema and time attributes are the input's; the output is a full changelog.
class ChangelogNormalizeNode final : public PlanNode {
 public:
  /// REQUIRES: `keys` are columns of `input`, not empty.
  ChangelogNormalizeNode(PlanNodePtr input, std::vector<int> keys);
  const std::vector<int>& keys() const { return keys_; }
  ChangelogMode changelog_mode() const override { return ChangelogMode::All(); }
  std::string Name() const override { return "ChangelogNormalize"; }
  /// "key=[id]".
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::vector<int> keys_;
};

/// How rows move between stages of different parallelism or partitioning.
enum class Distribution { kForward, kRebalance, kHash, kBroadcast, kSingleton };

class ExchangeNode final : public PlanNode {
 public:
  ExchangeNode(PlanNodePtr input, Distribution distribution, std::vector<int> keys = {});
  Distribution distribution() const { return distribution_; }
  const std::vector<int>& keys() const { return keys_; }
  std::string Name() const override { return "Exchange"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  Distribution distribution_;
  std::vector<int> keys_;
};

/// Writes into a table through its connector, or (when `sink` is null) returns
/// the rows to the client that ran the query (a standalone SELECT).
class SinkNode final : public PlanNode {
 public:
  SinkNode(PlanNodePtr input, std::string table_name, std::shared_ptr<const TableSink> sink);
  const std::string& table_name() const { return table_name_; }
  const std::shared_ptr<const TableSink>& sink() const { return sink_; }
  bool is_collect() const { return sink_ == nullptr; }
  std::string Name() const override { return is_collect() ? "Collect" : "Sink"; }
  std::string Details() const override;
  PlanNodePtr WithInputs(std::vector<PlanNodePtr> inputs) const override;

 private:
  std::string table_name_;
  std::shared_ptr<const TableSink> sink_;
};

/// The plan tree as EXPLAIN shows it, one node per line:
///   Sink(table=[...], fields=[a, b])
///   +- Calc(select=[...])
///      +- TableSourceScan(table=[[...]], fields=[...])
std::string ExplainPlan(const PlanNodePtr& root, bool with_parallelism = false);

}  // namespace tiangong::sql
