#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connectors/kafka/protocol/kafka_messages.h"

namespace tiangong {

/// Where a Kafka broker listens.
struct KafkaBrokerAddress {
  std::string host;
  int32_t port = 0;

  /// "host:port", with an IPv6 host in brackets: "[::1]:9092".
  std::string ToString() const;
};

/// Parses a bootstrap server list as in 'properties.bootstrap.servers':
/// "host:port[,host:port...]", blanks around entries ignored, IPv6 hosts in brackets. Errors
/// quote the entry that is wrong.
Result<std::vector<KafkaBrokerAddress>> ParseKafkaBootstrapServers(std::string_view servers);

/// One TCP connection (PLAINTEXT) to one Kafka broker that sends a request and waits for its
/// answer, one at a time: the framing (int32 size), the request and response headers and the
/// correlation ids. When it opens it asks the broker which API versions it speaks (ApiVersions),
/// so callers pick versions with VersionFor().
///
/// The socket is non-blocking underneath; every wait is a poll() bounded by the caller's
/// deadline. Host names are resolved with getaddrinfo(), which itself cannot be bounded.
/// After any failure of a call the connection closes itself (usable() turns false): an answer
/// arriving late would otherwise be taken for the next request's.
/// Thread-safety: none; one caller at a time.
class KafkaConnection {
 public:
  using Clock = std::chrono::steady_clock;

  /// Connects to `address` (each resolved address in turn) and asks for its API versions.
  /// Errors (kIOError, or kTimeout when `deadline` passes) name the broker.
  static Result<std::unique_ptr<KafkaConnection>> Open(KafkaBrokerAddress address,
                                                       std::string client_id,
                                                       Clock::time_point deadline);

  ~KafkaConnection();
  KafkaConnection(const KafkaConnection&) = delete;
  KafkaConnection& operator=(const KafkaConnection&) = delete;

  const KafkaBrokerAddress& address() const { return address_; }
  bool usable() const { return socket_ >= 0; }

  /// The highest version of `api` that both this client and the broker speak; kUnsupported
  /// when there is none.
  Result<int16_t> VersionFor(const KafkaApi& api) const;

  /// Sends one request of `api` in `version` with the encoded `body` and returns the body of
  /// the answer (after its header). Failures are kIOError (the connection broke, the broker
  /// closed it), kTimeout (no answer before `deadline`) or kDataError (the answer does not
  /// parse or answers another request); each names the broker and the API.
  /// REQUIRES: usable().
  Result<std::string> Call(const KafkaApi& api, int16_t version, std::string_view body,
                           Clock::time_point deadline);

  /// Call() with the version from VersionFor(), then `decode(version, answer)`. `encode` is
  /// `std::string(int16_t version)`, `decode` `Result<T>(int16_t version, std::string_view)`.
  template <typename Encode, typename Decode>
  auto Exchange(const KafkaApi& api, Encode encode, Decode decode, Clock::time_point deadline)
      -> decltype(decode(int16_t{}, std::string_view{})) {
    ASSIGN_OR_RAISE(int16_t version, VersionFor(api));
    ASSIGN_OR_RAISE(std::string answer, Call(api, version, encode(version), deadline));
    return decode(version, answer);
  }

 private:
  KafkaConnection(KafkaBrokerAddress address, std::string client_id, int socket);

  Status NegotiateApiVersions(Clock::time_point deadline);
  Status SendAll(std::string_view bytes, Clock::time_point deadline);
  Status ReceiveExactly(size_t size, std::string* out, Clock::time_point deadline);
  void Close();

  KafkaBrokerAddress address_;
  std::string client_id_;
  int socket_;
  int32_t next_correlation_id_ = 1;
  std::vector<KafkaApiVersionRange> broker_versions_;
};

}  // namespace tiangong
