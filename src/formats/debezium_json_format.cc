#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "formats/change_event_json_format.h"
#include "formats/changelog_json_reader.h"
#include "formats/format.h"
#include "formats/json_values.h"
#include "formats/value_text.h"

namespace tiangong {

namespace {

constexpr std::string_view kFormat = "debezium-json";

/// Decodes Debezium's change events, as Flink's DebeziumJsonDeserializationSchema:
/// {"before": {...}, "after": {...}, "op": "c|r|u|d", "source": ..., "ts_ms": ...},
/// or the same inside {"schema": ..., "payload": {...}} with 'schema-include'.
/// Creates and snapshot reads (c, r) give +I of "after"; updates (u) -U of
/// "before" and +U of "after"; deletes (d) -D of "before".
class DebeziumJsonDecoder final : public RecordDecoder {
 public:
  DebeziumJsonDecoder(JsonOptions options, JsonColumn root, bool schema_include)
      : reader_("Debezium", std::move(options), std::move(root)), schema_include_(schema_include) {}

  Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) override {
    // Kafka's tombstones (empty messages) follow deletes; they hold no change.
    if (format_text::TrimJavaWhitespace(record).empty()) return DecodeStatus::kEmpty;
    Status status = Read(record, builder);
    if (!status.ok()) return reader_.Reject(std::move(status), builder);
    return reader_.Finish(builder);
  }

 private:
  Status Read(std::string_view record, BatchBuilder* builder) {
    if (schema_include_) {
      RETURN_NOT_OK(reader_.BeginRecord(record, {{"payload", &payload_}}));
      if (!payload_.present) {
        return reader_.BadMessage(
            "no \"payload\": with 'debezium-json.schema-include' = 'true' the change is read "
            "from {\"schema\": ..., \"payload\": {...}}");
      }
      RETURN_NOT_OK(reader_.ReadObject("payload", payload_,
                                       {{"before", &before_}, {"after", &after_}, {"op", &op_}}));
    } else {
      RETURN_NOT_OK(reader_.BeginRecord(
          record,
          {{"before", &before_}, {"after", &after_}, {"op", &op_}, {"payload", &payload_}}));
    }
    if (op_.is_null()) {
      if (!schema_include_ && payload_.is_object()) {
        return reader_.BadMessage(
            "no \"op\" but a \"payload\": messages that include their schema need "
            "'debezium-json.schema-include' = 'true'");
      }
      return reader_.BadMessage("no \"op\"");
    }
    std::string_view op = op_.text;
    if (op == "c" || op == "r") {
      return reader_.AppendRow("after", after_, RowKind::kInsert, builder);
    }
    if (op == "u") {
      RETURN_NOT_OK(CheckBefore("UPDATE"));
      RETURN_NOT_OK(reader_.AppendRow("before", before_, RowKind::kUpdateBefore, builder));
      return reader_.AppendRow("after", after_, RowKind::kUpdateAfter, builder);
    }
    if (op == "d") {
      RETURN_NOT_OK(CheckBefore("DELETE"));
      return reader_.AppendRow("before", before_, RowKind::kDelete, builder);
    }
    return reader_.BadMessage(
        fmt::format("unknown \"op\" value \"{}\", expected c, r, u or d", op));
  }

  // Debezium's PostgreSQL connector sends no old row unless the table logs
  // whole old rows.
  Status CheckBefore(std::string_view operation) {
    if (!before_.is_null()) return Status::OK();
    return reader_.BadMessage(fmt::format(
        "the \"before\" of this {} is null, so the old row is unknown. With Debezium's "
        "PostgreSQL connector, set the table's REPLICA IDENTITY to FULL (ALTER TABLE <table> "
        "REPLICA IDENTITY FULL) so that updates and deletes carry the whole old row",
        operation));
  }

  ChangelogJsonReader reader_;
  bool schema_include_;
  EnvelopeField payload_;
  EnvelopeField before_;
  EnvelopeField after_;
  EnvelopeField op_;
};

/// Encodes rows as Flink's DebeziumJsonSerializationSchema does: +I and +U as
/// creates {"before":null,"after":{...},"op":"c"}, -U and -D as deletes
/// {"before":{...},"after":null,"op":"d"} (an update is not written as one "u").
class DebeziumJsonEncoder final : public RecordEncoder {
 public:
  DebeziumJsonEncoder(JsonOptions options, JsonColumn root)
      : writer_(std::move(options), std::move(root)) {}

  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    bool omit_nulls = writer_.options().ignore_null_fields;
    size_t start = out->size();
    RowKind kind = batch.row_kind(row);
    Status status;
    if (kind == RowKind::kInsert || kind == RowKind::kUpdateAfter) {
      out->append(omit_nulls ? "{\"after\":" : "{\"before\":null,\"after\":");
      status = writer_.AppendRow(batch, row, out);
      out->append(",\"op\":\"c\"}");
    } else {
      out->append("{\"before\":");
      status = writer_.AppendRow(batch, row, out);
      out->append(omit_nulls ? ",\"op\":\"d\"}" : ",\"after\":null,\"op\":\"d\"}");
    }
    if (!status.ok()) out->resize(start);
    return status;
  }

 private:
  JsonRowWriter writer_;
};

class DebeziumJsonFormatFactory final : public FormatFactory {
 public:
  std::string_view identifier() const override { return kFormat; }
  bool DecodesFieldsByName() const override { return true; }

  OptionSpec options() const override {
    OptionSpec spec = ChangelogJsonOptions();
    spec.optional.insert(spec.optional.begin(), "schema-include");
    return spec;
  }

  ChangelogMode changelog_mode() const override { return ChangelogMode::All(); }

  Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonOptions(options, kFormat));
    ASSIGN_OR_RAISE(bool schema_include, options.GetBool("schema-include", false));
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return std::unique_ptr<RecordDecoder>(
        std::make_unique<DebeziumJsonDecoder>(std::move(json), std::move(root), schema_include));
  }

  Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonOptions(options, kFormat));
    ASSIGN_OR_RAISE(bool schema_include, options.GetBool("schema-include", false));
    if (schema_include) {
      // Flink writes no schema either.
      return Status::Invalid(
          "'debezium-json.schema-include' = 'true' is only for reading: Debezium JSON is written "
          "without a schema");
    }
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return std::unique_ptr<RecordEncoder>(
        std::make_unique<DebeziumJsonEncoder>(std::move(json), std::move(root)));
  }
};

}  // namespace

/// The "debezium-json" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeDebeziumJsonFormatFactory() {
  return std::make_unique<DebeziumJsonFormatFactory>();
}

}  // namespace tiangong
