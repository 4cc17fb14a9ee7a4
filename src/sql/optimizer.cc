#include "sql/optimizer.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sql/binder.h"
#include "sql/optimize_join.h"
#include "sql/optimize_rank.h"

namespace tiangong::sql {
namespace {

bool IsIdentity(const CalcNode& calc) {
  if (calc.condition()) return false;
  const PlanSchema& input = calc.input()->schema();
  if (calc.projections().size() != input.size()) return false;
  for (size_t i = 0; i < calc.projections().size(); ++i) {
    const ExprPtr& projection = calc.projections()[i];
    if (projection->kind() != ExprKind::kInputRef ||
        projection->input_index() != static_cast<int>(i) ||
        calc.schema()[i].name != input[i].name) {
      return false;
    }
  }
  return true;
}

std::vector<ExprPtr> IdentityProjections(const PlanSchema& schema) {
  std::vector<ExprPtr> projections;
  for (size_t i = 0; i < schema.size(); ++i) {
    projections.push_back(Expr::InputRef(static_cast<int>(i), schema[i].type, schema[i].name));
  }
  return projections;
}

// How often each input is referenced.
void CountInputRefs(const ExprPtr& expression, std::vector<int>* counts) {
  if (expression->kind() == ExprKind::kInputRef) {
    ++(*counts)[expression->input_index()];
    return;
  }
  for (const ExprPtr& arg : expression->args()) CountInputRefs(arg, counts);
}

// Merges `outer` over `inner` when that keeps the meaning: every inner
// expression is evaluated at most once per use, and non-deterministic ones are
// not duplicated.
PlanNodePtr MergeCalcs(const CalcNode& outer, const CalcNode& inner) {
  std::vector<int> uses(inner.projections().size(), 0);
  for (const ExprPtr& projection : outer.projections()) CountInputRefs(projection, &uses);
  if (outer.condition()) CountInputRefs(outer.condition(), &uses);
  for (size_t i = 0; i < uses.size(); ++i) {
    if (uses[i] > 1 && !inner.projections()[i]->IsDeterministic()) return nullptr;
  }
  std::vector<ExprPtr> projections;
  for (const ExprPtr& projection : outer.projections()) {
    projections.push_back(SubstituteInputRefs(projection, inner.projections()));
  }
  std::vector<ExprPtr> conditions;
  if (inner.condition()) conditions.push_back(inner.condition());
  if (outer.condition()) {
    for (const ExprPtr& part :
         SplitConjunction(SubstituteInputRefs(outer.condition(), inner.projections()))) {
      conditions.push_back(part);
    }
  }
  return std::make_shared<CalcNode>(inner.input(), std::move(projections), Names(outer.schema()),
                                    Conjunction(std::move(conditions)));
}

// A field-access chain over an input ref: the ref's index, then field indexes.
bool AccessPath(const ExprPtr& expression, std::vector<int>* path) {
  if (expression->kind() == ExprKind::kInputRef) {
    path->push_back(expression->input_index());
    return true;
  }
  if (expression->kind() == ExprKind::kSpecial &&
      expression->special_form() == SpecialForm::kFieldAccess) {
    if (!AccessPath(expression->args()[0], path)) return false;
    path->push_back(expression->field_index());
    return true;
  }
  return false;
}

// Collects the paths an expression reads: maximal field-access chains, or whole
// columns for refs used directly.
void CollectPaths(const ExprPtr& expression, bool nested, std::vector<std::vector<int>>* paths) {
  std::vector<int> path;
  if (nested && AccessPath(expression, &path)) {
    paths->push_back(std::move(path));
    return;
  }
  if (expression->kind() == ExprKind::kInputRef) {
    paths->push_back({expression->input_index()});
    return;
  }
  for (const ExprPtr& arg : expression->args()) CollectPaths(arg, nested, paths);
}

bool IsPrefix(const std::vector<int>& prefix, const std::vector<int>& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Rewrites expressions over the original scan columns into expressions over the
// projected columns: a chain matching (or extending) a projected path becomes a
// ref to that path's column plus the remaining field accesses.
ExprPtr RewriteForPaths(const ExprPtr& expression, const std::vector<std::vector<int>>& paths,
                        const PlanSchema& projected) {
  std::vector<int> path;
  if (AccessPath(expression, &path)) {
    for (size_t p = 0; p < paths.size(); ++p) {
      if (!IsPrefix(paths[p], path)) continue;
      ExprPtr result = Expr::InputRef(static_cast<int>(p), projected[p].type, projected[p].name);
      for (size_t depth = paths[p].size(); depth < path.size(); ++depth) {
        const DataType& type = result->type();
        DataType field_type = type.fields()[path[depth]].type;
        if (type.nullable()) field_type = field_type.WithNullable(true);
        result = Expr::Special(SpecialForm::kFieldAccess, {result}, field_type, path[depth]);
      }
      // Keep the original (possibly nullable-widened) type.
      return result;
    }
  }
  if (expression->args().empty()) return expression;
  std::vector<ExprPtr> args;
  bool changed = false;
  for (const ExprPtr& arg : expression->args()) {
    args.push_back(RewriteForPaths(arg, paths, projected));
    changed |= args.back() != arg;
  }
  if (!changed) return expression;
  if (expression->kind() == ExprKind::kCall) {
    return Expr::Call(expression->name(), std::move(args), expression->type(), expression->kernel(),
                      expression->traits());
  }
  return Expr::Special(expression->special_form(), std::move(args), expression->type(),
                       expression->field_index());
}

std::string PathName(const PlanSchema& schema, const std::vector<int>& path) {
  std::string name = schema[path[0]].name;
  DataType type = schema[path[0]].type;
  for (size_t depth = 1; depth < path.size(); ++depth) {
    const RowField& field = type.fields()[path[depth]];
    name += "." + field.name;
    type = field.type;
  }
  return name;
}

DataType PathType(const PlanSchema& schema, const std::vector<int>& path) {
  DataType type = schema[path[0]].type;
  bool nullable = type.nullable();
  for (size_t depth = 1; depth < path.size(); ++depth) {
    type = type.fields()[path[depth]].type;
    nullable |= type.nullable();
  }
  return type.WithNullable(nullable);
}

// Pushes the Calc's filters and projection into the scan below it.
PlanNodePtr PushIntoScan(const CalcNode& calc, const TableScanNode& scan, bool filter_push_down) {
  std::shared_ptr<const TableSource> source = scan.source();
  std::vector<std::string> pushed = scan.pushed_filters();
  std::vector<ExprPtr> remaining;
  if (calc.condition() && !filter_push_down) {
    remaining = SplitConjunction(calc.condition());
  } else if (calc.condition()) {
    std::vector<ExprPtr> conjuncts = SplitConjunction(calc.condition());
    std::unique_ptr<TableSource> filtered;
    FilterPushDownResult result = source->ApplyFilters(conjuncts, &filtered);
    if (filtered && !result.accepted.empty()) {
      source = std::move(filtered);
      for (const ExprPtr& accepted : result.accepted) pushed.push_back(accepted->ToString());
      remaining = std::move(result.remaining);
    } else {
      remaining = std::move(conjuncts);
    }
  }
  ExprPtr condition = Conjunction(remaining);
  std::vector<ExprPtr> projections = calc.projections();
  const PlanSchema& schema = scan.schema();

  // Which (nested) columns are read.
  bool nested = source->SupportsNestedProjection();
  std::vector<std::vector<int>> used;
  for (const ExprPtr& projection : projections) CollectPaths(projection, nested, &used);
  if (condition) CollectPaths(condition, nested, &used);
  std::optional<WatermarkSpec> watermark = scan.watermark();
  if (watermark) {
    // The source computes watermarks from its own columns.
    CollectPaths(watermark->rowtime, nested, &used);
    CollectPaths(watermark->watermark, nested, &used);
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  // Drop paths covered by a shorter one.
  std::vector<std::vector<int>> paths;
  for (const std::vector<int>& path : used) {
    if (!paths.empty() && IsPrefix(paths.back(), path)) continue;
    paths.push_back(path);
  }
  bool all_columns = paths.size() == schema.size() &&
                     std::all_of(paths.begin(), paths.end(),
                                 [](const std::vector<int>& p) { return p.size() == 1; });
  PlanNodePtr new_scan;
  if (!all_columns && !paths.empty()) {
    std::unique_ptr<TableSource> projected_source = source->ApplyProjection(paths);
    if (projected_source) {
      PlanSchema projected;
      for (const std::vector<int>& path : paths) {
        projected.push_back({PathName(schema, path), PathType(schema, path)});
      }
      for (ExprPtr& projection : projections) {
        projection = RewriteForPaths(projection, paths, projected);
      }
      if (condition) condition = RewriteForPaths(condition, paths, projected);
      if (watermark) {
        watermark->rowtime = RewriteForPaths(watermark->rowtime, paths, projected);
        watermark->watermark = RewriteForPaths(watermark->watermark, paths, projected);
      }
      new_scan = std::make_shared<TableScanNode>(scan.table_name(), std::move(projected_source),
                                                 std::move(projected), pushed, watermark);
    }
  }
  if (!new_scan) {
    new_scan =
        std::make_shared<TableScanNode>(scan.table_name(), source, schema, pushed, watermark);
  }
  auto result =
      std::make_shared<CalcNode>(new_scan, std::move(projections), Names(calc.schema()), condition);
  if (IsIdentity(*result)) return new_scan;
  return result;
}

// A scan whose changelog needs normalizing reads into a ChangelogNormalize,
// which takes over the key. Calcs stay above it: a filter below it would drop
// the change that takes a row out of the filter's range, and a projection
// would change which rows count as equal.
PlanNodePtr NormalizeChangelog(const TableScanNode& scan) {
  auto plain = std::make_shared<TableScanNode>(scan.table_name(), scan.source(), scan.schema(),
                                               scan.pushed_filters(), scan.watermark());
  return std::make_shared<ChangelogNormalizeNode>(plain, scan.normalize_key());
}

PlanNodePtr Rewrite(const PlanNodePtr& node, const OptimizerOptions& options) {
  std::vector<PlanNodePtr> inputs;
  for (const PlanNodePtr& input : node->inputs()) inputs.push_back(Rewrite(input, options));
  PlanNodePtr current = node->WithInputs(inputs);
  if (current->kind() == PlanNodeKind::kTableScan) {
    const auto& scan = static_cast<const TableScanNode&>(*current);
    if (!scan.normalize_key().empty()) return NormalizeChangelog(scan);
    return current;
  }
  RewriteFunction rewrite = [&options](const PlanNodePtr& subtree) {
    return Rewrite(subtree, options);
  };
  if (current->kind() == PlanNodeKind::kJoin) {
    return RewriteJoin(static_cast<const JoinNode&>(*current), rewrite);
  }
  // Project and Filter become Calc.
  if (current->kind() == PlanNodeKind::kProject) {
    const auto& project = static_cast<const ProjectNode&>(*current);
    current = std::make_shared<CalcNode>(project.input(), project.expressions(),
                                         Names(project.schema()), nullptr);
  } else if (current->kind() == PlanNodeKind::kFilter) {
    const auto& filter = static_cast<const FilterNode&>(*current);
    current = std::make_shared<CalcNode>(filter.input(), IdentityProjections(filter.schema()),
                                         Names(filter.schema()), filter.condition());
  }
  if (current->kind() != PlanNodeKind::kCalc) return current;
  // Calc over Calc fuses.
  while (current->kind() == PlanNodeKind::kCalc &&
         current->input()->kind() == PlanNodeKind::kCalc) {
    PlanNodePtr merged = MergeCalcs(static_cast<const CalcNode&>(*current),
                                    static_cast<const CalcNode&>(*current->input()));
    if (!merged) break;
    current = merged;
  }
  if (current->kind() != PlanNodeKind::kCalc) return current;
  const auto& calc = static_cast<const CalcNode&>(*current);
  // A condition that folded to TRUE is no condition.
  if (calc.condition() && calc.condition()->is_literal() && !calc.condition()->is_null_literal() &&
      calc.condition()->value().AsBool()) {
    current =
        std::make_shared<CalcNode>(calc.input(), calc.projections(), Names(calc.schema()), nullptr);
  }
  const auto& simplified = static_cast<const CalcNode&>(*current);
  if (simplified.condition() && simplified.input()->kind() == PlanNodeKind::kJoin) {
    PlanNodePtr pushed =
        PushFilterIntoJoin(simplified, static_cast<const JoinNode&>(*simplified.input()), rewrite);
    if (pushed) return pushed;
  }
  if (simplified.input()->kind() == PlanNodeKind::kOverAggregate) {
    PlanNodePtr top_n =
        RewriteTopN(simplified, static_cast<const OverAggregateNode&>(*simplified.input()),
                    options.function_context.batch_mode, rewrite);
    if (top_n) return top_n;
  }
  if (simplified.input()->kind() == PlanNodeKind::kRank) {
    PlanNodePtr pruned =
        PruneRankNumber(simplified, static_cast<const RankNode&>(*simplified.input()), rewrite);
    if (pruned) return pruned;
  }
  if (simplified.input()->kind() == PlanNodeKind::kJoin) {
    PlanNodePtr pruned =
        PruneJoinColumns(simplified, static_cast<const JoinNode&>(*simplified.input()), rewrite);
    if (pruned) return pruned;
  }
  if (simplified.input()->kind() == PlanNodeKind::kTableScan) {
    return PushIntoScan(simplified, static_cast<const TableScanNode&>(*simplified.input()),
                        options.filter_push_down);
  }
  if (IsIdentity(simplified)) return simplified.input();
  return current;
}

// With 'table.exec.disabled-operators' = 'HashJoin': batch joins with keys
// sort-merge.
PlanNodePtr ChooseJoinStrategies(const PlanNodePtr& node, const OptimizerOptions& options) {
  if (!options.sort_merge_join) return node;
  std::vector<PlanNodePtr> inputs;
  for (const PlanNodePtr& input : node->inputs()) {
    inputs.push_back(ChooseJoinStrategies(input, options));
  }
  auto copy = std::const_pointer_cast<PlanNode>(node->WithInputs(std::move(inputs)));
  if (copy->kind() == PlanNodeKind::kJoin) {
    auto& join = static_cast<JoinNode&>(*copy);
    bool regular = join.temporal() == TemporalJoin::kNone && !join.interval() && !join.window();
    join.set_sort_merge(join.batch_mode() && regular && !join.left_keys().empty());
  }
  return copy;
}

// Assigns parallelism bottom-up and inserts exchanges between nodes whose
// parallelism differs.
Result<PlanNodePtr> AssignParallelism(const PlanNodePtr& node, const OptimizerOptions& options) {
  std::vector<PlanNodePtr> inputs;
  for (const PlanNodePtr& input : node->inputs()) {
    ASSIGN_OR_RAISE(PlanNodePtr assigned, AssignParallelism(input, options));
    inputs.push_back(std::move(assigned));
  }
  const int default_parallelism = options.default_parallelism;
  int parallelism = default_parallelism;
  switch (node->kind()) {
    case PlanNodeKind::kTableScan: {
      int fixed = static_cast<const TableScanNode&>(*node).source()->parallelism();
      if (fixed > 0) parallelism = fixed;
      break;
    }
    case PlanNodeKind::kValues:
      parallelism = 1;
      break;
    case PlanNodeKind::kSink: {
      const auto& sink = static_cast<const SinkNode&>(*node);
      ChangelogMode changes = inputs[0]->changelog_mode();
      if (!sink.is_collect() && !sink.sink()->accepted_changelog_mode().ContainsAll(changes)) {
        return Status::Validation(
            "Table sink '{}' doesn't support consuming update and delete changes which are "
            "produced by the query (changelog mode {})",
            sink.table_name(), changes.ToString());
      }
      if (sink.is_collect()) {
        parallelism = 1;
      } else {
        int fixed = sink.sink()->parallelism();
        parallelism = fixed > 0 ? fixed : inputs[0]->parallelism();
      }
      break;
    }
    case PlanNodeKind::kUnion:
      parallelism = default_parallelism;
      break;
    case PlanNodeKind::kWindowTableFunction:
      if (static_cast<const WindowTableFunctionNode&>(*node).window().kind ==
          WindowKind::kSession) {
        return Status::Unsupported(
            "A SESSION window table function must be followed by GROUP BY window_start, "
            "window_end");
      }
      parallelism = inputs[0]->parallelism();
      break;
    case PlanNodeKind::kAggregate: {
      // Rows of a group meet in one subtask: hash by the grouping keys, or one
      // subtask for a global aggregate.
      const auto& aggregate = static_cast<const AggregateNode&>(*node);
      parallelism = aggregate.grouping().empty() ? 1 : default_parallelism;
      PlanNodePtr& input = inputs[0];
      if (input->parallelism() > 1 || parallelism > 1) {
        auto exchange = std::make_shared<ExchangeNode>(
            input, parallelism == 1 ? Distribution::kSingleton : Distribution::kHash,
            aggregate.grouping());
        exchange->set_parallelism(parallelism);
        input = exchange;
      }
      break;
    }
    case PlanNodeKind::kSort:
      // Sorting and limiting see every row: one subtask.
      parallelism = 1;
      break;
    case PlanNodeKind::kRank: {
      // A partition's rows meet in one subtask.
      const auto& rank = static_cast<const RankNode&>(*node);
      parallelism = rank.partition_keys().empty() ? 1 : default_parallelism;
      PlanNodePtr& input = inputs[0];
      if (input->parallelism() > 1 || parallelism > 1) {
        auto exchange = std::make_shared<ExchangeNode>(
            input, parallelism == 1 ? Distribution::kSingleton : Distribution::kHash,
            rank.partition_keys());
        exchange->set_parallelism(parallelism);
        input = exchange;
      }
      break;
    }
    case PlanNodeKind::kChangelogNormalize: {
      // The rows of a key meet in one subtask.
      const auto& normalize = static_cast<const ChangelogNormalizeNode&>(*node);
      PlanNodePtr& input = inputs[0];
      if (input->parallelism() > 1 || parallelism > 1) {
        auto exchange = std::make_shared<ExchangeNode>(
            input, parallelism == 1 ? Distribution::kSingleton : Distribution::kHash,
            normalize.keys());
        exchange->set_parallelism(parallelism);
        input = exchange;
      }
      break;
    }
    case PlanNodeKind::kOverAggregate: {
      const auto& over = static_cast<const OverAggregateNode&>(*node);
      for (const OverCall& call : over.calls()) {
        if (call.rank) {
          return Status::Unsupported(
              "{}() OVER is only supported for Top-N: filter on its result, as in "
              "WHERE rownum <= 10",
              RankFunctionName(*call.rank));
        }
      }
      const PlanSchema& in = over.input()->schema();
      const std::vector<SortKey>& order = over.order();
      bool time_order = order.size() == 1 && order[0].ascending &&
                        in[order[0].column].type.time_attribute() != TimeAttribute::kNone;
      if (!over.batch_mode() && !time_order) {
        return Status::Unsupported(
            "OVER windows' ordering in stream mode must be defined on a time attribute, "
            "ascending, but it is [{}]",
            SortKeysToString(order, in));
      }
      if (!over.frame().rows && !over.frame().unbounded &&
          (order.size() != 1 || !in[order[0].column].type.is_timestamp())) {
        return Status::Unsupported(
            "RANGE BETWEEN <interval> PRECEDING needs an OVER window ordered by one timestamp");
      }
      if (!over.changelog_mode().insert_only() && !over.batch_mode()) {
        return Status::Unsupported(
            "OVER aggregations need an append-only input, but the query's input has updates");
      }
      parallelism = over.partition_keys().empty() ? 1 : default_parallelism;
      PlanNodePtr& input = inputs[0];
      if (input->parallelism() > 1 || parallelism > 1) {
        auto exchange = std::make_shared<ExchangeNode>(
            input, parallelism == 1 ? Distribution::kSingleton : Distribution::kHash,
            over.partition_keys());
        exchange->set_parallelism(parallelism);
        input = exchange;
      }
      break;
    }
    case PlanNodeKind::kJoin: {
      // Rows with equal keys meet in one subtask: both sides hash by their keys;
      // a join without equality keys runs in one subtask.
      const auto& join = static_cast<const JoinNode&>(*node);
      bool keyed = !join.left_keys().empty();
      if (join.is_lookup()) {
        // Rows are looked up where they are; the dimension table's scan is
        // only the lookup's source.
        if (!keyed) {
          return Status::Validation(
              "Temporal table join requires an equality condition on fields of the dimension "
              "table (a column of it equal to an expression over the other side)");
        }
        const PlanNode* right = inputs[1].get();
        while (right->kind() == PlanNodeKind::kCalc) right = right->input().get();
        if (right->kind() != PlanNodeKind::kTableScan) {
          return Status::Internal("a lookup join's right input is not a table scan");
        }
        parallelism = inputs[0]->parallelism();
        break;
      }
      parallelism = keyed ? default_parallelism : 1;
      for (int side = 0; side < 2; ++side) {
        PlanNodePtr& input = inputs[side];
        if (input->parallelism() == 1 && parallelism == 1) continue;
        auto exchange = std::make_shared<ExchangeNode>(
            input, keyed && parallelism > 1 ? Distribution::kHash : Distribution::kSingleton,
            keyed ? (side == 0 ? join.left_keys() : join.right_keys()) : std::vector<int>{});
        exchange->set_parallelism(parallelism);
        input = exchange;
      }
      break;
    }
    default:
      parallelism = inputs.empty() ? default_parallelism : inputs[0]->parallelism();
      break;
  }
  for (PlanNodePtr& input : inputs) {
    if (input->parallelism() == parallelism) continue;
    if (node->kind() == PlanNodeKind::kJoin && &input == &inputs[1] &&
        static_cast<const JoinNode&>(*node).is_lookup()) {
      continue;
    }
    auto exchange = std::make_shared<ExchangeNode>(
        input, parallelism == 1 ? Distribution::kSingleton : Distribution::kRebalance);
    exchange->set_parallelism(parallelism);
    input = exchange;
  }
  auto copy = std::const_pointer_cast<PlanNode>(node->WithInputs(std::move(inputs)));
  copy->set_parallelism(parallelism);

  return PlanNodePtr(copy);
}

}  // namespace

PlanNodePtr RewriteLogical(const PlanNodePtr& logical, const OptimizerOptions& options) {
  return ChooseJoinStrategies(Rewrite(logical, options), options);
}

Result<PlanNodePtr> Optimize(const PlanNodePtr& logical, const OptimizerOptions& options) {
  if (options.default_parallelism < 1) {
    return Status::Invalid("parallelism.default must be at least 1, but is {}",
                           options.default_parallelism);
  }
  PlanNodePtr rewritten = ChooseJoinStrategies(Rewrite(logical, options), options);
  return AssignParallelism(rewritten, options);
}

}  // namespace tiangong::sql
