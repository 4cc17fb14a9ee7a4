#pragma once

#include <cstdio>
#include <memory>

#include "connectors/connector.h"
#include "sql/plan.h"

namespace tiangong {

/// Prints the result of a standalone SELECT the way Flink's SQL client does in
/// tableau mode. Streaming: an "op" column with the row kind, column widths from
/// the types, rows as they arrive. Batch: widths from the data, all rows at the
/// end. NULL shows as <NULL>; values in their SQL text form.
std::shared_ptr<const TableSink> MakeTableauSink(const sql::PlanSchema& schema, bool batch_mode,
                                                 std::FILE* stream);

}  // namespace tiangong
