#include "exec/group_aggregate_operator.h"

#include <unordered_map>

#include <fmt/format.h>

#include "common/clock.h"
#include "types/batch_builder.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"

namespace tiangong {

GroupAggregateOperator::GroupAggregateOperator(const sql::AggregateNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      grouping_(node.grouping()),
      calls_(node.calls()),
      output_type_(sql::SchemaToRowType(node.schema())),
      input_type_(sql::SchemaToRowType(node.input()->schema())),
      batch_mode_(node.batch_mode()) {}

Status GroupAggregateOperator::Open(const OperatorContext& context) {
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  StateTableOptions options;
  if (context.config != nullptr) {
    ASSIGN_OR_RAISE(options.ttl, context.config->GetDuration("table.exec.state.ttl",
                                                             std::chrono::milliseconds(0)));
    ASSIGN_OR_RAISE(bool mini_batch,
                    context.config->GetBool("table.exec.mini-batch.enabled", false));
    if (mini_batch && !batch_mode_) {
      ASSIGN_OR_RAISE(std::chrono::milliseconds latency,
                      context.config->GetDuration("table.exec.mini-batch.allow-latency",
                                                  std::chrono::milliseconds(0)));
      ASSIGN_OR_RAISE(mini_batch_rows_, context.config->GetInt("table.exec.mini-batch.size", -1));
      if (latency.count() <= 0 || mini_batch_rows_ <= 0) {
        return Status::Invalid(
            "With 'table.exec.mini-batch.enabled', 'table.exec.mini-batch.allow-latency' and "
            "'table.exec.mini-batch.size' must be greater than 0, but they are {} ms and {}",
            latency.count(), mini_batch_rows_);
      }
      mini_batch_latency_micros_ = latency.count() * 1000;
    }
  }
  ASSIGN_OR_RAISE(groups_, backend_->Table(
                               "groups",
                               [this](std::string_view bytes) {
                                 return AccumulatorGroup::Decode(&calls_, bytes);
                               },
                               options));
  return Status::OK();
}

Status GroupAggregateOperator::ProcessBatch(Batch batch, Output* output) {
  if (batch.num_rows() == 0) return Status::OK();
  if (mini_batch_rows_ == 0) return Aggregate(batch, output);
  if (held_.empty()) held_since_micros_ = WallClockMicros();
  held_rows_ += static_cast<int64_t>(batch.num_rows());
  held_.push_back(std::move(batch));
  if (held_rows_ >= mini_batch_rows_) return FlushMiniBatch(output);
  return Status::OK();
}

Status GroupAggregateOperator::FlushMiniBatch(Output* output) {
  if (held_.empty()) return Status::OK();
  Batch batch = ConcatenateBatches(held_, input_type_);
  held_.clear();
  held_rows_ = 0;
  return Aggregate(batch, output);
}

Status GroupAggregateOperator::ProcessWatermark(Watermark watermark, Output* output) {
  RETURN_NOT_OK(FlushMiniBatch(output));
  return output->EmitWatermark(watermark);
}

Status GroupAggregateOperator::AdvanceProcessingTime(int64_t now_micros, Output* output) {
  if (held_.empty() || now_micros - held_since_micros_ < mini_batch_latency_micros_) {
    return Status::OK();
  }
  return FlushMiniBatch(output);
}

Status GroupAggregateOperator::Aggregate(const Batch& batch, Output* output) {
  size_t num_rows = batch.num_rows();
  saw_input_ = true;
  // Rows to groups: one slot per distinct key in this batch.
  struct Slot {
    std::string key;
    AccumulatorGroup* state = nullptr;
    std::unique_ptr<AccumulatorGroup> created;  // a group new in this batch
    bool existed = false;
    int before = -1;  // its row in `before` (existing groups)
  };
  std::vector<Slot> slots;
  std::unordered_map<std::string, uint32_t> slot_of_key;
  std::vector<uint32_t> slot_of_row(num_rows);
  std::string key;
  for (size_t i = 0; i < num_rows; ++i) {
    key.clear();
    EncodeKey(batch.columns(), grouping_, i, &key);
    auto [it, inserted] = slot_of_key.emplace(key, static_cast<uint32_t>(slots.size()));
    if (inserted) {
      Slot slot;
      slot.key = key;
      ASSIGN_OR_RAISE(StateValue * found, groups_->Find(key));
      if (found != nullptr) {
        slot.state = static_cast<AccumulatorGroup*>(found);
        slot.existed = true;
      } else {
        slot.created = AccumulatorGroup::Create(&calls_, batch, grouping_, i);
        slot.state = slot.created.get();
      }
      slots.push_back(std::move(slot));
    }
    slot_of_row[i] = it->second;
  }
  // The results of existing groups before this batch.
  std::vector<VectorBuilder> before_builders;
  for (const sql::AggregateCall& call : calls_)
    before_builders.emplace_back(call.function->result_type());
  int num_before = 0;
  if (!batch_mode_) {
    for (Slot& slot : slots) {
      if (!slot.existed) continue;
      slot.before = num_before++;
      for (size_t c = 0; c < calls_.size(); ++c) {
        calls_[c].function->Emit(*slot.state->accumulators[c], &before_builders[c]);
      }
    }
  }
  // Accumulate (+I, +U) and retract (-U, -D), one call per aggregate.
  std::vector<uint8_t> adds(num_rows);
  for (size_t i = 0; i < num_rows; ++i) {
    adds[i] = IsAccumulate(batch.row_kind(i)) ? 1 : 0;
    slots[slot_of_row[i]].state->count += adds[i] ? 1 : -1;
  }
  std::vector<uint32_t> rows(num_rows);
  std::vector<AccumulatorGroup*> groups(num_rows);
  for (size_t i = 0; i < num_rows; ++i) {
    rows[i] = static_cast<uint32_t>(i);
    groups[i] = slots[slot_of_row[i]].state;
  }
  RETURN_NOT_OK(UpdateAccumulators(calls_, batch, rows, groups, adds));
  if (batch_mode_) {
    for (Slot& slot : slots) {
      if (slot.created)
        RETURN_NOT_OK(groups_->Insert(slot.key, std::move(slot.created)).status());
      else
        groups_->MarkChanged(slot.key);
    }
    return groups_->Flush();
  }
  // The new results, and the changes they make.
  std::vector<VectorBuilder> after_builders;
  for (const sql::AggregateCall& call : calls_)
    after_builders.emplace_back(call.function->result_type());
  std::vector<int> after_row(slots.size(), -1);
  int num_after = 0;
  for (size_t s = 0; s < slots.size(); ++s) {
    if (slots[s].state->count <= 0) continue;
    after_row[s] = num_after++;
    for (size_t c = 0; c < calls_.size(); ++c) {
      calls_[c].function->Emit(*slots[s].state->accumulators[c], &after_builders[c]);
    }
  }
  std::vector<VectorPtr> before;
  std::vector<VectorPtr> after;
  for (VectorBuilder& builder : before_builders) before.push_back(builder.Build());
  for (VectorBuilder& builder : after_builders) after.push_back(builder.Build());
  BatchBuilder out(output_type_);
  std::vector<VectorBuilder*> key_builders;
  auto append = [&](const Slot& slot, const std::vector<VectorPtr>& values, int row,
                    RowKind kind) -> Status {
    RETURN_NOT_OK(slot.state->AppendKey(grouping_.size(), &out));
    for (size_t c = 0; c < calls_.size(); ++c) {
      out.column(grouping_.size() + c).AppendFrom(*values[c], static_cast<size_t>(row));
    }
    out.FinishRow(kind);
    return Status::OK();
  };
  std::string old_value;
  std::string new_value;
  for (size_t s = 0; s < slots.size(); ++s) {
    Slot& slot = slots[s];
    if (slot.state->count <= 0) {
      if (slot.existed) {
        RETURN_NOT_OK(append(slot, before, slot.before, RowKind::kDelete));
        RETURN_NOT_OK(groups_->Erase(slot.key));
      }
      continue;
    }
    if (!slot.existed) {
      RETURN_NOT_OK(append(slot, after, after_row[s], RowKind::kInsert));
      RETURN_NOT_OK(groups_->Insert(slot.key, std::move(slot.created)).status());
      continue;
    }
    bool changed = false;
    for (size_t c = 0; c < calls_.size() && !changed; ++c) {
      old_value.clear();
      new_value.clear();
      EncodeKeyValue(*before[c], static_cast<size_t>(slot.before), &old_value);
      EncodeKeyValue(*after[c], static_cast<size_t>(after_row[s]), &new_value);
      changed = old_value != new_value;
    }
    if (changed) {
      RETURN_NOT_OK(append(slot, before, slot.before, RowKind::kUpdateBefore));
      RETURN_NOT_OK(append(slot, after, after_row[s], RowKind::kUpdateAfter));
    }
    groups_->MarkChanged(slot.key);
  }
  RETURN_NOT_OK(groups_->Flush());
  if (out.num_rows() == 0) return Status::OK();
  return output->Emit(out.Build());
}

Status GroupAggregateOperator::Finish(Output* output) {
  RETURN_NOT_OK(FlushMiniBatch(output));
  if (batch_mode_) {
    // The final row of every group; a global aggregate has one even without input.
    BatchBuilder out(output_type_);
    Status status = groups_->ForEach([&](std::string_view key, StateValue& value) -> Status {
      auto& group = static_cast<AccumulatorGroup&>(value);
      if (group.count <= 0) return Status::OK();
      RETURN_NOT_OK(group.AppendKey(grouping_.size(), &out));
      group.AppendResults(grouping_.size(), &out);
      out.FinishRow();
      return Status::OK();
    });
    RETURN_NOT_OK(status);
    if (grouping_.empty() && !saw_input_) {
      for (size_t c = 0; c < calls_.size(); ++c) {
        calls_[c].function->Emit(*calls_[c].function->Create(), &out.column(c));
      }
      out.FinishRow();
    }
    if (out.num_rows() > 0) RETURN_NOT_OK(output->Emit(out.Build()));
  }
  return output->Finish();
}

Status GroupAggregateOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                             Output* output) {
  // Rows held for a mini-batch belong before the barrier.
  if (!held_.empty()) RETURN_NOT_OK(FlushMiniBatch(output));
  return SnapshotKeyedOperator(backend_.get(), {}, nullptr, snapshot);
}

Status GroupAggregateOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(), {}, nullptr);
}

}  // namespace tiangong
