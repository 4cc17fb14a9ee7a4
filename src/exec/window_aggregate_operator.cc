#include "exec/window_aggregate_operator.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "common/clock.h"
#include "types/batch_builder.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"

namespace tiangong {
namespace {

void AppendBigEndian(int64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(value) >> shift) & 0xFF));
  }
}

Status NullTimeError(size_t row) {
  return Status::DataError(
      "The window's time attribute is NULL (row {} of a batch); event-time rows need a time", row);
}

// window_start, window_end, window_time of a fired window.
void AppendWindow(const WindowAssigner& assigner, const TimeWindow& window, size_t first,
                  BatchBuilder* out) {
  out->column(first).AppendFixed<int64_t>(window.start);
  out->column(first + 1).AppendFixed<int64_t>(window.end);
  out->column(first + 2).AppendFixed<int64_t>(assigner.WindowTime(window));
}

}  // namespace

// Aligned windows -----------------------------------------------------------------------------

WindowAggregateOperator::WindowAggregateOperator(const sql::AggregateNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      grouping_(node.grouping()),
      calls_(node.calls()),
      spec_(*node.window()),
      output_type_(sql::SchemaToRowType(node.schema())),
      batch_mode_(node.batch_mode()),
      proctime_(node.window()->time == TimeAttribute::kProctime) {}

Status WindowAggregateOperator::Open(const OperatorContext& context) {
  assigner_ = std::make_unique<WindowAssigner>(spec_, *context.function_context);
  metrics_ = context.metrics;
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  ASSIGN_OR_RAISE(windows_, backend_->Table("windows", [this](std::string_view bytes) {
    return AccumulatorGroup::Decode(&calls_, bytes);
  }));
  return Status::OK();
}

Status WindowAggregateOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  const Vector& time = *batch.column(spec_.time_column);
  int64_t now = proctime_ ? WallClockMicros() : 0;
  // (row, window) pairs go to slots: one per key and window in this batch.
  struct Slot {
    std::string key;
    AccumulatorGroup* group = nullptr;
  };
  std::vector<Slot> slots;
  std::unordered_map<std::string, uint32_t> slot_of_key;
  std::vector<uint32_t> rows;
  std::vector<AccumulatorGroup*> groups;
  std::vector<uint8_t> adds;
  std::vector<TimeWindow> windows;
  std::string key;
  size_t key_length = 0;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!proctime_ && time.IsNull(i)) return NullTimeError(i);
    windows.clear();
    assigner_->Assign(proctime_ ? now : time.ValueAt<int64_t>(i), &windows);
    key.clear();
    EncodeKey(batch.columns(), grouping_, i, &key);
    key_length = key.size();
    bool late = false;
    for (const TimeWindow& window : windows) {
      int64_t fire_time = assigner_->FireTime(window);
      if (!batch_mode_ && !proctime_ && fire_time <= watermark_) {
        late = true;
        continue;
      }
      key.resize(key_length);
      AppendBigEndian(window.start, &key);
      AppendBigEndian(window.end, &key);
      auto [it, inserted] = slot_of_key.emplace(key, static_cast<uint32_t>(slots.size()));
      if (inserted) {
        Slot slot;
        slot.key = key;
        ASSIGN_OR_RAISE(StateValue * found, windows_->Find(key));
        if (found == nullptr) {
          auto created = AccumulatorGroup::Create(&calls_, batch, grouping_, i);
          created->window_start = window.start;
          created->window_end = window.end;
          ASSIGN_OR_RAISE(found, windows_->Insert(key, std::move(created)));
          timers_.Register(fire_time, key);
        } else {
          windows_->MarkChanged(key);
        }
        slot.group = static_cast<AccumulatorGroup*>(found);
        slots.push_back(std::move(slot));
      }
      AccumulatorGroup* group = slots[it->second].group;
      bool add = IsAccumulate(batch.row_kind(i));
      group->count += add ? 1 : -1;
      rows.push_back(static_cast<uint32_t>(i));
      groups.push_back(group);
      adds.push_back(add ? 1 : 0);
    }
    if (late && metrics_ != nullptr) {
      metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  RETURN_NOT_OK(UpdateAccumulators(calls_, batch, rows, groups, adds));
  return windows_->Flush();
}

Status WindowAggregateOperator::FireUntil(int64_t time, Output* output) {
  BatchBuilder out(output_type_);
  int64_t timer_time = 0;
  std::string key;
  size_t first_window_column = grouping_.size();
  while (timers_.PopDue(time, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, windows_->Find(key));
    if (found == nullptr) continue;
    auto& group = static_cast<AccumulatorGroup&>(*found);
    if (group.count > 0) {
      RETURN_NOT_OK(group.AppendKey(grouping_.size(), &out));
      AppendWindow(*assigner_, TimeWindow{group.window_start, group.window_end},
                   first_window_column, &out);
      group.AppendResults(first_window_column + 3, &out);
      out.FinishRow();
    }
    RETURN_NOT_OK(windows_->Erase(key));
  }
  RETURN_NOT_OK(windows_->Flush());
  if (out.num_rows() == 0) return Status::OK();
  return output->Emit(out.Build());
}

Status WindowAggregateOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (batch_mode_) return Status::OK();
  watermark_ = std::max(watermark_, watermark.timestamp);
  if (!proctime_) RETURN_NOT_OK(FireUntil(watermark_, output));
  return output->EmitWatermark(watermark);
}

Status WindowAggregateOperator::AdvanceProcessingTime(int64_t now_micros, Output* output) {
  if (!proctime_ || batch_mode_) return Status::OK();
  return FireUntil(now_micros, output);
}

Status WindowAggregateOperator::Finish(Output* output) {
  // Batch mode, and processing-time windows still open at the end of the input.
  RETURN_NOT_OK(FireUntil(kMaxWatermark, output));
  return output->Finish();
}

// Session windows -----------------------------------------------------------------------------

// A key's live sessions, ordered by start; each with its accumulators.
class SessionWindowAggregateOperator::Sessions final : public StateValue {
 public:
  explicit Sessions(const std::vector<sql::AggregateCall>* calls) : calls_(calls) {}

  void Serialize(std::string* out) const override {
    ByteWriter writer(out);
    writer.Varint(groups.size());
    for (const auto& group : groups) {
      std::string bytes;
      group->Serialize(&bytes);
      writer.String(bytes);
    }
  }

  static Result<std::unique_ptr<StateValue>> Decode(const std::vector<sql::AggregateCall>* calls,
                                                    std::string_view bytes) {
    auto sessions = std::make_unique<Sessions>(calls);
    ByteReader reader(bytes);
    uint64_t count = reader.Varint();
    for (uint64_t i = 0; i < count && reader.ok(); ++i) {
      ASSIGN_OR_RAISE(std::unique_ptr<StateValue> group,
                      AccumulatorGroup::Decode(calls, reader.String()));
      sessions->groups.emplace_back(static_cast<AccumulatorGroup*>(group.release()));
    }
    if (!reader.ok()) return Status::DataError("corrupt session window state");
    return std::unique_ptr<StateValue>(std::move(sessions));
  }

  std::vector<std::unique_ptr<AccumulatorGroup>> groups;

 private:
  const std::vector<sql::AggregateCall>* calls_;
};

SessionWindowAggregateOperator::SessionWindowAggregateOperator(const sql::AggregateNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      grouping_(node.grouping()),
      calls_(node.calls()),
      spec_(*node.window()),
      output_type_(sql::SchemaToRowType(node.schema())),
      batch_mode_(node.batch_mode()),
      proctime_(node.window()->time == TimeAttribute::kProctime) {}

Status SessionWindowAggregateOperator::Open(const OperatorContext& context) {
  assigner_ = std::make_unique<WindowAssigner>(spec_, *context.function_context);
  metrics_ = context.metrics;
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  ASSIGN_OR_RAISE(sessions_, backend_->Table("sessions", [this](std::string_view bytes) {
    return Sessions::Decode(&calls_, bytes);
  }));
  return Status::OK();
}

Status SessionWindowAggregateOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  const Vector& time = *batch.column(spec_.time_column);
  int64_t now = proctime_ ? WallClockMicros() : 0;
  std::string key;
  std::vector<TimeWindow> windows;
  // Sessions merge as rows arrive, so rows are applied one at a time; each
  // key's state is still read and written once per batch.
  std::unordered_map<std::string, Sessions*> touched;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!proctime_ && time.IsNull(i)) return NullTimeError(i);
    windows.clear();
    assigner_->Assign(proctime_ ? now : time.ValueAt<int64_t>(i), &windows);
    TimeWindow window = windows[0];
    key.clear();
    EncodeKey(batch.columns(), grouping_, i, &key);
    Sessions* sessions = nullptr;
    if (auto it = touched.find(key); it != touched.end()) {
      sessions = it->second;
    } else {
      ASSIGN_OR_RAISE(StateValue * found, sessions_->Find(key));
      if (found == nullptr) {
        ASSIGN_OR_RAISE(found, sessions_->Insert(key, std::make_unique<Sessions>(&calls_)));
      }
      sessions = static_cast<Sessions*>(found);
      touched.emplace(key, sessions);
    }
    // Merge every live session the new window overlaps into one.
    std::vector<std::unique_ptr<AccumulatorGroup>>& groups = sessions->groups;
    std::unique_ptr<AccumulatorGroup> merged;
    for (auto it = groups.begin(); it != groups.end();) {
      AccumulatorGroup& group = **it;
      // Sessions that touch merge too: [1, 4) and [4, 7) are one session.
      bool overlaps = group.window_start <= window.end && window.start <= group.window_end;
      if (!overlaps) {
        ++it;
        continue;
      }
      timers_.Delete(assigner_->FireTime({group.window_start, group.window_end}), key);
      window.start = std::min(window.start, group.window_start);
      window.end = std::max(window.end, group.window_end);
      if (!merged) {
        merged = std::move(*it);
      } else {
        RETURN_NOT_OK(merged->Merge(group));
      }
      it = groups.erase(it);
    }
    int64_t fire_time = assigner_->FireTime(window);
    if (!merged && !batch_mode_ && !proctime_ && fire_time <= watermark_) {
      if (metrics_ != nullptr)
        metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (!merged) merged = AccumulatorGroup::Create(&calls_, batch, grouping_, i);
    merged->window_start = window.start;
    merged->window_end = window.end;
    bool add = IsAccumulate(batch.row_kind(i));
    merged->count += add ? 1 : -1;
    RETURN_NOT_OK(UpdateAccumulators(calls_, batch, {static_cast<uint32_t>(i)}, {merged.get()},
                                     {static_cast<uint8_t>(add ? 1 : 0)}));
    timers_.Register(fire_time, key);
    auto position = std::lower_bound(groups.begin(), groups.end(), window.start,
                                     [](const std::unique_ptr<AccumulatorGroup>& group,
                                        int64_t start) { return group->window_start < start; });
    groups.insert(position, std::move(merged));
  }
  for (const auto& [touched_key, sessions] : touched) {
    if (sessions->groups.empty()) {
      RETURN_NOT_OK(sessions_->Erase(touched_key));
    } else {
      sessions_->MarkChanged(touched_key);
    }
  }
  return sessions_->Flush();
}

Status SessionWindowAggregateOperator::FireUntil(int64_t time, Output* output) {
  BatchBuilder out(output_type_);
  int64_t timer_time = 0;
  std::string key;
  size_t first_window_column = grouping_.size();
  while (timers_.PopDue(time, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, sessions_->Find(key));
    if (found == nullptr) continue;
    auto& groups = static_cast<Sessions&>(*found).groups;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      AccumulatorGroup& group = **it;
      TimeWindow window{group.window_start, group.window_end};
      if (assigner_->FireTime(window) != timer_time) continue;
      if (group.count > 0) {
        RETURN_NOT_OK(group.AppendKey(grouping_.size(), &out));
        AppendWindow(*assigner_, window, first_window_column, &out);
        group.AppendResults(first_window_column + 3, &out);
        out.FinishRow();
      }
      groups.erase(it);
      break;
    }
    if (groups.empty()) {
      RETURN_NOT_OK(sessions_->Erase(key));
    } else {
      sessions_->MarkChanged(key);
    }
  }
  RETURN_NOT_OK(sessions_->Flush());
  if (out.num_rows() == 0) return Status::OK();
  return output->Emit(out.Build());
}

Status SessionWindowAggregateOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (batch_mode_) return Status::OK();
  watermark_ = std::max(watermark_, watermark.timestamp);
  if (!proctime_) RETURN_NOT_OK(FireUntil(watermark_, output));
  return output->EmitWatermark(watermark);
}

Status SessionWindowAggregateOperator::AdvanceProcessingTime(int64_t now_micros, Output* output) {
  if (!proctime_ || batch_mode_) return Status::OK();
  return FireUntil(now_micros, output);
}

Status SessionWindowAggregateOperator::Finish(Output* output) {
  RETURN_NOT_OK(FireUntil(kMaxWatermark, output));
  return output->Finish();
}

}  // namespace tiangong
