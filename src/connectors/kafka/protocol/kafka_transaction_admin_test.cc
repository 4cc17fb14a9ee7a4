#include "connectors/kafka/protocol/kafka_transaction_admin.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/random.h"

// Runs against the broker of `scripts/test-env up kafka` (ctest starts it: FIXTURES kafka).
// librdkafka plays the producer that pre-commits a transaction and then "crashes" (it is left
// alone while the admin ends its transaction), and the read_committed consumer that checks
// what a downstream job would see.

namespace tiangong {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kBootstrapServers[] = "127.0.0.1:9092";
constexpr auto kTimeout = std::chrono::seconds(30);
// Longer than every wait in these tests: a transaction the admin did not end stays open, and
// read_committed consumers stay blocked behind it, for the whole test.
constexpr char kTransactionTimeoutMs[] = "120000";

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

// Names unique to this test run, so runs against a long-lived broker never meet.
const std::string& RunId() {
  static const std::string id = RandomHex(10);
  return id;
}
std::string UniqueName(std::string_view what) {
  return fmt::format("tiangong-test-{}-{}", what, RunId());
}

// Fails the test on a librdkafka error object (and frees it).
void ExpectNoError(rd_kafka_error_t* error, std::string_view what) {
  if (error == nullptr) return;
  ADD_FAILURE() << what << ": " << rd_kafka_error_string(error);
  rd_kafka_error_destroy(error);
}

void FailOnDeliveryError(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ADD_FAILURE() << "delivery failed: " << rd_kafka_err2str(message->err);
  }
}

KafkaHandle NewClient(rd_kafka_type_t type,
                      const std::vector<std::pair<std::string, std::string>>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  std::vector<std::pair<std::string, std::string>> all = {{"bootstrap.servers", kBootstrapServers},
                                                          {"log_level", "4"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << name << ": " << error;
    }
  }
  if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf, FailOnDeliveryError);
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    ADD_FAILURE() << "rd_kafka_new: " << error;
  }
  return KafkaHandle(handle);
}

void CreateTopic(const std::string& topic) {
  KafkaHandle client = NewClient(RD_KAFKA_PRODUCER, {});
  ASSERT_NE(client, nullptr);
  char error[512];
  rd_kafka_NewTopic_t* new_topic = rd_kafka_NewTopic_new(topic.c_str(), 1, 1, error, sizeof(error));
  ASSERT_NE(new_topic, nullptr) << error;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.get());
  rd_kafka_CreateTopics(client.get(), &new_topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  ASSERT_NE(event, nullptr) << "no answer to CreateTopics within 30 s";
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
  ASSERT_NE(result, nullptr) << rd_kafka_event_error_string(event);
  size_t count = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(rd_kafka_topic_result_error(topics[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_topic_result_error_string(topics[0]);
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(new_topic);
}

void Produce(rd_kafka_t* producer, const std::string& topic, const std::string& payload) {
  rd_kafka_resp_err_t error =
      rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  ASSERT_EQ(error, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(error);
  ASSERT_EQ(rd_kafka_flush(producer, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

// A transactional producer whose transaction holds `payload` in `topic` and stays open: what a
// sink leaves behind after pre-committing at a barrier and crashing.
KafkaHandle OpenTransaction(const std::string& transactional_id, const std::string& topic,
                            const std::string& payload) {
  KafkaHandle producer = NewClient(
      RD_KAFKA_PRODUCER,
      {{"transactional.id", transactional_id}, {"transaction.timeout.ms", kTransactionTimeoutMs}});
  if (producer == nullptr) return producer;
  ExpectNoError(rd_kafka_init_transactions(producer.get(), 30000), "init_transactions");
  ExpectNoError(rd_kafka_begin_transaction(producer.get()), "begin_transaction");
  Produce(producer.get(), topic, payload);
  return producer;
}

// The payloads a read_committed consumer reads from the start of `topic` until it reads
// `last_payload` or `deadline` passes.
std::vector<std::string> ReadCommittedUntil(const std::string& topic,
                                            const std::string& last_payload,
                                            Clock::time_point deadline) {
  KafkaHandle consumer = NewClient(RD_KAFKA_CONSUMER, {{"group.id", UniqueName("reader")},
                                                       {"isolation.level", "read_committed"},
                                                       {"enable.auto.commit", "false"}});
  std::vector<std::string> payloads;
  if (consumer == nullptr) return payloads;
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(partitions, topic.c_str(), 0)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t assigned = rd_kafka_assign(consumer.get(), partitions);
  rd_kafka_topic_partition_list_destroy(partitions);
  EXPECT_EQ(assigned, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(assigned);
  while (Clock::now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100);
    if (message == nullptr) continue;
    bool last = false;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      payloads.emplace_back(static_cast<const char*>(message->payload), message->len);
      last = payloads.back() == last_payload;
    }
    rd_kafka_message_destroy(message);
    if (last) break;
  }
  rd_kafka_consumer_close(consumer.get());
  return payloads;
}

class KafkaTransactionAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<KafkaTransactionAdmin>> admin =
        KafkaTransactionAdmin::Connect(kBootstrapServers, kTimeout);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = admin.MoveValue();
  }

  // Describes `transactional_id` until its state is `state` (the coordinator completes a
  // transaction shortly after it accepted EndTxn) or the time runs out.
  KafkaTransactionState WaitForState(const std::string& transactional_id, std::string_view state) {
    Clock::time_point deadline = Clock::now() + kTimeout;
    KafkaTransactionState last;
    while (Clock::now() < deadline) {
      Result<KafkaTransactionState> described = admin_->Describe(transactional_id);
      EXPECT_TRUE(described.ok()) << described.status().ToString();
      if (!described.ok()) break;
      last = *described;
      if (last.state == state) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << transactional_id << " did not reach state " << state << "; it is "
                  << last.state;
    return last;
  }

  std::unique_ptr<KafkaTransactionAdmin> admin_;
};

TEST_F(KafkaTransactionAdminTest, CommitsTheOpenTransactionOfAnotherProducer) {
  std::string topic = UniqueName("commit");
  ASSERT_NO_FATAL_FAILURE(CreateTopic(topic));
  std::string id = UniqueName("commit-txn");
  KafkaHandle producer = OpenTransaction(id, topic, "committed by the admin");
  ASSERT_NE(producer, nullptr);

  Result<KafkaTransactionState> open = admin_->Describe(id);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_TRUE(open->found);
  EXPECT_EQ(open->transactional_id, id);
  EXPECT_EQ(open->state, "Ongoing");
  EXPECT_GE(open->producer_id, 0);
  EXPECT_GE(open->producer_epoch, 0);

  Status committed = admin_->End(id, KafkaTransactionOutcome::kCommit, open->producer());
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ(ReadCommittedUntil(topic, "committed by the admin", Clock::now() + kTimeout),
            std::vector<std::string>{"committed by the admin"});
  KafkaTransactionState complete = WaitForState(id, "CompleteCommit");
  EXPECT_EQ(complete.producer(), open->producer());

  // Committing again (a recovery that crashed after committing, then recovers again) is OK.
  Status again = admin_->End(id, KafkaTransactionOutcome::kCommit, open->producer());
  EXPECT_TRUE(again.ok()) << again.ToString();
  Status without_identity = admin_->End(id, KafkaTransactionOutcome::kCommit);
  EXPECT_TRUE(without_identity.ok()) << without_identity.ToString();

  Status abort = admin_->End(id, KafkaTransactionOutcome::kAbort, open->producer());
  EXPECT_EQ(abort.code(), StatusCode::kAborted) << abort.ToString();
  EXPECT_NE(abort.message().find("'" + id + "': it was committed"), std::string::npos)
      << abort.message();
}

TEST_F(KafkaTransactionAdminTest, AbortsTheOpenTransactionOfAnotherProducerAndUnblocksReaders) {
  std::string topic = UniqueName("abort");
  ASSERT_NO_FATAL_FAILURE(CreateTopic(topic));
  std::string id = UniqueName("abort-txn");
  KafkaHandle producer = OpenTransaction(id, topic, "aborted by the admin");
  ASSERT_NE(producer, nullptr);
  Result<KafkaTransactionState> open = admin_->Describe(id);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->state, "Ongoing");

  Status aborted = admin_->End(id, KafkaTransactionOutcome::kAbort);
  ASSERT_TRUE(aborted.ok()) << aborted.ToString();

  // A record written after the aborted one is visible to read_committed readers only once the
  // last stable offset moved past the transaction: the transaction timeout is far away, so only
  // the abort can have moved it.
  KafkaHandle plain_producer = NewClient(RD_KAFKA_PRODUCER, {});
  ASSERT_NE(plain_producer, nullptr);
  ASSERT_NO_FATAL_FAILURE(Produce(plain_producer.get(), topic, "after the abort"));
  EXPECT_EQ(ReadCommittedUntil(topic, "after the abort", Clock::now() + kTimeout),
            std::vector<std::string>{"after the abort"});
  KafkaTransactionState complete = WaitForState(id, "CompleteAbort");
  EXPECT_EQ(complete.producer_id, open->producer_id);

  Status again = admin_->End(id, KafkaTransactionOutcome::kAbort, open->producer());
  EXPECT_TRUE(again.ok()) << again.ToString();
  Status commit = admin_->End(id, KafkaTransactionOutcome::kCommit);
  EXPECT_EQ(commit.code(), StatusCode::kAborted) << commit.ToString();
  EXPECT_NE(commit.message().find("'" + id + "': it was aborted"), std::string::npos)
      << commit.message();
}

TEST_F(KafkaTransactionAdminTest, ATransactionWhoseProducerWasReplacedIsNotCommitted) {
  std::string topic = UniqueName("fenced");
  ASSERT_NO_FATAL_FAILURE(CreateTopic(topic));
  std::string id = UniqueName("fenced-txn");
  KafkaHandle first = OpenTransaction(id, topic, "pre-committed");
  ASSERT_NE(first, nullptr);
  Result<KafkaTransactionState> open = admin_->Describe(id);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_EQ(open->state, "Ongoing");

  // A new producer with the same transactional id aborts the open transaction and moves the
  // epoch on: the recorded transaction is gone, and a commit must say so.
  KafkaHandle second = NewClient(RD_KAFKA_PRODUCER, {{"transactional.id", id}});
  ASSERT_NE(second, nullptr);
  ExpectNoError(rd_kafka_init_transactions(second.get(), 30000), "init_transactions");

  Status commit = admin_->End(id, KafkaTransactionOutcome::kCommit, open->producer());
  EXPECT_EQ(commit.code(), StatusCode::kAborted) << commit.ToString();
  EXPECT_NE(commit.message().find(fmt::format("it belonged to producer id {} epoch {}",
                                              open->producer_id, open->producer_epoch)),
            std::string::npos)
      << commit.message();
  Status abort = admin_->End(id, KafkaTransactionOutcome::kAbort, open->producer());
  EXPECT_TRUE(abort.ok()) << abort.ToString();
}

TEST_F(KafkaTransactionAdminTest, AnUnknownTransactionalIdIsNotFound) {
  std::string id = UniqueName("never-used");
  Result<KafkaTransactionState> unknown = admin_->Describe(id);
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_FALSE(unknown->found);
  EXPECT_EQ(unknown->transactional_id, id);

  Status abort = admin_->End(id, KafkaTransactionOutcome::kAbort);
  EXPECT_TRUE(abort.ok()) << abort.ToString();  // nothing is open
  Status commit = admin_->End(id, KafkaTransactionOutcome::kCommit);
  EXPECT_EQ(commit.code(), StatusCode::kNotFound) << commit.ToString();
  EXPECT_NE(commit.message().find("'" + id + "'"), std::string::npos) << commit.message();
}

TEST_F(KafkaTransactionAdminTest, ListsExactlyTheOngoingTransactionsWithThePrefix) {
  std::string topic = UniqueName("list");
  ASSERT_NO_FATAL_FAILURE(CreateTopic(topic));
  std::string prefix = UniqueName("list") + "-";
  std::string first = prefix + "1";
  std::string second = prefix + "2";
  std::string committed = prefix + "committed";
  std::string other = UniqueName("other-list");

  KafkaHandle first_producer = OpenTransaction(first, topic, "1");
  KafkaHandle second_producer = OpenTransaction(second, topic, "2");
  KafkaHandle other_producer = OpenTransaction(other, topic, "other");
  KafkaHandle committed_producer = OpenTransaction(committed, topic, "committed");
  ASSERT_NE(committed_producer, nullptr);
  ExpectNoError(rd_kafka_commit_transaction(committed_producer.get(), 30000), "commit_transaction");

  Result<std::vector<std::string>> ongoing = admin_->ListOngoing(prefix);
  ASSERT_TRUE(ongoing.ok()) << ongoing.status().ToString();
  EXPECT_EQ(*ongoing, (std::vector<std::string>{first, second}));

  for (const std::string& id : {first, second, other}) {
    Status aborted = admin_->End(id, KafkaTransactionOutcome::kAbort);
    EXPECT_TRUE(aborted.ok()) << aborted.ToString();
  }
  Result<std::vector<std::string>> after = admin_->ListOngoing(prefix);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->empty()) << after->front();
}

TEST(KafkaTransactionAdminConnectTest, BadBootstrapServersAreRejected) {
  Result<std::unique_ptr<KafkaTransactionAdmin>> no_port =
      KafkaTransactionAdmin::Connect("localhost", kTimeout);
  ASSERT_FALSE(no_port.ok());
  EXPECT_EQ(no_port.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_port.status().message().find("'localhost' is not 'host:port'"), std::string::npos)
      << no_port.status().message();

  Result<std::unique_ptr<KafkaTransactionAdmin>> bad_port =
      KafkaTransactionAdmin::Connect("127.0.0.1:9092, 127.0.0.1:99999", kTimeout);
  ASSERT_FALSE(bad_port.ok());
  EXPECT_EQ(bad_port.status().code(), StatusCode::kInvalidArgument);
}

TEST(KafkaTransactionAdminConnectTest, AnUnreachableBrokerTimesOutNamingIt) {
  // Port 1 on the loopback refuses connections; the admin retries until its timeout.
  Result<std::unique_ptr<KafkaTransactionAdmin>> unreachable =
      KafkaTransactionAdmin::Connect("127.0.0.1:1", std::chrono::milliseconds(300));
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), StatusCode::kTimeout);
  EXPECT_NE(unreachable.status().message().find("Kafka broker 127.0.0.1:1: connect: Connection "
                                                "refused"),
            std::string::npos)
      << unreachable.status().message();
}

TEST(KafkaTransactionAdminConnectTest, SecondBootstrapServerIsTriedWhenTheFirstFails) {
  Result<std::unique_ptr<KafkaTransactionAdmin>> admin =
      KafkaTransactionAdmin::Connect("127.0.0.1:1,127.0.0.1:9092", kTimeout);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  Result<std::vector<std::string>> listed = (*admin)->ListOngoing(UniqueName("nothing"));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
}

}  // namespace
}  // namespace tiangong
