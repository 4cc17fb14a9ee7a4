#pragma once

#include "common/result.h"
#include "sql/plan.h"

namespace tiangong::sql {

struct OptimizerOptions {
  int default_parallelism = 1;
  FunctionContext function_context;
  /// 'table.optimizer.source.predicate-pushdown-enabled', as in Flink.
  bool filter_push_down = true;
  /// Batch joins sort and merge their inputs: 'table.exec.disabled-operators'
  /// names HashJoin or ShuffleHashJoin, as in Flink.
  bool sort_merge_join = false;
};

/// Rewrites a logical plan into the physical plan the runtime executes:
///  1. fuses Project and Filter chains into Calc nodes;
///  2. puts a ChangelogNormalize over each scan whose changelog needs it (see
///     ChangelogNormalizeNode), pushes projections (nested fields too, where the
///     source can) and filters into the other table sources, and drops Calcs
///     that do nothing;
///  3. decides each node's parallelism and puts an Exchange wherever adjacent
///     nodes differ in parallelism.
Result<PlanNodePtr> Optimize(const PlanNodePtr& logical, const OptimizerOptions& options);

/// Steps 1 and 2 only (no parallelism), for EXPLAIN.
PlanNodePtr RewriteLogical(const PlanNodePtr& logical, const OptimizerOptions& options);

}  // namespace tiangong::sql
