// The reader of the 'kafka' source: one consumer per subtask.

#include "connectors/kafka/kafka_reader.h"

#include <cctype>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "types/batch_builder.h"

namespace tiangong {

int OwnerOfKafkaPartition(const KafkaPartition& partition, int parallelism) {
  uint32_t hash = 0;  // Java's String.hashCode over the topic's UTF-16 units (ASCII here)
  for (unsigned char c : partition.topic) hash = hash * 31 + c;
  uint32_t start = ((hash * 31) & 0x7FFFFFFFu) % static_cast<uint32_t>(parallelism);
  return static_cast<int>((start + static_cast<uint32_t>(partition.partition)) %
                          static_cast<uint32_t>(parallelism));
}

std::string EncodeKafkaSplitState(const std::string& start, std::optional<int64_t> stop) {
  return stop ? fmt::format("{};stop={}", start, *stop) : start;
}

std::optional<int64_t> KafkaSplitState::start_offset() const {
  if (start.empty() || !std::isdigit(static_cast<unsigned char>(start[0]))) return std::nullopt;
  return std::stoll(start);
}

KafkaSplitState DecodeKafkaSplitState(const std::string& state) {
  KafkaSplitState decoded;
  size_t separator = state.find(";stop=");
  decoded.start = state.substr(0, separator);
  if (separator != std::string::npos) decoded.stop = std::stoll(state.substr(separator + 6));
  return decoded;
}

namespace {

// How long Next waits for a record when none is buffered.
constexpr int kPollMillis = 10;

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
    overrides["group.id"] = table_->consumer_group();
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
      KafkaSplitState state = DecodeKafkaSplitState(split.state);
      AddPartition(*partition, state);
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
      splits.push_back(SourceSplit{partition.SplitId(), EncodeKafkaSplitState(start, state.stop)});
    }
    return splits;
  }

  void NotifyCheckpointComplete(const std::vector<SourceSplit>& positions) override {
    if (table_->group_id.empty() || !table_->commit_offsets_on_checkpoint) return;
    KafkaPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const SourceSplit& split : positions) {
      Result<KafkaPartition> partition = ParseKafkaSplitId(split.id);
      KafkaSplitState state = DecodeKafkaSplitState(split.state);
      std::optional<int64_t> offset = state.start_offset();
      if (!partition.ok() || !offset) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition->topic.c_str(), partition->partition)
          ->offset = *offset;
    }
    // A finished partition (bounded reads) is in no checkpoint any more; its
    // end is final.
    for (const auto& [partition, state] : partitions_) {
      if (!state.finished) continue;
      rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
          ->offset = state.next;
    }
    if (list->cnt == 0) return;
    // Asynchronous: a broker that is away must not hold up reading; closing
    // the consumer waits for commits under way.
    rd_kafka_resp_err_t error = rd_kafka_commit(consumer_.get(), list.get(), 1);
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

  void AddPartition(const KafkaPartition& partition, const KafkaSplitState& split) {
    PartitionState& state = partitions_[partition];
    state.start = split.start;
    state.stop = split.stop;
    if (std::optional<int64_t> offset = split.start_offset()) {
      state.next = *offset;
    } else if (deferred_.ok()) {
      Result<int64_t> resolved = ResolveStart(partition, split.start);
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
      if (OwnerOfKafkaPartition(partition, context_.parallelism) != context_.subtask_index)
        continue;
      spdlog::info("Table {}: reading new Kafka partition {} from its earliest offset",
                   table_->table_name, partition.SplitId());
      AddPartition(partition, KafkaSplitState{"earliest", std::nullopt});
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
    for (const KafkaColumnOrigin& origin : columns_->origins) {
      size_t index = static_cast<size_t>(origin.index);
      switch (origin.kind) {
        case KafkaColumnOrigin::kKey:
          columns.push_back(keys.column(index));
          break;
        case KafkaColumnOrigin::kValue:
          columns.push_back(values.column(index));
          break;
        case KafkaColumnOrigin::kMetadata:
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

}  // namespace

std::unique_ptr<SourceReader> MakeKafkaReader(std::shared_ptr<const KafkaTable> table,
                                              std::shared_ptr<const KafkaSourceColumns> columns,
                                              std::unique_ptr<RecordDecoder> key_decoder,
                                              std::unique_ptr<RecordDecoder> value_decoder,
                                              const ReaderContext& context) {
  return std::make_unique<KafkaReader>(std::move(table), std::move(columns), std::move(key_decoder),
                                       std::move(value_decoder), context);
}

}  // namespace tiangong
