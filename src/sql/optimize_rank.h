#pragma once

#include "sql/optimize_join.h"
#include "sql/plan.h"

namespace tiangong::sql {

/// Top-N: a filter on a ROW_NUMBER(), RANK() or DENSE_RANK() column that bounds
/// the rank (rn <= 10, rn = 1, rn BETWEEN 2 AND 5, ...) turns the OverAggregate
/// computing it into a Rank node; conditions on other columns stay in the Calc.
/// Partitioned by the window_start and window_end of a window, it is a window
/// Top-N. Returns nullptr when the Calc does not bound the rank.
PlanNodePtr RewriteTopN(const CalcNode& calc, const OverAggregateNode& over, bool batch_mode,
                        const RewriteFunction& rewrite);

/// A Calc over a Rank that outputs the rank number but does not read it: the
/// Rank stops outputting it (which changes how it reports changes). Returns
/// nullptr when nothing changes.
PlanNodePtr PruneRankNumber(const CalcNode& calc, const RankNode& rank,
                            const RewriteFunction& rewrite);

/// When `columns` of `node` include the window_start and window_end of one
/// window (of a window aggregation or window table function below), that window.
std::optional<RankWindow> FindWindow(const PlanNodePtr& node, const std::vector<int>& columns);

/// A window join's bounds: `left` and `right` are windowed and the join's keys
/// (pairwise equal) or `condition` (over the joined row) equate their
/// window_start and window_end columns.
std::optional<WindowJoinBounds> FindWindowJoin(const ExprPtr& condition,
                                               const std::vector<int>& left_keys,
                                               const std::vector<int>& right_keys,
                                               const PlanNodePtr& left, const PlanNodePtr& right);

}  // namespace tiangong::sql
