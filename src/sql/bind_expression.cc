#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "common/strings.h"
#include "functions/cast.h"
#include "functions/type_coercion.h"
#include "sql/binder.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace tiangong::sql {
namespace {

constexpr std::string_view kNiladicFunctions[] = {"CURRENT_TIMESTAMP", "LOCALTIMESTAMP",
                                                  "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME"};

constexpr std::string_view kAggregateFunctions[] = {
    "COUNT",       "SUM",        "SUM0",      "AVG",           "MIN",           "MAX",
    "FIRST_VALUE", "LAST_VALUE", "LISTAGG",   "COLLECT",       "STDDEV_POP",    "STDDEV_SAMP",
    "VAR_POP",     "VAR_SAMP",   "ARRAY_AGG", "JSON_ARRAYAGG", "JSON_OBJECTAGG"};

constexpr std::string_view kWindowFunctions[] = {
    "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LEAD", "LAG"};

constexpr std::string_view kStatefulFunctions[] = {
    "TUMBLE",           "HOP",         "SESSION",         "CUMULATE",
    "TUMBLE_START",     "TUMBLE_END",  "TUMBLE_ROWTIME",  "TUMBLE_PROCTIME",
    "HOP_START",        "HOP_END",     "HOP_ROWTIME",     "HOP_PROCTIME",
    "SESSION_START",    "SESSION_END", "SESSION_ROWTIME", "SESSION_PROCTIME",
    "CURRENT_WATERMARK"};

template <size_t N>
bool Contains(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

size_t Utf8Length(std::string_view text) {
  size_t length = 0;
  for (char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return length;
}

std::string TypeList(const std::vector<ExprPtr>& args) {
  std::vector<std::string> types;
  for (const ExprPtr& arg : args) types.push_back(arg->type().WithNullable(true).ToString());
  return fmt::format("{}", fmt::join(types, ", "));
}

}  // namespace

Result<ExprPtr> Binder::MakeCastAt(const ExprPtr& argument, const DataType& type, bool try_cast,
                                   const SourceLocation& location) {
  if (argument->type().EqualsIgnoringNullability(type) && !try_cast) return argument;
  if (!CanCast(argument->type(), type)) {
    return ErrorAt(location, "Cast function cannot convert value of type {} to type {}",
                   argument->type().ToString(), type.ToString());
  }
  Result<ExprPtr> cast = MakeCast(argument, type, try_cast);
  if (!cast.ok()) return ErrorAt(location, cast.status());
  return FoldConstant(*cast, context_.connector_context.function_context);
}

Result<ExprPtr> Binder::MakeCall(std::string_view name, std::vector<ExprPtr> args,
                                 const SourceLocation& location) {
  const ScalarFunction* function = context_.functions.FindScalar(name);
  if (function == nullptr) {
    return ErrorAt(location, "No match found for function signature {}({})", name, TypeList(args));
  }
  std::vector<ArgumentInfo> infos;
  for (const ExprPtr& arg : args) {
    infos.push_back({arg->type(), arg->is_literal() ? &arg->value() : nullptr});
  }
  Result<BoundScalarFunction> bound = function->bind(infos);
  if (!bound.ok()) return ErrorAt(location, bound.status());
  for (size_t i = 0; i < bound->argument_types.size() && i < args.size(); ++i) {
    ASSIGN_OR_RAISE(args[i], MakeCastAt(args[i], bound->argument_types[i], false, location));
  }
  ExprPtr call = Expr::Call(ToUpper(function->name), std::move(args), bound->result_type,
                            bound->kernel, bound->traits);
  return FoldConstant(call, context_.connector_context.function_context);
}

Result<ExprPtr> Binder::BindBoolean(const ParsedExpression& expression, const Scope& scope,
                                    std::string_view clause) {
  ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(expression, scope));
  TypeId id = bound->type().id();
  if (id == TypeId::kNull) return Expr::Literal(Value(), DataType::Boolean());
  if (id != TypeId::kBoolean) {
    return ErrorAt(expression.location, "{} must be a BOOLEAN condition, but {} is {}", clause,
                   expression.ToSql(), bound->type().ToString());
  }
  return bound;
}

Result<std::vector<ExprPtr>> Binder::BindArguments(const ParsedExpression& expression,
                                                   const Scope& scope) {
  std::vector<ExprPtr> args;
  for (const ParsedExpressionPtr& arg : expression.args) {
    ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*arg, scope));
    args.push_back(std::move(bound));
  }
  return args;
}

Result<ExprPtr> Binder::BindExpression(const ParsedExpression& expression, const Scope& scope) {
  const SourceLocation& location = expression.location;
  if (aggregate_binding_ != nullptr) {
    ASSIGN_OR_RAISE(std::optional<ExprPtr> grouped, BindAgainstAggregate(expression, scope));
    if (grouped) return *grouped;
  }
  if (over_binding_ != nullptr && expression.kind == ExpressionKind::kCall && expression.over) {
    auto found = over_binding_->find(&expression);
    if (found != over_binding_->end()) {
      const ScopeField& field = scope.fields[found->second];
      return Expr::InputRef(found->second, field.type, field.name);
    }
  }
  switch (expression.kind) {
    case ExpressionKind::kIdentifier:
      if (expression.op == "TABLE") {
        return ErrorAt(location, "TABLE {} is only allowed as an argument of a table function",
                       expression.ToSql());
      }
      return BindIdentifier(expression, scope);
    case ExpressionKind::kLiteral:
      return BindLiteral(expression);
    case ExpressionKind::kStar:
      return ErrorAt(location, "'*' is only allowed in the SELECT list and in COUNT(*)");
    case ExpressionKind::kUnary: {
      if (expression.op == "NOT") {
        ASSIGN_OR_RAISE(ExprPtr operand, BindBoolean(*expression.args[0], scope, "NOT"));
        return MakeCall("NOT", {operand}, location);
      }
      ASSIGN_OR_RAISE(ExprPtr operand, BindExpression(*expression.args[0], scope));
      return MakeCall("NEGATE", {operand}, location);
    }
    case ExpressionKind::kBinary: {
      if (expression.op == "AND" || expression.op == "OR") {
        SpecialForm form = expression.op == "AND" ? SpecialForm::kAnd : SpecialForm::kOr;
        std::vector<ExprPtr> operands;
        bool nullable = false;
        for (const ParsedExpressionPtr& arg : expression.args) {
          ASSIGN_OR_RAISE(ExprPtr operand, BindBoolean(*arg, scope, expression.op));
          nullable |= operand->type().nullable();
          // Flatten nested ANDs (ORs) into one node.
          if (operand->kind() == ExprKind::kSpecial && operand->special_form() == form) {
            operands.insert(operands.end(), operand->args().begin(), operand->args().end());
          } else {
            operands.push_back(std::move(operand));
          }
        }
        return FoldConstant(Expr::Special(form, std::move(operands), DataType::Boolean(nullable)),
                            context_.connector_context.function_context);
      }
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      return MakeCall(expression.op, std::move(args), location);
    }
    case ExpressionKind::kCall:
      return BindCall(expression, scope);
    case ExpressionKind::kCase:
      return BindCase(expression, scope);
    case ExpressionKind::kCast: {
      ASSIGN_OR_RAISE(ExprPtr operand, BindExpression(*expression.args[0], scope));
      return MakeCastAt(operand, expression.cast_type, expression.is_try, location);
    }
    case ExpressionKind::kBetween: {
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      ASSIGN_OR_RAISE(ExprPtr low,
                      MakeCall(expression.negated ? "<" : ">=", {args[0], args[1]}, location));
      ASSIGN_OR_RAISE(ExprPtr high,
                      MakeCall(expression.negated ? ">" : "<=", {args[0], args[2]}, location));
      bool nullable = low->type().nullable() || high->type().nullable();
      return FoldConstant(Expr::Special(expression.negated ? SpecialForm::kOr : SpecialForm::kAnd,
                                        {low, high}, DataType::Boolean(nullable)),
                          context_.connector_context.function_context);
    }
    case ExpressionKind::kIn:
      return BindIn(expression, scope);
    case ExpressionKind::kLike: {
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      ASSIGN_OR_RAISE(ExprPtr match, MakeCall(expression.op, std::move(args), location));
      if (!expression.negated) return match;
      return MakeCall("NOT", {match}, location);
    }
    case ExpressionKind::kIsPredicate: {
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      std::string name;
      if (expression.op == "DISTINCT FROM") {
        name = expression.negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM";
      } else {
        std::string what = expression.op == "UNKNOWN" ? "NULL" : expression.op;
        name = fmt::format("IS {}{}", expression.negated ? "NOT " : "", what);
      }
      return MakeCall(name, std::move(args), location);
    }
    case ExpressionKind::kInterval:
      return BindInterval(expression);
    case ExpressionKind::kSubscript: {
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      return MakeCall("ITEM", std::move(args), location);
    }
    case ExpressionKind::kFieldAccess: {
      ASSIGN_OR_RAISE(ExprPtr row, BindExpression(*expression.args[0], scope));
      const DataType& type = row->type();
      if (type.id() != TypeId::kRow) {
        return ErrorAt(location, "Cannot access field '{}' of {}: it is {}, not a ROW",
                       expression.names[0], expression.args[0]->ToSql(), type.ToString());
      }
      for (size_t i = 0; i < type.num_fields(); ++i) {
        if (type.fields()[i].name == expression.names[0]) {
          DataType field_type = type.fields()[i].type;
          if (type.nullable()) field_type = field_type.WithNullable(true);
          return Expr::Special(SpecialForm::kFieldAccess, {row}, field_type, static_cast<int>(i));
        }
      }
      return ErrorAt(location, "Unknown field '{}' in {}", expression.names[0], type.ToString());
    }
    case ExpressionKind::kRowConstructor:
    case ExpressionKind::kArrayConstructor:
    case ExpressionKind::kMapConstructor: {
      ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
      const char* name = expression.kind == ExpressionKind::kRowConstructor     ? "ROW"
                         : expression.kind == ExpressionKind::kArrayConstructor ? "ARRAY"
                                                                                : "MAP";
      return MakeCall(name, std::move(args), location);
    }
    case ExpressionKind::kTimeUnit:
      return Expr::Literal(Value::String(expression.text),
                           DataType::Char(static_cast<int32_t>(expression.text.size()), false));
    case ExpressionKind::kExists:
    case ExpressionKind::kScalarSubquery:
      return ErrorAt(location, "Sub-queries in expressions are not supported yet");
  }
  return Status::Internal("unknown expression kind");
}

Result<ExprPtr> Binder::BindIdentifier(const ParsedExpression& expression, const Scope& scope) {
  const std::vector<std::string>& names = expression.names;
  // Resolve the longest prefix that names a field: qualifier.column, then column.
  auto find = [&](bool qualified) -> std::vector<int> {
    std::vector<int> matches;
    for (size_t i = 0; i < scope.fields.size(); ++i) {
      const ScopeField& field = scope.fields[i];
      if (qualified ? (field.qualifier == names[0] && field.name == names[1])
                    : field.name == names[0]) {
        matches.push_back(static_cast<int>(i));
      }
    }
    return matches;
  };
  size_t consumed = 0;
  std::vector<int> matches;
  if (names.size() >= 2) {
    matches = find(true);
    consumed = 2;
  }
  if (matches.empty()) {
    matches = find(false);
    consumed = 1;
  }
  if (matches.size() > 1) {
    return ErrorAt(expression.location, "Column '{}' is ambiguous", names[consumed - 1]);
  }
  if (matches.empty()) {
    std::string upper = ToUpper(names[0]);
    if (names.size() == 1 && Contains(kNiladicFunctions, upper)) {
      return MakeCall(upper, {}, expression.location);
    }
    std::string hint;
    for (const ScopeField& field : scope.fields) {
      if (EqualsIgnoreCase(field.name, names.back())) {
        hint = fmt::format(", did you mean '{}'?", field.name);
      }
    }
    if (names.size() >= 2) {
      bool known_qualifier =
          std::any_of(scope.fields.begin(), scope.fields.end(),
                      [&](const ScopeField& f) { return f.qualifier == names[0]; });
      if (known_qualifier) {
        return ErrorAt(expression.location, "Column '{}' not found in table '{}'{}", names[1],
                       names[0], hint);
      }
    }
    return ErrorAt(expression.location, "Column '{}' not found in any table{}", names[0], hint);
  }
  int index = matches[0];
  const ScopeField& field = scope.fields[index];
  ExprPtr result = Expr::InputRef(index, field.type, field.name);
  for (size_t part = consumed; part < names.size(); ++part) {
    const DataType& type = result->type();
    if (type.id() != TypeId::kRow) {
      return ErrorAt(expression.location, "Cannot access field '{}' of '{}': it is {}, not a ROW",
                     names[part], fmt::join(names.begin(), names.begin() + part, "."),
                     type.ToString());
    }
    int field_index = -1;
    for (size_t f = 0; f < type.num_fields(); ++f) {
      if (type.fields()[f].name == names[part]) field_index = static_cast<int>(f);
    }
    if (field_index < 0) {
      return ErrorAt(expression.location, "Unknown field '{}' in column '{}' of type {}",
                     names[part], fmt::join(names.begin(), names.begin() + part, "."),
                     type.ToString());
    }
    DataType field_type = type.fields()[field_index].type;
    if (type.nullable()) field_type = field_type.WithNullable(true);
    result = Expr::Special(SpecialForm::kFieldAccess, {result}, field_type, field_index);
  }
  return result;
}

Result<ExprPtr> Binder::BindLiteral(const ParsedExpression& expression) {
  const std::string& text = expression.text;
  const SourceLocation& location = expression.location;
  switch (expression.literal_kind) {
    case LiteralKind::kNull:
      return Expr::Literal(Value(), DataType::Null());
    case LiteralKind::kBoolean:
      return Expr::Literal(Value::Bool(text == "TRUE"), DataType::Boolean(false));
    case LiteralKind::kInteger: {
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc()) {
        bool fits_int = value >= INT32_MIN && value <= INT32_MAX;
        return Expr::Literal(Value::Int(value),
                             fits_int ? DataType::Int(false) : DataType::BigInt(false));
      }
      if (text.size() > 38) return ErrorAt(location, "Numeric literal '{}' out of range", text);
      int precision = static_cast<int>(text.size());
      ASSIGN_OR_RAISE(Int128 unscaled, ParseDecimal(text, precision, 0));
      return Expr::Literal(Value::Decimal(unscaled), DataType::Decimal(precision, 0, false));
    }
    case LiteralKind::kDecimal: {
      size_t point = text.find('.');
      std::string integer_digits = text.substr(0, point);
      integer_digits.erase(0,
                           std::min(integer_digits.find_first_not_of('0'), integer_digits.size()));
      int scale = static_cast<int>(text.size() - point - 1);
      int precision = std::max(static_cast<int>(integer_digits.size()) + scale, 1);
      if (precision > DataType::kMaxDecimalPrecision) {
        return ErrorAt(location, "Decimal literal '{}' has more than 38 digits", text);
      }
      ASSIGN_OR_RAISE(Int128 unscaled, ParseDecimal(text, precision, scale));
      return Expr::Literal(Value::Decimal(unscaled), DataType::Decimal(precision, scale, false));
    }
    case LiteralKind::kApproximate: {
      Result<double> value = ParseDouble(text);
      if (!value.ok()) return ErrorAt(location, "Invalid number '{}'", text);
      return Expr::Literal(Value::Double(*value), DataType::Double(false));
    }
    case LiteralKind::kString:
      return Expr::Literal(Value::String(text),
                           DataType::Char(static_cast<int32_t>(Utf8Length(text)), false));
    case LiteralKind::kBinary: {
      if (text.size() % 2 != 0) {
        return ErrorAt(location, "Binary literal X'{}' must have an even number of hex digits",
                       text);
      }
      std::string bytes;
      for (size_t i = 0; i < text.size(); i += 2) {
        int value = 0;
        auto [end, error] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
        if (error != std::errc() || end != text.data() + i + 2) {
          return ErrorAt(location, "Binary literal X'{}' has a character that is not hex", text);
        }
        bytes.push_back(static_cast<char>(value));
      }
      int32_t length = static_cast<int32_t>(bytes.size());
      return Expr::Literal(Value::String(std::move(bytes)), DataType::Binary(length, false));
    }
    case LiteralKind::kDate: {
      Result<int32_t> days = ParseDate(text);
      if (!days.ok()) return ErrorAt(location, days.status());
      return Expr::Literal(Value::Int(*days), DataType::Date(false));
    }
    case LiteralKind::kTime: {
      Result<int32_t> millis = ParseTime(text);
      if (!millis.ok()) return ErrorAt(location, millis.status());
      size_t point = text.find('.');
      int precision = point == std::string::npos ? 0 : static_cast<int>(text.size() - point - 1);
      return Expr::Literal(Value::Int(*millis), DataType::Time(std::min(precision, 3), false));
    }
    case LiteralKind::kTimestamp:
    case LiteralKind::kTimestampLtz: {
      Result<int64_t> micros = ParseTimestamp(text);
      if (!micros.ok()) return ErrorAt(location, micros.status());
      size_t point = text.find('.');
      int precision = point == std::string::npos ? 0 : static_cast<int>(text.size() - point - 1);
      precision = std::min(precision, 9);
      if (expression.literal_kind == LiteralKind::kTimestampLtz) {
        int64_t utc = context_.connector_context.function_context.local_time_zone.ToUtc(*micros);
        return Expr::Literal(Value::Int(utc), DataType::TimestampLtz(precision, false));
      }
      return Expr::Literal(Value::Int(*micros), DataType::Timestamp(precision, false));
    }
  }
  return Status::Internal("unknown literal kind");
}

Result<ExprPtr> Binder::BindInterval(const ParsedExpression& expression) {
  std::string text(TrimWhitespace(expression.text));
  const std::string& from = expression.interval_from;
  const std::string& to = expression.interval_to.empty() ? from : expression.interval_to;
  bool negative = !text.empty() && text[0] == '-';
  if (negative || (!text.empty() && text[0] == '+')) text.erase(0, 1);
  auto invalid = [&]() {
    return ErrorAt(expression.location, "Illegal interval literal format '{}' for INTERVAL {}{}",
                   expression.text, from, expression.interval_to.empty() ? "" : " TO " + to);
  };
  // Split into numbers at the separators the qualifier implies.
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == '-' || c == ' ' || c == ':') {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(current);
  auto number = [&](const std::string& part, int64_t* value) {
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), *value);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  if (from == "YEAR" || from == "MONTH") {
    int64_t months = 0;
    if (from == "YEAR" && to == "MONTH") {
      int64_t years = 0;
      int64_t extra = 0;
      if (parts.size() != 2 || !number(parts[0], &years) || !number(parts[1], &extra)) {
        return invalid();
      }
      months = years * 12 + extra;
    } else if (parts.size() == 1 && number(parts[0], &months)) {
      if (from == "YEAR") months *= 12;
    } else {
      return invalid();
    }
    return Expr::Literal(Value::Int(negative ? -months : months),
                         DataType::IntervalYearMonth(false));
  }
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"DAY", 86400000}, {"HOUR", 3600000}, {"MINUTE", 60000}, {"SECOND", 1000}};
  size_t first = 0;
  size_t last = 0;
  for (size_t i = 0; i < std::size(kUnits); ++i) {
    if (kUnits[i].first == from) first = i;
    if (kUnits[i].first == to) last = i;
  }
  if ((from != "DAY" && from != "HOUR" && from != "MINUTE" && from != "SECOND") || last < first ||
      parts.size() != last - first + 1) {
    return invalid();
  }
  int64_t millis = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    int64_t unit = kUnits[first + i].second;
    if (first + i == 3) {
      // Seconds may have a fraction.
      Result<Int128> seconds = ParseDecimal(parts[i], 20, 3);
      if (!seconds.ok()) return invalid();
      millis += static_cast<int64_t>(*seconds);
    } else {
      int64_t value = 0;
      if (!number(parts[i], &value)) return invalid();
      millis += value * unit;
    }
  }
  return Expr::Literal(Value::Int(negative ? -millis : millis), DataType::IntervalDayTime(false));
}

Result<ExprPtr> Binder::BindCase(const ParsedExpression& expression, const Scope& scope) {
  size_t index = 0;
  ExprPtr operand;
  if (expression.has_operand) {
    ASSIGN_OR_RAISE(operand, BindExpression(*expression.args[index++], scope));
  }
  size_t end = expression.has_else ? expression.args.size() - 1 : expression.args.size();
  std::vector<ExprPtr> conditions;
  std::vector<ExprPtr> values;
  for (; index + 1 < end + 1 && index < end; index += 2) {
    const ParsedExpression& when = *expression.args[index];
    ExprPtr condition;
    if (operand) {
      ASSIGN_OR_RAISE(ExprPtr value, BindExpression(when, scope));
      ASSIGN_OR_RAISE(condition, MakeCall("=", {operand, value}, when.location));
    } else {
      ASSIGN_OR_RAISE(condition, BindBoolean(when, scope, "WHEN"));
    }
    conditions.push_back(std::move(condition));
    ASSIGN_OR_RAISE(ExprPtr then, BindExpression(*expression.args[index + 1], scope));
    values.push_back(std::move(then));
  }
  ExprPtr otherwise = Expr::Literal(Value(), DataType::Null());
  if (expression.has_else) {
    ASSIGN_OR_RAISE(otherwise, BindExpression(*expression.args.back(), scope));
  }
  values.push_back(otherwise);
  std::vector<DataType> types;
  for (const ExprPtr& value : values) types.push_back(value->type());
  std::optional<DataType> common = CommonType(types);
  if (!common) {
    return ErrorAt(expression.location, "Illegal mixing of types in CASE or COALESCE statement: {}",
                   TypeList(values));
  }
  if (common->id() == TypeId::kNull) {
    return ErrorAt(expression.location,
                   "Cannot derive the type of a CASE whose results are all "
                   "NULL; use CAST(NULL AS <type>)");
  }
  std::vector<ExprPtr> args;
  for (size_t i = 0; i < conditions.size(); ++i) {
    args.push_back(conditions[i]);
    ASSIGN_OR_RAISE(ExprPtr value, MakeCastAt(values[i], *common, false, expression.location));
    args.push_back(std::move(value));
  }
  ASSIGN_OR_RAISE(ExprPtr last, MakeCastAt(values.back(), *common, false, expression.location));
  args.push_back(std::move(last));
  return Expr::Special(SpecialForm::kCase, std::move(args), *common);
}

Result<ExprPtr> Binder::BindIn(const ParsedExpression& expression, const Scope& scope) {
  if (expression.subquery) {
    return ErrorAt(expression.location, "IN with a sub-query is not supported yet");
  }
  ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
  bool all_literal = std::all_of(args.begin() + 1, args.end(),
                                 [](const ExprPtr& arg) { return arg->is_literal(); });
  ExprPtr result;
  if (all_literal) {
    ASSIGN_OR_RAISE(result, MakeCall("IN", args, expression.location));
  } else {
    std::vector<ExprPtr> equals;
    for (size_t i = 1; i < args.size(); ++i) {
      ASSIGN_OR_RAISE(ExprPtr equal, MakeCall("=", {args[0], args[i]}, expression.location));
      equals.push_back(std::move(equal));
    }
    result = equals.size() == 1 ? equals[0]
                                : Expr::Special(SpecialForm::kOr, equals, DataType::Boolean());
  }
  if (!expression.negated) return result;
  return MakeCall("NOT", {result}, expression.location);
}

Result<ExprPtr> Binder::BindCall(const ParsedExpression& expression, const Scope& scope) {
  const SourceLocation& location = expression.location;
  std::string upper = ToUpper(expression.names.back());
  if (IsAggregateCall(expression)) {
    return ErrorAt(location, "Aggregate function {}() is not allowed here", upper);
  }
  if (Contains(kWindowFunctions, upper) || Contains(kStatefulFunctions, upper) || expression.over ||
      expression.filter) {
    return ErrorAt(location, "{}() is not supported yet", upper);
  }
  if (expression.star_argument) {
    return ErrorAt(location, "'*' is only allowed in COUNT(*)");
  }
  if (!expression.arg_names.empty()) {
    return ErrorAt(location, "{}() does not take named arguments", upper);
  }
  if (expression.distinct) {
    return ErrorAt(location, "DISTINCT is only allowed in aggregate functions");
  }
  ASSIGN_OR_RAISE(std::vector<ExprPtr> args, BindArguments(expression, scope));
  if (upper == "COALESCE" || upper == "IFNULL") {
    if (args.empty() || (upper == "IFNULL" && args.size() != 2)) {
      return ErrorAt(location, "{} needs {} arguments", upper,
                     upper == "IFNULL" ? "two" : "at least one");
    }
    std::vector<DataType> types;
    for (const ExprPtr& arg : args) types.push_back(arg->type());
    std::optional<DataType> common = CommonType(types);
    if (!common) {
      return ErrorAt(location, "Illegal mixing of types in CASE or COALESCE statement: {}",
                     TypeList(args));
    }
    // The result is NOT NULL when any argument is.
    bool nullable = std::all_of(args.begin(), args.end(),
                                [](const ExprPtr& arg) { return arg->type().nullable(); });
    for (ExprPtr& arg : args) {
      ASSIGN_OR_RAISE(arg, MakeCastAt(arg, *common, false, location));
    }
    if (!args[0]->type().nullable() || args.size() == 1) return args[0];
    return Expr::Special(SpecialForm::kCoalesce, std::move(args), common->WithNullable(nullable));
  }
  if (upper == "IF") {
    if (args.size() != 3) return ErrorAt(location, "IF needs three arguments: IF(condition, a, b)");
    if (args[0]->type().id() != TypeId::kBoolean && args[0]->type().id() != TypeId::kNull) {
      return ErrorAt(location, "The first argument of IF must be BOOLEAN, but is {}",
                     args[0]->type().ToString());
    }
    std::optional<DataType> common = CommonType({args[1]->type(), args[2]->type()});
    if (!common) {
      return ErrorAt(location, "IF branches have no common type: {}", TypeList(args));
    }
    ASSIGN_OR_RAISE(ExprPtr then, MakeCastAt(args[1], *common, false, location));
    ASSIGN_OR_RAISE(ExprPtr otherwise, MakeCastAt(args[2], *common, false, location));
    return Expr::Special(SpecialForm::kCase, {args[0], then, otherwise}, *common);
  }
  if (upper == "JSON_VALUE" && expression.cast_type.id() != TypeId::kNull) {
    ASSIGN_OR_RAISE(ExprPtr text, MakeCall("JSON_VALUE", std::move(args), location));
    // RETURNING <type>: by default a value that does not convert is NULL (NULL ON ERROR).
    bool error_on_error = expression.text == "ERROR";
    return MakeCastAt(text, expression.cast_type, !error_on_error, location);
  }
  if (context_.functions.FindScalar(upper) == nullptr) {
    return ErrorAt(location, "No match found for function signature {}({})",
                   expression.names.back(), TypeList(args));
  }
  return MakeCall(upper, std::move(args), location);
}

}  // namespace tiangong::sql
