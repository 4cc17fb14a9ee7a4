#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "formats/format.h"
#include "formats/json_values.h"

namespace tiangong {

/// The options that every changelog json format (debezium-json, canal-json,
/// maxwell-json) accepts besides its own.
OptionSpec ChangelogJsonOptions();

/// Writes each row as one change event whose operation is only "insert" or
/// "delete", as Flink's canal-json and maxwell-json writers do: `prefix`, the
/// row as a JSON object, then `insert_suffix` for +I and +U rows or
/// `delete_suffix` for -U and -D rows (an update is two events).
std::unique_ptr<RecordEncoder> MakeChangelogEventEncoder(JsonOptions options, JsonColumn root,
                                                         std::string prefix,
                                                         std::string insert_suffix,
                                                         std::string delete_suffix);

}  // namespace tiangong
