#include "sql/optimize_join.h"

#include <algorithm>

#include "functions/cast.h"
#include "functions/type_coercion.h"

namespace tiangong::sql {
namespace {

// Which sides of a join an expression reads.
struct Sides {
  bool left = false;
  bool right = false;
};

Sides SidesOf(const Expr& expression, int num_left) {
  std::vector<int> refs;
  CollectInputRefs(expression, &refs);
  Sides sides;
  for (int ref : refs) (ref < num_left ? sides.left : sides.right) = true;
  return sides;
}

// Shifts the input refs of an expression over the joined row by `offset`
// (for refs at or after `from`).
ExprPtr ShiftRefs(const ExprPtr& expression, int width, int from, int offset) {
  std::vector<int> mapping(width);
  for (int i = 0; i < width; ++i) mapping[i] = i >= from ? i + offset : i;
  return RemapInputRefs(expression, mapping);
}

// A Filter (as a Calc) of `conditions` over `input`, re-optimized.
PlanNodePtr FilterInput(const PlanNodePtr& input, std::vector<ExprPtr> conditions,
                        const RewriteFunction& rewrite) {
  if (conditions.empty()) return input;
  return rewrite(std::make_shared<FilterNode>(input, Conjunction(std::move(conditions))));
}

// Makes `expressions` (over `input`) columns of the input: plain column refs
// are used as they are; others are appended by a projection. Returns the new
// input and sets `columns` to each expression's column.
PlanNodePtr MaterializeKeys(const PlanNodePtr& input, const std::vector<ExprPtr>& expressions,
                            const RewriteFunction& rewrite, std::vector<int>* columns) {
  std::vector<ExprPtr> projections;
  std::vector<std::string> names = Names(input->schema());
  for (size_t i = 0; i < input->schema().size(); ++i) {
    const PlanField& field = input->schema()[i];
    projections.push_back(Expr::InputRef(static_cast<int>(i), field.type, field.name));
  }
  for (const ExprPtr& expression : expressions) {
    if (expression->kind() == ExprKind::kInputRef) {
      columns->push_back(expression->input_index());
      continue;
    }
    columns->push_back(static_cast<int>(projections.size()));
    projections.push_back(expression);
    names.push_back("$key" + std::to_string(columns->size() - 1));
  }
  if (projections.size() == input->schema().size()) return input;
  return rewrite(std::make_shared<ProjectNode>(input, std::move(projections), std::move(names)));
}

// An event-time column shifted by a constant: `ts`, `ts - INTERVAL '1' HOUR`.
struct TimeTerm {
  int column = 0;
  int64_t offset = 0;  // microseconds
};

std::optional<TimeTerm> ParseTimeTerm(const Expr& expression, const PlanSchema& joined) {
  auto is_time = [&](const Expr& e) {
    return e.kind() == ExprKind::kInputRef && joined[e.input_index()].type.is_rowtime();
  };
  if (is_time(expression)) return TimeTerm{expression.input_index(), 0};
  if (expression.kind() != ExprKind::kCall || expression.args().size() != 2 ||
      (expression.name() != "+" && expression.name() != "-")) {
    return std::nullopt;
  }
  const Expr& a = *expression.args()[0];
  const Expr& b = *expression.args()[1];
  auto interval_micros = [](const Expr& e) -> std::optional<int64_t> {
    if (!e.is_literal() || e.is_null_literal() || e.type().id() != TypeId::kIntervalDayTime) {
      return std::nullopt;
    }
    return e.value().AsInt() * 1000;
  };
  if (is_time(a)) {
    if (std::optional<int64_t> shift = interval_micros(b)) {
      return TimeTerm{a.input_index(), expression.name() == "+" ? *shift : -*shift};
    }
  }
  if (expression.name() == "+" && is_time(b)) {
    if (std::optional<int64_t> shift = interval_micros(a)) return TimeTerm{b.input_index(), *shift};
  }
  return std::nullopt;
}

}  // namespace

std::optional<IntervalBounds> FindIntervalBounds(const ExprPtr& condition, const PlanSchema& left,
                                                 const PlanSchema& right) {
  if (!condition) return std::nullopt;
  PlanSchema joined = left;
  joined.insert(joined.end(), right.begin(), right.end());
  int num_left = static_cast<int>(left.size());
  std::optional<int64_t> lower;
  std::optional<int64_t> upper;
  std::optional<int> left_time;
  std::optional<int> right_time;
  for (const ExprPtr& conjunct : SplitConjunction(condition)) {
    if (conjunct->kind() != ExprKind::kCall || conjunct->args().size() != 2) continue;
    const std::string& op = conjunct->name();
    if (op != "<" && op != "<=" && op != ">" && op != ">=" && op != "=") continue;
    std::optional<TimeTerm> x = ParseTimeTerm(*conjunct->args()[0], joined);
    std::optional<TimeTerm> y = ParseTimeTerm(*conjunct->args()[1], joined);
    if (!x || !y) continue;
    bool x_left = x->column < num_left;
    bool y_left = y->column < num_left;
    if (x_left == y_left) continue;
    const TimeTerm& l = x_left ? *x : *y;
    const TimeTerm& r = x_left ? *y : *x;
    if ((left_time && *left_time != l.column) || (right_time && *right_time != r.column)) continue;
    left_time = l.column;
    right_time = r.column;
    // l.ts + l.offset OP r.ts + r.offset, as a bound on r.ts - l.ts.
    int64_t difference = l.offset - r.offset;
    bool less = op == "<" || op == "<=";
    bool greater = op == ">" || op == ">=";
    if (!x_left) std::swap(less, greater);  // written as r OP l
    if (less || op == "=") lower = lower ? std::max(*lower, difference) : difference;
    if (greater || op == "=") upper = upper ? std::min(*upper, difference) : difference;
  }
  if (!lower || !upper) return std::nullopt;
  return IntervalBounds{*left_time, *right_time - num_left, *lower, *upper};
}

PlanNodePtr RewriteJoin(const JoinNode& join, const RewriteFunction& rewrite) {
  const PlanNodePtr& left = join.input(0);
  const PlanNodePtr& right = join.input(1);
  int num_left = static_cast<int>(left->schema().size());
  int num_right = static_cast<int>(right->schema().size());
  int width = num_left + num_right;
  bool push_left = join.join_kind() == JoinKind::kInner || join.join_kind() == JoinKind::kRight;
  // A versioned table's rows are versions: filtering them first would bring
  // back versions they replaced.
  bool push_right = (join.join_kind() == JoinKind::kInner || join.join_kind() == JoinKind::kLeft) &&
                    join.temporal() != TemporalJoin::kEventTime;
  std::vector<ExprPtr> left_filters;
  std::vector<ExprPtr> right_filters;
  std::vector<ExprPtr> left_keys;
  std::vector<ExprPtr> right_keys;
  std::vector<ExprPtr> rest;
  std::vector<ExprPtr> conjuncts;
  if (join.condition()) conjuncts = SplitConjunction(join.condition());
  for (const ExprPtr& conjunct : conjuncts) {
    if (conjunct->is_literal() && !conjunct->is_null_literal() && conjunct->value().AsBool()) {
      continue;
    }
    Sides sides = SidesOf(*conjunct, num_left);
    bool deterministic = conjunct->IsDeterministic();
    if (sides.left && !sides.right && push_left && deterministic) {
      left_filters.push_back(conjunct);
      continue;
    }
    if (sides.right && !sides.left && push_right && deterministic) {
      right_filters.push_back(ShiftRefs(conjunct, width, num_left, -num_left));
      continue;
    }
    if (conjunct->kind() == ExprKind::kCall && conjunct->name() == "=" &&
        conjunct->args().size() == 2 && deterministic) {
      ExprPtr a = conjunct->args()[0];
      ExprPtr b = conjunct->args()[1];
      Sides a_sides = SidesOf(*a, num_left);
      Sides b_sides = SidesOf(*b, num_left);
      if (a_sides.right && !a_sides.left && b_sides.left && !b_sides.right) std::swap(a, b);
      a_sides = SidesOf(*a, num_left);
      b_sides = SidesOf(*b, num_left);
      std::optional<DataType> common = CommonType({a->type(), b->type()});
      // A lookup finds rows by the dimension table's own columns.
      if (join.is_lookup()) {
        common = b->kind() == ExprKind::kInputRef && CanCast(a->type(), b->type())
                     ? std::optional<DataType>(b->type())
                     : std::nullopt;
      }
      if (a_sides.left && !a_sides.right && b_sides.right && !b_sides.left && common) {
        // Keys compare by their encoding, so both sides take one type.
        DataType type = *common;
        Result<ExprPtr> a_cast = a->type().EqualsIgnoringNullability(type)
                                     ? Result<ExprPtr>(a)
                                     : MakeCast(a, type.WithNullable(a->type().nullable()));
        Result<ExprPtr> b_cast = b->type().EqualsIgnoringNullability(type)
                                     ? Result<ExprPtr>(b)
                                     : MakeCast(b, type.WithNullable(b->type().nullable()));
        if (a_cast.ok() && b_cast.ok()) {
          left_keys.push_back(*a_cast);
          right_keys.push_back(ShiftRefs(*b_cast, width, num_left, -num_left));
          continue;
        }
      }
    }
    rest.push_back(conjunct);
  }
  PlanNodePtr new_left = FilterInput(left, std::move(left_filters), rewrite);
  PlanNodePtr new_right = FilterInput(right, std::move(right_filters), rewrite);
  std::vector<int> left_columns = join.left_keys();
  std::vector<int> right_columns = join.right_keys();
  new_left = MaterializeKeys(new_left, left_keys, rewrite, &left_columns);
  new_right = MaterializeKeys(new_right, right_keys, rewrite, &right_columns);
  int new_num_left = static_cast<int>(new_left->schema().size());
  int new_num_right = static_cast<int>(new_right->schema().size());
  // The rest reads the joined row, whose right side may have moved.
  std::vector<int> mapping(width);
  for (int i = 0; i < width; ++i) mapping[i] = i < num_left ? i : i - num_left + new_num_left;
  ExprPtr condition = Conjunction(std::move(rest));
  if (condition) condition = RemapInputRefs(condition, mapping);
  auto rewritten = std::make_shared<JoinNode>(
      new_left, new_right, join.join_kind(), condition, join.batch_mode(), std::move(left_columns),
      std::move(right_columns), join.temporal(), join.version_times());
  if (new_num_left == num_left && new_num_right == num_right) return rewritten;
  // Drop the computed key columns again.
  std::vector<ExprPtr> projections;
  for (int i = 0; i < width; ++i) {
    const PlanField& field = rewritten->schema()[mapping[i]];
    projections.push_back(Expr::InputRef(mapping[i], field.type, field.name));
  }
  return std::make_shared<CalcNode>(rewritten, std::move(projections), Names(join.schema()),
                                    nullptr);
}

PlanNodePtr PushFilterIntoJoin(const CalcNode& calc, const JoinNode& join,
                               const RewriteFunction& rewrite) {
  std::vector<ExprPtr> conjuncts = SplitConjunction(calc.condition());
  if (join.join_kind() == JoinKind::kInner) {
    if (join.condition()) conjuncts.push_back(join.condition());
    JoinNode merged(join.input(0), join.input(1), join.join_kind(), Conjunction(conjuncts),
                    join.batch_mode(), join.left_keys(), join.right_keys(), join.temporal(),
                    join.version_times());
    PlanNodePtr rewritten = RewriteJoin(merged, rewrite);
    return rewrite(
        std::make_shared<CalcNode>(rewritten, calc.projections(), Names(calc.schema()), nullptr));
  }
  // Outer joins: a filter on the preserved side alone can run before the join.
  int num_left = static_cast<int>(join.input(0)->schema().size());
  int width = static_cast<int>(join.schema().size());
  std::vector<ExprPtr> left_filters;
  std::vector<ExprPtr> right_filters;
  std::vector<ExprPtr> rest;
  for (const ExprPtr& conjunct : conjuncts) {
    Sides sides = SidesOf(*conjunct, num_left);
    bool deterministic = conjunct->IsDeterministic();
    if (join.join_kind() == JoinKind::kLeft && sides.left && !sides.right && deterministic) {
      left_filters.push_back(conjunct);
    } else if (join.join_kind() == JoinKind::kRight && sides.right && !sides.left &&
               deterministic) {
      right_filters.push_back(ShiftRefs(conjunct, width, num_left, -num_left));
    } else {
      rest.push_back(conjunct);
    }
  }
  if (left_filters.empty() && right_filters.empty()) return nullptr;
  auto pushed = std::make_shared<JoinNode>(
      FilterInput(join.input(0), std::move(left_filters), rewrite),
      FilterInput(join.input(1), std::move(right_filters), rewrite), join.join_kind(),
      join.condition(), join.batch_mode(), join.left_keys(), join.right_keys(), join.temporal(),
      join.version_times());
  return std::make_shared<CalcNode>(pushed, calc.projections(), Names(calc.schema()),
                                    Conjunction(std::move(rest)));
}

PlanNodePtr PruneJoinColumns(const CalcNode& calc, const JoinNode& join,
                             const RewriteFunction& rewrite) {
  int num_left = static_cast<int>(join.input(0)->schema().size());
  int width = static_cast<int>(join.schema().size());
  std::vector<int> used;
  for (const ExprPtr& projection : calc.projections()) CollectInputRefs(*projection, &used);
  if (calc.condition()) CollectInputRefs(*calc.condition(), &used);
  if (join.condition()) CollectInputRefs(*join.condition(), &used);
  for (int key : join.left_keys()) used.push_back(key);
  for (int key : join.right_keys()) used.push_back(num_left + key);
  if (const auto& times = join.version_times()) {
    used.push_back(times->left_time_column);
    used.push_back(num_left + times->right_time_column);
  }
  std::vector<bool> needed(width, false);
  for (int column : used) needed[column] = true;
  if (std::all_of(needed.begin(), needed.end(), [](bool n) { return n; })) return nullptr;
  // Each input keeps its needed columns; mapping takes old joined positions to new.
  std::vector<int> mapping(width, -1);
  PlanNodePtr inputs[2];
  int next = 0;
  for (int side = 0; side < 2; ++side) {
    const PlanNodePtr& input = join.input(side);
    int begin = side == 0 ? 0 : num_left;
    std::vector<ExprPtr> projections;
    std::vector<std::string> names;
    for (size_t i = 0; i < input->schema().size(); ++i) {
      if (!needed[begin + i]) continue;
      const PlanField& field = input->schema()[i];
      projections.push_back(Expr::InputRef(static_cast<int>(i), field.type, field.name));
      names.push_back(field.name);
      mapping[begin + i] = next++;
    }
    if (projections.empty()) {
      // A side nothing reads still has its rows: keep one column.
      const PlanField& field = input->schema()[0];
      projections.push_back(Expr::InputRef(0, field.type, field.name));
      names.push_back(field.name);
      mapping[begin] = next++;
    }
    inputs[side] = projections.size() == input->schema().size()
                       ? input
                       : rewrite(std::make_shared<ProjectNode>(input, std::move(projections),
                                                               std::move(names)));
  }
  int new_num_left = static_cast<int>(inputs[0]->schema().size());
  std::vector<int> left_keys;
  std::vector<int> right_keys;
  for (int key : join.left_keys()) left_keys.push_back(mapping[key]);
  for (int key : join.right_keys()) right_keys.push_back(mapping[num_left + key] - new_num_left);
  ExprPtr condition = join.condition() ? RemapInputRefs(join.condition(), mapping) : nullptr;
  std::optional<VersionTimes> times = join.version_times();
  if (times) {
    times->left_time_column = mapping[times->left_time_column];
    times->right_time_column = mapping[num_left + times->right_time_column] - new_num_left;
  }
  auto pruned = std::make_shared<JoinNode>(inputs[0], inputs[1], join.join_kind(), condition,
                                           join.batch_mode(), std::move(left_keys),
                                           std::move(right_keys), join.temporal(), times);
  std::vector<ExprPtr> projections;
  for (const ExprPtr& projection : calc.projections()) {
    projections.push_back(RemapInputRefs(projection, mapping));
  }
  ExprPtr calc_condition = calc.condition() ? RemapInputRefs(calc.condition(), mapping) : nullptr;
  return rewrite(std::make_shared<CalcNode>(pruned, std::move(projections), Names(calc.schema()),
                                            calc_condition));
}

}  // namespace tiangong::sql
