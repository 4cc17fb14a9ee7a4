#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "types/data_type.h"
#include "udf/plugin.h"

namespace tiangong::udf {

/// The types the arguments of a call of `function` (registered as `sql_name`)
/// are cast to: the declared type of each argument, the last one repeated for
/// a variadic function. Fails with the standard "Invalid function call" error
/// when the number of arguments differs or an argument does not convert
/// implicitly (see CanImplicitlyCast) to its declared type.
Result<std::vector<DataType>> MatchSignature(std::string_view sql_name,
                                             const PluginFunction& function,
                                             std::span<const DataType> actual);

}  // namespace tiangong::udf
