#pragma once

#include <memory>

#include "connectors/connector.h"
#include "connectors/kafka/kafka_table.h"

namespace tiangong {

/// 'connector' = 'kafka': reads and writes Kafka topics through librdkafka,
/// with Flink's options (kafka_table.h).
///
/// Source: each partition of the table's topics is a split whose position, the
/// offset of its next record, is in every checkpoint; a consumer group
/// ('properties.group.id') gets the offsets committed when a checkpoint
/// completes. Partitions belong to readers by Flink's rule, and readers look
/// for new partitions every 'scan.topic-partition-discovery.interval' (new
/// ones start at their earliest offset). Each batch holds records of one
/// partition, so watermarks are per partition. A record's value (and key,
/// with 'key.format') decodes with the formats; a record that does not decode
/// fails the job naming topic, partition and offset, unless the format ignores
/// parse errors.
///
/// Sink: writes to one topic with 'sink.delivery-guarantee' none (no flush at
/// checkpoints), at-least-once (flush at every checkpoint) or exactly-once
/// (Kafka transactions committed when the checkpoint completes; see
/// KafkaTransactions).
std::unique_ptr<ConnectorFactory> MakeKafkaConnectorFactory();

/// 'connector' = 'upsert-kafka': a changelog keyed by the PRIMARY KEY. The sink
/// writes inserts and updates as records of the key and deletes as tombstones
/// (rows before updates are left out). The source reads the topic from its
/// start as upserts: a record is +I of its row, a tombstone -D of its key with
/// NULL values, and the planner's ChangelogNormalize turns that into a full
/// changelog.
std::unique_ptr<ConnectorFactory> MakeUpsertKafkaConnectorFactory();

std::unique_ptr<TableSource> MakeKafkaSource(std::shared_ptr<const KafkaTable> table);
std::unique_ptr<TableSink> MakeKafkaSink(std::shared_ptr<const KafkaTable> table);

}  // namespace tiangong
