#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "common/strings.h"
#include "formats/format.h"

namespace tiangong {
namespace {

// Flink's 'raw' format: the whole record is the value of the table's single
// column. Flink also maps numeric columns to their binary encoding (which is
// what 'raw.endianness' is for); here only character and binary strings are
// supported, and their bytes pass through unchanged.
Status ValidateRawFormat(const DataType& row_type, const Configuration& options) {
  std::string charset = options.GetString("charset", "UTF-8");
  if (!EqualsIgnoreCase(charset, "UTF-8") && !EqualsIgnoreCase(charset, "UTF8")) {
    return Status::Invalid(
        "Unsupported 'raw.charset' value '{}': the raw format supports only UTF-8", charset);
  }
  std::string endianness = options.GetString("endianness", "big-endian");
  if (endianness != "big-endian" && endianness != "little-endian") {
    return Status::Invalid(
        "Unsupported endianness name: {}. Valid values of 'raw.endianness' option are "
        "'big-endian' and 'little-endian'.",
        endianness);
  }
  if (row_type.num_fields() != 1) {
    std::vector<std::string> columns;
    for (const RowField& field : row_type.fields()) {
      columns.push_back(fmt::format("`{}` {}", field.name, field.type.ToString()));
    }
    return Status::Invalid(
        "The 'raw' format only supports a single physical column. However the defined schema "
        "contains {} physical columns: [{}]",
        columns.size(), Join(columns, ", "));
  }
  const RowField& column = row_type.fields()[0];
  if (!column.type.is_string_storage()) {
    return Status::Invalid(
        "The 'raw' format supports only STRING, VARCHAR, CHAR, BYTES, VARBINARY and BINARY "
        "columns, but column `{}` is {}",
        column.name, column.type.ToString());
  }
  return Status::OK();
}

/// Appends each record as it is: one row, one value.
class RawDecoder final : public RecordDecoder {
 public:
  Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) override {
    builder->column(0).AppendString(record);
    builder->FinishRow();
    return DecodeStatus::kRow;
  }
};

/// Writes the column's bytes; a NULL value writes nothing (Flink emits a null
/// message, e.g. a Kafka tombstone, which a byte string cannot express).
class RawEncoder final : public RecordEncoder {
 public:
  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    const Vector& column = *batch.column(0);
    if (!column.IsNull(row)) out->append(column.StringAt(row));
    return Status::OK();
  }
};

class RawFormatFactory final : public FormatFactory {
 public:
  std::string_view identifier() const override { return "raw"; }

  OptionSpec options() const override { return OptionSpec{{}, {"charset", "endianness"}, {}}; }

  Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    RETURN_NOT_OK(ValidateRawFormat(row_type, options));
    return std::unique_ptr<RecordDecoder>(std::make_unique<RawDecoder>());
  }

  Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const override {
    RETURN_NOT_OK(ValidateRawFormat(row_type, options));
    return std::unique_ptr<RecordEncoder>(std::make_unique<RawEncoder>());
  }
};

}  // namespace

/// The "raw" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeRawFormatFactory() {
  return std::make_unique<RawFormatFactory>();
}

}  // namespace tiangong
