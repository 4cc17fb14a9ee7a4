#include "exec/temporal_join_operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

struct TimedRow {
  int64_t time = 0;
  std::string row;
  bool deleted = false;  // versions: a deletion at `time`
};

void WriteTimedRows(const std::vector<TimedRow>& rows, std::string* out) {
  ByteWriter writer(out);
  writer.Varint(rows.size());
  for (const TimedRow& row : rows) {
    writer.Fixed<int64_t>(row.time);
    writer.Fixed<uint8_t>(row.deleted ? 1 : 0);
    writer.String(row.row);
  }
}

Status ReadTimedRows(std::string_view bytes, std::vector<TimedRow>* rows) {
  ByteReader reader(bytes);
  uint64_t size = reader.Varint();
  for (uint64_t i = 0; i < size && reader.ok(); ++i) {
    TimedRow row;
    row.time = reader.Fixed<int64_t>();
    row.deleted = reader.Fixed<uint8_t>() != 0;
    row.row = std::string(reader.String());
    rows->push_back(std::move(row));
  }
  if (!reader.ok()) return Status::DataError("corrupt temporal join state");
  return Status::OK();
}

}  // namespace

// Left rows of a key waiting for the watermark, in time order.
class TemporalJoinOperator::Waiting final : public StateValue {
 public:
  void Serialize(std::string* out) const override { WriteTimedRows(rows, out); }
  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    auto waiting = std::make_unique<Waiting>();
    RETURN_NOT_OK(ReadTimedRows(bytes, &waiting->rows));
    return std::unique_ptr<StateValue>(std::move(waiting));
  }
  std::vector<TimedRow> rows;
};

// The versions of a right key, in time order.
class TemporalJoinOperator::Versions final : public StateValue {
 public:
  void Serialize(std::string* out) const override { WriteTimedRows(rows, out); }
  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    auto versions = std::make_unique<Versions>();
    RETURN_NOT_OK(ReadTimedRows(bytes, &versions->rows));
    return std::unique_ptr<StateValue>(std::move(versions));
  }

  /// The version current at `time`, or nullptr.
  const TimedRow* At(int64_t time) const {
    auto after = std::upper_bound(rows.begin(), rows.end(), time,
                                  [](int64_t t, const TimedRow& row) { return t < row.time; });
    if (after == rows.begin()) return nullptr;
    const TimedRow& current = *(after - 1);
    return current.deleted ? nullptr : &current;
  }

  /// A new version (or deletion); one at the same time replaces it.
  void Add(TimedRow version) {
    auto position = std::lower_bound(rows.begin(), rows.end(), version.time,
                                     [](const TimedRow& row, int64_t t) { return row.time < t; });
    if (position != rows.end() && position->time == version.time) {
      *position = std::move(version);
    } else {
      rows.insert(position, std::move(version));
    }
  }

  std::vector<TimedRow> rows;
};

struct TemporalJoinOperator::Probe {
  std::string key;  // empty for a NULL key: no version
  std::string row;
  int64_t time = 0;
};

TemporalJoinOperator::TemporalJoinOperator(const sql::JoinNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      left_keys_(node.left_keys()),
      right_keys_(node.right_keys()),
      left_time_(node.version_times()->left_time_column),
      right_time_(node.version_times()->right_time_column),
      condition_(node.condition()),
      left_outer_(node.left_outer()) {
  size_t num_left = node.input(0)->schema().size();
  for (size_t i = 0; i < node.schema().size(); ++i) {
    (i < num_left ? left_types_ : right_types_).push_back(node.schema()[i].type);
  }
}

TemporalJoinOperator::~TemporalJoinOperator() = default;

Status TemporalJoinOperator::Open(const OperatorContext& context) {
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  ASSIGN_OR_RAISE(waiting_, backend_->Table("waiting", Waiting::Decode));
  ASSIGN_OR_RAISE(versions_, backend_->Table("versions", Versions::Decode));
  return Status::OK();
}

Status TemporalJoinOperator::ProcessBatch(Batch batch, Output* output) {
  return Status::Internal("{} needs to know which input a batch comes from", name_);
}

Status TemporalJoinOperator::ProcessInputBatch(int input, Batch batch, Output* output) {
  if (batch.num_rows() == 0) return Status::OK();
  return input == 0 ? ProcessLeft(batch, output) : ProcessRight(batch);
}

Status TemporalJoinOperator::ProcessLeft(const Batch& batch, Output* output) {
  const Vector& times = *batch.column(left_time_);
  std::vector<Probe> now;  // rows that need not wait
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    if (!IsAccumulate(batch.row_kind(i))) {
      return Status::Unsupported(
          "{}: the left input of an event-time temporal join must be "
          "append-only, but a row retracts",
          name_);
    }
    if (times.IsNull(i)) {
      return Status::DataError("{}: the event time of a left row is NULL", name_);
    }
    Probe probe;
    probe.time = times.ValueAt<int64_t>(i);
    ByteWriter writer(&probe.row);
    WriteRow(batch.columns(), i, &writer);
    bool null_key = AnyNullKey(batch.columns(), left_keys_, i);
    if (!null_key) EncodeKey(batch.columns(), left_keys_, i, &probe.key);
    if (null_key || probe.time <= watermark_) {
      now.push_back(std::move(probe));
      continue;
    }
    ASSIGN_OR_RAISE(StateValue * found, waiting_->Find(probe.key));
    if (found == nullptr) {
      ASSIGN_OR_RAISE(found, waiting_->Insert(probe.key, std::make_unique<Waiting>()));
    }
    auto& rows = static_cast<Waiting*>(found)->rows;
    auto position = std::upper_bound(rows.begin(), rows.end(), probe.time,
                                     [](int64_t t, const TimedRow& row) { return t < row.time; });
    rows.insert(position, TimedRow{probe.time, std::move(probe.row), false});
    waiting_->MarkChanged(probe.key);
    left_timers_.Register(probe.time, probe.key);
  }
  RETURN_NOT_OK(waiting_->Flush());
  return JoinAndEmit(now, output);
}

Status TemporalJoinOperator::ProcessRight(const Batch& batch) {
  const Vector& times = *batch.column(right_time_);
  std::string key;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    RowKind kind = batch.row_kind(i);
    if (kind == RowKind::kUpdateBefore) continue;  // the +U that follows is the new version
    if (AnyNullKey(batch.columns(), right_keys_, i)) continue;  // never current for any key
    if (times.IsNull(i)) {
      return Status::DataError("{}: the event time of a version is NULL", name_);
    }
    TimedRow version;
    version.time = times.ValueAt<int64_t>(i);
    version.deleted = kind == RowKind::kDelete;
    if (!version.deleted) {
      ByteWriter writer(&version.row);
      WriteRow(batch.columns(), i, &writer);
    }
    key.clear();
    EncodeKey(batch.columns(), right_keys_, i, &key);
    ASSIGN_OR_RAISE(StateValue * found, versions_->Find(key));
    if (found == nullptr) {
      ASSIGN_OR_RAISE(found, versions_->Insert(key, std::make_unique<Versions>()));
    }
    right_timers_.Register(version.time, key);
    static_cast<Versions*>(found)->Add(std::move(version));
    versions_->MarkChanged(key);
  }
  return versions_->Flush();
}

Status TemporalJoinOperator::JoinAndEmit(const std::vector<Probe>& probes, Output* output) {
  if (probes.empty()) return Status::OK();
  std::vector<VectorBuilder> left_builders;
  for (const DataType& type : left_types_) left_builders.emplace_back(type);
  std::vector<VectorBuilder> right_builders;
  for (const DataType& type : right_types_) right_builders.emplace_back(type);
  std::vector<uint8_t> has_version;
  for (const Probe& probe : probes) {
    ByteReader left_reader(probe.row);
    RETURN_NOT_OK(ReadRow(&left_reader, &left_builders));
    const TimedRow* version = nullptr;
    if (!probe.key.empty()) {
      ASSIGN_OR_RAISE(StateValue * found, versions_->Find(probe.key));
      if (found != nullptr) version = static_cast<const Versions*>(found)->At(probe.time);
    }
    if (version != nullptr) {
      ByteReader right_reader(version->row);
      RETURN_NOT_OK(ReadRow(&right_reader, &right_builders));
    } else {
      for (VectorBuilder& builder : right_builders) builder.AppendNull();
    }
    has_version.push_back(version != nullptr ? 1 : 0);
  }
  size_t num_rows = probes.size();
  std::vector<VectorPtr> columns;
  for (VectorBuilder& builder : left_builders) columns.push_back(builder.Build());
  size_t num_left = columns.size();
  for (VectorBuilder& builder : right_builders) columns.push_back(builder.Build());
  std::vector<uint8_t> matched = has_version;
  if (condition_) {
    std::vector<uint32_t> selected;
    Status status = evaluator_->Select(condition_, Batch(columns, num_rows), &selected);
    if (!status.ok()) return status.WithContext("in the join condition");
    std::fill(matched.begin(), matched.end(), 0);
    for (uint32_t s : selected) matched[s] = has_version[s];
  }
  // Matches as they are; the others padded (LEFT JOIN) or dropped.
  std::vector<int32_t> rows;
  std::vector<int32_t> right_rows;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!matched[i] && !left_outer_) continue;
    rows.push_back(static_cast<int32_t>(i));
    right_rows.push_back(matched[i] ? static_cast<int32_t>(i) : -1);
  }
  if (rows.empty()) return Status::OK();
  std::vector<VectorPtr> out;
  for (size_t j = 0; j < columns.size(); ++j) {
    bool right = j >= num_left;
    const DataType& type = right ? right_types_[j - num_left] : left_types_[j];
    out.push_back(GatherOrNull(*columns[j], type, right ? right_rows : rows));
  }
  return output->Emit(Batch(std::move(out), rows.size()));
}

Status TemporalJoinOperator::ProcessWatermark(Watermark watermark, Output* output) {
  watermark_ = std::max(watermark_, watermark.timestamp);
  // Left rows whose time the watermark passed: every version they need is here.
  std::vector<Probe> ready;
  int64_t timer_time = 0;
  std::string key;
  while (left_timers_.PopDue(watermark_, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, waiting_->Find(key));
    if (found == nullptr) continue;
    auto& rows = static_cast<Waiting*>(found)->rows;
    auto end = std::upper_bound(rows.begin(), rows.end(), watermark_,
                                [](int64_t t, const TimedRow& row) { return t < row.time; });
    for (auto it = rows.begin(); it != end; ++it)
      ready.push_back({key, std::move(it->row), it->time});
    rows.erase(rows.begin(), end);
    if (rows.empty()) {
      RETURN_NOT_OK(waiting_->Erase(key));
    } else {
      waiting_->MarkChanged(key);
    }
  }
  RETURN_NOT_OK(waiting_->Flush());
  // Emitted in time order, as the watermark passed them.
  std::stable_sort(ready.begin(), ready.end(),
                   [](const Probe& a, const Probe& b) { return a.time < b.time; });
  RETURN_NOT_OK(JoinAndEmit(ready, output));
  // Versions older than the one current at the watermark are needed no more.
  while (right_timers_.PopDue(watermark_, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, versions_->Find(key));
    if (found == nullptr) continue;
    auto& rows = static_cast<Versions*>(found)->rows;
    auto after = std::upper_bound(rows.begin(), rows.end(), watermark_,
                                  [](int64_t t, const TimedRow& row) { return t < row.time; });
    if (after != rows.begin()) rows.erase(rows.begin(), after - 1);
    if (rows.size() == 1 && rows[0].deleted && rows[0].time <= watermark_) rows.clear();
    if (rows.empty()) {
      RETURN_NOT_OK(versions_->Erase(key));
    } else {
      versions_->MarkChanged(key);
    }
  }
  RETURN_NOT_OK(versions_->Flush());
  return output->EmitWatermark(watermark);
}

Status TemporalJoinOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                           Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {{"left", &left_timers_}, {"right", &right_timers_}},
                               &watermark_, snapshot);
}

Status TemporalJoinOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(),
                              {{"left", &left_timers_}, {"right", &right_timers_}}, &watermark_);
}

}  // namespace tiangong
