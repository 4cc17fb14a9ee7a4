#include "sql/parser.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "sql/lexer.h"
#include "sql/parser_state.h"

namespace tiangong::sql {

ParsedExpressionPtr MakeExpression(ExpressionKind kind, SourceLocation location) {
  return std::make_unique<ParsedExpression>(kind, location);
}

// Token cursor -------------------------------------------------------------------

bool Parser::AcceptKeyword(std::string_view keyword) {
  if (!PeekKeyword(keyword)) return false;
  Next();
  return true;
}

bool Parser::AcceptKeywords(std::initializer_list<std::string_view> keywords) {
  size_t index = 0;
  for (std::string_view keyword : keywords) {
    if (!PeekKeyword(keyword, index)) return false;
    ++index;
  }
  position_ += index;
  return true;
}

bool Parser::AcceptOperator(std::string_view op) {
  if (!PeekOperator(op)) return false;
  Next();
  return true;
}

Status Parser::ExpectKeyword(std::string_view keyword) {
  if (AcceptKeyword(keyword)) return Status::OK();
  return Error(fmt::format("Expected {}", keyword));
}

Status Parser::ExpectOperator(std::string_view op) {
  if (AcceptOperator(op)) return Status::OK();
  return Error(fmt::format("Expected '{}'", op));
}

Result<std::string> Parser::ExpectIdentifier(std::string_view what) {
  if (!PeekIdentifier()) return Error(fmt::format("Expected {}", what));
  return Next().text;
}

Result<std::string> Parser::ExpectString(std::string_view what) {
  if (Peek().kind != TokenKind::kString) return Error(fmt::format("Expected {}", what));
  return Next().text;
}

Result<ObjectName> Parser::ParseObjectName() {
  ObjectName name;
  name.location = Peek().location;
  ASSIGN_OR_RAISE(std::string first, ExpectIdentifier("a table name"));
  name.parts.push_back(std::move(first));
  while (PeekOperator(".") &&
         (Peek(1).kind == TokenKind::kIdentifier || Peek(1).kind == TokenKind::kQuotedIdentifier)) {
    Next();
    name.parts.push_back(Next().text);
  }
  return name;
}

Status Parser::Error(std::string_view expected) const {
  return Status::ParseError("{}, but found {} at {}", expected, Peek().Describe(),
                            DescribeLocation(text_, Peek().location));
}

Status Parser::ErrorAt(const SourceLocation& location, std::string_view message) const {
  return Status::ParseError("{} at {}", message, DescribeLocation(text_, location));
}

std::string Parser::TextBetween(const SourceLocation& start, const SourceLocation& end) const {
  return std::string(TrimWhitespace(text_.substr(start.offset, end.offset - start.offset)));
}

Status Parser::ExpectEnd() {
  if (AtEnd()) return Status::OK();
  return Error("Expected end of input");
}

Result<std::vector<std::string>> Parser::ParseIdentifierList() {
  std::vector<std::string> names;
  RETURN_NOT_OK(ExpectOperator("("));
  do {
    ASSIGN_OR_RAISE(std::string name, ExpectIdentifier("a column name"));
    names.push_back(std::move(name));
  } while (AcceptOperator(","));
  RETURN_NOT_OK(ExpectOperator(")"));
  return names;
}

// Statements ---------------------------------------------------------------------

Result<std::vector<Statement>> Parser::ParseStatements() {
  std::vector<Statement> statements;
  while (true) {
    while (AcceptOperator(";")) {
    }
    if (AtEnd()) return statements;
    ASSIGN_OR_RAISE(Statement statement, ParseStatement());
    if (!AtEnd() && !PeekOperator(";")) {
      return Error("Expected ';' after the statement");
    }
    statements.push_back(std::move(statement));
  }
}

Result<Statement> Parser::ParseStatement() {
  SourceLocation start = Peek().location;
  Result<Statement> result = [&]() -> Result<Statement> {
    if (PeekKeyword("CREATE")) return ParseCreate();
    if (PeekKeyword("DROP")) return ParseDrop();
    if (PeekKeyword("SET")) return ParseSet();
    if (PeekKeyword("RESET")) return ParseReset();
    if (PeekKeyword("EXPLAIN")) return ParseExplain();
    if (PeekKeyword("SHOW")) return ParseShow();
    if (PeekKeyword("DESCRIBE") || PeekKeyword("DESC")) {
      Next();
      Statement statement{StatementKind::kDescribe};
      statement.describe = std::make_unique<DescribeStatement>();
      ASSIGN_OR_RAISE(statement.describe->name, ParseObjectName());
      return statement;
    }
    if (PeekKeyword("BEGIN")) return ParseStatementSet(/*begin_form=*/true);
    if (PeekKeyword("EXECUTE")) {
      Next();
      if (PeekKeyword("STATEMENT")) return ParseStatementSet(/*begin_form=*/false);
      if (!PeekKeyword("INSERT")) return Error("Expected STATEMENT SET or INSERT after EXECUTE");
    }
    if (PeekKeyword("INSERT")) {
      Statement statement{StatementKind::kInsert};
      ASSIGN_OR_RAISE(InsertStatement insert, ParseInsert());
      statement.insert = std::make_unique<InsertStatement>(std::move(insert));
      return statement;
    }
    if (AtQueryStart()) {
      Statement statement{StatementKind::kQuery};
      statement.query = std::make_unique<QueryStatement>();
      ASSIGN_OR_RAISE(statement.query->query, ParseQuery());
      return statement;
    }
    return Error(
        "Expected a statement (CREATE, DROP, SET, RESET, INSERT, EXECUTE STATEMENT SET, SELECT, "
        "VALUES, WITH, EXPLAIN, SHOW or DESCRIBE)");
  }();
  if (!result.ok()) return result;
  result->location = start;
  result->text = TextBetween(start, Peek().location);
  return result;
}

Result<Statement> Parser::ParseCreate() {
  RETURN_NOT_OK(ExpectKeyword("CREATE"));
  bool temporary = AcceptKeyword("TEMPORARY");
  bool system = temporary && AcceptKeyword("SYSTEM");
  Statement statement{StatementKind::kCreateTable};
  if (AcceptKeyword("TABLE")) {
    if (system) return Error("TEMPORARY SYSTEM applies only to functions");
    RETURN_NOT_OK(ParseCreateTable(&statement, temporary));
  } else if (AcceptKeyword("VIEW")) {
    if (system) return Error("TEMPORARY SYSTEM applies only to functions");
    RETURN_NOT_OK(ParseCreateView(&statement, temporary));
  } else if (AcceptKeyword("FUNCTION")) {
    RETURN_NOT_OK(ParseCreateFunction(&statement, temporary, system));
  } else {
    return Error("Expected TABLE, VIEW or FUNCTION after CREATE");
  }
  return statement;
}

Status Parser::ParseCreateTable(Statement* statement, bool temporary) {
  statement->kind = StatementKind::kCreateTable;
  auto table = std::make_unique<CreateTableStatement>();
  table->temporary = temporary;
  table->if_not_exists = AcceptKeywords({"IF", "NOT", "EXISTS"});
  ASSIGN_OR_RAISE(table->name, ParseObjectName());
  RETURN_NOT_OK(ExpectOperator("("));
  do {
    if (PeekOperator(")")) break;  // tolerate a trailing comma, as Flink does not
    RETURN_NOT_OK(ParseColumnOrConstraint(table.get()));
  } while (AcceptOperator(","));
  RETURN_NOT_OK(ExpectOperator(")"));
  if (AcceptKeyword("COMMENT")) {
    ASSIGN_OR_RAISE(table->comment, ExpectString("a comment string"));
  }
  if (AcceptKeywords({"PARTITIONED", "BY"})) {
    ASSIGN_OR_RAISE(table->partition_keys, ParseIdentifierList());
  }
  if (AcceptKeyword("WITH")) {
    ASSIGN_OR_RAISE(table->options, ParseOptions());
  }
  if (PeekKeyword("LIKE")) {
    return Error("CREATE TABLE ... LIKE is not supported yet");
  }
  statement->create_table = std::move(table);
  return Status::OK();
}

Status Parser::ParseColumnOrConstraint(CreateTableStatement* table) {
  SourceLocation location = Peek().location;
  if (AcceptKeyword("WATERMARK")) {
    if (table->watermark) return ErrorAt(location, "A table can have only one WATERMARK");
    RETURN_NOT_OK(ExpectKeyword("FOR"));
    WatermarkDefinition watermark;
    watermark.location = Peek().location;
    ASSIGN_OR_RAISE(watermark.column, ExpectIdentifier("the rowtime column name"));
    // A nested rowtime field is written a.b.
    while (AcceptOperator(".")) {
      ASSIGN_OR_RAISE(std::string part, ExpectIdentifier("a field name"));
      watermark.column += "." + part;
    }
    RETURN_NOT_OK(ExpectKeyword("AS"));
    SourceLocation start = Peek().location;
    ASSIGN_OR_RAISE(watermark.expression, ParseExpression());
    watermark.expression_text = TextBetween(start, Peek().location);
    table->watermark = std::move(watermark);
    return Status::OK();
  }
  if (PeekKeyword("CONSTRAINT") || (PeekKeyword("PRIMARY") && PeekKeyword("KEY", 1))) {
    if (AcceptKeyword("CONSTRAINT")) {
      ASSIGN_OR_RAISE(std::string ignored, ExpectIdentifier("a constraint name"));
      (void)ignored;
    }
    RETURN_NOT_OK(ExpectKeyword("PRIMARY"));
    RETURN_NOT_OK(ExpectKeyword("KEY"));
    if (!table->primary_key.empty()) return ErrorAt(location, "Duplicate PRIMARY KEY");
    ASSIGN_OR_RAISE(table->primary_key, ParseIdentifierList());
    if (!AcceptKeywords({"NOT", "ENFORCED"})) {
      return Error(
          "Flink supports only PRIMARY KEY ... NOT ENFORCED: the key is not validated on input; "
          "expected NOT ENFORCED");
    }
    return Status::OK();
  }

  ColumnDefinition column;
  column.location = location;
  ASSIGN_OR_RAISE(column.name, ExpectIdentifier("a column name, WATERMARK or PRIMARY KEY"));
  if (AcceptKeyword("AS")) {
    column.kind = ColumnKind::kComputed;
    SourceLocation start = Peek().location;
    ASSIGN_OR_RAISE(column.expression, ParseExpression());
    column.expression_text = TextBetween(start, Peek().location);
  } else {
    ASSIGN_OR_RAISE(column.type, ParseType());
    if (AcceptKeyword("METADATA")) {
      column.kind = ColumnKind::kMetadata;
      if (AcceptKeyword("FROM")) {
        ASSIGN_OR_RAISE(column.metadata_key, ExpectString("a metadata key string"));
      }
      column.is_virtual = AcceptKeyword("VIRTUAL");
    }
    if (AcceptKeyword("PRIMARY")) {
      RETURN_NOT_OK(ExpectKeyword("KEY"));
      if (!AcceptKeywords({"NOT", "ENFORCED"})) {
        return Error("Flink supports only PRIMARY KEY ... NOT ENFORCED; expected NOT ENFORCED");
      }
      if (!table->primary_key.empty()) return ErrorAt(location, "Duplicate PRIMARY KEY");
      table->primary_key = {column.name};
    }
  }
  if (AcceptKeyword("COMMENT")) {
    ASSIGN_OR_RAISE(column.comment, ExpectString("a comment string"));
  }
  table->columns.push_back(std::move(column));
  return Status::OK();
}

Result<Options> Parser::ParseOptions() {
  Options options;
  RETURN_NOT_OK(ExpectOperator("("));
  if (AcceptOperator(")")) return options;
  do {
    if (PeekOperator(")")) break;
    ASSIGN_OR_RAISE(std::string key, ExpectString("an option key string such as 'connector'"));
    RETURN_NOT_OK(ExpectOperator("="));
    ASSIGN_OR_RAISE(std::string value, ExpectString(fmt::format("a string value for '{}'", key)));
    options.emplace_back(std::move(key), std::move(value));
  } while (AcceptOperator(","));
  RETURN_NOT_OK(ExpectOperator(")"));
  return options;
}

Status Parser::ParseCreateView(Statement* statement, bool temporary) {
  statement->kind = StatementKind::kCreateView;
  auto view = std::make_unique<CreateViewStatement>();
  view->temporary = temporary;
  view->if_not_exists = AcceptKeywords({"IF", "NOT", "EXISTS"});
  ASSIGN_OR_RAISE(view->name, ParseObjectName());
  if (PeekOperator("(")) {
    ASSIGN_OR_RAISE(view->column_aliases, ParseIdentifierList());
  }
  if (AcceptKeyword("COMMENT")) {
    ASSIGN_OR_RAISE(std::string comment, ExpectString("a comment string"));
    (void)comment;
  }
  RETURN_NOT_OK(ExpectKeyword("AS"));
  SourceLocation start = Peek().location;
  ASSIGN_OR_RAISE(view->query, ParseQuery());
  view->query_text = TextBetween(start, Peek().location);
  statement->create_view = std::move(view);
  return Status::OK();
}

Status Parser::ParseCreateFunction(Statement* statement, bool temporary, bool system) {
  statement->kind = StatementKind::kCreateFunction;
  auto function = std::make_unique<CreateFunctionStatement>();
  function->temporary = temporary;
  function->temporary_system = system;
  function->if_not_exists = AcceptKeywords({"IF", "NOT", "EXISTS"});
  ASSIGN_OR_RAISE(function->name, ParseObjectName());
  RETURN_NOT_OK(ExpectKeyword("AS"));
  ASSIGN_OR_RAISE(function->identifier, ExpectString("the function's identifier string"));
  if (AcceptKeyword("LANGUAGE")) {
    ASSIGN_OR_RAISE(function->language, ExpectIdentifier("JAVA, SCALA or PYTHON"));
    function->language = ToUpper(function->language);
  }
  if (AcceptKeyword("USING")) {
    do {
      RETURN_NOT_OK(ExpectKeyword("JAR"));
      ASSIGN_OR_RAISE(std::string jar, ExpectString("a jar path"));
      function->using_jars.push_back(std::move(jar));
    } while (AcceptOperator(","));
  }
  statement->create_function = std::move(function);
  return Status::OK();
}

Result<Statement> Parser::ParseDrop() {
  RETURN_NOT_OK(ExpectKeyword("DROP"));
  Statement statement{StatementKind::kDrop};
  auto drop = std::make_unique<DropStatement>();
  drop->temporary = AcceptKeyword("TEMPORARY");
  if (drop->temporary) AcceptKeyword("SYSTEM");
  for (std::string_view kind : {"TABLE", "VIEW", "FUNCTION"}) {
    if (AcceptKeyword(kind)) drop->object_kind = std::string(kind);
  }
  if (drop->object_kind.empty()) return Error("Expected TABLE, VIEW or FUNCTION after DROP");
  drop->if_exists = AcceptKeywords({"IF", "EXISTS"});
  ASSIGN_OR_RAISE(drop->name, ParseObjectName());
  statement.drop = std::move(drop);
  return statement;
}

Result<Statement> Parser::ParseSet() {
  SourceLocation set_location = Peek().location;
  RETURN_NOT_OK(ExpectKeyword("SET"));
  Statement statement{StatementKind::kSet};
  statement.set = std::make_unique<SetStatement>();
  if (AtEnd() || PeekOperator(";")) return statement;
  if (Peek().kind == TokenKind::kString) {
    statement.set->key = Next().text;
    RETURN_NOT_OK(ExpectOperator("="));
    ASSIGN_OR_RAISE(statement.set->value, ExpectString("a quoted value: SET 'key' = 'value'"));
    return statement;
  }
  // The legacy form SET key = value: take the raw text up to '=' and ';'.
  SourceLocation key_start = Peek().location;
  while (!AtEnd() && !PeekOperator("=") && !PeekOperator(";")) Next();
  if (!PeekOperator("=")) return ErrorAt(set_location, "Expected SET 'key' = 'value'");
  statement.set->key = TextBetween(key_start, Peek().location);
  Next();
  SourceLocation value_start = Peek().location;
  while (!AtEnd() && !PeekOperator(";")) Next();
  statement.set->value = TextBetween(value_start, Peek().location);
  return statement;
}

Result<Statement> Parser::ParseReset() {
  RETURN_NOT_OK(ExpectKeyword("RESET"));
  Statement statement{StatementKind::kReset};
  statement.reset = std::make_unique<ResetStatement>();
  if (Peek().kind == TokenKind::kString) statement.reset->key = Next().text;
  return statement;
}

Result<InsertStatement> Parser::ParseInsert() {
  RETURN_NOT_OK(ExpectKeyword("INSERT"));
  InsertStatement insert;
  if (AcceptKeyword("OVERWRITE")) {
    insert.overwrite = true;
  } else {
    RETURN_NOT_OK(ExpectKeyword("INTO"));
  }
  ASSIGN_OR_RAISE(insert.table, ParseObjectName());
  if (AcceptKeyword("PARTITION")) {
    RETURN_NOT_OK(ExpectOperator("("));
    do {
      ASSIGN_OR_RAISE(std::string key, ExpectIdentifier("a partition column"));
      RETURN_NOT_OK(ExpectOperator("="));
      ASSIGN_OR_RAISE(ParsedExpressionPtr value, ParsePrimary());
      insert.static_partition.emplace_back(std::move(key), std::move(value));
    } while (AcceptOperator(","));
    RETURN_NOT_OK(ExpectOperator(")"));
  }
  if (PeekOperator("(") && !AtQueryStartAfterParen()) {
    ASSIGN_OR_RAISE(insert.columns, ParseIdentifierList());
  }
  ASSIGN_OR_RAISE(insert.query, ParseQuery());
  return insert;
}

Result<Statement> Parser::ParseStatementSet(bool begin_form) {
  // EXECUTE STATEMENT SET BEGIN ... END, or the SQL client's BEGIN STATEMENT SET; ... END.
  Statement statement{StatementKind::kStatementSet};
  statement.statement_set = std::make_unique<StatementSetStatement>();
  if (begin_form) {
    RETURN_NOT_OK(ExpectKeyword("BEGIN"));
    RETURN_NOT_OK(ExpectKeyword("STATEMENT"));
    RETURN_NOT_OK(ExpectKeyword("SET"));
    RETURN_NOT_OK(ExpectOperator(";"));
  } else {
    RETURN_NOT_OK(ExpectKeyword("STATEMENT"));
    RETURN_NOT_OK(ExpectKeyword("SET"));
    RETURN_NOT_OK(ExpectKeyword("BEGIN"));
  }
  while (true) {
    while (AcceptOperator(";")) {
    }
    if (AcceptKeyword("END")) break;
    if (!PeekKeyword("INSERT")) {
      return Error("Expected INSERT INTO or END inside the statement set");
    }
    ASSIGN_OR_RAISE(InsertStatement insert, ParseInsert());
    statement.statement_set->inserts.push_back(std::move(insert));
    if (!PeekOperator(";") && !PeekKeyword("END")) return Error("Expected ';' or END");
  }
  if (statement.statement_set->inserts.empty()) {
    return Error("A statement set needs at least one INSERT");
  }
  return statement;
}

Result<Statement> Parser::ParseExplain() {
  RETURN_NOT_OK(ExpectKeyword("EXPLAIN"));
  AcceptKeywords({"PLAN", "FOR"});
  // EXPLAIN ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN ... <statement>
  static constexpr std::string_view kDetails[] = {"ESTIMATED_COST", "CHANGELOG_MODE",
                                                  "JSON_EXECUTION_PLAN", "PLAN_ADVICE"};
  bool more = true;
  while (more) {
    more = false;
    for (std::string_view detail : kDetails) {
      if (AcceptKeyword(detail)) {
        AcceptOperator(",");
        more = true;
      }
    }
  }
  Statement statement{StatementKind::kExplain};
  statement.explain = std::make_unique<ExplainStatement>();
  ASSIGN_OR_RAISE(Statement inner, ParseStatement());
  if (inner.kind != StatementKind::kQuery && inner.kind != StatementKind::kInsert &&
      inner.kind != StatementKind::kStatementSet) {
    return ErrorAt(inner.location, "EXPLAIN applies to SELECT, INSERT and statement sets");
  }
  statement.explain->statement = std::make_unique<Statement>(std::move(inner));
  return statement;
}

Result<Statement> Parser::ParseShow() {
  RETURN_NOT_OK(ExpectKeyword("SHOW"));
  Statement statement{StatementKind::kShow};
  statement.show = std::make_unique<ShowStatement>();
  if (AcceptKeywords({"CREATE", "TABLE"})) {
    statement.show->what = "CREATE TABLE";
    ASSIGN_OR_RAISE(statement.show->name, ParseObjectName());
  } else if (AcceptKeywords({"CREATE", "VIEW"})) {
    statement.show->what = "CREATE VIEW";
    ASSIGN_OR_RAISE(statement.show->name, ParseObjectName());
  } else {
    if (AcceptKeyword("USER")) {
      RETURN_NOT_OK(ExpectKeyword("FUNCTIONS"));
      statement.show->what = "USER FUNCTIONS";
      return statement;
    }
    for (std::string_view what : {"TABLES", "VIEWS", "FUNCTIONS"}) {
      if (AcceptKeyword(what)) statement.show->what = std::string(what);
    }
    if (statement.show->what.empty()) {
      return Error("Expected TABLES, VIEWS, FUNCTIONS or CREATE TABLE after SHOW");
    }
  }
  return statement;
}

// Entry points -------------------------------------------------------------------

Result<std::vector<Statement>> ParseScript(std::string_view text) {
  ASSIGN_OR_RAISE(std::vector<Token> tokens, Tokenize(text));
  Parser parser(text, std::move(tokens));
  return parser.ParseStatements();
}

Result<ParsedExpressionPtr> ParseExpression(std::string_view text) {
  ASSIGN_OR_RAISE(std::vector<Token> tokens, Tokenize(text));
  Parser parser(text, std::move(tokens));
  ASSIGN_OR_RAISE(ParsedExpressionPtr expression, parser.ParseExpression());
  RETURN_NOT_OK(parser.ExpectEnd());
  return expression;
}

Result<DataType> ParseDataType(std::string_view text) {
  ASSIGN_OR_RAISE(std::vector<Token> tokens, Tokenize(text));
  Parser parser(text, std::move(tokens));
  ASSIGN_OR_RAISE(DataType type, parser.ParseType());
  RETURN_NOT_OK(parser.ExpectEnd());
  return type;
}

}  // namespace tiangong::sql
