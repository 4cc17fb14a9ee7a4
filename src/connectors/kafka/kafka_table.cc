#include "connectors/kafka/kafka_table.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "common/strings.h"

namespace tiangong {
namespace {

Status InvalidValue(const std::string& table, std::string_view option, std::string_view value,
                    std::string_view expected) {
  return Status::Invalid("Table {}: invalid value '{}' for option '{}'; expected {}", table, value,
                         option, expected);
}

Result<KafkaOffsetMode> ParseOffsetMode(const std::string& table, std::string_view option,
                                        const std::string& value, bool bounded) {
  std::string mode = ToLower(value);
  if (!bounded && mode == "earliest-offset") return KafkaOffsetMode::kEarliest;
  if (bounded && mode == "unbounded") return KafkaOffsetMode::kUnbounded;
  if (mode == "latest-offset") return KafkaOffsetMode::kLatest;
  if (mode == "group-offsets") return KafkaOffsetMode::kGroupOffsets;
  if (mode == "timestamp") return KafkaOffsetMode::kTimestamp;
  if (mode == "specific-offsets") return KafkaOffsetMode::kSpecific;
  return InvalidValue(table, option, value,
                      bounded ? "'unbounded', 'latest-offset', 'group-offsets', 'timestamp' or "
                                "'specific-offsets'"
                              : "'earliest-offset', 'latest-offset', 'group-offsets', "
                                "'timestamp' or 'specific-offsets'");
}

// 'partition:0,offset:42;partition:1,offset:300'
Result<std::map<int32_t, int64_t>> ParseSpecificOffsets(const std::string& table,
                                                        std::string_view option,
                                                        const std::string& text) {
  std::map<int32_t, int64_t> offsets;
  auto invalid = [&]() {
    return InvalidValue(table, option, text,
                        "'partition:<int>,offset:<long>' entries separated by ';', e.g. "
                        "'partition:0,offset:42;partition:1,offset:300'");
  };
  for (std::string_view entry : Split(text, ';')) {
    entry = TrimWhitespace(entry);
    if (entry.empty()) continue;
    std::vector<std::string_view> parts = Split(entry, ',');
    if (parts.size() != 2) return invalid();
    std::string_view partition = TrimWhitespace(parts[0]);
    std::string_view offset = TrimWhitespace(parts[1]);
    if (!partition.starts_with("partition:") || !offset.starts_with("offset:")) return invalid();
    Result<int64_t> p = ParseInt(TrimWhitespace(partition.substr(10)));
    Result<int64_t> o = ParseInt(TrimWhitespace(offset.substr(7)));
    if (!p.ok() || !o.ok() || *p < 0 || *o < 0) return invalid();
    offsets[static_cast<int32_t>(*p)] = *o;
  }
  if (offsets.empty()) return invalid();
  return offsets;
}

// The index of each named column of `table`, for 'key.fields'.
Result<std::vector<int>> ColumnIndexes(const TableDescriptor& table,
                                       const std::vector<std::string>& names,
                                       std::string_view option) {
  std::vector<std::string> columns = table.ColumnNames();
  std::vector<int> indexes;
  for (const std::string& name : names) {
    auto found = std::find(columns.begin(), columns.end(), name);
    if (found == columns.end()) {
      return Status::Invalid(
          "Table {}: '{}' names column `{}`, which is not a physical column ({})", table.name,
          option, name, fmt::join(columns, ", "));
    }
    indexes.push_back(static_cast<int>(found - columns.begin()));
  }
  return indexes;
}

Result<KafkaFieldLayout> ParseLayout(const TableDescriptor& table, bool upsert, bool has_key) {
  const Configuration& options = table.options;
  KafkaFieldLayout layout;
  std::vector<std::string> key_names;
  if (upsert) {
    if (table.primary_key.empty()) {
      return Status::Invalid(
          "Table {}: 'upsert-kafka' tables require to define a PRIMARY KEY constraint. The "
          "PRIMARY KEY specifies which columns should be read from or written to the Kafka "
          "message key",
          table.name);
    }
    if (options.Contains("key.fields")) {
      return Status::Invalid(
          "Table {}: 'upsert-kafka' takes its key fields from the PRIMARY KEY; remove "
          "'key.fields'",
          table.name);
    }
    key_names = table.primary_key;
  } else if (std::optional<std::string> fields = options.Get("key.fields")) {
    for (std::string_view name : Split(*fields, ';')) {
      name = TrimWhitespace(name);
      if (!name.empty()) key_names.emplace_back(name);
    }
  }
  if (!key_names.empty() && !has_key) {
    return Status::Invalid("Table {}: 'key.fields' needs a 'key.format' to write the key with",
                           table.name);
  }
  if (key_names.empty() && has_key) {
    return Status::Invalid(
        "Table {}: a 'key.format' needs 'key.fields' to say which columns the key holds",
        table.name);
  }
  ASSIGN_OR_RAISE(layout.key_indexes, ColumnIndexes(table, key_names, "key.fields"));

  std::string prefix = options.GetString("key.fields-prefix", "");
  std::string include = ToUpper(options.GetString("value.fields-include", "ALL"));
  if (include != "ALL" && include != "EXCEPT_KEY") {
    return InvalidValue(table.name, "value.fields-include", include, "'ALL' or 'EXCEPT_KEY'");
  }
  if (!prefix.empty() && include != "EXCEPT_KEY") {
    return Status::Invalid(
        "Table {}: a key prefix ('key.fields-prefix' = '{}') requires 'value.fields-include' = "
        "'EXCEPT_KEY'",
        table.name, prefix);
  }
  const std::vector<RowField>& fields = table.physical_type.fields();
  std::vector<RowField> key_fields;
  for (int index : layout.key_indexes) {
    RowField field = fields[static_cast<size_t>(index)];
    if (!prefix.empty()) {
      if (!field.name.starts_with(prefix)) {
        return Status::Invalid(
            "Table {}: key field `{}` does not start with the 'key.fields-prefix' '{}'", table.name,
            field.name, prefix);
      }
      field.name = field.name.substr(prefix.size());
    }
    key_fields.push_back(std::move(field));
  }
  layout.key_type = DataType::Row(std::move(key_fields), false);
  std::vector<RowField> value_fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    bool in_key = std::find(layout.key_indexes.begin(), layout.key_indexes.end(),
                            static_cast<int>(i)) != layout.key_indexes.end();
    if (in_key && include == "EXCEPT_KEY") continue;
    layout.value_indexes.push_back(static_cast<int>(i));
    value_fields.push_back(fields[i]);
  }
  layout.value_type = DataType::Row(std::move(value_fields), false);
  return layout;
}

Status ParseScan(const TableDescriptor& table, KafkaTable* parsed) {
  const Configuration& options = table.options;
  const std::string& name = table.name;
  // Flink's default: the group's offsets (which need a group).
  ASSIGN_OR_RAISE(parsed->startup_mode,
                  ParseOffsetMode(name, "scan.startup.mode",
                                  options.GetString("scan.startup.mode", "group-offsets"), false));
  if (parsed->upsert) parsed->startup_mode = KafkaOffsetMode::kEarliest;
  ASSIGN_OR_RAISE(parsed->bounded_mode,
                  ParseOffsetMode(name, "scan.bounded.mode",
                                  options.GetString("scan.bounded.mode", "unbounded"), true));
  struct ModeOptions {
    KafkaOffsetMode mode;
    const char* timestamp_option;
    const char* offsets_option;
    int64_t* timestamp;
    std::map<int32_t, int64_t>* offsets;
  };
  for (const ModeOptions& mode :
       {ModeOptions{parsed->startup_mode, "scan.startup.timestamp-millis",
                    "scan.startup.specific-offsets", &parsed->startup_timestamp_millis,
                    &parsed->startup_offsets},
        ModeOptions{parsed->bounded_mode, "scan.bounded.timestamp-millis",
                    "scan.bounded.specific-offsets", &parsed->bounded_timestamp_millis,
                    &parsed->bounded_offsets}}) {
    if (mode.mode == KafkaOffsetMode::kTimestamp) {
      if (!options.Contains(mode.timestamp_option)) {
        return Status::Invalid("Table {}: the 'timestamp' mode needs '{}'", name,
                               mode.timestamp_option);
      }
      ASSIGN_OR_RAISE(*mode.timestamp, ForTable(options.GetInt(mode.timestamp_option, 0), name));
    }
    if (mode.mode == KafkaOffsetMode::kSpecific) {
      std::optional<std::string> text = options.Get(mode.offsets_option);
      if (!text) {
        return Status::Invalid("Table {}: the 'specific-offsets' mode needs '{}'", name,
                               mode.offsets_option);
      }
      if (parsed->topics.size() != 1) {
        return Status::Invalid("Table {}: '{}' applies to a single 'topic'; this table reads {}",
                               name, mode.offsets_option,
                               parsed->topics.empty() ? "a 'topic-pattern'" : "several topics");
      }
      ASSIGN_OR_RAISE(*mode.offsets, ParseSpecificOffsets(name, mode.offsets_option, *text));
    }
  }
  if (parsed->group_id.empty() && (parsed->startup_mode == KafkaOffsetMode::kGroupOffsets ||
                                   parsed->bounded_mode == KafkaOffsetMode::kGroupOffsets)) {
    return Status::Invalid(
        "Table {}: the 'group-offsets' mode (the default 'scan.startup.mode') needs "
        "'properties.group.id'; set it, or choose another 'scan.startup.mode' such as "
        "'earliest-offset'",
        name);
  }
  ASSIGN_OR_RAISE(parsed->discovery_interval,
                  ForTable(options.GetDuration("scan.topic-partition-discovery.interval",
                                               std::chrono::minutes(5)),
                           name));
  // A bounded read knows its partitions when it starts.
  if (parsed->bounded_mode != KafkaOffsetMode::kUnbounded) {
    parsed->discovery_interval = std::chrono::milliseconds(0);
  }
  return Status::OK();
}

Status ParseSink(const TableDescriptor& table, KafkaTable* parsed) {
  const Configuration& options = table.options;
  const std::string& name = table.name;
  if (!parsed->topic_pattern.empty() || parsed->topics.size() != 1) {
    return Status::Invalid(
        "Table {}: a Kafka sink writes to exactly one 'topic'; this table has {}", name,
        parsed->topic_pattern.empty() ? fmt::format("'{}'", fmt::join(parsed->topics, ";"))
                                      : "a 'topic-pattern'");
  }
  // 'sink.semantic' is the older name, with underscores.
  std::string guarantee = options.GetString(
      "sink.delivery-guarantee", ToLower(options.GetString("sink.semantic", "at-least-once")));
  std::replace(guarantee.begin(), guarantee.end(), '_', '-');
  if (guarantee == "none") {
    parsed->delivery_guarantee = KafkaDeliveryGuarantee::kNone;
  } else if (guarantee == "at-least-once") {
    parsed->delivery_guarantee = KafkaDeliveryGuarantee::kAtLeastOnce;
  } else if (guarantee == "exactly-once") {
    parsed->delivery_guarantee = KafkaDeliveryGuarantee::kExactlyOnce;
  } else {
    return InvalidValue(name, "sink.delivery-guarantee", guarantee,
                        "'none', 'at-least-once' or 'exactly-once'");
  }
  parsed->transactional_id_prefix = options.GetString("sink.transactional-id-prefix", "");
  if (parsed->delivery_guarantee == KafkaDeliveryGuarantee::kExactlyOnce &&
      parsed->transactional_id_prefix.empty()) {
    return Status::Invalid(
        "Table {}: 'sink.delivery-guarantee' = 'exactly-once' needs "
        "'sink.transactional-id-prefix', unique to the job among all jobs writing to the "
        "cluster",
        name);
  }
  std::string partitioner = ToLower(options.GetString("sink.partitioner", "default"));
  if (partitioner == "default") {
    parsed->partitioner = KafkaPartitioner::kDefault;
  } else if (partitioner == "fixed") {
    parsed->partitioner = KafkaPartitioner::kFixed;
  } else if (partitioner == "round-robin") {
    parsed->partitioner = KafkaPartitioner::kRoundRobin;
  } else {
    return InvalidValue(name, "sink.partitioner", partitioner,
                        "'default', 'fixed' or 'round-robin' (Java partitioner classes are not "
                        "supported)");
  }
  ASSIGN_OR_RAISE(parsed->buffer_flush_max_rows,
                  ForTable(options.GetInt("sink.buffer-flush.max-rows", 0), name));
  ASSIGN_OR_RAISE(
      parsed->buffer_flush_interval,
      ForTable(options.GetDuration("sink.buffer-flush.interval", std::chrono::milliseconds(0)),
               name));
  if ((parsed->buffer_flush_max_rows > 0) != (parsed->buffer_flush_interval.count() > 0) ||
      parsed->buffer_flush_max_rows < 0) {
    return Status::Invalid(
        "Table {}: 'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' must be set to "
        "be greater than zero together to enable sink buffer flushing",
        name);
  }
  ASSIGN_OR_RAISE(int64_t parallelism, ForTable(options.GetInt("sink.parallelism", 0), name));
  parsed->sink_parallelism = static_cast<int>(parallelism);
  return Status::OK();
}

}  // namespace

OptionSpec KafkaOptions(bool upsert) {
  OptionSpec spec;
  spec.required = {"properties.bootstrap.servers"};
  spec.prefixes = {"properties."};
  spec.optional = {"topic",
                   "key.format",
                   "key.fields-prefix",
                   "value.format",
                   "value.fields-include",
                   "sink.parallelism",
                   "sink.delivery-guarantee",
                   "sink.transactional-id-prefix"};
  if (upsert) {
    spec.optional.emplace_back("sink.buffer-flush.max-rows");
    spec.optional.emplace_back("sink.buffer-flush.interval");
  }
  // An upsert table is read from its start; it may stop at a bound.
  for (const char* option :
       {"scan.bounded.mode", "scan.bounded.specific-offsets", "scan.bounded.timestamp-millis"}) {
    spec.optional.emplace_back(option);
  }
  if (!upsert) {
    for (const char* option :
         {"topic-pattern", "format", "key.fields", "scan.startup.mode",
          "scan.startup.specific-offsets", "scan.startup.timestamp-millis",
          "scan.topic-partition-discovery.interval", "sink.partitioner", "sink.semantic"}) {
      spec.optional.emplace_back(option);
    }
  }
  return spec;
}

Result<std::shared_ptr<const KafkaTable>> ParseKafkaTable(const TableDescriptor& table,
                                                          const ConnectorContext& context,
                                                          bool upsert, bool for_sink) {
  const Configuration& options = table.options;
  const std::string& name = table.name;
  std::string_view connector = upsert ? "upsert-kafka" : "kafka";
  OptionSpec spec = KafkaOptions(upsert);
  auto parsed = std::make_shared<KafkaTable>();
  parsed->table_name = name;
  parsed->upsert = upsert;

  // Formats: 'value.format' or its short form 'format'; 'key.format'.
  if (upsert && !options.Contains("key.format")) {
    return Status::Invalid("Table {}: 'upsert-kafka' needs 'key.format'", name);
  }
  if (options.Contains("format") && options.Contains("value.format")) {
    return Status::Invalid("Table {}: set either 'format' or 'value.format', not both", name);
  }
  std::string value_key = options.Contains("format") ? "format" : "value.format";
  ASSIGN_OR_RAISE(parsed->value_format, ResolveFormat(name, options, value_key, &spec));
  bool has_key = options.Contains("key.format");
  if (has_key) {
    ASSIGN_OR_RAISE(parsed->key_format, ResolveFormat(name, options, "key.format", &spec));
  }
  RETURN_NOT_OK(ValidateOptions(connector, name, spec, options));
  std::string value_scope = value_key == "format" ? "" : "value.";
  parsed->value_format_options =
      FormatOptions(options, value_scope + std::string(parsed->value_format->identifier()));
  if (has_key) {
    parsed->key_format_options =
        FormatOptions(options, "key." + std::string(parsed->key_format->identifier()));
  }
  if (upsert && !parsed->value_format->changelog_mode().insert_only()) {
    return Status::Invalid(
        "Table {}: 'upsert-kafka' keeps the changelog in the record keys; its 'value.format' "
        "must be an insert-only format, not '{}'",
        name, parsed->value_format->identifier());
  }
  if (has_key && !parsed->key_format->changelog_mode().insert_only()) {
    return Status::Invalid("Table {}: 'key.format' must be an insert-only format, not '{}'", name,
                           parsed->key_format->identifier());
  }
  parsed->function_context = context.function_context;
  parsed->physical_type = table.physical_type;
  ASSIGN_OR_RAISE(parsed->layout, ParseLayout(table, upsert, has_key));

  // Topics.
  if (std::optional<std::string> topics = options.Get("topic")) {
    for (std::string_view topic : Split(*topics, ';')) {
      topic = TrimWhitespace(topic);
      if (!topic.empty()) parsed->topics.emplace_back(topic);
    }
  }
  parsed->topic_pattern = options.GetString("topic-pattern", "");
  if (parsed->topics.empty() == parsed->topic_pattern.empty()) {
    return Status::Invalid("Table {}: set exactly one of 'topic' and 'topic-pattern'", name);
  }
  if (!parsed->topic_pattern.empty()) {
    RE2 pattern(parsed->topic_pattern, RE2::Quiet);
    if (!pattern.ok()) {
      return InvalidValue(name, "topic-pattern", parsed->topic_pattern,
                          fmt::format("a regular expression ({})", pattern.error()));
    }
  }

  // Client properties.
  Configuration properties = options.WithPrefix("properties.");
  for (const auto& [key, value] : properties.entries()) parsed->properties[key] = value;
  parsed->bootstrap_servers = parsed->properties["bootstrap.servers"];
  if (auto group = parsed->properties.find("group.id"); group != parsed->properties.end()) {
    parsed->group_id = group->second;
  }
  if (auto commit = parsed->properties.find("commit.offsets.on.checkpoint");
      commit != parsed->properties.end()) {
    ASSIGN_OR_RAISE(parsed->commit_offsets_on_checkpoint,
                    ForTable(ParseBool(commit->second), name));
    parsed->properties.erase(commit);
  }

  if (for_sink) {
    RETURN_NOT_OK(ParseSink(table, parsed.get()));
  } else {
    RETURN_NOT_OK(ParseScan(table, parsed.get()));
  }
  return std::shared_ptr<const KafkaTable>(std::move(parsed));
}

}  // namespace tiangong
