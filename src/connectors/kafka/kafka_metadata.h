#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "types/vector_builder.h"

namespace tiangong {

/// The metadata columns of Kafka tables, with Flink's keys and types:
///   topic           STRING NOT NULL                 read
///   partition       INT NOT NULL                    read
///   offset          BIGINT NOT NULL                 read
///   timestamp       TIMESTAMP_LTZ(3) NOT NULL       read, write
///   timestamp-type  STRING NOT NULL                 read ('NoTimestampType', 'CreateTime',
///                                                   'LogAppendTime')
///   headers         MAP<STRING, BYTES> NOT NULL     read, write
enum class KafkaMetadata { kTopic, kPartition, kOffset, kTimestamp, kTimestampType, kHeaders };

std::vector<MetadataColumn> KafkaReadableMetadata();
std::vector<MetadataColumn> KafkaWritableMetadata();
Result<KafkaMetadata> ParseKafkaMetadata(const std::string& key);
DataType KafkaMetadataType(KafkaMetadata metadata);

/// Appends `metadata` of a consumed record to `builder` (of KafkaMetadataType).
void AppendKafkaMetadata(KafkaMetadata metadata, const rd_kafka_message_t& message,
                         VectorBuilder* builder);

}  // namespace tiangong
