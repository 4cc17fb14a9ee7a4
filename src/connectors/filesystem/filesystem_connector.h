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
/// ('sink.rolling-policy.file-size', 'sink.rolling-policy.rollover-interval') or
/// when the input ends.
std::unique_ptr<ConnectorFactory> MakeFilesystemConnectorFactory();

}  // namespace tiangong
