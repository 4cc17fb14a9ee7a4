#include "formats/change_event_json_format.h"

#include <utility>

namespace tiangong {
namespace {

class ChangeEventEncoder final : public RecordEncoder {
 public:
  ChangeEventEncoder(JsonOptions options, JsonColumn root, const ChangeEventEnvelope& envelope)
      : writer_(std::move(options), std::move(root)), envelope_(envelope) {}

  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    size_t start = out->size();
    RowKind kind = batch.row_kind(row);
    out->append(envelope_.prefix);
    Status status = writer_.AppendRow(batch, row, out);
    out->append(kind == RowKind::kInsert || kind == RowKind::kUpdateAfter
                    ? envelope_.insert_suffix
                    : envelope_.delete_suffix);
    if (!status.ok()) out->resize(start);
    return status;
  }

 private:
  JsonRowWriter writer_;
  ChangeEventEnvelope envelope_;
};

class ChangeEventJsonFormatFactory final : public FormatFactory {
 public:
  ChangeEventJsonFormatFactory(std::string_view format, ChangeEventDecoderMaker make_decoder,
                               ChangeEventEnvelope envelope)
      : format_(format), make_decoder_(std::move(make_decoder)), envelope_(std::move(envelope)) {}

  std::string_view identifier() const override { return format_; }
  bool DecodesFieldsByName() const override { return true; }

  OptionSpec options() const override {
    OptionSpec spec = ChangelogJsonOptions();
    spec.optional.insert(spec.optional.end(), {"database.include", "table.include"});
    return spec;
  }

  ChangelogMode changelog_mode() const override { return ChangelogMode::All(); }

  Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonOptions(options, format_));
    ASSIGN_OR_RAISE(ChangelogTableFilter filter, ChangelogTableFilter::Make(options, format_));
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return make_decoder_(std::move(json), std::move(root), std::move(filter));
  }

  Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    ASSIGN_OR_RAISE(JsonOptions json, ReadJsonOptions(options, format_));
    ASSIGN_OR_RAISE(JsonColumn root, MakeJsonRoot(row_type));
    return std::unique_ptr<RecordEncoder>(
        std::make_unique<ChangeEventEncoder>(std::move(json), std::move(root), envelope_));
  }

 private:
  std::string format_;
  ChangeEventDecoderMaker make_decoder_;
  ChangeEventEnvelope envelope_;
};

}  // namespace

OptionSpec ChangelogJsonOptions() {
  return OptionSpec{
      {},
      {"ignore-parse-errors", "timestamp-format.standard", "map-null-key.mode",
       "map-null-key.literal", "encode.decimal-as-plain-number", "encode.ignore-null-fields"},
      {}};
}

std::unique_ptr<FormatFactory> MakeChangeEventJsonFormatFactory(
    std::string_view format, ChangeEventDecoderMaker make_decoder, ChangeEventEnvelope envelope) {
  return std::make_unique<ChangeEventJsonFormatFactory>(format, std::move(make_decoder),
                                                        std::move(envelope));
}

}  // namespace tiangong
