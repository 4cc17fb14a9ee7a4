#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connectors/kafka/protocol/kafka_connection.h"

namespace tiangong {

/// The producer id and epoch that own a transaction: what the Kafka sink records with a
/// pre-committed transaction in its checkpoint.
struct KafkaProducerIdentity {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  bool operator==(const KafkaProducerIdentity&) const = default;
};

/// What the transaction coordinator says about a transactional id.
struct KafkaTransactionState {
  std::string transactional_id;
  /// False when the coordinator does not know the id: never used, or expired
  /// (transactional.id.expiration.ms). The other fields are then empty.
  bool found = false;
  /// "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort",
  /// "PrepareEpochFence" or "Dead".
  std::string state;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;

  KafkaProducerIdentity producer() const { return {producer_id, producer_epoch}; }
};

enum class KafkaTransactionOutcome { kCommit, kAbort };

/// Administers Kafka transactions by transactional id, speaking the Kafka protocol itself: the
/// Kafka sink's recovery after a crash, which must commit the transactions that the last
/// completed checkpoint pre-committed (still open at the broker) and abort the ones that
/// crashed attempts left open. A producer client cannot do that: creating a producer with the
/// same transactional.id aborts the open transaction. Like Flink, this ends the transaction with
/// the producer id and epoch that own it (EndTxn to the transaction coordinator).
///
/// Transaction protocol v1 keeps the producer id and epoch for all transactions of one producer
/// session, so "the transaction of id X" is only well defined when each transactional id carries
/// one transaction, as in Flink's KafkaSink (a new id per checkpoint); pass the identity recorded
/// with the transaction to End() so that a later transaction under the same id is never ended
/// instead.
///
/// Every call finds the coordinator of the id (FindCoordinator), connects to it (connections are
/// kept per broker, and replaced when they break) and retries what may succeed later
/// (COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR — the coordinator
/// moved —, CONCURRENT_TRANSACTIONS, lost connections) after a pause that doubles from 20 ms to
/// 1 s, until the timeout given to Connect() leaves no time for another pause. Plain TCP
/// (PLAINTEXT listeners) only.
/// Errors name the transactional id, the API and the Kafka error code ("EndTxn for
/// transactional id 'x': PRODUCER_FENCED (90)"); kTimeout when the time ran out, with the last
/// reason to retry.
/// Thread-safety: none; one caller at a time.
class KafkaTransactionAdmin {
 public:
  /// Connects to one of `bootstrap_servers` ("host:port[,host:port]", as in
  /// 'properties.bootstrap.servers'), trying them in turn until `timeout`. The same `timeout`
  /// then bounds each later call, retries included.
  static Result<std::unique_ptr<KafkaTransactionAdmin>> Connect(std::string_view bootstrap_servers,
                                                                std::chrono::milliseconds timeout);

  ~KafkaTransactionAdmin();

  /// The coordinator's view of `transactional_id` (DescribeTransactions); found == false when it
  /// does not know the id.
  Result<KafkaTransactionState> Describe(const std::string& transactional_id);

  /// The transactional ids whose transaction is "Ongoing" and that start with `prefix`, sorted
  /// (ListTransactions with a state filter, asked of every broker of the cluster, since each
  /// lists the transactions it coordinates). Fails rather than answer for part of the cluster.
  Result<std::vector<std::string>> ListOngoing(std::string_view prefix);

  /// Commits or aborts the transaction of `transactional_id`. When `expected_producer` is given
  /// the transaction must be owned by it; otherwise the coordinator's current producer id and
  /// epoch are used. Returns when the coordinator has taken the decision (its markers reach the
  /// partitions shortly after). Idempotent: ending a transaction the same way again is OK (also
  /// while the coordinator is still completing it). Aborting is also OK when nothing is open to
  /// abort: the id is unknown or Empty, or the expected producer no longer owns it (its
  /// transaction ended when the epoch moved on). Fails with kAborted when the transaction ended
  /// the other way (committing one that was aborted — e.g. it timed out — or aborting one that was
  /// committed), when the expected producer no longer owns the id (commit), and when the id holds
  /// no transaction to commit (Empty); kNotFound when committing an id the coordinator does not
  /// know.
  Status End(const std::string& transactional_id, KafkaTransactionOutcome outcome,
             std::optional<KafkaProducerIdentity> expected_producer = std::nullopt);

 private:
  using Clock = KafkaConnection::Clock;

  KafkaTransactionAdmin(std::vector<KafkaBrokerAddress> bootstrap_servers,
                        std::chrono::milliseconds timeout);

  // A usable connection to `address`, opened when there is none.
  Result<KafkaConnection*> ConnectionTo(const KafkaBrokerAddress& address,
                                        Clock::time_point deadline);
  // A usable connection to some broker: a kept one, or one to a bootstrap server.
  Result<KafkaConnection*> AnyBroker(Clock::time_point deadline);
  // The connection to the transaction coordinator of `transactional_id`.
  Result<KafkaConnection*> Coordinator(const std::string& transactional_id,
                                       Clock::time_point deadline);
  Result<KafkaTransactionState> DescribeAt(KafkaConnection& coordinator,
                                           const std::string& transactional_id,
                                           Clock::time_point deadline);
  Result<std::vector<std::string>> ListOngoingOnce(std::string_view prefix,
                                                   Clock::time_point deadline);
  // One attempt of End(). `owner`: the producer whose transaction is to end, once known.
  Status EndOnce(const std::string& transactional_id, KafkaTransactionOutcome outcome,
                 std::optional<KafkaProducerIdentity>* owner, Clock::time_point deadline);

  std::vector<KafkaBrokerAddress> bootstrap_servers_;
  std::chrono::milliseconds timeout_;
  // Open connections by KafkaBrokerAddress::ToString().
  std::map<std::string, std::unique_ptr<KafkaConnection>> connections_;
};

}  // namespace tiangong
