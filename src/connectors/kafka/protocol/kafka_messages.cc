#include "connectors/kafka/protocol/kafka_messages.h"

#include <fmt/format.h>

#include "common/check.h"
#include "connectors/kafka/protocol/kafka_wire.h"

namespace tiangong {
namespace {

// What this client calls itself in ApiVersions v3+ (brokers show it in their metrics).
constexpr std::string_view kClientSoftwareName = "tiangong";
constexpr std::string_view kClientSoftwareVersion = "0.1.0";

void CheckVersion(const KafkaApi& api, int16_t version) {
  TG_CHECK_GE(version, api.min_version);
  TG_CHECK_LE(version, api.max_version);
}

// The OK result, or the reader's error named after the response it was reading.
Status Finish(const KafkaReader& reader, const KafkaApi& api, int16_t version) {
  return reader.status().WithContext(fmt::format("{} v{} response", api.name, version));
}

// Strings and arrays whose encoding depends on whether the message version is flexible.
std::string ReadString(KafkaReader& reader, bool flexible) {
  return flexible ? reader.CompactString() : reader.String();
}
std::optional<std::string> ReadNullableString(KafkaReader& reader, bool flexible) {
  return flexible ? reader.CompactNullableString() : reader.NullableString();
}
size_t ReadArrayLength(KafkaReader& reader, bool flexible) {
  return flexible ? reader.CompactArrayLength() : reader.ArrayLength();
}
void WriteString(KafkaWriter& writer, std::string_view text, bool flexible) {
  if (flexible) {
    writer.CompactString(text);
  } else {
    writer.String(text);
  }
}

}  // namespace

std::string EncodeApiVersionsRequest(int16_t version) {
  CheckVersion(kApiVersionsApi, version);
  std::string body;
  if (kApiVersionsApi.IsFlexible(version)) {
    KafkaWriter writer(&body);
    writer.CompactString(kClientSoftwareName);
    writer.CompactString(kClientSoftwareVersion);
    writer.EmptyTaggedFields();
  }
  return body;  // versions 0 to 2 have no fields
}

Result<KafkaApiVersionsResponse> DecodeApiVersionsResponse(int16_t version, std::string_view body) {
  CheckVersion(kApiVersionsApi, version);
  KafkaReader reader(body);
  KafkaApiVersionsResponse response;
  response.error = static_cast<KafkaError>(reader.Int16());
  if (response.error == KafkaError::kUnsupportedVersion) version = 0;
  bool flexible = kApiVersionsApi.IsFlexible(version);
  size_t count = ReadArrayLength(reader, flexible);
  for (size_t i = 0; i < count && reader.ok(); ++i) {
    KafkaApiVersionRange range;
    range.api_key = reader.Int16();
    range.min_version = reader.Int16();
    range.max_version = reader.Int16();
    if (flexible) reader.SkipTaggedFields();
    response.api_keys.push_back(range);
  }
  if (version >= 1) reader.Int32();  // throttle time
  if (flexible) reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kApiVersionsApi, version));
  return response;
}

std::string EncodeFindCoordinatorRequest(int16_t version, std::string_view key,
                                         KafkaCoordinatorType type) {
  CheckVersion(kFindCoordinatorApi, version);
  bool flexible = kFindCoordinatorApi.IsFlexible(version);
  std::string body;
  KafkaWriter writer(&body);
  WriteString(writer, key, flexible);
  writer.Int8(static_cast<int8_t>(type));
  if (flexible) writer.EmptyTaggedFields();
  return body;
}

Result<KafkaFindCoordinatorResponse> DecodeFindCoordinatorResponse(int16_t version,
                                                                   std::string_view body) {
  CheckVersion(kFindCoordinatorApi, version);
  bool flexible = kFindCoordinatorApi.IsFlexible(version);
  KafkaReader reader(body);
  KafkaFindCoordinatorResponse response;
  reader.Int32();  // throttle time
  response.error = static_cast<KafkaError>(reader.Int16());
  response.error_message = ReadNullableString(reader, flexible);
  response.node_id = reader.Int32();
  response.host = ReadString(reader, flexible);
  response.port = reader.Int32();
  if (flexible) reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kFindCoordinatorApi, version));
  return response;
}

std::string EncodeDescribeClusterRequest(int16_t version) {
  CheckVersion(kDescribeClusterApi, version);
  std::string body;
  KafkaWriter writer(&body);
  writer.Boolean(false);  // include cluster authorized operations
  writer.EmptyTaggedFields();
  return body;
}

Result<KafkaDescribeClusterResponse> DecodeDescribeClusterResponse(int16_t version,
                                                                   std::string_view body) {
  CheckVersion(kDescribeClusterApi, version);
  KafkaReader reader(body);
  KafkaDescribeClusterResponse response;
  reader.Int32();  // throttle time
  response.error = static_cast<KafkaError>(reader.Int16());
  response.error_message = reader.CompactNullableString();
  reader.CompactString();  // cluster id
  reader.Int32();          // controller id
  size_t count = reader.CompactArrayLength();
  for (size_t i = 0; i < count && reader.ok(); ++i) {
    KafkaBrokerNode broker;
    broker.node_id = reader.Int32();
    broker.host = reader.CompactString();
    broker.port = reader.Int32();
    reader.CompactNullableString();  // rack
    reader.SkipTaggedFields();
    response.brokers.push_back(std::move(broker));
  }
  reader.Int32();  // cluster authorized operations
  reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kDescribeClusterApi, version));
  return response;
}

std::string EncodeDescribeTransactionsRequest(int16_t version,
                                              std::span<const std::string> transactional_ids) {
  CheckVersion(kDescribeTransactionsApi, version);
  std::string body;
  KafkaWriter writer(&body);
  writer.CompactArrayLength(static_cast<uint32_t>(transactional_ids.size()));
  for (const std::string& id : transactional_ids) writer.CompactString(id);
  writer.EmptyTaggedFields();
  return body;
}

Result<std::vector<KafkaDescribedTransaction>> DecodeDescribeTransactionsResponse(
    int16_t version, std::string_view body) {
  CheckVersion(kDescribeTransactionsApi, version);
  KafkaReader reader(body);
  std::vector<KafkaDescribedTransaction> transactions;
  reader.Int32();  // throttle time
  size_t count = reader.CompactArrayLength();
  for (size_t i = 0; i < count && reader.ok(); ++i) {
    KafkaDescribedTransaction transaction;
    transaction.error = static_cast<KafkaError>(reader.Int16());
    transaction.transactional_id = reader.CompactString();
    transaction.state = reader.CompactString();
    transaction.timeout_ms = reader.Int32();
    transaction.start_time_ms = reader.Int64();
    transaction.producer_id = reader.Int64();
    transaction.producer_epoch = reader.Int16();
    // The partitions in the transaction: topic name and partition indexes.
    size_t topics = reader.CompactArrayLength();
    for (size_t topic = 0; topic < topics && reader.ok(); ++topic) {
      reader.CompactString();
      size_t partitions = reader.CompactArrayLength();
      reader.Skip(partitions * sizeof(int32_t));
      reader.SkipTaggedFields();
    }
    reader.SkipTaggedFields();
    transactions.push_back(std::move(transaction));
  }
  reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kDescribeTransactionsApi, version));
  return transactions;
}

std::string EncodeListTransactionsRequest(int16_t version,
                                          std::span<const std::string> state_filters) {
  CheckVersion(kListTransactionsApi, version);
  std::string body;
  KafkaWriter writer(&body);
  writer.CompactArrayLength(static_cast<uint32_t>(state_filters.size()));
  for (const std::string& state : state_filters) writer.CompactString(state);
  writer.CompactArrayLength(0);  // producer id filters: any
  writer.EmptyTaggedFields();
  return body;
}

Result<KafkaListTransactionsResponse> DecodeListTransactionsResponse(int16_t version,
                                                                     std::string_view body) {
  CheckVersion(kListTransactionsApi, version);
  KafkaReader reader(body);
  KafkaListTransactionsResponse response;
  reader.Int32();  // throttle time
  response.error = static_cast<KafkaError>(reader.Int16());
  size_t unknown = reader.CompactArrayLength();
  for (size_t i = 0; i < unknown && reader.ok(); ++i) {
    response.unknown_state_filters.push_back(reader.CompactString());
  }
  size_t count = reader.CompactArrayLength();
  for (size_t i = 0; i < count && reader.ok(); ++i) {
    KafkaListedTransaction transaction;
    transaction.transactional_id = reader.CompactString();
    transaction.producer_id = reader.Int64();
    transaction.state = reader.CompactString();
    reader.SkipTaggedFields();
    response.transactions.push_back(std::move(transaction));
  }
  reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kListTransactionsApi, version));
  return response;
}

std::string EncodeEndTxnRequest(int16_t version, std::string_view transactional_id,
                                int64_t producer_id, int16_t producer_epoch, bool commit) {
  CheckVersion(kEndTxnApi, version);
  bool flexible = kEndTxnApi.IsFlexible(version);
  std::string body;
  KafkaWriter writer(&body);
  WriteString(writer, transactional_id, flexible);
  writer.Int64(producer_id);
  writer.Int16(producer_epoch);
  writer.Boolean(commit);
  if (flexible) writer.EmptyTaggedFields();
  return body;
}

Result<KafkaError> DecodeEndTxnResponse(int16_t version, std::string_view body) {
  CheckVersion(kEndTxnApi, version);
  KafkaReader reader(body);
  reader.Int32();  // throttle time
  auto error = static_cast<KafkaError>(reader.Int16());
  if (kEndTxnApi.IsFlexible(version)) reader.SkipTaggedFields();
  RETURN_NOT_OK(Finish(reader, kEndTxnApi, version));
  return error;
}

}  // namespace tiangong
