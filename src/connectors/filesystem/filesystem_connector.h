#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tiangong {

/// 'connector' = 'filesystem' on local paths, with a 'format' (csv, json, raw).
///
/// Source: 'path' is a file or a directory (read recursively, skipping hidden
/// files that start with '.' or '_'); each file is a split read line by line,
/// whose position is the byte offset of the next line. With
/// 'source.monitor-interval' the directory is listed again at that interval and
/// new files are read as they appear (an unbounded source).
///
/// Sink: each subtask writes part files 'part-<uuid>-<subtask>-<n>' under
/// 'path', first as hidden in-progress files that become visible when they roll
/// ('sink.rolling-policy.file-size'; 'sink.rolling-policy.rollover-interval' and
/// 'sink.rolling-policy.inactivity-interval', checked every
/// 'sink.rolling-policy.check-interval') or when the input ends.
///
/// PARTITIONED BY tables keep the partition columns in directory names, Hive
/// style ('dt=2024-01-01/hm=10%3A00/part-...'; NULL and empty values become
/// 'partition.default-name'), and the files hold the other columns. The source
/// reads the partition values back from the directories.
///
/// Partition commit ('sink.partition-commit.*', 'partition.time-extractor.*'):
/// with 'sink.partition-commit.policy.kind' = 'success-file' the sink writes an
/// empty success file into a partition once its files are complete and the
/// trigger (processing time or watermark, plus a delay) allows it; see
/// PartitionCommitTracker. The 'metastore' and 'custom' policies and custom time
/// extractors are rejected.
std::unique_ptr<ConnectorFactory> MakeFilesystemConnectorFactory();

}  // namespace tiangong
