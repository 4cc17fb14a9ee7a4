#include "connectors/kafka/protocol/kafka_messages.h"

#include <gtest/gtest.h>

namespace tiangong {
namespace {

// Big-endian bytes spelled out independently of KafkaWriter, so that the encoders are checked
// against the protocol's layouts rather than against themselves.
std::string BigEndian(uint64_t value, int size) {
  std::string bytes;
  for (int i = size - 1; i >= 0; --i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return bytes;
}
std::string I8(int value) { return BigEndian(static_cast<uint8_t>(value), 1); }
std::string I16(int value) { return BigEndian(static_cast<uint16_t>(value), 2); }
std::string I32(int64_t value) { return BigEndian(static_cast<uint32_t>(value), 4); }
std::string I64(int64_t value) { return BigEndian(static_cast<uint64_t>(value), 8); }
// A classic string: int16 length. A compact string: length + 1 in one varint byte (< 127).
std::string Str(std::string_view text) {
  return I16(static_cast<int>(text.size())) + std::string(text);
}
std::string Compact(std::string_view text) {
  return I8(static_cast<int>(text.size()) + 1) + std::string(text);
}
const std::string kNoTags = I8(0);
const std::string kNullString = I16(-1);
const std::string kNullCompact = I8(0);

TEST(KafkaMessagesTest, ApiVersionsRequest) {
  EXPECT_EQ(EncodeApiVersionsRequest(0), "");
  EXPECT_EQ(EncodeApiVersionsRequest(2), "");
  EXPECT_EQ(EncodeApiVersionsRequest(3), Compact("tiangong") + Compact("0.1.0") + kNoTags);
}

TEST(KafkaMessagesTest, ApiVersionsResponseVersion3SkipsTaggedFeatures) {
  std::string body = I16(0) + I8(3) +                                // no error, 2 APIs
                     I16(18) + I16(0) + I16(4) + kNoTags +           // ApiVersions 0..4
                     I16(65) + I16(0) + I16(0) + kNoTags +           // DescribeTransactions 0
                     I32(0) +                                        // throttle time
                     I8(1) + I8(0) + I8(3) + I8(1) + I8(2) + I8(3);  // one tagged field, 3 bytes
  Result<KafkaApiVersionsResponse> response = DecodeApiVersionsResponse(3, body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->error, KafkaError::kNone);
  ASSERT_EQ(response->api_keys.size(), 2u);
  EXPECT_EQ(response->api_keys[0].api_key, 18);
  EXPECT_EQ(response->api_keys[0].max_version, 4);
  EXPECT_EQ(response->api_keys[1].api_key, 65);
  EXPECT_EQ(response->api_keys[1].min_version, 0);
}

TEST(KafkaMessagesTest, ApiVersionsUnsupportedVersionAnswersInTheVersion0Layout) {
  std::string body = I16(35) + I32(1) + I16(18) + I16(0) + I16(2);
  Result<KafkaApiVersionsResponse> response = DecodeApiVersionsResponse(3, body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->error, KafkaError::kUnsupportedVersion);
  ASSERT_EQ(response->api_keys.size(), 1u);
  EXPECT_EQ(response->api_keys[0].max_version, 2);
}

TEST(KafkaMessagesTest, ApiVersionsResponseVersion1HasThrottleTime) {
  std::string body = I16(0) + I32(1) + I16(10) + I16(0) + I16(4) + I32(0);
  Result<KafkaApiVersionsResponse> response = DecodeApiVersionsResponse(1, body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  ASSERT_EQ(response->api_keys.size(), 1u);
  EXPECT_EQ(response->api_keys[0].api_key, 10);
}

TEST(KafkaMessagesTest, FindCoordinatorClassicAndFlexible) {
  EXPECT_EQ(EncodeFindCoordinatorRequest(1, "txn-1", KafkaCoordinatorType::kTransaction),
            Str("txn-1") + I8(1));
  EXPECT_EQ(EncodeFindCoordinatorRequest(3, "txn-1", KafkaCoordinatorType::kTransaction),
            Compact("txn-1") + I8(1) + kNoTags);

  std::string classic = I32(0) + I16(0) + kNullString + I32(1) + Str("127.0.0.1") + I32(9092);
  Result<KafkaFindCoordinatorResponse> found = DecodeFindCoordinatorResponse(2, classic);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->error, KafkaError::kNone);
  EXPECT_EQ(found->error_message, std::nullopt);
  EXPECT_EQ(found->node_id, 1);
  EXPECT_EQ(found->host, "127.0.0.1");
  EXPECT_EQ(found->port, 9092);

  std::string flexible =
      I32(0) + I16(15) + Compact("not yet") + I32(-1) + Compact("") + I32(-1) + kNoTags;
  Result<KafkaFindCoordinatorResponse> not_yet = DecodeFindCoordinatorResponse(3, flexible);
  ASSERT_TRUE(not_yet.ok()) << not_yet.status().ToString();
  EXPECT_EQ(not_yet->error, KafkaError::kCoordinatorNotAvailable);
  EXPECT_EQ(not_yet->error_message, std::optional<std::string>("not yet"));
}

TEST(KafkaMessagesTest, DescribeCluster) {
  EXPECT_EQ(EncodeDescribeClusterRequest(0), I8(0) + kNoTags);
  std::string body = I32(0) + I16(0) + kNullCompact + Compact("cluster") + I32(1) +    //
                     I8(3) +                                                           // 2 brokers
                     I32(1) + Compact("b1") + I32(9092) + kNullCompact + kNoTags +     //
                     I32(2) + Compact("b2") + I32(9093) + Compact("rack") + kNoTags +  //
                     I32(INT32_MIN) + kNoTags;
  Result<KafkaDescribeClusterResponse> cluster = DecodeDescribeClusterResponse(0, body);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  ASSERT_EQ(cluster->brokers.size(), 2u);
  EXPECT_EQ(cluster->brokers[1].node_id, 2);
  EXPECT_EQ(cluster->brokers[1].host, "b2");
  EXPECT_EQ(cluster->brokers[1].port, 9093);
}

TEST(KafkaMessagesTest, DescribeTransactions) {
  const std::string ids[] = {"a", "bc"};
  EXPECT_EQ(EncodeDescribeTransactionsRequest(0, ids),
            I8(3) + Compact("a") + Compact("bc") + kNoTags);

  std::string body = I32(0) + I8(3) +
                     // an ongoing transaction over partitions 0 and 1 of topic "t"
                     I16(0) + Compact("a") + Compact("Ongoing") + I32(60000) + I64(1700000000000) +
                     I64(4242) + I16(7) + I8(2) + Compact("t") + I8(3) + I32(0) + I32(1) + kNoTags +
                     kNoTags +
                     // an id the coordinator does not know
                     I16(105) + Compact("bc") + Compact("") + I32(0) + I64(-1) + I64(-1) + I16(-1) +
                     I8(1) + kNoTags +  //
                     kNoTags;
  Result<std::vector<KafkaDescribedTransaction>> described =
      DecodeDescribeTransactionsResponse(0, body);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  ASSERT_EQ(described->size(), 2u);
  const KafkaDescribedTransaction& ongoing = (*described)[0];
  EXPECT_EQ(ongoing.error, KafkaError::kNone);
  EXPECT_EQ(ongoing.transactional_id, "a");
  EXPECT_EQ(ongoing.state, "Ongoing");
  EXPECT_EQ(ongoing.timeout_ms, 60000);
  EXPECT_EQ(ongoing.start_time_ms, 1700000000000);
  EXPECT_EQ(ongoing.producer_id, 4242);
  EXPECT_EQ(ongoing.producer_epoch, 7);
  EXPECT_EQ((*described)[1].error, KafkaError::kTransactionalIdNotFound);
  EXPECT_EQ((*described)[1].transactional_id, "bc");
}

TEST(KafkaMessagesTest, ListTransactions) {
  const std::string states[] = {"Ongoing"};
  EXPECT_EQ(EncodeListTransactionsRequest(0, states), I8(2) + Compact("Ongoing") + I8(1) + kNoTags);

  std::string body = I32(0) + I16(0) + I8(2) + Compact("Sleeping") +  // one unknown filter
                     I8(2) + Compact("tx") + I64(12) + Compact("Ongoing") + kNoTags + kNoTags;
  Result<KafkaListTransactionsResponse> listed = DecodeListTransactionsResponse(0, body);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->unknown_state_filters, std::vector<std::string>{"Sleeping"});
  ASSERT_EQ(listed->transactions.size(), 1u);
  EXPECT_EQ(listed->transactions[0].transactional_id, "tx");
  EXPECT_EQ(listed->transactions[0].producer_id, 12);
  EXPECT_EQ(listed->transactions[0].state, "Ongoing");
}

TEST(KafkaMessagesTest, EndTxnClassicAndFlexible) {
  EXPECT_EQ(EncodeEndTxnRequest(2, "tx", 12, 3, /*commit=*/true),
            Str("tx") + I64(12) + I16(3) + I8(1));
  EXPECT_EQ(EncodeEndTxnRequest(3, "tx", 12, 3, /*commit=*/false),
            Compact("tx") + I64(12) + I16(3) + I8(0) + kNoTags);

  Result<KafkaError> classic = DecodeEndTxnResponse(0, I32(0) + I16(48));
  ASSERT_TRUE(classic.ok()) << classic.status().ToString();
  EXPECT_EQ(*classic, KafkaError::kInvalidTxnState);
  Result<KafkaError> flexible = DecodeEndTxnResponse(3, I32(0) + I16(0) + kNoTags);
  ASSERT_TRUE(flexible.ok()) << flexible.status().ToString();
  EXPECT_EQ(*flexible, KafkaError::kNone);
}

TEST(KafkaMessagesTest, TruncatedAnswersNameTheApiAndVersion) {
  Result<KafkaError> truncated = DecodeEndTxnResponse(3, I32(0) + I8(0));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataError);
  EXPECT_NE(truncated.status().message().find("EndTxn v3 response"), std::string::npos)
      << truncated.status().message();
}

TEST(KafkaMessagesTest, ErrorNamesAndStatuses) {
  EXPECT_EQ(KafkaErrorName(KafkaError::kTransactionalIdNotFound),
            "TRANSACTIONAL_ID_NOT_FOUND (105)");
  EXPECT_EQ(KafkaErrorName(static_cast<KafkaError>(77)), "error code 77");
  EXPECT_TRUE(IsRetriableKafkaError(KafkaError::kNotCoordinator));
  EXPECT_TRUE(IsRetriableKafkaError(KafkaError::kConcurrentTransactions));
  EXPECT_FALSE(IsRetriableKafkaError(KafkaError::kProducerFenced));

  Status moved = KafkaErrorStatus(KafkaError::kNotCoordinator, "EndTxn for transactional id 'x'");
  EXPECT_EQ(moved.code(), StatusCode::kIOError);
  EXPECT_EQ(moved.message(), "EndTxn for transactional id 'x': NOT_COORDINATOR (16)");
  Status fenced = KafkaErrorStatus(KafkaError::kProducerFenced, "EndTxn", "a newer producer");
  EXPECT_EQ(fenced.code(), StatusCode::kAborted);
  EXPECT_EQ(fenced.message(), "EndTxn: PRODUCER_FENCED (90): a newer producer");
}

}  // namespace
}  // namespace tiangong
