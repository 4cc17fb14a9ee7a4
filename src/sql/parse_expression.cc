#include <fmt/format.h>

#include "common/strings.h"
#include "sql/parser_state.h"

namespace tiangong::sql {
namespace {

ParsedExpressionPtr MakeBinary(std::string op, SourceLocation location, ParsedExpressionPtr left,
                               ParsedExpressionPtr right) {
  auto expression = MakeExpression(ExpressionKind::kBinary, location);
  expression->op = std::move(op);
  expression->args.push_back(std::move(left));
  expression->args.push_back(std::move(right));
  return expression;
}

ParsedExpressionPtr MakeLiteral(LiteralKind kind, std::string text, SourceLocation location) {
  auto expression = MakeExpression(ExpressionKind::kLiteral, location);
  expression->literal_kind = kind;
  expression->text = std::move(text);
  return expression;
}

constexpr std::string_view kTimeUnits[] = {"MILLENNIUM",
                                           "CENTURY",
                                           "DECADE",
                                           "YEAR",
                                           "QUARTER",
                                           "MONTH",
                                           "WEEK",
                                           "DAY",
                                           "HOUR",
                                           "MINUTE",
                                           "SECOND",
                                           "MILLISECOND",
                                           "MICROSECOND",
                                           "NANOSECOND",
                                           "DOW",
                                           "DOY",
                                           "ISODOW",
                                           "ISOYEAR",
                                           "EPOCH",
                                           "SQL_TSI_DAY",
                                           "SQL_TSI_HOUR",
                                           "SQL_TSI_MINUTE",
                                           "SQL_TSI_SECOND",
                                           "SQL_TSI_MONTH",
                                           "SQL_TSI_YEAR",
                                           "SQL_TSI_WEEK",
                                           "SQL_TSI_QUARTER"};

// Reserved words that can never be an unquoted name in an expression; quote them
// with backticks to use them as names, as in Flink.
constexpr std::string_view kReservedWords[] = {
    "ALL",    "AND",       "AS",     "BETWEEN", "BY",    "CREATE", "CROSS",  "DISTINCT", "ELSE",
    "END",    "EXCEPT",    "FETCH",  "FROM",    "FULL",  "GROUP",  "HAVING", "IN",       "INNER",
    "INSERT", "INTERSECT", "INTO",   "IS",      "JOIN",  "LEFT",   "LIKE",   "LIMIT",    "NOT",
    "OFFSET", "ON",        "OR",     "ORDER",   "OUTER", "RIGHT",  "SELECT", "TABLE",    "THEN",
    "UNION",  "USING",     "VALUES", "WHEN",    "WHERE", "WITH"};

bool IsReservedWord(const Token& token) {
  if (token.kind != TokenKind::kIdentifier) return false;
  for (std::string_view word : kReservedWords) {
    if (token.IsKeyword(word)) return true;
  }
  return false;
}

}  // namespace

Result<ParsedExpressionPtr> Parser::ParseExpression() { return ParseOr(); }

Result<ParsedExpressionPtr> Parser::ParseOr() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr left, ParseAnd());
  while (PeekKeyword("OR")) {
    SourceLocation location = Next().location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseAnd());
    left = MakeBinary("OR", location, std::move(left), std::move(right));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::ParseAnd() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr left, ParseNot());
  while (PeekKeyword("AND")) {
    SourceLocation location = Next().location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseNot());
    left = MakeBinary("AND", location, std::move(left), std::move(right));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::ParseNot() {
  if (PeekKeyword("NOT")) {
    SourceLocation location = Next().location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr operand, ParseNot());
    auto expression = MakeExpression(ExpressionKind::kUnary, location);
    expression->op = "NOT";
    expression->args.push_back(std::move(operand));
    return expression;
  }
  return ParseComparison();
}

Result<ParsedExpressionPtr> Parser::ParseComparison() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr left, ParseAdditive());
  while (true) {
    SourceLocation location = Peek().location;
    static constexpr std::string_view kComparisons[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    bool matched = false;
    for (std::string_view op : kComparisons) {
      if (PeekOperator(op)) {
        Next();
        ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseAdditive());
        left = MakeBinary(op == "!=" ? "<>" : std::string(op), location, std::move(left),
                          std::move(right));
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (AcceptKeyword("IS")) {
      auto expression = MakeExpression(ExpressionKind::kIsPredicate, location);
      expression->negated = AcceptKeyword("NOT");
      if (AcceptKeywords({"DISTINCT", "FROM"})) {
        expression->op = "DISTINCT FROM";
        ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseAdditive());
        expression->args.push_back(std::move(left));
        expression->args.push_back(std::move(right));
        left = std::move(expression);
        continue;
      }
      for (std::string_view what : {"NULL", "TRUE", "FALSE", "UNKNOWN"}) {
        if (AcceptKeyword(what)) expression->op = std::string(what);
      }
      if (expression->op.empty()) {
        return Error("Expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
      }
      expression->args.push_back(std::move(left));
      left = std::move(expression);
      continue;
    }
    bool negated = false;
    if (PeekKeyword("NOT") && (PeekKeyword("BETWEEN", 1) || PeekKeyword("IN", 1) ||
                               PeekKeyword("LIKE", 1) || PeekKeyword("SIMILAR", 1))) {
      Next();
      negated = true;
    }
    if (AcceptKeyword("BETWEEN")) {
      if (!AcceptKeyword("ASYMMETRIC") && PeekKeyword("SYMMETRIC")) {
        return Error("BETWEEN SYMMETRIC is not supported");
      }
      auto expression = MakeExpression(ExpressionKind::kBetween, location);
      expression->negated = negated;
      ASSIGN_OR_RAISE(ParsedExpressionPtr low, ParseAdditive());
      RETURN_NOT_OK(ExpectKeyword("AND"));
      ASSIGN_OR_RAISE(ParsedExpressionPtr high, ParseAdditive());
      expression->args.push_back(std::move(left));
      expression->args.push_back(std::move(low));
      expression->args.push_back(std::move(high));
      left = std::move(expression);
      continue;
    }
    if (AcceptKeyword("IN")) {
      auto expression = MakeExpression(ExpressionKind::kIn, location);
      expression->negated = negated;
      expression->args.push_back(std::move(left));
      RETURN_NOT_OK(ExpectOperator("("));
      if (AtQueryStart()) {
        ASSIGN_OR_RAISE(expression->subquery, ParseQuery());
      } else {
        do {
          ASSIGN_OR_RAISE(ParsedExpressionPtr value, ParseExpression());
          expression->args.push_back(std::move(value));
        } while (AcceptOperator(","));
      }
      RETURN_NOT_OK(ExpectOperator(")"));
      left = std::move(expression);
      continue;
    }
    if (PeekKeyword("LIKE") || PeekKeyword("SIMILAR")) {
      auto expression = MakeExpression(ExpressionKind::kLike, location);
      expression->negated = negated;
      if (AcceptKeyword("LIKE")) {
        expression->op = "LIKE";
      } else {
        Next();
        RETURN_NOT_OK(ExpectKeyword("TO"));
        expression->op = "SIMILAR TO";
      }
      ASSIGN_OR_RAISE(ParsedExpressionPtr pattern, ParseAdditive());
      expression->args.push_back(std::move(left));
      expression->args.push_back(std::move(pattern));
      if (AcceptKeyword("ESCAPE")) {
        ASSIGN_OR_RAISE(ParsedExpressionPtr escape, ParseAdditive());
        expression->args.push_back(std::move(escape));
      }
      left = std::move(expression);
      continue;
    }
    if (negated) return Error("Expected BETWEEN, IN or LIKE after NOT");
    return left;
  }
}

Result<ParsedExpressionPtr> Parser::ParseAdditive() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr left, ParseMultiplicative());
  while (PeekOperator("+") || PeekOperator("-")) {
    const Token& token = Next();
    std::string op = token.text;
    SourceLocation location = token.location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseMultiplicative());
    left = MakeBinary(std::move(op), location, std::move(left), std::move(right));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::ParseMultiplicative() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr left, ParseUnary());
  while (PeekOperator("*") || PeekOperator("/") || PeekOperator("%") || PeekOperator("||")) {
    const Token& token = Next();
    std::string op = token.text;
    SourceLocation location = token.location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr right, ParseUnary());
    left = MakeBinary(std::move(op), location, std::move(left), std::move(right));
  }
  return left;
}

Result<ParsedExpressionPtr> Parser::ParseUnary() {
  if (PeekOperator("-") || PeekOperator("+")) {
    const Token& token = Next();
    std::string op = token.text;
    SourceLocation location = token.location;
    ASSIGN_OR_RAISE(ParsedExpressionPtr operand, ParseUnary());
    if (op == "+") return operand;
    auto expression = MakeExpression(ExpressionKind::kUnary, location);
    expression->op = "-";
    expression->args.push_back(std::move(operand));
    return expression;
  }
  return ParsePostfix();
}

Result<ParsedExpressionPtr> Parser::ParsePostfix() {
  ASSIGN_OR_RAISE(ParsedExpressionPtr expression, ParsePrimary());
  while (true) {
    if (PeekOperator("[")) {
      SourceLocation location = Next().location;
      auto subscript = MakeExpression(ExpressionKind::kSubscript, location);
      subscript->args.push_back(std::move(expression));
      ASSIGN_OR_RAISE(ParsedExpressionPtr index, ParseExpression());
      subscript->args.push_back(std::move(index));
      RETURN_NOT_OK(ExpectOperator("]"));
      expression = std::move(subscript);
    } else if (PeekOperator(".") && (Peek(1).kind == TokenKind::kIdentifier ||
                                     Peek(1).kind == TokenKind::kQuotedIdentifier)) {
      SourceLocation location = Next().location;
      auto access = MakeExpression(ExpressionKind::kFieldAccess, location);
      access->names.push_back(Next().text);
      access->args.push_back(std::move(expression));
      expression = std::move(access);
    } else {
      return expression;
    }
  }
}

Result<ParsedExpressionPtr> Parser::ParsePrimary() {
  const Token& token = Peek();
  SourceLocation location = token.location;
  switch (token.kind) {
    case TokenKind::kInteger:
      return MakeLiteral(LiteralKind::kInteger, Next().text, location);
    case TokenKind::kDecimal:
      return MakeLiteral(LiteralKind::kDecimal, Next().text, location);
    case TokenKind::kApproximate:
      return MakeLiteral(LiteralKind::kApproximate, Next().text, location);
    case TokenKind::kString:
      return MakeLiteral(LiteralKind::kString, Next().text, location);
    case TokenKind::kQuotedIdentifier:
      return ParseIdentifierOrCall();
    case TokenKind::kEnd:
      return Error("Expected an expression");
    case TokenKind::kOperator:
      break;
    case TokenKind::kIdentifier: {
      if (token.IsKeyword("NULL")) return MakeLiteral(LiteralKind::kNull, Next().text, location);
      if (token.IsKeyword("TRUE") || token.IsKeyword("FALSE")) {
        return MakeLiteral(LiteralKind::kBoolean, ToUpper(Next().text), location);
      }
      if (token.IsKeyword("UNKNOWN")) {
        Next();
        return MakeLiteral(LiteralKind::kNull, "UNKNOWN", location);
      }
      if (Peek(1).kind == TokenKind::kString) {
        // Typed literals: DATE '...', TIME '...', TIMESTAMP '...', X'...'.
        static constexpr std::pair<std::string_view, LiteralKind> kTyped[] = {
            {"DATE", LiteralKind::kDate},
            {"TIME", LiteralKind::kTime},
            {"TIMESTAMP", LiteralKind::kTimestamp},
            {"TIMESTAMP_LTZ", LiteralKind::kTimestampLtz},
            {"X", LiteralKind::kBinary}};
        for (const auto& [keyword, kind] : kTyped) {
          if (token.IsKeyword(keyword)) {
            Next();
            return MakeLiteral(kind, Next().text, location);
          }
        }
      }
      if (token.IsKeyword("INTERVAL")) return ParseInterval();
      if (token.IsKeyword("CASE")) return ParseCase();
      if (token.IsKeyword("CAST") && PeekOperator("(", 1)) return ParseCast(false);
      if (token.IsKeyword("TRY_CAST") && PeekOperator("(", 1)) return ParseCast(true);
      if (token.IsKeyword("EXISTS") && PeekOperator("(", 1)) {
        Next();
        Next();
        auto expression = MakeExpression(ExpressionKind::kExists, location);
        ASSIGN_OR_RAISE(expression->subquery, ParseQuery());
        RETURN_NOT_OK(ExpectOperator(")"));
        return expression;
      }
      if (token.IsKeyword("ROW") && PeekOperator("(", 1)) {
        Next();
        Next();
        auto expression = MakeExpression(ExpressionKind::kRowConstructor, location);
        if (!PeekOperator(")")) {
          do {
            ASSIGN_OR_RAISE(ParsedExpressionPtr field, ParseExpression());
            expression->args.push_back(std::move(field));
          } while (AcceptOperator(","));
        }
        RETURN_NOT_OK(ExpectOperator(")"));
        return expression;
      }
      if ((token.IsKeyword("ARRAY") || token.IsKeyword("MAP")) && PeekOperator("[", 1)) {
        bool is_array = token.IsKeyword("ARRAY");
        Next();
        Next();
        auto expression = MakeExpression(
            is_array ? ExpressionKind::kArrayConstructor : ExpressionKind::kMapConstructor,
            location);
        if (!PeekOperator("]")) {
          do {
            ASSIGN_OR_RAISE(ParsedExpressionPtr element, ParseExpression());
            expression->args.push_back(std::move(element));
          } while (AcceptOperator(","));
        }
        RETURN_NOT_OK(ExpectOperator("]"));
        if (!is_array && expression->args.size() % 2 != 0) {
          return ErrorAt(location, "MAP[...] needs an even number of arguments: key, value, ...");
        }
        return expression;
      }
      return ParseIdentifierOrCall();
    }
  }
  if (token.IsOperator("(")) {
    Next();
    if (AtQueryStart()) {
      auto expression = MakeExpression(ExpressionKind::kScalarSubquery, location);
      ASSIGN_OR_RAISE(expression->subquery, ParseQuery());
      RETURN_NOT_OK(ExpectOperator(")"));
      return expression;
    }
    ASSIGN_OR_RAISE(ParsedExpressionPtr inner, ParseExpression());
    if (PeekOperator(",")) {
      auto row = MakeExpression(ExpressionKind::kRowConstructor, location);
      row->args.push_back(std::move(inner));
      while (AcceptOperator(",")) {
        ASSIGN_OR_RAISE(ParsedExpressionPtr field, ParseExpression());
        row->args.push_back(std::move(field));
      }
      RETURN_NOT_OK(ExpectOperator(")"));
      return row;
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return inner;
  }
  return Error("Expected an expression");
}

Result<ParsedExpressionPtr> Parser::ParseIdentifierOrCall() {
  SourceLocation location = Peek().location;
  // LEFT and RIGHT are join keywords, but also string functions when called.
  bool function_name =
      (Peek().IsKeyword("LEFT") || Peek().IsKeyword("RIGHT")) && PeekOperator("(", 1);
  if (IsReservedWord(Peek()) && !function_name) return Error("Expected an expression");
  std::vector<std::string> names;
  names.push_back(Next().text);
  while (PeekOperator(".")) {
    if (PeekOperator("*", 1)) {
      Next();
      Next();
      auto star = MakeExpression(ExpressionKind::kStar, location);
      star->names = std::move(names);
      return star;
    }
    if (Peek(1).kind != TokenKind::kIdentifier && Peek(1).kind != TokenKind::kQuotedIdentifier) {
      break;
    }
    Next();
    names.push_back(Next().text);
  }
  if (PeekOperator("(") && tokens_[position_ - 1].kind == TokenKind::kIdentifier) {
    std::string upper = ToUpper(names.back());
    if (names.size() == 1) {
      ASSIGN_OR_RAISE(ParsedExpressionPtr special, ParseSpecialFunction(upper));
      if (special) return special;
    }
    auto call = MakeExpression(ExpressionKind::kCall, location);
    call->names = std::move(names);
    return ParseFunctionArguments(std::move(call));
  }
  auto identifier = MakeExpression(ExpressionKind::kIdentifier, location);
  identifier->names = std::move(names);
  return identifier;
}

Result<ParsedExpressionPtr> Parser::ParseFunctionArguments(ParsedExpressionPtr call) {
  RETURN_NOT_OK(ExpectOperator("("));
  if (AcceptKeyword("DISTINCT")) {
    call->distinct = true;
  } else {
    AcceptKeyword("ALL");
  }
  if (PeekOperator("*") && PeekOperator(")", 1)) {
    Next();
    call->star_argument = true;
  } else if (!PeekOperator(")")) {
    do {
      bool named =
          (Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kQuotedIdentifier) &&
          PeekOperator("=>", 1);
      if (!call->args.empty() && named == call->arg_names.empty()) {
        return ErrorAt(Peek().location, "All arguments of a call must be named, or none of them");
      }
      if (named) {
        call->arg_names.push_back(ToUpper(Next().text));
        Next();
      }
      if (PeekKeyword("TABLE") && PeekIdentifier() &&
          (Peek(1).kind == TokenKind::kIdentifier ||
           Peek(1).kind == TokenKind::kQuotedIdentifier)) {
        // TABLE t as an argument of a table-valued function: an identifier flagged "TABLE".
        SourceLocation location = Next().location;
        auto table = MakeExpression(ExpressionKind::kIdentifier, location);
        ASSIGN_OR_RAISE(ObjectName name, ParseObjectName());
        table->names = std::move(name.parts);
        table->op = "TABLE";
        // SESSION(TABLE t PARTITION BY k, ...) or PARTITION BY (k1, k2): the
        // keys become its arguments.
        if (AcceptKeywords({"PARTITION", "BY"})) {
          bool parenthesized = AcceptOperator("(");
          do {
            SourceLocation key_location = Peek().location;
            ASSIGN_OR_RAISE(std::string key, ExpectIdentifier("a partition column"));
            auto identifier = MakeExpression(ExpressionKind::kIdentifier, key_location);
            identifier->names.push_back(std::move(key));
            table->args.push_back(std::move(identifier));
          } while (parenthesized && AcceptOperator(","));
          if (parenthesized) RETURN_NOT_OK(ExpectOperator(")"));
        }
        call->args.push_back(std::move(table));
        continue;
      }
      ASSIGN_OR_RAISE(ParsedExpressionPtr argument, ParseExpression());
      call->args.push_back(std::move(argument));
    } while (AcceptOperator(","));
  }
  RETURN_NOT_OK(ExpectOperator(")"));
  if (PeekKeyword("FILTER") && PeekOperator("(", 1)) {
    Next();
    Next();
    RETURN_NOT_OK(ExpectKeyword("WHERE"));
    ASSIGN_OR_RAISE(call->filter, ParseExpression());
    RETURN_NOT_OK(ExpectOperator(")"));
  }
  if (AcceptKeyword("OVER")) {
    ASSIGN_OR_RAISE(call->over, ParseWindowSpecification());
  }
  return call;
}

Result<std::unique_ptr<WindowSpecification>> Parser::ParseWindowSpecification() {
  auto window = std::make_unique<WindowSpecification>();
  if (!PeekOperator("(")) {
    ASSIGN_OR_RAISE(window->reference, ExpectIdentifier("a window name or '('"));
    return window;
  }
  RETURN_NOT_OK(ExpectOperator("("));
  if (AcceptKeywords({"PARTITION", "BY"})) {
    do {
      ASSIGN_OR_RAISE(ParsedExpressionPtr key, ParseExpression());
      window->partition_by.push_back(std::move(key));
    } while (AcceptOperator(","));
  }
  if (AcceptKeywords({"ORDER", "BY"})) {
    ASSIGN_OR_RAISE(window->order_by, ParseOrderItems());
  }
  if (PeekKeyword("ROWS") || PeekKeyword("RANGE")) {
    window->has_frame = true;
    window->frame_is_rows = ToUpper(Next().text) == "ROWS";
    RETURN_NOT_OK(ExpectKeyword("BETWEEN"));
    if (AcceptKeywords({"UNBOUNDED", "PRECEDING"})) {
      window->preceding_unbounded = true;
    } else if (AcceptKeywords({"CURRENT", "ROW"})) {
      window->preceding_unbounded = false;
      window->current_row_start = true;
    } else {
      window->preceding_unbounded = false;
      ASSIGN_OR_RAISE(window->preceding, ParseAdditive());
      RETURN_NOT_OK(ExpectKeyword("PRECEDING"));
    }
    RETURN_NOT_OK(ExpectKeyword("AND"));
    if (!AcceptKeywords({"CURRENT", "ROW"})) {
      return Error("Flink supports only CURRENT ROW as the end of an OVER window frame");
    }
  }
  RETURN_NOT_OK(ExpectOperator(")"));
  return window;
}

Result<std::string> Parser::ParseTimeUnit() {
  for (std::string_view unit : kTimeUnits) {
    if (AcceptKeyword(unit)) return std::string(unit);
  }
  return Error("Expected a time unit such as YEAR, MONTH, DAY, HOUR, MINUTE or SECOND");
}

Result<ParsedExpressionPtr> Parser::ParseSpecialFunction(const std::string& upper_name) {
  SourceLocation location = tokens_[position_ - 1].location;
  auto make_call = [&](std::string name) {
    auto call = MakeExpression(ExpressionKind::kCall, location);
    call->names.push_back(std::move(name));
    return call;
  };
  auto unit_argument = [&](std::string unit) {
    auto expression = MakeExpression(ExpressionKind::kTimeUnit, location);
    expression->text = std::move(unit);
    return expression;
  };
  if (upper_name == "EXTRACT") {
    Next();
    auto call = make_call("EXTRACT");
    ASSIGN_OR_RAISE(std::string unit, ParseTimeUnit());
    call->args.push_back(unit_argument(std::move(unit)));
    RETURN_NOT_OK(ExpectKeyword("FROM"));
    ASSIGN_OR_RAISE(ParsedExpressionPtr source, ParseExpression());
    call->args.push_back(std::move(source));
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "TIMESTAMPADD" || upper_name == "TIMESTAMPDIFF") {
    Next();
    auto call = make_call(upper_name);
    ASSIGN_OR_RAISE(std::string unit, ParseTimeUnit());
    call->args.push_back(unit_argument(std::move(unit)));
    for (int i = 0; i < 2; ++i) {
      RETURN_NOT_OK(ExpectOperator(","));
      ASSIGN_OR_RAISE(ParsedExpressionPtr argument, ParseExpression());
      call->args.push_back(std::move(argument));
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "POSITION") {
    Next();
    auto call = make_call("POSITION");
    ASSIGN_OR_RAISE(ParsedExpressionPtr needle, ParseAdditive());
    RETURN_NOT_OK(ExpectKeyword("IN"));
    ASSIGN_OR_RAISE(ParsedExpressionPtr haystack, ParseExpression());
    call->args.push_back(std::move(needle));
    call->args.push_back(std::move(haystack));
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "TRIM") {
    // TRIM([BOTH|LEADING|TRAILING] [characters] FROM text) or TRIM(text).
    Next();
    std::string mode = "BOTH";
    for (std::string_view candidate : {"BOTH", "LEADING", "TRAILING"}) {
      if (AcceptKeyword(candidate)) mode = std::string(candidate);
    }
    auto call = make_call(mode == "BOTH" ? "TRIM" : (mode == "LEADING" ? "LTRIM" : "RTRIM"));
    ParsedExpressionPtr characters;
    ParsedExpressionPtr text;
    if (AcceptKeyword("FROM")) {
      ASSIGN_OR_RAISE(text, ParseExpression());
    } else {
      ASSIGN_OR_RAISE(ParsedExpressionPtr first, ParseExpression());
      if (AcceptKeyword("FROM")) {
        characters = std::move(first);
        ASSIGN_OR_RAISE(text, ParseExpression());
      } else {
        text = std::move(first);
      }
    }
    call->args.push_back(std::move(text));
    if (characters) call->args.push_back(std::move(characters));
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "SUBSTRING" || upper_name == "SUBSTR") {
    // SUBSTRING(text FROM start [FOR length]) or SUBSTRING(text, start [, length]).
    Next();
    auto call = make_call(upper_name);
    ASSIGN_OR_RAISE(ParsedExpressionPtr text, ParseExpression());
    call->args.push_back(std::move(text));
    if (AcceptKeyword("FROM")) {
      ASSIGN_OR_RAISE(ParsedExpressionPtr start, ParseExpression());
      call->args.push_back(std::move(start));
      if (AcceptKeyword("FOR")) {
        ASSIGN_OR_RAISE(ParsedExpressionPtr length, ParseExpression());
        call->args.push_back(std::move(length));
      }
    } else {
      while (AcceptOperator(",")) {
        ASSIGN_OR_RAISE(ParsedExpressionPtr argument, ParseExpression());
        call->args.push_back(std::move(argument));
      }
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "OVERLAY") {
    Next();
    auto call = make_call("OVERLAY");
    ASSIGN_OR_RAISE(ParsedExpressionPtr text, ParseExpression());
    RETURN_NOT_OK(ExpectKeyword("PLACING"));
    ASSIGN_OR_RAISE(ParsedExpressionPtr replacement, ParseExpression());
    RETURN_NOT_OK(ExpectKeyword("FROM"));
    ASSIGN_OR_RAISE(ParsedExpressionPtr start, ParseExpression());
    call->args.push_back(std::move(text));
    call->args.push_back(std::move(replacement));
    call->args.push_back(std::move(start));
    if (AcceptKeyword("FOR")) {
      ASSIGN_OR_RAISE(ParsedExpressionPtr length, ParseExpression());
      call->args.push_back(std::move(length));
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "FLOOR" || upper_name == "CEIL" || upper_name == "CEILING") {
    // FLOOR(x) and FLOOR(timestamp TO unit).
    Next();
    auto call = make_call(upper_name == "CEILING" ? "CEIL" : upper_name);
    ASSIGN_OR_RAISE(ParsedExpressionPtr value, ParseExpression());
    call->args.push_back(std::move(value));
    if (AcceptKeyword("TO")) {
      ASSIGN_OR_RAISE(std::string unit, ParseTimeUnit());
      call->args.push_back(unit_argument(std::move(unit)));
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "JSON_VALUE") {
    // JSON_VALUE(json, path [RETURNING type] [{NULL | ERROR | DEFAULT v} ON EMPTY]
    //            [{NULL | ERROR | DEFAULT v} ON ERROR]).
    Next();
    auto call = make_call("JSON_VALUE");
    call->cast_type = DataType::Null();
    for (int i = 0; i < 2; ++i) {
      if (i > 0) RETURN_NOT_OK(ExpectOperator(","));
      ASSIGN_OR_RAISE(ParsedExpressionPtr argument, ParseExpression());
      call->args.push_back(std::move(argument));
    }
    if (AcceptKeyword("RETURNING")) {
      ASSIGN_OR_RAISE(call->cast_type, ParseType());
    }
    auto null_literal = [&] {
      auto literal = MakeExpression(ExpressionKind::kLiteral, location);
      literal->literal_kind = LiteralKind::kNull;
      return literal;
    };
    auto mode_literal = [&](std::string mode) {
      auto literal = MakeExpression(ExpressionKind::kLiteral, location);
      literal->literal_kind = LiteralKind::kString;
      literal->text = std::move(mode);
      return literal;
    };
    std::string modes[2] = {"NULL", "NULL"};
    ParsedExpressionPtr defaults[2];
    bool any = false;
    for (int round = 0; round < 2; ++round) {
      std::string mode;
      ParsedExpressionPtr value;
      if (AcceptKeyword("NULL")) {
        mode = "NULL";
      } else if (AcceptKeyword("ERROR")) {
        mode = "ERROR";
      } else if (AcceptKeyword("DEFAULT")) {
        mode = "DEFAULT";
        ASSIGN_OR_RAISE(value, ParseAdditive());
      } else {
        break;
      }
      RETURN_NOT_OK(ExpectKeyword("ON"));
      int slot;
      if (AcceptKeyword("EMPTY")) {
        slot = 0;
      } else {
        RETURN_NOT_OK(ExpectKeyword("ERROR"));
        slot = 1;
      }
      modes[slot] = mode;
      defaults[slot] = std::move(value);
      any = true;
    }
    if (any) {
      for (int slot = 0; slot < 2; ++slot) {
        call->args.push_back(mode_literal(modes[slot]));
        call->args.push_back(defaults[slot] ? std::move(defaults[slot]) : null_literal());
      }
    }
    call->text = modes[1];  // the ON ERROR mode also governs the RETURNING conversion
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "JSON_EXISTS" || upper_name == "JSON_QUERY") {
    // JSON_EXISTS(json, path [{TRUE | FALSE | UNKNOWN | ERROR} ON ERROR]);
    // JSON_QUERY(json, path [{WITHOUT | WITH [CONDITIONAL | UNCONDITIONAL]} [ARRAY] WRAPPER]
    //            [{NULL | EMPTY ARRAY | EMPTY OBJECT | ERROR} ON EMPTY] [... ON ERROR]).
    // The clauses become constant string arguments.
    Next();
    auto call = make_call(upper_name);
    for (int i = 0; i < 2; ++i) {
      if (i > 0) RETURN_NOT_OK(ExpectOperator(","));
      ASSIGN_OR_RAISE(ParsedExpressionPtr argument, ParseExpression());
      call->args.push_back(std::move(argument));
    }
    auto keyword_argument = [&](std::string text) {
      auto literal = MakeExpression(ExpressionKind::kLiteral, location);
      literal->literal_kind = LiteralKind::kString;
      literal->text = std::move(text);
      return literal;
    };
    if (upper_name == "JSON_EXISTS") {
      for (std::string_view behavior : {"TRUE", "FALSE", "UNKNOWN", "ERROR"}) {
        if (PeekKeyword(behavior) && PeekKeyword("ON", 1)) {
          Next();
          Next();
          RETURN_NOT_OK(ExpectKeyword("ERROR"));
          call->args.push_back(keyword_argument(std::string(behavior)));
          break;
        }
      }
    } else {
      std::string wrapper = "WITHOUT ARRAY";
      if (AcceptKeyword("WITHOUT")) {
        AcceptKeyword("ARRAY");
        RETURN_NOT_OK(ExpectKeyword("WRAPPER"));
      } else if (AcceptKeyword("WITH")) {
        wrapper = "UNCONDITIONAL ARRAY";
        if (AcceptKeyword("CONDITIONAL"))
          wrapper = "CONDITIONAL ARRAY";
        else
          AcceptKeyword("UNCONDITIONAL");
        AcceptKeyword("ARRAY");
        RETURN_NOT_OK(ExpectKeyword("WRAPPER"));
      }
      std::string behaviors[2] = {"NULL", "NULL"};
      for (int round = 0; round < 2; ++round) {
        std::string behavior;
        if (AcceptKeyword("NULL")) {
          behavior = "NULL";
        } else if (AcceptKeyword("ERROR")) {
          behavior = "ERROR";
        } else if (AcceptKeywords({"EMPTY", "ARRAY"})) {
          behavior = "EMPTY ARRAY";
        } else if (AcceptKeywords({"EMPTY", "OBJECT"})) {
          behavior = "EMPTY OBJECT";
        } else {
          break;
        }
        RETURN_NOT_OK(ExpectKeyword("ON"));
        if (AcceptKeyword("EMPTY")) {
          behaviors[0] = behavior;
        } else {
          RETURN_NOT_OK(ExpectKeyword("ERROR"));
          behaviors[1] = behavior;
        }
      }
      call->args.push_back(keyword_argument(wrapper));
      call->args.push_back(keyword_argument(behaviors[0]));
      call->args.push_back(keyword_argument(behaviors[1]));
    }
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  if (upper_name == "DESCRIPTOR") {
    Next();
    auto call = make_call("DESCRIPTOR");
    do {
      SourceLocation column_location = Peek().location;
      ASSIGN_OR_RAISE(std::string column, ExpectIdentifier("a column name"));
      auto identifier = MakeExpression(ExpressionKind::kIdentifier, column_location);
      identifier->names.push_back(std::move(column));
      call->args.push_back(std::move(identifier));
    } while (AcceptOperator(","));
    RETURN_NOT_OK(ExpectOperator(")"));
    return call;
  }
  return ParsedExpressionPtr();
}

Result<ParsedExpressionPtr> Parser::ParseCase() {
  auto expression = MakeExpression(ExpressionKind::kCase, Next().location);
  if (!PeekKeyword("WHEN")) {
    expression->has_operand = true;
    ASSIGN_OR_RAISE(ParsedExpressionPtr operand, ParseExpression());
    expression->args.push_back(std::move(operand));
  }
  if (!PeekKeyword("WHEN")) return Error("Expected WHEN in CASE");
  while (AcceptKeyword("WHEN")) {
    ASSIGN_OR_RAISE(ParsedExpressionPtr when, ParseExpression());
    RETURN_NOT_OK(ExpectKeyword("THEN"));
    ASSIGN_OR_RAISE(ParsedExpressionPtr then, ParseExpression());
    expression->args.push_back(std::move(when));
    expression->args.push_back(std::move(then));
  }
  if (AcceptKeyword("ELSE")) {
    expression->has_else = true;
    ASSIGN_OR_RAISE(ParsedExpressionPtr otherwise, ParseExpression());
    expression->args.push_back(std::move(otherwise));
  }
  RETURN_NOT_OK(ExpectKeyword("END"));
  return expression;
}

Result<ParsedExpressionPtr> Parser::ParseCast(bool is_try) {
  auto expression = MakeExpression(ExpressionKind::kCast, Next().location);
  expression->is_try = is_try;
  RETURN_NOT_OK(ExpectOperator("("));
  ASSIGN_OR_RAISE(ParsedExpressionPtr operand, ParseExpression());
  expression->args.push_back(std::move(operand));
  RETURN_NOT_OK(ExpectKeyword("AS"));
  ASSIGN_OR_RAISE(expression->cast_type, ParseType());
  RETURN_NOT_OK(ExpectOperator(")"));
  return expression;
}

Result<ParsedExpressionPtr> Parser::ParseInterval() {
  auto expression = MakeExpression(ExpressionKind::kInterval, Next().location);
  bool negative = AcceptOperator("-");
  if (!negative) AcceptOperator("+");
  if (Peek().kind == TokenKind::kString) {
    expression->text = Next().text;
  } else if (Peek().kind == TokenKind::kInteger) {
    expression->text = Next().text;
  } else {
    return Error("Expected a quoted interval value such as INTERVAL '10' SECOND");
  }
  if (negative) expression->text = "-" + expression->text;
  ASSIGN_OR_RAISE(expression->interval_from, ParseTimeUnit());
  if (PeekOperator("(")) {
    // SECOND(3), DAY(2): precisions are accepted and ignored.
    Next();
    while (!AtEnd() && !PeekOperator(")")) Next();
    RETURN_NOT_OK(ExpectOperator(")"));
  }
  if (AcceptKeyword("TO")) {
    ASSIGN_OR_RAISE(expression->interval_to, ParseTimeUnit());
    if (PeekOperator("(")) {
      Next();
      while (!AtEnd() && !PeekOperator(")")) Next();
      RETURN_NOT_OK(ExpectOperator(")"));
    }
  }
  return expression;
}

// Types ----------------------------------------------------------------------------

Result<int> Parser::ParseTypeLength(int default_value) {
  if (!AcceptOperator("(")) return default_value;
  if (Peek().kind != TokenKind::kInteger) return Error("Expected a number");
  int value = std::stoi(Next().text);
  RETURN_NOT_OK(ExpectOperator(")"));
  return value;
}

Result<DataType> Parser::ParseType() {
  SourceLocation location = Peek().location;
  if (!PeekIdentifier()) return Error("Expected a data type");
  std::string name = ToUpper(Next().text);
  DataType type;
  if (name == "BOOLEAN" || name == "BOOL") {
    type = DataType::Boolean();
  } else if (name == "TINYINT") {
    type = DataType::TinyInt();
  } else if (name == "SMALLINT") {
    type = DataType::SmallInt();
  } else if (name == "INT" || name == "INTEGER") {
    type = DataType::Int();
  } else if (name == "BIGINT") {
    type = DataType::BigInt();
  } else if (name == "FLOAT" || name == "REAL") {
    type = DataType::Float();
  } else if (name == "DOUBLE") {
    AcceptKeyword("PRECISION");
    type = DataType::Double();
  } else if (name == "DECIMAL" || name == "DEC" || name == "NUMERIC") {
    int precision = 10;
    int scale = 0;
    if (AcceptOperator("(")) {
      if (Peek().kind != TokenKind::kInteger) return Error("Expected the DECIMAL precision");
      precision = std::stoi(Next().text);
      if (AcceptOperator(",")) {
        if (Peek().kind != TokenKind::kInteger) return Error("Expected the DECIMAL scale");
        scale = std::stoi(Next().text);
      }
      RETURN_NOT_OK(ExpectOperator(")"));
    }
    if (precision < 1 || precision > 38) {
      return ErrorAt(location, fmt::format("Decimal precision must be between 1 and 38 (both "
                                           "inclusive), but is {}",
                                           precision));
    }
    if (scale < 0 || scale > precision) {
      return ErrorAt(location, fmt::format("Decimal scale must be between 0 and the precision "
                                           "{} (both inclusive), but is {}",
                                           precision, scale));
    }
    type = DataType::Decimal(precision, scale);
  } else if (name == "CHAR" || name == "CHARACTER") {
    if (AcceptKeyword("VARYING")) {
      ASSIGN_OR_RAISE(int length, ParseTypeLength(DataType::kMaxLength));
      type = DataType::VarChar(length);
    } else {
      ASSIGN_OR_RAISE(int length, ParseTypeLength(1));
      type = DataType::Char(length);
    }
  } else if (name == "VARCHAR") {
    ASSIGN_OR_RAISE(int length, ParseTypeLength(DataType::kMaxLength));
    type = DataType::VarChar(length);
  } else if (name == "STRING") {
    type = DataType::String();
  } else if (name == "BINARY") {
    ASSIGN_OR_RAISE(int length, ParseTypeLength(1));
    type = DataType::Binary(length);
  } else if (name == "VARBINARY") {
    ASSIGN_OR_RAISE(int length, ParseTypeLength(DataType::kMaxLength));
    type = DataType::VarBinary(length);
  } else if (name == "BYTES") {
    type = DataType::Bytes();
  } else if (name == "DATE") {
    type = DataType::Date();
  } else if (name == "TIME") {
    ASSIGN_OR_RAISE(int precision, ParseTypeLength(0));
    AcceptKeywords({"WITHOUT", "TIME", "ZONE"});
    type = DataType::Time(precision);
  } else if (name == "TIMESTAMP") {
    ASSIGN_OR_RAISE(int precision, ParseTypeLength(6));
    if (precision < 0 || precision > 9) {
      return ErrorAt(location, "Timestamp precision must be between 0 and 9 (both inclusive)");
    }
    if (AcceptKeywords({"WITH", "LOCAL", "TIME", "ZONE"})) {
      type = DataType::TimestampLtz(precision);
    } else if (PeekKeyword("WITH")) {
      return Error("TIMESTAMP WITH TIME ZONE is not supported; use TIMESTAMP_LTZ");
    } else {
      AcceptKeywords({"WITHOUT", "TIME", "ZONE"});
      type = DataType::Timestamp(precision);
    }
  } else if (name == "TIMESTAMP_LTZ") {
    ASSIGN_OR_RAISE(int precision, ParseTypeLength(6));
    type = DataType::TimestampLtz(precision);
  } else if (name == "INTERVAL") {
    ASSIGN_OR_RAISE(std::string from, ParseTimeUnit());
    // Precisions such as SECOND(3) are accepted; values keep milliseconds.
    RETURN_NOT_OK(ParseTypeLength(0).status());
    if (AcceptKeyword("TO")) {
      RETURN_NOT_OK(ParseTimeUnit().status());
      RETURN_NOT_OK(ParseTypeLength(0).status());
    }
    bool year_month = from == "YEAR" || from == "MONTH";
    type = year_month ? DataType::IntervalYearMonth() : DataType::IntervalDayTime();
  } else if (name == "ARRAY" || name == "MULTISET") {
    if (name == "MULTISET") return ErrorAt(location, "MULTISET is not supported yet");
    RETURN_NOT_OK(ExpectOperator("<"));
    ASSIGN_OR_RAISE(DataType element, ParseType());
    RETURN_NOT_OK(ExpectOperator(">"));
    type = DataType::Array(std::move(element));
  } else if (name == "MAP") {
    RETURN_NOT_OK(ExpectOperator("<"));
    ASSIGN_OR_RAISE(DataType key, ParseType());
    RETURN_NOT_OK(ExpectOperator(","));
    ASSIGN_OR_RAISE(DataType value, ParseType());
    RETURN_NOT_OK(ExpectOperator(">"));
    type = DataType::Map(std::move(key), std::move(value));
  } else if (name == "ROW") {
    std::string close = PeekOperator("(") ? ")" : ">";
    if (!AcceptOperator("(") && !AcceptOperator("<")) return Error("Expected '<' or '(' after ROW");
    std::vector<RowField> fields;
    if (!PeekOperator(close)) {
      do {
        RowField field;
        ASSIGN_OR_RAISE(field.name, ExpectIdentifier("a field name"));
        ASSIGN_OR_RAISE(field.type, ParseType());
        if (Peek().kind == TokenKind::kString) Next();  // field description
        fields.push_back(std::move(field));
      } while (AcceptOperator(","));
    }
    RETURN_NOT_OK(ExpectOperator(close));
    type = DataType::Row(std::move(fields));
  } else {
    return ErrorAt(location, fmt::format("Unknown data type '{}'", name));
  }
  // Postfix ARRAY: INT ARRAY.
  while (PeekKeyword("ARRAY")) {
    Next();
    type = DataType::Array(std::move(type));
  }
  if (AcceptKeywords({"NOT", "NULL"})) {
    type = type.WithNullable(false);
  } else {
    AcceptKeyword("NULL");
  }
  return type;
}

}  // namespace tiangong::sql
