#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "connectors/connector.h"
#include "connectors/filesystem/partition_time_extractor.h"
#include "formats/format.h"
#include "types/time_zone.h"

namespace tiangong {

/// 'sink.partition-commit.trigger'.
enum class PartitionCommitTrigger {
  /// A partition commits once the processing time passes the time it was first
  /// written plus the delay.
  kProcessTime,
  /// A partition commits once the watermark passes the time extracted from its
  /// values plus the delay.
  kPartitionTime,
};

/// When and how the sink of a partitioned table commits its partitions. Only the
/// 'success-file' policy exists: committing writes an empty file named
/// `success_file_name` into the partition's directory.
struct PartitionCommitSettings {
  PartitionCommitTrigger trigger = PartitionCommitTrigger::kProcessTime;
  /// 'sink.partition-commit.delay'.
  std::chrono::microseconds delay{0};
  /// 'sink.partition-commit.watermark-time-zone': the zone partition times are
  /// in when the watermark is a UTC instant (TIMESTAMP_LTZ rowtime).
  TimeZone watermark_time_zone = TimeZone::Utc();
  /// 'sink.partition-commit.success-file.name'.
  std::string success_file_name = "_SUCCESS";
  /// For the partition-time trigger ('partition.time-extractor.*').
  std::optional<PartitionTimeExtractor> time_extractor;
};

/// The filesystem table's settings, parsed and checked once when the table is
/// planned.
struct FilesystemTable {
  std::string table_name;
  /// The local path, without a "file://" scheme.
  std::string path;
  /// Every physical column.
  DataType row_type;
  /// PARTITIONED BY columns in declaration order, with their indexes into
  /// row_type. Partition values live in directory names, not in the files.
  std::vector<std::string> partition_keys;
  std::vector<int> partition_indexes;
  /// The other columns (ascending indexes into row_type) and their ROW type:
  /// what each file holds. The whole row for unpartitioned tables.
  std::vector<int> data_indexes;
  DataType data_type;
  /// 'partition.default-name': the directory value for NULL and empty values.
  std::string default_partition_name;
  const FormatFactory* format = nullptr;  // not owned; a built-in
  Configuration format_options;
  FunctionContext function_context;
  /// Source: 0 means read what is there and end.
  std::chrono::milliseconds monitor_interval{0};
  /// Lookup joins read the whole table and read it again after this long.
  std::chrono::milliseconds lookup_cache_ttl{std::chrono::minutes(60)};
  /// Sink rolling policy: a part file rolls when it reaches the size, has been
  /// open for the rollover interval or got no rows for the inactivity interval;
  /// the two times are checked every check interval.
  int64_t rolling_file_size = 128LL * 1024 * 1024;
  std::chrono::milliseconds rollover_interval{30 * 60 * 1000};
  std::chrono::milliseconds inactivity_interval{30 * 60 * 1000};
  std::chrono::milliseconds check_interval{60 * 1000};
  int sink_parallelism = 0;
  /// Set for partitioned tables with 'sink.partition-commit.policy.kind'.
  std::optional<PartitionCommitSettings> partition_commit;
};

/// Validates the options of `table` and resolves its format.
Result<std::shared_ptr<const FilesystemTable>> ParseFilesystemTable(
    const TableDescriptor& table, const ConnectorContext& context);

std::unique_ptr<TableSource> MakeFilesystemSource(std::shared_ptr<const FilesystemTable> table);
std::unique_ptr<TableSink> MakeFilesystemSink(std::shared_ptr<const FilesystemTable> table);

}  // namespace tiangong
