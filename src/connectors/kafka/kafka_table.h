#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "formats/format.h"

namespace tiangong {

/// Where a Kafka source starts reading a partition ('scan.startup.mode'), and
/// where a bounded one stops ('scan.bounded.mode').
enum class KafkaOffsetMode {
  kEarliest,      // startup only: 'earliest-offset'
  kLatest,        // 'latest-offset'
  kGroupOffsets,  // 'group-offsets': the consumer group's committed offsets
  kTimestamp,     // 'timestamp': the first offset at or after a time
  kSpecific,      // 'specific-offsets'
  kUnbounded,     // bounded mode only: never stop
};

enum class KafkaDeliveryGuarantee { kNone, kAtLeastOnce, kExactlyOnce };

/// 'sink.partitioner'.
enum class KafkaPartitioner {
  kDefault,     // the Kafka client's: murmur2 hash of the key, any partition without one
  kFixed,       // each writer subtask always writes to partition (subtask % partitions)
  kRoundRobin,  // writers cycle through the partitions
};

/// A physical column's place in a Kafka record.
struct KafkaFieldLayout {
  /// Indexes into the table's physical columns of the key fields
  /// ('key.fields', or the primary key of upsert-kafka), in key order.
  std::vector<int> key_indexes;
  /// ROW type the key format reads and writes: the key fields, without
  /// 'key.fields-prefix'.
  DataType key_type;
  /// Indexes of the columns in the value ('value.fields-include').
  std::vector<int> value_indexes;
  DataType value_type;
};

/// A Kafka table's settings, parsed and checked once when it is planned; shared
/// by its source, sink, readers and writers. Option names are Flink's.
struct KafkaTable {
  std::string table_name;
  /// 'upsert-kafka': a changelog keyed by the primary key, deletes as
  /// tombstones (records without a value).
  bool upsert = false;

  /// 'topic' (a list separated by ';') or 'topic-pattern' (a regular
  /// expression over whole topic names).
  std::vector<std::string> topics;
  std::string topic_pattern;

  /// 'properties.*' without the prefix: the Kafka client's configuration
  /// ('bootstrap.servers', 'group.id', ...).
  std::map<std::string, std::string> properties;
  std::string bootstrap_servers;
  std::string group_id;  // empty when not set
  /// 'properties.commit.offsets.on.checkpoint' (default true): a source with a
  /// group commits its checkpointed offsets when the checkpoint completes.
  bool commit_offsets_on_checkpoint = true;

  KafkaOffsetMode startup_mode = KafkaOffsetMode::kGroupOffsets;
  int64_t startup_timestamp_millis = 0;
  /// 'scan.startup.specific-offsets': partition → offset of the (single) topic.
  std::map<int32_t, int64_t> startup_offsets;
  KafkaOffsetMode bounded_mode = KafkaOffsetMode::kUnbounded;
  int64_t bounded_timestamp_millis = 0;
  std::map<int32_t, int64_t> bounded_offsets;
  /// 'scan.topic-partition-discovery.interval'; zero disables discovery.
  std::chrono::milliseconds discovery_interval{std::chrono::minutes(5)};

  /// Every physical column.
  DataType physical_type;
  KafkaFieldLayout layout;
  /// 'key.format' (nullptr without one) and 'value.format' (or 'format').
  const FormatFactory* key_format = nullptr;
  Configuration key_format_options;
  const FormatFactory* value_format = nullptr;
  Configuration value_format_options;
  FunctionContext function_context;

  KafkaDeliveryGuarantee delivery_guarantee = KafkaDeliveryGuarantee::kAtLeastOnce;
  std::string transactional_id_prefix;
  KafkaPartitioner partitioner = KafkaPartitioner::kDefault;
  /// upsert-kafka's 'sink.buffer-flush.max-rows' and '.interval' (both set,
  /// or 0: no buffering).
  int64_t buffer_flush_max_rows = 0;
  std::chrono::milliseconds buffer_flush_interval{0};
  int sink_parallelism = 0;

  /// The group the table's consumers give the client: 'properties.group.id',
  /// or without one (nothing is committed then) a name of the table's.
  std::string consumer_group() const {
    return group_id.empty() ? "tiangong-" + table_name : group_id;
  }

  /// The topic the sink writes to: the single 'topic'.
  const std::string& sink_topic() const { return topics.front(); }
};

/// Parses and checks the options of a 'kafka' (`upsert` false) or
/// 'upsert-kafka' table, naming the table, option and value in errors.
/// `for_sink` checks what writing needs (a single topic, no pattern).
Result<std::shared_ptr<const KafkaTable>> ParseKafkaTable(const TableDescriptor& table,
                                                          const ConnectorContext& context,
                                                          bool upsert, bool for_sink);

/// The options of 'kafka' and 'upsert-kafka' tables (formats add their own).
OptionSpec KafkaOptions(bool upsert);

}  // namespace tiangong
