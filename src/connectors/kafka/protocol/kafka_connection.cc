#include "connectors/kafka/protocol/kafka_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/kafka/protocol/kafka_wire.h"

namespace tiangong {
namespace {

using Clock = KafkaConnection::Clock;

// The largest answer accepted; Kafka's own socket.request.max.bytes defaults to 100 MiB.
constexpr int32_t kMaxResponseSize = 100 * 1024 * 1024;

std::string ErrnoText(int error) { return std::strerror(error); }

// Waits until `socket` is ready for `events`, or fails with kTimeout when `deadline` passes.
Status WaitFor(int socket, short events, Clock::time_point deadline, std::string_view what) {
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Status::Timeout("timed out {}", what);
    pollfd descriptor{socket, events, 0};
    int ready = poll(&descriptor, 1, static_cast<int>(std::min<int64_t>(left.count(), INT_MAX)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("{}: poll failed: {}", what, ErrnoText(errno));
    }
    // Ready, or in error: the read or write that follows says which.
    if (ready > 0) return Status::OK();
  }
}

// A socket connected to one resolved address, or the reason there is none.
Result<int> ConnectTo(const addrinfo& address, Clock::time_point deadline) {
  int socket = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        address.ai_protocol);
  if (socket < 0) return Status::IOError("cannot create a socket: {}", ErrnoText(errno));
  auto fail = [socket](Status status) -> Result<int> {
    ::close(socket);
    return status;
  };
  if (::connect(socket, address.ai_addr, address.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return fail(Status::IOError("connect: {}", ErrnoText(errno)));
    Status ready = WaitFor(socket, POLLOUT, deadline, "connecting");
    if (!ready.ok()) return fail(std::move(ready));
    int error = 0;
    socklen_t size = sizeof(error);
    if (getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) return fail(Status::IOError("connect: {}", ErrnoText(error)));
  }
  // Requests are small and each waits for its answer: send them at once.
  int on = 1;
  setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  return socket;
}

}  // namespace

std::string KafkaBrokerAddress::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<std::vector<KafkaBrokerAddress>> ParseKafkaBootstrapServers(std::string_view servers) {
  std::vector<KafkaBrokerAddress> addresses;
  for (std::string_view entry : Split(servers, ',')) {
    entry = TrimWhitespace(entry);
    if (entry.empty()) continue;
    KafkaBrokerAddress address;
    std::string_view port_text;
    if (entry.front() == '[') {
      size_t close = entry.find("]:");
      if (close == std::string_view::npos) {
        return Status::Invalid("Kafka bootstrap server '{}' is not '[ipv6-address]:port'", entry);
      }
      address.host = std::string(entry.substr(1, close - 1));
      port_text = entry.substr(close + 2);
    } else {
      size_t colon = entry.rfind(':');
      if (colon == std::string_view::npos || entry.find(':') != colon) {
        return Status::Invalid("Kafka bootstrap server '{}' is not 'host:port'", entry);
      }
      address.host = std::string(entry.substr(0, colon));
      port_text = entry.substr(colon + 1);
    }
    int32_t port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (address.host.empty() || error != std::errc() ||
        end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      return Status::Invalid("Kafka bootstrap server '{}' needs a host and a port from 1 to 65535",
                             entry);
    }
    address.port = port;
    addresses.push_back(std::move(address));
  }
  if (addresses.empty()) {
    return Status::Invalid("the Kafka bootstrap server list '{}' names no server", servers);
  }
  return addresses;
}

KafkaConnection::KafkaConnection(KafkaBrokerAddress address, std::string client_id, int socket)
    : address_(std::move(address)), client_id_(std::move(client_id)), socket_(socket) {}

KafkaConnection::~KafkaConnection() { Close(); }

void KafkaConnection::Close() {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
}

Result<std::unique_ptr<KafkaConnection>> KafkaConnection::Open(KafkaBrokerAddress address,
                                                               std::string client_id,
                                                               Clock::time_point deadline) {
  std::string name = address.ToString();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  std::string port = std::to_string(address.port);
  int lookup = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &resolved);
  if (lookup != 0) {
    return Status::IOError("Kafka broker {}: cannot resolve '{}': {}", name, address.host,
                           gai_strerror(lookup));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(resolved, &freeaddrinfo);
  Status last_error;
  for (const addrinfo* candidate = resolved; candidate != nullptr; candidate = candidate->ai_next) {
    Result<int> socket = ConnectTo(*candidate, deadline);
    if (!socket.ok()) {
      last_error = socket.status();
      if (last_error.code() == StatusCode::kTimeout) break;
      continue;
    }
    std::unique_ptr<KafkaConnection> connection(
        new KafkaConnection(std::move(address), std::move(client_id), *socket));
    RETURN_NOT_OK(connection->NegotiateApiVersions(deadline));
    return connection;
  }
  if (last_error.ok()) last_error = Status::IOError("'{}' resolves to no address", address.host);
  return last_error.WithContext(fmt::format("Kafka broker {}", name));
}

Status KafkaConnection::NegotiateApiVersions(Clock::time_point deadline) {
  int16_t version = kApiVersionsApi.max_version;
  // A broker older than this client answers UNSUPPORTED_VERSION with the ApiVersions versions
  // it knows; the second round uses one of those.
  for (int round = 0; round < 2; ++round) {
    ASSIGN_OR_RAISE(std::string answer,
                    Call(kApiVersionsApi, version, EncodeApiVersionsRequest(version), deadline));
    ASSIGN_OR_RAISE(KafkaApiVersionsResponse response, DecodeApiVersionsResponse(version, answer));
    if (response.error == KafkaError::kNone) {
      broker_versions_ = std::move(response.api_keys);
      return Status::OK();
    }
    if (response.error != KafkaError::kUnsupportedVersion || round > 0) {
      return KafkaErrorStatus(response.error, fmt::format("Kafka broker {}: ApiVersions v{}",
                                                          address_.ToString(), version));
    }
    int16_t broker_max = 0;  // every broker speaks version 0
    for (const KafkaApiVersionRange& range : response.api_keys) {
      if (range.api_key == kApiVersionsApi.key) broker_max = range.max_version;
    }
    version = std::min(broker_max, kApiVersionsApi.max_version);
    if (version < kApiVersionsApi.min_version) break;
  }
  return Status::Unsupported("Kafka broker {} speaks no ApiVersions version this client knows",
                             address_.ToString());
}

Result<int16_t> KafkaConnection::VersionFor(const KafkaApi& api) const {
  for (const KafkaApiVersionRange& range : broker_versions_) {
    if (range.api_key != api.key) continue;
    int16_t version = std::min(range.max_version, api.max_version);
    if (version < api.min_version || version < range.min_version) break;
    return version;
  }
  return Status::Unsupported(
      "Kafka broker {} does not speak {} (API key {}) in a version from {} to {}; transaction "
      "administration needs Kafka 3.0 or newer",
      address_.ToString(), api.name, api.key, api.min_version, api.max_version);
}

Result<std::string> KafkaConnection::Call(const KafkaApi& api, int16_t version,
                                          std::string_view body, Clock::time_point deadline) {
  std::string context =
      fmt::format("Kafka broker {}: {} v{}", address_.ToString(), api.name, version);
  if (!usable()) return Status::IOError("{}: the connection is closed", context);
  bool flexible = api.IsFlexible(version);
  int32_t correlation_id = next_correlation_id_++;

  std::string frame(sizeof(int32_t), '\0');  // the size, filled in below
  EncodeKafkaRequestHeader(api.key, version, correlation_id, client_id_, flexible, &frame);
  frame.append(body);
  std::string size_prefix;
  KafkaWriter(&size_prefix).Int32(static_cast<int32_t>(frame.size() - sizeof(int32_t)));
  frame.replace(0, size_prefix.size(), size_prefix);

  // Any failure leaves the stream at an unknown point: close, so no later call reads a stale
  // answer.
  auto fail = [&](const Status& status) -> Result<std::string> {
    Close();
    return status.WithContext(context);
  };
  if (Status sent = SendAll(frame, deadline); !sent.ok()) return fail(sent);
  std::string size_bytes;
  if (Status got = ReceiveExactly(sizeof(int32_t), &size_bytes, deadline); !got.ok()) {
    return fail(got);
  }
  int32_t size = KafkaReader(size_bytes).Int32();
  if (size < static_cast<int32_t>(sizeof(int32_t)) || size > kMaxResponseSize) {
    return fail(Status::DataError("the answer claims the impossible size of {} bytes", size));
  }
  std::string answer;
  if (Status got = ReceiveExactly(static_cast<size_t>(size), &answer, deadline); !got.ok()) {
    return fail(got);
  }
  KafkaReader reader(answer);
  // ApiVersions answers with response header v0 in every version (see kafka_wire.h).
  int32_t answered_id =
      DecodeKafkaResponseHeader(reader, flexible && api.key != kApiVersionsApi.key);
  if (!reader.ok()) return fail(reader.status());
  if (answered_id != correlation_id) {
    return fail(Status::DataError("the answer is for request {}, not for request {}", answered_id,
                                  correlation_id));
  }
  return answer.substr(reader.position());
}

Status KafkaConnection::SendAll(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Status::IOError("sending the request failed: {}", ErrnoText(errno));
    }
    RETURN_NOT_OK(WaitFor(socket_, POLLOUT, deadline, "sending the request"));
  }
  return Status::OK();
}

Status KafkaConnection::ReceiveExactly(size_t size, std::string* out, Clock::time_point deadline) {
  out->resize(size);
  size_t received = 0;
  while (received < size) {
    ssize_t got = ::recv(socket_, out->data() + received, size - received, 0);
    if (got > 0) {
      received += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) return Status::IOError("the broker closed the connection");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Status::IOError("receiving the answer failed: {}", ErrnoText(errno));
    }
    RETURN_NOT_OK(WaitFor(socket_, POLLIN, deadline, "waiting for the answer"));
  }
  return Status::OK();
}

}  // namespace tiangong
