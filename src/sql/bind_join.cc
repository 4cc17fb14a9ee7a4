// Binding of joins in FROM:
//   a [INNER | LEFT | RIGHT | FULL] JOIN b ON condition
//   a JOIN b USING (c1, c2)
//   a CROSS JOIN b, and FROM a, b (a cross join; WHERE usually joins them)

#include <fmt/format.h>

#include "common/strings.h"
#include "functions/unnest.h"
#include "sql/binder.h"

namespace tiangong::sql {
namespace {

JoinKind ToJoinKind(JoinType type) {
  switch (type) {
    case JoinType::kLeft:
      return JoinKind::kLeft;
    case JoinType::kRight:
      return JoinKind::kRight;
    case JoinType::kFull:
      return JoinKind::kFull;
    case JoinType::kInner:
    case JoinType::kCross:
      return JoinKind::kInner;
  }
  return JoinKind::kInner;
}

// The index of the field named `name` (case-insensitively) in `fields`, or -1.
int FindField(const std::vector<ScopeField>& fields, size_t begin, size_t end,
              const std::string& name, int* matches) {
  int found = -1;
  *matches = 0;
  for (size_t i = begin; i < end; ++i) {
    if (EqualsIgnoreCase(fields[i].name, name)) {
      found = static_cast<int>(i);
      ++*matches;
    }
  }
  return found;
}

}  // namespace

Result<Binder::Relation> Binder::BindJoin(const TableReference& join) {
  ASSIGN_OR_RAISE(Relation left, BindTableReference(*join.left));
  if (join.right->lateral) return BindLateral(join, std::move(left));
  JoinKind kind = ToJoinKind(join.join_type);
  TemporalJoin temporal = TemporalJoin::kNone;
  Relation right;
  std::optional<VersionTimes> version_times;
  std::vector<int> primary_key;  // of a versioned table, over its columns
  if (join.right->system_time) {
    ASSIGN_OR_RAISE(temporal, BindTemporalJoin(join, left, &right, &version_times, &primary_key));
  } else {
    ASSIGN_OR_RAISE(right, BindTableReference(*join.right));
  }
  auto plan = std::make_shared<JoinNode>(left.plan, right.plan, kind, nullptr,
                                         context_.connector_context.batch_mode, std::vector<int>{},
                                         std::vector<int>{}, temporal, version_times);
  // The joined row: the left's fields, then the right's, typed as the plan says
  // (nullable on an outer join's inner side, time attributes materialized).
  Relation joined;
  joined.scope.fields = left.scope.fields;
  joined.scope.fields.insert(joined.scope.fields.end(), right.scope.fields.begin(),
                             right.scope.fields.end());
  for (size_t i = 0; i < joined.scope.fields.size(); ++i) {
    joined.scope.fields[i].type = plan->schema()[i].type;
  }
  size_t num_left = left.scope.fields.size();
  ExprPtr condition;
  std::vector<std::pair<int, int>> using_pairs;
  if (join.condition) {
    ASSIGN_OR_RAISE(condition, BindBoolean(*join.condition, joined.scope, "ON"));
  } else if (!join.using_columns.empty()) {
    std::vector<ExprPtr> equalities;
    for (const std::string& column : join.using_columns) {
      int left_matches = 0;
      int right_matches = 0;
      int left_index = FindField(joined.scope.fields, 0, num_left, column, &left_matches);
      int right_index = FindField(joined.scope.fields, num_left, joined.scope.fields.size(), column,
                                  &right_matches);
      if (left_matches != 1 || right_matches != 1) {
        return ErrorAt(join.location,
                       "Column '{}' in USING clause must appear exactly once on each side of the "
                       "join, but appears {} times on the left and {} times on the right",
                       column, left_matches, right_matches);
      }
      const ScopeField& l = joined.scope.fields[left_index];
      const ScopeField& r = joined.scope.fields[right_index];
      ASSIGN_OR_RAISE(ExprPtr equal, MakeCall("=",
                                              {Expr::InputRef(left_index, l.type, l.name),
                                               Expr::InputRef(right_index, r.type, r.name)},
                                              join.location));
      equalities.push_back(std::move(equal));
      using_pairs.emplace_back(left_index, right_index);
    }
    condition = equalities.size() == 1
                    ? equalities[0]
                    : Expr::Special(SpecialForm::kAnd, std::move(equalities), DataType::Boolean());
  }
  if (temporal != TemporalJoin::kNone && !condition) {
    return ErrorAt(join.location,
                   "Temporal table join requires an equality condition on fields of table {}",
                   join.right->name.ToString());
  }
  if (temporal == TemporalJoin::kEventTime) {
    // Each version is found by the versioned table's primary key.
    for (int key : primary_key) {
      int column = static_cast<int>(num_left) + key;
      bool equated = false;
      for (const ExprPtr& conjunct : SplitConjunction(condition)) {
        if (conjunct->kind() != ExprKind::kCall || conjunct->name() != "=") continue;
        for (int side = 0; side < 2; ++side) {
          const ExprPtr& mine = conjunct->args()[side];
          std::vector<int> other_refs;
          CollectInputRefs(*conjunct->args()[1 - side], &other_refs);
          equated |= mine->kind() == ExprKind::kInputRef && mine->input_index() == column &&
                     !other_refs.empty() && other_refs.back() < static_cast<int>(num_left);
        }
      }
      if (!equated) {
        return ErrorAt(join.location,
                       "Temporal table's primary key [{}] must be included in the equivalence "
                       "condition of the temporal join, but the condition is [{}]",
                       joined.scope.fields[column].name, condition->ToString());
      }
    }
  }
  joined.plan = std::make_shared<JoinNode>(
      left.plan, right.plan, kind, condition, context_.connector_context.batch_mode,
      std::vector<int>{}, std::vector<int>{}, temporal, version_times);
  // An interval join keeps the time attributes the plain join dropped.
  for (size_t i = 0; i < joined.scope.fields.size(); ++i) {
    joined.scope.fields[i].type = joined.plan->schema()[i].type;
  }
  if (using_pairs.empty()) return joined;
  // With USING each common column appears once, first: the left's (the right's
  // for a RIGHT JOIN, either for a FULL JOIN); then the others in order.
  std::vector<ExprPtr> expressions;
  std::vector<std::string> names;
  Relation output;
  std::vector<bool> hidden(joined.scope.fields.size(), false);
  for (const auto& [l, r] : using_pairs) {
    const ScopeField& left_field = joined.scope.fields[l];
    const ScopeField& right_field = joined.scope.fields[r];
    ExprPtr left_ref = Expr::InputRef(l, left_field.type, left_field.name);
    ExprPtr right_ref = Expr::InputRef(r, right_field.type, right_field.name);
    ExprPtr common = left_ref;
    if (kind == JoinKind::kRight) {
      common = right_ref;
    } else if (kind == JoinKind::kFull) {
      DataType type = left_field.type.WithNullable(true);
      ASSIGN_OR_RAISE(ExprPtr right_cast, MakeCastAt(right_ref, type, false, join.location));
      common = Expr::Special(SpecialForm::kCoalesce, {left_ref, right_cast}, type);
    }
    expressions.push_back(common);
    names.push_back(left_field.name);
    output.scope.fields.push_back({"", left_field.name, common->type()});
    hidden[l] = hidden[r] = true;
  }
  for (size_t i = 0; i < joined.scope.fields.size(); ++i) {
    if (hidden[i]) continue;
    const ScopeField& field = joined.scope.fields[i];
    expressions.push_back(Expr::InputRef(static_cast<int>(i), field.type, field.name));
    names.push_back(field.name);
    output.scope.fields.push_back(field);
  }
  output.plan = MakeProject(joined.plan, std::move(expressions), UniqueNames(names));
  return output;
}

Result<Binder::Relation> Binder::BindLateral(const TableReference& join, Relation left) {
  const TableReference& table = *join.right;
  JoinKind kind = JoinKind::kInner;
  if (join.join_type == JoinType::kLeft) {
    kind = JoinKind::kLeft;
  } else if (join.join_type != JoinType::kInner && join.join_type != JoinType::kCross) {
    return ErrorAt(join.location,
                   "A table function can only be joined with INNER, CROSS or LEFT JOIN");
  }
  // The call, whose arguments read the left side's columns.
  TableFunctionPtr function;
  std::vector<ExprPtr> arguments;
  std::string default_qualifier;
  if (table.is_unnest) {
    ASSIGN_OR_RAISE(ExprPtr collection, BindExpression(*table.function_call, left.scope));
    Result<TableFunctionPtr> unnest = MakeUnnest(collection->type(), table.with_ordinality);
    if (!unnest.ok()) return ErrorAt(table.function_call->location, unnest.status());
    function = *unnest;
    arguments.push_back(std::move(collection));
  } else {
    const ParsedExpression& call = *table.function_call;
    std::string name = call.names.back();
    const TableFunctionDefinition* definition = context_.functions.FindTable(name);
    if (definition == nullptr) {
      return ErrorAt(call.location, "No table function named {}; create it with CREATE FUNCTION",
                     name);
    }
    ASSIGN_OR_RAISE(std::vector<ExprPtr> bound, BindArguments(call, left.scope));
    std::vector<ArgumentInfo> infos;
    for (const ExprPtr& arg : bound) {
      infos.push_back({arg->type(), arg->is_literal() ? &arg->value() : nullptr});
    }
    Result<BoundTableFunction> bound_function = definition->bind(infos);
    if (!bound_function.ok()) return ErrorAt(call.location, bound_function.status());
    for (size_t i = 0; i < bound.size(); ++i) {
      ExprPtr argument = bound[i];
      if (i < bound_function->argument_types.size()) {
        ASSIGN_OR_RAISE(argument, MakeCastAt(argument, bound_function->argument_types[i], false,
                                             call.args[i]->location));
      }
      arguments.push_back(std::move(argument));
    }
    function = bound_function->function;
    default_qualifier = name;
  }
  // Its columns, named after the function's fields or the alias list.
  const std::vector<RowField>& fields = function->result_type().fields();
  if (!table.column_aliases.empty() && table.column_aliases.size() != fields.size()) {
    return ErrorAt(table.location,
                   "List of column aliases must have same degree as table; the function "
                   "produces {} columns, the alias list has {}",
                   fields.size(), table.column_aliases.size());
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    names.push_back(table.column_aliases.empty() ? fields[i].name : table.column_aliases[i]);
  }
  Relation joined;
  joined.plan =
      std::make_shared<CorrelateNode>(left.plan, function, std::move(arguments), names, kind);
  joined.scope = left.scope;
  std::string qualifier = table.alias.empty() ? default_qualifier : table.alias;
  for (size_t i = left.scope.fields.size(); i < joined.plan->schema().size(); ++i) {
    const PlanField& field = joined.plan->schema()[i];
    joined.scope.fields.push_back({qualifier, names[i - left.scope.fields.size()], field.type});
  }
  if (!join.condition) return joined;
  // ON: a filter over the joined rows; a LEFT JOIN takes only ON TRUE.
  ASSIGN_OR_RAISE(ExprPtr condition, BindBoolean(*join.condition, joined.scope, "ON"));
  bool always =
      condition->is_literal() && !condition->is_null_literal() && condition->value().AsBool();
  if (always) return joined;
  if (kind == JoinKind::kLeft) {
    return ErrorAt(join.condition->location,
                   "LEFT JOIN with a table function supports only ON TRUE");
  }
  joined.plan = std::make_shared<FilterNode>(joined.plan, condition);
  return joined;
}

Result<TemporalJoin> Binder::BindTemporalJoin(const TableReference& join, const Relation& left,
                                              Relation* right, std::optional<VersionTimes>* times,
                                              std::vector<int>* primary_key) {
  const TableReference& table = *join.right;
  if (join.join_type != JoinType::kInner && join.join_type != JoinType::kLeft) {
    return ErrorAt(join.location,
                   "Temporal table joins support only INNER JOIN and LEFT JOIN, not {}",
                   join.join_type == JoinType::kRight ? "RIGHT JOIN" : "FULL JOIN");
  }
  ASSIGN_OR_RAISE(ExprPtr time, BindExpression(*table.system_time, left.scope));
  if (time->kind() != ExprKind::kInputRef ||
      time->type().time_attribute() == TimeAttribute::kNone) {
    return ErrorAt(table.system_time->location,
                   "FOR SYSTEM_TIME AS OF needs a time attribute of the left table (a "
                   "processing-time or event-time column), but {} is of type {}",
                   table.system_time->ToSql(), time->type().ToString());
  }
  ASSIGN_OR_RAISE(*right, BindNamedTable(table, /*allow_system_time=*/true));
  if (time->type().is_rowtime()) {
    // A versioned table: rows with an event time, versions of a primary key.
    std::optional<int> rowtime;
    for (size_t i = 0; i < right->scope.fields.size(); ++i) {
      if (right->scope.fields[i].type.is_rowtime()) {
        rowtime = static_cast<int>(i);
        break;
      }
    }
    if (!rowtime) {
      return ErrorAt(table.location,
                     "Event-time temporal join requires both the left and the right table to "
                     "have an event-time attribute (a WATERMARK), but {} has none",
                     table.name.ToString());
    }
    Result<Catalog::Entry> entry = context_.catalog.Find(table.name);
    if (!entry.ok() || entry->table == nullptr || entry->table->primary_key.empty()) {
      return ErrorAt(table.location,
                     "Temporal Table Join requires primary key in versioned table {}, but no "
                     "primary key can be found",
                     table.name.ToString());
    }
    for (const std::string& key : entry->table->primary_key) {
      for (size_t i = 0; i < right->scope.fields.size(); ++i) {
        if (right->scope.fields[i].name == key) primary_key->push_back(static_cast<int>(i));
      }
    }
    *times = VersionTimes{time->input_index(), *rowtime};
    return TemporalJoin::kEventTime;
  }
  // The dimension table is read by lookups: its plan must be its scan (with
  // computed columns over it, at most).
  const PlanNode* node = right->plan.get();
  while (node->kind() == PlanNodeKind::kProject) node = node->input().get();
  if (node->kind() != PlanNodeKind::kTableScan) {
    return ErrorAt(table.location,
                   "Processing-time temporal join needs a table whose connector supports "
                   "lookups, not a view or query ({})",
                   table.name.ToString());
  }
  const auto& scan = static_cast<const TableScanNode&>(*node);
  if (!scan.source()->SupportsLookup()) {
    return ErrorAt(table.location,
                   "Processing-time temporal join is not supported on table {}: its connector "
                   "cannot look rows up by key (lookup joins need a connector with lookups, "
                   "such as 'filesystem')",
                   scan.table_name());
  }
  return TemporalJoin::kLookup;
}

}  // namespace tiangong::sql
