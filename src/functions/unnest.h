#pragma once

#include "common/result.h"
#include "functions/table_function.h"
#include "types/data_type.h"

namespace tiangong {

/// UNNEST over a value of type `argument` (ARRAY or MAP): a row per element,
/// whose columns are the element (the fields of a ROW element, named after
/// them), or a MAP entry's KEY and VALUE; WITH ORDINALITY adds the 1-based
/// position as ORDINALITY. A NULL or empty collection produces no rows.
Result<TableFunctionPtr> MakeUnnest(const DataType& argument, bool with_ordinality);

}  // namespace tiangong
