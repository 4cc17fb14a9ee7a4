#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/filesystem/filesystem_options.h"

namespace tiangong {

/// Decides when the partitions that a filesystem sink writes are complete and
/// commits them by writing the success file into the partition's directory
/// (Flink's 'sink.partition-commit.*').
///
/// One tracker belongs to one TableSink and is shared by all its writers: the
/// parallel subtasks of the sink, which all run in this process. Each writer
/// reports the part files it opens and closes per partition, its watermark,
/// processing time, and the end of its input. A partition is pending from the
/// first file opened in it until it commits, which happens as soon as
///   - no writer has an in-progress file of it open, and
///   - the trigger allows it:
///       process-time:   now >= the time the partition was first written + delay;
///       partition-time: the sink's watermark (the lowest over all writers; a
///                       writer that has not reported one holds it at the minimum,
///                       a finished writer does not hold it back) >= the time
///                       extracted from the partition's values, taken as local
///                       time in the watermark time zone, + delay. A partition
///                       with a default-name value (NULL or empty) has no time
///                       and waits for the end of input.
/// Once every writer has finished its input, every pending partition commits
/// (Flink commits everything at the end of input). Rows written into a
/// committed partition make it pending again, and it commits again.
///
/// A writer that closes without finishing (the job failed or was cancelled)
/// keeps holding back the partitions it had files open in.
///
/// A tracker serves one run of the job at a time: when a writer registers after
/// every writer of the previous run has closed (or with another parallelism),
/// the tracker starts afresh.
///
/// Thread-safety: every method may be called from any thread; a mutex guards
/// the state. Commits happen under the mutex, in the thread of the writer whose
/// report made them possible.
class PartitionCommitTracker {
 public:
  /// `root`: the table's directory, under which partitions are relative paths.
  /// `default_partition_name`: the value that stands for NULL and empty values.
  PartitionCommitTracker(std::string table_name, std::string root,
                         std::string default_partition_name, PartitionCommitSettings settings);

  /// Writer `subtask` of `parallelism` starts (SinkWriter::Open).
  /// REQUIRES: 0 <= subtask < parallelism.
  void AddWriter(int subtask, int parallelism);

  /// Writer `subtask` opened an in-progress file in `partition` (relative path
  /// "dt=2024-01-01/hm=10%3A00") whose unescaped values are `values`. Fails when
  /// the partition-time trigger cannot extract a time from the values.
  Status FileOpened(int subtask, const std::string& partition,
                    const std::vector<std::string>& values, int64_t now_micros);

  /// Writer `subtask` closed a file it opened in `partition`; the file has its
  /// final, visible name (with checkpoints: it was committed). Commits the
  /// partition if it is now complete.
  Status FileClosed(int subtask, const std::string& partition, int64_t now_micros);

  /// Writer `subtask` received watermark `watermark` (microseconds).
  Status AdvanceWatermark(int subtask, int64_t watermark, int64_t now_micros);

  /// Processing time moved on (UTC microseconds).
  Status AdvanceProcessingTime(int64_t now_micros);

  /// Writer `subtask` reached the end of its input and closed all its files.
  Status WriterFinished(int subtask, int64_t now_micros);

  /// Writer `subtask` is closed (SinkWriter::Close), after WriterFinished or a
  /// failure.
  void WriterClosed(int subtask);

  /// How many commits happened (a partition that committed twice counts twice).
  int64_t num_commits() const;

 private:
  struct Writer {
    int64_t watermark = INT64_MIN;
    bool finished = false;
    bool closed = false;
  };
  struct Partition {
    int64_t first_written_micros = 0;
    /// partition-time trigger: the watermark at which the partition may commit.
    int64_t commit_watermark = 0;
    /// The writer of each file not yet closed (a writer may have several).
    std::multiset<int> open_files;
  };

  void Reset(int parallelism);  // REQUIRES: mu_ held
  /// Whether the trigger lets `partition` commit. REQUIRES: mu_ held.
  bool TriggerAllows(const Partition& partition, int64_t now_micros) const;
  /// Commits every pending partition that is complete and allowed.
  /// REQUIRES: mu_ held.
  Status CommitReady(int64_t now_micros);
  /// Writes the success file of `partition`. REQUIRES: mu_ held.
  Status Commit(const std::string& partition);

  const std::string table_name_;
  const std::string root_;
  const std::string default_partition_name_;
  const PartitionCommitSettings settings_;

  mutable std::mutex mu_;
  std::vector<Writer> writers_;               // GUARDED_BY(mu_); one per subtask
  int closed_writers_ = 0;                    // GUARDED_BY(mu_)
  int64_t watermark_ = INT64_MIN;             // GUARDED_BY(mu_); lowest over writers_
  std::map<std::string, Partition> pending_;  // GUARDED_BY(mu_)
  int64_t num_commits_ = 0;                   // GUARDED_BY(mu_)
};

}  // namespace tiangong
