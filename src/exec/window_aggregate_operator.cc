#include "exec/window_aggregate_operator.h"

#include <algorithm>
#include <chrono>
#include <numeric>
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

int64_t ReadBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < sizeof(int64_t); ++i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  }
  return static_cast<int64_t>(value);
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

WindowAggregateOperator::SliceAssigner::SliceAssigner(const WindowAssigner& windows, bool mergeable)
    : windows_(windows) {
  const sql::WindowSpec& spec = windows.spec();
  if (mergeable && spec.kind == sql::WindowKind::kHop && spec.size >= spec.slide) {
    slice_size_ = std::gcd(spec.size, spec.slide);
  }
}

void WindowAggregateOperator::SliceAssigner::Assign(int64_t time,
                                                    std::vector<int64_t>* slices) const {
  if (slice_size_ > 0) {
    slices->push_back(windows_.StartOf(windows_.LocalTime(time), slice_size_) + slice_size_);
    return;
  }
  scratch_.clear();
  windows_.Assign(time, &scratch_);
  for (const TimeWindow& window : scratch_) slices->push_back(window.end);
}

void WindowAggregateOperator::SliceAssigner::SlicesOf(int64_t window_end,
                                                      std::vector<int64_t>* slices) const {
  if (slice_size_ == 0) {
    slices->push_back(window_end);
    return;
  }
  for (int64_t end = window_end - windows_.spec().size + slice_size_; end <= window_end;
       end += slice_size_) {
    slices->push_back(end);
  }
}

int64_t WindowAggregateOperator::SliceAssigner::FirstWindowEnd(int64_t slice) const {
  if (slice_size_ == 0) return slice;
  // Hopping windows end at offset + size + k * slide.
  const sql::WindowSpec& spec = windows_.spec();
  return slice + FloorMod(spec.offset + spec.size - slice, spec.slide);
}

int64_t WindowAggregateOperator::SliceAssigner::LastWindowEnd(int64_t slice) const {
  if (slice_size_ == 0) return slice;
  // The last window starts at the last slide boundary at or before the slice.
  const sql::WindowSpec& spec = windows_.spec();
  return windows_.StartOf(slice - slice_size_, spec.slide) + spec.size;
}

int64_t WindowAggregateOperator::SliceAssigner::NextWindowEnd(int64_t window_end) const {
  return window_end + windows_.spec().slide;
}

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
  bool mergeable = std::all_of(calls_.begin(), calls_.end(), [](const sql::AggregateCall& call) {
    return call.function->supports_merge();
  });
  slices_ = std::make_unique<SliceAssigner>(*assigner_, mergeable);
  metrics_ = context.metrics;
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  ASSIGN_OR_RAISE(state_, backend_->Table("slices", [this](std::string_view bytes) {
    return AccumulatorGroup::Decode(&calls_, bytes);
  }));
  return Status::OK();
}

bool WindowAggregateOperator::Fired(int64_t window_end) const {
  return !batch_mode_ && !proctime_ &&
         assigner_->FireTime(assigner_->WindowEnding(window_end)) <= watermark_;
}

void WindowAggregateOperator::RegisterTimer(std::string_view key, int64_t window_end) {
  std::string timer_key(key);
  AppendBigEndian(window_end, &timer_key);
  timers_.Register(assigner_->FireTime(assigner_->WindowEnding(window_end)), std::move(timer_key));
}

Status WindowAggregateOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  const Vector& time = *batch.column(spec_.time_column);
  int64_t now = proctime_ ? WallClockMicros() : 0;
  // (row, slice) pairs go to slots: one per key and slice in this batch.
  std::vector<AccumulatorGroup*> slots;
  std::unordered_map<std::string, uint32_t> slot_of_key;
  std::vector<uint32_t> rows;
  std::vector<AccumulatorGroup*> groups;
  std::vector<uint8_t> adds;
  std::vector<int64_t> slices;
  std::string key;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!proctime_ && time.IsNull(i)) return NullTimeError(i);
    slices.clear();
    slices_->Assign(proctime_ ? now : time.ValueAt<int64_t>(i), &slices);
    key.clear();
    EncodeKey(batch.columns(), grouping_, i, &key);
    size_t key_length = key.size();
    bool accepted = false;
    for (int64_t slice : slices) {
      // Late: every window of the slice has fired.
      if (Fired(slices_->LastWindowEnd(slice))) continue;
      accepted = true;
      key.resize(key_length);
      AppendBigEndian(slice, &key);
      auto [it, inserted] = slot_of_key.emplace(key, static_cast<uint32_t>(slots.size()));
      if (inserted) {
        ASSIGN_OR_RAISE(StateValue * found, state_->Find(key));
        if (found == nullptr) {
          ASSIGN_OR_RAISE(
              found, state_->Insert(key, AccumulatorGroup::Create(&calls_, batch, grouping_, i)));
          // The slice's first window that has not fired yet.
          int64_t window_end = slices_->FirstWindowEnd(slice);
          while (Fired(window_end)) window_end = slices_->NextWindowEnd(window_end);
          RegisterTimer(std::string_view(key).substr(0, key_length), window_end);
        } else {
          state_->MarkChanged(key);
        }
        slots.push_back(static_cast<AccumulatorGroup*>(found));
      }
      AccumulatorGroup* group = slots[it->second];
      bool add = IsAccumulate(batch.row_kind(i));
      group->count += add ? 1 : -1;
      rows.push_back(static_cast<uint32_t>(i));
      groups.push_back(group);
      adds.push_back(add ? 1 : 0);
    }
    if (!accepted && !slices.empty() && metrics_ != nullptr) {
      metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }
  RETURN_NOT_OK(UpdateAccumulators(calls_, batch, rows, groups, adds));
  return state_->Flush();
}

Status WindowAggregateOperator::FireUntil(int64_t time, Output* output) {
  BatchBuilder out(output_type_);
  int64_t timer_time = 0;
  std::string timer_key;
  std::string key;
  std::vector<int64_t> slices;
  std::vector<std::pair<int64_t, AccumulatorGroup*>> found;
  size_t first_window_column = grouping_.size();
  while (timers_.PopDue(time, &timer_time, &timer_key)) {
    // The timer's key is the group's key followed by the window's end.
    size_t key_length = timer_key.size() - sizeof(int64_t);
    int64_t window_end = ReadBigEndian(std::string_view(timer_key).substr(key_length));
    slices.clear();
    slices_->SlicesOf(window_end, &slices);
    found.clear();
    for (int64_t slice : slices) {
      key.assign(timer_key, 0, key_length);
      AppendBigEndian(slice, &key);
      ASSIGN_OR_RAISE(StateValue * value, state_->Find(key));
      if (value != nullptr) found.emplace_back(slice, static_cast<AccumulatorGroup*>(value));
    }
    if (found.empty()) continue;
    const AccumulatorGroup* window = found[0].second;
    std::unique_ptr<AccumulatorGroup> merged;
    if (found.size() > 1) {
      merged = AccumulatorGroup::CreateEmpty(&calls_, window->key_row);
      for (const auto& [slice, group] : found) RETURN_NOT_OK(merged->Merge(*group));
      window = merged.get();
    }
    if (window->count > 0) {
      RETURN_NOT_OK(window->AppendKey(grouping_.size(), &out));
      AppendWindow(*assigner_, assigner_->WindowEnding(window_end), first_window_column, &out);
      window->AppendResults(first_window_column + 3, &out);
      out.FinishRow();
    }
    // Slices no later window covers are done; the others fire with the next window.
    bool remaining = false;
    for (const auto& [slice, group] : found) {
      if (slices_->LastWindowEnd(slice) > window_end) {
        remaining = true;
        continue;
      }
      key.assign(timer_key, 0, key_length);
      AppendBigEndian(slice, &key);
      RETURN_NOT_OK(state_->Erase(key));
    }
    if (remaining) {
      RegisterTimer(std::string_view(timer_key).substr(0, key_length),
                    slices_->NextWindowEnd(window_end));
    }
  }
  RETURN_NOT_OK(state_->Flush());
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

Status WindowAggregateOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                              Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {{"windows", &timers_}}, &watermark_, snapshot);
}

Status WindowAggregateOperator::RestoreState(const RestoredOperatorState& state) {
  // Slice and timer keys end in the 8-byte end of a slice or window.
  return RestoreKeyedOperator(state, backend_.get(), {{"windows", &timers_}}, &watermark_,
                              WithoutSuffix(sizeof(int64_t)));
}

Status SessionWindowAggregateOperator::SnapshotState(int64_t checkpoint_id,
                                                     OperatorSnapshot* snapshot, Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {{"sessions", &timers_}}, &watermark_, snapshot);
}

Status SessionWindowAggregateOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(), {{"sessions", &timers_}}, &watermark_);
}

}  // namespace tiangong
