#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "state/keyed_state.h"

namespace tiangong {

/// The canonical snapshot format of keyed state, which both backends write and
/// restore (so a savepoint taken on one backend restores on the other). A file
/// holds, after a magic header, each table's name followed by its entries:
/// key, the time it has left to live under a TTL (-1 without one), and the
/// value's bytes (StateValue::Serialize). The checkpoint metadata records each
/// file's checksum.
///
/// Encodes a snapshot in memory: the synchronous part of a snapshot, after
/// which the operator may change its state again. Not thread-safe.
class StateSnapshotEncoder {
 public:
  StateSnapshotEncoder();

  void BeginTable(std::string_view name);
  /// `remaining_ttl_millis` < 0: the table has no TTL.
  void Add(std::string_view key, int64_t remaining_ttl_millis, std::string_view value);
  /// The finished image; the encoder is empty afterwards.
  std::string Finish();

 private:
  std::string bytes_;
};

/// A StateSnapshot whose image is already encoded: Write() stores it as one
/// file, "<prefix>.state".
class EncodedStateSnapshot final : public StateSnapshot {
 public:
  explicit EncodedStateSnapshot(std::string image) : image_(std::move(image)) {}
  Result<std::vector<std::string>> Write(const std::string& directory,
                                         const std::string& prefix) override;

 private:
  std::string image_;
};

using StateSnapshotVisitor =
    std::function<Status(std::string_view table, std::string_view key, int64_t remaining_ttl_millis,
                         std::string_view value)>;

/// Calls `visit` for every entry of snapshot file `path`, in file order. Fails
/// with a DataError naming the file when it is not a complete state snapshot.
Status ReadStateSnapshot(const std::string& path, const StateSnapshotVisitor& visit);

}  // namespace tiangong
