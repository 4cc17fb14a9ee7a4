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
  if (expression.kind == ExpressionKind::kCall) {
    auto property = binding.window_properties.find(ToUpper(expression.names.back()));
    if (property != binding.window_properties.end()) {
      const ScopeField& field = scope.fields[property->second];
      return std::optional<ExprPtr>(Expr::InputRef(property->second, field.type, field.name));
    }
  }
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

  // A window aggregation comes from a legacy group window in GROUP BY
  // (TUMBLE(ts, size), HOP, SESSION) or from grouping a window table function's
  // rows by window_start and window_end. Its Aggregate then reads the rows
  // before windowing and assigns the windows itself.
  AggregateBinding binding;
  binding.input_scope = &input.scope;
  std::optional<WindowSpec> window;
  PlanNodePtr aggregate_input = input.plan;
  int window_columns = -1;  // a window table function's window_start column
  std::vector<ExprPtr> keys;
  std::vector<std::string> key_strings;
  for (const ParsedExpressionPtr& key : query.group_by) {
    std::string upper = key->kind == ExpressionKind::kCall ? ToUpper(key->names.back()) : "";
    if (upper == "TUMBLE" || upper == "HOP" || upper == "SESSION") {
      if (window) return ErrorAt(key->location, "Only one group window is allowed in GROUP BY");
      WindowSpec spec;
      size_t durations = upper == "HOP" ? 2 : 1;
      if (key->args.size() != 1 + durations &&
          !(upper != "SESSION" && key->args.size() == 2 + durations)) {
        return ErrorAt(key->location, "{} takes a time attribute and {} interval{}", upper,
                       durations, durations > 1 ? "s" : "");
      }
      ASSIGN_OR_RAISE(spec.time_column, BindTimeAttribute(*key->args[0], input.scope));
      const DataType& time_type = input.scope.fields[spec.time_column].type;
      spec.time = time_type.time_attribute();
      spec.local_time_zone = time_type.id() == TypeId::kTimestampLtz;
      if (upper == "TUMBLE") {
        spec.kind = WindowKind::kTumble;
        ASSIGN_OR_RAISE(spec.size, BindWindowDuration(*key->args[1], "size"));
      } else if (upper == "HOP") {
        spec.kind = WindowKind::kHop;
        ASSIGN_OR_RAISE(spec.slide, BindWindowDuration(*key->args[1], "slide"));
        ASSIGN_OR_RAISE(spec.size, BindWindowDuration(*key->args[2], "size"));
      } else {
        spec.kind = WindowKind::kSession;
        ASSIGN_OR_RAISE(spec.gap, BindWindowDuration(*key->args[1], "gap"));
      }
      if (key->args.size() == 2 + durations) {
        ASSIGN_OR_RAISE(spec.offset, BindWindowDuration(*key->args.back(), "offset"));
      }
      window = spec;
      continue;
    }
    ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*key, input.scope));
    keys.push_back(std::move(bound));
  }
  // A window table function below (perhaps under WHERE filters).
  std::vector<ExprPtr> filters;
  const PlanNode* below = input.plan.get();
  while (below->kind() == PlanNodeKind::kFilter) {
    filters.push_back(static_cast<const FilterNode*>(below)->condition());
    below = below->input().get();
  }
  if (!window && below->kind() == PlanNodeKind::kWindowTableFunction) {
    const auto& function = static_cast<const WindowTableFunctionNode&>(*below);
    int start = function.window_start_column();
    auto is_ref = [](const ExprPtr& key, int column) {
      return key->kind() == ExprKind::kInputRef && key->input_index() == column;
    };
    bool has_start = false;
    bool has_end = false;
    for (const ExprPtr& key : keys) {
      has_start |= is_ref(key, start);
      has_end |= is_ref(key, start + 1);
    }
    if (has_start && has_end) {
      window = function.window();
      window_columns = start;
      // The Aggregate assigns windows itself: drop the window keys and read
      // the rows below the window function.
      std::vector<ExprPtr> remaining;
      for (ExprPtr& key : keys) {
        if (!is_ref(key, start) && !is_ref(key, start + 1) && !is_ref(key, start + 2)) {
          remaining.push_back(std::move(key));
        }
      }
      keys = std::move(remaining);
      aggregate_input = function.input();
      for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
        std::vector<int> used;
        CollectInputRefs(**it, &used);
        if (!used.empty() && used.back() >= start) {
          return ErrorAt(query.where->location,
                         "A window aggregation cannot filter on window_start, window_end or "
                         "window_time before grouping");
        }
        aggregate_input = std::make_shared<FilterNode>(aggregate_input, *it);
      }
    } else if (function.window().kind == WindowKind::kSession) {
      return ErrorAt(query.location,
                     "A SESSION window table function must be followed by GROUP BY "
                     "window_start, window_end");
    }
  }
  // Expressions the Aggregate's input must not compute: window columns.
  auto check_no_window_columns = [&](const ExprPtr& expression,
                                     const ParsedExpression& parsed) -> Status {
    if (window_columns < 0) return Status::OK();
    std::vector<int> used;
    CollectInputRefs(*expression, &used);
    if (!used.empty() && used.back() >= window_columns) {
      return ErrorAt(parsed.location,
                     "window_start, window_end and window_time can only be grouped by in a "
                     "window aggregation");
    }
    return Status::OK();
  };

  // The input of the Aggregate: the keys, the window's time column, then each
  // call's arguments and filter.
  std::vector<ExprPtr> columns;
  std::vector<std::string> column_names;
  std::vector<std::string> output_names;
  for (ExprPtr& key : keys) {
    binding.group_keys.push_back(key->ToString());
    std::string name =
        key->kind() == ExprKind::kInputRef ? key->name() : fmt::format("$f{}", columns.size());
    column_names.push_back(name);
    output_names.push_back(name);
    columns.push_back(std::move(key));
  }
  if (window) {
    size_t first = columns.size();
    const PlanField& time = aggregate_input->schema()[window->time_column];
    columns.push_back(Expr::InputRef(window->time_column, time.type, time.name));
    column_names.push_back(time.name);
    window->time_column = static_cast<int>(first);
    for (const char* name : {"window_start", "window_end", "window_time"}) {
      // A window table function's columns are grouped by name; a legacy
      // window's properties through TUMBLE_START() and friends.
      binding.group_keys.push_back(window_columns >= 0 ? name : std::string("\x01") + name);
      output_names.push_back(name);
    }
    int start = static_cast<int>(first);
    for (const char* prefix : {"TUMBLE", "HOP", "SESSION"}) {
      binding.window_properties[std::string(prefix) + "_START"] = start;
      binding.window_properties[std::string(prefix) + "_END"] = start + 1;
      binding.window_properties[std::string(prefix) + "_ROWTIME"] = start + 2;
      binding.window_properties[std::string(prefix) + "_PROCTIME"] = start + 2;
    }
  }
  size_t num_keys = keys.size();
  size_t first_call_column = num_keys + (window ? 3 : 0);
  bool retraction = !aggregate_input->changelog_mode().insert_only();
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
      RETURN_NOT_OK(check_no_window_columns(bound, *arg));
      bind_input.argument_types.push_back(bound->type().WithTimeAttribute(TimeAttribute::kNone));
      bind_input.constants.push_back(bound->is_literal() ? &bound->value() : nullptr);
      aggregate.arguments.push_back(static_cast<int>(columns.size()));
      column_names.push_back(fmt::format("$f{}", columns.size()));
      columns.push_back(std::move(bound));
    }
    if (call.filter) {
      ASSIGN_OR_RAISE(ExprPtr filter, BindBoolean(*call.filter, input.scope, "FILTER"));
      RETURN_NOT_OK(check_no_window_columns(filter, *call.filter));
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
    aggregate.text =
        fmt::format("{}({}{})", ToUpper(call.names.back()), call.distinct ? "DISTINCT " : "",
                    call.star_argument ? "*" : Join(argument_names, ", "));
    if (call.filter)
      aggregate.text += fmt::format(" FILTER (WHERE {})", columns[aggregate.filter]->ToString());
    binding.calls[&call] = static_cast<int>(first_call_column + c);
    output_names.push_back(fmt::format("EXPR${}", c));
    aggregate_calls.push_back(std::move(aggregate));
  }
  PlanNodePtr prepared =
      std::make_shared<ProjectNode>(aggregate_input, std::move(columns), std::move(column_names));
  std::vector<int> grouping;
  for (size_t i = 0; i < num_keys; ++i) grouping.push_back(static_cast<int>(i));
  bool batch_mode = context_.connector_context.batch_mode;
  auto aggregate = std::make_shared<AggregateNode>(
      prepared, std::move(grouping), std::move(aggregate_calls), output_names, batch_mode, window);
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
        name = parsed.kind == ExpressionKind::kIdentifier    ? parsed.names.back()
               : parsed.kind == ExpressionKind::kFieldAccess ? parsed.names[0]
                                                             : fmt::format("EXPR${}", i);
      }
      names.push_back(std::move(name));
    }
    for (size_t i = 0; i < expressions.size(); ++i) {
      output.scope.fields.push_back({"", names[i], expressions[i]->type()});
    }
    output.plan =
        std::make_shared<ProjectNode>(grouped.plan, std::move(expressions), std::move(names));
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
