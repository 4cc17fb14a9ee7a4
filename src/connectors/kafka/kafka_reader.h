#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_metadata.h"
#include "connectors/kafka/kafka_table.h"
#include "formats/format.h"

namespace tiangong {

/// The pieces the Kafka source (kafka_source.cc) and its readers share.

/// The reader that owns a partition among `parallelism` readers: the same rule
/// as Flink's Kafka source (topic hash, then the partitions in turn), so that
/// partitions found later land on a reader by the same rule.
int OwnerOfKafkaPartition(const KafkaPartition& partition, int parallelism);

/// A split's state: where to start ("<offset>", or before the reader resolved
/// it "earliest", "latest", "group" or "timestamp:<millis>"), and for bounded
/// reads ";stop=<offset>", the offset it stops before.
struct KafkaSplitState {
  std::string start;
  std::optional<int64_t> stop;

  /// The start as an offset, or nullopt while it is symbolic.
  std::optional<int64_t> start_offset() const;
};
std::string EncodeKafkaSplitState(const std::string& start, std::optional<int64_t> stop);
KafkaSplitState DecodeKafkaSplitState(const std::string& state);

/// Where a produced column comes from.
struct KafkaColumnOrigin {
  enum Kind { kKey, kValue, kMetadata } kind;
  int index;  // into the key row, the decoded value row or the metadata keys
};

/// The source's columns and the metadata they read: what a projection changes.
struct KafkaSourceColumns {
  std::vector<KafkaColumnOrigin> origins;
  std::vector<KafkaMetadata> metadata;
  DataType produced_type;
  /// The value fields to decode (a ROW; kValue origins index into it): all of
  /// them, or after a projection only the projected ones when the value
  /// format finds fields by name.
  DataType value_type;
};

/// A reader of the partitions assigned to one subtask: one consumer that the
/// reader assigns partitions to itself (no group rebalancing), batches of one
/// partition each.
std::unique_ptr<SourceReader> MakeKafkaReader(std::shared_ptr<const KafkaTable> table,
                                              std::shared_ptr<const KafkaSourceColumns> columns,
                                              std::unique_ptr<RecordDecoder> key_decoder,
                                              std::unique_ptr<RecordDecoder> value_decoder,
                                              const ReaderContext& context);

}  // namespace tiangong
