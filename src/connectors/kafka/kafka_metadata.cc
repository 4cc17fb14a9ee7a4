#include "connectors/kafka/kafka_metadata.h"

#include <array>

namespace tiangong {
namespace {

struct MetadataInfo {
  KafkaMetadata metadata;
  const char* key;
  bool writable;
};

constexpr std::array<MetadataInfo, 6> kMetadata = {{
    {KafkaMetadata::kTopic, "topic", false},
    {KafkaMetadata::kPartition, "partition", false},
    {KafkaMetadata::kOffset, "offset", false},
    {KafkaMetadata::kTimestamp, "timestamp", true},
    {KafkaMetadata::kTimestampType, "timestamp-type", false},
    {KafkaMetadata::kHeaders, "headers", true},
}};

std::vector<MetadataColumn> Columns(bool writable_only) {
  std::vector<MetadataColumn> columns;
  for (const MetadataInfo& info : kMetadata) {
    if (writable_only && !info.writable) continue;
    columns.push_back(MetadataColumn{info.key, KafkaMetadataType(info.metadata)});
  }
  return columns;
}

}  // namespace

std::vector<MetadataColumn> KafkaReadableMetadata() { return Columns(false); }
std::vector<MetadataColumn> KafkaWritableMetadata() { return Columns(true); }

Result<KafkaMetadata> ParseKafkaMetadata(const std::string& key) {
  for (const MetadataInfo& info : kMetadata) {
    if (key == info.key) return info.metadata;
  }
  return Status::Invalid("unknown Kafka metadata key '{}'", key);
}

DataType KafkaMetadataType(KafkaMetadata metadata) {
  switch (metadata) {
    case KafkaMetadata::kTopic:
    case KafkaMetadata::kTimestampType:
      return DataType::String(false);
    case KafkaMetadata::kPartition:
      return DataType::Int(false);
    case KafkaMetadata::kOffset:
      return DataType::BigInt(false);
    case KafkaMetadata::kTimestamp:
      return DataType::TimestampLtz(3, false);
    case KafkaMetadata::kHeaders:
      return DataType::Map(DataType::String(false), DataType::Bytes(), false);
  }
  return DataType::Null();
}

void AppendKafkaMetadata(KafkaMetadata metadata, const rd_kafka_message_t& message,
                         VectorBuilder* builder) {
  switch (metadata) {
    case KafkaMetadata::kTopic:
      builder->AppendString(rd_kafka_topic_name(message.rkt));
      return;
    case KafkaMetadata::kPartition:
      builder->AppendFixed<int32_t>(message.partition);
      return;
    case KafkaMetadata::kOffset:
      builder->AppendFixed<int64_t>(message.offset);
      return;
    case KafkaMetadata::kTimestamp: {
      int64_t millis = rd_kafka_message_timestamp(&message, nullptr);
      builder->AppendFixed<int64_t>(millis < 0 ? 0 : millis * 1000);
      return;
    }
    case KafkaMetadata::kTimestampType: {
      rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
      rd_kafka_message_timestamp(&message, &type);
      builder->AppendString(type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? "CreateTime"
                            : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
                                                                         : "NoTimestampType");
      return;
    }
    case KafkaMetadata::kHeaders: {
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          builder->child(0).AppendString(name);
          if (value == nullptr) {
            builder->child(1).AppendNull();
          } else {
            builder->child(1).AppendString(std::string_view(static_cast<const char*>(value), size));
          }
        }
      }
      builder->AppendList();
      return;
    }
  }
}

}  // namespace tiangong
