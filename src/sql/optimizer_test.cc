#include "sql/optimizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "functions/function_registry.h"
#include "sql/parser.h"
#include "sql/session.h"

namespace tiangong::sql {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A source of the changelog mode its table's 'mode' option names ('upsert',
// 'all' or 'insert'), which would take projections and filters if offered.
// Planning only: it reads nothing.
class ModeSource final : public TableSource {
 public:
  ModeSource(DataType type, ChangelogMode mode) : type_(std::move(type)), mode_(mode) {}

  const DataType& produced_type() const override { return type_; }
  bool bounded() const override { return true; }
  ChangelogMode changelog_mode() const override { return mode_; }
  std::unique_ptr<TableSource> ApplyProjection(
      const std::vector<std::vector<int>>& paths) const override {
    std::vector<RowField> fields;
    for (const std::vector<int>& path : paths) fields.push_back(type_.fields()[path[0]]);
    return std::make_unique<ModeSource>(DataType::Row(std::move(fields), false), mode_);
  }
  FilterPushDownResult ApplyFilters(const std::vector<ExprPtr>& filters,
                                    std::unique_ptr<TableSource>* source) const override {
    *source = std::make_unique<ModeSource>(type_, mode_);
    return FilterPushDownResult{filters, {}};
  }
  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    return std::vector<SourceSplit>{};
  }
  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override {
    return Status::Unsupported("planning only");
  }

 private:
  DataType type_;
  ChangelogMode mode_;
};

class ModeConnector final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "mode"; }
  OptionSpec options() const override { return {{"mode"}, {}, {}}; }
  Result<std::unique_ptr<TableSource>> CreateSource(
      const TableDescriptor& table, const ConnectorContext& context) const override {
    std::string mode = table.options.GetString("mode", "insert");
    ChangelogMode changelog = mode == "upsert" ? ChangelogMode::Upsert()
                              : mode == "all"  ? ChangelogMode::All()
                                               : ChangelogMode::InsertOnly();
    return std::unique_ptr<TableSource>(
        std::make_unique<ModeSource>(table.physical_type, changelog));
  }
};

class ChangelogNormalizePlanTest : public testing::Test {
 protected:
  ChangelogNormalizePlanTest() {
    connectors_.Add(std::make_unique<ModeConnector>());
    session_ = std::make_unique<Session>(connectors_, BuiltinFunctions(), Configuration());
  }

  /// Runs the statements; returns the last one's message (EXPLAIN's plans).
  Result<std::string> Run(const std::string& script) {
    ASSIGN_OR_RAISE(std::vector<Statement> statements, ParseScript(script));
    std::string message;
    for (Statement& statement : statements) {
      auto shared = std::make_shared<const Statement>(std::move(statement));
      ASSIGN_OR_RAISE(StatementResult result, session_->Execute(shared, script));
      message = result.message;
    }
    return message;
  }

  /// The section of EXPLAIN's output that starts with `title`.
  static std::string Section(const std::string& explain, const std::string& title) {
    size_t begin = explain.find(title);
    if (begin == std::string::npos) return "";
    begin += title.size() + 1;
    size_t end = explain.find("\n\n", begin);
    return explain.substr(begin, end == std::string::npos ? std::string::npos : end - begin + 1);
  }

  void CreateTables() {
    Result<std::string> created = Run(R"(
      CREATE TABLE upserts (name STRING, id BIGINT, region INT, score DOUBLE,
                            PRIMARY KEY (region, id) NOT ENFORCED)
        WITH ('connector' = 'mode', 'mode' = 'upsert');
      CREATE TABLE keyless (id BIGINT, name STRING) WITH ('connector' = 'mode', 'mode' = 'upsert');
      CREATE TABLE changes (id BIGINT PRIMARY KEY NOT ENFORCED, name STRING)
        WITH ('connector' = 'mode', 'mode' = 'all');
      CREATE TABLE changes_without_key (id BIGINT, name STRING)
        WITH ('connector' = 'mode', 'mode' = 'all');
      CREATE TABLE inserts (id BIGINT PRIMARY KEY NOT ENFORCED, name STRING)
        WITH ('connector' = 'mode', 'mode' = 'insert');
    )");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  ConnectorRegistry connectors_;
  std::unique_ptr<Session> session_;
};

// The normalize reads every column from the scan: neither the projection nor
// the filter above it goes into the source. Rows of a key meet through a hash
// exchange on the primary key, in its declared order.
TEST_F(ChangelogNormalizePlanTest, PutsANormalizeOverAnUpsertScan) {
  CreateTables();
  Result<std::string> explain = Run(R"(
    SET 'parallelism.default' = '2';
    EXPLAIN SELECT name, score * 2 AS doubled FROM upserts WHERE score > 1;
  )");
  ASSERT_TRUE(explain.ok()) << explain.status().ToString();
  // Flink's abstract syntax tree has no normalize: it is physical.
  EXPECT_EQ(Section(*explain, "== Abstract Syntax Tree =="),
            "Collect(fields=[name, doubled])\n"
            "+- Project(name, (score * 2.0) AS doubled)\n"
            "   +- Filter(condition=[(score > 1.0)])\n"
            "      +- TableSourceScan(table=[[default_catalog.default_database.upserts]], "
            "fields=[name, id, region, score])\n");
  EXPECT_EQ(Section(*explain, "== Optimized Physical Plan =="),
            "Collect(fields=[name, doubled])\n"
            "+- Calc(select=[name, (score * 2.0) AS doubled], where=[(score > 1.0)])\n"
            "   +- ChangelogNormalize(key=[region, id])\n"
            "      +- TableSourceScan(table=[[default_catalog.default_database.upserts]], "
            "fields=[name, id, region, score])\n");
  EXPECT_EQ(Section(*explain, "== Optimized Execution Plan =="),
            "Collect(fields=[name, doubled]), parallelism=1\n"
            "+- Exchange(distribution=[single]), parallelism=1\n"
            "   +- Calc(select=[name, (score * 2.0) AS doubled], where=[(score > 1.0)]), "
            "parallelism=2\n"
            "      +- ChangelogNormalize(key=[region, id]), parallelism=2\n"
            "         +- Exchange(distribution=[hash[region, id]]), parallelism=2\n"
            "            +- TableSourceScan(table=[[default_catalog.default_database.upserts]], "
            "fields=[name, id, region, score]), parallelism=2\n");
}

TEST_F(ChangelogNormalizePlanTest, ComputedColumnsComeAfterTheNormalize) {
  CreateTables();
  Result<std::string> explain = Run(R"(
    CREATE TABLE computed (id BIGINT, score DOUBLE, half AS score / 2,
                           PRIMARY KEY (id) NOT ENFORCED)
      WITH ('connector' = 'mode', 'mode' = 'upsert');
    EXPLAIN SELECT half FROM computed;
  )");
  ASSERT_TRUE(explain.ok()) << explain.status().ToString();
  EXPECT_EQ(Section(*explain, "== Optimized Physical Plan =="),
            "Collect(fields=[half])\n"
            "+- Calc(select=[(score / 2.0) AS half])\n"
            "   +- ChangelogNormalize(key=[id])\n"
            "      +- TableSourceScan(table=[[default_catalog.default_database.computed]], "
            "fields=[id, score])\n");
}

TEST_F(ChangelogNormalizePlanTest, AnUpsertSourceNeedsAPrimaryKey) {
  CreateTables();
  Result<std::string> explain = Run("EXPLAIN SELECT * FROM keyless");
  ASSERT_FALSE(explain.ok());
  EXPECT_THAT(explain.status().message(),
              HasSubstr("Table 'default_catalog.default_database.keyless' produces a changelog "
                        "stream contains UPDATE_AFTER, no UPDATE_BEFORE. This requires to define "
                        "primary key constraint on the table."));
}

TEST_F(ChangelogNormalizePlanTest, BatchModeReadsInsertOnlySourcesOnly) {
  CreateTables();
  for (const std::string table : {"upserts", "changes"}) {
    Result<std::string> explain =
        Run("SET 'execution.runtime-mode' = 'batch'; EXPLAIN SELECT * FROM " + table);
    ASSERT_FALSE(explain.ok()) << table;
    EXPECT_THAT(explain.status().message(),
                HasSubstr("Querying a table in batch mode is currently only possible for "
                          "INSERT-only table sources. But the source for table "
                          "'default_catalog.default_database." +
                          table + "' produces other changelog messages than just INSERT."));
  }
  Result<std::string> explain = Run("EXPLAIN SELECT * FROM inserts");
  EXPECT_TRUE(explain.ok()) << explain.status().ToString();
}

TEST_F(ChangelogNormalizePlanTest, OtherChangelogsAreNormalizedWhenTheyMayRepeatChanges) {
  CreateTables();
  Result<std::string> plain = Run("EXPLAIN SELECT * FROM changes");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_THAT(*plain, Not(HasSubstr("ChangelogNormalize")));
  Result<std::string> inserts = Run("EXPLAIN SELECT * FROM inserts");
  ASSERT_TRUE(inserts.ok()) << inserts.status().ToString();
  EXPECT_THAT(*inserts, Not(HasSubstr("ChangelogNormalize")));

  Result<std::string> explain = Run(R"(
    SET 'table.exec.source.cdc-events-duplicate' = 'true';
    EXPLAIN SELECT name FROM changes;
  )");
  ASSERT_TRUE(explain.ok()) << explain.status().ToString();
  EXPECT_EQ(Section(*explain, "== Optimized Physical Plan =="),
            "Collect(fields=[name])\n"
            "+- Calc(select=[name])\n"
            "   +- ChangelogNormalize(key=[id])\n"
            "      +- TableSourceScan(table=[[default_catalog.default_database.changes]], "
            "fields=[id, name])\n");
  // ... which needs the key to normalize by.
  Result<std::string> keyless = Run("EXPLAIN SELECT * FROM changes_without_key");
  ASSERT_FALSE(keyless.ok());
  EXPECT_THAT(keyless.status().message(),
              HasSubstr("Configuration 'table.exec.source.cdc-events-duplicate' is enabled which "
                        "requires the changelog sources to define a PRIMARY KEY. However, table "
                        "'default_catalog.default_database.changes_without_key' doesn't have a "
                        "primary key."));
  // An insert-only source has nothing to normalize.
  inserts = Run("EXPLAIN SELECT * FROM inserts");
  ASSERT_TRUE(inserts.ok()) << inserts.status().ToString();
  EXPECT_THAT(*inserts, Not(HasSubstr("ChangelogNormalize")));
}

}  // namespace
}  // namespace tiangong::sql
