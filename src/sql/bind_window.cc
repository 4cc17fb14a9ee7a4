// Binding of windowing table functions:
//   TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND [, offset]))
//   TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]))
//   TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), step, max_size [, offset]))
//   TABLE(SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap))

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/strings.h"
#include "sql/binder.h"

namespace tiangong::sql {

Result<int64_t> Binder::BindWindowDuration(const ParsedExpression& expression,
                                           std::string_view what) {
  Scope empty;
  ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(expression, empty));
  if (!bound->is_literal() || bound->type().id() != TypeId::kIntervalDayTime ||
      bound->is_null_literal()) {
    return ErrorAt(expression.location,
                   "The {} of a window must be a day-time interval literal such as INTERVAL "
                   "'10' SECOND, not {}",
                   what, expression.ToSql());
  }
  int64_t micros = bound->value().AsInt() * 1000;
  if (micros <= 0 && what != "offset") {
    return ErrorAt(expression.location, "The {} of a window must be positive", what);
  }
  return micros;
}

Result<int> Binder::BindTimeAttribute(const ParsedExpression& expression, const Scope& scope) {
  ASSIGN_OR_RAISE(ExprPtr column, BindExpression(expression, scope));
  if (column->kind() != ExprKind::kInputRef ||
      column->type().time_attribute() == TimeAttribute::kNone) {
    return ErrorAt(expression.location,
                   "The window function requires the time attribute field to be either event-time "
                   "or processing-time attribute, but {} is of type {}",
                   expression.ToSql(), column->type().ToString());
  }
  return column->input_index();
}

// Named arguments: DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => ...
Result<std::vector<const ParsedExpression*>> Binder::WindowArguments(const ParsedExpression& call,
                                                                     WindowKind kind) const {
  std::vector<const ParsedExpression*> args;
  for (const ParsedExpressionPtr& arg : call.args) args.push_back(arg.get());
  if (call.arg_names.empty()) return args;
  std::vector<std::string_view> names = {"DATA", "TIMECOL"};
  switch (kind) {
    case WindowKind::kTumble:
      names.insert(names.end(), {"SIZE", "OFFSET"});
      break;
    case WindowKind::kHop:
      names.insert(names.end(), {"SLIDE", "SIZE", "OFFSET"});
      break;
    case WindowKind::kCumulate:
      names.insert(names.end(), {"STEP", "SIZE", "OFFSET"});
      break;
    case WindowKind::kSession:
      names.insert(names.end(), {"GAP"});
      break;
  }
  std::vector<const ParsedExpression*> ordered(names.size(), nullptr);
  for (size_t i = 0; i < args.size(); ++i) {
    auto it = std::find(names.begin(), names.end(), call.arg_names[i]);
    if (it == names.end()) {
      return ErrorAt(args[i]->location, "{} has no parameter named {}; its parameters are {}",
                     ToUpper(call.names.back()), call.arg_names[i], fmt::join(names, ", "));
    }
    size_t position = it - names.begin();
    if (ordered[position] != nullptr) {
      return ErrorAt(args[i]->location, "Parameter {} is given twice", call.arg_names[i]);
    }
    ordered[position] = args[i];
  }
  // Only the trailing OFFSET is optional.
  if (ordered.back() == nullptr && names.back() == "OFFSET") ordered.pop_back();
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i] == nullptr) {
      return ErrorAt(call.location, "{} is missing its parameter {}", ToUpper(call.names.back()),
                     names[i]);
    }
  }
  return ordered;
}

Result<Binder::Relation> Binder::BindWindowTableFunction(const TableReference& reference) {
  const ParsedExpression& call = *reference.function_call;
  std::string name = ToUpper(call.names.back());
  WindowSpec window;
  size_t durations = 0;
  if (name == "TUMBLE") {
    window.kind = WindowKind::kTumble;
    durations = 1;
  } else if (name == "HOP") {
    window.kind = WindowKind::kHop;
    durations = 2;
  } else if (name == "CUMULATE") {
    window.kind = WindowKind::kCumulate;
    durations = 2;
  } else if (name == "SESSION") {
    window.kind = WindowKind::kSession;
    durations = 1;
  } else {
    return ErrorAt(call.location, "Table function {} is not supported yet", name);
  }
  bool offset_allowed = window.kind != WindowKind::kSession;
  ASSIGN_OR_RAISE(std::vector<const ParsedExpression*> args, WindowArguments(call, window.kind));
  if (args.size() < 2 + durations || args.size() > 2 + durations + (offset_allowed ? 1 : 0)) {
    return ErrorAt(call.location,
                   "{} takes TABLE <table>, DESCRIPTOR(<time column>) and {} "
                   "interval{}",
                   name, durations, durations > 1 ? "s" : "");
  }
  const ParsedExpression& data = *args[0];
  if (data.kind != ExpressionKind::kIdentifier || data.op != "TABLE") {
    return ErrorAt(data.location, "The first argument of {} must be TABLE <table or view>", name);
  }
  TableReference table;
  table.kind = TableReferenceKind::kTable;
  table.location = data.location;
  table.name.parts = data.names;
  table.name.location = data.location;
  ASSIGN_OR_RAISE(Relation input, BindNamedTable(table));
  const ParsedExpression& descriptor = *args[1];
  if (descriptor.kind != ExpressionKind::kCall ||
      ToUpper(descriptor.names.back()) != "DESCRIPTOR" || descriptor.args.size() != 1) {
    return ErrorAt(descriptor.location,
                   "The second argument of {} must be DESCRIPTOR(<time attribute column>)", name);
  }
  ASSIGN_OR_RAISE(window.time_column, BindTimeAttribute(*descriptor.args[0], input.scope));
  const DataType& time_type = input.scope.fields[window.time_column].type;
  window.time = time_type.time_attribute();
  window.local_time_zone = time_type.id() == TypeId::kTimestampLtz;
  switch (window.kind) {
    case WindowKind::kTumble: {
      ASSIGN_OR_RAISE(window.size, BindWindowDuration(*args[2], "size"));
      break;
    }
    case WindowKind::kHop: {
      ASSIGN_OR_RAISE(window.slide, BindWindowDuration(*args[2], "slide"));
      ASSIGN_OR_RAISE(window.size, BindWindowDuration(*args[3], "size"));
      break;
    }
    case WindowKind::kCumulate: {
      ASSIGN_OR_RAISE(window.slide, BindWindowDuration(*args[2], "step"));
      ASSIGN_OR_RAISE(window.size, BindWindowDuration(*args[3], "max size"));
      if (window.size % window.slide != 0) {
        return ErrorAt(call.location,
                       "CUMULATE window max size must be an integral multiple of the step");
      }
      break;
    }
    case WindowKind::kSession: {
      ASSIGN_OR_RAISE(window.gap, BindWindowDuration(*args[2], "gap"));
      break;
    }
  }
  if (offset_allowed && args.size() == 3 + durations) {
    ASSIGN_OR_RAISE(window.offset, BindWindowDuration(*args.back(), "offset"));
  }
  for (const ParsedExpressionPtr& key : data.args) {
    // PARTITION BY keys must name columns.
    RETURN_NOT_OK(BindExpression(*key, input.scope).status());
  }
  std::string qualifier = reference.alias.empty() ? data.names.back() : reference.alias;
  Relation relation;
  relation.plan = std::make_shared<WindowTableFunctionNode>(input.plan, window);
  relation.scope = input.scope;
  for (size_t i = input.scope.fields.size(); i < relation.plan->schema().size(); ++i) {
    const PlanField& field = relation.plan->schema()[i];
    relation.scope.fields.push_back({qualifier, field.name, field.type});
  }
  for (ScopeField& field : relation.scope.fields) field.qualifier = qualifier;
  if (!reference.column_aliases.empty()) {
    return Rename(std::move(relation), qualifier, reference.column_aliases);
  }
  return relation;
}

}  // namespace tiangong::sql
