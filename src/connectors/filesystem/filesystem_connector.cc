#include "connectors/filesystem/filesystem_connector.h"

#include "connectors/filesystem/filesystem_options.h"

namespace tiangong {
namespace {

class FilesystemFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "filesystem"; }
  OptionSpec options() const override {
    return {
        {"path", "format"},
        {"source.monitor-interval", "sink.rolling-policy.file-size",
         "sink.rolling-policy.rollover-interval", "sink.rolling-policy.check-interval",
         "sink.rolling-policy.inactivity-interval", "sink.parallelism", "partition.default-name"},
        {}};
  }
  Result<std::unique_ptr<TableSource>> CreateSource(
      const TableDescriptor& table, const ConnectorContext& context) const override {
    ASSIGN_OR_RAISE(auto parsed, ParseFilesystemTable(table, context));
    return MakeFilesystemSource(std::move(parsed));
  }
  Result<std::unique_ptr<TableSink>> CreateSink(const TableDescriptor& table,
                                                const ConnectorContext& context) const override {
    ASSIGN_OR_RAISE(auto parsed, ParseFilesystemTable(table, context));
    return MakeFilesystemSink(std::move(parsed));
  }
};

}  // namespace

Result<std::shared_ptr<const FilesystemTable>> ParseFilesystemTable(
    const TableDescriptor& table, const ConnectorContext& context) {
  OptionSpec spec = MakeFilesystemConnectorFactory()->options();
  ASSIGN_OR_RAISE(const FormatFactory* format,
                  ResolveFormat(table.name, table.options, "format", &spec));
  RETURN_NOT_OK(ValidateOptions("filesystem", table.name, spec, table.options));
  if (!table.partition_keys.empty()) {
    return Status::Unsupported(
        "Table {}: partitioned filesystem tables (PARTITIONED BY) are not supported yet",
        table.name);
  }
  auto parsed = std::make_shared<FilesystemTable>();
  parsed->table_name = table.name;
  std::string path = table.options.GetString("path", "");
  if (path.starts_with("file://")) path = path.substr(7);
  if (path.find("://") != std::string::npos) {
    return Status::Unsupported("Table {}: only local paths are supported, not '{}'", table.name,
                               path);
  }
  if (path.empty()) return Status::Invalid("Table {}: 'path' must not be empty", table.name);
  parsed->path = path;
  parsed->row_type = table.physical_type;
  parsed->format = format;
  parsed->format_options = FormatOptions(table.options, format->identifier());
  parsed->function_context = context.function_context;
  ASSIGN_OR_RAISE(
      parsed->monitor_interval,
      table.options.GetDuration("source.monitor-interval", std::chrono::milliseconds(0)));
  ASSIGN_OR_RAISE(parsed->rolling_file_size,
                  table.options.GetMemorySize("sink.rolling-policy.file-size", 128LL << 20));
  ASSIGN_OR_RAISE(
      parsed->rollover_interval,
      table.options.GetDuration("sink.rolling-policy.rollover-interval", std::chrono::minutes(30)));
  ASSIGN_OR_RAISE(int64_t parallelism, table.options.GetInt("sink.parallelism", 0));
  parsed->sink_parallelism = static_cast<int>(parallelism);
  // Creating a decoder/encoder now checks the format options against the columns.
  RETURN_NOT_OK(
      format->CreateDecoder(parsed->row_type, parsed->format_options, parsed->function_context)
          .status()
          .WithContext(fmt::format("Table {}", table.name)));
  return std::shared_ptr<const FilesystemTable>(std::move(parsed));
}

std::unique_ptr<ConnectorFactory> MakeFilesystemConnectorFactory() {
  return std::make_unique<FilesystemFactory>();
}

}  // namespace tiangong
