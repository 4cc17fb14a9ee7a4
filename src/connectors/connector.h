#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "connectors/changelog_mode.h"
#include "connectors/lookup.h"
#include "functions/expression.h"
#include "functions/function_context.h"
#include "types/batch.h"

namespace tiangong {

/// The connector API. A connector is a factory (found by the table's
/// 'connector' option) that creates a TableSource and/or TableSink for a table.
/// Sources and sinks are planning objects: the planner asks what they can do
/// (push down projections, bounded or not) and EXPLAIN describes them. At run
/// time each parallel subtask creates its own reader or writer from them.
///
///   ConnectorFactory --CreateSource--> TableSource --CreateReader--> SourceReader
///                    --CreateSink----> TableSink   --CreateWriter--> SinkWriter
///
/// Built-in connectors register exactly the way plugins would, one line each in
/// connectors/builtin_connectors.cc.

/// A table as the connector sees it: its physical columns (computed columns are
/// the planner's business), keys and options.
struct TableDescriptor {
  /// Fully qualified: default_catalog.default_database.orders.
  std::string name;
  /// ROW of the physical columns, in declaration order.
  DataType physical_type;
  std::vector<std::string> primary_key;
  std::vector<std::string> partition_keys;
  Configuration options;

  std::vector<std::string> ColumnNames() const;
};

/// Job-wide settings a connector may read when it is created.
struct ConnectorContext {
  Configuration job_config;
  FunctionContext function_context;
  bool batch_mode = false;
};

/// A unit of source work with its position: a file and offset, a generator
/// range and count, a Kafka partition and offset. `id` is stable; `state` is the
/// connector's serialized position and goes into checkpoints.
struct SourceSplit {
  std::string id;
  std::string state;
};

/// Counters a reader or writer updates; read concurrently by metrics reporting.
struct ConnectorMetrics {
  std::atomic<int64_t> records{0};
  std::atomic<int64_t> bytes{0};
  /// Records dropped as unparseable (format 'ignore-parse-errors').
  std::atomic<int64_t> records_skipped{0};
};

enum class ReadStatus {
  kBatch,   // a batch was produced
  kNoData,  // nothing now; call again after `retry_after`
  kEnd,     // every assigned split is finished (bounded sources only)
};

struct ReadResult {
  ReadStatus status;
  std::chrono::microseconds retry_after{0};
  /// kBatch: the split every row of the batch came from (a batch never mixes
  /// splits), so that watermarks can be tracked per split.
  std::string split_id;
};

struct ReaderContext {
  int subtask_index = 0;
  int parallelism = 1;
  /// Rows per batch the reader should aim for.
  size_t batch_size = 1024;
  ConnectorMetrics* metrics = nullptr;  // not owned; never null at run time
};

/// Reads the splits assigned to one subtask. Not thread-safe: one task thread
/// calls Open, AddSplits, Next and Close in that order.
class SourceReader {
 public:
  virtual ~SourceReader() = default;
  virtual Status Open() { return Status::OK(); }
  virtual void AddSplits(std::vector<SourceSplit> splits) = 0;
  /// Produces the next batch of rows into `*batch` (kBatch), all from one split,
  /// or says there is nothing yet (kNoData) or nothing ever again (kEnd). Never
  /// blocks for long.
  virtual Result<ReadResult> Next(Batch* batch) = 0;
  /// The current position of every split this reader holds.
  virtual std::vector<SourceSplit> SnapshotSplits() const = 0;
  /// A checkpoint that saved `positions` (what SnapshotSplits returned at its
  /// barrier) completed. A reader may tell an external system, as the Kafka
  /// source commits its offsets to the consumer group; the positions are
  /// already safe in the checkpoint, so failing to do so is no failure.
  virtual void NotifyCheckpointComplete(const std::vector<SourceSplit>& positions) {}
  virtual Status Close() { return Status::OK(); }
};

/// A metadata column a connector reads or writes besides the record's data:
/// Kafka's `topic`, `partition`, `offset`, `timestamp`, `headers`. Tables
/// declare them as `col TYPE METADATA [FROM 'key'] [VIRTUAL]`.
struct MetadataColumn {
  std::string key;
  DataType type;
};

/// The name of metadata `key`'s field in the rows of a source or sink that
/// took it (ApplyReadableMetadata, ApplyWritableMetadata).
inline std::string MetadataFieldName(const std::string& key) { return "$metadata$" + key; }

/// What filter push-down did: the predicates the source will apply itself and
/// those the engine must still evaluate.
struct FilterPushDownResult {
  std::vector<ExprPtr> accepted;
  std::vector<ExprPtr> remaining;
};

/// The planner's view of a table being read. Immutable; abilities return copies.
class TableSource {
 public:
  virtual ~TableSource() = default;

  /// The row type this source produces (after any applied projection).
  virtual const DataType& produced_type() const = 0;
  virtual bool bounded() const = 0;
  virtual ChangelogMode changelog_mode() const { return ChangelogMode::InsertOnly(); }

  /// Projection push-down: produce only the fields at `paths`, in that order, as
  /// top-level columns. A path is a field index into produced_type(), followed
  /// by nested field indexes when the source supports nested projection
  /// (`{2, 0}` is field 0 of the ROW column 2). Returns nullptr when the source
  /// cannot project.
  virtual std::unique_ptr<TableSource> ApplyProjection(
      const std::vector<std::vector<int>>& paths) const {
    return nullptr;
  }
  virtual bool SupportsNestedProjection() const { return false; }

  /// Filter push-down over produced_type() columns. `source` receives the new
  /// source when some predicates were accepted.
  virtual FilterPushDownResult ApplyFilters(const std::vector<ExprPtr>& filters,
                                            std::unique_ptr<TableSource>* source) const {
    return FilterPushDownResult{{}, filters};
  }

  /// Extra details for EXPLAIN, e.g. "project=[event_type, bid]".
  virtual std::string Describe() const { return ""; }

  /// Metadata the source can add to its rows (Flink's SupportsReadingMetadata).
  virtual std::vector<MetadataColumn> ReadableMetadata() const { return {}; }
  /// A source whose rows are its physical columns followed by the metadata
  /// `keys` (all from ReadableMetadata(), no duplicates), in that order. Planned
  /// before any projection, which then counts the metadata columns too.
  virtual Result<std::unique_ptr<TableSource>> ApplyReadableMetadata(
      const std::vector<std::string>& keys) const {
    return Status::Unsupported("this source has no metadata columns");
  }

  /// Fixed parallelism for the source (e.g. a single file), or 0 for the job default.
  virtual int parallelism() const { return 0; }

  /// Splits for a job that starts fresh, for `parallelism` readers.
  virtual Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const = 0;
  /// The reader that must take `split` among `parallelism` readers, for a
  /// source whose readers own splits by a rule of their own (they discover new
  /// splits by it), or nullopt to let the job deal the splits out evenly. Asked
  /// for fresh splits and for restored ones at another parallelism.
  virtual std::optional<int> OwnerOfSplit(const SourceSplit& split, int parallelism) const {
    return std::nullopt;
  }
  virtual Result<std::unique_ptr<SourceReader>> CreateReader(
      const ReaderContext& context) const = 0;

  /// Lookup joins: a reader that finds rows by the values of `key_columns`
  /// (indexes into produced_type()). Sources that cannot look rows up keep
  /// this default, and the planner rejects lookup joins on them.
  virtual bool SupportsLookup() const { return false; }
  virtual Result<std::unique_ptr<LookupReader>> CreateLookupReader(
      const std::vector<int>& key_columns, const LookupContext& context) const {
    return Status::Unsupported("this source does not support lookups");
  }
};

struct WriterContext {
  int subtask_index = 0;
  int parallelism = 1;
  /// The job takes checkpoints: a writer that can commit in two phases
  /// (SinkWriter::PrepareCommit/Commit) does, and Finish only prepares.
  bool two_phase_commit = false;
  std::string job_name;
  FunctionContext function_context;
  ConnectorMetrics* metrics = nullptr;  // not owned; never null at run time
};

/// Writes the rows of one subtask. Not thread-safe: one task thread calls
/// Open, then Write, OnWatermark and OnProcessingTime in any order, then Finish
/// (on end of input) and Close.
class SinkWriter {
 public:
  virtual ~SinkWriter() = default;
  virtual Status Open() { return Status::OK(); }
  virtual Status Write(const Batch& batch) = 0;
  /// The subtask's event time advanced: no later row has a rowtime at or below
  /// `watermark_micros` (see Watermark in exec/stream_element.h; kMaxWatermark
  /// when a bounded input ends). Called with non-decreasing values, and only
  /// when the query has a watermark. For sinks that act on event time, such as
  /// the filesystem sink's partition-time commit.
  virtual Status OnWatermark(int64_t watermark_micros) { return Status::OK(); }
  /// Processing time moved on (UTC microseconds since the epoch); called about
  /// every 100 ms, also when no rows arrive. For
  /// time-based work such as rolling files that have been open too long.
  virtual Status OnProcessingTime(int64_t now_micros) { return Status::OK(); }
  /// All input has arrived: make everything written durable and visible
  /// (with two-phase commit: ready to commit; the final checkpoint's
  /// PrepareCommit and Commit follow).
  virtual Status Finish() { return Status::OK(); }

  /// Two-phase commit, for exactly-once output when the job takes checkpoints:
  /// a checkpoint barrier reached the writer. Makes everything written so far
  /// durable but not yet visible, and returns the committable: what makes it
  /// (and whatever earlier checkpoints prepared and did not commit yet)
  /// visible, saved in the checkpoint. After Finish, `checkpoint_id` is
  /// INT64_MAX (exec's kFinalCheckpointId), and so is the Commit that follows.
  /// Sinks without two-phase commit return "".
  virtual Result<std::string> PrepareCommit(int64_t checkpoint_id) { return std::string(); }
  /// Checkpoint `checkpoint_id` completed: makes visible what was prepared for
  /// it and before.
  virtual Status Commit(int64_t checkpoint_id) { return Status::OK(); }
  /// After a restart, before any Write. `committables` are what the restored
  /// checkpoint saved for the writers this one takes over: its own at the same
  /// parallelism, every writer's after a change of parallelism. A
  /// `responsible` writer makes them visible, which may have happened already
  /// (so this must be idempotent); after a change of parallelism only the first
  /// writer is, and the others learn what it recovers (a Kafka writer must not
  /// abort those transactions as left over).
  virtual Status RecoverCommittables(const std::vector<std::string>& committables,
                                     bool responsible) {
    return Status::OK();
  }
  /// Releases resources; after a failure, discards what was not finished.
  virtual Status Close() { return Status::OK(); }
};

class TableSink {
 public:
  virtual ~TableSink() = default;
  /// The changes this sink can consume; the planner rejects queries that
  /// produce others.
  virtual ChangelogMode accepted_changelog_mode() const { return ChangelogMode::InsertOnly(); }
  virtual std::string Describe() const { return ""; }
  /// Metadata the sink can write (Flink's SupportsWritingMetadata).
  virtual std::vector<MetadataColumn> WritableMetadata() const { return {}; }
  /// A sink whose rows are its physical columns followed by the metadata
  /// `keys` (all from WritableMetadata(), no duplicates), in that order.
  virtual Result<std::unique_ptr<TableSink>> ApplyWritableMetadata(
      const std::vector<std::string>& keys) const {
    return Status::Unsupported("this sink has no metadata columns");
  }
  /// Fixed parallelism ('sink.parallelism'), or 0 for the job default.
  virtual int parallelism() const { return 0; }
  virtual Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const = 0;
};

/// The options a factory accepts. `prefixes` admit whole families such as
/// "fields." (datagen) or "properties." (Kafka).
struct OptionSpec {
  std::vector<std::string> required;
  std::vector<std::string> optional;
  std::vector<std::string> prefixes;
};

class ConnectorFactory {
 public:
  virtual ~ConnectorFactory() = default;
  /// The value of the 'connector' option: "datagen", "filesystem", ...
  virtual std::string_view identifier() const = 0;
  /// Accepted options; with a 'format', the format's options are added by the
  /// caller through FormatOptions().
  virtual OptionSpec options() const = 0;
  virtual Result<std::unique_ptr<TableSource>> CreateSource(const TableDescriptor& table,
                                                            const ConnectorContext& context) const;
  virtual Result<std::unique_ptr<TableSink>> CreateSink(const TableDescriptor& table,
                                                        const ConnectorContext& context) const;
};

/// Connector factories by identifier. Fill before sharing; lookups are then
/// thread-safe.
class ConnectorRegistry {
 public:
  void Add(std::unique_ptr<ConnectorFactory> factory);
  /// nullptr when there is none.
  const ConnectorFactory* Find(std::string_view identifier) const;
  std::vector<std::string> Identifiers() const;

 private:
  std::vector<std::unique_ptr<ConnectorFactory>> factories_;
};

/// `result`, its error prefixed with "Table <table>" (for option parsing).
template <typename T>
Result<T> ForTable(Result<T> result, const std::string& table) {
  if (!result.ok()) return result.status().WithContext("Table " + table);
  return result;
}

/// Checks `options` against `spec` the way Flink does, naming the table, the
/// unsupported or missing keys and listing the supported ones.
Status ValidateOptions(std::string_view factory, const std::string& table_name,
                       const OptionSpec& spec, const Configuration& options);

}  // namespace tiangong
