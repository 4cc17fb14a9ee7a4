#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "connectors/connector.h"
#include "functions/function_registry.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/optimizer.h"
#include "sql/plan.h"
#include "udf/plugin_set.h"

namespace tiangong::sql {

/// A job the session planned: one or more sinks fed by queries. A standalone
/// SELECT is a job with a single Collect sink.
struct PlannedJob {
  std::string name;
  std::vector<PlanNodePtr> logical_roots;
  std::vector<PlanNodePtr> physical_roots;
  bool is_query = false;
  /// Settings in effect when the job was planned.
  Configuration config;
  FunctionContext function_context;
  bool batch_mode = false;
  int parallelism = 1;
  /// 'table.dml-sync': INSERT jobs run to completion before the next statement.
  bool dml_sync = false;
  /// 'table.optimizer.source.predicate-pushdown-enabled'.
  bool filter_push_down = true;
  /// 'table.exec.disabled-operators' names HashJoin or ShuffleHashJoin.
  bool sort_merge_join = false;

  /// What the optimizer needs of the settings above.
  OptimizerOptions optimizer_options() const {
    return {parallelism, function_context, filter_push_down, sort_merge_join};
  }

  /// The three sections EXPLAIN prints: the logical plan, the optimized physical
  /// plan and the runtime view (parallelism and exchanges).
  std::string Explain() const;
};

/// The result of one statement.
struct StatementResult {
  /// Text for the user: "[INFO] Execute statement succeed." or a table.
  std::string message;
  /// A job to run (INSERT, statement set, SELECT).
  std::optional<PlannedJob> job;
};

/// A SQL session as Flink's SQL client has one: a catalog, the current settings
/// (SET/RESET), and statement execution. DDL, SET, SHOW and EXPLAIN take effect
/// immediately; INSERT, statement sets and SELECT come back as planned jobs for
/// the caller to run.
///
/// User-defined functions: CREATE FUNCTION name AS 'identifier' finds the
/// identifier among the UDF plugins the session has loaded (from the setting
/// 'tiangong.udf.plugins' and USING JAR '<plugin>.so') and makes `name`
/// callable in the session's statements, next to the built-in functions.
/// Thread-safety: none.
class Session {
 public:
  /// Registries must outlive the session. `functions` are the built-ins; the
  /// session adds its user-defined functions to its own copy.
  Session(const ConnectorRegistry& connectors, const FunctionRegistry& functions,
          Configuration config);

  /// `script_text` is the text the statement was parsed from (for errors). The
  /// catalog keeps parts of the statement (view queries, computed columns), so
  /// it is shared.
  Result<StatementResult> Execute(const std::shared_ptr<const Statement>& statement,
                                  std::string_view script_text);

  const Configuration& config() const { return config_; }
  Configuration* mutable_config() { return &config_; }
  const Catalog& catalog() const { return catalog_; }

 private:
  Result<PlannedJob> PlanJob(const Statement& statement, std::string_view script_text);
  Result<std::string> Describe(const ObjectName& name);
  Result<std::string> ShowCreate(const ShowStatement& show);
  Status CreateFunction(const CreateFunctionStatement& create);
  Status DropFunction(const DropStatement& drop);
  /// The built-ins with the user functions added.
  void RebuildFunctions();

  /// A function made with CREATE FUNCTION.
  struct UserFunction {
    std::string name;  // as written
    udf::PluginSet::Match implementation;
  };

  const ConnectorRegistry& connectors_;
  const FunctionRegistry& builtin_functions_;
  /// Built-in and user functions: what statements are bound against.
  FunctionRegistry functions_;
  udf::PluginSet plugins_;
  std::map<std::string, UserFunction> user_functions_;  // by upper-case name
  Configuration config_;
  const Configuration initial_config_;
  Catalog catalog_;
};

}  // namespace tiangong::sql
