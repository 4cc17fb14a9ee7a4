#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "formats/changelog_table_filter.h"
#include "formats/format.h"
#include "formats/json_values.h"

namespace tiangong {

/// The options that every changelog json format (debezium-json, canal-json,
/// maxwell-json) accepts besides its own.
OptionSpec ChangelogJsonOptions();

/// How a change-event format wraps a row when writing: `prefix`, the row as a
/// JSON object, then `insert_suffix` for +I and +U rows or `delete_suffix` for
/// -U and -D rows (an update is two events), as Flink's canal-json and
/// maxwell-json writers do.
struct ChangeEventEnvelope {
  std::string prefix;
  std::string insert_suffix;
  std::string delete_suffix;
};

/// Makes a format's decoder from its JSON options, the row to fill and the
/// 'database.include' / 'table.include' filter.
using ChangeEventDecoderMaker = std::function<std::unique_ptr<RecordDecoder>(
    JsonOptions options, JsonColumn root, ChangelogTableFilter filter)>;

/// The factory of a change-event JSON format whose messages name their
/// database and table (canal-json, maxwell-json): the changelog json options
/// plus 'database.include' and 'table.include', every row kind, fields
/// decoded by name, the decoder `make_decoder` makes, and an encoder that
/// writes rows in `envelope`.
std::unique_ptr<FormatFactory> MakeChangeEventJsonFormatFactory(
    std::string_view format, ChangeEventDecoderMaker make_decoder, ChangeEventEnvelope envelope);

/// The same, for a decoder class constructed from (JsonOptions, JsonColumn,
/// ChangelogTableFilter).
template <typename Decoder>
std::unique_ptr<FormatFactory> MakeChangeEventJsonFormatFactory(std::string_view format,
                                                                ChangeEventEnvelope envelope) {
  return MakeChangeEventJsonFormatFactory(
      format,
      [](JsonOptions options, JsonColumn root, ChangelogTableFilter filter) {
        return std::unique_ptr<RecordDecoder>(
            std::make_unique<Decoder>(std::move(options), std::move(root), std::move(filter)));
      },
      std::move(envelope));
}

}  // namespace tiangong
