#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_table.h"
#include "connectors/kafka/protocol/kafka_transaction_admin.h"

namespace tiangong {

/// The Kafka transactions of one exactly-once writer, driven by the job's
/// two-phase commit:
///
///   Current()  the producer of the open transaction; the first record after a
///              checkpoint begins one, with a new producer whose transactional
///              id '<prefix>-<subtask>-<n>' carries only that transaction
///   Prepare()  at a barrier: the (flushed) open transaction waits for its
///              checkpoint; the committable lists every waiting transaction
///              with the producer id and epoch that own it
///   Commit()   the checkpoint completed: its transactions commit
///   Recover()  after a restart: the committables of the restored checkpoint
///              commit — through the Kafka protocol, with the saved producer
///              identity, since a new producer with the same id would abort
///
/// Before its first transaction a writer aborts the transactions that earlier
/// attempts of the job left open in its share of the ids (old subtask j goes to
/// writer j % parallelism), except those it recovers; open transactions would
/// hold back every read_committed consumer of their partitions.
/// Thread-safety: one writer thread.
class KafkaTransactions {
 public:
  /// Makes a producer with the given transactional id.
  using ProducerFactory = std::function<Result<KafkaHandle>(const std::string& transactional_id)>;

  KafkaTransactions(std::shared_ptr<const KafkaTable> table, int subtask, int parallelism,
                    ProducerFactory make_producer);
  /// Aborts the open transaction, if any; prepared ones stay for a recovery.
  ~KafkaTransactions();

  Result<rd_kafka_t*> Current();
  /// The producer of the open transaction, or nullptr when none is open.
  rd_kafka_t* CurrentIfOpen() const;
  /// Returns the committable, "" when no transaction waits.
  Result<std::string> Prepare(int64_t checkpoint_id);
  Status Commit(int64_t checkpoint_id);
  /// Commits the restored transactions when `responsible` (see
  /// SinkWriter::RecoverCommittables); either way they are not left over.
  Status Recover(const std::vector<std::string>& committables, bool responsible);

 private:
  struct Prepared {
    std::string transactional_id;
    KafkaProducerIdentity producer;
    int64_t checkpoint_id = 0;
    KafkaHandle handle;  // null for recovered transactions
  };

  Result<KafkaTransactionAdmin*> Admin();
  /// Once, before the first transaction: aborts lingering ones.
  Status AbortLingering();
  Status Fail(const std::string& transactional_id, std::string_view step, rd_kafka_error_t* error);

  std::shared_ptr<const KafkaTable> table_;
  int subtask_;
  int parallelism_;
  ProducerFactory make_producer_;
  std::unique_ptr<KafkaTransactionAdmin> admin_;
  bool cleaned_up_ = false;
  /// Transactions of a restored checkpoint (never to abort as lingering).
  std::set<std::string> recovered_;
  int64_t next_sequence_ = 1;
  /// The open transaction.
  std::string open_id_;
  KafkaProducerIdentity open_producer_;
  KafkaHandle open_;
  std::vector<Prepared> prepared_;
};

}  // namespace tiangong
