#include "connectors/kafka/protocol/kafka_error.h"

#include <fmt/format.h>

#include "common/check.h"

namespace tiangong {
namespace {

std::string_view NameOf(KafkaError error) {
  switch (error) {
    case KafkaError::kUnknownServerError:
      return "UNKNOWN_SERVER_ERROR";
    case KafkaError::kNone:
      return "NONE";
    case KafkaError::kRequestTimedOut:
      return "REQUEST_TIMED_OUT";
    case KafkaError::kNetworkException:
      return "NETWORK_EXCEPTION";
    case KafkaError::kCoordinatorLoadInProgress:
      return "COORDINATOR_LOAD_IN_PROGRESS";
    case KafkaError::kCoordinatorNotAvailable:
      return "COORDINATOR_NOT_AVAILABLE";
    case KafkaError::kNotCoordinator:
      return "NOT_COORDINATOR";
    case KafkaError::kClusterAuthorizationFailed:
      return "CLUSTER_AUTHORIZATION_FAILED";
    case KafkaError::kUnsupportedVersion:
      return "UNSUPPORTED_VERSION";
    case KafkaError::kInvalidRequest:
      return "INVALID_REQUEST";
    case KafkaError::kInvalidProducerEpoch:
      return "INVALID_PRODUCER_EPOCH";
    case KafkaError::kInvalidTxnState:
      return "INVALID_TXN_STATE";
    case KafkaError::kInvalidProducerIdMapping:
      return "INVALID_PRODUCER_ID_MAPPING";
    case KafkaError::kConcurrentTransactions:
      return "CONCURRENT_TRANSACTIONS";
    case KafkaError::kTransactionalIdAuthorizationFailed:
      return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED";
    case KafkaError::kKafkaStorageError:
      return "KAFKA_STORAGE_ERROR";
    case KafkaError::kProducerFenced:
      return "PRODUCER_FENCED";
    case KafkaError::kTransactionalIdNotFound:
      return "TRANSACTIONAL_ID_NOT_FOUND";
    case KafkaError::kTransactionAbortable:
      return "TRANSACTION_ABORTABLE";
  }
  return {};
}

}  // namespace

std::string KafkaErrorName(KafkaError error) {
  std::string_view name = NameOf(error);
  if (name.empty()) return fmt::format("error code {}", static_cast<int16_t>(error));
  return fmt::format("{} ({})", name, static_cast<int16_t>(error));
}

bool IsRetriableKafkaError(KafkaError error) {
  switch (error) {
    case KafkaError::kRequestTimedOut:
    case KafkaError::kNetworkException:
    case KafkaError::kCoordinatorLoadInProgress:
    case KafkaError::kCoordinatorNotAvailable:
    case KafkaError::kNotCoordinator:
    case KafkaError::kConcurrentTransactions:
    case KafkaError::kKafkaStorageError:
      return true;
    default:
      return false;
  }
}

Status KafkaErrorStatus(KafkaError error, std::string_view context,
                        const std::optional<std::string>& broker_message) {
  TG_CHECK(error != KafkaError::kNone);
  std::string message = fmt::format("{}: {}", context, KafkaErrorName(error));
  if (broker_message && !broker_message->empty()) {
    message += ": ";
    message += *broker_message;
  }
  if (IsRetriableKafkaError(error)) return Status(StatusCode::kIOError, std::move(message));
  switch (error) {
    case KafkaError::kTransactionalIdNotFound:
      return Status(StatusCode::kNotFound, std::move(message));
    case KafkaError::kUnsupportedVersion:
      return Status(StatusCode::kUnsupported, std::move(message));
    case KafkaError::kClusterAuthorizationFailed:
    case KafkaError::kTransactionalIdAuthorizationFailed:
      return Status(StatusCode::kInvalidArgument, std::move(message));
    default:
      return Status(StatusCode::kAborted, std::move(message));
  }
}

}  // namespace tiangong
