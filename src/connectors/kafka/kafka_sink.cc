// The 'kafka' and 'upsert-kafka' table sinks.

#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_connector.h"
#include "connectors/kafka/kafka_metadata.h"
#include "connectors/kafka/kafka_transactions.h"

namespace tiangong {
namespace {

// How long a flush may take before the write counts as failed.
constexpr int kFlushMillis = 120000;

class KafkaWriter final : public SinkWriter {
 public:
  KafkaWriter(std::shared_ptr<const KafkaTable> table, std::vector<KafkaMetadata> metadata,
              std::unique_ptr<RecordEncoder> key_encoder,
              std::unique_ptr<RecordEncoder> value_encoder, const WriterContext& context)
      : table_(std::move(table)),
        metadata_(std::move(metadata)),
        key_encoder_(std::move(key_encoder)),
        value_encoder_(std::move(value_encoder)),
        context_(context) {}

  // The producers go first: their delivery callbacks write to this writer.
  ~KafkaWriter() override {
    transactions_.reset();
    producer_.reset();
  }

  Status Open() override {
    if (table_->partitioner != KafkaPartitioner::kDefault) {
      ASSIGN_OR_RAISE(KafkaHandle client, NewProducer(""));
      ASSIGN_OR_RAISE(std::vector<KafkaPartition> partitions,
                      ListKafkaPartitions(client.get(), *table_));
      num_partitions_ = static_cast<int32_t>(partitions.size());
      next_partition_ = context_.subtask_index;
    }
    if (table_->delivery_guarantee == KafkaDeliveryGuarantee::kExactlyOnce && !exactly_once()) {
      spdlog::warn(
          "Table {}: 'sink.delivery-guarantee' = 'exactly-once' needs checkpoints "
          "('execution.checkpointing.interval'); without them the sink writes at least once",
          table_->table_name);
    }
    if (exactly_once()) {
      transactions_ = std::make_unique<KafkaTransactions>(
          table_, context_.subtask_index, context_.parallelism,
          [this](const std::string& id) { return NewProducer(id); });
      return Status::OK();
    }
    ASSIGN_OR_RAISE(producer_, NewProducer(""));
    return Status::OK();
  }

  Status Write(const Batch& batch) override {
    ASSIGN_OR_RAISE(rd_kafka_t * producer, ActiveProducer());
    const KafkaFieldLayout& layout = table_->layout;
    Batch keys = Columns(batch, layout.key_indexes);
    Batch values = Columns(batch, layout.value_indexes);
    size_t num_physical = table_->physical_type.fields().size();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      RowKind kind = batch.row_kind(row);
      bool tombstone = false;
      if (table_->upsert) {
        // The key's latest row is all an upsert topic keeps: a delete is a
        // record without a value, the row before an update is not needed.
        if (kind == RowKind::kUpdateBefore) continue;
        tombstone = kind == RowKind::kDelete;
      }
      OutgoingRecord record;
      record.tombstone = tombstone;
      if (key_encoder_) RETURN_NOT_OK(Encode(key_encoder_.get(), keys, row, &record.key));
      if (!tombstone) RETURN_NOT_OK(Encode(value_encoder_.get(), values, row, &record.value));
      AddMetadata(batch, num_physical, row, &record);
      if (buffering()) {
        // Only each key's latest record goes out.
        std::string key = record.key;
        buffer_.insert_or_assign(std::move(key), std::move(record));
        if (static_cast<int64_t>(buffer_.size()) >= table_->buffer_flush_max_rows) {
          RETURN_NOT_OK(FlushBuffer());
        }
        continue;
      }
      RETURN_NOT_OK(Send(producer, &record));
    }
    rd_kafka_poll(producer, 0);
    return DeliveryStatus();
  }

  Status OnProcessingTime(int64_t now_micros) override {
    if (!buffering()) return Status::OK();
    if (now_micros - last_buffer_flush_micros_ < table_->buffer_flush_interval.count() * 1000) {
      return Status::OK();
    }
    last_buffer_flush_micros_ = now_micros;
    return FlushBuffer();
  }

  Status Finish() override {
    RETURN_NOT_OK(FlushBuffer());
    if (exactly_once()) return Status::OK();  // the final PrepareCommit flushes
    return Flush(producer_.get());
  }

  Result<std::string> PrepareCommit(int64_t checkpoint_id) override {
    RETURN_NOT_OK(FlushBuffer());
    switch (table_->delivery_guarantee) {
      case KafkaDeliveryGuarantee::kNone:
        return std::string();
      case KafkaDeliveryGuarantee::kAtLeastOnce:
        RETURN_NOT_OK(Flush(producer_.get()));
        return std::string();
      case KafkaDeliveryGuarantee::kExactlyOnce:
        break;
    }
    if (rd_kafka_t* producer = transactions_->CurrentIfOpen()) RETURN_NOT_OK(Flush(producer));
    return transactions_->Prepare(checkpoint_id);
  }

  Status Commit(int64_t checkpoint_id) override {
    if (!exactly_once()) return Status::OK();
    return transactions_->Commit(checkpoint_id);
  }

  Status RecoverCommittables(const std::vector<std::string>& committables,
                             bool responsible) override {
    if (!exactly_once()) return Status::OK();
    return transactions_->Recover(committables, responsible);
  }

  Status Close() override {
    transactions_.reset();
    if (producer_) {
      // Whatever is still queued after a failure is not waited for.
      rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE);
      producer_.reset();
    }
    return Status::OK();
  }

 private:
  struct HeadersDeleter {
    void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
  };
  /// A record on its way to the topic.
  struct OutgoingRecord {
    std::string key;
    std::string value;
    bool tombstone = false;
    int64_t timestamp_millis = 0;  // 0: the client's time
    std::unique_ptr<rd_kafka_headers_t, HeadersDeleter> headers;
  };

  /// upsert-kafka's 'sink.buffer-flush.*': keep each key's latest record and
  /// send the buffer when it is full, at the interval and at checkpoints.
  bool buffering() const { return table_->buffer_flush_max_rows > 0; }

  Result<rd_kafka_t*> ActiveProducer() {
    if (exactly_once()) return transactions_->Current();
    return producer_.get();
  }

  Status FlushBuffer() {
    if (buffer_.empty()) return Status::OK();
    ASSIGN_OR_RAISE(rd_kafka_t * producer, ActiveProducer());
    for (auto& [key, record] : buffer_) RETURN_NOT_OK(Send(producer, &record));
    buffer_.clear();
    rd_kafka_poll(producer, 0);
    return DeliveryStatus();
  }

  bool exactly_once() const {
    return table_->delivery_guarantee == KafkaDeliveryGuarantee::kExactlyOnce &&
           context_.two_phase_commit;
  }

  // A producer; transactional when `transactional_id` is not empty.
  Result<KafkaHandle> NewProducer(const std::string& transactional_id) {
    std::map<std::string, std::string> overrides;
    // The Java client's default partitioner, so that keys land where Flink's
    // writers put them.
    if (table_->properties.count("partitioner") == 0) overrides["partitioner"] = "murmur2_random";
    if (!transactional_id.empty()) {
      overrides["transactional.id"] = transactional_id;
      // The broker's default ceiling ('transaction.max.timeout.ms').
      if (table_->properties.count("transaction.timeout.ms") == 0) {
        overrides["transaction.timeout.ms"] = "900000";
      }
    }
    ASSIGN_OR_RAISE(
        KafkaHandle producer,
        CreateKafkaClient(RD_KAFKA_PRODUCER, *table_, overrides, [this](rd_kafka_conf_t* conf) {
          rd_kafka_conf_set_opaque(conf, this);
          rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
        }));
    // Learn the topic's partitions now: a new producer would otherwise hold its
    // first records until its next metadata refresh, a second later. (A topic
    // the broker creates on the first write may not exist yet.)
    Status loaded = LoadKafkaTopicMetadata(producer.get(), *table_, table_->sink_topic());
    if (!loaded.ok() && loaded.code() != StatusCode::kNotFound) return loaded;
    return producer;
  }

  static void OnDelivery(rd_kafka_t* producer, const rd_kafka_message_t* message, void* opaque) {
    auto* writer = static_cast<KafkaWriter*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      writer->context_.metrics->bytes.fetch_add(
          static_cast<int64_t>(message->len + message->key_len), std::memory_order_relaxed);
      return;
    }
    if (writer->delivery_error_.empty()) writer->delivery_error_ = rd_kafka_err2str(message->err);
  }

  Status DeliveryStatus() const {
    if (delivery_error_.empty()) return Status::OK();
    return Status::IOError("Table {}: cannot write to Kafka topic '{}': {}", table_->table_name,
                           table_->sink_topic(), delivery_error_);
  }

  Status Flush(rd_kafka_t* producer) {
    rd_kafka_resp_err_t error = rd_kafka_flush(producer, kFlushMillis);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError(
          "Table {}: Kafka topic '{}' did not take the written records in {} s: {}",
          table_->table_name, table_->sink_topic(), kFlushMillis / 1000, KafkaErrorText(error));
    }
    return DeliveryStatus();
  }

  static Batch Columns(const Batch& batch, const std::vector<int>& indexes) {
    std::vector<VectorPtr> columns;
    for (int index : indexes) columns.push_back(batch.column(static_cast<size_t>(index)));
    return Batch(std::move(columns), batch.num_rows(), batch.row_kinds());
  }

  Status Encode(RecordEncoder* encoder, const Batch& batch, size_t row, std::string* out) const {
    Status status = encoder->Encode(batch, row, out);
    if (!status.ok()) {
      return status.WithContext(fmt::format("Table {}: cannot encode a row for Kafka topic '{}'",
                                            table_->table_name, table_->sink_topic()));
    }
    return status;
  }

  int32_t ChoosePartition() {
    switch (table_->partitioner) {
      case KafkaPartitioner::kDefault:
        return RD_KAFKA_PARTITION_UA;
      case KafkaPartitioner::kFixed:
        return context_.subtask_index % num_partitions_;
      case KafkaPartitioner::kRoundRobin:
        next_partition_ = (next_partition_ + 1) % num_partitions_;
        return next_partition_;
    }
    return RD_KAFKA_PARTITION_UA;
  }

  void AddMetadata(const Batch& batch, size_t num_physical, size_t row,
                   OutgoingRecord* record) const {
    for (size_t m = 0; m < metadata_.size(); ++m) {
      const Vector& column = *batch.column(num_physical + m);
      if (column.IsNull(row)) continue;
      if (metadata_[m] == KafkaMetadata::kTimestamp) {
        record->timestamp_millis = column.ValueAt<int64_t>(row) / 1000;
      } else if (metadata_[m] == KafkaMetadata::kHeaders) {
        record->headers.reset(MakeHeaders(column, row));
      }
    }
  }

  Status Send(rd_kafka_t* producer, OutgoingRecord* record) {
    int32_t partition = ChoosePartition();
    char* key = key_encoder_ ? record->key.data() : nullptr;
    size_t key_size = key_encoder_ ? record->key.size() : 0;
    char* value = record->tombstone ? nullptr : record->value.data();
    size_t value_size = record->tombstone ? 0 : record->value.size();
    while (true) {
      // On success the client owns the headers.
      rd_kafka_resp_err_t error = rd_kafka_producev(
          producer, RD_KAFKA_V_TOPIC(table_->sink_topic().c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_size),
          RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_TIMESTAMP(record->timestamp_millis),
          RD_KAFKA_V_HEADERS(record->headers.get()), RD_KAFKA_V_END);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
        record->headers.release();
        return Status::OK();
      }
      if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        // The client's queue is full: let it send, then try again.
        rd_kafka_poll(producer, 100);
        RETURN_NOT_OK(DeliveryStatus());
        continue;
      }
      return Status::IOError("Table {}: cannot write to Kafka topic '{}': {}", table_->table_name,
                             table_->sink_topic(), KafkaErrorText(error));
    }
  }

  static rd_kafka_headers_t* MakeHeaders(const Vector& map, size_t row) {
    const uint32_t* offsets = map.offsets();
    size_t slot = map.Index(row);
    rd_kafka_headers_t* headers = rd_kafka_headers_new(offsets[slot + 1] - offsets[slot]);
    const Vector& names = map.child(0);
    const Vector& values = map.child(1);
    for (uint32_t i = offsets[slot]; i < offsets[slot + 1]; ++i) {
      std::string_view name = names.StringAt(i);
      if (values.IsNull(i)) {
        rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), nullptr, 0);
      } else {
        std::string_view value = values.StringAt(i);
        rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                            static_cast<ssize_t>(value.size()));
      }
    }
    return headers;
  }

  std::shared_ptr<const KafkaTable> table_;
  std::vector<KafkaMetadata> metadata_;
  std::unique_ptr<RecordEncoder> key_encoder_;  // nullptr without a key format
  std::unique_ptr<RecordEncoder> value_encoder_;
  WriterContext context_;
  KafkaHandle producer_;                             // without exactly-once
  std::unique_ptr<KafkaTransactions> transactions_;  // exactly-once
  int32_t num_partitions_ = 0;
  int32_t next_partition_ = 0;
  /// upsert-kafka with 'sink.buffer-flush.*': each key's latest record.
  std::unordered_map<std::string, OutgoingRecord> buffer_;
  int64_t last_buffer_flush_micros_ = 0;
  /// The first record the cluster refused, from the delivery callback.
  std::string delivery_error_;
};

class KafkaSink final : public TableSink {
 public:
  KafkaSink(std::shared_ptr<const KafkaTable> table, std::vector<KafkaMetadata> metadata)
      : table_(std::move(table)), metadata_(std::move(metadata)) {}

  ChangelogMode accepted_changelog_mode() const override {
    // An upsert topic keeps each key's latest row: the writer leaves out the
    // rows before updates.
    if (table_->upsert) return ChangelogMode::All();
    return table_->value_format->changelog_mode();
  }
  int parallelism() const override { return table_->sink_parallelism; }
  std::string Describe() const override {
    return fmt::format(
        "topic=[{}], format=[{}], delivery-guarantee=[{}]", table_->sink_topic(),
        table_->value_format->identifier(),
        table_->delivery_guarantee == KafkaDeliveryGuarantee::kExactlyOnce   ? "exactly-once"
        : table_->delivery_guarantee == KafkaDeliveryGuarantee::kAtLeastOnce ? "at-least-once"
                                                                             : "none");
  }

  std::vector<MetadataColumn> WritableMetadata() const override { return KafkaWritableMetadata(); }
  Result<std::unique_ptr<TableSink>> ApplyWritableMetadata(
      const std::vector<std::string>& keys) const override {
    std::vector<KafkaMetadata> metadata;
    for (const std::string& key : keys) {
      ASSIGN_OR_RAISE(KafkaMetadata parsed, ParseKafkaMetadata(key));
      metadata.push_back(parsed);
    }
    return std::unique_ptr<TableSink>(std::make_unique<KafkaSink>(table_, std::move(metadata)));
  }

  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    std::unique_ptr<RecordEncoder> key_encoder;
    if (table_->key_format != nullptr) {
      ASSIGN_OR_RAISE(key_encoder, table_->key_format->CreateEncoder(table_->layout.key_type,
                                                                     table_->key_format_options,
                                                                     context.function_context));
    }
    ASSIGN_OR_RAISE(
        std::unique_ptr<RecordEncoder> value_encoder,
        table_->value_format->CreateEncoder(table_->layout.value_type, table_->value_format_options,
                                            context.function_context));
    return std::unique_ptr<SinkWriter>(std::make_unique<KafkaWriter>(
        table_, metadata_, std::move(key_encoder), std::move(value_encoder), context));
  }

 private:
  std::shared_ptr<const KafkaTable> table_;
  std::vector<KafkaMetadata> metadata_;
};

}  // namespace

std::unique_ptr<TableSink> MakeKafkaSink(std::shared_ptr<const KafkaTable> table) {
  return std::make_unique<KafkaSink>(std::move(table), std::vector<KafkaMetadata>{});
}

}  // namespace tiangong
