#include "connectors/kafka/protocol/kafka_transaction_admin.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/kafka/protocol/kafka_messages.h"
#include "connectors/kafka/protocol/kafka_wire.h"

namespace tiangong {
namespace {

using Clock = KafkaConnection::Clock;

constexpr std::string_view kClientId = "tiangong-transaction-admin";
constexpr auto kFirstPause = std::chrono::milliseconds(20);
constexpr auto kLongestPause = std::chrono::milliseconds(1000);

const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

// Runs `attempt` until it succeeds or fails for good. A kIOError (a lost connection, a
// coordinator that moved, is loading or is busy: see KafkaErrorStatus) is tried again after a
// pause that doubles from kFirstPause to kLongestPause, until `deadline` leaves no time for
// another pause; then the answer is kTimeout with the last reason.
template <typename Attempt>
auto Retrying(std::string_view what, Clock::time_point start, Clock::time_point deadline,
              Attempt attempt) -> decltype(attempt()) {
  auto pause = std::chrono::duration_cast<Clock::duration>(kFirstPause);
  while (true) {
    auto outcome = attempt();
    const Status& status = StatusOf(outcome);
    if (status.ok() || status.code() != StatusCode::kIOError) return outcome;
    if (Clock::now() + pause >= deadline) {
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      return Status::Timeout("{}: gave up after {} ms; the last attempt failed: {}", what,
                             waited.count(), status.message());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<Clock::duration>(pause * 2, kLongestPause);
  }
}

Status CheckTransactionalId(const std::string& transactional_id) {
  if (transactional_id.empty()) return Status::Invalid("a Kafka transactional id is empty");
  if (transactional_id.size() > KafkaWriter::kMaxStringSize) {
    return Status::Invalid("the Kafka transactional id '{}...' is longer than {} bytes",
                           transactional_id.substr(0, 40), KafkaWriter::kMaxStringSize);
  }
  return Status::OK();
}

std::string_view OutcomeVerb(KafkaTransactionOutcome outcome) {
  return outcome == KafkaTransactionOutcome::kCommit ? "commit" : "abort";
}

// What End() does about a transaction in `current` state.
enum class EndStep {
  kDone,        // the transaction already ended the way asked, or nothing is open to abort
  kSendEndTxn,  // the transaction is open: end it
};

// Decides from the coordinator's view whether an EndTxn is due, is not needed, or cannot do
// what is asked. `owner` is the producer that must own the transaction, if known.
Result<EndStep> NextEndStep(const KafkaTransactionState& current, KafkaTransactionOutcome outcome,
                            const std::optional<KafkaProducerIdentity>& owner) {
  bool commit = outcome == KafkaTransactionOutcome::kCommit;
  std::string cannot = fmt::format("cannot {} the Kafka transaction of transactional id '{}'",
                                   OutcomeVerb(outcome), current.transactional_id);
  if (!current.found || current.state == "Dead") {
    if (!commit) return EndStep::kDone;
    return Status::NotFound(
        "{}: the transaction coordinator does not know the id (never used, or expired after "
        "transactional.id.expiration.ms)",
        cannot);
  }
  if (owner && *owner != current.producer()) {
    // The epoch moves on only when the coordinator fences the producer (a transaction timeout) or
    // a producer initializes the id again; both end the transaction the owner had open.
    if (!commit) return EndStep::kDone;
    return Status::Aborted(
        "{}: it belonged to producer id {} epoch {}, but the id now belongs to producer id {} "
        "epoch {} (state {}): the transaction was aborted when it timed out or when another "
        "producer initialized the id",
        cannot, owner->producer_id, owner->producer_epoch, current.producer_id,
        current.producer_epoch, current.state);
  }
  const std::string& state = current.state;
  if (state == "Ongoing") return EndStep::kSendEndTxn;
  if (state == "PrepareCommit" || state == "CompleteCommit") {
    if (commit) return EndStep::kDone;
    return Status::Aborted("{}: it was committed (state {})", cannot, state);
  }
  if (state == "PrepareAbort" || state == "CompleteAbort") {
    if (!commit) return EndStep::kDone;
    return Status::Aborted(
        "{}: it was aborted (state {}), for example because it ran longer than its "
        "transaction.timeout.ms",
        cannot, state);
  }
  if (state == "Empty") {
    if (!commit) return EndStep::kDone;
    return Status::Aborted(
        "{}: the id holds no open transaction (state Empty): none was begun, or a producer "
        "initialized the id again, which aborts the open one",
        cannot);
  }
  if (state == "PrepareEpochFence") {
    // The coordinator is fencing the producer, which ends in an abort: ask again shortly.
    return Status::IOError("{}: the coordinator is fencing its producer (state {})", cannot, state);
  }
  return Status::Unsupported("{}: unknown transaction state '{}'", cannot, state);
}

}  // namespace

KafkaTransactionAdmin::KafkaTransactionAdmin(std::vector<KafkaBrokerAddress> bootstrap_servers,
                                             std::chrono::milliseconds timeout)
    : bootstrap_servers_(std::move(bootstrap_servers)), timeout_(timeout) {}

KafkaTransactionAdmin::~KafkaTransactionAdmin() = default;

Result<std::unique_ptr<KafkaTransactionAdmin>> KafkaTransactionAdmin::Connect(
    std::string_view bootstrap_servers, std::chrono::milliseconds timeout) {
  ASSIGN_OR_RAISE(std::vector<KafkaBrokerAddress> addresses,
                  ParseKafkaBootstrapServers(bootstrap_servers));
  if (timeout.count() <= 0) {
    return Status::Invalid("the Kafka transaction admin timeout must be positive, not {} ms",
                           timeout.count());
  }
  std::unique_ptr<KafkaTransactionAdmin> admin(
      new KafkaTransactionAdmin(std::move(addresses), timeout));
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout;
  Result<KafkaConnection*> connection =
      Retrying(fmt::format("connecting to Kafka at '{}'", bootstrap_servers), start, deadline,
               [&] { return admin->AnyBroker(deadline); });
  if (!connection.ok()) return connection.status();
  return admin;
}

Result<KafkaConnection*> KafkaTransactionAdmin::ConnectionTo(const KafkaBrokerAddress& address,
                                                             Clock::time_point deadline) {
  std::unique_ptr<KafkaConnection>& connection = connections_[address.ToString()];
  if (connection == nullptr || !connection->usable()) {
    connection.reset();
    ASSIGN_OR_RAISE(connection, KafkaConnection::Open(address, std::string(kClientId), deadline));
  }
  return connection.get();
}

Result<KafkaConnection*> KafkaTransactionAdmin::AnyBroker(Clock::time_point deadline) {
  for (auto& [name, connection] : connections_) {
    if (connection != nullptr && connection->usable()) return connection.get();
  }
  std::vector<std::string> failures;
  // kIOError when any server may answer later (tried again), else the first server's reason.
  StatusCode code = StatusCode::kOk;
  for (const KafkaBrokerAddress& address : bootstrap_servers_) {
    Result<KafkaConnection*> connection = ConnectionTo(address, deadline);
    if (connection.ok()) return connection;
    failures.push_back(connection.status().message());
    if (code == StatusCode::kOk || connection.status().code() == StatusCode::kIOError) {
      code = connection.status().code();
    }
  }
  return Status(code, fmt::format("no Kafka bootstrap server answers: {}", Join(failures, "; ")));
}

Result<KafkaConnection*> KafkaTransactionAdmin::Coordinator(const std::string& transactional_id,
                                                            Clock::time_point deadline) {
  ASSIGN_OR_RAISE(KafkaConnection * broker, AnyBroker(deadline));
  auto encode = [&](int16_t version) {
    return EncodeFindCoordinatorRequest(version, transactional_id,
                                        KafkaCoordinatorType::kTransaction);
  };
  ASSIGN_OR_RAISE(
      KafkaFindCoordinatorResponse found,
      broker->Exchange(kFindCoordinatorApi, encode, DecodeFindCoordinatorResponse, deadline));
  if (found.error != KafkaError::kNone) {
    return KafkaErrorStatus(
        found.error,
        fmt::format("FindCoordinator for transactional id '{}' at Kafka broker {}",
                    transactional_id, broker->address().ToString()),
        found.error_message);
  }
  return ConnectionTo(KafkaBrokerAddress{found.host, found.port}, deadline);
}

Result<KafkaTransactionState> KafkaTransactionAdmin::DescribeAt(KafkaConnection& coordinator,
                                                                const std::string& transactional_id,
                                                                Clock::time_point deadline) {
  std::string ids[] = {transactional_id};
  auto encode = [&](int16_t version) { return EncodeDescribeTransactionsRequest(version, ids); };
  ASSIGN_OR_RAISE(std::vector<KafkaDescribedTransaction> described,
                  coordinator.Exchange(kDescribeTransactionsApi, encode,
                                       DecodeDescribeTransactionsResponse, deadline));
  std::string context =
      fmt::format("DescribeTransactions for transactional id '{}' at Kafka broker {}",
                  transactional_id, coordinator.address().ToString());
  auto it = std::find_if(described.begin(), described.end(), [&](const auto& transaction) {
    return transaction.transactional_id == transactional_id;
  });
  if (it == described.end()) return Status::DataError("{}: the answer omits the id", context);
  KafkaTransactionState state;
  state.transactional_id = transactional_id;
  if (it->error == KafkaError::kTransactionalIdNotFound) return state;
  if (it->error != KafkaError::kNone) return KafkaErrorStatus(it->error, context);
  state.found = true;
  state.state = it->state;
  state.producer_id = it->producer_id;
  state.producer_epoch = it->producer_epoch;
  return state;
}

Result<KafkaTransactionState> KafkaTransactionAdmin::Describe(const std::string& transactional_id) {
  RETURN_NOT_OK(CheckTransactionalId(transactional_id));
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout_;
  return Retrying(fmt::format("DescribeTransactions for transactional id '{}'", transactional_id),
                  start, deadline, [&]() -> Result<KafkaTransactionState> {
                    ASSIGN_OR_RAISE(KafkaConnection * coordinator,
                                    Coordinator(transactional_id, deadline));
                    return DescribeAt(*coordinator, transactional_id, deadline);
                  });
}

Result<std::vector<std::string>> KafkaTransactionAdmin::ListOngoingOnce(
    std::string_view prefix, Clock::time_point deadline) {
  ASSIGN_OR_RAISE(KafkaConnection * broker, AnyBroker(deadline));
  ASSIGN_OR_RAISE(KafkaDescribeClusterResponse cluster,
                  broker->Exchange(kDescribeClusterApi, EncodeDescribeClusterRequest,
                                   DecodeDescribeClusterResponse, deadline));
  if (cluster.error != KafkaError::kNone) {
    return KafkaErrorStatus(
        cluster.error,
        fmt::format("DescribeCluster at Kafka broker {}", broker->address().ToString()),
        cluster.error_message);
  }
  static const std::string kOngoing[] = {"Ongoing"};
  std::vector<std::string> ids;
  for (const KafkaBrokerNode& node : cluster.brokers) {
    ASSIGN_OR_RAISE(KafkaConnection * connection,
                    ConnectionTo(KafkaBrokerAddress{node.host, node.port}, deadline));
    auto encode = [](int16_t version) { return EncodeListTransactionsRequest(version, kOngoing); };
    ASSIGN_OR_RAISE(KafkaListTransactionsResponse listed,
                    connection->Exchange(kListTransactionsApi, encode,
                                         DecodeListTransactionsResponse, deadline));
    std::string context =
        fmt::format("ListTransactions at Kafka broker {}", connection->address().ToString());
    if (listed.error != KafkaError::kNone) return KafkaErrorStatus(listed.error, context);
    if (!listed.unknown_state_filters.empty()) {
      return Status::Unsupported("{}: the broker does not know the state '{}'", context,
                                 listed.unknown_state_filters.front());
    }
    for (KafkaListedTransaction& transaction : listed.transactions) {
      if (transaction.state == "Ongoing" && transaction.transactional_id.starts_with(prefix)) {
        ids.push_back(std::move(transaction.transactional_id));
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<std::vector<std::string>> KafkaTransactionAdmin::ListOngoing(std::string_view prefix) {
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout_;
  return Retrying(fmt::format("listing the ongoing Kafka transactions with prefix '{}'", prefix),
                  start, deadline, [&] { return ListOngoingOnce(prefix, deadline); });
}

Status KafkaTransactionAdmin::EndOnce(const std::string& transactional_id,
                                      KafkaTransactionOutcome outcome,
                                      std::optional<KafkaProducerIdentity>* owner,
                                      Clock::time_point deadline) {
  ASSIGN_OR_RAISE(KafkaConnection * coordinator, Coordinator(transactional_id, deadline));
  ASSIGN_OR_RAISE(KafkaTransactionState before,
                  DescribeAt(*coordinator, transactional_id, deadline));
  ASSIGN_OR_RAISE(EndStep step, NextEndStep(before, outcome, *owner));
  if (step == EndStep::kDone) return Status::OK();
  // From now on this End() is about this producer's transaction: should a retry find the id
  // taken over, it must not end the newcomer's.
  *owner = before.producer();

  bool commit = outcome == KafkaTransactionOutcome::kCommit;
  auto encode = [&](int16_t version) {
    return EncodeEndTxnRequest(version, transactional_id, before.producer_id, before.producer_epoch,
                               commit);
  };
  ASSIGN_OR_RAISE(KafkaError error,
                  coordinator->Exchange(kEndTxnApi, encode, DecodeEndTxnResponse, deadline));
  if (error == KafkaError::kNone) return Status::OK();
  Status refused = KafkaErrorStatus(
      error, fmt::format("EndTxn ({}) for transactional id '{}' (producer id {} epoch {}) at Kafka "
                         "broker {}",
                         OutcomeVerb(outcome), transactional_id, before.producer_id,
                         before.producer_epoch, coordinator->address().ToString()));
  if (refused.code() == StatusCode::kIOError) return refused;  // tried again
  // The transaction changed between describing and ending it (it timed out, another producer
  // took the id, someone else ended it): what it is now says whether that is a failure.
  Result<KafkaTransactionState> after = DescribeAt(*coordinator, transactional_id, deadline);
  if (!after.ok()) return after.status().code() == StatusCode::kIOError ? after.status() : refused;
  ASSIGN_OR_RAISE(EndStep settled, NextEndStep(*after, outcome, *owner));
  return settled == EndStep::kDone ? Status::OK() : refused;
}

Status KafkaTransactionAdmin::End(const std::string& transactional_id,
                                  KafkaTransactionOutcome outcome,
                                  std::optional<KafkaProducerIdentity> expected_producer) {
  RETURN_NOT_OK(CheckTransactionalId(transactional_id));
  Clock::time_point start = Clock::now();
  Clock::time_point deadline = start + timeout_;
  std::optional<KafkaProducerIdentity> owner = expected_producer;
  return Retrying(
      fmt::format("EndTxn ({}) for transactional id '{}'", OutcomeVerb(outcome), transactional_id),
      start, deadline, [&] { return EndOnce(transactional_id, outcome, &owner, deadline); });
}

}  // namespace tiangong
