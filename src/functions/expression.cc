#include "functions/expression.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "types/value_format.h"
#include "types/vector_builder.h"

namespace tiangong {

ExprPtr Expr::InputRef(int index, DataType type, std::string name) {
  auto expression = std::shared_ptr<Expr>(new Expr());
  expression->kind_ = ExprKind::kInputRef;
  expression->input_index_ = index;
  expression->type_ = std::move(type);
  expression->name_ = std::move(name);
  return expression;
}

ExprPtr Expr::Literal(Value value, DataType type) {
  auto expression = std::shared_ptr<Expr>(new Expr());
  expression->kind_ = ExprKind::kLiteral;
  expression->value_ = std::move(value);
  expression->type_ = std::move(type);
  return expression;
}

ExprPtr Expr::Call(std::string name, std::vector<ExprPtr> args, DataType type,
                   ScalarKernelPtr kernel, CallTraits traits) {
  auto expression = std::shared_ptr<Expr>(new Expr());
  expression->kind_ = ExprKind::kCall;
  expression->name_ = std::move(name);
  expression->args_ = std::move(args);
  expression->type_ = std::move(type);
  expression->kernel_ = std::move(kernel);
  expression->traits_ = traits;
  return expression;
}

ExprPtr Expr::Special(SpecialForm form, std::vector<ExprPtr> args, DataType type, int field_index) {
  auto expression = std::shared_ptr<Expr>(new Expr());
  expression->kind_ = ExprKind::kSpecial;
  expression->special_form_ = form;
  expression->args_ = std::move(args);
  expression->type_ = std::move(type);
  expression->input_index_ = field_index;
  return expression;
}

bool Expr::IsDeterministic() const {
  if (kind_ == ExprKind::kCall && !traits_.deterministic) return false;
  return std::all_of(args_.begin(), args_.end(),
                     [](const ExprPtr& arg) { return arg->IsDeterministic(); });
}

bool Expr::CanFail() const {
  if (kind_ == ExprKind::kCall && traits_.can_fail) return true;
  return std::any_of(args_.begin(), args_.end(), [](const ExprPtr& arg) { return arg->CanFail(); });
}

namespace {

bool IsOperatorName(const std::string& name) {
  static const char* kOperators[] = {"+",
                                     "-",
                                     "*",
                                     "/",
                                     "%",
                                     "=",
                                     "<>",
                                     "<",
                                     "<=",
                                     ">",
                                     ">=",
                                     "||",
                                     "LIKE",
                                     "NOT LIKE",
                                     "SIMILAR TO",
                                     "IS DISTINCT FROM",
                                     "IS NOT DISTINCT FROM"};
  for (const char* op : kOperators) {
    if (name == op) return true;
  }
  return false;
}

std::string LiteralText(const Value& value, const DataType& type) {
  if (value.is_null()) return "null";
  VectorPtr vector = MakeVector(type, {value});
  std::string text;
  AppendSqlForm(*vector, 0, TimeZone::Utc(), &text);
  if (type.is_character_string()) return fmt::format("'{}'", text);
  if (type.id() == TypeId::kDate) return fmt::format("DATE '{}'", text);
  if (type.is_timestamp()) return fmt::format("TIMESTAMP '{}'", text);
  if (type.id() == TypeId::kIntervalDayTime) {
    // The largest unit that divides the value: INTERVAL '5' SECOND.
    int64_t millis = value.AsInt();
    static constexpr std::pair<int64_t, const char*> kUnits[] = {
        {86400000, "DAY"}, {3600000, "HOUR"}, {60000, "MINUTE"}, {1000, "SECOND"}};
    for (const auto& [size, unit] : kUnits) {
      if (millis % size == 0) return fmt::format("INTERVAL '{}' {}", millis / size, unit);
    }
    return fmt::format("INTERVAL '{}.{:03d}' SECOND", millis / 1000, std::abs(millis % 1000));
  }
  if (type.id() == TypeId::kIntervalYearMonth) {
    int64_t months = value.AsInt();
    if (months % 12 == 0) return fmt::format("INTERVAL '{}' YEAR", months / 12);
    return fmt::format("INTERVAL '{}' MONTH", months);
  }
  return text;
}

}  // namespace

std::string Expr::ToString() const {
  switch (kind_) {
    case ExprKind::kInputRef:
      return name_.empty() ? fmt::format("${}", input_index_) : name_;
    case ExprKind::kLiteral:
      return LiteralText(value_, type_);
    case ExprKind::kCall: {
      if (name_ == "CAST" || name_ == "TRY_CAST") {
        return fmt::format("{}({} AS {})", name_, args_[0]->ToString(), type_.ToString());
      }
      if (args_.size() == 2 && IsOperatorName(name_)) {
        return fmt::format("({} {} {})", args_[0]->ToString(), name_, args_[1]->ToString());
      }
      if (args_.size() == 1 && (name_ == "NOT" || name_ == "-")) {
        return fmt::format("{}{}{}", name_, name_ == "NOT" ? " " : "", args_[0]->ToString());
      }
      if (args_.size() == 1 && name_.starts_with("IS ")) {
        return fmt::format("({} {})", args_[0]->ToString(), name_);
      }
      std::string text = name_ + "(";
      for (size_t i = 0; i < args_.size(); ++i) {
        if (i > 0) text += ", ";
        text += args_[i]->ToString();
      }
      return text + ")";
    }
    case ExprKind::kSpecial:
      switch (special_form_) {
        case SpecialForm::kAnd:
        case SpecialForm::kOr: {
          std::string text = "(";
          for (size_t i = 0; i < args_.size(); ++i) {
            if (i > 0) text += special_form_ == SpecialForm::kAnd ? " AND " : " OR ";
            text += args_[i]->ToString();
          }
          return text + ")";
        }
        case SpecialForm::kCase: {
          std::string text = "CASE";
          size_t i = 0;
          for (; i + 1 < args_.size(); i += 2) {
            text += fmt::format(" WHEN {} THEN {}", args_[i]->ToString(), args_[i + 1]->ToString());
          }
          return text + fmt::format(" ELSE {} END", args_[i]->ToString());
        }
        case SpecialForm::kCoalesce: {
          std::string text = "COALESCE(";
          for (size_t i = 0; i < args_.size(); ++i) {
            if (i > 0) text += ", ";
            text += args_[i]->ToString();
          }
          return text + ")";
        }
        case SpecialForm::kFieldAccess:
          return fmt::format("{}.{}", args_[0]->ToString(),
                             args_[0]->type().fields()[input_index_].name);
        case SpecialForm::kNone:
          break;
      }
  }
  return "?";
}

ExprPtr WithTimeAttribute(const ExprPtr& expression, TimeAttribute attribute) {
  if (expression->type().time_attribute() == attribute) return expression;
  DataType type = expression->type().WithTimeAttribute(attribute);
  switch (expression->kind()) {
    case ExprKind::kInputRef:
      return Expr::InputRef(expression->input_index(), type, expression->name());
    case ExprKind::kLiteral:
      return Expr::Literal(expression->value(), type);
    case ExprKind::kCall:
      return Expr::Call(expression->name(), expression->args(), type, expression->kernel(),
                        expression->traits());
    case ExprKind::kSpecial:
      return Expr::Special(expression->special_form(), expression->args(), type,
                           expression->field_index());
  }
  return expression;
}

void CollectInputRefs(const Expr& expression, std::vector<int>* inputs) {
  if (expression.kind() == ExprKind::kInputRef) {
    auto it = std::lower_bound(inputs->begin(), inputs->end(), expression.input_index());
    if (it == inputs->end() || *it != expression.input_index()) {
      inputs->insert(it, expression.input_index());
    }
    return;
  }
  for (const ExprPtr& arg : expression.args()) CollectInputRefs(*arg, inputs);
}

namespace {

ExprPtr WithArgs(const ExprPtr& expression, std::vector<ExprPtr> args) {
  switch (expression->kind()) {
    case ExprKind::kCall:
      return Expr::Call(expression->name(), std::move(args), expression->type(),
                        expression->kernel(), expression->traits());
    case ExprKind::kSpecial:
      return Expr::Special(expression->special_form(), std::move(args), expression->type(),
                           expression->field_index());
    default:
      return expression;
  }
}

template <typename Leaf>
ExprPtr Rewrite(const ExprPtr& expression, const Leaf& leaf) {
  if (expression->kind() == ExprKind::kInputRef) return leaf(expression);
  if (expression->args().empty()) return expression;
  std::vector<ExprPtr> args;
  args.reserve(expression->args().size());
  bool changed = false;
  for (const ExprPtr& arg : expression->args()) {
    args.push_back(Rewrite(arg, leaf));
    changed |= args.back() != arg;
  }
  return changed ? WithArgs(expression, std::move(args)) : expression;
}

}  // namespace

ExprPtr SubstituteInputRefs(const ExprPtr& expression, const std::vector<ExprPtr>& replacements) {
  return Rewrite(expression, [&](const ExprPtr& ref) { return replacements[ref->input_index()]; });
}

ExprPtr RemapInputRefs(const ExprPtr& expression, const std::vector<int>& mapping) {
  return Rewrite(expression, [&](const ExprPtr& ref) {
    int target = mapping[ref->input_index()];
    if (target == ref->input_index()) return ref;
    return Expr::InputRef(target, ref->type(), ref->name());
  });
}

std::vector<ExprPtr> SplitConjunction(const ExprPtr& expression) {
  if (expression->kind() == ExprKind::kSpecial && expression->special_form() == SpecialForm::kAnd) {
    std::vector<ExprPtr> parts;
    for (const ExprPtr& arg : expression->args()) {
      std::vector<ExprPtr> nested = SplitConjunction(arg);
      parts.insert(parts.end(), nested.begin(), nested.end());
    }
    return parts;
  }
  return {expression};
}

ExprPtr Conjunction(std::vector<ExprPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return parts[0];
  bool nullable = false;
  for (const ExprPtr& part : parts) nullable |= part->type().nullable();
  return Expr::Special(SpecialForm::kAnd, std::move(parts), DataType::Boolean(nullable));
}

}  // namespace tiangong
