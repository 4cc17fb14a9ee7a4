#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/kafka/kafka_table.h"

namespace tiangong {

/// Thin RAII and error handling around librdkafka for the Kafka connector.

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* handle) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

struct KafkaPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using KafkaPartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaPartitionListDeleter>;

/// How long the connector waits for a broker's answer to a metadata or offset
/// request before it gives up with an error.
constexpr std::chrono::milliseconds kKafkaRequestTimeout{30000};

/// A Kafka client for `table`: its 'properties.*' (Kafka's names, which the
/// client shares), then `overrides`. `configure` may set callbacks on the
/// configuration before the client is made. Properties the client does not
/// know (Java client settings) are logged and skipped, as the Java client
/// warns about unused ones.
Result<KafkaHandle> CreateKafkaClient(rd_kafka_type_t type, const KafkaTable& table,
                                      const std::map<std::string, std::string>& overrides,
                                      const std::function<void(rd_kafka_conf_t*)>& configure = {});

/// A topic's partition, and its id in splits: "<topic>-<partition>".
struct KafkaPartition {
  std::string topic;
  int32_t partition = 0;

  std::string SplitId() const;
  bool operator<(const KafkaPartition& other) const {
    return topic != other.topic ? topic < other.topic : partition < other.partition;
  }
  bool operator==(const KafkaPartition& other) const = default;
};

/// Parses a split id made by KafkaPartition::SplitId.
Result<KafkaPartition> ParseKafkaSplitId(const std::string& id);

/// Every partition of the table's topics ('topic' or the topics matching
/// 'topic-pattern'), sorted. A named topic that does not exist is an error.
Result<std::vector<KafkaPartition>> ListKafkaPartitions(rd_kafka_t* client,
                                                        const KafkaTable& table);

/// Asks the cluster for `topic`'s metadata, which the client keeps: its
/// partitions and their leaders. A topic that does not exist is an error.
Status LoadKafkaTopicMetadata(rd_kafka_t* client, const KafkaTable& table,
                              const std::string& topic);

/// The partition's earliest offset and the offset after its last record.
Result<std::pair<int64_t, int64_t>> KafkaWatermarkOffsets(rd_kafka_t* client,
                                                          const KafkaTable& table,
                                                          const KafkaPartition& partition);

/// The first offset whose record's timestamp is at or after `millis`, or the
/// end offset when there is none.
Result<int64_t> KafkaOffsetForTimestamp(rd_kafka_t* client, const KafkaTable& table,
                                        const KafkaPartition& partition, int64_t millis);

/// The offset the table's consumer group committed for `partition`, or nullopt.
Result<std::optional<int64_t>> KafkaCommittedOffset(rd_kafka_t* client, const KafkaTable& table,
                                                    const KafkaPartition& partition);

/// The error text of a librdkafka error code.
std::string KafkaErrorText(rd_kafka_resp_err_t error);

}  // namespace tiangong
