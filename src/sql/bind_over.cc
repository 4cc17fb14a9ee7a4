// Binding of OVER windows in the SELECT list:
//   ROW_NUMBER() | RANK() | DENSE_RANK() OVER (PARTITION BY ... ORDER BY ...)
//   agg(x) OVER (PARTITION BY ... ORDER BY time [ROWS|RANGE BETWEEN ... AND CURRENT ROW])
// The plan is
//   Project(select list) <- OverAggregate (one per distinct window) <- Project(input, keys, args)

#include <fmt/format.h>

#include "common/strings.h"
#include "sql/binder.h"

namespace tiangong::sql {
namespace {

void CollectOverCalls(const ParsedExpression& expression,
                      std::vector<const ParsedExpression*>* calls) {
  if (expression.kind == ExpressionKind::kCall && expression.over) {
    calls->push_back(&expression);
    return;
  }
  for (const ParsedExpressionPtr& arg : expression.args) CollectOverCalls(*arg, calls);
}

std::optional<RankFunction> RankFunctionOf(std::string_view upper) {
  if (upper == "ROW_NUMBER") return RankFunction::kRowNumber;
  if (upper == "RANK") return RankFunction::kRank;
  if (upper == "DENSE_RANK") return RankFunction::kDenseRank;
  return std::nullopt;
}

// A window's identity: its PARTITION BY, ORDER BY and frame as written.
std::string WindowText(const WindowSpecification& window) {
  std::string text;
  for (const ParsedExpressionPtr& key : window.partition_by) text += key->ToSql() + ",";
  text += "|";
  for (const OrderItem& item : window.order_by) {
    text += fmt::format("{} {} {},", item.expression->ToSql(), item.ascending,
                        item.nulls_first ? static_cast<int>(*item.nulls_first) : -1);
  }
  text +=
      fmt::format("|{}{}{}", window.has_frame, window.frame_is_rows, window.preceding_unbounded);
  if (window.preceding) text += window.preceding->ToSql();
  return text;
}

}  // namespace

bool Binder::ContainsOver(const ParsedExpression& expression) const {
  if (expression.kind == ExpressionKind::kCall && expression.over) return true;
  for (const ParsedExpressionPtr& arg : expression.args) {
    if (ContainsOver(*arg)) return true;
  }
  return false;
}

Result<Binder::Relation> Binder::BindOverSelect(const Query& query, Relation input) {
  std::vector<const ParsedExpression*> calls;
  for (const SelectItem& item : query.select_list) CollectOverCalls(*item.expression, &calls);

  // The input, plus the keys and arguments that are not plain columns.
  std::vector<ExprPtr> columns;
  std::vector<std::string> column_names;
  for (size_t i = 0; i < input.scope.fields.size(); ++i) {
    const PlanField& field = input.plan->schema()[i];
    columns.push_back(Expr::InputRef(static_cast<int>(i), field.type, field.name));
    column_names.push_back(field.name);
  }
  auto column_of = [&](ExprPtr bound) -> int {
    if (bound->kind() == ExprKind::kInputRef) return bound->input_index();
    for (size_t i = input.scope.fields.size(); i < columns.size(); ++i) {
      if (columns[i]->ToString() == bound->ToString()) return static_cast<int>(i);
    }
    column_names.push_back(fmt::format("$over{}", columns.size()));
    columns.push_back(std::move(bound));
    return static_cast<int>(columns.size() - 1);
  };

  // The calls, grouped by window.
  struct Window {
    const WindowSpecification* specification;
    std::vector<int> partition_keys;
    std::vector<SortKey> order;
    OverFrame frame;
    std::vector<OverCall> calls;
    std::vector<const ParsedExpression*> parsed;
  };
  std::vector<Window> windows;
  std::map<std::string, size_t> window_of_text;
  bool retraction = !input.plan->changelog_mode().insert_only();
  for (const ParsedExpression* call : calls) {
    const WindowSpecification* named = call->over.get();
    if (!named->reference.empty()) {
      named = nullptr;
      for (const auto& [name, window] : query.windows) {
        if (EqualsIgnoreCase(name, call->over->reference)) named = window.get();
      }
      if (named == nullptr) {
        return ErrorAt(call->location, "Window '{}' not found", call->over->reference);
      }
    }
    const WindowSpecification& specification = *named;
    std::string name = ToUpper(call->names.back());
    auto [it, inserted] = window_of_text.emplace(WindowText(specification), windows.size());
    if (inserted) {
      Window window;
      window.specification = &specification;
      for (const ParsedExpressionPtr& key : specification.partition_by) {
        ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*key, input.scope));
        window.partition_keys.push_back(column_of(std::move(bound)));
      }
      for (const OrderItem& item : specification.order_by) {
        ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*item.expression, input.scope));
        SortKey key;
        key.column = column_of(std::move(bound));
        key.ascending = item.ascending;
        key.nulls_first = item.nulls_first.value_or(item.ascending);
        window.order.push_back(key);
      }
      if (specification.has_frame) {
        window.frame.rows = specification.frame_is_rows;
        window.frame.unbounded = specification.preceding_unbounded;
        if (specification.current_row_start) {
          window.frame.unbounded = false;
          window.frame.preceding = 0;
        } else if (specification.preceding) {
          ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*specification.preceding, Scope{}));
          if (!bound->is_literal() || bound->is_null_literal()) {
            return ErrorAt(specification.preceding->location,
                           "The bound of an OVER window must be a literal, not {}",
                           specification.preceding->ToSql());
          }
          if (window.frame.rows) {
            if (!bound->type().is_integer() || bound->value().AsInt() < 0) {
              return ErrorAt(specification.preceding->location,
                             "ROWS BETWEEN needs a non-negative row count, not {}",
                             specification.preceding->ToSql());
            }
            window.frame.preceding = bound->value().AsInt();
          } else {
            if (bound->type().id() != TypeId::kIntervalDayTime) {
              return ErrorAt(specification.preceding->location,
                             "RANGE BETWEEN needs a day-time interval such as INTERVAL '1' "
                             "HOUR, not {}",
                             specification.preceding->ToSql());
            }
            window.frame.preceding = bound->value().AsInt() * 1000;
          }
        }
      }
      it->second = windows.size();
      windows.push_back(std::move(window));
    }
    Window& window = windows[it->second];
    OverCall over;
    if (std::optional<RankFunction> rank = RankFunctionOf(name)) {
      if (!call->args.empty()) {
        return ErrorAt(call->location, "{}() takes no arguments", name);
      }
      if (window.order.empty()) {
        return ErrorAt(call->location, "{}() needs an ORDER BY in its OVER clause", name);
      }
      over.rank = rank;
      over.text = name + "()";
    } else {
      const AggregateFunctionDefinition* definition =
          context_.functions.FindAggregate(call->names.back());
      if (definition == nullptr) {
        return ErrorAt(call->location, "{}() cannot be used with OVER", name);
      }
      AggregateBindInput bind_input;
      // Rows leave a bounded frame: its accumulators retract them.
      bind_input.retraction = retraction || (specification.has_frame && !window.frame.unbounded);
      std::vector<std::string> argument_names;
      for (const ParsedExpressionPtr& arg : call->args) {
        if (ContainsAggregate(*arg) || ContainsOver(*arg)) {
          return ErrorAt(arg->location, "Aggregate functions cannot be nested");
        }
        ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*arg, input.scope));
        bind_input.argument_types.push_back(bound->type().WithTimeAttribute(TimeAttribute::kNone));
        bind_input.constants.push_back(bound->is_literal() ? &bound->value() : nullptr);
        argument_names.push_back(bound->ToString());
        over.aggregate.arguments.push_back(column_of(std::move(bound)));
      }
      if (call->filter) {
        ASSIGN_OR_RAISE(ExprPtr filter, BindBoolean(*call->filter, input.scope, "FILTER"));
        over.aggregate.filter = column_of(std::move(filter));
      }
      Result<AggregateFunctionPtr> function = definition->bind(bind_input);
      if (!function.ok()) return ErrorAt(call->location, function.status());
      over.aggregate.function = *function;
      if (call->distinct) {
        if (over.aggregate.arguments.empty()) {
          return ErrorAt(call->location, "DISTINCT needs an argument");
        }
        over.aggregate.function =
            MakeDistinctAggregate(over.aggregate.function, bind_input.argument_types);
      }
      over.text = fmt::format("{}({}{})", name, call->distinct ? "DISTINCT " : "",
                              call->star_argument ? "*" : Join(argument_names, ", "));
      over.aggregate.text = over.text;
    }
    window.calls.push_back(std::move(over));
    window.parsed.push_back(call);
  }

  PlanNodePtr plan =
      std::make_shared<ProjectNode>(input.plan, std::move(columns), std::move(column_names));
  std::map<const ParsedExpression*, int> over_columns;
  for (Window& window : windows) {
    size_t first = plan->schema().size();
    std::vector<std::string> names;
    for (size_t c = 0; c < window.calls.size(); ++c) {
      over_columns[window.parsed[c]] = static_cast<int>(first + c);
      names.push_back(fmt::format("w{}$o{}", &window - windows.data(), c));
    }
    plan = std::make_shared<OverAggregateNode>(plan, window.partition_keys, window.order,
                                               window.frame, std::move(window.calls), names,
                                               context_.connector_context.batch_mode);
  }

  // The SELECT list reads the input's columns and the calls' results.
  Scope scope = input.scope;
  for (size_t i = scope.fields.size(); i < plan->schema().size(); ++i) {
    scope.fields.push_back({"", plan->schema()[i].name, plan->schema()[i].type});
  }
  over_binding_ = &over_columns;
  std::vector<ExprPtr> expressions;
  std::vector<std::string> names;
  Status status = [&]() -> Status {
    for (size_t i = 0; i < query.select_list.size(); ++i) {
      const SelectItem& item = query.select_list[i];
      if (item.expression->kind == ExpressionKind::kStar) {
        std::string qualifier = item.expression->names.empty() ? "" : item.expression->names.back();
        for (size_t f = 0; f < input.scope.fields.size(); ++f) {
          const ScopeField& field = input.scope.fields[f];
          if (!qualifier.empty() && field.qualifier != qualifier) continue;
          expressions.push_back(Expr::InputRef(static_cast<int>(f), field.type, field.name));
          names.push_back(field.name);
        }
        continue;
      }
      ASSIGN_OR_RAISE(ExprPtr expression, BindExpression(*item.expression, scope));
      expressions.push_back(std::move(expression));
      names.push_back(item.alias.empty() ? DerivedName(*item.expression, i) : item.alias);
    }
    return Status::OK();
  }();
  over_binding_ = nullptr;
  RETURN_NOT_OK(status);
  names = UniqueNames(names);
  Relation output;
  for (size_t i = 0; i < expressions.size(); ++i) {
    output.scope.fields.push_back({"", names[i], expressions[i]->type()});
  }
  output.plan = MakeProject(plan, std::move(expressions), std::move(names));
  if (query.distinct) return Distinct(std::move(output));
  return output;
}

}  // namespace tiangong::sql
