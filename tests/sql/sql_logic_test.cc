// Runs one SQL logic test file (see sql_test_file.h for the format) against the
// native engine and reports every record whose outcome differs from the file.
//
//   sql_logic_test tests/sql/<name>.test
//
// Besides ${TEST_DIR}, SQL may use ${EXAMPLE_UDF_PLUGIN}: the path of the
// example UDF plugin the build makes from examples/udf/.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cli/script_variables.h"
#include "connectors/builtin_connectors.h"
#include "exec/job_execution.h"
#include "functions/function_registry.h"
#include "sql/parser.h"
#include "sql/session.h"
#include "sql_test_file.h"
#include "types/value_format.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExampleUdfPlugin = TIANGONG_EXAMPLE_UDF_PLUGIN;

// Collects the rows of a query in print form.
class CapturingSink final : public TableSink {
 public:
  ChangelogMode accepted_changelog_mode() const override { return ChangelogMode::All(); }
  int parallelism() const override { return 1; }
  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    return std::unique_ptr<SinkWriter>(std::make_unique<Writer>(rows_));
  }
  std::vector<std::string> rows() const {
    std::lock_guard<std::mutex> lock(rows_->mutex);
    return rows_->lines;
  }

 private:
  struct Rows {
    std::mutex mutex;
    std::vector<std::string> lines;
  };
  class Writer final : public SinkWriter {
   public:
    explicit Writer(std::shared_ptr<Rows> rows) : rows_(std::move(rows)) {}
    Status Write(const Batch& batch) override {
      std::lock_guard<std::mutex> lock(rows_->mutex);
      for (size_t i = 0; i < batch.num_rows(); ++i)
        rows_->lines.push_back(FormatPrintRow(batch, i));
      return Status::OK();
    }

   private:
    std::shared_ptr<Rows> rows_;
  };

  std::shared_ptr<Rows> rows_ = std::make_shared<Rows>();
};

class SqlTestRunner {
 public:
  SqlTestRunner(std::string path, fs::path directory)
      : path_(std::move(path)), directory_(std::move(directory)) {
    Configuration config;
    config.Set("table.local-time-zone", "UTC");
    session_ = std::make_unique<sql::Session>(BuiltinConnectors(), BuiltinFunctions(), config);
  }

  int Run(const std::vector<SqlTestRecord>& records) {
    int failures = 0;
    for (const SqlTestRecord& record : records) {
      std::string problem = RunRecord(record);
      if (!problem.empty()) {
        ++failures;
        std::fprintf(stderr, "%s:%d: %s\n", path_.c_str(), record.line, problem.c_str());
      }
    }
    std::fprintf(stderr, "%s: %zu records, %d failed\n", path_.c_str(), records.size(), failures);
    return failures;
  }

 private:
  // Runs the SQL of a record; for queries, returns the rows of the last SELECT;
  // with `plan`, plans the last statement and returns its optimized plan instead.
  Status Execute(const std::string& sql, std::vector<std::string>* rows,
                 std::vector<std::string>* plan = nullptr) {
    ASSIGN_OR_RAISE(std::string text,
                    SubstituteVariables(sql, {{"TEST_DIR", directory_.string()},
                                              {"EXAMPLE_UDF_PLUGIN", kExampleUdfPlugin}}));
    scripts_.push_back(std::make_unique<std::string>(text));
    const std::string& owned = *scripts_.back();
    ASSIGN_OR_RAISE(std::vector<sql::Statement> statements, sql::ParseScript(owned));
    for (sql::Statement& parsed : statements) {
      auto statement = std::make_shared<const sql::Statement>(std::move(parsed));
      ASSIGN_OR_RAISE(sql::StatementResult result, session_->Execute(statement, owned));
      if (!result.job) continue;
      if (plan != nullptr) {
        plan->clear();
        std::string explained = result.job->Explain();
        size_t start = explained.find("== Optimized Physical Plan ==\n");
        size_t end = explained.find("\n\n== Optimized Execution Plan ==");
        std::stringstream section(explained.substr(start + 30, end - start - 30));
        for (std::string line; std::getline(section, line);) plan->push_back(line);
        continue;
      }
      auto sink = std::make_shared<CapturingSink>();
      ExecutionOptions options;
      options.collect_sink = sink;
      ASSIGN_OR_RAISE(std::unique_ptr<JobExecution> execution,
                      JobExecution::Start(*result.job, std::move(options)));
      RETURN_NOT_OK(execution->Wait().status());
      if (rows != nullptr && result.job->is_query) *rows = sink->rows();
    }
    return Status::OK();
  }

  static std::string Lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += "    " + line + "\n";
    return text.empty() ? "    (none)\n" : text;
  }

  std::string RunRecord(const SqlTestRecord& record) {
    switch (record.kind) {
      case SqlTestRecord::Kind::kFile: {
        fs::path file = directory_ / record.path;
        fs::create_directories(file.parent_path());
        std::ofstream out(file);
        for (const std::string& line : record.expected) out << line << "\n";
        return "";
      }
      case SqlTestRecord::Kind::kOutput:
        return CheckOutput(record);
      case SqlTestRecord::Kind::kStatementOk: {
        Status status = Execute(record.sql, nullptr);
        return status.ok() ? "" : "statement failed: " + status.ToString();
      }
      case SqlTestRecord::Kind::kStatementError:
      case SqlTestRecord::Kind::kQueryError: {
        Status status = Execute(record.sql, nullptr);
        if (status.ok())
          return fmt::format("expected an error containing '{}', but it succeeded",
                             record.expected_error);
        if (status.message().find(record.expected_error) == std::string::npos) {
          return fmt::format("expected an error containing '{}', but got: {}",
                             record.expected_error, status.ToString());
        }
        return "";
      }
      case SqlTestRecord::Kind::kExplain: {
        std::vector<std::string> plan;
        Status status = Execute(record.sql, nullptr, &plan);
        if (!status.ok()) return "explain failed: " + status.ToString();
        // Plans name files as the tests do: under ${TEST_DIR}.
        for (std::string& line : plan) {
          for (size_t at; (at = line.find(directory_.string())) != std::string::npos;) {
            line.replace(at, directory_.string().size(), "${TEST_DIR}");
          }
        }
        if (plan != record.expected) {
          return fmt::format("wrong plan\n  expected:\n{}  actual:\n{}", Lines(record.expected),
                             Lines(plan));
        }
        return "";
      }
      case SqlTestRecord::Kind::kQuery: {
        std::vector<std::string> rows;
        Status status = Execute(record.sql, &rows);
        if (!status.ok()) return "query failed: " + status.ToString();
        std::vector<std::string> expected = record.expected;
        if (record.materialize) {
          std::string error = Materialize(&rows);
          if (!error.empty()) return error;
        }
        if (record.rowsort || record.materialize) {
          std::sort(rows.begin(), rows.end());
          std::sort(expected.begin(), expected.end());
        }
        if (rows != expected) {
          return fmt::format("wrong result\n  expected:\n{}  actual:\n{}", Lines(expected),
                             Lines(rows));
        }
        return "";
      }
    }
    return "unknown record";
  }

  // Applies a changelog ("+I[...]", "-U[...]", ...) to an empty table; leaves
  // the table's rows as "+I[...]". Returns an error for a retraction of a row
  // that is not there.
  static std::string Materialize(std::vector<std::string>* changelog) {
    std::multiset<std::string> table;
    for (const std::string& change : *changelog) {
      std::string row = change.substr(2);
      if (change.starts_with("+I") || change.starts_with("+U")) {
        table.insert(row);
        continue;
      }
      auto it = table.find(row);
      if (it == table.end()) {
        return fmt::format("the changelog retracts a row that is not there: {}\n  changelog:\n{}",
                           change, Lines(*changelog));
      }
      table.erase(it);
    }
    changelog->clear();
    for (const std::string& row : table) changelog->push_back("+I" + row);
    return "";
  }

  std::string CheckOutput(const SqlTestRecord& record) {
    fs::path target = directory_ / record.path;
    if (record.absent) {
      if (!fs::exists(target)) return "";
      return fmt::format("expected nothing at {}, but it exists", target.string());
    }
    std::vector<fs::path> files;
    if (fs::is_directory(target)) {
      for (const auto& entry : fs::recursive_directory_iterator(target)) {
        std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name[0] != '.' && name[0] != '_')
          files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::exists(target)) {
      files.push_back(target);
    } else {
      return fmt::format("expected output at {}, but it does not exist", target.string());
    }
    std::vector<std::string> lines;
    for (const fs::path& file : files) {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    std::vector<std::string> expected = record.expected;
    if (record.rowsort) {
      std::sort(lines.begin(), lines.end());
      std::sort(expected.begin(), expected.end());
    }
    if (lines != expected) {
      return fmt::format("wrong output in {}\n  expected:\n{}  actual:\n{}", target.string(),
                         Lines(expected), Lines(lines));
    }
    return "";
  }

  std::string path_;
  fs::path directory_;
  std::unique_ptr<sql::Session> session_;
  // Statement texts must live as long as the session (views point into them).
  std::vector<std::unique_ptr<std::string>> scripts_;
};

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sql_logic_test <file.test>\n");
    return 2;
  }
  std::string path = argv[1];
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<std::vector<SqlTestRecord>> records = ParseSqlTestFile(text.str());
  if (!records.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), records.status().message().c_str());
    return 2;
  }
  fs::path directory = fs::temp_directory_path() /
                       fmt::format("tiangong-sql-{}-{}", fs::path(path).stem().string(), getpid());
  fs::remove_all(directory);
  fs::create_directories(directory);
  int failures = SqlTestRunner(path, directory).Run(*records);
  if (failures == 0) fs::remove_all(directory);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tiangong

int main(int argc, char** argv) { return tiangong::Main(argc, argv); }
