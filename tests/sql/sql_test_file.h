#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace tiangong {

/// One step of a SQL logic test file.
///
///   statement ok            the SQL (one or more statements) succeeds; INSERT jobs
///   <sql lines>             run to completion
///
///   statement error <text>  the SQL fails with an error containing <text>
///   <sql lines>
///
///   query [rowsort]         the last statement is a SELECT whose rows, in Flink's
///   <sql lines>             print form (+I[1, a]), are exactly the lines after
///   ----                    "----" (sorted first with rowsort, for parallel or
///   <expected rows>         unordered results)
///
///   query materialize       like query rowsort, but of the table the changelog
///   <sql lines>             builds: +I/+U rows are added, -U/-D rows remove an
///   ----                    equal row (which must be there); the expected rows
///   <expected rows>         are the final ones, as +I[...]
///
///   query error <text>      the query fails (at planning or at run time) with an
///   <sql lines>             error containing <text>
///
///   file <name>             creates ${TEST_DIR}/<name> with the lines up to "EOF"
///   <content lines>
///   EOF
///
///   explain                 the optimized physical plan of the statement (the
///   <sql lines>             "== Optimized Physical Plan ==" section of EXPLAIN)
///   ----                    is exactly these lines (paths under the test
///                           directory written ${TEST_DIR}/...)
///   <expected plan lines>
///
///   output <path> [rowsort] the files under ${TEST_DIR}/<path> (a file, or every
///   <expected lines>        visible file of a directory) hold exactly these lines
///
///   output <path> absent    nothing exists at ${TEST_DIR}/<path>
///
/// Records end at a blank line. Lines starting with '#' between records are
/// comments. ${TEST_DIR} in SQL is a fresh directory per test file.
struct SqlTestRecord {
  enum class Kind { kStatementOk, kStatementError, kQuery, kQueryError, kExplain, kFile, kOutput };
  Kind kind;
  int line = 0;  // where the record starts
  std::string sql;
  std::string expected_error;
  bool rowsort = false;
  bool materialize = false;
  bool absent = false;  // output: the path must not exist
  std::string path;
  std::vector<std::string> expected;  // rows, file lines
};

Result<std::vector<SqlTestRecord>> ParseSqlTestFile(const std::string& text);

}  // namespace tiangong
