// Binding of aggregate queries: GROUP BY, aggregate calls (with DISTINCT and
// FILTER), HAVING and SELECT DISTINCT. The plan is
//   Project(select list) <- Filter(having) <- Aggregate <- Project(keys, arguments) <- input

#include <fmt/format.h>

#include "common/strings.h"
#include "sql/binder.h"

namespace tiangong::sql {

bool Binder::IsAggregateCall(const ParsedExpression& expression) const {
  return expression.kind == ExpressionKind::kCall && !expression.over &&
         context_.functions.FindAggregate(expression.names.back()) != nullptr;
}

bool Binder::ContainsAggregate(const ParsedExpression& expression) const {
  if (IsAggregateCall(expression)) return true;
  for (const ParsedExpressionPtr& arg : expression.args) {
    if (ContainsAggregate(*arg)) return true;
  }
  return false;
}

Result<std::optional<ExprPtr>> Binder::BindAgainstAggregate(const ParsedExpression& expression,
                                                            const Scope& scope) {
  const AggregateBinding& binding = *aggregate_binding_;
  if (IsAggregateCall(expression)) {
    auto found = binding.calls.find(&expression);
    if (found == binding.calls.end()) {
      return ErrorAt(expression.location, "Aggregate functions cannot be nested");
    }
    const ScopeField& field = scope.fields[found->second];
    return std::optional<ExprPtr>(Expr::InputRef(found->second, field.type, field.name));
  }
  if (expression.kind == ExpressionKind::kLiteral || expression.kind == ExpressionKind::kInterval ||
      ContainsAggregate(expression)) {
    return std::optional<ExprPtr>();
  }
  // An expression over the input that is a GROUP BY expression is its key column.
  const AggregateBinding* saved = aggregate_binding_;
  aggregate_binding_ = nullptr;
  Result<ExprPtr> over_input = BindExpression(expression, *binding.input_scope);
  aggregate_binding_ = saved;
  if (over_input.ok()) {
    std::string text = (*over_input)->ToString();
    for (size_t i = 0; i < binding.group_keys.size(); ++i) {
      if (binding.group_keys[i] == text) {
        const ScopeField& field = scope.fields[i];
        return std::optional<ExprPtr>(Expr::InputRef(static_cast<int>(i), field.type, field.name));
      }
    }
  }
  if (expression.kind == ExpressionKind::kIdentifier ||
      expression.kind == ExpressionKind::kFieldAccess) {
    if (!over_input.ok()) return over_input.status();
    return ErrorAt(expression.location,
                   "Expression '{}' is not being grouped; add it to GROUP BY or use it in an "
                   "aggregate function",
                   expression.ToSql());
  }
  return std::optional<ExprPtr>();
}

Result<Binder::Relation> Binder::BindAggregateSelect(const Query& query, Relation input) {
  // The calls in the SELECT list and HAVING, in order of appearance.
  std::vector<const ParsedExpression*> calls;
  std::function<void(const ParsedExpression&)> collect = [&](const ParsedExpression& expression) {
    if (IsAggregateCall(expression)) {
      calls.push_back(&expression);
      return;
    }
    for (const ParsedExpressionPtr& arg : expression.args) collect(*arg);
  };
  for (const SelectItem& item : query.select_list) {
    if (item.expression->kind == ExpressionKind::kStar) {
      return ErrorAt(item.expression->location, "'*' cannot be used in an aggregate query");
    }
    collect(*item.expression);
  }
  if (query.having) collect(*query.having);

  // The input of the Aggregate: grouping expressions, then each call's
  // arguments and filter.
  std::vector<ExprPtr> columns;
  std::vector<std::string> column_names;
  AggregateBinding binding;
  binding.input_scope = &input.scope;
  std::vector<std::string> output_names;
  for (const ParsedExpressionPtr& key : query.group_by) {
    ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*key, input.scope));
    binding.group_keys.push_back(bound->ToString());
    std::string name = bound->kind() == ExprKind::kInputRef
                           ? bound->name()
                           : fmt::format("$f{}", columns.size());
    column_names.push_back(name);
    output_names.push_back(name);
    columns.push_back(std::move(bound));
  }
  size_t num_keys = columns.size();
  bool retraction = !input.plan->changelog_mode().insert_only();
  std::vector<AggregateCall> aggregate_calls;
  for (size_t c = 0; c < calls.size(); ++c) {
    const ParsedExpression& call = *calls[c];
    const AggregateFunctionDefinition* definition =
        context_.functions.FindAggregate(call.names.back());
    AggregateCall aggregate;
    AggregateBindInput bind_input;
    bind_input.retraction = retraction;
    for (const ParsedExpressionPtr& arg : call.args) {
      if (ContainsAggregate(*arg)) {
        return ErrorAt(arg->location, "Aggregate functions cannot be nested");
      }
      ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*arg, input.scope));
      bind_input.argument_types.push_back(
          bound->type().WithTimeAttribute(TimeAttribute::kNone));
      bind_input.constants.push_back(bound->is_literal() ? &bound->value() : nullptr);
      aggregate.arguments.push_back(static_cast<int>(columns.size()));
      column_names.push_back(fmt::format("$f{}", columns.size()));
      columns.push_back(std::move(bound));
    }
    if (call.filter) {
      ASSIGN_OR_RAISE(ExprPtr filter, BindBoolean(*call.filter, input.scope, "FILTER"));
      aggregate.filter = static_cast<int>(columns.size());
      column_names.push_back(fmt::format("$f{}", columns.size()));
      columns.push_back(std::move(filter));
    }
    Result<AggregateFunctionPtr> function = definition->bind(bind_input);
    if (!function.ok()) return ErrorAt(call.location, function.status());
    aggregate.function = *function;
    if (call.distinct) {
      if (aggregate.arguments.empty()) {
        return ErrorAt(call.location, "DISTINCT needs an argument");
      }
      aggregate.function = MakeDistinctAggregate(aggregate.function, bind_input.argument_types);
    }
    std::vector<std::string> argument_names;
    for (int argument : aggregate.arguments) {
      argument_names.push_back(columns[argument]->ToString());
    }
    aggregate.text = fmt::format("{}({}{})", ToUpper(call.names.back()),
                                 call.distinct ? "DISTINCT " : "",
                                 call.star_argument ? "*" : Join(argument_names, ", "));
    if (call.filter) aggregate.text += fmt::format(" FILTER (WHERE {})", columns[aggregate.filter]->ToString());
    binding.calls[&call] = static_cast<int>(num_keys + c);
    output_names.push_back(fmt::format("EXPR${}", c));
    aggregate_calls.push_back(std::move(aggregate));
  }
  PlanNodePtr prepared =
      std::make_shared<ProjectNode>(input.plan, std::move(columns), std::move(column_names));
  std::vector<int> grouping;
  for (size_t i = 0; i < num_keys; ++i) grouping.push_back(static_cast<int>(i));
  bool batch_mode = context_.connector_context.batch_mode;
  auto aggregate = std::make_shared<AggregateNode>(prepared, std::move(grouping),
                                                   std::move(aggregate_calls), output_names,
                                                   batch_mode);
  Relation grouped;
  grouped.plan = aggregate;
  for (const PlanField& field : aggregate->schema()) {
    grouped.scope.fields.push_back({"", field.name, field.type});
  }

  // HAVING and the SELECT list read the Aggregate's output.
  aggregate_binding_ = &binding;
  Relation output;
  Status status = [&]() -> Status {
    if (query.having) {
      ASSIGN_OR_RAISE(ExprPtr condition, BindBoolean(*query.having, grouped.scope, "HAVING"));
      grouped.plan = std::make_shared<FilterNode>(grouped.plan, condition);
    }
    std::vector<ExprPtr> expressions;
    std::vector<std::string> names;
    for (size_t i = 0; i < query.select_list.size(); ++i) {
      const SelectItem& item = query.select_list[i];
      ASSIGN_OR_RAISE(ExprPtr expression, BindExpression(*item.expression, grouped.scope));
      expressions.push_back(std::move(expression));
      std::string name = item.alias;
      if (name.empty()) {
        const ParsedExpression& parsed = *item.expression;
        name = parsed.kind == ExpressionKind::kIdentifier ? parsed.names.back()
               : parsed.kind == ExpressionKind::kFieldAccess
                   ? parsed.names[0]
                   : fmt::format("EXPR${}", i);
      }
      names.push_back(std::move(name));
    }
    for (size_t i = 0; i < expressions.size(); ++i) {
      output.scope.fields.push_back({"", names[i], expressions[i]->type()});
    }
    output.plan = std::make_shared<ProjectNode>(grouped.plan, std::move(expressions),
                                                std::move(names));
    return Status::OK();
  }();
  aggregate_binding_ = nullptr;
  RETURN_NOT_OK(status);
  if (query.distinct) return Distinct(std::move(output));
  return output;
}

Binder::Relation Binder::Distinct(Relation relation) {
  std::vector<int> grouping;
  std::vector<std::string> names;
  for (size_t i = 0; i < relation.plan->schema().size(); ++i) {
    grouping.push_back(static_cast<int>(i));
    names.push_back(relation.plan->schema()[i].name);
  }
  relation.plan = std::make_shared<AggregateNode>(relation.plan, std::move(grouping),
                                                  std::vector<AggregateCall>{}, std::move(names),
                                                  context_.connector_context.batch_mode);
  for (size_t i = 0; i < relation.scope.fields.size(); ++i) {
    relation.scope.fields[i].type = relation.plan->schema()[i].type;
  }
  return relation;
}

}  // namespace tiangong::sql
