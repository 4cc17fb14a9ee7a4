#include "sql/optimize_rank.h"

#include <map>

#include <limits>

namespace tiangong::sql {
namespace {

// The window node and role (0 window_start, 1 window_end, 2 window_time) of a
// column, followed down through nodes that pass columns on.
struct WindowColumn {
  const PlanNode* window = nullptr;
  int role = -1;
};

WindowColumn TraceWindowColumn(const PlanNode& node, int column) {
  switch (node.kind()) {
    case PlanNodeKind::kCalc:
    case PlanNodeKind::kProject: {
      const std::vector<ExprPtr>& projections =
          node.kind() == PlanNodeKind::kCalc ? static_cast<const CalcNode&>(node).projections()
                                             : static_cast<const ProjectNode&>(node).expressions();
      const ExprPtr& projection = projections[column];
      if (projection->kind() != ExprKind::kInputRef) return {};
      return TraceWindowColumn(*node.input(), projection->input_index());
    }
    case PlanNodeKind::kFilter:
    case PlanNodeKind::kExchange:
      return TraceWindowColumn(*node.input(), column);
    case PlanNodeKind::kRank:
      if (column >= static_cast<int>(node.input()->schema().size())) return {};
      return TraceWindowColumn(*node.input(), column);
    case PlanNodeKind::kAggregate: {
      const auto& aggregate = static_cast<const AggregateNode&>(node);
      int first = static_cast<int>(aggregate.grouping().size());
      if (!aggregate.window() || column < first || column > first + 2) return {};
      return {&node, column - first};
    }
    case PlanNodeKind::kWindowTableFunction: {
      int first = static_cast<const WindowTableFunctionNode&>(node).window_start_column();
      if (column < first) return TraceWindowColumn(*node.input(), column);
      return {&node, column - first};
    }
    default:
      return {};
  }
}

const WindowSpec& SpecOf(const PlanNode& window) {
  if (window.kind() == PlanNodeKind::kAggregate) {
    return *static_cast<const AggregateNode&>(window).window();
  }
  return static_cast<const WindowTableFunctionNode&>(window).window();
}

// `ref OP literal` (or `literal OP ref`, mirrored) with an integer literal.
bool MatchBound(const Expr& conjunct, int column, std::string* op, int64_t* value) {
  if (conjunct.kind() != ExprKind::kCall || conjunct.args().size() != 2) return false;
  static const std::map<std::string, std::string> kMirror = {
      {"<=", ">="}, {"<", ">"}, {">=", "<="}, {">", "<"}, {"=", "="}};
  auto it = kMirror.find(conjunct.name());
  if (it == kMirror.end()) return false;
  const ExprPtr& a = conjunct.args()[0];
  const ExprPtr& b = conjunct.args()[1];
  auto is_column = [&](const ExprPtr& e) {
    return e->kind() == ExprKind::kInputRef && e->input_index() == column;
  };
  auto is_number = [](const ExprPtr& e) {
    return e->is_literal() && !e->is_null_literal() && e->type().is_integer();
  };
  if (is_column(a) && is_number(b)) {
    *op = conjunct.name();
    *value = b->value().AsInt();
    return true;
  }
  if (is_number(a) && is_column(b)) {
    *op = it->second;
    *value = a->value().AsInt();
    return true;
  }
  return false;
}

}  // namespace

std::optional<RankWindow> FindWindow(const PlanNodePtr& node, const std::vector<int>& columns) {
  const PlanNode* start_window = nullptr;
  std::optional<int> end_column;
  const PlanNode* end_window = nullptr;
  for (int column : columns) {
    WindowColumn traced = TraceWindowColumn(*node, column);
    if (traced.role == 0) start_window = traced.window;
    if (traced.role == 1) {
      end_window = traced.window;
      end_column = column;
    }
  }
  if (start_window == nullptr || start_window != end_window) return std::nullopt;
  // Processing-time windows have no watermark to fire on: such a Top-N runs as
  // a regular one, partitioned by the window, and updates its rows.
  if (SpecOf(*end_window).time == TimeAttribute::kProctime) return std::nullopt;
  return RankWindow{*end_column, SpecOf(*end_window).local_time_zone};
}

std::optional<WindowJoinBounds> FindWindowJoin(const ExprPtr& condition,
                                               const std::vector<int>& left_keys,
                                               const std::vector<int>& right_keys,
                                               const PlanNodePtr& left, const PlanNodePtr& right) {
  int num_left = static_cast<int>(left->schema().size());
  // Equal pairs of (left column, joined-row column of the right).
  std::vector<std::pair<int, int>> equal;
  for (size_t k = 0; k < left_keys.size(); ++k) {
    equal.emplace_back(left_keys[k], num_left + right_keys[k]);
  }
  if (condition) {
    for (const ExprPtr& conjunct : SplitConjunction(condition)) {
      if (conjunct->kind() != ExprKind::kCall || conjunct->name() != "=" ||
          conjunct->args().size() != 2) {
        continue;
      }
      const ExprPtr& a = conjunct->args()[0];
      const ExprPtr& b = conjunct->args()[1];
      if (a->kind() != ExprKind::kInputRef || b->kind() != ExprKind::kInputRef) continue;
      equal.emplace_back(std::min(a->input_index(), b->input_index()),
                         std::max(a->input_index(), b->input_index()));
    }
  }
  const PlanNode* left_window = nullptr;
  const PlanNode* right_window = nullptr;
  std::optional<int> left_end;
  std::optional<int> right_end;
  bool starts_equal = false;
  for (const auto& [l, r] : equal) {
    if (l >= num_left || r < num_left) continue;
    WindowColumn left_column = TraceWindowColumn(*left, l);
    WindowColumn right_column = TraceWindowColumn(*right, r - num_left);
    if (left_column.window == nullptr || right_column.window == nullptr ||
        left_column.role != right_column.role) {
      continue;
    }
    if ((left_window && left_window != left_column.window) ||
        (right_window && right_window != right_column.window)) {
      continue;
    }
    left_window = left_column.window;
    right_window = right_column.window;
    if (left_column.role == 0) starts_equal = true;
    if (left_column.role == 1) {
      left_end = l;
      right_end = r - num_left;
    }
  }
  if (!starts_equal || !left_end) return std::nullopt;
  // Processing-time windows: a regular join on the window bounds.
  if (SpecOf(*left_window).time == TimeAttribute::kProctime ||
      SpecOf(*right_window).time == TimeAttribute::kProctime) {
    return std::nullopt;
  }
  return WindowJoinBounds{*left_end, *right_end, SpecOf(*left_window).local_time_zone};
}

PlanNodePtr RewriteTopN(const CalcNode& calc, const OverAggregateNode& over, bool batch_mode,
                        const RewriteFunction& rewrite) {
  if (over.calls().size() != 1 || !over.calls()[0].rank || !calc.condition()) return nullptr;
  int rank_column = static_cast<int>(over.input()->schema().size());
  int64_t start = 1;
  int64_t end = std::numeric_limits<int64_t>::max();
  std::vector<ExprPtr> rest;
  for (const ExprPtr& conjunct : SplitConjunction(calc.condition())) {
    std::string op;
    int64_t value = 0;
    if (!MatchBound(*conjunct, rank_column, &op, &value)) {
      rest.push_back(conjunct);
      continue;
    }
    if (op == "<=") end = std::min(end, value);
    if (op == "<") end = std::min(end, value - 1);
    if (op == ">=") start = std::max(start, value);
    if (op == ">") start = std::max(start, value + 1);
    if (op == "=") {
      start = std::max(start, value);
      end = std::min(end, value);
    }
  }
  if (end == std::numeric_limits<int64_t>::max()) return nullptr;
  std::vector<int> used;
  for (const ExprPtr& projection : calc.projections()) CollectInputRefs(*projection, &used);
  for (const ExprPtr& conjunct : rest) CollectInputRefs(*conjunct, &used);
  bool output_rank = std::find(used.begin(), used.end(), rank_column) != used.end();
  auto rank = std::make_shared<RankNode>(over.input(), over.partition_keys(), over.order(),
                                         *over.calls()[0].rank, start, std::max(end, start - 1),
                                         output_rank, batch_mode,
                                         FindWindow(over.input(), over.partition_keys()));
  std::vector<std::string> names;
  for (const PlanField& field : calc.schema()) names.push_back(field.name);
  return rewrite(std::make_shared<CalcNode>(rank, calc.projections(), std::move(names),
                                            Conjunction(std::move(rest))));
}

PlanNodePtr PruneRankNumber(const CalcNode& calc, const RankNode& rank,
                            const RewriteFunction& rewrite) {
  if (!rank.output_rank()) return nullptr;
  int rank_column = static_cast<int>(rank.input()->schema().size());
  std::vector<int> used;
  for (const ExprPtr& projection : calc.projections()) CollectInputRefs(*projection, &used);
  if (calc.condition()) CollectInputRefs(*calc.condition(), &used);
  if (std::find(used.begin(), used.end(), rank_column) != used.end()) return nullptr;
  auto pruned = std::make_shared<RankNode>(rank.input(), rank.partition_keys(), rank.order(),
                                           rank.function(), rank.rank_start(), rank.rank_end(),
                                           /*output_rank=*/false, rank.batch_mode(), rank.window());
  std::vector<std::string> names;
  for (const PlanField& field : calc.schema()) names.push_back(field.name);
  return rewrite(
      std::make_shared<CalcNode>(pruned, calc.projections(), std::move(names), calc.condition()));
}

}  // namespace tiangong::sql
