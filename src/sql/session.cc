#include "sql/session.h"

#include <chrono>

#include <fmt/format.h>

#include "common/clock.h"
#include "common/strings.h"
#include "sql/binder.h"
#include "sql/optimizer.h"
#include "types/temporal.h"
#include "udf/plugin_functions.h"

namespace tiangong::sql {
namespace {

constexpr const char* kOk = "[INFO] Execute statement succeed.";

// A text table like Flink's tableau output for SHOW and DESCRIBE.
std::string TextTable(const std::vector<std::string>& headers,
                      const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) {
    widths[c] = headers[c].size();
    for (const auto& row : rows) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string border = "+";
  for (size_t width : widths) border += std::string(width + 2, '-') + "+";
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "|";
    for (size_t c = 0; c < cells.size(); ++c) {
      text += " " + cells[c] + std::string(widths[c] - cells[c].size(), ' ') + " |";
    }
    return text;
  };
  std::string out = border + "\n" + line(headers) + "\n" + border + "\n";
  for (const auto& row : rows) out += line(row) + "\n";
  out += border + "\n";
  out += fmt::format("{} row{} in set", rows.size(), rows.size() == 1 ? "" : "s");
  return out;
}

}  // namespace

std::string PlannedJob::Explain() const {
  std::string text = "== Abstract Syntax Tree ==\n";
  for (const PlanNodePtr& root : logical_roots) text += ExplainPlan(root);
  text += "\n== Optimized Physical Plan ==\n";
  for (const PlanNodePtr& root : logical_roots) {
    text += ExplainPlan(RewriteLogical(root, optimizer_options()));
  }
  text += "\n== Optimized Execution Plan ==\n";
  for (const PlanNodePtr& root : physical_roots)
    text += ExplainPlan(root, /*with_parallelism=*/true);
  return text;
}

Session::Session(const ConnectorRegistry& connectors, const FunctionRegistry& functions,
                 Configuration config)
    : connectors_(connectors),
      builtin_functions_(functions),
      functions_(functions),
      config_(std::move(config)),
      initial_config_(config_) {}

Result<StatementResult> Session::Execute(const std::shared_ptr<const Statement>& shared,
                                         std::string_view script_text) {
  const Statement& statement = *shared;
  StatementResult result;
  result.message = kOk;
  ConnectorContext connector_context;
  connector_context.job_config = config_;
  ASSIGN_OR_RAISE(connector_context.function_context.local_time_zone,
                  TimeZone::Load(config_.GetString("table.local-time-zone", "default")));
  BindContext bind_context{catalog_, functions_, connectors_, connector_context, script_text};
  Binder binder(bind_context);
  switch (statement.kind) {
    case StatementKind::kCreateTable: {
      const CreateTableStatement& create = *statement.create_table;
      CatalogTable table;
      for (const ColumnDefinition& definition : create.columns) {
        CatalogColumn column;
        column.name = definition.name;
        column.kind = definition.kind;
        column.type = definition.type;
        column.expression_text = definition.expression_text;
        column.metadata_key = definition.metadata_key;
        column.is_virtual = definition.is_virtual;
        column.comment = definition.comment;
        table.columns.push_back(std::move(column));
      }
      table.name = create.name.name();
      table.primary_key = create.primary_key;
      table.partition_keys = create.partition_keys;
      table.options = create.options;
      table.comment = create.comment;
      table.temporary = create.temporary;
      for (size_t i = 0; i < create.columns.size(); ++i) {
        if (create.columns[i].expression) {
          table.columns[i].expression =
              std::shared_ptr<const ParsedExpression>(shared, create.columns[i].expression.get());
        }
      }
      if (create.watermark) {
        table.watermark = CatalogWatermark{
            create.watermark->column,
            std::shared_ptr<const ParsedExpression>(shared, create.watermark->expression.get()),
            create.watermark->expression_text};
      }
      Status valid = binder.ValidateTable(&table);
      if (!valid.ok()) return valid;
      RETURN_NOT_OK(catalog_.CreateTable(std::move(table), create.name, create.if_not_exists));
      return result;
    }
    case StatementKind::kCreateView: {
      const CreateViewStatement& create = *statement.create_view;
      CatalogView view;
      view.name = create.name.name();
      view.column_aliases = create.column_aliases;
      view.query = std::shared_ptr<const Query>(shared, create.query.get());
      view.query_text = create.query_text;
      view.temporary = create.temporary;
      Status valid = binder.ValidateView(view);
      if (!valid.ok()) return valid.WithContext(fmt::format("Invalid view `{}`", view.name));
      RETURN_NOT_OK(catalog_.CreateView(std::move(view), create.name, create.if_not_exists));
      return result;
    }
    case StatementKind::kCreateFunction:
      RETURN_NOT_OK(CreateFunction(*statement.create_function));
      return result;
    case StatementKind::kDrop: {
      const DropStatement& drop = *statement.drop;
      if (drop.object_kind == "FUNCTION") {
        RETURN_NOT_OK(DropFunction(drop));
        return result;
      }
      RETURN_NOT_OK(catalog_.Drop(drop.object_kind, drop.name, drop.if_exists));
      return result;
    }
    case StatementKind::kSet: {
      const SetStatement& set = *statement.set;
      if (set.key.empty()) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [key, value] : config_.entries()) rows.push_back({key, value});
        result.message = TextTable({"key", "value"}, rows);
        return result;
      }
      // Check the settings Tiangong interprets, so that a typo fails here.
      if (set.key == "table.local-time-zone") RETURN_NOT_OK(TimeZone::Load(set.value).status());
      if (set.key == "parallelism.default") RETURN_NOT_OK(ParseInt(set.value).status());
      if (set.key == "tiangong.udf.plugins") RETURN_NOT_OK(plugins_.LoadList(set.value));
      if (set.key == "execution.runtime-mode") {
        std::string mode = ToLower(set.value);
        if (mode != "streaming" && mode != "batch" && mode != "automatic") {
          return Status::Invalid(
              "Could not parse value '{}' for key 'execution.runtime-mode' (use streaming or "
              "batch)",
              set.value);
        }
      }
      config_.Set(set.key, set.value);
      return result;
    }
    case StatementKind::kReset: {
      if (statement.reset->key.empty()) {
        config_ = initial_config_;
      } else if (auto initial = initial_config_.Get(statement.reset->key)) {
        config_.Set(statement.reset->key, *initial);
      } else {
        config_.Remove(statement.reset->key);
      }
      return result;
    }
    case StatementKind::kShow: {
      const ShowStatement& show = *statement.show;
      if (show.what == "CREATE TABLE" || show.what == "CREATE VIEW") {
        ASSIGN_OR_RAISE(result.message, ShowCreate(show));
        return result;
      }
      std::vector<std::vector<std::string>> rows;
      if (show.what == "TABLES") {
        for (const std::string& name : catalog_.TableNames()) rows.push_back({name});
        for (const std::string& name : catalog_.ViewNames()) rows.push_back({name});
        std::sort(rows.begin(), rows.end());
        result.message = TextTable({"table name"}, rows);
      } else if (show.what == "VIEWS") {
        for (const std::string& name : catalog_.ViewNames()) rows.push_back({name});
        result.message = TextTable({"view name"}, rows);
      } else if (show.what == "USER FUNCTIONS") {
        for (const auto& [key, function] : user_functions_) rows.push_back({function.name});
        result.message = TextTable({"function name"}, rows);
      } else {
        for (const auto& names :
             {functions_.ScalarNames(), functions_.AggregateNames(), functions_.TableNames()}) {
          for (const std::string& name : names) rows.push_back({name});
        }
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
        result.message = TextTable({"function name"}, rows);
      }
      return result;
    }
    case StatementKind::kDescribe: {
      ASSIGN_OR_RAISE(result.message, Describe(statement.describe->name));
      return result;
    }
    case StatementKind::kExplain: {
      ASSIGN_OR_RAISE(PlannedJob job, PlanJob(*statement.explain->statement, script_text));
      result.message = job.Explain();
      return result;
    }
    case StatementKind::kInsert:
    case StatementKind::kStatementSet:
    case StatementKind::kQuery: {
      ASSIGN_OR_RAISE(PlannedJob job, PlanJob(statement, script_text));
      result.message.clear();
      result.job = std::move(job);
      return result;
    }
  }
  return Status::Internal("unknown statement");
}

Result<PlannedJob> Session::PlanJob(const Statement& statement, std::string_view script_text) {
  PlannedJob job;
  job.config = config_;
  std::string mode = ToLower(config_.GetString("execution.runtime-mode", "streaming"));
  job.batch_mode = mode == "batch";
  ASSIGN_OR_RAISE(int64_t parallelism, config_.GetInt("parallelism.default", 1));
  job.parallelism = static_cast<int>(parallelism);
  ASSIGN_OR_RAISE(job.dml_sync, config_.GetBool("table.dml-sync", false));
  ASSIGN_OR_RAISE(job.filter_push_down,
                  config_.GetBool("table.optimizer.source.predicate-pushdown-enabled", true));
  std::string disabled_operators = config_.GetString("table.exec.disabled-operators", "");
  for (std::string_view disabled : Split(disabled_operators, ',')) {
    std::string_view name = TrimWhitespace(disabled);
    if (name == "HashJoin" || name == "ShuffleHashJoin") job.sort_merge_join = true;
  }
  ASSIGN_OR_RAISE(job.function_context.local_time_zone,
                  TimeZone::Load(config_.GetString("table.local-time-zone", "default")));
  // 'tiangong.exec.query-start-millis' pins the job's start instant (what
  // CURRENT_TIMESTAMP and generators' base times read) for reproducible runs.
  ASSIGN_OR_RAISE(int64_t start_millis,
                  config_.GetInt("tiangong.exec.query-start-millis", WallClockMicros() / 1000));
  job.function_context.query_start_micros = start_millis * 1000;
  job.function_context.batch_mode = job.batch_mode;

  ConnectorContext connector_context;
  connector_context.job_config = config_;
  connector_context.function_context = job.function_context;
  connector_context.batch_mode = job.batch_mode;
  BindContext bind_context{catalog_, functions_, connectors_, connector_context, script_text};
  Binder binder(bind_context);
  std::vector<std::string> sink_names;
  switch (statement.kind) {
    case StatementKind::kInsert: {
      ASSIGN_OR_RAISE(PlanNodePtr root, binder.BindInsert(*statement.insert));
      job.logical_roots.push_back(root);
      sink_names.push_back(static_cast<const SinkNode&>(*root).table_name());
      break;
    }
    case StatementKind::kStatementSet:
      for (const InsertStatement& insert : statement.statement_set->inserts) {
        ASSIGN_OR_RAISE(PlanNodePtr root, binder.BindInsert(insert));
        job.logical_roots.push_back(root);
        sink_names.push_back(static_cast<const SinkNode&>(*root).table_name());
      }
      break;
    case StatementKind::kQuery: {
      ASSIGN_OR_RAISE(PlanNodePtr root, binder.BindCollect(*statement.query->query));
      job.logical_roots.push_back(root);
      job.is_query = true;
      break;
    }
    default:
      return Status::Internal("not a job statement");
  }
  if (job.batch_mode) {
    for (const PlanNodePtr& root : job.logical_roots) {
      if (!root->bounded()) {
        return Status::Validation(
            "Querying an unbounded table in batch mode is not allowed. The table source is "
            "unbounded; set 'execution.runtime-mode' = 'streaming' or bound the source");
      }
    }
  }
  OptimizerOptions options = job.optimizer_options();
  for (const PlanNodePtr& root : job.logical_roots) {
    ASSIGN_OR_RAISE(PlanNodePtr physical, Optimize(root, options));
    job.physical_roots.push_back(std::move(physical));
  }
  if (auto name = config_.Get("pipeline.name")) {
    job.name = *name;
  } else if (job.is_query) {
    job.name = "collect";
  } else {
    job.name = "insert-into_" + Join(sink_names, ",");
  }
  return job;
}

Status Session::CreateFunction(const CreateFunctionStatement& create) {
  const std::string& name = create.name.name();
  if (create.language == "PYTHON") {
    return Status::Unsupported(
        "Function `{}`: Python user-defined functions are not supported; Tiangong runs functions "
        "from C/C++ plugins (see 'tiangong.udf.plugins')",
        name);
  }
  if (!create.language.empty() && create.language != "JAVA" && create.language != "SCALA") {
    return Status::Validation("Function `{}`: unsupported language {} (JAVA, SCALA or PYTHON)",
                              name, create.language);
  }
  if (create.temporary_system && create.name.parts.size() > 1) {
    return Status::Validation(
        "Temporary system function `{}` cannot be qualified with a catalog or database",
        create.name.ToString());
  }
  if (!create.temporary_system) RETURN_NOT_OK(catalog_.Qualify(create.name).status());
  std::string key = ToUpper(name);
  if (user_functions_.count(key) > 0) {
    if (create.if_not_exists) return Status::OK();
    return Status::Validation("Function `{}` already exists", name);
  }
  bool builtin = builtin_functions_.FindScalar(name) != nullptr ||
                 builtin_functions_.FindAggregate(name) != nullptr ||
                 builtin_functions_.FindTable(name) != nullptr;
  if (builtin && !create.temporary_system) {
    return Status::Validation(
        "Function `{}` has the name of a built-in function, which calls would find first; choose "
        "another name, or replace the built-in for this session with CREATE TEMPORARY SYSTEM "
        "FUNCTION",
        name);
  }

  // The identifier is looked up among the configured plugins and the plugins
  // named by USING JAR. Java archives cannot be loaded; a script written for
  // Flink still runs when a loaded plugin implements the same identifier.
  RETURN_NOT_OK(plugins_.LoadList(config_.GetString("tiangong.udf.plugins", "")));
  std::vector<std::string> java_archives;
  for (const std::string& jar : create.using_jars) {
    if (ToLower(jar).ends_with(".jar")) {
      java_archives.push_back(fmt::format("'{}'", jar));
    } else {
      RETURN_NOT_OK(plugins_.Load(jar));
    }
  }
  Result<udf::PluginSet::Match> implementation = plugins_.Find(create.identifier, name);
  if (!implementation.ok()) {
    if (java_archives.empty()) return implementation.status();
    return Status(implementation.status().code(),
                  fmt::format("{} (USING JAR {} is a Java archive, which Tiangong cannot load)",
                              implementation.status().message(), Join(java_archives, ", ")));
  }
  udf::RegisterPluginFunction(name, implementation->plugin, *implementation->function, &functions_);
  user_functions_.emplace(std::move(key), UserFunction{name, std::move(*implementation)});
  return Status::OK();
}

Status Session::DropFunction(const DropStatement& drop) {
  const std::string& name = drop.name.name();
  if (drop.name.parts.size() > 1) RETURN_NOT_OK(catalog_.Qualify(drop.name).status());
  auto it = user_functions_.find(ToUpper(name));
  if (it == user_functions_.end()) {
    if (drop.if_exists) return Status::OK();
    if (builtin_functions_.FindScalar(name) != nullptr ||
        builtin_functions_.FindAggregate(name) != nullptr) {
      return Status::Validation("Function `{}` is a built-in function and cannot be dropped", name);
    }
    return Status::Validation("Function `{}` does not exist", name);
  }
  user_functions_.erase(it);
  RebuildFunctions();
  return Status::OK();
}

void Session::RebuildFunctions() {
  functions_ = builtin_functions_;
  for (const auto& [key, function] : user_functions_) {
    udf::RegisterPluginFunction(function.name, function.implementation.plugin,
                                *function.implementation.function, &functions_);
  }
}

Result<std::string> Session::Describe(const ObjectName& name) {
  ASSIGN_OR_RAISE(Catalog::Entry entry, catalog_.Find(name));
  std::vector<std::vector<std::string>> rows;
  if (entry.table != nullptr) {
    const CatalogTable& table = *entry.table;
    for (const CatalogColumn& column : table.columns) {
      bool key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) !=
                 table.primary_key.end();
      std::string extras;
      if (column.kind == ColumnKind::kComputed) extras = "AS " + column.expression_text;
      if (column.kind == ColumnKind::kMetadata) extras = "METADATA";
      std::string watermark;
      if (table.watermark && table.watermark->column == column.name) {
        watermark = table.watermark->expression_text;
      }
      rows.push_back({column.name, column.type.WithNullable(true).ToString(),
                      column.type.nullable() ? "TRUE" : "FALSE",
                      key ? fmt::format("PRI({})", Join(table.primary_key, ", ")) : "", extras,
                      watermark});
    }
  } else {
    Scope scope;
    ConnectorContext connector_context;
    BindContext bind_context{catalog_, functions_, connectors_, connector_context, ""};
    Binder binder(bind_context);
    ASSIGN_OR_RAISE(PlanNodePtr plan, binder.BindQuery(*entry.view->query));
    for (size_t i = 0; i < plan->schema().size(); ++i) {
      const PlanField& field = plan->schema()[i];
      std::string column_name =
          i < entry.view->column_aliases.size() ? entry.view->column_aliases[i] : field.name;
      rows.push_back({column_name, field.type.WithNullable(true).ToString(),
                      field.type.nullable() ? "TRUE" : "FALSE", "", "", ""});
    }
  }
  return TextTable({"name", "type", "null", "key", "extras", "watermark"}, rows);
}

Result<std::string> Session::ShowCreate(const ShowStatement& show) {
  ASSIGN_OR_RAISE(Catalog::Entry entry, catalog_.Find(show.name));
  ASSIGN_OR_RAISE(std::string qualified, catalog_.Qualify(show.name));
  if (entry.view != nullptr) {
    return fmt::format("CREATE VIEW `{}` AS\n{}\n", qualified, entry.view->query_text);
  }
  const CatalogTable& table = *entry.table;
  std::vector<std::string> lines;
  for (const CatalogColumn& column : table.columns) {
    switch (column.kind) {
      case ColumnKind::kPhysical:
        lines.push_back(fmt::format("  `{}` {}", column.name, column.type.ToString()));
        break;
      case ColumnKind::kComputed:
        lines.push_back(fmt::format("  `{}` AS {}", column.name, column.expression_text));
        break;
      case ColumnKind::kMetadata:
        lines.push_back(fmt::format(
            "  `{}` {} METADATA{}{}", column.name, column.type.ToString(),
            column.metadata_key.empty() ? "" : fmt::format(" FROM '{}'", column.metadata_key),
            column.is_virtual ? " VIRTUAL" : ""));
        break;
    }
  }
  if (table.watermark) {
    lines.push_back(fmt::format("  WATERMARK FOR `{}` AS {}", table.watermark->column,
                                table.watermark->expression_text));
  }
  if (!table.primary_key.empty()) {
    lines.push_back(fmt::format("  PRIMARY KEY ({}) NOT ENFORCED", Join(table.primary_key, ", ")));
  }
  std::string text = fmt::format("CREATE TABLE `{}` (\n{}\n)", qualified, Join(lines, ",\n"));
  if (!table.partition_keys.empty()) {
    text += fmt::format(" PARTITIONED BY ({})", Join(table.partition_keys, ", "));
  }
  std::vector<std::string> options;
  for (const auto& [key, value] : table.options) {
    options.push_back(fmt::format("  '{}' = '{}'", key, value));
  }
  text += fmt::format(" WITH (\n{}\n)\n", Join(options, ",\n"));
  return text;
}

}  // namespace tiangong::sql
