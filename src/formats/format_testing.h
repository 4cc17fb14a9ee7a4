#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formats/format.h"
#include "types/value_format.h"
#include "types/vector_builder.h"

/// Test support shared by the format tests: decode or encode one record with a
/// built-in format and describe the outcome as a string a test can compare.
namespace tiangong::format_testing {

inline const FormatFactory& Format(std::string_view name) { return *BuiltinFormats().Find(name); }

inline std::unique_ptr<RecordDecoder> MakeDecoder(std::string_view format, const DataType& row_type,
                                                  Configuration::Entries options = {}) {
  auto decoder =
      Format(format).CreateDecoder(row_type, Configuration(std::move(options)), FunctionContext());
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  return decoder.ok() ? decoder.MoveValue() : nullptr;
}

inline std::unique_ptr<RecordEncoder> MakeEncoder(std::string_view format, const DataType& row_type,
                                                  Configuration::Entries options = {}) {
  auto encoder =
      Format(format).CreateEncoder(row_type, Configuration(std::move(options)), FunctionContext());
  EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
  return encoder.ok() ? encoder.MoveValue() : nullptr;
}

/// Decodes `record` alone: the print form of its rows ("+I[1, a]", one line per
/// row), "empty", "skipped", or "error: <message>". Checks that a failed,
/// skipped or empty record appended nothing.
inline std::string Decode(RecordDecoder* decoder, const DataType& row_type,
                          std::string_view record) {
  BatchBuilder builder(row_type);
  auto status = decoder->Decode(record, &builder);
  Batch batch = builder.Build();
  if (!status.ok()) {
    EXPECT_EQ(batch.num_rows(), 0u) << "a failed record appended a row";
    EXPECT_EQ(status.status().code(), StatusCode::kDataError);
    return "error: " + status.status().message();
  }
  if (*status == DecodeStatus::kEmpty || *status == DecodeStatus::kSkipped) {
    EXPECT_EQ(batch.num_rows(), 0u);
    return *status == DecodeStatus::kEmpty ? "empty" : "skipped";
  }
  EXPECT_GE(batch.num_rows(), 1u);
  std::string rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (row > 0) rows.push_back('\n');
    rows += FormatPrintRow(batch, row);
  }
  return rows;
}

inline std::string DecodeWith(std::string_view format, const DataType& row_type,
                              std::string_view record, Configuration::Entries options = {}) {
  auto decoder = MakeDecoder(format, row_type, std::move(options));
  return decoder ? Decode(decoder.get(), row_type, record) : "no decoder";
}

/// Encodes one row of kind `kind` given as one Value per column: the text, or
/// "error: <message>" (checking that a failed row left no output behind).
inline std::string Encode(RecordEncoder* encoder, const DataType& row_type,
                          const std::vector<Value>& row, RowKind kind = RowKind::kInsert) {
  std::vector<VectorPtr> columns;
  for (size_t i = 0; i < row.size(); ++i) {
    columns.push_back(MakeVector(row_type.fields()[i].type, {row[i]}));
  }
  std::vector<RowKind> kinds;
  if (kind != RowKind::kInsert) kinds.push_back(kind);
  Batch batch(std::move(columns), 1, std::move(kinds));
  std::string out = "prefix:";
  Status status = encoder->Encode(batch, 0, &out);
  if (!status.ok()) {
    EXPECT_EQ(out, "prefix:") << "a failed row left output behind";
    return "error: " + status.message();
  }
  return out.substr(7);
}

inline std::string EncodeWith(std::string_view format, const DataType& row_type,
                              const std::vector<Value>& row, Configuration::Entries options = {},
                              RowKind kind = RowKind::kInsert) {
  auto encoder = MakeEncoder(format, row_type, std::move(options));
  return encoder ? Encode(encoder.get(), row_type, row, kind) : "no encoder";
}

/// "created", or the message of the error creating a decoder.
inline std::string CreateError(std::string_view format, const DataType& row_type,
                               Configuration::Entries options) {
  auto decoder =
      Format(format).CreateDecoder(row_type, Configuration(std::move(options)), FunctionContext());
  if (decoder.ok()) return "created";
  return decoder.status().message();
}

/// "created", or the message of the error creating an encoder.
inline std::string CreateEncoderError(std::string_view format, const DataType& row_type,
                                      Configuration::Entries options) {
  auto encoder =
      Format(format).CreateEncoder(row_type, Configuration(std::move(options)), FunctionContext());
  if (encoder.ok()) return "created";
  return encoder.status().message();
}

/// Encodes every row of `batch` with `encoder` and decodes each record with
/// `decoder`: the decoded rows, one line each, as Decode prints them.
inline std::string RoundTrip(RecordEncoder* encoder, RecordDecoder* decoder,
                             const DataType& row_type, const Batch& batch) {
  std::string rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string record;
    Status encoded = encoder->Encode(batch, row, &record);
    if (!encoded.ok()) return "error: " + encoded.message();
    if (!rows.empty()) rows.push_back('\n');
    rows += Decode(decoder, row_type, record);
  }
  return rows;
}

}  // namespace tiangong::format_testing
