#include "exec/over_aggregate_operator.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "exec/sort_key.h"
#include "types/batch_builder.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"

namespace tiangong {

// A row of a partition: where it sorts, its time (for RANGE frames), its
// arrival number (ties) and its bytes.
struct OverAggregateOperator::Entry {
  std::string sort_key;
  int64_t time = 0;
  uint64_t seq = 0;
  std::string row;
};

namespace {

using Entry = OverAggregateOperator::Entry;

void WriteEntries(const std::vector<Entry>& entries, ByteWriter* writer) {
  writer->Varint(entries.size());
  for (const Entry& entry : entries) {
    writer->String(entry.sort_key);
    writer->Fixed<int64_t>(entry.time);
    writer->Varint(entry.seq);
    writer->String(entry.row);
  }
}

void ReadEntries(ByteReader* reader, std::vector<Entry>* entries) {
  uint64_t size = reader->Varint();
  for (uint64_t i = 0; i < size && reader->ok(); ++i) {
    Entry entry;
    entry.sort_key = std::string(reader->String());
    entry.time = reader->Fixed<int64_t>();
    entry.seq = reader->Varint();
    entry.row = std::string(reader->String());
    entries->push_back(std::move(entry));
  }
}

bool EntryBefore(const Entry& a, const Entry& b) {
  if (a.sort_key != b.sort_key) return a.sort_key < b.sort_key;
  return a.seq < b.seq;
}

}  // namespace

// A partition: rows waiting (event time, batch mode), the rows in the current
// frame (bounded frames) and the accumulators over the frame.
class OverAggregateOperator::Partition final : public StateValue {
 public:
  explicit Partition(std::unique_ptr<AccumulatorGroup> group) : group(std::move(group)) {}

  void Serialize(std::string* out) const override {
    ByteWriter writer(out);
    writer.Varint(next_seq);
    WriteEntries(pending, &writer);
    WriteEntries(frame, &writer);
    std::string accumulators;
    group->Serialize(&accumulators);
    writer.String(accumulators);
  }

  static Result<std::unique_ptr<StateValue>> Decode(const std::vector<sql::AggregateCall>* calls,
                                                    std::string_view bytes) {
    ByteReader reader(bytes);
    uint64_t next_seq = reader.Varint();
    std::vector<Entry> pending;
    std::vector<Entry> frame;
    ReadEntries(&reader, &pending);
    ReadEntries(&reader, &frame);
    std::string_view accumulators = reader.String();
    if (!reader.ok()) return Status::DataError("corrupt OVER aggregation state");
    ASSIGN_OR_RAISE(std::unique_ptr<StateValue> group,
                    AccumulatorGroup::Decode(calls, accumulators));
    auto partition = std::make_unique<Partition>(
        std::unique_ptr<AccumulatorGroup>(static_cast<AccumulatorGroup*>(group.release())));
    partition->next_seq = next_seq;
    partition->pending = std::move(pending);
    partition->frame = std::move(frame);
    return std::unique_ptr<StateValue>(std::move(partition));
  }

  uint64_t next_seq = 0;
  std::vector<Entry> pending;
  std::vector<Entry> frame;
  std::unique_ptr<AccumulatorGroup> group;
};

OverAggregateOperator::OverAggregateOperator(const sql::OverAggregateNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      partition_keys_(node.partition_keys()),
      order_(node.order()),
      frame_(node.frame()),
      input_type_(sql::SchemaToRowType(node.input()->schema())),
      output_type_(sql::SchemaToRowType(node.schema())),
      num_input_columns_(node.input()->schema().size()),
      rowtime_(!node.order().empty() &&
               node.input()->schema()[node.order()[0].column].type.is_rowtime()),
      batch_mode_(node.batch_mode()) {
  for (const sql::OverCall& call : node.calls()) calls_.push_back(call.aggregate);
}

OverAggregateOperator::~OverAggregateOperator() = default;

Status OverAggregateOperator::Open(const OperatorContext& context) {
  metrics_ = context.metrics;
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  ASSIGN_OR_RAISE(partitions_, backend_->Table("partitions", [this](std::string_view bytes) {
    return Partition::Decode(&calls_, bytes);
  }));
  return Status::OK();
}

Result<Batch> OverAggregateOperator::Decode(const std::vector<const Entry*>& entries) const {
  BatchBuilder builder(input_type_);
  for (const Entry* entry : entries) {
    ByteReader reader(entry->row);
    for (size_t c = 0; c < num_input_columns_; ++c) {
      RETURN_NOT_OK(ReadValue(&reader, &builder.column(c)));
    }
    builder.FinishRow();
  }
  return builder.Build();
}

Status OverAggregateOperator::ProcessRun(Partition* partition, std::vector<Entry> run,
                                         BatchBuilder* out) {
  AccumulatorGroup* group = partition->group.get();
  // Adds (1) or retracts (0) rows in the accumulators.
  auto update = [&](const std::vector<const Entry*>& entries, uint8_t add) -> Status {
    if (entries.empty()) return Status::OK();
    ASSIGN_OR_RAISE(Batch rows, Decode(entries));
    std::vector<uint32_t> indexes(entries.size());
    for (size_t i = 0; i < indexes.size(); ++i) indexes[i] = static_cast<uint32_t>(i);
    return UpdateAccumulators(calls_, rows, indexes,
                              std::vector<AccumulatorGroup*>(entries.size(), group),
                              std::vector<uint8_t>(entries.size(), add));
  };
  for (size_t i = 0; i < run.size();) {
    // Under RANGE, rows that sort equal are peers: each sees all of them.
    size_t j = i + 1;
    if (!frame_.rows) {
      while (j < run.size() && run[j].sort_key == run[i].sort_key) ++j;
    }
    std::vector<const Entry*> peers;
    for (size_t k = i; k < j; ++k) peers.push_back(&run[k]);
    RETURN_NOT_OK(update(peers, 1));
    if (!frame_.unbounded) {
      for (size_t k = i; k < j; ++k) partition->frame.push_back(run[k]);
      size_t leaving = 0;
      std::vector<Entry>& frame = partition->frame;
      if (frame_.rows) {
        int64_t keep = frame_.preceding + 1;
        if (static_cast<int64_t>(frame.size()) > keep) leaving = frame.size() - keep;
      } else {
        while (leaving < frame.size() && frame[leaving].time < run[i].time - frame_.preceding) {
          ++leaving;
        }
      }
      std::vector<const Entry*> retracted;
      for (size_t k = 0; k < leaving; ++k) retracted.push_back(&frame[k]);
      RETURN_NOT_OK(update(retracted, 0));
      frame.erase(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(leaving));
    }
    for (size_t k = i; k < j; ++k) {
      ByteReader reader(run[k].row);
      for (size_t c = 0; c < num_input_columns_; ++c) {
        RETURN_NOT_OK(ReadValue(&reader, &out->column(c)));
      }
      group->AppendResults(num_input_columns_, out);
      out->FinishRow();
    }
    i = j;
  }
  return Status::OK();
}

Status OverAggregateOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();
  bool by_arrival = !rowtime_ && !batch_mode_;
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  const Vector* times = order_.empty() ? nullptr : batch.column(order_[0].column).get();
  bool timestamp_order = times != nullptr && times->type().is_timestamp();
  // Processing time: each partition's rows of this batch form one run.
  std::unordered_map<std::string, std::vector<Entry>> runs;
  std::vector<std::string> run_order;
  std::string key;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!IsAccumulate(batch.row_kind(i))) {
      return Status::Unsupported(
          "{}: OVER aggregations need an append-only input, but a row retracts", name_);
    }
    Entry entry;
    if (by_arrival) {
      entry.time = now;
    } else if (timestamp_order && !times->IsNull(i)) {
      entry.time = times->ValueAt<int64_t>(i);
    } else if (rowtime_) {
      return Status::DataError("{}: the event time of a row is NULL", name_);
    }
    if (rowtime_ && !batch_mode_ && entry.time <= watermark_) {
      if (metrics_ != nullptr)
        metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    AppendSortKey(batch, order_, i, &entry.sort_key);
    ByteWriter writer(&entry.row);
    WriteRow(batch.columns(), i, &writer);
    key.clear();
    EncodeKey(batch.columns(), partition_keys_, i, &key);
    ASSIGN_OR_RAISE(StateValue * found, partitions_->Find(key));
    if (found == nullptr) {
      ASSIGN_OR_RAISE(found,
                      partitions_->Insert(key, std::make_unique<Partition>(AccumulatorGroup::Create(
                                                   &calls_, batch, partition_keys_, i))));
    }
    auto* partition = static_cast<Partition*>(found);
    entry.seq = partition->next_seq++;
    if (by_arrival) {
      auto [it, inserted] = runs.try_emplace(key);
      if (inserted) run_order.push_back(key);
      it->second.push_back(std::move(entry));
    } else {
      if (!batch_mode_) timers_.Register(entry.time, key);
      auto position = std::upper_bound(partition->pending.begin(), partition->pending.end(), entry,
                                       EntryBefore);
      partition->pending.insert(position, std::move(entry));
    }
    partitions_->MarkChanged(key);
  }
  BatchBuilder out(output_type_);
  for (const std::string& run_key : run_order) {
    ASSIGN_OR_RAISE(StateValue * found, partitions_->Find(run_key));
    RETURN_NOT_OK(ProcessRun(static_cast<Partition*>(found), std::move(runs[run_key]), &out));
  }
  RETURN_NOT_OK(partitions_->Flush());
  if (out.num_rows() == 0) return Status::OK();
  return output->Emit(out.Build());
}

Status OverAggregateOperator::FireUntil(int64_t time, Output* output) {
  BatchBuilder out(output_type_);
  int64_t timer_time = 0;
  std::string key;
  while (timers_.PopDue(time, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, partitions_->Find(key));
    if (found == nullptr) continue;
    auto* partition = static_cast<Partition*>(found);
    std::vector<Entry>& pending = partition->pending;
    auto end = std::find_if(pending.begin(), pending.end(),
                            [time](const Entry& entry) { return entry.time > time; });
    if (end == pending.begin()) continue;
    std::vector<Entry> run(std::make_move_iterator(pending.begin()), std::make_move_iterator(end));
    pending.erase(pending.begin(), end);
    RETURN_NOT_OK(ProcessRun(partition, std::move(run), &out));
    partitions_->MarkChanged(key);
  }
  RETURN_NOT_OK(partitions_->Flush());
  if (out.num_rows() == 0) return Status::OK();
  return output->Emit(out.Build());
}

Status OverAggregateOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (batch_mode_) return Status::OK();
  watermark_ = std::max(watermark_, watermark.timestamp);
  if (rowtime_) RETURN_NOT_OK(FireUntil(watermark_, output));
  return output->EmitWatermark(watermark);
}

Status OverAggregateOperator::Finish(Output* output) {
  if (batch_mode_) {
    // Every partition in ORDER BY order. Visited values may be transient copies:
    // they are used and dropped within the visit.
    BatchBuilder out(output_type_);
    RETURN_NOT_OK(partitions_->ForEach([&](std::string_view, StateValue& value) -> Status {
      auto& partition = static_cast<Partition&>(value);
      return ProcessRun(&partition, std::move(partition.pending), &out);
    }));
    if (out.num_rows() > 0) RETURN_NOT_OK(output->Emit(out.Build()));
  }
  return output->Finish();
}

Status OverAggregateOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                            Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {{"rows", &timers_}}, &watermark_, snapshot);
}

Status OverAggregateOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(), {{"rows", &timers_}}, &watermark_);
}

}  // namespace tiangong
