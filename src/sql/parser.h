#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/ast.h"

namespace tiangong::sql {

/// Parses a script of Flink SQL statements separated by semicolons. Errors are
/// ParseError statuses that give the line, the column, the offending text with a
/// caret under it, and what was expected.
Result<std::vector<Statement>> ParseScript(std::string_view text);

/// Parses one expression (for computed columns given as text, and tests).
Result<ParsedExpressionPtr> ParseExpression(std::string_view text);

/// Parses a data type such as "ROW<a INT, b ARRAY<STRING>> NOT NULL".
Result<DataType> ParseDataType(std::string_view text);

}  // namespace tiangong::sql
