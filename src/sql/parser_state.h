#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "sql/ast.h"
#include "sql/token.h"

namespace tiangong::sql {

/// The recursive-descent parser over a token list. Statement, query and
/// expression rules live in parser.cc, parse_query.cc and parse_expression.cc.
/// Internal to the sql folder; use parser.h.
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  Result<std::vector<Statement>> ParseStatements();
  Result<Statement> ParseStatement();
  Result<ParsedExpressionPtr> ParseExpression();
  Result<DataType> ParseType();
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  Status ExpectEnd();

  // Queries (parse_query.cc).
  Result<QueryPtr> ParseQuery();
  bool AtQueryStart() const;
  /// True when the current '(' opens a query rather than a column list.
  bool AtQueryStartAfterParen() const;

 private:
  // Token cursor.
  const Token& Peek(size_t ahead = 0) const {
    size_t index = position_ + ahead;
    return index < tokens_.size() ? tokens_[index] : tokens_.back();
  }
  const Token& Next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }
  bool PeekKeyword(std::string_view keyword, size_t ahead = 0) const {
    return Peek(ahead).IsKeyword(keyword);
  }
  bool PeekOperator(std::string_view op, size_t ahead = 0) const {
    return Peek(ahead).IsOperator(op);
  }
  bool AcceptKeyword(std::string_view keyword);
  /// Accepts the keywords in sequence, or none of them.
  bool AcceptKeywords(std::initializer_list<std::string_view> keywords);
  bool AcceptOperator(std::string_view op);
  Status ExpectKeyword(std::string_view keyword);
  Status ExpectOperator(std::string_view op);
  Result<std::string> ExpectIdentifier(std::string_view what);
  Result<std::string> ExpectString(std::string_view what);
  Result<ObjectName> ParseObjectName();
  bool PeekIdentifier() const {
    return Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kQuotedIdentifier;
  }
  /// An error at the current token: "<message>, but found 'x' at line ...".
  Status Error(std::string_view expected) const;
  Status ErrorAt(const SourceLocation& location, std::string_view message) const;
  std::string TextBetween(const SourceLocation& start, const SourceLocation& end) const;

  // Statements (parser.cc).
  Result<Statement> ParseCreate();
  Status ParseCreateTable(Statement* statement, bool temporary);
  Status ParseColumnOrConstraint(CreateTableStatement* table);
  Status ParseCreateView(Statement* statement, bool temporary);
  Status ParseCreateFunction(Statement* statement, bool temporary, bool system);
  Result<Statement> ParseDrop();
  Result<Statement> ParseSet();
  Result<Statement> ParseReset();
  Result<InsertStatement> ParseInsert();
  Result<Statement> ParseStatementSet(bool begin_form);
  Result<Statement> ParseExplain();
  Result<Statement> ParseShow();
  Result<Options> ParseOptions();
  Result<std::vector<std::string>> ParseIdentifierList();

  // Queries (parse_query.cc).
  Result<QueryPtr> ParseQueryTerm();
  Result<QueryPtr> ParseQueryPrimary();
  Result<QueryPtr> ParseSelect();
  Result<QueryPtr> ParseValues();
  Status ParseOrderByLimit(Query* query);
  Result<std::vector<OrderItem>> ParseOrderItems();
  Result<TableReferencePtr> ParseFrom();
  Result<TableReferencePtr> ParseJoinedTable();
  Result<TableReferencePtr> ParseTablePrimary();
  Status ParseTableAlias(TableReference* table);
  bool PeekAlias() const;

  // Expressions (parse_expression.cc).
  Result<ParsedExpressionPtr> ParseOr();
  Result<ParsedExpressionPtr> ParseAnd();
  Result<ParsedExpressionPtr> ParseNot();
  Result<ParsedExpressionPtr> ParseComparison();
  Result<ParsedExpressionPtr> ParseAdditive();
  Result<ParsedExpressionPtr> ParseMultiplicative();
  Result<ParsedExpressionPtr> ParseUnary();
  Result<ParsedExpressionPtr> ParsePostfix();
  Result<ParsedExpressionPtr> ParsePrimary();
  Result<ParsedExpressionPtr> ParseIdentifierOrCall();
  Result<ParsedExpressionPtr> ParseFunctionArguments(ParsedExpressionPtr call);
  Result<ParsedExpressionPtr> ParseCase();
  Result<ParsedExpressionPtr> ParseCast(bool is_try);
  Result<ParsedExpressionPtr> ParseInterval();
  Result<ParsedExpressionPtr> ParseSpecialFunction(const std::string& upper_name);
  Result<std::unique_ptr<WindowSpecification>> ParseWindowSpecification();
  Result<std::string> ParseTimeUnit();
  Result<int> ParseTypeLength(int default_value);

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
};

ParsedExpressionPtr MakeExpression(ExpressionKind kind, SourceLocation location);

}  // namespace tiangong::sql
