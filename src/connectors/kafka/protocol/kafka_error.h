#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tiangong {

/// The Kafka protocol error codes that the transaction administration client meets and names
/// (the broker's Errors table, kafka.apache.org/protocol#protocol_error_codes). A code missing
/// here still travels as its number.
enum class KafkaError : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kRequestTimedOut = 7,
  kNetworkException = 13,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kClusterAuthorizationFailed = 31,
  kUnsupportedVersion = 35,
  kInvalidRequest = 42,
  kInvalidProducerEpoch = 47,
  kInvalidTxnState = 48,
  kInvalidProducerIdMapping = 49,
  kConcurrentTransactions = 51,
  kTransactionalIdAuthorizationFailed = 53,
  kKafkaStorageError = 56,
  kProducerFenced = 90,
  kTransactionalIdNotFound = 105,
  kTransactionAbortable = 120,
};

/// "NOT_COORDINATOR (16)"; a code outside the table reads "error code 77".
std::string KafkaErrorName(KafkaError error);

/// True for errors that say "not now" rather than "no": the coordinator is loading, moved or
/// busy finishing a transaction, or the request timed out. The client retries them (after
/// finding the coordinator again) until its deadline.
bool IsRetriableKafkaError(KafkaError error);

/// The Status for an error answer of the broker: "<context>: <NAME> (<code>)[: <broker message>]".
/// Retriable errors become kIOError (the client's "try again" code); TRANSACTIONAL_ID_NOT_FOUND
/// kNotFound; UNSUPPORTED_VERSION kUnsupported; authorization failures kInvalidArgument (the
/// configured principal lacks a permission); the rest kAborted.
/// REQUIRES: error != KafkaError::kNone.
Status KafkaErrorStatus(KafkaError error, std::string_view context,
                        const std::optional<std::string>& broker_message = std::nullopt);

}  // namespace tiangong
