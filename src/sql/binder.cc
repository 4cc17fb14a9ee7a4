#include "sql/binder.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/strings.h"
#include "functions/cast.h"
#include "functions/evaluator.h"
#include "functions/type_coercion.h"
#include "sql/lexer.h"

namespace tiangong::sql {

std::vector<std::string> UniqueNames(const std::vector<std::string>& names) {
  std::vector<std::string> result;
  std::set<std::string> used;
  for (const std::string& name : names) {
    std::string unique = name;
    for (int suffix = 0; used.count(unique) > 0; ++suffix) unique = name + std::to_string(suffix);
    used.insert(unique);
    result.push_back(unique);
  }
  return result;
}

std::string DerivedName(const ParsedExpression& expression, size_t position) {
  if (expression.kind == ExpressionKind::kIdentifier) return expression.names.back();
  if (expression.kind == ExpressionKind::kFieldAccess) return expression.names[0];
  return fmt::format("EXPR${}", position);
}

namespace {

// The key a metadata column reads or writes: FROM 'key', else its name.
std::string MetadataKey(const CatalogColumn& column) {
  return column.metadata_key.empty() ? column.name : column.metadata_key;
}

// The distinct keys of `table`'s metadata columns (when writing, of those not
// VIRTUAL), in declaration order, with the connector's types; an error names
// the column and lists the keys the connector offers.
Result<std::vector<MetadataColumn>> ResolveMetadata(const CatalogTable& table,
                                                    const std::string& qualified,
                                                    std::string_view connector,
                                                    const std::vector<MetadataColumn>& available,
                                                    bool writing) {
  std::vector<MetadataColumn> used;
  for (const CatalogColumn& column : table.columns) {
    if (column.kind != ColumnKind::kMetadata || (writing && column.is_virtual)) continue;
    std::string key = MetadataKey(column);
    auto offered = std::find_if(available.begin(), available.end(),
                                [&](const MetadataColumn& m) { return m.key == key; });
    if (offered == available.end()) {
      std::vector<std::string> keys;
      for (const MetadataColumn& m : available) {
        keys.push_back(fmt::format("'{}' {}", m.key, m.type.ToString()));
      }
      return Status::Validation(
          "Invalid metadata key '{}' in column `{}` of table {}. The connector '{}' supports the "
          "following metadata keys for {}: {}{}",
          key, column.name, qualified, connector, writing ? "writing" : "reading",
          keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", ")),
          writing && !column.is_virtual ? " (declare a read-only column VIRTUAL)" : "");
    }
    if (!CanCast(offered->type, column.type) || (writing && !CanCast(column.type, offered->type))) {
      return Status::Validation(
          "Metadata column `{}` of table {} is declared {}, which does not convert {} metadata "
          "'{}' of type {}",
          column.name, qualified, column.type.ToString(), writing ? "to" : "from", key,
          offered->type.ToString());
    }
    bool seen = std::any_of(used.begin(), used.end(),
                            [&](const MetadataColumn& m) { return m.key == key; });
    if (!seen) used.push_back(*offered);
  }
  return used;
}

size_t MetadataIndex(const std::vector<MetadataColumn>& metadata, const CatalogColumn& column) {
  std::string key = MetadataKey(column);
  return static_cast<size_t>(std::find_if(metadata.begin(), metadata.end(),
                                          [&](const MetadataColumn& m) { return m.key == key; }) -
                             metadata.begin());
}

// Flink's checks of the changelog a scan of `table` reads from `source`, and
// whether it must be normalized by the table's primary key (see
// ChangelogNormalizeNode): an upsert changelog (+U without -U) always, another
// changelog when 'table.exec.source.cdc-events-duplicate' says its changes may
// come more than once.
Result<bool> NeedsChangelogNormalize(const CatalogTable& table, const std::string& qualified,
                                     const TableSource& source, const ConnectorContext& context) {
  ChangelogMode mode = source.changelog_mode();
  if (mode.insert_only()) return false;
  if (context.batch_mode) {
    // An unbounded source is refused for that, after binding.
    if (!source.bounded()) return false;
    return Status::Validation(
        "Querying a table in batch mode is currently only possible for INSERT-only table "
        "sources. But the source for table '{}' produces other changelog messages than just "
        "INSERT.",
        qualified);
  }
  bool update_before = mode.Contains(RowKind::kUpdateBefore);
  bool update_after = mode.Contains(RowKind::kUpdateAfter);
  if (update_before && !update_after) {
    return Status::Validation(
        "Invalid source for table '{}': its changelog contains UPDATE_BEFORE but no "
        "UPDATE_AFTER",
        qualified);
  }
  if (update_after && !update_before) {
    if (table.primary_key.empty()) {
      return Status::Validation(
          "Table '{}' produces a changelog stream contains UPDATE_AFTER, no UPDATE_BEFORE. This "
          "requires to define primary key constraint on the table.",
          qualified);
    }
    return true;
  }
  ASSIGN_OR_RAISE(bool duplicates,
                  context.job_config.GetBool("table.exec.source.cdc-events-duplicate", false));
  if (!duplicates) return false;
  if (table.primary_key.empty()) {
    return Status::Validation(
        "Configuration 'table.exec.source.cdc-events-duplicate' is enabled which requires the "
        "changelog sources to define a PRIMARY KEY. However, table '{}' doesn't have a primary "
        "key.",
        qualified);
  }
  return true;
}

}  // namespace

PlanNodePtr MakeProject(PlanNodePtr input, std::vector<ExprPtr> expressions,
                        std::vector<std::string> names) {
  return std::make_shared<ProjectNode>(std::move(input), std::move(expressions), std::move(names));
}

Status Binder::ErrorAt(const SourceLocation& location, const Status& status) const {
  if (status.ok()) return status;
  // Messages that already point at the text are kept as they are.
  if (status.message().find("\n  ^") != std::string::npos ||
      status.message().find(" at line ") != std::string::npos) {
    return status;
  }
  return Status(
      status.code() == StatusCode::kDataError ? StatusCode::kValidation : status.code(),
      fmt::format("{} at {}", status.message(), DescribeLocation(context_.script_text, location)));
}

ExprPtr FoldConstant(const ExprPtr& expression, const FunctionContext& context) {
  if (expression->kind() == ExprKind::kLiteral || expression->kind() == ExprKind::kInputRef) {
    return expression;
  }
  for (const ExprPtr& arg : expression->args()) {
    if (!arg->is_literal()) return expression;
  }
  if (!expression->IsDeterministic()) return expression;
  Result<Value> value = EvaluateConstant(expression, context);
  if (!value.ok()) return expression;
  return Expr::Literal(value.MoveValue(), expression->type());
}

// Queries ---------------------------------------------------------------------------

Result<PlanNodePtr> Binder::BindQuery(const Query& query) {
  ASSIGN_OR_RAISE(Relation relation, BindQueryRelation(query));
  return relation.plan;
}

Result<PlanNodePtr> Binder::BindCollect(const Query& query) {
  ASSIGN_OR_RAISE(PlanNodePtr plan, BindQuery(query));
  return PlanNodePtr(std::make_shared<SinkNode>(plan, "collect", nullptr));
}

Result<Binder::Relation> Binder::BindQueryRelation(const Query& query) {
  std::map<std::string, const CommonTableExpression*> with_scope;
  for (const CommonTableExpression& cte : query.with) with_scope[cte.name] = &cte;
  with_scopes_.push_back(std::move(with_scope));
  Result<Relation> result = [&]() -> Result<Relation> {
    switch (query.kind) {
      case QueryKind::kSelect:
        return BindSelect(query);
      case QueryKind::kSetOperation:
        return BindSetOperation(query);
      case QueryKind::kValues:
        return BindValues(query);
    }
    return Status::Internal("unknown query kind");
  }();
  with_scopes_.pop_back();
  if (!result.ok()) return result;
  if (query.order_by.empty() && !query.limit && !query.offset) return result;
  return BindOrderLimit(query, result.MoveValue());
}

Result<Binder::Relation> Binder::BindSelect(const Query& query) {
  Relation input;
  if (query.from) {
    ASSIGN_OR_RAISE(input, BindTableReference(*query.from));
  } else {
    // SELECT without FROM reads one empty row.
    input.plan = std::make_shared<ValuesNode>(PlanSchema{}, std::vector<std::vector<Value>>{{}});
  }
  if (query.where) {
    ASSIGN_OR_RAISE(ExprPtr condition, BindBoolean(*query.where, input.scope, "WHERE"));
    input.plan = std::make_shared<FilterNode>(input.plan, condition);
  }
  bool aggregates = !query.group_by.empty() || query.having;
  bool over = false;
  for (const SelectItem& item : query.select_list) {
    aggregates |= ContainsAggregate(*item.expression);
    over |= ContainsOver(*item.expression);
  }
  if (over) {
    if (aggregates) {
      return ErrorAt(query.location,
                     "OVER windows in a query with GROUP BY or aggregates are not supported; "
                     "aggregate in a sub-query first");
    }
    return BindOverSelect(query, std::move(input));
  }
  if (aggregates) return BindAggregateSelect(query, std::move(input));
  std::vector<ExprPtr> expressions;
  std::vector<std::string> names;
  for (size_t i = 0; i < query.select_list.size(); ++i) {
    const SelectItem& item = query.select_list[i];
    const ParsedExpression& parsed = *item.expression;
    if (parsed.kind == ExpressionKind::kStar) {
      std::string qualifier = parsed.names.empty() ? "" : parsed.names.back();
      bool matched = false;
      for (size_t f = 0; f < input.scope.fields.size(); ++f) {
        const ScopeField& field = input.scope.fields[f];
        if (!qualifier.empty() && field.qualifier != qualifier) continue;
        matched = true;
        expressions.push_back(Expr::InputRef(static_cast<int>(f), field.type, field.name));
        names.push_back(field.name);
      }
      if (!matched && !qualifier.empty()) {
        return ErrorAt(parsed.location, "Table '{}' not found", qualifier);
      }
      continue;
    }
    ASSIGN_OR_RAISE(ExprPtr expression, BindExpression(parsed, input.scope));
    expressions.push_back(std::move(expression));
    names.push_back(item.alias.empty() ? DerivedName(parsed, i) : item.alias);
  }
  names = UniqueNames(names);
  Relation output;
  for (size_t i = 0; i < expressions.size(); ++i) {
    output.scope.fields.push_back({"", names[i], expressions[i]->type()});
  }
  if (!query.distinct && !query.order_by.empty()) {
    output.order_columns =
        BindHiddenOrderColumns(query, input.scope, output.scope, &expressions, &names);
  }
  output.plan = MakeProject(input.plan, std::move(expressions), std::move(names));
  if (query.distinct) return Distinct(std::move(output));
  return output;
}

Result<Binder::Relation> Binder::BindSetOperation(const Query& query) {
  if (query.set_operator != "UNION") {
    return ErrorAt(query.location, "{}{} is not supported yet; use UNION [ALL] or a join",
                   query.set_operator, query.all ? " ALL" : "");
  }
  // Flatten a chain of UNION ALL into one node; UNION (without ALL) is that
  // chain made DISTINCT. The query's own ORDER BY and LIMIT apply to the whole.
  std::vector<const Query*> branches;
  std::vector<const Query*> pending = {&query};
  while (!pending.empty()) {
    const Query* current = pending.back();
    pending.pop_back();
    if (current == &query ||
        (current->kind == QueryKind::kSetOperation && current->set_operator == "UNION" &&
         current->all && current->order_by.empty() && !current->limit && !current->offset)) {
      pending.push_back(current->right.get());
      pending.push_back(current->left.get());
    } else {
      branches.push_back(current);
    }
  }
  std::vector<Relation> inputs;
  for (const Query* branch : branches) {
    ASSIGN_OR_RAISE(Relation relation, BindQueryRelation(*branch));
    inputs.push_back(std::move(relation));
  }
  size_t width = inputs[0].plan->schema().size();
  for (size_t i = 1; i < inputs.size(); ++i) {
    if (inputs[i].plan->schema().size() != width) {
      return ErrorAt(branches[i]->location,
                     "Column count mismatch in UNION ALL: the first input has {} columns, input "
                     "{} has {}",
                     width, i + 1, inputs[i].plan->schema().size());
    }
  }
  // Each column takes the common type of its inputs.
  PlanSchema schema;
  for (size_t c = 0; c < width; ++c) {
    std::vector<DataType> types;
    for (const Relation& input : inputs) types.push_back(input.plan->schema()[c].type);
    std::optional<DataType> common = CommonType(types);
    if (!common) {
      return ErrorAt(query.location,
                     "Type mismatch in column {} of UNION ALL: {} and {} have no common type",
                     c + 1, types[0].ToString(), types[1].ToString());
    }
    schema.push_back({inputs[0].plan->schema()[c].name, *common});
  }
  std::vector<PlanNodePtr> plans;
  for (Relation& input : inputs) {
    bool needs_cast = false;
    std::vector<ExprPtr> casts;
    std::vector<std::string> names;
    for (size_t c = 0; c < width; ++c) {
      const PlanField& field = input.plan->schema()[c];
      ExprPtr ref = Expr::InputRef(static_cast<int>(c), field.type, field.name);
      if (field.type != schema[c].type) {
        needs_cast = true;
        ASSIGN_OR_RAISE(ref, MakeCastAt(ref, schema[c].type, false, query.location));
      }
      casts.push_back(ref);
      names.push_back(schema[c].name);
    }
    plans.push_back(needs_cast ? MakeProject(input.plan, casts, names) : input.plan);
  }
  Relation output;
  for (const PlanField& field : schema) output.scope.fields.push_back({"", field.name, field.type});
  output.plan = std::make_shared<UnionNode>(std::move(plans), std::move(schema));
  if (!query.all) return Distinct(std::move(output));
  return output;
}

Result<Binder::Relation> Binder::BindValues(const Query& query) {
  Scope empty;
  size_t width = query.rows[0].size();
  std::vector<std::vector<ExprPtr>> rows;
  for (const auto& parsed_row : query.rows) {
    std::vector<ExprPtr> row;
    for (const ParsedExpressionPtr& parsed : parsed_row) {
      ASSIGN_OR_RAISE(ExprPtr value, BindExpression(*parsed, empty));
      if (!value->is_literal()) {
        return ErrorAt(parsed->location, "VALUES supports constant expressions only");
      }
      row.push_back(std::move(value));
    }
    rows.push_back(std::move(row));
  }
  PlanSchema schema;
  for (size_t c = 0; c < width; ++c) {
    std::vector<DataType> types;
    for (const auto& row : rows) types.push_back(row[c]->type());
    std::optional<DataType> common = CommonType(types);
    if (!common) {
      return ErrorAt(query.rows[0][c]->location,
                     "Column {} of VALUES has values of types without a common type", c + 1);
    }
    if (common->id() == TypeId::kNull) {
      return ErrorAt(query.rows[0][c]->location,
                     "Cannot derive the type of column {} of VALUES from NULL alone; use "
                     "CAST(NULL AS <type>)",
                     c + 1);
    }
    schema.push_back({fmt::format("EXPR${}", c), *common});
  }
  std::vector<std::vector<Value>> values;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<Value> row;
    for (size_t c = 0; c < width; ++c) {
      ASSIGN_OR_RAISE(ExprPtr cast,
                      MakeCastAt(rows[r][c], schema[c].type, false, query.rows[r][c]->location));
      if (!cast->is_literal()) {
        return ErrorAt(query.rows[r][c]->location, "Cannot convert {} to {}",
                       rows[r][c]->ToString(), schema[c].type.ToString());
      }
      row.push_back(cast->value());
    }
    values.push_back(std::move(row));
  }
  Relation output;
  for (const PlanField& field : schema) output.scope.fields.push_back({"", field.name, field.type});
  output.plan = std::make_shared<ValuesNode>(std::move(schema), std::move(values));
  return output;
}

Binder::Relation Binder::Rename(Relation relation, const std::string& qualifier,
                                const std::vector<std::string>& column_aliases) {
  for (size_t i = 0; i < relation.scope.fields.size(); ++i) {
    relation.scope.fields[i].qualifier = qualifier;
    if (i < column_aliases.size()) relation.scope.fields[i].name = column_aliases[i];
  }
  if (!column_aliases.empty()) {
    // Give the plan the new names too, so that EXPLAIN and sinks see them.
    std::vector<ExprPtr> refs;
    std::vector<std::string> names;
    for (size_t i = 0; i < relation.scope.fields.size(); ++i) {
      const ScopeField& field = relation.scope.fields[i];
      refs.push_back(
          Expr::InputRef(static_cast<int>(i), field.type, relation.plan->schema()[i].name));
      names.push_back(field.name);
    }
    relation.plan = MakeProject(relation.plan, std::move(refs), std::move(names));
  }
  return relation;
}

Result<Binder::Relation> Binder::BindTableReference(const TableReference& table) {
  switch (table.kind) {
    case TableReferenceKind::kTable:
      return BindNamedTable(table);
    case TableReferenceKind::kSubquery: {
      ASSIGN_OR_RAISE(Relation relation, BindQueryRelation(*table.subquery));
      if (!table.column_aliases.empty() &&
          table.column_aliases.size() != relation.scope.fields.size()) {
        return ErrorAt(table.location,
                       "List of column aliases must have same degree as table; "
                       "table has {} columns, the alias list has {}",
                       relation.scope.fields.size(), table.column_aliases.size());
      }
      return Rename(std::move(relation), table.alias, table.column_aliases);
    }
    case TableReferenceKind::kJoin:
      return BindJoin(table);
    case TableReferenceKind::kTableFunction:
      if (!table.is_unnest && !table.lateral && table.function_call) {
        return BindWindowTableFunction(table);
      }
      return ErrorAt(table.location,
                     "UNNEST and LATERAL TABLE need a table to join with: FROM t CROSS JOIN "
                     "UNNEST(t.array) or FROM t, LATERAL TABLE(f(t.x))");
  }
  return Status::Internal("unknown table reference");
}

Result<Binder::Relation> Binder::BindNamedTable(const TableReference& reference,
                                                bool allow_system_time) {
  if (reference.system_time && !allow_system_time) {
    return ErrorAt(reference.system_time->location,
                   "FOR SYSTEM_TIME AS OF is only allowed on the right side of a JOIN");
  }
  // WITH queries shadow catalog objects.
  if (reference.name.parts.size() == 1) {
    for (size_t depth = with_scopes_.size(); depth-- > 0;) {
      auto found = with_scopes_[depth].find(reference.name.name());
      if (found == with_scopes_[depth].end()) continue;
      const CommonTableExpression* cte = found->second;
      // Inside its own query a WITH item sees the scopes around it, but not itself.
      auto saved = with_scopes_;
      with_scopes_.resize(depth + 1);
      with_scopes_[depth].erase(cte->name);
      Result<Relation> relation = BindQueryRelation(*cte->query);
      with_scopes_ = std::move(saved);
      if (!relation.ok()) return relation.status();
      std::string qualifier = reference.alias.empty() ? cte->name : reference.alias;
      std::vector<std::string> aliases =
          reference.column_aliases.empty() ? cte->column_aliases : reference.column_aliases;
      return Rename(relation.MoveValue(), qualifier, aliases);
    }
  }
  Result<Catalog::Entry> entry = context_.catalog.Find(reference.name);
  if (!entry.ok()) return ErrorAt(reference.name.location, entry.status());
  std::string qualifier = reference.alias.empty() ? reference.name.name() : reference.alias;
  Relation relation;
  if (entry->view != nullptr) {
    ASSIGN_OR_RAISE(relation, BindView(*entry->view, qualifier));
  } else {
    ASSIGN_OR_RAISE(std::string qualified, context_.catalog.Qualify(reference.name));
    Result<Relation> bound = BindCatalogTable(*entry->table, qualified, qualifier);
    if (!bound.ok()) return ErrorAt(reference.name.location, bound.status());
    relation = bound.MoveValue();
  }
  if (!reference.column_aliases.empty()) {
    return Rename(std::move(relation), qualifier, reference.column_aliases);
  }
  return relation;
}

Result<Binder::Relation> Binder::BindView(const CatalogView& view, const std::string& qualifier) {
  if (std::find(expanding_views_.begin(), expanding_views_.end(), view.name) !=
      expanding_views_.end()) {
    return Status::Validation("View `{}` refers to itself", view.name);
  }
  expanding_views_.push_back(view.name);
  auto saved_with = std::move(with_scopes_);
  with_scopes_.clear();
  Result<Relation> relation = BindQueryRelation(*view.query);
  with_scopes_ = std::move(saved_with);
  expanding_views_.pop_back();
  if (!relation.ok()) {
    return relation.status().WithContext(fmt::format("In view `{}`", view.name));
  }
  return Rename(relation.MoveValue(), qualifier, view.column_aliases);
}

Result<const ConnectorFactory*> Binder::FindConnector(const CatalogTable& table,
                                                      const std::string& qualified_name) const {
  Configuration options = table.OptionsAsConfiguration();
  std::optional<std::string> identifier = options.Get("connector");
  if (!identifier) {
    return Status::Validation(
        "Table options of {} do not contain an option key 'connector' for discovering a "
        "connector. Available connectors: {}",
        qualified_name, fmt::join(context_.connectors.Identifiers(), ", "));
  }
  const ConnectorFactory* factory = context_.connectors.Find(*identifier);
  if (factory == nullptr) {
    return Status::Validation(
        "Could not find any factory for identifier '{}' (table {}). Available connectors: {}",
        *identifier, qualified_name, fmt::join(context_.connectors.Identifiers(), ", "));
  }
  return factory;
}

Result<Binder::Relation> Binder::BindCatalogTable(const CatalogTable& table,
                                                  const std::string& qualified_name,
                                                  const std::string& qualifier) {
  ASSIGN_OR_RAISE(const ConnectorFactory* factory, FindConnector(table, qualified_name));
  TableDescriptor descriptor{qualified_name, table.PhysicalType(), table.primary_key,
                             table.partition_keys, table.OptionsAsConfiguration()};
  ASSIGN_OR_RAISE(std::unique_ptr<TableSource> source,
                  factory->CreateSource(descriptor, context_.connector_context));
  // Metadata columns: the source appends them after the physical columns.
  ASSIGN_OR_RAISE(std::vector<MetadataColumn> metadata,
                  ResolveMetadata(table, qualified_name, factory->identifier(),
                                  source->ReadableMetadata(), false));
  if (!metadata.empty()) {
    std::vector<std::string> keys;
    for (const MetadataColumn& column : metadata) keys.push_back(column.key);
    ASSIGN_OR_RAISE(source, source->ApplyReadableMetadata(keys));
  }
  ASSIGN_OR_RAISE(bool normalize, NeedsChangelogNormalize(table, qualified_name, *source,
                                                          context_.connector_context));
  std::string rowtime = table.watermark ? table.watermark->column : "";
  PlanSchema physical;
  Scope physical_scope;
  for (const RowField& field : descriptor.physical_type.fields()) {
    DataType type = field.type;
    // A physical event-time column carries its attribute from the scan on.
    if (field.name == rowtime) type = type.WithTimeAttribute(TimeAttribute::kRowtime);
    physical.push_back({field.name, type});
    physical_scope.fields.push_back({qualifier, field.name, type});
  }
  size_t num_physical = physical.size();
  // The metadata columns as the source produces them, and as the table
  // declares them (by column name, cast to the declared type when it differs).
  std::vector<ExprPtr> metadata_values;
  for (const MetadataColumn& column : metadata) {
    int index = static_cast<int>(physical.size());
    physical.push_back({MetadataFieldName(column.key), column.type});
    metadata_values.push_back(Expr::InputRef(index, column.type, column.key));
  }
  std::vector<ExprPtr> declared_metadata;
  for (const CatalogColumn& column : table.columns) {
    if (column.kind != ColumnKind::kMetadata) continue;
    ExprPtr value = metadata_values[MetadataIndex(metadata, column)];
    if (!value->type().EqualsIgnoringNullability(column.type)) {
      ASSIGN_OR_RAISE(value, MakeCast(value, column.type, false));
    }
    physical_scope.fields.push_back({qualifier, column.name, value->type()});
    declared_metadata.push_back(std::move(value));
  }
  std::vector<ExprPtr> expressions;
  std::vector<std::string> names;
  // The declared columns in order: physical ones as references, metadata ones
  // as (cast) references, computed ones as their expressions over both.
  std::vector<ExprPtr> scope_values;
  for (size_t i = 0; i < num_physical; ++i) {
    scope_values.push_back(Expr::InputRef(static_cast<int>(i), physical[i].type, physical[i].name));
  }
  for (const ExprPtr& value : declared_metadata) scope_values.push_back(value);
  int physical_index = 0;
  size_t metadata_index = 0;
  for (const CatalogColumn& column : table.columns) {
    ExprPtr value;
    if (column.kind == ColumnKind::kPhysical) {
      value = Expr::InputRef(physical_index, physical[physical_index].type, column.name);
      ++physical_index;
    } else if (column.kind == ColumnKind::kMetadata) {
      value = declared_metadata[metadata_index++];
    } else {
      ASSIGN_OR_RAISE(value, BindExpression(*column.expression, physical_scope));
      value = SubstituteInputRefs(value, scope_values);
    }
    // The watermark's column is the table's event-time attribute.
    if (column.name == rowtime) value = WithTimeAttribute(value, TimeAttribute::kRowtime);
    expressions.push_back(std::move(value));
    names.push_back(column.name);
  }
  std::optional<WatermarkSpec> watermark;
  if (table.watermark) {
    Scope declared;
    for (size_t i = 0; i < names.size(); ++i) {
      declared.fields.push_back({qualifier, names[i], expressions[i]->type()});
    }
    ASSIGN_OR_RAISE(ExprPtr allowed, BindExpression(*table.watermark->expression, declared));
    auto found = std::find(names.begin(), names.end(), rowtime);
    WatermarkSpec spec;
    spec.rowtime_column = rowtime;
    spec.rowtime = expressions[found - names.begin()];
    spec.watermark = SubstituteInputRefs(allowed, expressions);
    watermark = std::move(spec);
  }
  std::vector<int> normalize_key;
  if (normalize) {
    for (const std::string& key : table.primary_key) {
      for (size_t i = 0; i < num_physical; ++i) {
        if (physical[i].name == key) normalize_key.push_back(static_cast<int>(i));
      }
    }
  }
  Relation relation;
  relation.plan = std::make_shared<TableScanNode>(qualified_name, std::move(source), physical,
                                                  std::vector<std::string>{}, std::move(watermark),
                                                  std::move(normalize_key));
  bool identity = physical_index == static_cast<int>(expressions.size());
  for (size_t i = 0; i < expressions.size(); ++i) {
    relation.scope.fields.push_back({qualifier, names[i], expressions[i]->type()});
    identity &=
        expressions[i]->kind() == ExprKind::kInputRef && expressions[i]->type() == physical[i].type;
  }
  if (!identity)
    relation.plan = MakeProject(relation.plan, std::move(expressions), std::move(names));
  return relation;
}

// Statements --------------------------------------------------------------------------

Result<PlanNodePtr> Binder::BindInsert(const InsertStatement& insert) {
  Result<Catalog::Entry> entry = context_.catalog.Find(insert.table);
  if (!entry.ok()) return ErrorAt(insert.table.location, entry.status());
  if (entry->view != nullptr) {
    return ErrorAt(insert.table.location, "Cannot insert into view `{}`; views are read-only",
                   insert.table.ToString());
  }
  const CatalogTable& table = *entry->table;
  ASSIGN_OR_RAISE(std::string qualified, context_.catalog.Qualify(insert.table));
  if (!insert.static_partition.empty()) {
    return ErrorAt(insert.table.location, "INSERT ... PARTITION is not supported yet");
  }
  if (insert.overwrite) {
    return ErrorAt(insert.table.location, "INSERT OVERWRITE is not supported yet; use INSERT INTO");
  }
  ASSIGN_OR_RAISE(PlanNodePtr query, BindQuery(*insert.query));
  // The sink's writable columns in declaration order: physical ones and
  // metadata ones that are not VIRTUAL.
  PlanSchema sink_schema;
  for (const CatalogColumn& column : table.columns) {
    bool persisted = column.kind == ColumnKind::kPhysical ||
                     (column.kind == ColumnKind::kMetadata && !column.is_virtual);
    if (persisted) sink_schema.push_back({column.name, column.type});
  }
  // Map query columns to sink columns, by the INSERT column list or by position.
  std::vector<int> source_of(sink_schema.size(), -1);
  if (insert.columns.empty()) {
    for (size_t i = 0; i < sink_schema.size(); ++i) source_of[i] = static_cast<int>(i);
  } else {
    for (size_t i = 0; i < insert.columns.size(); ++i) {
      auto found = std::find_if(sink_schema.begin(), sink_schema.end(),
                                [&](const PlanField& f) { return f.name == insert.columns[i]; });
      if (found == sink_schema.end()) {
        return ErrorAt(insert.table.location, "Unknown target column '{}' of table {}",
                       insert.columns[i], qualified);
      }
      source_of[found - sink_schema.begin()] = static_cast<int>(i);
    }
  }
  size_t expected = insert.columns.empty() ? sink_schema.size() : insert.columns.size();
  auto mismatch = [&](const std::string& cause) {
    return ErrorAt(insert.query->location,
                   "Column types of query result and sink for '{}' do not match.\nCause: {}\n\n"
                   "Query schema: {}\nSink schema:  {}",
                   qualified, cause, SchemaToString(query->schema()), SchemaToString(sink_schema));
  };
  if (query->schema().size() != expected) {
    return mismatch("Different number of columns.");
  }
  std::vector<ExprPtr> expressions;
  std::vector<std::string> names;
  for (size_t i = 0; i < sink_schema.size(); ++i) {
    const PlanField& target = sink_schema[i];
    ExprPtr value;
    if (source_of[i] < 0) {
      if (!target.type.nullable()) {
        return mismatch(fmt::format("Column '{}' is NOT NULL and has no value.", target.name));
      }
      value = Expr::Literal(Value(), target.type);
    } else {
      const PlanField& field = query->schema()[source_of[i]];
      value = Expr::InputRef(source_of[i], field.type, field.name);
      if (!field.type.EqualsIgnoringNullability(target.type)) {
        if (!CanImplicitlyCast(field.type, target.type)) {
          return mismatch(fmt::format(
              "Incompatible types for sink column '{}' at position {}. The query produces {}, "
              "the sink expects {}.",
              target.name, i, field.type.ToString(), target.type.ToString()));
        }
        ASSIGN_OR_RAISE(value, MakeCastAt(value, target.type, false, insert.query->location));
      }
    }
    expressions.push_back(std::move(value));
    names.push_back(target.name);
  }
  ASSIGN_OR_RAISE(const ConnectorFactory* factory, FindConnector(table, qualified));
  TableDescriptor descriptor{qualified, table.PhysicalType(), table.primary_key,
                             table.partition_keys, table.OptionsAsConfiguration()};
  Result<std::unique_ptr<TableSink>> sink =
      factory->CreateSink(descriptor, context_.connector_context);
  if (!sink.ok()) return ErrorAt(insert.table.location, sink.status());
  // The sink takes the physical columns followed by its metadata keys.
  Result<std::vector<MetadataColumn>> metadata =
      ResolveMetadata(table, qualified, factory->identifier(), (*sink)->WritableMetadata(), true);
  if (!metadata.ok()) return ErrorAt(insert.table.location, metadata.status());
  if (!metadata->empty()) {
    std::vector<ExprPtr> physical_values;
    std::vector<std::string> physical_names;
    std::vector<ExprPtr> metadata_values(metadata->size());
    size_t position = 0;
    for (const CatalogColumn& column : table.columns) {
      if (column.kind == ColumnKind::kPhysical) {
        physical_values.push_back(std::move(expressions[position]));
        physical_names.push_back(std::move(names[position]));
      } else if (column.kind == ColumnKind::kMetadata && !column.is_virtual) {
        size_t index = MetadataIndex(*metadata, column);
        ASSIGN_OR_RAISE(metadata_values[index],
                        MakeCastAt(expressions[position], (*metadata)[index].type, false,
                                   insert.query->location));
      } else {
        continue;
      }
      ++position;
    }
    std::vector<std::string> keys;
    for (size_t i = 0; i < metadata->size(); ++i) {
      keys.push_back((*metadata)[i].key);
      physical_values.push_back(std::move(metadata_values[i]));
      physical_names.push_back(MetadataFieldName((*metadata)[i].key));
    }
    expressions = std::move(physical_values);
    names = std::move(physical_names);
    Result<std::unique_ptr<TableSink>> with_metadata = (*sink)->ApplyWritableMetadata(keys);
    if (!with_metadata.ok()) return ErrorAt(insert.table.location, with_metadata.status());
    sink = std::move(with_metadata);
  }
  PlanNodePtr input = MakeProject(query, std::move(expressions), std::move(names));
  std::shared_ptr<const TableSink> shared_sink = sink.MoveValue();
  // Whether the sink takes the query's changes is checked on the optimized
  // plan, which knows them (a Top-N may turn out append-only).
  return PlanNodePtr(std::make_shared<SinkNode>(input, qualified, std::move(shared_sink)));
}

Status Binder::ValidateTable(CatalogTable* table) {
  Scope physical;
  std::set<std::string> names;
  for (const CatalogColumn& column : table->columns) {
    if (!names.insert(column.name).second) {
      return Status::Validation("Duplicate column name `{}` in table `{}`", column.name,
                                table->name);
    }
    if (column.kind != ColumnKind::kComputed) {
      physical.fields.push_back({table->name, column.name, column.type});
    }
  }
  for (CatalogColumn& column : table->columns) {
    if (column.kind != ColumnKind::kComputed) continue;
    Result<ExprPtr> bound = BindExpression(*column.expression, physical);
    if (!bound.ok()) {
      return bound.status().WithContext(
          fmt::format("Invalid computed column `{}` of table `{}`", column.name, table->name));
    }
    column.type = (*bound)->type();
  }
  // Later scopes see computed columns too (a watermark may use one).
  Scope all;
  for (const CatalogColumn& column : table->columns) {
    all.fields.push_back({table->name, column.name, column.type});
  }
  for (const std::string& key : table->primary_key) {
    auto found = std::find_if(table->columns.begin(), table->columns.end(),
                              [&](const CatalogColumn& c) { return c.name == key; });
    if (found == table->columns.end()) {
      return Status::Validation("Primary key column `{}` is not a column of table `{}`", key,
                                table->name);
    }
    if (found->kind != ColumnKind::kPhysical) {
      return Status::Validation("Primary key column `{}` of table `{}` must be a physical column",
                                key, table->name);
    }
    // Primary key columns are NOT NULL, as in Flink.
    found->type = found->type.WithNullable(false);
  }
  for (const std::string& key : table->partition_keys) {
    auto found = std::find_if(table->columns.begin(), table->columns.end(),
                              [&](const CatalogColumn& c) { return c.name == key; });
    if (found == table->columns.end()) {
      return Status::Validation("Partition column `{}` is not a column of table `{}`", key,
                                table->name);
    }
  }
  if (table->watermark) {
    const CatalogWatermark& watermark = *table->watermark;
    if (watermark.column.find('.') != std::string::npos) {
      return Status::Validation(
          "The rowtime attribute '{}' of table `{}` must be a top-level column; declare a "
          "computed column for the nested field and put the watermark on it",
          watermark.column, table->name);
    }
    std::vector<std::string> path;
    for (std::string_view part : Split(watermark.column, '.')) path.emplace_back(part);
    auto identifier = std::make_unique<ParsedExpression>(ExpressionKind::kIdentifier,
                                                         watermark.expression->location);
    identifier->names = path;
    Result<ExprPtr> rowtime = BindExpression(*identifier, all);
    if (!rowtime.ok()) {
      return Status::Validation(
          "The rowtime attribute field '{}' is not defined in the table "
          "schema of `{}`",
          watermark.column, table->name);
    }
    const DataType& type = (*rowtime)->type();
    if (!type.is_timestamp() || type.precision() > 3) {
      return Status::Validation(
          "Invalid data type of time field for watermark definition. The field must be of type "
          "TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the "
          "time field type is {}",
          type.ToString());
    }
    Result<ExprPtr> expression = BindExpression(*watermark.expression, all);
    if (!expression.ok()) {
      return expression.status().WithContext(
          fmt::format("Invalid watermark of table `{}`", table->name));
    }
    if (!(*expression)->type().is_timestamp()) {
      return Status::Validation(
          "Watermark strategy {} must be of type TIMESTAMP or TIMESTAMP_LTZ but is of type '{}'",
          watermark.expression_text, (*expression)->type().ToString());
    }
  }
  return Status::OK();
}

Status Binder::ValidateView(const CatalogView& view) {
  ASSIGN_OR_RAISE(Relation relation, BindQueryRelation(*view.query));
  if (!view.column_aliases.empty() && view.column_aliases.size() != relation.scope.fields.size()) {
    return Status::Validation("View `{}` lists {} column names but its query has {} columns",
                              view.name, view.column_aliases.size(), relation.scope.fields.size());
  }
  return Status::OK();
}

}  // namespace tiangong::sql
