#include "sql/ast.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong::sql {
namespace {

std::string QuoteName(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  return plain ? name : fmt::format("`{}`", name);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += '.';
    text += QuoteName(names[i]);
  }
  return text;
}

std::string ArgumentList(const std::vector<ParsedExpressionPtr>& args, size_t from = 0) {
  std::string text;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) text += ", ";
    text += args[i]->ToSql();
  }
  return text;
}

}  // namespace

std::string ObjectName::ToString() const { return JoinNames(parts); }

std::string ParsedExpression::ToSql() const {
  switch (kind) {
    case ExpressionKind::kIdentifier:
      return JoinNames(names);
    case ExpressionKind::kLiteral:
      switch (literal_kind) {
        case LiteralKind::kNull:
          return "NULL";
        case LiteralKind::kString:
          return fmt::format("'{}'", text);
        case LiteralKind::kDate:
          return fmt::format("DATE '{}'", text);
        case LiteralKind::kTime:
          return fmt::format("TIME '{}'", text);
        case LiteralKind::kTimestamp:
          return fmt::format("TIMESTAMP '{}'", text);
        case LiteralKind::kTimestampLtz:
          return fmt::format("TIMESTAMP_LTZ '{}'", text);
        case LiteralKind::kBinary:
          return fmt::format("X'{}'", text);
        default:
          return text;
      }
    case ExpressionKind::kStar:
      return names.empty() ? "*" : JoinNames(names) + ".*";
    case ExpressionKind::kUnary:
      return op == "NOT" ? fmt::format("NOT {}", args[0]->ToSql())
                         : fmt::format("-{}", args[0]->ToSql());
    case ExpressionKind::kBinary:
      return fmt::format("{} {} {}", args[0]->ToSql(), op, args[1]->ToSql());
    case ExpressionKind::kCall: {
      std::string text = fmt::format("{}({}{})", JoinNames(names), distinct ? "DISTINCT " : "",
                                     star_argument ? "*" : ArgumentList(args));
      if (filter) text += fmt::format(" FILTER (WHERE {})", filter->ToSql());
      if (over) text += " OVER (...)";
      return text;
    }
    case ExpressionKind::kCase: {
      std::string text = "CASE";
      size_t index = 0;
      if (has_operand) text += " " + args[index++]->ToSql();
      size_t end = has_else ? args.size() - 1 : args.size();
      for (; index + 1 < end + 1 && index < end; index += 2) {
        text += fmt::format(" WHEN {} THEN {}", args[index]->ToSql(), args[index + 1]->ToSql());
      }
      if (has_else) text += " ELSE " + args.back()->ToSql();
      return text + " END";
    }
    case ExpressionKind::kCast:
      return fmt::format("{}({} AS {})", is_try ? "TRY_CAST" : "CAST", args[0]->ToSql(),
                         cast_type.ToString());
    case ExpressionKind::kBetween:
      return fmt::format("{} {}BETWEEN {} AND {}", args[0]->ToSql(), negated ? "NOT " : "",
                         args[1]->ToSql(), args[2]->ToSql());
    case ExpressionKind::kIn:
      return fmt::format("{} {}IN ({})", args[0]->ToSql(), negated ? "NOT " : "",
                         subquery ? "SELECT ..." : ArgumentList(args, 1));
    case ExpressionKind::kLike:
      return fmt::format("{} {}{} {}", args[0]->ToSql(), negated ? "NOT " : "", op,
                         args[1]->ToSql());
    case ExpressionKind::kIsPredicate:
      if (op == "DISTINCT FROM") {
        return fmt::format("{} IS {}DISTINCT FROM {}", args[0]->ToSql(), negated ? "NOT " : "",
                           args[1]->ToSql());
      }
      return fmt::format("{} IS {}{}", args[0]->ToSql(), negated ? "NOT " : "", op);
    case ExpressionKind::kInterval:
      return fmt::format("INTERVAL '{}' {}{}", text, interval_from,
                         interval_to.empty() ? "" : " TO " + interval_to);
    case ExpressionKind::kSubscript:
      return fmt::format("{}[{}]", args[0]->ToSql(), args[1]->ToSql());
    case ExpressionKind::kFieldAccess:
      return fmt::format("{}.{}", args[0]->ToSql(), QuoteName(names[0]));
    case ExpressionKind::kRowConstructor:
      return fmt::format("ROW({})", ArgumentList(args));
    case ExpressionKind::kArrayConstructor:
      return fmt::format("ARRAY[{}]", ArgumentList(args));
    case ExpressionKind::kMapConstructor:
      return fmt::format("MAP[{}]", ArgumentList(args));
    case ExpressionKind::kExists:
      return "EXISTS (SELECT ...)";
    case ExpressionKind::kScalarSubquery:
      return "(SELECT ...)";
    case ExpressionKind::kTimeUnit:
      return text;
  }
  return "?";
}

}  // namespace tiangong::sql
