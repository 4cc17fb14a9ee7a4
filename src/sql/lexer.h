#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/token.h"

namespace tiangong::sql {

/// Splits Flink SQL text into tokens. Skips whitespace, `-- line` and
/// `/* block */` comments. Errors carry the line and column.
Result<std::vector<Token>> Tokenize(std::string_view text);

/// "line 3, column 14" followed by the offending line of `text` and a caret under
/// the column, for error messages.
std::string DescribeLocation(std::string_view text, const SourceLocation& location);

}  // namespace tiangong::sql
