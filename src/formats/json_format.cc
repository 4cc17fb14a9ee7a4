#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "formats/format.h"
#include "formats/json_values.h"
#include "formats/value_text.h"

namespace tiangong {

namespace {

Result<JsonOptions> ReadJsonFormatOptions(const Configuration& options) {
  ASSIGN_OR_RAISE(JsonOptions json, ReadJsonOptions(options, "json"));
  ASSIGN_OR_RAISE(json.fail_on_missing_field, options.GetBool("fail-on-missing-field", false));
  if (json.fail_on_missing_field && json.ignore_parse_errors) {
    return Status::Invalid(
        "json.fail-on-missing-field and json.ignore-parse-errors shouldn't both be true.");
  }
  // Flink's choice between two equivalent parsers; accepted and checked only.
  ASSIGN_OR_RAISE(bool parser_enabled, options.GetBool("decode.json-parser.enabled", true));
  static_cast<void>(parser_enabled);
  return json;
}

/// Decodes one JSON object per record, as Flink's JsonRowDataDeserializationSchema
/// with JsonToRowDataConverters (see JsonRowReader). With 'ignore-parse-errors' a
/// value that does not convert becomes NULL and a record that is not JSON is
/// skipped.
class JsonDecoder final : public RecordDecoder {
 public:
  JsonDecoder(JsonOptions options, JsonColumn root)
      : reader_(std::move(options), std::move(root)) {}

  Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) override {
    if (format_text::TrimJavaWhitespace(record).empty()) return DecodeStatus::kEmpty;
    reader_.BeginRecord(record);
    Result<bool> appended = reader_.AppendRow(padded_.Pad(record), builder);
    if (!appended.ok()) {
      builder->AbandonRow();
      if (reader_.options().ignore_parse_errors) return DecodeStatus::kSkipped;
      return appended.status();
    }
    if (!*appended) return DecodeStatus::kEmpty;
    builder->FinishRow();
    return DecodeStatus::kRow;
  }

 private:
  JsonRowReader reader_;
  JsonPaddedBuffer padded_;
};

/// Encodes rows as compact JSON objects, as Flink's JsonRowDataSerializationSchema
/// with RowDataToJsonConverters writes them.
class JsonEncoder final : public RecordEncoder {
 public:
  JsonEncoder(JsonOptions options, JsonColumn root)
      : writer_(std::move(options), std::move(root)) {}

  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    size_t start = out->size();
    Status status = writer_.AppendRow(batch, row, out);
    if (!status.ok()) out->resize(start);
    return status;
  }

 private:
  JsonRowWriter writer_;
};

class JsonFormatFactory final : public FormatFactory {
 public:
  std::string_view identifier() const override { return "json"; }
  bool DecodesFieldsByName() const override { return true; }

  OptionSpec options() const override {
    return OptionSpec{
        {},
        {"fail-on-missing-field", "ignore-parse-errors", "timestamp-format.standard",
         "map-null-key.mode", "map-null-key.literal", "encode.decimal-as-plain-number",
         "encode.ignore-null-fields", "decode.json-parser.enabled"},
        {}};
  }

  Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonFormatOptions(options));
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return std::unique_ptr<RecordDecoder>(
        std::make_unique<JsonDecoder>(std::move(json), std::move(root)));
  }

  Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonFormatOptions(options));
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return std::unique_ptr<RecordEncoder>(
        std::make_unique<JsonEncoder>(std::move(json), std::move(root)));
  }
};

}  // namespace

/// The "json" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeJsonFormatFactory() {
  return std::make_unique<JsonFormatFactory>();
}

}  // namespace tiangong
