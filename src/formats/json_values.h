#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/configuration.h"
#include "common/result.h"
#include "types/batch.h"
#include "types/batch_builder.h"

/// Table rows as JSON objects, shared by the formats that carry rows in JSON:
/// json, and the changelog formats debezium-json, canal-json and maxwell-json,
/// which wrap the same row objects in an envelope. Reading follows Flink's
/// JsonToRowDataConverters and writing its RowDataToJsonConverters (with
/// Jackson's text forms), so a row reads and writes the same in every one of
/// them. This header brings in simdjson: only the JSON formats include it.
namespace tiangong {

/// 'map-null-key.mode': what writing a MAP does with a NULL key.
enum class MapNullKeyMode { kFail, kDrop, kLiteral };

/// The options of a JSON format, read once when a decoder or encoder is made.
struct JsonOptions {
  /// The format's name, which prefixes its options in messages: "json",
  /// "debezium-json".
  std::string format;
  bool ignore_parse_errors = false;
  bool iso_timestamps = false;  // 'timestamp-format.standard' = 'ISO-8601'
  MapNullKeyMode map_null_key_mode = MapNullKeyMode::kFail;
  std::string map_null_key_literal = "null";
  bool decimals_as_plain_numbers = false;
  bool ignore_null_fields = false;
  bool fail_on_missing_field = false;  // json only
};

/// Reads the options every JSON format has ('ignore-parse-errors',
/// 'timestamp-format.standard', 'map-null-key.mode', 'map-null-key.literal',
/// 'encode.decimal-as-plain-number', 'encode.ignore-null-fields') from a
/// format's `options` (without prefix). Errors name the option with the
/// `format` prefix, as the table spells it.
Result<JsonOptions> ReadJsonOptions(const Configuration& options, std::string_view format);

/// A column, array element, map key/value or nested field as JSON reads and
/// writes it.
struct JsonColumn {
  std::string name;       // the JSON key of a ROW field
  std::string label;      // how messages name it: "`user`.`id`"
  std::string type_name;  // "DECIMAL(10, 2)"
  DataType type;
  std::vector<JsonColumn> children;  // ARRAY: element; MAP: key, value; ROW: fields
  std::vector<uint8_t> seen;         // ROW: which fields the current object had
};

/// The columns of `row_type` as the fields of one JSON object. Fails for types
/// JSON cannot hold (a MAP whose key is not a string).
Result<JsonColumn> MakeJsonRoot(const DataType& row_type);

/// The name Flink's messages use for a JSON type: "object", "number", …
std::string_view JsonTypeName(simdjson::ondemand::json_type type);

/// A reusable copy of the record being read, followed by the padding simdjson
/// reads past the end of its input. Not thread-safe.
class JsonPaddedBuffer {
 public:
  /// A padded copy of `record`, valid until the next call.
  simdjson::padded_string_view Pad(std::string_view record);
  /// `part` as padded text: everything after it in the buffer is its padding.
  /// REQUIRES: `part` lies inside the text of the last Pad().
  simdjson::padded_string_view PaddedPart(std::string_view part) const;

 private:
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
};

/// Reads JSON objects into table rows, as Flink's JsonToRowDataConverters do:
/// fields by name (case-sensitive, the last of duplicate keys wins), numbers and
/// strings converted into each other where Flink accepts them, missing fields
/// NULL. A value that does not convert fails with a DataError naming the column
/// and the value, or with 'ignore-parse-errors' becomes NULL. Not thread-safe:
/// one per decoder.
class JsonRowReader {
 public:
  JsonRowReader(JsonOptions options, JsonColumn root);

  const JsonOptions& options() const { return options_; }

  /// Starts a record: errors about malformed JSON quote `record`, which must
  /// outlive the calls that follow.
  void BeginRecord(std::string_view record);
  /// The current record turned out not to be JSON at all. Such a record is
  /// skipped as a whole with 'ignore-parse-errors' (no field becomes NULL).
  bool malformed() const { return malformed_; }
  /// The error for text simdjson rejects, quoting the record; marks the record
  /// malformed.
  Status Malformed(simdjson::error_code error);

  /// Parses `json` and appends it as one row: one value to every column of
  /// `builder`, without FinishRow. Returns false, appending nothing, when `json`
  /// is JSON null. Fails when `json` is not a JSON object or a value does not
  /// convert; the columns may then hold part of a row (AbandonRow drops it).
  Result<bool> AppendRow(simdjson::padded_string_view json, BatchBuilder* builder);
  /// Appends one row whose columns take their value from the JSON object
  /// `overlay` where it has the field and from the JSON object `base` elsewhere:
  /// the row before an update, from the changed old values and the new row.
  /// Fails as AppendRow does.
  Status AppendOverlaidRow(simdjson::padded_string_view overlay, simdjson::padded_string_view base,
                           BatchBuilder* builder);

 private:
  Status IterateObject(simdjson::padded_string_view json, simdjson::ondemand::document* document,
                       simdjson::ondemand::object* object);
  Status GetterFailed(const JsonColumn& column, simdjson::error_code error, std::string_view text);
  template <typename FieldBuilder>
  Status AppendFields(JsonColumn& row, simdjson::ondemand::object& object, bool fill_missing,
                      const std::vector<uint8_t>* skip, FieldBuilder&& field_builder);
  Status AppendNullable(JsonColumn& column, simdjson::ondemand::value value,
                        VectorBuilder* builder);
  Status ValueText(simdjson::ondemand::value value, simdjson::ondemand::json_type type,
                   std::string_view* text);
  Status AppendValue(JsonColumn& column, simdjson::ondemand::value value, VectorBuilder* builder);
  template <typename T>
  Status AppendInteger(const JsonColumn& column, simdjson::ondemand::value value,
                       simdjson::ondemand::json_type type, VectorBuilder* builder);
  Status AppendFloating(const JsonColumn& column, simdjson::ondemand::value value,
                        simdjson::ondemand::json_type type, VectorBuilder* builder);
  Status AppendString(simdjson::ondemand::value value, simdjson::ondemand::json_type type,
                      VectorBuilder* builder);

  JsonOptions options_;
  JsonColumn root_;
  simdjson::ondemand::parser parser_;
  std::vector<uint8_t> overlaid_;  // AppendOverlaidRow: the columns `overlay` had
  std::string_view record_;        // the record being decoded, for messages
  bool malformed_ = false;         // the record being decoded is not valid JSON
  std::string bytes_;              // decoded base64
};

/// Writes table rows as compact JSON objects, as Flink's
/// RowDataToJsonConverters with Jackson write them. Not thread-safe: one per
/// encoder.
class JsonRowWriter {
 public:
  JsonRowWriter(JsonOptions options, JsonColumn root);

  const JsonOptions& options() const { return options_; }

  /// Appends row `row` of `batch` (one column per field of the root) as a JSON
  /// object. On failure `out` may hold part of it; the caller truncates.
  Status AppendRow(const Batch& batch, size_t row, std::string* out);

 private:
  Status AppendField(const JsonColumn& column, const Vector& vector, size_t row, bool* first,
                     std::string* out);
  Status AppendValue(const JsonColumn& column, const Vector& vector, size_t row, std::string* out);

  JsonOptions options_;
  JsonColumn root_;
};

/// Appends `text` as a JSON string with Jackson's escaping: quote, backslash
/// and control characters; other bytes, UTF-8 included, as they are.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace tiangong
