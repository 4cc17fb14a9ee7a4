#include "sql_test_file.h"

#include <sstream>

#include "common/strings.h"

namespace tiangong {

Result<std::vector<SqlTestRecord>> ParseSqlTestFile(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  std::vector<SqlTestRecord> records;
  size_t i = 0;
  auto blank = [&](size_t index) { return TrimWhitespace(lines[index]).empty(); };
  while (i < lines.size()) {
    if (blank(i) || lines[i][0] == '#') {
      ++i;
      continue;
    }
    SqlTestRecord record;
    record.line = static_cast<int>(i + 1);
    std::string header = lines[i];
    std::vector<std::string_view> words = Split(header, ' ');
    std::string_view verb = words[0];
    std::string rest = words.size() > 1 ? header.substr(header.find(' ') + 1) : "";
    ++i;
    if (verb == "file") {
      record.kind = SqlTestRecord::Kind::kFile;
      record.path = rest;
      while (i < lines.size() && lines[i] != "EOF") record.expected.push_back(lines[i++]);
      if (i == lines.size()) {
        return Status::Invalid("line {}: 'file' without a closing EOF line", record.line);
      }
      ++i;
      records.push_back(std::move(record));
      continue;
    }
    if (verb == "output") {
      record.kind = SqlTestRecord::Kind::kOutput;
      std::vector<std::string_view> parts = Split(rest, ' ');
      record.path = std::string(parts[0]);
      record.rowsort = parts.size() > 1 && parts[1] == "rowsort";
      record.absent = parts.size() > 1 && parts[1] == "absent";
      while (i < lines.size() && !blank(i)) record.expected.push_back(lines[i++]);
      records.push_back(std::move(record));
      continue;
    }
    if (verb == "statement") {
      if (rest == "ok") {
        record.kind = SqlTestRecord::Kind::kStatementOk;
      } else if (rest.starts_with("error")) {
        record.kind = SqlTestRecord::Kind::kStatementError;
        record.expected_error = std::string(TrimWhitespace(rest.substr(5)));
      } else {
        return Status::Invalid("line {}: expected 'statement ok' or 'statement error <text>'",
                               record.line);
      }
    } else if (verb == "explain") {
      record.kind = SqlTestRecord::Kind::kExplain;
    } else if (verb == "query") {
      if (rest.starts_with("error")) {
        record.kind = SqlTestRecord::Kind::kQueryError;
        record.expected_error = std::string(TrimWhitespace(rest.substr(5)));
      } else {
        record.kind = SqlTestRecord::Kind::kQuery;
        record.rowsort = rest == "rowsort";
        record.materialize = rest == "materialize";
        if (!rest.empty() && !record.rowsort && !record.materialize) {
          return Status::Invalid(
              "line {}: expected 'query', 'query rowsort', "
              "'query materialize' or 'query error <text>'",
              record.line);
        }
      }
    } else {
      return Status::Invalid("line {}: unknown record '{}'", record.line, header);
    }
    while (i < lines.size() && !blank(i) && lines[i] != "----") {
      record.sql += lines[i++] + "\n";
    }
    if (record.kind == SqlTestRecord::Kind::kQuery ||
        record.kind == SqlTestRecord::Kind::kExplain) {
      if (i == lines.size() || lines[i] != "----") {
        return Status::Invalid("line {}: '{}' needs '----' and the expected lines", record.line,
                               verb);
      }
      ++i;
      while (i < lines.size() && !blank(i)) record.expected.push_back(lines[i++]);
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace tiangong
