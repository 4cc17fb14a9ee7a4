#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/token.h"
#include "types/data_type.h"

namespace tiangong::sql {

/// The syntax tree of Flink SQL statements, as the parser produces it: names are
/// unresolved and expressions untyped. The binder turns it into plans.

struct ParsedExpression;
using ParsedExpressionPtr = std::unique_ptr<ParsedExpression>;
struct Query;
using QueryPtr = std::unique_ptr<Query>;

enum class ExpressionKind {
  kIdentifier,      // names: a, t.a, t.a.b (resolved by the binder)
  kLiteral,         // literal_kind + text
  kStar,            // * or t.* (names holds the qualifier)
  kUnary,           // op in {"-", "+", "NOT"}; args[0]
  kBinary,          // op: + - * / % || = <> < <= > >= AND OR; args[0], args[1]
  kCall,            // names[0] = function name; args; distinct; star_argument (COUNT(*))
  kCase,            // args: [operand] (when, then)* [else]; has_operand, has_else
  kCast,            // args[0] AS type; is_try for TRY_CAST
  kBetween,         // args[0] [NOT] BETWEEN args[1] AND args[2]; negated
  kIn,              // args[0] [NOT] IN (args[1..]) or IN (subquery); negated
  kLike,            // args[0] [NOT] LIKE args[1] [ESCAPE args[2]]; negated; op "LIKE"/"SIMILAR TO"
  kIsPredicate,     // args[0] IS [NOT] op where op in {NULL, TRUE, FALSE, UNKNOWN}; negated
  kInterval,        // INTERVAL 'text' unit [TO unit]: text, interval_from, interval_to
  kSubscript,       // args[0][args[1]]
  kFieldAccess,     // args[0].names[0], for fields of an expression that is not a name
  kRowConstructor,  // ROW(args) or (a, b)
  kArrayConstructor,  // ARRAY[args]
  kMapConstructor,    // MAP[k1, v1, ...]
  kExists,            // EXISTS (subquery)
  kScalarSubquery,    // (SELECT ...)
  kTimeUnit,          // a time unit keyword as a function argument (TIMESTAMPADD(DAY, ...))
};

enum class LiteralKind {
  kNull,
  kBoolean,
  kInteger,
  kDecimal,
  kApproximate,
  kString,
  kDate,
  kTime,
  kTimestamp,
  kTimestampLtz,
  kBinary
};

struct OrderItem {
  ParsedExpressionPtr expression;
  bool ascending = true;
  std::optional<bool> nulls_first;
};

/// OVER (PARTITION BY ... ORDER BY ... [ROWS|RANGE BETWEEN ...]).
struct WindowSpecification {
  /// OVER w: the name of a window of the query's WINDOW clause; nothing else is set.
  std::string reference;
  std::vector<ParsedExpressionPtr> partition_by;
  std::vector<OrderItem> order_by;
  bool has_frame = false;
  bool frame_is_rows = true;
  /// Frame start: nullptr with preceding_unbounded = true means UNBOUNDED PRECEDING.
  bool preceding_unbounded = true;
  ParsedExpressionPtr preceding;   // n PRECEDING (rows) or INTERVAL ... PRECEDING (range)
  bool current_row_start = false;  // BETWEEN CURRENT ROW AND CURRENT ROW
};

struct ParsedExpression {
  ExpressionKind kind;
  SourceLocation location;
  std::vector<std::string> names;
  std::string op;
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;  // literal text (unescaped), interval text
  std::vector<ParsedExpressionPtr> args;
  /// Calls with named arguments (f(a => 1, b => 2)): the name of each of args.
  std::vector<std::string> arg_names;
  bool distinct = false;
  bool star_argument = false;
  bool negated = false;
  bool is_try = false;
  bool has_operand = false;
  bool has_else = false;
  DataType cast_type;
  std::string interval_from;  // YEAR, MONTH, DAY, HOUR, MINUTE, SECOND
  std::string interval_to;
  QueryPtr subquery;
  ParsedExpressionPtr filter;  // aggregate FILTER (WHERE ...)
  std::unique_ptr<WindowSpecification> over;

  ParsedExpression(ExpressionKind kind, SourceLocation location) : kind(kind), location(location) {}
  /// SQL text reconstructed from the tree, for error messages and EXPLAIN.
  std::string ToSql() const;
};

/// A possibly qualified object name: [catalog.][database.]table.
struct ObjectName {
  std::vector<std::string> parts;
  SourceLocation location;
  std::string ToString() const;
  /// The last part.
  const std::string& name() const { return parts.back(); }
};

enum class TableReferenceKind {
  kTable,          // name [FOR SYSTEM_TIME AS OF expr]
  kSubquery,       // (query), VALUES
  kJoin,           // left join right
  kTableFunction,  // TABLE(fn(...)), LATERAL TABLE(fn(...)), UNNEST(expr)
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableReference {
  TableReferenceKind kind;
  SourceLocation location;
  ObjectName name;
  std::string alias;
  std::vector<std::string> column_aliases;
  ParsedExpressionPtr system_time;  // FOR SYSTEM_TIME AS OF
  QueryPtr subquery;
  // kJoin
  JoinType join_type = JoinType::kInner;
  std::unique_ptr<TableReference> left;
  std::unique_ptr<TableReference> right;
  ParsedExpressionPtr condition;
  std::vector<std::string> using_columns;
  bool lateral = false;
  // kTableFunction: the call; `function_arguments_tables` hold TABLE t arguments.
  ParsedExpressionPtr function_call;
  bool is_unnest = false;
  bool with_ordinality = false;
};
using TableReferencePtr = std::unique_ptr<TableReference>;

struct SelectItem {
  ParsedExpressionPtr expression;
  std::string alias;  // empty when none
};

enum class QueryKind { kSelect, kSetOperation, kValues };

struct CommonTableExpression {
  std::string name;
  std::vector<std::string> column_aliases;
  QueryPtr query;
};

struct Query {
  QueryKind kind = QueryKind::kSelect;
  SourceLocation location;
  std::vector<CommonTableExpression> with;
  // kSelect
  bool distinct = false;
  std::vector<SelectItem> select_list;
  TableReferencePtr from;
  ParsedExpressionPtr where;
  std::vector<ParsedExpressionPtr> group_by;
  ParsedExpressionPtr having;
  /// WINDOW w AS (...), ...
  std::vector<std::pair<std::string, std::unique_ptr<WindowSpecification>>> windows;
  // kSetOperation: UNION, INTERSECT, EXCEPT; all = ALL
  std::string set_operator;
  bool all = false;
  QueryPtr left;
  QueryPtr right;
  // kValues
  std::vector<std::vector<ParsedExpressionPtr>> rows;
  // any kind
  std::vector<OrderItem> order_by;
  ParsedExpressionPtr limit;
  ParsedExpressionPtr offset;
};

enum class ColumnKind { kPhysical, kComputed, kMetadata };

struct ColumnDefinition {
  std::string name;
  SourceLocation location;
  ColumnKind kind = ColumnKind::kPhysical;
  DataType type;                   // physical and metadata columns
  ParsedExpressionPtr expression;  // computed columns
  std::string expression_text;     // the computed column's SQL text
  std::string metadata_key;        // METADATA FROM 'key'; empty means the column name
  bool is_virtual = false;         // METADATA ... VIRTUAL
  std::string comment;
};

struct WatermarkDefinition {
  std::string column;
  SourceLocation location;
  ParsedExpressionPtr expression;
  std::string expression_text;
};

using Options = std::vector<std::pair<std::string, std::string>>;

struct CreateTableStatement {
  bool temporary = false;
  bool if_not_exists = false;
  ObjectName name;
  std::vector<ColumnDefinition> columns;
  std::optional<WatermarkDefinition> watermark;
  std::vector<std::string> primary_key;
  std::vector<std::string> partition_keys;
  Options options;
  std::string comment;
};

struct CreateViewStatement {
  bool temporary = false;
  bool if_not_exists = false;
  ObjectName name;
  std::vector<std::string> column_aliases;
  QueryPtr query;
  std::string query_text;
};

struct CreateFunctionStatement {
  bool temporary = false;
  bool temporary_system = false;
  bool if_not_exists = false;
  ObjectName name;
  std::string identifier;  // AS 'identifier'
  std::string language;    // JAVA, SCALA, PYTHON, or empty
  std::vector<std::string> using_jars;
};

struct DropStatement {
  std::string object_kind;  // TABLE, VIEW, FUNCTION
  bool temporary = false;
  bool if_exists = false;
  ObjectName name;
};

struct SetStatement {
  std::string key;  // empty for a bare SET (list settings)
  std::string value;
};

struct ResetStatement {
  std::string key;  // empty for RESET (all)
};

struct InsertStatement {
  ObjectName table;
  bool overwrite = false;
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, ParsedExpressionPtr>> static_partition;
  QueryPtr query;
};

struct StatementSetStatement {
  std::vector<InsertStatement> inserts;
};

struct Statement;
struct ExplainStatement {
  std::unique_ptr<Statement> statement;
};

struct QueryStatement {
  QueryPtr query;
};

struct ShowStatement {
  std::string what;  // TABLES, VIEWS, FUNCTIONS, CREATE TABLE
  ObjectName name;
};

struct DescribeStatement {
  ObjectName name;
};

enum class StatementKind {
  kCreateTable,
  kCreateView,
  kCreateFunction,
  kDrop,
  kSet,
  kReset,
  kInsert,
  kStatementSet,
  kQuery,
  kExplain,
  kShow,
  kDescribe,
};

/// One statement of a script, with the text it was parsed from.
struct Statement {
  StatementKind kind;
  SourceLocation location;
  std::string text;
  std::unique_ptr<CreateTableStatement> create_table;
  std::unique_ptr<CreateViewStatement> create_view;
  std::unique_ptr<CreateFunctionStatement> create_function;
  std::unique_ptr<DropStatement> drop;
  std::unique_ptr<SetStatement> set;
  std::unique_ptr<ResetStatement> reset;
  std::unique_ptr<InsertStatement> insert;
  std::unique_ptr<StatementSetStatement> statement_set;
  std::unique_ptr<QueryStatement> query;
  std::unique_ptr<ExplainStatement> explain;
  std::unique_ptr<ShowStatement> show;
  std::unique_ptr<DescribeStatement> describe;
};

}  // namespace tiangong::sql
