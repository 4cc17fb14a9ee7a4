#pragma once

#include <functional>

#include "sql/plan.h"

namespace tiangong::sql {

/// Re-optimizes a subtree the join rules built (filters and projections placed
/// below a join's inputs): the optimizer's bottom-up rewrite.
using RewriteFunction = std::function<PlanNodePtr(const PlanNodePtr&)>;

/// Prepares a join for execution:
///  - conjuncts of the condition that read one side only move below the join,
///    into that side, where the join kind keeps their meaning (either side of
///    an inner join; the inner side of an outer join);
///  - equalities between an expression of the left and one of the right become
///    the join's keys; expressions that are not plain columns are computed by a
///    Calc below the input (and a Calc above drops them again);
///  - the rest stays the join's condition.
PlanNodePtr RewriteJoin(const JoinNode& join, const RewriteFunction& rewrite);

/// A filter over a join: for an inner join its condition joins the join's (and
/// is then placed by RewriteJoin); for an outer join, conjuncts over the outer
/// side alone move below the join. Returns nullptr when nothing changes.
PlanNodePtr PushFilterIntoJoin(const CalcNode& calc, const JoinNode& join,
                               const RewriteFunction& rewrite);

/// A Calc over a join that does not read every column: the join's inputs keep
/// only the columns the Calc, the keys and the condition read. Returns nullptr
/// when every column is read.
PlanNodePtr PruneJoinColumns(const CalcNode& calc, const JoinNode& join,
                             const RewriteFunction& rewrite);

/// The time bounds of an interval join in `condition` (over the joined row of
/// `left` then `right` columns): comparisons between an event-time attribute of
/// each side, each perhaps shifted by an interval, that bound the right's time
/// both from below and from above relative to the left's. nullopt otherwise.
std::optional<IntervalBounds> FindIntervalBounds(const ExprPtr& condition, const PlanSchema& left,
                                                 const PlanSchema& right);

}  // namespace tiangong::sql
