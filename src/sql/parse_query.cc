#include "common/strings.h"
#include "sql/parser_state.h"

namespace tiangong::sql {
namespace {

// Words that end a select item or table reference, so they never become an
// implicit alias.
constexpr std::string_view kClauseKeywords[] = {"FROM",    "WHERE",
                                                "GROUP",   "HAVING",
                                                "ORDER",   "LIMIT",
                                                "OFFSET",  "FETCH",
                                                "UNION",   "EXCEPT",
                                                "MINUS",   "INTERSECT",
                                                "JOIN",    "INNER",
                                                "LEFT",    "RIGHT",
                                                "FULL",    "CROSS",
                                                "NATURAL", "ON",
                                                "USING",   "AS",
                                                "SELECT",  "VALUES",
                                                "WINDOW",  "AND",
                                                "OR",      "NOT",
                                                "WHEN",    "THEN",
                                                "ELSE",    "END",
                                                "FOR",     "MATCH_RECOGNIZE",
                                                "LATERAL", "OUTER",
                                                "WITH",    "IS",
                                                "IN",      "BETWEEN",
                                                "LIKE",    "ASC",
                                                "DESC",    "PARTITION"};

bool IsClauseKeyword(const Token& token) {
  if (token.kind != TokenKind::kIdentifier) return false;
  for (std::string_view keyword : kClauseKeywords) {
    if (token.IsKeyword(keyword)) return true;
  }
  return false;
}

}  // namespace

bool Parser::AtQueryStart() const {
  size_t ahead = 0;
  while (PeekOperator("(", ahead)) ++ahead;
  return PeekKeyword("SELECT", ahead) || PeekKeyword("WITH", ahead) || PeekKeyword("VALUES", ahead);
}

bool Parser::AtQueryStartAfterParen() const {
  size_t ahead = 0;
  while (PeekOperator("(", ahead)) ++ahead;
  return ahead > 0 && (PeekKeyword("SELECT", ahead) || PeekKeyword("WITH", ahead) ||
                       PeekKeyword("VALUES", ahead));
}

Result<QueryPtr> Parser::ParseQuery() {
  SourceLocation location = Peek().location;
  std::vector<CommonTableExpression> with;
  if (AcceptKeyword("WITH")) {
    do {
      CommonTableExpression cte;
      ASSIGN_OR_RAISE(cte.name, ExpectIdentifier("a name for the WITH query"));
      if (PeekOperator("(")) {
        ASSIGN_OR_RAISE(cte.column_aliases, ParseIdentifierList());
      }
      RETURN_NOT_OK(ExpectKeyword("AS"));
      RETURN_NOT_OK(ExpectOperator("("));
      ASSIGN_OR_RAISE(cte.query, ParseQuery());
      RETURN_NOT_OK(ExpectOperator(")"));
      with.push_back(std::move(cte));
    } while (AcceptOperator(","));
  }
  ASSIGN_OR_RAISE(QueryPtr query, ParseQueryTerm());
  while (PeekKeyword("UNION") || PeekKeyword("EXCEPT") || PeekKeyword("MINUS")) {
    auto set_operation = std::make_unique<Query>();
    set_operation->kind = QueryKind::kSetOperation;
    set_operation->location = Peek().location;
    set_operation->set_operator = ToUpper(Next().text);
    if (set_operation->set_operator == "MINUS") set_operation->set_operator = "EXCEPT";
    set_operation->all = AcceptKeyword("ALL");
    if (!set_operation->all) AcceptKeyword("DISTINCT");
    set_operation->left = std::move(query);
    ASSIGN_OR_RAISE(set_operation->right, ParseQueryTerm());
    query = std::move(set_operation);
  }
  RETURN_NOT_OK(ParseOrderByLimit(query.get()));
  if (!with.empty()) {
    if (!query->with.empty()) {
      return ErrorAt(location, "Nested WITH clauses are not supported");
    }
    query->with = std::move(with);
  }
  return query;
}

Result<QueryPtr> Parser::ParseQueryTerm() {
  ASSIGN_OR_RAISE(QueryPtr query, ParseQueryPrimary());
  while (PeekKeyword("INTERSECT")) {
    auto set_operation = std::make_unique<Query>();
    set_operation->kind = QueryKind::kSetOperation;
    set_operation->location = Next().location;
    set_operation->set_operator = "INTERSECT";
    set_operation->all = AcceptKeyword("ALL");
    if (!set_operation->all) AcceptKeyword("DISTINCT");
    set_operation->left = std::move(query);
    ASSIGN_OR_RAISE(set_operation->right, ParseQueryPrimary());
    query = std::move(set_operation);
  }
  return query;
}

Result<QueryPtr> Parser::ParseQueryPrimary() {
  if (PeekKeyword("SELECT")) return ParseSelect();
  if (PeekKeyword("VALUES")) return ParseValues();
  if (PeekOperator("(") && AtQueryStartAfterParen()) {
    Next();
    ASSIGN_OR_RAISE(QueryPtr query, ParseQuery());
    RETURN_NOT_OK(ExpectOperator(")"));
    return query;
  }
  return Error("Expected SELECT, VALUES, WITH or a query in parentheses");
}

Result<QueryPtr> Parser::ParseSelect() {
  auto query = std::make_unique<Query>();
  query->kind = QueryKind::kSelect;
  query->location = Peek().location;
  RETURN_NOT_OK(ExpectKeyword("SELECT"));
  if (AcceptKeyword("DISTINCT")) {
    query->distinct = true;
  } else {
    AcceptKeyword("ALL");
  }
  do {
    SelectItem item;
    if (PeekOperator("*")) {
      item.expression = MakeExpression(ExpressionKind::kStar, Next().location);
    } else {
      ASSIGN_OR_RAISE(item.expression, ParseExpression());
      if (AcceptKeyword("AS")) {
        if (Peek().kind == TokenKind::kString) {
          item.alias = Next().text;
        } else {
          ASSIGN_OR_RAISE(item.alias, ExpectIdentifier("an alias"));
        }
      } else if (PeekIdentifier() && !IsClauseKeyword(Peek())) {
        item.alias = Next().text;
      }
    }
    query->select_list.push_back(std::move(item));
  } while (AcceptOperator(","));
  if (AcceptKeyword("FROM")) {
    ASSIGN_OR_RAISE(query->from, ParseFrom());
  }
  if (AcceptKeyword("WHERE")) {
    ASSIGN_OR_RAISE(query->where, ParseExpression());
  }
  if (AcceptKeywords({"GROUP", "BY"})) {
    do {
      ASSIGN_OR_RAISE(ParsedExpressionPtr key, ParseExpression());
      query->group_by.push_back(std::move(key));
    } while (AcceptOperator(","));
  }
  if (AcceptKeyword("HAVING")) {
    ASSIGN_OR_RAISE(query->having, ParseExpression());
  }
  if (AcceptKeyword("WINDOW")) {
    do {
      ASSIGN_OR_RAISE(std::string name, ExpectIdentifier("a window name"));
      RETURN_NOT_OK(ExpectKeyword("AS"));
      ASSIGN_OR_RAISE(std::unique_ptr<WindowSpecification> window, ParseWindowSpecification());
      query->windows.emplace_back(std::move(name), std::move(window));
    } while (AcceptOperator(","));
  }
  return query;
}

Result<QueryPtr> Parser::ParseValues() {
  auto query = std::make_unique<Query>();
  query->kind = QueryKind::kValues;
  query->location = Peek().location;
  RETURN_NOT_OK(ExpectKeyword("VALUES"));
  do {
    std::vector<ParsedExpressionPtr> row;
    if (AcceptOperator("(")) {
      do {
        ASSIGN_OR_RAISE(ParsedExpressionPtr value, ParseExpression());
        row.push_back(std::move(value));
      } while (AcceptOperator(","));
      RETURN_NOT_OK(ExpectOperator(")"));
    } else {
      ASSIGN_OR_RAISE(ParsedExpressionPtr value, ParseExpression());
      row.push_back(std::move(value));
    }
    if (!query->rows.empty() && row.size() != query->rows.front().size()) {
      return Error("Every row of VALUES must have the same number of columns");
    }
    query->rows.push_back(std::move(row));
  } while (AcceptOperator(","));
  return query;
}

Result<std::vector<OrderItem>> Parser::ParseOrderItems() {
  std::vector<OrderItem> items;
  do {
    OrderItem item;
    ASSIGN_OR_RAISE(item.expression, ParseExpression());
    if (AcceptKeyword("DESC")) {
      item.ascending = false;
    } else {
      AcceptKeyword("ASC");
    }
    if (AcceptKeywords({"NULLS", "FIRST"})) {
      item.nulls_first = true;
    } else if (AcceptKeywords({"NULLS", "LAST"})) {
      item.nulls_first = false;
    }
    items.push_back(std::move(item));
  } while (AcceptOperator(","));
  return items;
}

Status Parser::ParseOrderByLimit(Query* query) {
  if (AcceptKeywords({"ORDER", "BY"})) {
    ASSIGN_OR_RAISE(query->order_by, ParseOrderItems());
  }
  if (AcceptKeyword("LIMIT")) {
    ASSIGN_OR_RAISE(query->limit, ParsePrimary());
  }
  if (AcceptKeyword("OFFSET")) {
    ASSIGN_OR_RAISE(query->offset, ParsePrimary());
    if (!AcceptKeyword("ROWS")) AcceptKeyword("ROW");
  }
  if (AcceptKeyword("FETCH")) {
    if (!AcceptKeyword("FIRST")) RETURN_NOT_OK(ExpectKeyword("NEXT"));
    ASSIGN_OR_RAISE(query->limit, ParsePrimary());
    if (!AcceptKeyword("ROWS")) RETURN_NOT_OK(ExpectKeyword("ROW"));
    RETURN_NOT_OK(ExpectKeyword("ONLY"));
  }
  return Status::OK();
}

Result<TableReferencePtr> Parser::ParseFrom() {
  ASSIGN_OR_RAISE(TableReferencePtr table, ParseJoinedTable());
  while (AcceptOperator(",")) {
    auto join = std::make_unique<TableReference>();
    join->kind = TableReferenceKind::kJoin;
    join->location = Peek().location;
    join->join_type = JoinType::kCross;
    join->left = std::move(table);
    ASSIGN_OR_RAISE(join->right, ParseJoinedTable());
    table = std::move(join);
  }
  return table;
}

Result<TableReferencePtr> Parser::ParseJoinedTable() {
  ASSIGN_OR_RAISE(TableReferencePtr table, ParseTablePrimary());
  while (true) {
    SourceLocation location = Peek().location;
    JoinType type;
    if (AcceptKeywords({"CROSS", "JOIN"})) {
      type = JoinType::kCross;
    } else if (AcceptKeyword("JOIN") || AcceptKeywords({"INNER", "JOIN"})) {
      type = JoinType::kInner;
    } else if (AcceptKeywords({"LEFT", "JOIN"}) || AcceptKeywords({"LEFT", "OUTER", "JOIN"})) {
      type = JoinType::kLeft;
    } else if (AcceptKeywords({"RIGHT", "JOIN"}) || AcceptKeywords({"RIGHT", "OUTER", "JOIN"})) {
      type = JoinType::kRight;
    } else if (AcceptKeywords({"FULL", "JOIN"}) || AcceptKeywords({"FULL", "OUTER", "JOIN"})) {
      type = JoinType::kFull;
    } else if (PeekKeyword("NATURAL")) {
      return Error("NATURAL JOIN is not supported; use JOIN ... USING (columns)");
    } else {
      return table;
    }
    auto join = std::make_unique<TableReference>();
    join->kind = TableReferenceKind::kJoin;
    join->location = location;
    join->join_type = type;
    join->left = std::move(table);
    ASSIGN_OR_RAISE(join->right, ParseTablePrimary());
    if (type != JoinType::kCross) {
      if (AcceptKeyword("ON")) {
        ASSIGN_OR_RAISE(join->condition, ParseExpression());
      } else if (AcceptKeyword("USING")) {
        ASSIGN_OR_RAISE(join->using_columns, ParseIdentifierList());
      } else if (!join->right->lateral) {
        return Error("Expected ON or USING after the joined table");
      }
    }
    table = std::move(join);
  }
}

bool Parser::PeekAlias() const {
  if (PeekKeyword("AS")) return true;
  return PeekIdentifier() && !IsClauseKeyword(Peek());
}

Status Parser::ParseTableAlias(TableReference* table) {
  if (!PeekAlias()) return Status::OK();
  AcceptKeyword("AS");
  ASSIGN_OR_RAISE(table->alias, ExpectIdentifier("an alias"));
  if (PeekOperator("(") &&
      (Peek(1).kind == TokenKind::kIdentifier || Peek(1).kind == TokenKind::kQuotedIdentifier)) {
    ASSIGN_OR_RAISE(table->column_aliases, ParseIdentifierList());
  }
  return Status::OK();
}

Result<TableReferencePtr> Parser::ParseTablePrimary() {
  auto table = std::make_unique<TableReference>();
  table->location = Peek().location;
  if (AcceptKeyword("LATERAL")) {
    table->lateral = true;
    if (!PeekKeyword("TABLE") && !PeekKeyword("UNNEST")) {
      return Error("Expected TABLE(function(...)) or UNNEST after LATERAL");
    }
  }
  if (PeekKeyword("UNNEST") && PeekOperator("(", 1)) {
    Next();
    Next();
    table->kind = TableReferenceKind::kTableFunction;
    table->is_unnest = true;
    table->lateral = true;
    ASSIGN_OR_RAISE(table->function_call, ParseExpression());
    RETURN_NOT_OK(ExpectOperator(")"));
    table->with_ordinality = AcceptKeywords({"WITH", "ORDINALITY"});
    RETURN_NOT_OK(ParseTableAlias(table.get()));
    return table;
  }
  if (PeekKeyword("TABLE") && PeekOperator("(", 1)) {
    Next();
    Next();
    table->kind = TableReferenceKind::kTableFunction;
    ASSIGN_OR_RAISE(table->function_call, ParseExpression());
    if (table->function_call->kind != ExpressionKind::kCall) {
      return ErrorAt(table->function_call->location,
                     "Expected a table function call in TABLE(...)");
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    RETURN_NOT_OK(ParseTableAlias(table.get()));
    return table;
  }
  if (PeekOperator("(")) {
    if (AtQueryStartAfterParen()) {
      Next();
      table->kind = TableReferenceKind::kSubquery;
      ASSIGN_OR_RAISE(table->subquery, ParseQuery());
      RETURN_NOT_OK(ExpectOperator(")"));
      RETURN_NOT_OK(ParseTableAlias(table.get()));
      return table;
    }
    Next();
    ASSIGN_OR_RAISE(TableReferencePtr inner, ParseFrom());
    RETURN_NOT_OK(ExpectOperator(")"));
    return inner;
  }
  if (PeekKeyword("VALUES")) {
    table->kind = TableReferenceKind::kSubquery;
    ASSIGN_OR_RAISE(table->subquery, ParseValues());
    RETURN_NOT_OK(ParseTableAlias(table.get()));
    return table;
  }
  table->kind = TableReferenceKind::kTable;
  ASSIGN_OR_RAISE(table->name, ParseObjectName());
  if (AcceptKeywords({"FOR", "SYSTEM_TIME", "AS", "OF"})) {
    ASSIGN_OR_RAISE(table->system_time, ParseAdditive());
  }
  RETURN_NOT_OK(ParseTableAlias(table.get()));
  return table;
}

}  // namespace tiangong::sql
