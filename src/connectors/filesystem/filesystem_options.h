#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/configuration.h"
#include "common/result.h"
#include "connectors/connector.h"
#include "formats/format.h"

namespace tiangong {

/// The filesystem table's settings, parsed and checked once when the table is
/// planned.
struct FilesystemTable {
  std::string table_name;
  /// The local path, without a "file://" scheme.
  std::string path;
  DataType row_type;
  const FormatFactory* format = nullptr;  // not owned; a built-in
  Configuration format_options;
  FunctionContext function_context;
  /// Source: 0 means read what is there and end.
  std::chrono::milliseconds monitor_interval{0};
  /// Sink rolling policy.
  int64_t rolling_file_size = 128LL * 1024 * 1024;
  std::chrono::milliseconds rollover_interval{30 * 60 * 1000};
  int sink_parallelism = 0;
};

/// Validates the options of `table` and resolves its format.
Result<std::shared_ptr<const FilesystemTable>> ParseFilesystemTable(
    const TableDescriptor& table, const ConnectorContext& context);

std::unique_ptr<TableSource> MakeFilesystemSource(std::shared_ptr<const FilesystemTable> table);
std::unique_ptr<TableSink> MakeFilesystemSink(std::shared_ptr<const FilesystemTable> table);

}  // namespace tiangong
