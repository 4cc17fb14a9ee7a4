#include "sql/parser.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace tiangong::sql {
namespace {

TEST(ParserTest, ParsesCreateTableWithEveryColumnKind) {
  auto statements = ParseScript(R"(
    -- a comment
    CREATE TEMPORARY TABLE IF NOT EXISTS `my db`.orders (
      id BIGINT NOT NULL,
      person ROW<id BIGINT, `dateTime` TIMESTAMP(3)>,
      tags ARRAY<STRING>,
      price DECIMAL(10, 2),
      ts AS person.`dateTime`,
      offset_col BIGINT METADATA FROM 'offset' VIRTUAL,
      WATERMARK FOR ts AS ts - INTERVAL '4' SECOND,
      PRIMARY KEY (id) NOT ENFORCED
    ) PARTITIONED BY (price) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
  )");
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  ASSERT_EQ(statements->size(), 1u);
  const CreateTableStatement& table = *(*statements)[0].create_table;
  EXPECT_TRUE(table.temporary);
  EXPECT_TRUE(table.if_not_exists);
  EXPECT_EQ(table.name.ToString(), "`my db`.orders");
  ASSERT_EQ(table.columns.size(), 6u);
  EXPECT_EQ(table.columns[0].type.ToString(), "BIGINT NOT NULL");
  EXPECT_EQ(table.columns[1].type.ToString(), "ROW<`id` BIGINT, `dateTime` TIMESTAMP(3)>");
  EXPECT_EQ(table.columns[4].kind, ColumnKind::kComputed);
  EXPECT_EQ(table.columns[4].expression_text, "person.`dateTime`");
  EXPECT_EQ(table.columns[5].metadata_key, "offset");
  EXPECT_TRUE(table.columns[5].is_virtual);
  ASSERT_TRUE(table.watermark.has_value());
  EXPECT_EQ(table.watermark->expression_text, "ts - INTERVAL '4' SECOND");
  EXPECT_EQ(table.primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(table.partition_keys, std::vector<std::string>{"price"});
  EXPECT_EQ(table.options.size(), 2u);
}

TEST(ParserTest, ParsesStatementSetsAndSet) {
  auto statements = ParseScript(R"(
    SET 'parallelism.default' = '2';
    SET execution.runtime-mode = batch;
    EXECUTE STATEMENT SET BEGIN
      INSERT INTO a SELECT * FROM t;
      INSERT INTO b SELECT x FROM t WHERE x > 1;
    END;
    BEGIN STATEMENT SET;
    INSERT INTO a SELECT * FROM t;
    END;
  )");
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  ASSERT_EQ(statements->size(), 4u);
  EXPECT_EQ((*statements)[0].set->key, "parallelism.default");
  EXPECT_EQ((*statements)[1].set->key, "execution.runtime-mode");
  EXPECT_EQ((*statements)[1].set->value, "batch");
  EXPECT_EQ((*statements)[2].statement_set->inserts.size(), 2u);
  EXPECT_EQ((*statements)[3].statement_set->inserts.size(), 1u);
}

TEST(ParserTest, ParsesExpressionsWithPrecedence) {
  auto expression = ParseExpression("a + b * 2 > 3 AND NOT c IS NULL OR d BETWEEN 1 AND 2");
  ASSERT_TRUE(expression.ok()) << expression.status().ToString();
  EXPECT_EQ((*expression)->op, "OR");
  EXPECT_EQ((*expression)->args[0]->op, "AND");
  auto cast = ParseExpression("CAST(x AS DECIMAL(23, 3)) || TRIM(LEADING 'x' FROM y)");
  ASSERT_TRUE(cast.ok()) << cast.status().ToString();
  EXPECT_EQ((*cast)->args[0]->cast_type.ToString(), "DECIMAL(23, 3)");
  EXPECT_EQ((*cast)->args[1]->names[0], "LTRIM");
}

TEST(ParserTest, ErrorsPointAtTheOffendingText) {
  auto statements = ParseScript("SELECT a,\nFROM t");
  ASSERT_FALSE(statements.ok());
  const std::string& message = statements.status().message();
  EXPECT_NE(message.find("line 2, column 1"), std::string::npos) << message;
  EXPECT_NE(message.find("FROM t\n  ^"), std::string::npos) << message;
  auto unterminated = ParseScript("SELECT 'abc FROM t");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.status().message().find("Unterminated string"), std::string::npos);
}

TEST(ParserTest, ParsesEveryNexmarkQuery) {
  // The benchmark files run unchanged: every one must parse after ${...} is filled in.
  for (int query = 0; query <= 23; ++query) {
    std::ifstream file("bench/nexmark/queries/q" + std::to_string(query) + ".sql");
    ASSERT_TRUE(file) << "bench/nexmark/queries/q" << query << ".sql is missing";
    std::stringstream text;
    text << file.rdbuf();
    std::string script = text.str();
    for (auto placeholder : {"${FLINK_HOME}"}) {
      for (size_t at; (at = script.find(placeholder)) != std::string::npos;) {
        script.replace(at, std::string(placeholder).size(), "/tmp");
      }
    }
    auto statements = ParseScript(script);
    EXPECT_TRUE(statements.ok()) << "q" << query << ": " << statements.status().ToString();
  }
}

}  // namespace
}  // namespace tiangong::sql
