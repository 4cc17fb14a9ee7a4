#include "connectors/filesystem/filesystem_connector.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/filesystem/filesystem_options.h"
#include "connectors/filesystem/partition_path.h"

namespace tiangong {
namespace {

class FilesystemFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "filesystem"; }
  OptionSpec options() const override {
    return {
        {"path", "format"},
        {"source.monitor-interval", "lookup.join.cache.ttl", "sink.rolling-policy.file-size",
         "sink.rolling-policy.rollover-interval", "sink.rolling-policy.check-interval",
         "sink.rolling-policy.inactivity-interval", "sink.parallelism", "partition.default-name",
         "sink.partition-commit.trigger", "sink.partition-commit.delay",
         "sink.partition-commit.watermark-time-zone", "sink.partition-commit.policy.kind",
         "sink.partition-commit.policy.class", "sink.partition-commit.policy.class.parameters",
         "sink.partition-commit.success-file.name", "partition.time-extractor.kind",
         "partition.time-extractor.class", "partition.time-extractor.timestamp-pattern",
         "partition.time-extractor.timestamp-formatter"},
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

// The commit settings of a partitioned table; nullopt when it commits nothing
// (no 'sink.partition-commit.policy.kind'). The options are checked either way.
Result<std::optional<PartitionCommitSettings>> ParsePartitionCommit(const TableDescriptor& table) {
  const Configuration& options = table.options;
  const std::string& name = table.name;
  PartitionCommitSettings settings;

  std::string trigger = options.GetString("sink.partition-commit.trigger", "process-time");
  if (EqualsIgnoreCase(trigger, "process-time")) {
    settings.trigger = PartitionCommitTrigger::kProcessTime;
  } else if (EqualsIgnoreCase(trigger, "partition-time")) {
    settings.trigger = PartitionCommitTrigger::kPartitionTime;
  } else {
    return Status::Invalid(
        "Table {}: invalid value '{}' for option 'sink.partition-commit.trigger'; expected "
        "'process-time' or 'partition-time'",
        name, trigger);
  }

  ASSIGN_OR_RAISE(
      std::chrono::milliseconds delay,
      ForTable(options.GetDuration("sink.partition-commit.delay", std::chrono::milliseconds(0)),
               name));
  settings.delay = delay;

  std::string zone = options.GetString("sink.partition-commit.watermark-time-zone", "UTC");
  Result<TimeZone> loaded = TimeZone::Load(zone);
  if (!loaded.ok()) {
    return Status::Invalid(
        "Table {}: invalid value '{}' for option 'sink.partition-commit.watermark-time-zone': {}",
        name, zone, loaded.status().message());
  }
  settings.watermark_time_zone = *loaded;

  settings.success_file_name =
      options.GetString("sink.partition-commit.success-file.name", "_SUCCESS");
  if (settings.success_file_name.empty() ||
      settings.success_file_name.find('/') != std::string::npos ||
      settings.success_file_name == "." || settings.success_file_name == "..") {
    return Status::Invalid(
        "Table {}: invalid value '{}' for option 'sink.partition-commit.success-file.name'; "
        "expected a file name",
        name, settings.success_file_name);
  }

  std::optional<std::string> policy_kind = options.Get("sink.partition-commit.policy.kind");
  bool success_file = false;
  if (policy_kind) {
    for (std::string_view part : Split(*policy_kind, ',')) {
      std::string policy = ToLower(TrimWhitespace(part));
      if (policy == "success-file") {
        success_file = true;
      } else if (policy == "metastore") {
        return Status::Unsupported(
            "Table {}: option 'sink.partition-commit.policy.kind' = '{}': the 'metastore' policy "
            "needs a Hive metastore, which Tiangong does not have; only 'success-file' is "
            "supported",
            name, *policy_kind);
      } else if (policy == "custom") {
        return Status::Unsupported(
            "Table {}: option 'sink.partition-commit.policy.kind' = '{}': custom commit policies "
            "(Java classes) are not supported; only 'success-file' is supported",
            name, *policy_kind);
      } else {
        return Status::Invalid(
            "Table {}: invalid value '{}' for option 'sink.partition-commit.policy.kind': unknown "
            "policy '{}'; only 'success-file' is supported",
            name, *policy_kind, policy);
      }
    }
  }

  std::string extractor_kind = options.GetString("partition.time-extractor.kind", "default");
  if (EqualsIgnoreCase(extractor_kind, "custom")) {
    return Status::Unsupported(
        "Table {}: option 'partition.time-extractor.kind' = 'custom': custom partition time "
        "extractors (Java classes) are not supported; only 'default' is supported",
        name);
  }
  if (!EqualsIgnoreCase(extractor_kind, "default")) {
    return Status::Invalid(
        "Table {}: invalid value '{}' for option 'partition.time-extractor.kind'; only 'default' "
        "is supported",
        name, extractor_kind);
  }
  std::string pattern = options.GetString("partition.time-extractor.timestamp-pattern", "");
  std::string formatter = options.GetString("partition.time-extractor.timestamp-formatter", "");
  if (!table.partition_keys.empty()) {
    if (!formatter.empty()) {
      Result<TimestampFormatter> checked = TimestampFormatter::Make(formatter);
      if (!checked.ok()) {
        return Status::Invalid(
            "Table {}: invalid value '{}' for option "
            "'partition.time-extractor.timestamp-formatter': {}",
            name, formatter, checked.status().message());
      }
    }
    Result<PartitionTimeExtractor> extractor =
        PartitionTimeExtractor::Make(table.partition_keys, pattern, formatter);
    if (!extractor.ok()) {
      return Status::Invalid(
          "Table {}: invalid value '{}' for option 'partition.time-extractor.timestamp-pattern': "
          "{}",
          name, pattern, extractor.status().message());
    }
    if (settings.trigger == PartitionCommitTrigger::kPartitionTime) {
      settings.time_extractor = extractor.MoveValue();
    }
  }

  // As in Flink, only partitioned tables with a commit policy commit partitions.
  if (table.partition_keys.empty() || !success_file) return std::nullopt;
  return std::optional<PartitionCommitSettings>(std::move(settings));
}

}  // namespace

Result<std::shared_ptr<const FilesystemTable>> ParseFilesystemTable(
    const TableDescriptor& table, const ConnectorContext& context) {
  OptionSpec spec = MakeFilesystemConnectorFactory()->options();
  ASSIGN_OR_RAISE(const FormatFactory* format,
                  ResolveFormat(table.name, table.options, "format", &spec));
  RETURN_NOT_OK(ValidateOptions("filesystem", table.name, spec, table.options));
  auto parsed = std::make_shared<FilesystemTable>();
  parsed->table_name = table.name;
  std::string path = table.options.GetString("path", "");
  if (path.starts_with("file://")) path = path.substr(7);
  if (path.find("://") != std::string::npos) {
    return Status::Unsupported("Table {}: only local paths are supported, not '{}'", table.name,
                               path);
  }
  if (path.empty()) return Status::Invalid("Table {}: 'path' must not be empty", table.name);
  // "dir/" and "dir" are the same directory; partitions are paths below it.
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  parsed->path = path;
  parsed->row_type = table.physical_type;

  const std::vector<RowField>& fields = table.physical_type.fields();
  for (const std::string& key : table.partition_keys) {
    auto found = std::find_if(fields.begin(), fields.end(),
                              [&](const RowField& field) { return field.name == key; });
    if (found == fields.end()) {
      return Status::Invalid("Table {}: partition column `{}` is not a physical column", table.name,
                             key);
    }
    parsed->partition_keys.push_back(key);
    parsed->partition_indexes.push_back(static_cast<int>(found - fields.begin()));
  }
  std::vector<RowField> data_fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    int index = static_cast<int>(i);
    if (std::find(parsed->partition_indexes.begin(), parsed->partition_indexes.end(), index) !=
        parsed->partition_indexes.end()) {
      continue;
    }
    parsed->data_indexes.push_back(index);
    data_fields.push_back(fields[i]);
  }
  if (!table.partition_keys.empty() && data_fields.empty()) {
    return Status::Invalid(
        "Table {}: every column is a partition column; the files need at least one other column",
        table.name);
  }
  parsed->data_type = DataType::Row(std::move(data_fields));
  parsed->default_partition_name =
      table.options.GetString("partition.default-name", kDefaultPartitionName);
  if (parsed->default_partition_name.empty()) {
    return Status::Invalid("Table {}: option 'partition.default-name' must not be empty",
                           table.name);
  }

  parsed->format = format;
  parsed->format_options = FormatOptions(table.options, format->identifier());
  parsed->function_context = context.function_context;
  ASSIGN_OR_RAISE(
      parsed->monitor_interval,
      ForTable(table.options.GetDuration("source.monitor-interval", std::chrono::milliseconds(0)),
               table.name));
  ASSIGN_OR_RAISE(
      parsed->lookup_cache_ttl,
      ForTable(table.options.GetDuration("lookup.join.cache.ttl", std::chrono::minutes(60)),
               table.name));
  ASSIGN_OR_RAISE(
      parsed->rolling_file_size,
      ForTable(table.options.GetMemorySize("sink.rolling-policy.file-size", 128LL << 20),
               table.name));
  ASSIGN_OR_RAISE(parsed->rollover_interval,
                  ForTable(table.options.GetDuration("sink.rolling-policy.rollover-interval",
                                                     std::chrono::minutes(30)),
                           table.name));
  ASSIGN_OR_RAISE(parsed->inactivity_interval,
                  ForTable(table.options.GetDuration("sink.rolling-policy.inactivity-interval",
                                                     std::chrono::minutes(30)),
                           table.name));
  ASSIGN_OR_RAISE(parsed->check_interval,
                  ForTable(table.options.GetDuration("sink.rolling-policy.check-interval",
                                                     std::chrono::minutes(1)),
                           table.name));
  if (parsed->check_interval.count() <= 0) {
    return Status::Invalid(
        "Table {}: option 'sink.rolling-policy.check-interval' must be positive, but is '{}'",
        table.name, table.options.GetString("sink.rolling-policy.check-interval", ""));
  }
  ASSIGN_OR_RAISE(int64_t parallelism,
                  ForTable(table.options.GetInt("sink.parallelism", 0), table.name));
  parsed->sink_parallelism = static_cast<int>(parallelism);
  ASSIGN_OR_RAISE(parsed->partition_commit, ParsePartitionCommit(table));
  // Creating a decoder/encoder now checks the format options against the columns.
  RETURN_NOT_OK(
      format->CreateDecoder(parsed->data_type, parsed->format_options, parsed->function_context)
          .status()
          .WithContext(fmt::format("Table {}", table.name)));
  return std::shared_ptr<const FilesystemTable>(std::move(parsed));
}

std::unique_ptr<ConnectorFactory> MakeFilesystemConnectorFactory() {
  return std::make_unique<FilesystemFactory>();
}

}  // namespace tiangong
