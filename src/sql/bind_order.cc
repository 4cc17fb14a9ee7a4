// Binding of a query's ORDER BY, LIMIT and OFFSET. The plan is
//   [Project(visible columns)] <- Sort | Rank <- [Project(columns, sort expressions)] <- query
// ORDER BY items are output columns (by name or 1-based position), expressions
// over them, or, in a plain SELECT, expressions over its FROM clause that the
// SELECT list drops (bound as hidden columns by BindSelect).

#include <fmt/format.h>

#include "sql/binder.h"

namespace tiangong::sql {
namespace {

bool IsOrdinal(const ParsedExpression& expression) {
  return expression.kind == ExpressionKind::kLiteral &&
         expression.literal_kind == LiteralKind::kInteger;
}

}  // namespace

std::vector<int> Binder::BindHiddenOrderColumns(const Query& query, const Scope& input,
                                                const Scope& output,
                                                std::vector<ExprPtr>* expressions,
                                                std::vector<std::string>* names) {
  std::vector<int> columns(query.order_by.size(), -1);
  for (size_t i = 0; i < query.order_by.size(); ++i) {
    const ParsedExpression& parsed = *query.order_by[i].expression;
    if (IsOrdinal(parsed) || BindExpression(parsed, output).ok()) continue;
    Result<ExprPtr> bound = BindExpression(parsed, input);
    if (!bound.ok()) continue;  // reported when bound against the output
    columns[i] = static_cast<int>(expressions->size());
    names->push_back(fmt::format("$order{}", i));
    expressions->push_back(bound.MoveValue());
  }
  return columns;
}

Result<Binder::Relation> Binder::BindOrderLimit(const Query& query, Relation relation) {
  const bool batch_mode = context_.connector_context.batch_mode;
  auto count = [&](const ParsedExpressionPtr& parsed,
                   const char* clause) -> Result<std::optional<int64_t>> {
    if (!parsed) return std::optional<int64_t>();
    ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(*parsed, Scope{}));
    bound = FoldConstant(bound, context_.connector_context.function_context);
    if (!bound->is_literal() || bound->is_null_literal() || !bound->type().is_integer() ||
        bound->value().AsInt() < 0) {
      return ErrorAt(parsed->location, "{} needs a non-negative integer literal, not {}", clause,
                     parsed->ToSql());
    }
    return std::optional<int64_t>(bound->value().AsInt());
  };
  ASSIGN_OR_RAISE(std::optional<int64_t> fetch, count(query.limit, "LIMIT"));
  ASSIGN_OR_RAISE(std::optional<int64_t> offset, count(query.offset, "OFFSET"));

  // The sort keys: columns of the plan, computed ones appended.
  const PlanSchema& schema = relation.plan->schema();
  const size_t visible = relation.scope.fields.size();
  std::vector<ExprPtr> columns;
  std::vector<std::string> names;
  for (size_t c = 0; c < schema.size(); ++c) {
    columns.push_back(Expr::InputRef(static_cast<int>(c), schema[c].type, schema[c].name));
    names.push_back(schema[c].name);
  }
  std::vector<SortKey> order;
  for (size_t i = 0; i < query.order_by.size(); ++i) {
    const OrderItem& item = query.order_by[i];
    const ParsedExpression& parsed = *item.expression;
    SortKey key;
    key.ascending = item.ascending;
    key.nulls_first = item.nulls_first.value_or(item.ascending);
    if (IsOrdinal(parsed)) {
      int64_t position = std::stoll(parsed.text);
      if (position < 1 || position > static_cast<int64_t>(visible)) {
        return ErrorAt(parsed.location,
                       "Ordinal out of range: ORDER BY {} in a query of {} columns", position,
                       visible);
      }
      key.column = static_cast<int>(position - 1);
    } else if (i < relation.order_columns.size() && relation.order_columns[i] >= 0) {
      key.column = relation.order_columns[i];
    } else {
      ASSIGN_OR_RAISE(ExprPtr bound, BindExpression(parsed, relation.scope));
      if (bound->is_literal()) continue;  // a constant does not order anything
      if (bound->kind() == ExprKind::kInputRef) {
        key.column = bound->input_index();
      } else {
        key.column = static_cast<int>(columns.size());
        names.push_back(fmt::format("$order{}", i));
        columns.push_back(std::move(bound));
      }
    }
    order.push_back(key);
  }
  PlanNodePtr plan = relation.plan;
  if (columns.size() > schema.size()) plan = MakeProject(plan, columns, names);

  const SourceLocation& location = !query.order_by.empty()
                                       ? query.order_by[0].expression->location
                                       : (query.limit ? query.limit : query.offset)->location;
  if (batch_mode || (fetch && *fetch == 0)) {
    if (fetch && *fetch == 0) order.clear();
    plan =
        std::make_shared<SortNode>(plan, std::move(order), offset.value_or(0), fetch, batch_mode);
  } else if (!order.empty() && fetch) {
    // A changelog of the first rows as rows arrive and retract.
    int64_t first = offset.value_or(0) + 1;
    plan = std::make_shared<RankNode>(plan, std::vector<int>{}, std::move(order),
                                      RankFunction::kRowNumber, first, first + *fetch - 1,
                                      /*output_rank=*/false, /*batch_mode=*/false, std::nullopt);
  } else if (!order.empty()) {
    const PlanSchema& sorted = plan->schema();
    const SortKey& first = order[0];
    if (!first.ascending || sorted[first.column].type.time_attribute() == TimeAttribute::kNone) {
      return ErrorAt(location,
                     "Sort on a non-time-attribute field is not supported: in streaming mode "
                     "ORDER BY must start with a time attribute, ascending, or come with a "
                     "LIMIT; it is [{}]",
                     SortKeysToString(order, sorted));
    }
    if (offset) {
      return ErrorAt(query.offset->location,
                     "OFFSET without LIMIT is not supported in streaming mode");
    }
    if (!plan->changelog_mode().insert_only()) {
      return ErrorAt(location,
                     "Sorting by a time attribute needs an append-only input, but "
                     "the query's input has updates");
    }
    plan = std::make_shared<SortNode>(plan, std::move(order), 0, std::nullopt, false);
  } else {
    if (!plan->changelog_mode().insert_only()) {
      return ErrorAt(location,
                     "LIMIT without ORDER BY needs an append-only input in streaming mode, but "
                     "the query's input has updates");
    }
    plan =
        std::make_shared<SortNode>(plan, std::vector<SortKey>{}, offset.value_or(0), fetch, false);
  }
  if (plan->schema().size() > visible) {
    std::vector<ExprPtr> kept(columns.begin(),
                              columns.begin() + static_cast<std::ptrdiff_t>(visible));
    std::vector<std::string> kept_names(names.begin(),
                                        names.begin() + static_cast<std::ptrdiff_t>(visible));
    plan = MakeProject(plan, std::move(kept), std::move(kept_names));
  }
  relation.plan = plan;
  relation.order_columns.clear();
  return relation;
}

}  // namespace tiangong::sql
