#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "functions/function_registry.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/plan.h"

namespace tiangong::sql {

/// Output names for select items, renaming duplicates as Calcite does: a, a0, a1.
std::vector<std::string> UniqueNames(const std::vector<std::string>& names);

/// The name a select item gets without an alias: the last part of an
/// identifier or field access, EXPR$<position> otherwise.
std::string DerivedName(const ParsedExpression& expression, size_t position);

PlanNodePtr MakeProject(PlanNodePtr input, std::vector<ExprPtr> expressions,
                        std::vector<std::string> names);

/// A field visible to expressions: `qualifier` is the table name or alias it
/// belongs to (empty for unaliased sub-queries).
struct ScopeField {
  std::string qualifier;
  std::string name;
  DataType type;
};

/// The fields of the relation an expression is evaluated against, in the order
/// of the plan's columns.
struct Scope {
  std::vector<ScopeField> fields;
};

/// What binding needs from the session. References must outlive the binder.
struct BindContext {
  const Catalog& catalog;
  const FunctionRegistry& functions;
  const ConnectorRegistry& connectors;
  const ConnectorContext& connector_context;
  /// The script all AST locations point into, for error messages.
  std::string_view script_text;
};

/// Resolves names and types of parsed statements against the catalog and the
/// function registry, and produces logical plans. Errors are Validation
/// statuses that point at the offending text.
/// Thread-safety: none; one per statement.
class Binder {
 public:
  explicit Binder(const BindContext& context) : context_(context) {}

  /// A query as a plan whose schema is the query's result.
  Result<PlanNodePtr> BindQuery(const Query& query);
  /// INSERT INTO: Sink(Project(casts to the sink's columns)(query)).
  Result<PlanNodePtr> BindInsert(const InsertStatement& insert);
  /// A query whose result goes back to the client (standalone SELECT).
  Result<PlanNodePtr> BindCollect(const Query& query);

  /// Checks a CREATE TABLE: fills in the types of computed columns, validates the
  /// watermark, primary key and partition keys.
  Status ValidateTable(CatalogTable* table);
  /// Checks a CREATE VIEW by binding its query.
  Status ValidateView(const CatalogView& view);

  Result<ExprPtr> BindExpression(const ParsedExpression& expression, const Scope& scope);

 private:
  struct Relation {
    PlanNodePtr plan;
    Scope scope;
    /// ORDER BY items over columns the SELECT list drops: the plan has them as
    /// extra columns after the scope's. By item; -1 for items bound later.
    std::vector<int> order_columns;
  };

  Result<Relation> BindQueryRelation(const Query& query);
  Result<Relation> BindSelect(const Query& query);
  /// ORDER BY / LIMIT / OFFSET of a query over its `relation` (bind_order.cc).
  Result<Relation> BindOrderLimit(const Query& query, Relation relation);
  /// Binds the ORDER BY items of `query` that name none of the SELECT list's
  /// `output` fields against the SELECT's `input`, adding them to
  /// `expressions` as hidden columns; returns Relation::order_columns.
  std::vector<int> BindHiddenOrderColumns(const Query& query, const Scope& input,
                                          const Scope& output, std::vector<ExprPtr>* expressions,
                                          std::vector<std::string>* names);
  /// SELECT with GROUP BY, aggregate functions or HAVING over `input`
  /// (bind_aggregate.cc).
  Result<Relation> BindAggregateSelect(const Query& query, Relation input);
  /// SELECT with OVER windows in its list (bind_over.cc).
  Result<Relation> BindOverSelect(const Query& query, Relation input);
  bool ContainsOver(const ParsedExpression& expression) const;
  /// SELECT DISTINCT: an aggregate that groups by every column.
  Relation Distinct(Relation relation);
  Result<Relation> BindSetOperation(const Query& query);
  Result<Relation> BindValues(const Query& query);
  Result<Relation> BindTableReference(const TableReference& table);
  Result<Relation> BindNamedTable(const TableReference& reference, bool allow_system_time = false);
  /// a JOIN b ON ... / USING (...), a CROSS JOIN b, FROM a, b (bind_join.cc).
  Result<Relation> BindJoin(const TableReference& join);
  /// a JOIN LATERAL TABLE(f(a.x)), a CROSS JOIN UNNEST(a.array) (bind_join.cc).
  Result<Relation> BindLateral(const TableReference& join, Relation left);
  /// The right side of `a JOIN b FOR SYSTEM_TIME AS OF a.time`: binds it into
  /// `right` and says which temporal join it is.
  Result<TemporalJoin> BindTemporalJoin(const TableReference& join, const Relation& left,
                                        Relation* right, std::optional<VersionTimes>* times,
                                        std::vector<int>* primary_key);
  Result<Relation> BindCatalogTable(const CatalogTable& table, const std::string& qualified_name,
                                    const std::string& qualifier);
  Result<Relation> BindView(const CatalogView& view, const std::string& qualifier);
  /// TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(time), ...)) (bind_window.cc).
  Result<Relation> BindWindowTableFunction(const TableReference& reference);
  /// A window table function's arguments in positional order (named ones placed).
  Result<std::vector<const ParsedExpression*>> WindowArguments(const ParsedExpression& call,
                                                               WindowKind kind) const;
  /// The interval argument of a window function, in microseconds.
  Result<int64_t> BindWindowDuration(const ParsedExpression& expression, std::string_view what);
  /// The time attribute column a window is over.
  Result<int> BindTimeAttribute(const ParsedExpression& expression, const Scope& scope);
  Relation Rename(Relation relation, const std::string& qualifier,
                  const std::vector<std::string>& column_aliases);

  // Expressions (bind_expression.cc).
  Result<ExprPtr> BindIdentifier(const ParsedExpression& expression, const Scope& scope);
  Result<ExprPtr> BindLiteral(const ParsedExpression& expression);
  Result<ExprPtr> BindInterval(const ParsedExpression& expression);
  Result<ExprPtr> BindCall(const ParsedExpression& expression, const Scope& scope);
  Result<ExprPtr> BindCase(const ParsedExpression& expression, const Scope& scope);
  Result<ExprPtr> BindIn(const ParsedExpression& expression, const Scope& scope);
  Result<ExprPtr> BindBoolean(const ParsedExpression& expression, const Scope& scope,
                              std::string_view clause);
  Result<std::vector<ExprPtr>> BindArguments(const ParsedExpression& expression,
                                             const Scope& scope);

 public:
  /// Calls function `name` (from the registry) on bound arguments: checks types,
  /// inserts implicit casts and folds constants. `location` is for errors.
  Result<ExprPtr> MakeCall(std::string_view name, std::vector<ExprPtr> args,
                           const SourceLocation& location);
  /// Casts to `type` (folding literals); errors point at `location`.
  Result<ExprPtr> MakeCastAt(const ExprPtr& argument, const DataType& type, bool try_cast,
                             const SourceLocation& location);

 private:
  Status ErrorAt(const SourceLocation& location, const Status& status) const;
  template <typename... Args>
  Status ErrorAt(const SourceLocation& location, fmt::format_string<Args...> format,
                 Args&&... args) const {
    return ErrorAt(location, Status::Validation(format, std::forward<Args>(args)...));
  }
  Result<const ConnectorFactory*> FindConnector(const CatalogTable& table,
                                                const std::string& qualified_name) const;

  /// While binding the SELECT list and HAVING of an aggregate query: how its
  /// expressions map onto the Aggregate node's output (bind_aggregate.cc).
  struct AggregateBinding {
    const Scope* input_scope;
    /// ToString() of each bound GROUP BY expression; column i of the output.
    std::vector<std::string> group_keys;
    /// Output column of each aggregate call in the query text.
    std::map<const ParsedExpression*, int> calls;
    /// Legacy group windows: output column of TUMBLE_START, HOP_END, ...
    std::map<std::string, int> window_properties;
  };
  /// Returns the Aggregate output column `expression` stands for, or nullopt to
  /// bind it normally; fails for a column that is not grouped.
  Result<std::optional<ExprPtr>> BindAgainstAggregate(const ParsedExpression& expression,
                                                      const Scope& scope);
  bool IsAggregateCall(const ParsedExpression& expression) const;
  bool ContainsAggregate(const ParsedExpression& expression) const;

  const AggregateBinding* aggregate_binding_ = nullptr;  // not owned
  /// While binding the SELECT list over OverAggregate nodes: each OVER call's
  /// output column.
  const std::map<const ParsedExpression*, int>* over_binding_ = nullptr;  // not owned

  const BindContext& context_;
  /// WITH queries visible while binding, innermost last.
  std::vector<std::map<std::string, const CommonTableExpression*>> with_scopes_;
  /// Views being expanded, to report recursion.
  std::vector<std::string> expanding_views_;
};

/// Folds `expression` into a literal when it is deterministic and all its
/// arguments are literals; returns it unchanged otherwise (including when
/// evaluation fails, so that the error surfaces at run time with row context).
ExprPtr FoldConstant(const ExprPtr& expression, const FunctionContext& context);

}  // namespace tiangong::sql
