#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "connectors/changelog_mode.h"
#include "connectors/connector.h"
#include "functions/function_context.h"
#include "types/batch.h"
#include "types/batch_builder.h"

namespace tiangong {

/// The format API: how records (a line of a file, a Kafka message) become rows
/// and back. A format is found by the table's 'format' option; its own options
/// carry the format name as prefix in the table ('json.ignore-parse-errors') and
/// reach the factory without it ('ignore-parse-errors').

/// Outcome of decoding one record.
enum class DecodeStatus {
  kRow,      // one or more rows appended
  kSkipped,  // a bad record ignored because of 'ignore-parse-errors'
  kEmpty,    // nothing to append (e.g. a blank line)
};

/// Turns serialized records into rows. Not thread-safe: one per reader.
class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  /// Decodes `record` and appends its rows to `builder` (one value per column,
  /// then FinishRow with the row's kind, for each row). A record of a changelog
  /// format may hold several rows (an update's -U and +U; a Canal message's
  /// rows) or none (a DDL event: kEmpty). On a bad record it appends nothing and
  /// returns a DataError that names the column and the value and says why. With
  /// the format's 'ignore-parse-errors', as in Flink, a field that does not
  /// convert becomes NULL and the row is kept, and a record that cannot be read
  /// at all (not JSON, an unclosed quote) appends nothing and returns kSkipped.
  /// Callers add where the record came from.
  virtual Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) = 0;
};

/// Turns rows into serialized records. Not thread-safe: one per writer.
class RecordEncoder {
 public:
  virtual ~RecordEncoder() = default;
  /// Appends the encoding of row `row` of `batch` to `out` (no line separator).
  /// The row's kind (batch.row_kind(row)) is one the format's changelog_mode()
  /// has.
  virtual Status Encode(const Batch& batch, size_t row, std::string* out) = 0;
};

class FormatFactory {
 public:
  virtual ~FormatFactory() = default;
  /// The 'format' value: "csv", "json", "raw".
  virtual std::string_view identifier() const = 0;
  /// Accepted options, without the format-name prefix.
  virtual OptionSpec options() const = 0;
  /// The row kinds the format's decoders produce and its encoders accept:
  /// insert-only for plain formats, all kinds for changelog formats such as
  /// debezium-json.
  virtual ChangelogMode changelog_mode() const { return ChangelogMode::InsertOnly(); }
  /// Whether a decoder finds fields by name, so that it may be given a ROW of
  /// some of a record's fields and skip the others (json); otherwise it reads
  /// every field in order (csv).
  virtual bool DecodesFieldsByName() const { return false; }
  /// `options` are the table's format options with the prefix removed; `row_type`
  /// is a ROW of the columns to decode.
  virtual Result<std::unique_ptr<RecordDecoder>> CreateDecoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const = 0;
  virtual Result<std::unique_ptr<RecordEncoder>> CreateEncoder(
      const DataType& row_type, const Configuration& options,
      const FunctionContext& context) const = 0;
};

class FormatRegistry {
 public:
  void Add(std::unique_ptr<FormatFactory> factory);
  /// nullptr when there is none.
  const FormatFactory* Find(std::string_view identifier) const;
  std::vector<std::string> Identifiers() const;

 private:
  std::vector<std::unique_ptr<FormatFactory>> factories_;
};

/// Every built-in format.
const FormatRegistry& BuiltinFormats();

/// The factory named by `options[format_key]` (e.g. "format", "value.format"),
/// with the format's options (prefixed by the format name) added to `spec` so
/// that ValidateOptions accepts them. Fails naming the table when the format is
/// unknown.
Result<const FormatFactory*> ResolveFormat(const std::string& table_name,
                                           const Configuration& options,
                                           std::string_view format_key, OptionSpec* spec);

/// The table's options for `format` with the "<format>." prefix removed.
Configuration FormatOptions(const Configuration& options, std::string_view format);

}  // namespace tiangong
