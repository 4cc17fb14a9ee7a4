#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "common/result.h"
#include "formats/format.h"
#include "formats/json_values.h"
#include "types/batch_builder.h"
#include "types/row_kind.h"

namespace tiangong {

/// A field of a changelog message's envelope as first read, before its rows are.
struct EnvelopeField {
  /// The message had the field (it may still be JSON null).
  bool present = false;
  simdjson::ondemand::json_type type = simdjson::ondemand::json_type::null;
  /// An object: its raw JSON, a view into the padded record, read as a row
  /// later. A string: its unescaped text. A number or boolean: its token.
  /// Valid until the next record.
  std::string_view text;
  /// An array: its elements, each read as above (a nested array only by type).
  std::vector<EnvelopeField> elements;

  bool is_null() const { return type == simdjson::ondemand::json_type::null; }
  bool is_object() const { return type == simdjson::ondemand::json_type::object; }
};

/// The top-level fields a decoder wants from an object, by key, and where to
/// read them to.
using EnvelopeFields = std::initializer_list<std::pair<std::string_view, EnvelopeField*>>;

/// What the decoders of the changelog formats (debezium-json, canal-json,
/// maxwell-json) share. A message is parsed once for its envelope: the
/// operation, the database and table, and the raw JSON of each row. Each row is
/// then read from its raw JSON by a JsonRowReader, exactly as the json format
/// reads a record, into the builder's columns; the rows are finished with their
/// kinds only once the whole message has been read, so that a bad message
/// appends nothing. With 'ignore-parse-errors', as in Flink, a value that does
/// not convert becomes NULL and a message that cannot be read is skipped.
///
/// A decoder calls BeginRecord, ReadObject for nested envelopes, AppendRow and
/// AppendOverlaidRow for the rows in order, then Finish, or Reject with the
/// first error. Not thread-safe: one per decoder.
class ChangelogJsonReader {
 public:
  /// `title` names the format in messages: "Debezium", "Canal", "Maxwell".
  ChangelogJsonReader(std::string title, JsonOptions options, JsonColumn root);

  const JsonOptions& options() const { return rows_.options(); }

  /// Starts decoding `record` (which must outlive the record's calls): parses
  /// it and reads the top-level fields named in `fields`, skipping the others;
  /// of duplicate keys the last wins, as Jackson reads them. Fails when the
  /// record is not a JSON object.
  Status BeginRecord(std::string_view record, EnvelopeFields fields);
  /// Reads the fields of `object`, an object field read before, as BeginRecord
  /// reads the top level. String fields read before lose their text.
  Status ReadObject(std::string_view name, const EnvelopeField& object, EnvelopeFields fields);

  /// Appends the row held by `field` (a JSON object, named `name` in messages)
  /// with `kind`.
  Status AppendRow(std::string_view name, const EnvelopeField& field, RowKind kind,
                   BatchBuilder* builder);
  /// Appends, with `kind`, the row `base` with the fields `overlay` has
  /// replaced by its values: the row before an update, from the new row and the
  /// old values of the columns that changed. Both are JSON objects.
  Status AppendOverlaidRow(std::string_view overlay_name, const EnvelopeField& overlay,
                           std::string_view base_name, const EnvelopeField& base, RowKind kind,
                           BatchBuilder* builder);

  /// Finishes the rows appended for the record: kRow, or kEmpty when it had none.
  DecodeStatus Finish(BatchBuilder* builder);
  /// Drops the rows appended for the record: kSkipped with 'ignore-parse-errors',
  /// otherwise `status`.
  Result<DecodeStatus> Reject(Status status, BatchBuilder* builder);

  /// A DataError about the message as a whole, quoting it:
  /// "<what> (Debezium JSON message '<record>')".
  Status BadMessage(std::string_view what) const;

 private:
  Status ReadFields(simdjson::ondemand::object& object, EnvelopeFields fields);
  Status ReadValue(simdjson::ondemand::value value, bool expand_array, EnvelopeField* field);
  Status CheckObject(std::string_view name, const EnvelopeField& field) const;

  std::string title_;
  JsonRowReader rows_;
  JsonPaddedBuffer padded_;
  simdjson::ondemand::parser parser_;  // for envelopes; rows_ has its own
  std::vector<RowKind> pending_;       // kinds of the rows appended for the record
  std::string_view record_;
};

}  // namespace tiangong
