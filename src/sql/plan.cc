#include "sql/plan.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/check.h"
#include "sql/optimize_join.h"
#include "sql/optimize_rank.h"

namespace tiangong::sql {
namespace {

std::string FieldNames(const PlanSchema& schema) {
  std::string text;
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i > 0) text += ", ";
    text += schema[i].name;
  }
  return text;
}

std::string ExpressionList(const std::vector<ExprPtr>& expressions, const PlanSchema& schema) {
  std::string text;
  for (size_t i = 0; i < expressions.size(); ++i) {
    if (i > 0) text += ", ";
    std::string expression = expressions[i]->ToString();
    text += expression;
    if (expression != schema[i].name) text += " AS " + schema[i].name;
  }
  return text;
}

PlanSchema SchemaFor(const std::vector<ExprPtr>& expressions, std::vector<std::string> names) {
  TG_CHECK_EQ(expressions.size(), names.size());
  PlanSchema schema;
  for (size_t i = 0; i < expressions.size(); ++i) {
    schema.push_back({std::move(names[i]), expressions[i]->type()});
  }
  return schema;
}

}  // namespace

std::vector<std::string> Names(const PlanSchema& schema) {
  std::vector<std::string> names;
  for (const PlanField& field : schema) names.push_back(field.name);
  return names;
}

DataType SchemaToRowType(const PlanSchema& schema) {
  std::vector<RowField> fields;
  for (const PlanField& field : schema) fields.push_back({field.name, field.type});
  return DataType::Row(std::move(fields), false);
}

std::string SchemaToString(const PlanSchema& schema) {
  std::string text = "[";
  for (size_t i = 0; i < schema.size(); ++i) {
    if (i > 0) text += ", ";
    text += fmt::format("{}: {}", schema[i].name, schema[i].type.ToString());
  }
  return text + "]";
}

bool PlanNode::bounded() const {
  for (const PlanNodePtr& input : inputs_) {
    if (!input->bounded()) return false;
  }
  return true;
}

ChangelogMode PlanNode::changelog_mode() const {
  return inputs_.empty() ? ChangelogMode::InsertOnly() : inputs_[0]->changelog_mode();
}

TableScanNode::TableScanNode(std::string table_name, std::shared_ptr<const TableSource> source,
                             PlanSchema schema, std::vector<std::string> pushed_filters,
                             std::optional<WatermarkSpec> watermark, std::vector<int> normalize_key)
    : PlanNode(PlanNodeKind::kTableScan, std::move(schema), {}),
      table_name_(std::move(table_name)),
      source_(std::move(source)),
      pushed_filters_(std::move(pushed_filters)),
      watermark_(std::move(watermark)),
      normalize_key_(std::move(normalize_key)) {}

std::string TableScanNode::Details() const {
  std::string details = fmt::format("table=[[{}", table_name_);
  std::string described = source_->Describe();
  if (!described.empty()) details += ", " + described;
  if (!pushed_filters_.empty()) {
    details += fmt::format(", filter=[{}]", fmt::join(pushed_filters_, ", "));
  }
  if (watermark_) {
    details += fmt::format(", watermark=[{}: {}]", watermark_->rowtime_column,
                           watermark_->watermark->ToString());
  }
  return details + fmt::format("]], fields=[{}]", FieldNames(schema_));
}

PlanNodePtr TableScanNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<TableScanNode>(*this);
  return copy;
}

ValuesNode::ValuesNode(PlanSchema schema, std::vector<std::vector<Value>> rows)
    : PlanNode(PlanNodeKind::kValues, std::move(schema), {}), rows_(std::move(rows)) {}

std::string ValuesNode::Details() const {
  return fmt::format("tuples=[{} row{}], values=[{}]", rows_.size(), rows_.size() == 1 ? "" : "s",
                     FieldNames(schema_));
}

PlanNodePtr ValuesNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  return std::make_shared<ValuesNode>(*this);
}

ProjectNode::ProjectNode(PlanNodePtr input, std::vector<ExprPtr> expressions,
                         std::vector<std::string> names)
    : PlanNode(PlanNodeKind::kProject, SchemaFor(expressions, std::move(names)),
               {std::move(input)}),
      expressions_(std::move(expressions)) {}

std::string ProjectNode::Details() const { return ExpressionList(expressions_, schema_); }

PlanNodePtr ProjectNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<ProjectNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

FilterNode::FilterNode(PlanNodePtr input, ExprPtr condition)
    : PlanNode(PlanNodeKind::kFilter, input->schema(), {input}), condition_(std::move(condition)) {}

std::string FilterNode::Details() const {
  return fmt::format("condition=[{}]", condition_->ToString());
}

PlanNodePtr FilterNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<FilterNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

CalcNode::CalcNode(PlanNodePtr input, std::vector<ExprPtr> projections,
                   std::vector<std::string> names, ExprPtr condition)
    : PlanNode(PlanNodeKind::kCalc, SchemaFor(projections, std::move(names)), {std::move(input)}),
      projections_(std::move(projections)),
      condition_(std::move(condition)) {}

std::string CalcNode::Details() const {
  std::string details = fmt::format("select=[{}]", ExpressionList(projections_, schema_));
  if (condition_) details += fmt::format(", where=[{}]", condition_->ToString());
  return details;
}

PlanNodePtr CalcNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<CalcNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

UnionNode::UnionNode(std::vector<PlanNodePtr> inputs, PlanSchema schema)
    : PlanNode(PlanNodeKind::kUnion, std::move(schema), std::move(inputs)) {}

std::string UnionNode::Details() const {
  return fmt::format("all=[true], union=[{}]", FieldNames(schema_));
}

ChangelogMode UnionNode::changelog_mode() const {
  for (const PlanNodePtr& input : inputs_) {
    if (!input->changelog_mode().insert_only()) return ChangelogMode::All();
  }
  return ChangelogMode::InsertOnly();
}

PlanNodePtr UnionNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<UnionNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

namespace {

PlanSchema AggregateSchema(const PlanSchema& input, const std::vector<int>& grouping,
                           const std::vector<AggregateCall>& calls, std::vector<std::string> names,
                           const std::optional<WindowSpec>& window) {
  PlanSchema schema;
  size_t name = 0;
  for (size_t i = 0; i < grouping.size(); ++i) {
    // Grouping materializes time attributes.
    schema.push_back(
        {names[name++], input[grouping[i]].type.WithTimeAttribute(TimeAttribute::kNone)});
  }
  if (window) {
    schema.push_back({names[name++], WindowBoundType()});
    schema.push_back({names[name++], WindowBoundType()});
    schema.push_back({names[name++], WindowTimeType(input[window->time_column].type)});
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    schema.push_back({names[name++], calls[i].function->result_type()});
  }
  return schema;
}

std::string Duration(int64_t micros) {
  static constexpr std::pair<int64_t, const char*> kUnits[] = {{86400000000LL, "d"},
                                                               {3600000000LL, "h"},
                                                               {60000000LL, "min"},
                                                               {1000000LL, "s"},
                                                               {1000LL, "ms"}};
  for (const auto& [size, unit] : kUnits) {
    if (micros != 0 && micros % size == 0) return fmt::format("{} {}", micros / size, unit);
  }
  return fmt::format("{} us", micros);
}

}  // namespace

AggregateNode::AggregateNode(PlanNodePtr input, std::vector<int> grouping,
                             std::vector<AggregateCall> calls, std::vector<std::string> names,
                             bool batch_mode, std::optional<WindowSpec> window)
    : PlanNode(PlanNodeKind::kAggregate,
               AggregateSchema(input->schema(), grouping, calls, std::move(names), window),
               {input}),
      grouping_(std::move(grouping)),
      calls_(std::move(calls)),
      batch_mode_(batch_mode),
      window_(std::move(window)) {}

ChangelogMode AggregateNode::changelog_mode() const {
  return batch_mode_ || window_ ? ChangelogMode::InsertOnly() : ChangelogMode::All();
}

std::string AggregateNode::Details() const {
  std::vector<std::string> keys;
  for (int key : grouping_) keys.push_back(input()->schema()[key].name);
  std::vector<std::string> calls;
  size_t first_call = grouping_.size() + (window_ ? 3 : 0);
  for (size_t i = 0; i < calls_.size(); ++i) {
    calls.push_back(fmt::format("{} AS {}", calls_[i].text, schema_[first_call + i].name));
  }
  if (window_) {
    size_t first = grouping_.size();
    calls.push_back(fmt::format("start('w$) AS {}", schema_[first].name));
    calls.push_back(fmt::format("end('w$) AS {}", schema_[first + 1].name));
    calls.push_back(fmt::format("rowtime('w$) AS {}", schema_[first + 2].name));
  }
  std::string details;
  if (!keys.empty()) details = fmt::format("groupBy=[{}], ", fmt::join(keys, ", "));
  if (window_) details += fmt::format("window=[{}], ", window_->ToString(input()->schema()));
  return details + fmt::format("select=[{}]", fmt::join(calls, ", "));
}

DataType WindowBoundType() { return DataType::Timestamp(3, false); }

DataType WindowTimeType(const DataType& time_column) {
  if (time_column.is_proctime()) {
    return DataType::TimestampLtz(3, false).WithTimeAttribute(TimeAttribute::kProctime);
  }
  DataType type = time_column.id() == TypeId::kTimestampLtz ? DataType::TimestampLtz(3, false)
                                                            : DataType::Timestamp(3, false);
  return type.WithTimeAttribute(TimeAttribute::kRowtime);
}

std::string WindowSpec::ToString(const PlanSchema& input) const {
  std::string column = input[time_column].name;
  std::string text;
  switch (kind) {
    case WindowKind::kTumble:
      text = fmt::format("TUMBLE(time_col=[{}], size=[{}]", column, Duration(size));
      break;
    case WindowKind::kHop:
      text = fmt::format("HOP(time_col=[{}], size=[{}], slide=[{}]", column, Duration(size),
                         Duration(slide));
      break;
    case WindowKind::kCumulate:
      text = fmt::format("CUMULATE(time_col=[{}], max_size=[{}], step=[{}]", column, Duration(size),
                         Duration(slide));
      break;
    case WindowKind::kSession:
      text = fmt::format("SESSION(time_col=[{}], gap=[{}]", column, Duration(gap));
      break;
  }
  if (offset != 0) text += fmt::format(", offset=[{}]", Duration(offset));
  return text + ")";
}

namespace {

PlanSchema WindowTableFunctionSchema(const PlanSchema& input, const WindowSpec& window) {
  PlanSchema schema = input;
  schema.push_back({"window_start", WindowBoundType()});
  schema.push_back({"window_end", WindowBoundType()});
  schema.push_back({"window_time", WindowTimeType(input[window.time_column].type)});
  return schema;
}

}  // namespace

WindowTableFunctionNode::WindowTableFunctionNode(PlanNodePtr input, WindowSpec window)
    : PlanNode(PlanNodeKind::kWindowTableFunction,
               WindowTableFunctionSchema(input->schema(), window), {input}),
      window_(std::move(window)) {}

std::string WindowTableFunctionNode::Details() const {
  return fmt::format("window=[{}]", window_.ToString(input()->schema()));
}

PlanNodePtr WindowTableFunctionNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<WindowTableFunctionNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

PlanNodePtr AggregateNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<AggregateNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

std::string_view JoinKindName(JoinKind kind) {
  switch (kind) {
    case JoinKind::kInner:
      return "InnerJoin";
    case JoinKind::kLeft:
      return "LeftOuterJoin";
    case JoinKind::kRight:
      return "RightOuterJoin";
    case JoinKind::kFull:
      return "FullOuterJoin";
  }
  return "Join";
}

namespace {

PlanSchema JoinSchema(const PlanSchema& left, const PlanSchema& right, JoinKind kind,
                      TemporalJoin temporal, bool interval) {
  bool left_nullable = kind == JoinKind::kRight || kind == JoinKind::kFull;
  bool right_nullable = kind == JoinKind::kLeft || kind == JoinKind::kFull;
  PlanSchema schema;
  std::set<std::string> used;
  auto add = [&](const PlanField& field, bool nullable, bool keep_time_attribute) {
    // Unique names, as EXPLAIN shows them: a second `id` becomes `id0`.
    std::string name = field.name;
    for (int suffix = 0; used.count(name) > 0; ++suffix) name = field.name + std::to_string(suffix);
    used.insert(name);
    DataType type =
        keep_time_attribute ? field.type : field.type.WithTimeAttribute(TimeAttribute::kNone);
    schema.push_back({name, nullable ? type.WithNullable(true) : type});
  };
  // A temporal join keeps the time attributes of its (streaming) left side, an
  // interval join those of both.
  for (const PlanField& field : left) {
    add(field, left_nullable, temporal != TemporalJoin::kNone || interval);
  }
  for (const PlanField& field : right) add(field, right_nullable, interval);
  return schema;
}

// Interval and window joins are streaming joins of append-only inputs.
bool StreamingAppendJoin(const PlanNode& left, const PlanNode& right, TemporalJoin temporal,
                         bool batch_mode) {
  return temporal == TemporalJoin::kNone && !batch_mode && left.changelog_mode().insert_only() &&
         right.changelog_mode().insert_only();
}

}  // namespace

JoinNode::JoinNode(PlanNodePtr left, PlanNodePtr right, JoinKind kind, ExprPtr condition,
                   bool batch_mode, std::vector<int> left_keys, std::vector<int> right_keys,
                   TemporalJoin temporal, std::optional<VersionTimes> version_times)
    : JoinNode(left, right, kind, condition, batch_mode, left_keys, right_keys, temporal,
               version_times,
               StreamingAppendJoin(*left, *right, temporal, batch_mode)
                   ? FindIntervalBounds(condition, left->schema(), right->schema())
                   : std::nullopt,
               StreamingAppendJoin(*left, *right, temporal, batch_mode)
                   ? FindWindowJoin(condition, left_keys, right_keys, left, right)
                   : std::nullopt) {}

JoinNode::JoinNode(PlanNodePtr left, PlanNodePtr right, JoinKind kind, ExprPtr condition,
                   bool batch_mode, std::vector<int> left_keys, std::vector<int> right_keys,
                   TemporalJoin temporal, std::optional<VersionTimes> version_times,
                   std::optional<IntervalBounds> interval, std::optional<WindowJoinBounds> window)
    : PlanNode(PlanNodeKind::kJoin,
               JoinSchema(left->schema(), right->schema(), kind, temporal, interval.has_value()),
               {left, right}),
      kind_(kind),
      condition_(std::move(condition)),
      batch_mode_(batch_mode),
      left_keys_(std::move(left_keys)),
      right_keys_(std::move(right_keys)),
      temporal_(temporal),
      interval_(interval),
      window_(interval ? std::optional<WindowJoinBounds>() : window),
      version_times_(version_times) {}

bool JoinNode::bounded() const {
  // A lookup join ends with its stream; the dimension table is only looked into.
  return is_lookup() ? input(0)->bounded() : PlanNode::bounded();
}

std::string JoinNode::Name() const {
  switch (temporal_) {
    case TemporalJoin::kLookup:
      return "LookupJoin";
    case TemporalJoin::kEventTime:
      return "TemporalJoin";
    case TemporalJoin::kNone:
      break;
  }
  if (window_) return "WindowJoin";
  if (sort_merge_) return "SortMergeJoin";
  return interval_ ? "IntervalJoin" : "Join";
}

ChangelogMode JoinNode::changelog_mode() const {
  // A temporal join's result follows the stream's changes only.
  if (temporal_ != TemporalJoin::kNone && !batch_mode_) return input(0)->changelog_mode();
  // An interval join pads an outer row only once it can have no partner.
  if (interval_ || window_) return ChangelogMode::InsertOnly();
  if (batch_mode_) return ChangelogMode::InsertOnly();
  // An inner join of append streams only appends; an outer join retracts the
  // NULL-padded row when a partner arrives.
  if (kind_ == JoinKind::kInner && input(0)->changelog_mode().insert_only() &&
      input(1)->changelog_mode().insert_only()) {
    return ChangelogMode::InsertOnly();
  }
  return ChangelogMode::All();
}

std::string JoinNode::Details() const {
  std::vector<std::string> conditions;
  for (size_t i = 0; i < left_keys_.size(); ++i) {
    conditions.push_back(fmt::format("({} = {})", schema_[left_keys_[i]].name,
                                     schema_[input(0)->schema().size() + right_keys_[i]].name));
  }
  if (condition_) conditions.push_back(condition_->ToString());
  std::string where =
      conditions.empty() ? "true" : fmt::format("{}", fmt::join(conditions, " AND "));
  std::string bounds;
  if (interval_) {
    bounds = fmt::format(
        "windowBounds=[isRowTime=true, leftLowerBound={}, leftUpperBound={}, leftTimeIndex={}, "
        "rightTimeIndex={}], ",
        -interval_->upper / 1000, -interval_->lower / 1000, interval_->left_time_column,
        interval_->right_time_column);
  }
  return fmt::format("joinType=[{}], {}where=[{}], select=[{}]", JoinKindName(kind_), bounds, where,
                     FieldNames(schema_));
}

PlanNodePtr JoinNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<JoinNode>(inputs[0], inputs[1], kind_, condition_, batch_mode_,
                                         left_keys_, right_keys_, temporal_, version_times_);
  copy->sort_merge_ = sort_merge_;
  return copy;
}

std::string SortKeysToString(const std::vector<SortKey>& keys, const PlanSchema& input) {
  std::vector<std::string> parts;
  for (const SortKey& key : keys) {
    std::string part = input[key.column].name;
    if (!key.ascending) part += " DESC";
    if (key.nulls_first != key.ascending) part += key.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    parts.push_back(std::move(part));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string_view RankFunctionName(RankFunction function) {
  switch (function) {
    case RankFunction::kRowNumber:
      return "ROW_NUMBER";
    case RankFunction::kRank:
      return "RANK";
    case RankFunction::kDenseRank:
      return "DENSE_RANK";
  }
  return "ROW_NUMBER";
}

namespace {

std::string ColumnNames(const std::vector<int>& columns, const PlanSchema& schema) {
  std::vector<std::string> names;
  for (int column : columns) names.push_back(schema[column].name);
  return fmt::format("{}", fmt::join(names, ", "));
}

PlanSchema OverSchema(const PlanSchema& input, const std::vector<OverCall>& calls,
                      const std::vector<std::string>& names) {
  PlanSchema schema = input;
  for (size_t i = 0; i < calls.size(); ++i) {
    DataType type =
        calls[i].rank ? DataType::BigInt(false) : calls[i].aggregate.function->result_type();
    schema.push_back({names[i], type});
  }
  return schema;
}

}  // namespace

OverAggregateNode::OverAggregateNode(PlanNodePtr input, std::vector<int> partition_keys,
                                     std::vector<SortKey> order, OverFrame frame,
                                     std::vector<OverCall> calls,
                                     std::vector<std::string> call_names, bool batch_mode)
    : PlanNode(PlanNodeKind::kOverAggregate, OverSchema(input->schema(), calls, call_names),
               {input}),
      partition_keys_(std::move(partition_keys)),
      order_(std::move(order)),
      frame_(frame),
      calls_(std::move(calls)),
      batch_mode_(batch_mode) {}

std::string OverAggregateNode::Details() const {
  const PlanSchema& in = input()->schema();
  std::string details;
  if (!partition_keys_.empty()) {
    details += fmt::format("partitionBy=[{}], ", ColumnNames(partition_keys_, in));
  }
  details += fmt::format("orderBy=[{}], ", SortKeysToString(order_, in));
  if (frame_.unbounded) {
    details += fmt::format("{} BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, ",
                           frame_.rows ? "ROWS" : "RANG");
  } else if (frame_.rows) {
    details += fmt::format("ROWS BETWEEN {} PRECEDING AND CURRENT ROW, ", frame_.preceding);
  } else {
    details +=
        fmt::format("RANG BETWEEN {} PRECEDING AND CURRENT ROW, ", Duration(frame_.preceding));
  }
  std::vector<std::string> calls;
  for (size_t i = 0; i < calls_.size(); ++i) {
    calls.push_back(fmt::format("{} AS {}", calls_[i].text, schema_[in.size() + i].name));
  }
  return details + fmt::format("select=[{}]", fmt::join(calls, ", "));
}

PlanNodePtr OverAggregateNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<OverAggregateNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

namespace {

PlanSchema RankSchema(const PlanSchema& input, bool output_rank) {
  PlanSchema schema = input;
  if (output_rank) schema.push_back({"w0$o0", DataType::BigInt(false)});
  return schema;
}

}  // namespace

RankNode::RankNode(PlanNodePtr input, std::vector<int> partition_keys, std::vector<SortKey> order,
                   RankFunction function, int64_t rank_start, int64_t rank_end, bool output_rank,
                   bool batch_mode, std::optional<RankWindow> window)
    : PlanNode(PlanNodeKind::kRank, RankSchema(input->schema(), output_rank), {input}),
      partition_keys_(std::move(partition_keys)),
      order_(std::move(order)),
      function_(function),
      rank_start_(rank_start),
      rank_end_(rank_end),
      output_rank_(output_rank),
      batch_mode_(batch_mode),
      window_(window) {}

bool RankNode::keeps_last_row() const {
  return rank_end_ == 1 && order_.size() == 1 && !order_[0].ascending &&
         input()->schema()[order_[0].column].type.time_attribute() != TimeAttribute::kNone;
}

ChangelogMode RankNode::changelog_mode() const {
  if (batch_mode_ || window_) return ChangelogMode::InsertOnly();
  // Keeping the first row by processing time never changes it.
  if (rank_start_ == 1 && rank_end_ == 1 && order_.size() == 1 && order_[0].ascending &&
      input()->schema()[order_[0].column].type.is_proctime() &&
      input()->changelog_mode().insert_only()) {
    return ChangelogMode::InsertOnly();
  }
  return ChangelogMode::All();
}

std::string RankNode::Name() const {
  if (window_) return "WindowRank";
  return "Rank";
}

std::string RankNode::Details() const {
  const PlanSchema& in = input()->schema();
  std::string details = fmt::format("rankType=[{}], rankRange=[rankStart={}, rankEnd={}], ",
                                    RankFunctionName(function_), rank_start_, rank_end_);
  if (!partition_keys_.empty()) {
    details += fmt::format("partitionBy=[{}], ", ColumnNames(partition_keys_, in));
  }
  details +=
      fmt::format("orderBy=[{}], select=[{}]", SortKeysToString(order_, in), FieldNames(schema_));
  return details;
}

PlanNodePtr RankNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<RankNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

SortNode::SortNode(PlanNodePtr input, std::vector<SortKey> order, int64_t offset,
                   std::optional<int64_t> fetch, bool batch_mode)
    : PlanNode(PlanNodeKind::kSort, input->schema(), {input}),
      order_(std::move(order)),
      offset_(offset),
      fetch_(fetch),
      batch_mode_(batch_mode) {}

std::string SortNode::Name() const {
  if (order_.empty()) return "Limit";
  return fetch_ ? "SortLimit" : "Sort";
}

std::string SortNode::Details() const {
  std::vector<std::string> parts;
  if (!order_.empty()) {
    parts.push_back(fmt::format("orderBy=[{}]", SortKeysToString(order_, input()->schema())));
  }
  if (offset_ > 0 || fetch_) parts.push_back(fmt::format("offset=[{}]", offset_));
  if (fetch_) parts.push_back(fmt::format("fetch=[{}]", *fetch_));
  return fmt::format("{}", fmt::join(parts, ", "));
}

PlanNodePtr SortNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<SortNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

namespace {

PlanSchema CorrelateSchema(const PlanSchema& input, const TableFunction& function,
                           const std::vector<std::string>& names, JoinKind kind) {
  PlanSchema schema = input;
  const std::vector<RowField>& fields = function.result_type().fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    DataType type = fields[i].type;
    schema.push_back({names[i], kind == JoinKind::kLeft ? type.WithNullable(true) : type});
  }
  return schema;
}

}  // namespace

CorrelateNode::CorrelateNode(PlanNodePtr input, TableFunctionPtr function,
                             std::vector<ExprPtr> arguments, std::vector<std::string> names,
                             JoinKind kind)
    : PlanNode(PlanNodeKind::kCorrelate, CorrelateSchema(input->schema(), *function, names, kind),
               {input}),
      function_(std::move(function)),
      arguments_(std::move(arguments)),
      kind_(kind) {}

std::string CorrelateNode::Details() const {
  std::vector<std::string> arguments;
  for (const ExprPtr& argument : arguments_) arguments.push_back(argument->ToString());
  return fmt::format("invocation=[{}({})], joinType=[{}], select=[{}]", function_->name(),
                     fmt::join(arguments, ", "), kind_ == JoinKind::kLeft ? "LEFT" : "INNER",
                     FieldNames(schema_));
}

PlanNodePtr CorrelateNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<CorrelateNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

ChangelogNormalizeNode::ChangelogNormalizeNode(PlanNodePtr input, std::vector<int> keys)
    : PlanNode(PlanNodeKind::kChangelogNormalize, input->schema(), {input}),
      keys_(std::move(keys)) {
  TG_CHECK(!keys_.empty());
}

std::string ChangelogNormalizeNode::Details() const {
  return fmt::format("key=[{}]", ColumnNames(keys_, schema_));
}

PlanNodePtr ChangelogNormalizeNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<ChangelogNormalizeNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

ExchangeNode::ExchangeNode(PlanNodePtr input, Distribution distribution, std::vector<int> keys)
    : PlanNode(PlanNodeKind::kExchange, input->schema(), {input}),
      distribution_(distribution),
      keys_(std::move(keys)) {}

std::string ExchangeNode::Details() const {
  switch (distribution_) {
    case Distribution::kForward:
      return "distribution=[forward]";
    case Distribution::kRebalance:
      return "distribution=[rebalance]";
    case Distribution::kBroadcast:
      return "distribution=[broadcast]";
    case Distribution::kSingleton:
      return "distribution=[single]";
    case Distribution::kHash: {
      std::vector<std::string> names;
      for (int key : keys_) names.push_back(schema_[key].name);
      return fmt::format("distribution=[hash[{}]]", fmt::join(names, ", "));
    }
  }
  return "";
}

PlanNodePtr ExchangeNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<ExchangeNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

SinkNode::SinkNode(PlanNodePtr input, std::string table_name, std::shared_ptr<const TableSink> sink)
    : PlanNode(PlanNodeKind::kSink, input->schema(), {input}),
      table_name_(std::move(table_name)),
      sink_(std::move(sink)) {}

std::string SinkNode::Details() const {
  if (is_collect()) return fmt::format("fields=[{}]", FieldNames(schema_));
  std::string described = sink_->Describe();
  return fmt::format("table=[{}]{}, fields=[{}]", table_name_,
                     described.empty() ? "" : ", " + described, FieldNames(schema_));
}

PlanNodePtr SinkNode::WithInputs(std::vector<PlanNodePtr> inputs) const {
  auto copy = std::make_shared<SinkNode>(*this);
  copy->inputs_ = std::move(inputs);
  return copy;
}

namespace {

void ExplainNode(const PlanNodePtr& node, const std::string& prefix, bool last, bool root,
                 bool with_parallelism, std::string* out) {
  std::string line = root ? "" : prefix + (last ? "+- " : ":- ");
  line += fmt::format("{}({})", node->Name(), node->Details());
  if (with_parallelism && node->parallelism() > 0) {
    line += fmt::format(", parallelism={}", node->parallelism());
  }
  out->append(line).push_back('\n');
  std::string child_prefix = root ? "" : prefix + (last ? "   " : ":  ");
  for (size_t i = 0; i < node->inputs().size(); ++i) {
    ExplainNode(node->inputs()[i], child_prefix, i + 1 == node->inputs().size(), false,
                with_parallelism, out);
  }
}

}  // namespace

std::string ExplainPlan(const PlanNodePtr& root, bool with_parallelism) {
  std::string out;
  ExplainNode(root, "", true, true, with_parallelism, &out);
  return out;
}

}  // namespace tiangong::sql
