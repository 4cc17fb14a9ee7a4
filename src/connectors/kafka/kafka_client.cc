#include "connectors/kafka/kafka_client.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <re2/re2.h>
#include <spdlog/spdlog.h>

namespace tiangong {
namespace {

int TimeoutMillis() { return static_cast<int>(kKafkaRequestTimeout.count()); }

// librdkafka's log lines, in the process log.
void LogToSpdlog(const rd_kafka_t* client, int level, const char* facility, const char* message) {
  const char* name = rd_kafka_name(client);
  if (level <= 3) {
    spdlog::error("Kafka client {}: {}: {}", name, facility, message);
  } else if (level <= 4) {
    spdlog::warn("Kafka client {}: {}: {}", name, facility, message);
  } else {
    spdlog::debug("Kafka client {}: {}: {}", name, facility, message);
  }
}

KafkaPartitionList OnePartition(const KafkaPartition& partition) {
  KafkaPartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition);
  return list;
}

}  // namespace

void KafkaHandleDeleter::operator()(rd_kafka_t* handle) const {
  if (rd_kafka_type(handle) == RD_KAFKA_CONSUMER) rd_kafka_consumer_close(handle);
  rd_kafka_destroy(handle);
}

std::string KafkaErrorText(rd_kafka_resp_err_t error) { return rd_kafka_err2str(error); }

Result<KafkaHandle> CreateKafkaClient(rd_kafka_type_t type, const KafkaTable& table,
                                      const std::map<std::string, std::string>& overrides,
                                      const std::function<void(rd_kafka_conf_t*)>& configure) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  auto set = [&](const std::string& key, const std::string& value, bool required) -> Status {
    rd_kafka_conf_res_t result =
        rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error));
    if (result == RD_KAFKA_CONF_OK) return Status::OK();
    if (result == RD_KAFKA_CONF_UNKNOWN && !required) {
      spdlog::warn("Table {}: the Kafka client does not know 'properties.{}'; it is ignored",
                   table.table_name, key);
      return Status::OK();
    }
    return Status::Invalid("Table {}: invalid Kafka client property '{}' = '{}': {}",
                           table.table_name, key, value, error);
  };
  Status status;
  for (const auto& [key, value] : table.properties) {
    if (overrides.count(key) > 0) continue;
    status = set(key, value, false);
    if (!status.ok()) break;
  }
  for (const auto& [key, value] : overrides) {
    if (!status.ok()) break;
    status = set(key, value, true);
  }
  if (!status.ok()) {
    rd_kafka_conf_destroy(conf);
    return status;
  }
  rd_kafka_conf_set_log_cb(conf, LogToSpdlog);
  if (configure) configure(conf);
  rd_kafka_t* client = rd_kafka_new(type, conf, error, sizeof(error));
  if (client == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Invalid("Table {}: cannot create a Kafka client: {}", table.table_name, error);
  }
  return KafkaHandle(client);
}

std::string KafkaPartition::SplitId() const { return fmt::format("{}-{}", topic, partition); }

Result<KafkaPartition> ParseKafkaSplitId(const std::string& id) {
  size_t dash = id.rfind('-');
  char* end = nullptr;
  long partition = dash == std::string::npos ? -1 : std::strtol(id.c_str() + dash + 1, &end, 10);
  if (dash == std::string::npos || dash == 0 || partition < 0 || *end != '\0') {
    return Status::DataError("'{}' is not a Kafka split (topic-partition)", id);
  }
  return KafkaPartition{id.substr(0, dash), static_cast<int32_t>(partition)};
}

Result<std::vector<KafkaPartition>> ListKafkaPartitions(rd_kafka_t* client,
                                                        const KafkaTable& table) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t error = rd_kafka_metadata(client, 1, nullptr, &metadata, TimeoutMillis());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("Table {}: cannot read the topics of Kafka cluster '{}': {}",
                           table.table_name, table.bootstrap_servers, KafkaErrorText(error));
  }
  std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)> owned(
      metadata, rd_kafka_metadata_destroy);
  std::optional<RE2> pattern;
  if (!table.topic_pattern.empty()) pattern.emplace(table.topic_pattern);
  std::vector<KafkaPartition> partitions;
  std::vector<std::string> found;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    std::string name = topic.topic;
    bool wanted =
        pattern ? RE2::FullMatch(name, *pattern)
                : std::find(table.topics.begin(), table.topics.end(), name) != table.topics.end();
    if (!wanted || topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    found.push_back(name);
    for (int p = 0; p < topic.partition_cnt; ++p) {
      partitions.push_back(KafkaPartition{name, topic.partitions[p].id});
    }
  }
  for (const std::string& topic : table.topics) {
    if (std::find(found.begin(), found.end(), topic) == found.end()) {
      return Status::NotFound("Table {}: Kafka topic '{}' does not exist in cluster '{}'",
                              table.table_name, topic, table.bootstrap_servers);
    }
  }
  std::sort(partitions.begin(), partitions.end());
  return partitions;
}

Status LoadKafkaTopicMetadata(rd_kafka_t* client, const KafkaTable& table,
                              const std::string& topic) {
  rd_kafka_topic_t* handle = rd_kafka_topic_new(client, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t error = rd_kafka_metadata(client, 0, handle, &metadata, TimeoutMillis());
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR && metadata->topic_cnt == 1) {
    error = metadata->topics[0].err;
  }
  if (metadata != nullptr) rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(handle);
  if (error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    return Status::NotFound("Table {}: Kafka topic '{}' does not exist in cluster '{}'",
                            table.table_name, topic, table.bootstrap_servers);
  }
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("Table {}: cannot read the metadata of Kafka topic '{}': {}",
                           table.table_name, topic, KafkaErrorText(error));
  }
  return Status::OK();
}

Result<std::pair<int64_t, int64_t>> KafkaWatermarkOffsets(rd_kafka_t* client,
                                                          const KafkaTable& table,
                                                          const KafkaPartition& partition) {
  int64_t low = 0;
  int64_t high = 0;
  rd_kafka_resp_err_t error = rd_kafka_query_watermark_offsets(
      client, partition.topic.c_str(), partition.partition, &low, &high, TimeoutMillis());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("Table {}: cannot read the offsets of Kafka partition {}: {}",
                           table.table_name, partition.SplitId(), KafkaErrorText(error));
  }
  return std::make_pair(low, high);
}

Result<int64_t> KafkaOffsetForTimestamp(rd_kafka_t* client, const KafkaTable& table,
                                        const KafkaPartition& partition, int64_t millis) {
  KafkaPartitionList list = OnePartition(partition);
  list->elems[0].offset = millis;
  rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(client, list.get(), TimeoutMillis());
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) error = list->elems[0].err;
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("Table {}: cannot find the offset for time {} in Kafka partition {}: {}",
                           table.table_name, millis, partition.SplitId(), KafkaErrorText(error));
  }
  if (list->elems[0].offset >= 0) return list->elems[0].offset;
  ASSIGN_OR_RAISE(auto offsets, KafkaWatermarkOffsets(client, table, partition));
  return offsets.second;
}

Result<std::optional<int64_t>> KafkaCommittedOffset(rd_kafka_t* client, const KafkaTable& table,
                                                    const KafkaPartition& partition) {
  KafkaPartitionList list = OnePartition(partition);
  rd_kafka_resp_err_t error = rd_kafka_committed(client, list.get(), TimeoutMillis());
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) error = list->elems[0].err;
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(
        "Table {}: cannot read the committed offset of group '{}' for Kafka partition {}: {}",
        table.table_name, table.group_id, partition.SplitId(), KafkaErrorText(error));
  }
  if (list->elems[0].offset < 0) return std::optional<int64_t>();
  return std::optional<int64_t>(list->elems[0].offset);
}

}  // namespace tiangong
