// The 'kafka' table source: every partition of the table's topics is a split
// whose position is the offset of its next record.

#include <algorithm>

#include <fmt/format.h>

#include "connectors/kafka/kafka_connector.h"
#include "connectors/kafka/kafka_reader.h"

namespace tiangong {
namespace {

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
      extended->origins.push_back(KafkaColumnOrigin{KafkaColumnOrigin::kMetadata,
                                                    static_cast<int>(extended->metadata.size())});
      extended->metadata.push_back(metadata);
      fields.push_back(RowField{MetadataFieldName(key), KafkaMetadataType(metadata)});
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
    return OwnerOfKafkaPartition(*partition, parallelism);
  }

  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    ASSIGN_OR_RAISE(KafkaHandle client,
                    CreateKafkaClient(
                        RD_KAFKA_CONSUMER, *table_,
                        {{"enable.auto.commit", "false"}, {"group.id", table_->consumer_group()}}));
    ASSIGN_OR_RAISE(std::vector<KafkaPartition> partitions,
                    ListKafkaPartitions(client.get(), *table_));
    std::vector<SourceSplit> splits;
    for (const KafkaPartition& partition : partitions) {
      ASSIGN_OR_RAISE(std::optional<int64_t> stop, StopOffset(client.get(), partition));
      splits.push_back(
          SourceSplit{partition.SplitId(), EncodeKafkaSplitState(StartOf(partition), stop)});
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
    return MakeKafkaReader(table_, columns_, std::move(key_decoder), std::move(value_decoder),
                           context);
  }

 private:
  // Narrows the decoded value to the fields `columns` use (at least one, so
  // that every record is still read and counted).
  static void DecodeOnlyProjected(KafkaSourceColumns* columns) {
    const std::vector<RowField>& all = columns->value_type.fields();
    std::vector<int> used;
    for (KafkaColumnOrigin& origin : columns->origins) {
      if (origin.kind != KafkaColumnOrigin::kValue) continue;
      auto found = std::find(used.begin(), used.end(), origin.index);
      if (found == used.end()) found = used.insert(used.end(), origin.index);
      origin.index = static_cast<int>(found - used.begin());
    }
    if (used.empty() && !all.empty()) used.push_back(0);
    std::vector<RowField> fields;
    for (int index : used) fields.push_back(all[static_cast<size_t>(index)]);
    columns->value_type = DataType::Row(std::move(fields), false);
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
      columns->origins.push_back(KafkaColumnOrigin{
          KafkaColumnOrigin::kValue, static_cast<int>(in_value - layout.value_indexes.begin())});
    } else {
      columns->origins.push_back(KafkaColumnOrigin{
          KafkaColumnOrigin::kKey, static_cast<int>(in_key - layout.key_indexes.begin())});
    }
  }
  columns->produced_type = table->physical_type;
  columns->value_type = layout.value_type;
  return std::make_unique<KafkaSource>(std::move(table), std::move(columns));
}

}  // namespace tiangong
