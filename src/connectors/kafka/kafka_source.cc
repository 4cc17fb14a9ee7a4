// The 'kafka' table source: every partition of the table's topics is a split
// whose position is the offset of its next record.

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_connector.h"
#include "connectors/kafka/kafka_metadata.h"
#include "types/batch_builder.h"

namespace tiangong {
namespace {

// How long Next waits for a record when none is buffered.
constexpr int kPollMillis = 10;

// The reader that owns a partition among `parallelism` readers: the same rule
// as Flink's Kafka source (topic hash, then the partitions in turn), so that
// partitions found later land on a reader by the same rule.
int OwnerOfPartition(const KafkaPartition& partition, int parallelism) {
  uint32_t hash = 0;  // Java's String.hashCode over the topic's UTF-16 units (ASCII here)
  for (unsigned char c : partition.topic) hash = hash * 31 + c;
  uint32_t start = ((hash * 31) & 0x7FFFFFFFu) % static_cast<uint32_t>(parallelism);
  return static_cast<int>((start + static_cast<uint32_t>(partition.partition)) %
                          static_cast<uint32_t>(parallelism));
}

// A split's state: where to start ("<offset>", or before the reader resolved
// it "earliest", "latest", "group" or "timestamp:<millis>"), and for bounded
// reads ";stop=<offset>", the offset it stops before.
struct SplitState {
  std::string start;
  std::optional<int64_t> stop;
};

std::string EncodeState(const std::string& start, std::optional<int64_t> stop) {
  return stop ? fmt::format("{};stop={}", start, *stop) : start;
}

SplitState DecodeState(const std::string& state) {
  SplitState decoded;
  size_t separator = state.find(";stop=");
  decoded.start = state.substr(0, separator);
  if (separator != std::string::npos) decoded.stop = std::stoll(state.substr(separator + 6));
  return decoded;
}

// Where a produced column comes from.
struct ColumnOrigin {
  enum Kind { kKey, kValue, kMetadata } kind;
  int index;  // into the key row, the value row or the metadata keys
};

// The source's columns and the metadata they read: what a projection changes.
struct KafkaSourceColumns {
  std::vector<ColumnOrigin> origins;
  std::vector<KafkaMetadata> metadata;
  DataType produced_type;
  /// The value fields to decode (a ROW; kValue origins index into it): all of
  /// them, or after a projection only the projected ones when the value
  /// format finds fields by name.
  DataType value_type;
};

class KafkaReader final : public SourceReader {
 public:
  KafkaReader(std::shared_ptr<const KafkaTable> table,
              std::shared_ptr<const KafkaSourceColumns> columns,
              std::unique_ptr<RecordDecoder> key_decoder,
              std::unique_ptr<RecordDecoder> value_decoder, const ReaderContext& context)
      : table_(std::move(table)),
        columns_(std::move(columns)),
        key_decoder_(std::move(key_decoder)),
        value_decoder_(std::move(value_decoder)),
        key_builder_(table_->layout.key_type),
        value_builder_(columns_->value_type),
        context_(context) {
    for (KafkaMetadata key : columns_->metadata) {
      metadata_builders_.emplace_back(KafkaMetadataType(key));
    }
    next_discovery_ = std::chrono::steady_clock::now() + table_->discovery_interval;
  }

  ~KafkaReader() override { DropBuffer(); }

  Status Open() override {
    std::map<std::string, std::string> overrides = {
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", bounded() ? "true" : "false"},
        {"client.id", fmt::format("tiangong-{}-{}", table_->table_name, context_.subtask_index)},
    };
    // Without a group the reader commits nothing, but the client wants one.
    if (table_->group_id.empty()) overrides["group.id"] = "tiangong-" + table_->table_name;
    // Defaults the table's properties may change:
    // - a position that retention removed: read on from the earliest record;
    // - prefetch up to a million records per partition (memory stays bounded by
    //   'queued.max.messages.kbytes'): at the client's default the fetcher
    //   pauses too often to keep a reader busy (a reader ran four times faster).
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"auto.offset.reset", "earliest"}, {"queued.min.messages", "1000000"}}) {
      if (table_->properties.count(key) == 0) overrides[key] = value;
    }
    ASSIGN_OR_RAISE(
        consumer_,
        CreateKafkaClient(RD_KAFKA_CONSUMER, *table_, overrides, [](rd_kafka_conf_t* conf) {
          rd_kafka_conf_set_offset_commit_cb(conf, LogCommitFailure);
        }));
    rd_kafka_poll_set_consumer(consumer_.get());
    queue_.reset(rd_kafka_queue_get_consumer(consumer_.get()));
    return Status::OK();
  }

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (const SourceSplit& split : splits) {
      Result<KafkaPartition> partition = ParseKafkaSplitId(split.id);
      if (!partition.ok()) {
        deferred_ = partition.status();
        return;
      }
      SplitState state = DecodeState(split.state);
      AddPartition(*partition, state.start, state.stop);
    }
    if (!deferred_.ok() || splits.empty()) return;
    std::vector<std::string> positions;
    for (const auto& [partition, state] : partitions_) {
      positions.push_back(fmt::format("{} at offset {}", partition.SplitId(), state.next));
    }
    spdlog::info("Table {}: subtask {} reads Kafka partitions {}", table_->table_name,
                 context_.subtask_index + 1, fmt::join(positions, ", "));
  }

  Result<ReadResult> Next(Batch* batch) override {
    RETURN_NOT_OK(deferred_);
    if (table_->discovery_interval.count() > 0 &&
        std::chrono::steady_clock::now() >= next_discovery_) {
      next_discovery_ = std::chrono::steady_clock::now() + table_->discovery_interval;
      RETURN_NOT_OK(DiscoverPartitions());
    }
    if (assignment_changed_) RETURN_NOT_OK(Assign());
    if (bounded() && active_ == 0) return ReadResult{ReadStatus::kEnd};
    if (buffered_ == buffer_.size()) {
      RETURN_NOT_OK(Fetch());
      if (buffer_.empty()) return ReadResult{ReadStatus::kNoData, std::chrono::microseconds(0)};
    }
    return BuildBatch(batch);
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    std::vector<SourceSplit> splits;
    for (const auto& [partition, state] : partitions_) {
      if (state.finished) continue;
      std::string start = state.next >= 0 ? std::to_string(state.next) : state.start;
      splits.push_back(SourceSplit{partition.SplitId(), EncodeState(start, state.stop)});
    }
    return splits;
  }

  void NotifyCheckpointComplete(const std::vector<SourceSplit>& positions) override {
    if (table_->group_id.empty() || !table_->commit_offsets_on_checkpoint) return;
    KafkaPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const SourceSplit& split : positions) {
      Result<KafkaPartition> partition = ParseKafkaSplitId(split.id);
      SplitState state = DecodeState(split.state);
      if (!partition.ok() || state.start.empty() || !std::isdigit(state.start[0])) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition->topic.c_str(), partition->partition)
          ->offset = std::stoll(state.start);
    }
    // A finished partition (bounded reads) is in no checkpoint any more; its
    // end is final.
    for (const auto& [partition, state] : partitions_) {
      if (!state.finished) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
          ->offset = state.next;
    }
    if (list->cnt == 0) return;
    rd_kafka_resp_err_t error = rd_kafka_commit(consumer_.get(), list.get(), 0);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("Table {}: cannot commit offsets to Kafka group '{}': {}", table_->table_name,
                   table_->group_id, KafkaErrorText(error));
    }
  }

  Status Close() override {
    DropBuffer();
    queue_.reset();
    consumer_.reset();
    return Status::OK();
  }

 private:
  struct PartitionState {
    std::string start;  // as the split said
    int64_t next = -1;  // the next offset to read, once resolved
    std::optional<int64_t> stop;
    bool finished = false;
  };

  struct QueueDeleter {
    void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  };

  static void LogCommitFailure(rd_kafka_t* client, rd_kafka_resp_err_t error,
                               rd_kafka_topic_partition_list_t* offsets, void* opaque) {
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      spdlog::warn("Kafka client {}: committing offsets failed: {}", rd_kafka_name(client),
                   KafkaErrorText(error));
    }
  }

  bool bounded() const { return table_->bounded_mode != KafkaOffsetMode::kUnbounded; }

  void AddPartition(const KafkaPartition& partition, const std::string& start,
                    std::optional<int64_t> stop) {
    PartitionState& state = partitions_[partition];
    state.start = start;
    state.stop = stop;
    if (!start.empty() && std::isdigit(static_cast<unsigned char>(start[0]))) {
      state.next = std::stoll(start);
    } else if (deferred_.ok()) {
      Result<int64_t> resolved = ResolveStart(partition, start);
      if (!resolved.ok()) {
        deferred_ = resolved.status();
        return;
      }
      state.next = *resolved;
    }
    state.finished = state.stop && state.next >= *state.stop;
    if (!state.finished) ++active_;
    assignment_changed_ = true;
  }

  // The concrete offset of a symbolic start, asked of the cluster now so that
  // checkpoints hold only offsets.
  Result<int64_t> ResolveStart(const KafkaPartition& partition, const std::string& start) {
    rd_kafka_t* client = consumer_.get();
    if (start.starts_with("timestamp:")) {
      return KafkaOffsetForTimestamp(client, *table_, partition, std::stoll(start.substr(10)));
    }
    ASSIGN_OR_RAISE(auto range, KafkaWatermarkOffsets(client, *table_, partition));
    if (start == "earliest") return range.first;
    if (start == "latest") return range.second;
    if (start == "group") {
      ASSIGN_OR_RAISE(std::optional<int64_t> committed,
                      KafkaCommittedOffset(client, *table_, partition));
      if (committed) return *committed;
      auto reset = table_->properties.find("auto.offset.reset");
      std::string strategy = reset == table_->properties.end() ? "" : reset->second;
      if (strategy == "earliest" || strategy == "smallest") return range.first;
      if (strategy == "latest" || strategy == "largest") return range.second;
      return Status::Invalid(
          "Table {}: Kafka group '{}' has no committed offset for partition {}; set "
          "'properties.auto.offset.reset' to 'earliest' or 'latest' to start there",
          table_->table_name, table_->group_id, partition.SplitId());
    }
    return Status::DataError("Table {}: unknown start '{}' of Kafka split {}", table_->table_name,
                             start, partition.SplitId());
  }

  // New partitions of the table's topics that this reader owns start at their
  // earliest offset, as in Flink.
  Status DiscoverPartitions() {
    ASSIGN_OR_RAISE(std::vector<KafkaPartition> all, ListKafkaPartitions(consumer_.get(), *table_));
    for (const KafkaPartition& partition : all) {
      if (partitions_.count(partition) > 0) continue;
      if (OwnerOfPartition(partition, context_.parallelism) != context_.subtask_index) continue;
      spdlog::info("Table {}: reading new Kafka partition {} from its earliest offset",
                   table_->table_name, partition.SplitId());
      AddPartition(partition, "earliest", std::nullopt);
      RETURN_NOT_OK(deferred_);
    }
    return Status::OK();
  }

  // Fetches every unfinished partition from its next offset; buffered records
  // are fetched again.
  Status Assign() {
    DropBuffer();
    KafkaPartitionList list(
        rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
    for (const auto& [partition, state] : partitions_) {
      if (state.finished) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
          ->offset = state.next;
    }
    rd_kafka_resp_err_t error = rd_kafka_assign(consumer_.get(), list.get());
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("Table {}: cannot assign Kafka partitions: {}", table_->table_name,
                             KafkaErrorText(error));
    }
    assignment_changed_ = false;
    return Status::OK();
  }

  Status Fetch() {
    DropBuffer();
    buffer_.resize(context_.batch_size);
    ssize_t count = rd_kafka_consume_batch_queue(queue_.get(), 0, buffer_.data(), buffer_.size());
    if (count <= 0) {
      // Nothing ready: wait briefly for one record.
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), kPollMillis);
      count = message == nullptr ? 0 : 1;
      buffer_[0] = message;
    }
    buffer_.resize(static_cast<size_t>(count));
    return Status::OK();
  }

  void DropBuffer() {
    for (size_t i = buffered_; i < buffer_.size(); ++i) rd_kafka_message_destroy(buffer_[i]);
    buffer_.clear();
    buffered_ = 0;
  }

  // Decodes buffered records of one partition into `batch`.
  Result<ReadResult> BuildBatch(Batch* batch) {
    std::optional<KafkaPartition> current;
    PartitionState* state = nullptr;
    while (buffered_ < buffer_.size() && value_builder_.num_rows() < context_.batch_size) {
      rd_kafka_message_t* message = buffer_[buffered_];
      KafkaPartition partition{message->rkt ? rd_kafka_topic_name(message->rkt) : "",
                               message->partition};
      if (current && !(partition == *current)) break;
      ++buffered_;
      std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> owned(
          message, rd_kafka_message_destroy);
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        RETURN_NOT_OK(OnError(*message));
        continue;
      }
      auto found = partitions_.find(partition);
      // A record fetched before the assignment changed.
      if (found == partitions_.end() || found->second.finished) continue;
      if (!current) {
        current = partition;
        state = &found->second;
      }
      if (message->offset < state->next) continue;
      if (state->stop && message->offset >= *state->stop) {
        Finish(state);
        continue;
      }
      RETURN_NOT_OK(Decode(*message, partition));
      state->next = message->offset + 1;
      if (state->stop && state->next >= *state->stop) Finish(state);
    }
    if (value_builder_.num_rows() == 0) {
      return ReadResult{ReadStatus::kNoData, std::chrono::microseconds(0)};
    }
    *batch = Assemble();
    return ReadResult{ReadStatus::kBatch, {}, current->SplitId()};
  }

  void Finish(PartitionState* state) {
    if (state->finished) return;
    state->finished = true;
    --active_;
    assignment_changed_ = true;
  }

  Status OnError(const rd_kafka_message_t& message) {
    if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // A bounded read is done once the partition's end passes its stop.
      if (message.rkt == nullptr) return Status::OK();
      auto found =
          partitions_.find(KafkaPartition{rd_kafka_topic_name(message.rkt), message.partition});
      if (found != partitions_.end() && found->second.stop &&
          message.offset >= *found->second.stop) {
        Finish(&found->second);
      }
      return Status::OK();
    }
    char reason[512];
    rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(consumer_.get(), reason, sizeof(reason));
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("Table {}: the Kafka consumer failed: {}", table_->table_name, reason);
    }
    // Transient (a broker restarting, a leader moving): the client retries.
    spdlog::warn("Table {}: Kafka consumer: {}", table_->table_name,
                 rd_kafka_message_errstr(&message));
    return Status::OK();
  }

  // Appends the rows of one record: the value's rows (a changelog format may
  // give several), each with the record's key fields and metadata.
  Status Decode(const rd_kafka_message_t& message, const KafkaPartition& partition) {
    size_t before = value_builder_.num_rows();
    context_.metrics->bytes.fetch_add(static_cast<int64_t>(message.len + message.key_len),
                                      std::memory_order_relaxed);
    if (message.payload == nullptr) {
      // A record without a value is a tombstone: 'kafka' skips it, for
      // 'upsert-kafka' it deletes its key (the value columns are NULL; the
      // planner's ChangelogNormalize emits the row it deletes).
      if (!table_->upsert) return Status::OK();
      if (message.key == nullptr) {
        return RecordError(partition, message.offset, "",
                           Status::DataError("a record without key and value"));
      }
      for (size_t c = 0; c < value_builder_.num_columns(); ++c) {
        value_builder_.column(c).AppendNull();
      }
      value_builder_.FinishRow(RowKind::kDelete);
    } else {
      std::string_view value(static_cast<const char*>(message.payload), message.len);
      Result<DecodeStatus> decoded = value_decoder_->Decode(value, &value_builder_);
      if (!decoded.ok()) return RecordError(partition, message.offset, "", decoded.status());
      if (*decoded == DecodeStatus::kSkipped) {
        context_.metrics->records_skipped.fetch_add(1, std::memory_order_relaxed);
      }
    }
    size_t rows = value_builder_.num_rows() - before;
    std::string_view key(static_cast<const char*>(message.key), message.key_len);
    for (size_t row = 0; row < rows; ++row) {
      if (key_decoder_) {
        Result<DecodeStatus> key_decoded = message.key == nullptr
                                               ? Result<DecodeStatus>(DecodeStatus::kEmpty)
                                               : key_decoder_->Decode(key, &key_builder_);
        if (!key_decoded.ok()) {
          return RecordError(partition, message.offset, "key: ", key_decoded.status());
        }
        if (*key_decoded != DecodeStatus::kRow) {
          for (size_t c = 0; c < key_builder_.num_columns(); ++c)
            key_builder_.column(c).AppendNull();
          key_builder_.FinishRow();
        }
      }
      for (size_t m = 0; m < metadata_builders_.size(); ++m) {
        AppendKafkaMetadata(columns_->metadata[m], message, &metadata_builders_[m]);
      }
    }
    return Status::OK();
  }

  Status RecordError(const KafkaPartition& partition, int64_t offset, std::string_view part,
                     const Status& status) const {
    return Status::DataError("Table {}: Kafka topic '{}', partition {}, offset {}: {}{}",
                             table_->table_name, partition.topic, partition.partition, offset, part,
                             status.message());
  }

  Batch Assemble() {
    Batch keys = key_builder_.Build();
    Batch values = value_builder_.Build();
    std::vector<VectorPtr> metadata;
    for (VectorBuilder& builder : metadata_builders_) metadata.push_back(builder.Build());
    std::vector<VectorPtr> columns;
    for (const ColumnOrigin& origin : columns_->origins) {
      size_t index = static_cast<size_t>(origin.index);
      switch (origin.kind) {
        case ColumnOrigin::kKey:
          columns.push_back(keys.column(index));
          break;
        case ColumnOrigin::kValue:
          columns.push_back(values.column(index));
          break;
        case ColumnOrigin::kMetadata:
          columns.push_back(metadata[index]);
          break;
      }
    }
    return Batch(std::move(columns), values.num_rows(), values.row_kinds());
  }

  std::shared_ptr<const KafkaTable> table_;
  std::shared_ptr<const KafkaSourceColumns> columns_;
  std::unique_ptr<RecordDecoder> key_decoder_;  // nullptr without a key format
  std::unique_ptr<RecordDecoder> value_decoder_;
  BatchBuilder key_builder_;
  BatchBuilder value_builder_;
  std::vector<VectorBuilder> metadata_builders_;
  ReaderContext context_;
  KafkaHandle consumer_;
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue_;
  std::map<KafkaPartition, PartitionState> partitions_;
  size_t active_ = 0;  // partitions not finished
  bool assignment_changed_ = false;
  /// A failure found outside Next (AddSplits), reported by the next Next.
  Status deferred_;
  std::vector<rd_kafka_message_t*> buffer_;
  size_t buffered_ = 0;  // buffer_[0, buffered_) are consumed and destroyed
  std::chrono::steady_clock::time_point next_discovery_;
};

class KafkaSource final : public TableSource {
 public:
  KafkaSource(std::shared_ptr<const KafkaTable> table,
              std::shared_ptr<const KafkaSourceColumns> columns)
      : table_(std::move(table)), columns_(std::move(columns)) {}

  const DataType& produced_type() const override { return columns_->produced_type; }
  bool bounded() const override { return table_->bounded_mode != KafkaOffsetMode::kUnbounded; }
  ChangelogMode changelog_mode() const override {
    if (table_->upsert) return ChangelogMode::Upsert();
    return table_->value_format->changelog_mode();
  }

  std::unique_ptr<TableSource> ApplyProjection(
      const std::vector<std::vector<int>>& paths) const override {
    auto projected = std::make_shared<KafkaSourceColumns>();
    projected->metadata = columns_->metadata;
    projected->value_type = columns_->value_type;
    std::vector<RowField> fields;
    for (const std::vector<int>& path : paths) {
      if (path.size() != 1) return nullptr;
      size_t index = static_cast<size_t>(path[0]);
      projected->origins.push_back(columns_->origins[index]);
      fields.push_back(columns_->produced_type.fields()[index]);
    }
    projected->produced_type = DataType::Row(std::move(fields), false);
    if (table_->value_format->DecodesFieldsByName()) DecodeOnlyProjected(projected.get());
    return std::make_unique<KafkaSource>(table_, std::move(projected));
  }

  std::vector<MetadataColumn> ReadableMetadata() const override { return KafkaReadableMetadata(); }
  Result<std::unique_ptr<TableSource>> ApplyReadableMetadata(
      const std::vector<std::string>& keys) const override {
    auto extended = std::make_shared<KafkaSourceColumns>(*columns_);
    std::vector<RowField> fields = columns_->produced_type.fields();
    for (const std::string& key : keys) {
      ASSIGN_OR_RAISE(KafkaMetadata metadata, ParseKafkaMetadata(key));
      extended->origins.push_back(
          ColumnOrigin{ColumnOrigin::kMetadata, static_cast<int>(extended->metadata.size())});
      extended->metadata.push_back(metadata);
      fields.push_back(RowField{"$metadata$" + key, KafkaMetadataType(metadata)});
    }
    extended->produced_type = DataType::Row(std::move(fields), false);
    return std::unique_ptr<TableSource>(std::make_unique<KafkaSource>(table_, std::move(extended)));
  }

  std::string Describe() const override {
    std::string topics = table_->topic_pattern.empty()
                             ? fmt::format("topic=[{}]", fmt::join(table_->topics, ";"))
                             : fmt::format("topic-pattern=[{}]", table_->topic_pattern);
    auto names = [](const DataType& row) {
      std::vector<std::string> names;
      for (const RowField& field : row.fields()) names.push_back(field.name);
      return fmt::format("{}", fmt::join(names, ", "));
    };
    return fmt::format("{}, format=[{}], fields=[{}], decoded=[{}]", topics,
                       table_->value_format->identifier(), names(columns_->produced_type),
                       names(columns_->value_type));
  }

  std::optional<int> OwnerOfSplit(const SourceSplit& split, int parallelism) const override {
    Result<KafkaPartition> partition = ParseKafkaSplitId(split.id);
    if (!partition.ok()) return std::nullopt;
    return OwnerOfPartition(*partition, parallelism);
  }

  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    ASSIGN_OR_RAISE(KafkaHandle client, CreateKafkaClient(RD_KAFKA_CONSUMER, *table_,
                                                          {{"enable.auto.commit", "false"},
                                                           {"group.id", GroupForQueries()}}));
    ASSIGN_OR_RAISE(std::vector<KafkaPartition> partitions,
                    ListKafkaPartitions(client.get(), *table_));
    std::vector<SourceSplit> splits;
    for (const KafkaPartition& partition : partitions) {
      ASSIGN_OR_RAISE(std::optional<int64_t> stop, StopOffset(client.get(), partition));
      splits.push_back(SourceSplit{partition.SplitId(), EncodeState(StartOf(partition), stop)});
    }
    return splits;
  }

  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override {
    std::unique_ptr<RecordDecoder> key_decoder;
    if (table_->key_format != nullptr) {
      ASSIGN_OR_RAISE(key_decoder, table_->key_format->CreateDecoder(table_->layout.key_type,
                                                                     table_->key_format_options,
                                                                     table_->function_context));
    }
    ASSIGN_OR_RAISE(
        std::unique_ptr<RecordDecoder> value_decoder,
        table_->value_format->CreateDecoder(columns_->value_type, table_->value_format_options,
                                            table_->function_context));
    return std::unique_ptr<SourceReader>(std::make_unique<KafkaReader>(
        table_, columns_, std::move(key_decoder), std::move(value_decoder), context));
  }

 private:
  // Narrows the decoded value to the fields `columns` use (at least one, so
  // that every record is still read and counted).
  static void DecodeOnlyProjected(KafkaSourceColumns* columns) {
    const std::vector<RowField>& all = columns->value_type.fields();
    std::vector<int> used;
    for (ColumnOrigin& origin : columns->origins) {
      if (origin.kind != ColumnOrigin::kValue) continue;
      auto found = std::find(used.begin(), used.end(), origin.index);
      if (found == used.end()) found = used.insert(used.end(), origin.index);
      origin.index = static_cast<int>(found - used.begin());
    }
    if (used.empty() && !all.empty()) used.push_back(0);
    std::vector<RowField> fields;
    for (int index : used) fields.push_back(all[static_cast<size_t>(index)]);
    columns->value_type = DataType::Row(std::move(fields), false);
  }

  std::string GroupForQueries() const {
    return table_->group_id.empty() ? "tiangong-" + table_->table_name : table_->group_id;
  }

  // The start of a fresh read of `partition` ('scan.startup.mode').
  std::string StartOf(const KafkaPartition& partition) const {
    switch (table_->startup_mode) {
      case KafkaOffsetMode::kEarliest:
        return "earliest";
      case KafkaOffsetMode::kLatest:
        return "latest";
      case KafkaOffsetMode::kGroupOffsets:
        return "group";
      case KafkaOffsetMode::kTimestamp:
        return fmt::format("timestamp:{}", table_->startup_timestamp_millis);
      case KafkaOffsetMode::kSpecific: {
        auto found = table_->startup_offsets.find(partition.partition);
        return found == table_->startup_offsets.end() ? "earliest" : std::to_string(found->second);
      }
      case KafkaOffsetMode::kUnbounded:
        break;
    }
    return "earliest";
  }

  // Where a bounded read of `partition` stops ('scan.bounded.mode'), fixed
  // when the job starts.
  Result<std::optional<int64_t>> StopOffset(rd_kafka_t* client,
                                            const KafkaPartition& partition) const {
    switch (table_->bounded_mode) {
      case KafkaOffsetMode::kUnbounded:
      case KafkaOffsetMode::kEarliest:
        return std::optional<int64_t>();
      case KafkaOffsetMode::kLatest: {
        ASSIGN_OR_RAISE(auto range, KafkaWatermarkOffsets(client, *table_, partition));
        return std::optional<int64_t>(range.second);
      }
      case KafkaOffsetMode::kGroupOffsets: {
        ASSIGN_OR_RAISE(std::optional<int64_t> committed,
                        KafkaCommittedOffset(client, *table_, partition));
        if (committed) return committed;
        ASSIGN_OR_RAISE(auto range, KafkaWatermarkOffsets(client, *table_, partition));
        return std::optional<int64_t>(range.second);
      }
      case KafkaOffsetMode::kTimestamp: {
        ASSIGN_OR_RAISE(int64_t offset, KafkaOffsetForTimestamp(client, *table_, partition,
                                                                table_->bounded_timestamp_millis));
        return std::optional<int64_t>(offset);
      }
      case KafkaOffsetMode::kSpecific: {
        auto found = table_->bounded_offsets.find(partition.partition);
        if (found != table_->bounded_offsets.end()) return std::optional<int64_t>(found->second);
        ASSIGN_OR_RAISE(auto range, KafkaWatermarkOffsets(client, *table_, partition));
        return std::optional<int64_t>(range.second);
      }
    }
    return std::optional<int64_t>();
  }

  std::shared_ptr<const KafkaTable> table_;
  std::shared_ptr<const KafkaSourceColumns> columns_;
};

}  // namespace

std::unique_ptr<TableSource> MakeKafkaSource(std::shared_ptr<const KafkaTable> table) {
  auto columns = std::make_shared<KafkaSourceColumns>();
  const KafkaFieldLayout& layout = table->layout;
  for (size_t i = 0; i < table->physical_type.fields().size(); ++i) {
    int column = static_cast<int>(i);
    // Key columns come from the value when it holds them, except in an upsert
    // table, whose deletes have no value.
    auto in_value = std::find(layout.value_indexes.begin(), layout.value_indexes.end(), column);
    auto in_key = std::find(layout.key_indexes.begin(), layout.key_indexes.end(), column);
    bool from_key = in_key != layout.key_indexes.end() &&
                    (table->upsert || in_value == layout.value_indexes.end());
    if (!from_key) {
      columns->origins.push_back(ColumnOrigin{
          ColumnOrigin::kValue, static_cast<int>(in_value - layout.value_indexes.begin())});
    } else {
      columns->origins.push_back(
          ColumnOrigin{ColumnOrigin::kKey, static_cast<int>(in_key - layout.key_indexes.begin())});
    }
  }
  columns->produced_type = table->physical_type;
  columns->value_type = layout.value_type;
  return std::make_unique<KafkaSource>(std::move(table), std::move(columns));
}

}  // namespace tiangong
