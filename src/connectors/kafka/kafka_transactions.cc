#include "connectors/kafka/kafka_transactions.h"

#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace tiangong {
namespace {

constexpr int kTransactionMillis = 120000;

// "<prefix>-<subtask>-<sequence>" → subtask and sequence; false for other ids.
bool ParseTransactionalId(const std::string& id, const std::string& prefix, int* subtask,
                          int64_t* sequence) {
  if (!id.starts_with(prefix + "-")) return false;
  std::string rest = id.substr(prefix.size() + 1);
  size_t dash = rest.find('-');
  if (dash == std::string::npos) return false;
  char* end = nullptr;
  long parsed_subtask = std::strtol(rest.c_str(), &end, 10);
  if (end != rest.c_str() + dash || parsed_subtask < 0) return false;
  long long parsed_sequence = std::strtoll(rest.c_str() + dash + 1, &end, 10);
  if (*end != '\0' || parsed_sequence < 0) return false;
  *subtask = static_cast<int>(parsed_subtask);
  *sequence = parsed_sequence;
  return true;
}

}  // namespace

KafkaTransactions::KafkaTransactions(std::shared_ptr<const KafkaTable> table, int subtask,
                                     int parallelism, ProducerFactory make_producer)
    : table_(std::move(table)),
      subtask_(subtask),
      parallelism_(parallelism),
      make_producer_(std::move(make_producer)) {}

KafkaTransactions::~KafkaTransactions() {
  if (open_) {
    rd_kafka_error_t* error = rd_kafka_abort_transaction(open_.get(), 10000);
    if (error != nullptr) rd_kafka_error_destroy(error);
  }
}

Result<KafkaTransactionAdmin*> KafkaTransactions::Admin() {
  if (!admin_) {
    Result<std::unique_ptr<KafkaTransactionAdmin>> admin =
        KafkaTransactionAdmin::Connect(table_->bootstrap_servers, kKafkaRequestTimeout);
    if (!admin.ok()) {
      return admin.status().WithContext(
          fmt::format("Table {}: exactly-once Kafka sink", table_->table_name));
    }
    admin_ = admin.MoveValue();
  }
  return admin_.get();
}

Status KafkaTransactions::Fail(const std::string& transactional_id, std::string_view step,
                               rd_kafka_error_t* error) {
  std::string reason = rd_kafka_error_string(error);
  rd_kafka_error_destroy(error);
  return Status::IOError("Table {}: Kafka transaction '{}' could not {}: {}", table_->table_name,
                         transactional_id, step, reason);
}

Status KafkaTransactions::AbortLingering() {
  if (cleaned_up_) return Status::OK();
  ASSIGN_OR_RAISE(KafkaTransactionAdmin * admin, Admin());
  std::string prefix = table_->transactional_id_prefix;
  ASSIGN_OR_RAISE(std::vector<std::string> ongoing, admin->ListOngoing(prefix + "-"));
  for (const std::string& id : ongoing) {
    int subtask = 0;
    int64_t sequence = 0;
    if (!ParseTransactionalId(id, prefix, &subtask, &sequence)) continue;
    if (subtask % parallelism_ != subtask_) continue;
    // Never reuse an id an earlier attempt had.
    if (subtask == subtask_) next_sequence_ = std::max(next_sequence_, sequence + 1);
    if (recovered_.count(id) > 0) continue;
    spdlog::info("Table {}: aborting Kafka transaction '{}' left open by an earlier run",
                 table_->table_name, id);
    RETURN_NOT_OK(admin->End(id, KafkaTransactionOutcome::kAbort));
  }
  cleaned_up_ = true;
  return Status::OK();
}

rd_kafka_t* KafkaTransactions::CurrentIfOpen() const { return open_.get(); }

Result<rd_kafka_t*> KafkaTransactions::Current() {
  if (open_) return open_.get();
  RETURN_NOT_OK(AbortLingering());
  std::string id =
      fmt::format("{}-{}-{}", table_->transactional_id_prefix, subtask_, next_sequence_++);
  ASSIGN_OR_RAISE(KafkaHandle producer, make_producer_(id));
  rd_kafka_error_t* error = rd_kafka_init_transactions(producer.get(), kTransactionMillis);
  if (error != nullptr) return Fail(id, "start", error);
  // The identity that owns the id from now on, for a commit after a crash.
  ASSIGN_OR_RAISE(KafkaTransactionAdmin * admin, Admin());
  ASSIGN_OR_RAISE(KafkaTransactionState state, admin->Describe(id));
  error = rd_kafka_begin_transaction(producer.get());
  if (error != nullptr) return Fail(id, "begin", error);
  open_id_ = id;
  open_producer_ = state.producer();
  open_ = std::move(producer);
  return open_.get();
}

Result<std::string> KafkaTransactions::Prepare(int64_t checkpoint_id) {
  if (open_) {
    prepared_.push_back(Prepared{open_id_, open_producer_, checkpoint_id, std::move(open_)});
    open_.reset();
  }
  if (prepared_.empty()) return std::string();
  nlohmann::json transactions = nlohmann::json::array();
  for (const Prepared& prepared : prepared_) {
    transactions.push_back({{"id", prepared.transactional_id},
                            {"producer_id", prepared.producer.producer_id},
                            {"producer_epoch", prepared.producer.producer_epoch}});
  }
  return nlohmann::json{{"transactions", transactions}}.dump();
}

Status KafkaTransactions::Commit(int64_t checkpoint_id) {
  auto it = prepared_.begin();
  while (it != prepared_.end() && it->checkpoint_id <= checkpoint_id) {
    if (it->handle) {
      rd_kafka_error_t* error = rd_kafka_commit_transaction(it->handle.get(), kTransactionMillis);
      if (error != nullptr) return Fail(it->transactional_id, "commit", error);
    } else {
      ASSIGN_OR_RAISE(KafkaTransactionAdmin * admin, Admin());
      RETURN_NOT_OK(
          admin->End(it->transactional_id, KafkaTransactionOutcome::kCommit, it->producer));
    }
    it = prepared_.erase(it);
  }
  return Status::OK();
}

Status KafkaTransactions::Recover(const std::vector<std::string>& committables, bool responsible) {
  std::vector<Prepared> recovered;
  for (const std::string& committable : committables) {
    nlohmann::json parsed = nlohmann::json::parse(committable, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("transactions")) {
      return Status::DataError("Table {}: the checkpoint holds no Kafka transactions but '{}'",
                               table_->table_name, committable);
    }
    for (const nlohmann::json& transaction : parsed["transactions"]) {
      Prepared prepared;
      prepared.transactional_id = transaction.value("id", "");
      prepared.producer.producer_id = transaction.value("producer_id", int64_t{-1});
      prepared.producer.producer_epoch = transaction.value("producer_epoch", int16_t{-1});
      recovered_.insert(prepared.transactional_id);
      recovered.push_back(std::move(prepared));
    }
  }
  if (!responsible || recovered.empty()) return Status::OK();
  ASSIGN_OR_RAISE(KafkaTransactionAdmin * admin, Admin());
  for (const Prepared& prepared : recovered) {
    Status committed =
        admin->End(prepared.transactional_id, KafkaTransactionOutcome::kCommit, prepared.producer);
    if (committed.ok()) continue;
    // The broker ended it otherwise (a transaction open longer than
    // 'transaction.timeout.ms' is aborted): its rows are gone, and failing
    // again would not bring them back.
    if (committed.code() == StatusCode::kAborted || committed.code() == StatusCode::kNotFound) {
      spdlog::error(
          "Table {}: Kafka transaction '{}' of the restored checkpoint cannot be committed, its "
          "records are lost: {}",
          table_->table_name, prepared.transactional_id, committed.message());
      continue;
    }
    return committed;
  }
  spdlog::info("Table {}: committed {} Kafka transactions of the restored checkpoint",
               table_->table_name, recovered.size());
  return Status::OK();
}

}  // namespace tiangong
