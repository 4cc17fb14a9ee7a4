#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connectors/kafka/protocol/kafka_error.h"

/// The request and response bodies of the Kafka APIs that transaction administration needs,
/// encoded and decoded in the versions this client speaks (the message definitions under
/// clients/src/main/resources/common/message/ in Apache Kafka). Bodies only: headers and
/// framing are the connection's (kafka_connection.h). Fields the client never uses are read
/// past, not kept.

namespace tiangong {

/// An API of the Kafka protocol as this client speaks it.
struct KafkaApi {
  int16_t key;
  std::string_view name;
  /// The versions this client encodes and decodes.
  int16_t min_version;
  int16_t max_version;
  /// From this version on the API is "flexible": compact strings and arrays, tagged fields,
  /// request header v2 and response header v1.
  int16_t first_flexible_version;

  bool IsFlexible(int16_t version) const { return version >= first_flexible_version; }
};

inline constexpr KafkaApi kApiVersionsApi{18, "ApiVersions", 0, 3, 3};
/// Version 4 batches keys (CoordinatorKeys); one key at a time needs no more than version 3.
inline constexpr KafkaApi kFindCoordinatorApi{10, "FindCoordinator", 1, 3, 3};
/// Version 4 adds TRANSACTION_ABORTABLE, version 5 the epoch bump of transaction protocol v2;
/// ending another producer's transaction needs neither.
inline constexpr KafkaApi kEndTxnApi{26, "EndTxn", 0, 3, 3};
inline constexpr KafkaApi kDescribeClusterApi{60, "DescribeCluster", 0, 0, 0};
inline constexpr KafkaApi kDescribeTransactionsApi{65, "DescribeTransactions", 0, 0, 0};
inline constexpr KafkaApi kListTransactionsApi{66, "ListTransactions", 0, 0, 0};

// ApiVersions (key 18): which versions of which APIs the broker speaks.

struct KafkaApiVersionRange {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;
};

struct KafkaApiVersionsResponse {
  KafkaError error = KafkaError::kNone;
  std::vector<KafkaApiVersionRange> api_keys;
};

/// REQUIRES: `version` within kApiVersionsApi's versions.
std::string EncodeApiVersionsRequest(int16_t version);
/// A broker that does not know `version` answers UNSUPPORTED_VERSION in the version 0 layout,
/// listing the ApiVersions versions it does know; that answer decodes too.
Result<KafkaApiVersionsResponse> DecodeApiVersionsResponse(int16_t version, std::string_view body);

// FindCoordinator (key 10): the broker that coordinates a consumer group or transactional id.

enum class KafkaCoordinatorType : int8_t { kGroup = 0, kTransaction = 1 };

struct KafkaFindCoordinatorResponse {
  KafkaError error = KafkaError::kNone;
  std::optional<std::string> error_message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

/// REQUIRES: `version` within kFindCoordinatorApi's versions.
std::string EncodeFindCoordinatorRequest(int16_t version, std::string_view key,
                                         KafkaCoordinatorType type);
Result<KafkaFindCoordinatorResponse> DecodeFindCoordinatorResponse(int16_t version,
                                                                   std::string_view body);

// DescribeCluster (key 60): the brokers of the cluster.

struct KafkaBrokerNode {
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

struct KafkaDescribeClusterResponse {
  KafkaError error = KafkaError::kNone;
  std::optional<std::string> error_message;
  std::vector<KafkaBrokerNode> brokers;
};

std::string EncodeDescribeClusterRequest(int16_t version);
Result<KafkaDescribeClusterResponse> DecodeDescribeClusterResponse(int16_t version,
                                                                   std::string_view body);

// DescribeTransactions (key 65): the state of transactional ids, asked of their coordinator.

struct KafkaDescribedTransaction {
  /// TRANSACTIONAL_ID_NOT_FOUND when the coordinator does not know the id.
  KafkaError error = KafkaError::kNone;
  std::string transactional_id;
  /// "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort",
  /// "Dead", "PrepareEpochFence".
  std::string state;
  int32_t timeout_ms = 0;
  int64_t start_time_ms = -1;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

std::string EncodeDescribeTransactionsRequest(int16_t version,
                                              std::span<const std::string> transactional_ids);
Result<std::vector<KafkaDescribedTransaction>> DecodeDescribeTransactionsResponse(
    int16_t version, std::string_view body);

// ListTransactions (key 66): the transactions one broker coordinates.

struct KafkaListedTransaction {
  std::string transactional_id;
  int64_t producer_id = -1;
  std::string state;
};

struct KafkaListTransactionsResponse {
  KafkaError error = KafkaError::kNone;
  /// Filters of the request that the broker does not know as states.
  std::vector<std::string> unknown_state_filters;
  std::vector<KafkaListedTransaction> transactions;
};

/// Lists the transactions in one of `state_filters` (all when empty).
std::string EncodeListTransactionsRequest(int16_t version,
                                          std::span<const std::string> state_filters);
Result<KafkaListTransactionsResponse> DecodeListTransactionsResponse(int16_t version,
                                                                     std::string_view body);

// EndTxn (key 26): commits or aborts the transaction of a producer id and epoch.

/// REQUIRES: `version` within kEndTxnApi's versions.
std::string EncodeEndTxnRequest(int16_t version, std::string_view transactional_id,
                                int64_t producer_id, int16_t producer_epoch, bool commit);
/// The error code of the answer (NONE on success).
Result<KafkaError> DecodeEndTxnResponse(int16_t version, std::string_view body);

}  // namespace tiangong
