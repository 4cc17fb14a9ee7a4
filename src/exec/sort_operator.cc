#include "exec/sort_operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "exec/sort_key.h"
#include "types/batch_builder.h"
#include "types/row_codec.h"

namespace tiangong {
namespace {

using Entry = SortOperator::Entry;

bool EntryBefore(const Entry& a, const Entry& b) {
  if (a.sort_key != b.sort_key) return a.sort_key < b.sort_key;
  return a.seq < b.seq;
}

// Rows emitted per output batch.
constexpr size_t kOutputBatchRows = 1024;

}  // namespace

// The rows of one event time that wait for the watermark.
class SortOperator::PendingRows final : public StateValue {
 public:
  void Serialize(std::string* out) const override {
    ByteWriter writer(out);
    writer.Varint(entries.size());
    for (const Entry& entry : entries) {
      writer.String(entry.sort_key);
      writer.Varint(entry.seq);
      writer.String(entry.row);
    }
  }

  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    ByteReader reader(bytes);
    auto rows = std::make_unique<PendingRows>();
    uint64_t size = reader.Varint();
    for (uint64_t i = 0; i < size && reader.ok(); ++i) {
      Entry entry;
      entry.sort_key = std::string(reader.String());
      entry.seq = reader.Varint();
      entry.row = std::string(reader.String());
      rows->entries.push_back(std::move(entry));
    }
    if (!reader.ok()) return Status::DataError("corrupt sort state");
    return std::unique_ptr<StateValue>(std::move(rows));
  }

  std::vector<Entry> entries;
};

SortOperator::SortOperator(const sql::SortNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      order_(node.order()),
      offset_(node.offset()),
      fetch_(node.fetch()),
      batch_mode_(node.batch_mode()),
      rowtime_(!node.batch_mode() && !node.order().empty() &&
               node.input()->schema()[node.order()[0].column].type.is_rowtime()),
      row_type_(sql::SchemaToRowType(node.input()->schema())),
      num_columns_(node.input()->schema().size()) {}

SortOperator::~SortOperator() = default;

Status SortOperator::Open(const OperatorContext& context) {
  metrics_ = context.metrics;
  if (rowtime_) {
    ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
    ASSIGN_OR_RAISE(pending_, backend_->Table("pending", PendingRows::Decode));
  }
  return Status::OK();
}

Entry SortOperator::MakeEntry(const Batch& batch, size_t row) {
  Entry entry;
  AppendSortKey(batch, order_, row, &entry.sort_key);
  entry.seq = next_seq_++;
  ByteWriter writer(&entry.row);
  WriteRow(batch.columns(), row, &writer);
  return entry;
}

Status SortOperator::PassFirstRows(const Batch& batch, Output* output) {
  std::vector<uint32_t> passing;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    if (!IsAccumulate(batch.row_kind(i))) {
      return Status::Unsupported("{}: LIMIT needs an append-only input, but a row retracts", name_);
    }
    if (skipped_ < offset_) {
      ++skipped_;
      continue;
    }
    if (fetch_ && emitted_ >= *fetch_) break;
    ++emitted_;
    passing.push_back(static_cast<uint32_t>(i));
  }
  if (passing.empty()) return Status::OK();
  if (passing.size() == batch.num_rows()) return output->Emit(batch);
  return output->Emit(batch.Gather(passing.data(), passing.size()));
}

void SortOperator::Prune() {
  auto keep = static_cast<size_t>(offset_ + *fetch_);
  if (rows_.size() <= 2 * keep + kOutputBatchRows) return;
  std::nth_element(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(keep), rows_.end(),
                   EntryBefore);
  rows_.resize(keep);
}

Status SortOperator::ProcessBatch(Batch batch, Output* output) {
  if (order_.empty()) return PassFirstRows(batch, output);
  size_t num_rows = batch.num_rows();
  if (batch_mode_) {
    for (size_t i = 0; i < num_rows; ++i) rows_.push_back(MakeEntry(batch, i));
    if (fetch_) Prune();
    return Status::OK();
  }
  if (!rowtime_) {
    // Processing time: the batch's rows, by the further keys.
    std::vector<Entry> entries;
    for (size_t i = 0; i < num_rows; ++i) entries.push_back(MakeEntry(batch, i));
    return EmitSorted(std::move(entries), output);
  }
  const Vector& times = *batch.column(order_[0].column);
  std::string key;
  for (size_t i = 0; i < num_rows; ++i) {
    if (!IsAccumulate(batch.row_kind(i))) {
      return Status::Unsupported(
          "{}: sorting by event time needs an append-only input, but a row retracts", name_);
    }
    if (times.IsNull(i)) return Status::DataError("{}: the event time of a row is NULL", name_);
    int64_t time = times.ValueAt<int64_t>(i);
    if (time <= watermark_) {
      if (metrics_ != nullptr) {
        metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
      }
      continue;
    }
    key.clear();
    ByteWriter(&key).Fixed<int64_t>(time);
    ASSIGN_OR_RAISE(StateValue * found, pending_->Find(key));
    if (found == nullptr) {
      ASSIGN_OR_RAISE(found, pending_->Insert(key, std::make_unique<PendingRows>()));
      timers_.Register(time, key);
    }
    static_cast<PendingRows*>(found)->entries.push_back(MakeEntry(batch, i));
    pending_->MarkChanged(key);
  }
  return pending_->Flush();
}

Status SortOperator::EmitSorted(std::vector<Entry> entries, Output* output) {
  std::sort(entries.begin(), entries.end(), EntryBefore);
  BatchBuilder out(row_type_);
  for (const Entry& entry : entries) {
    if (skipped_ < offset_) {
      ++skipped_;
      continue;
    }
    if (fetch_ && emitted_ >= *fetch_) break;
    ++emitted_;
    ByteReader reader(entry.row);
    for (size_t c = 0; c < num_columns_; ++c) {
      RETURN_NOT_OK(ReadValue(&reader, &out.column(c)));
    }
    out.FinishRow();
    if (out.num_rows() == kOutputBatchRows) RETURN_NOT_OK(output->Emit(out.Build()));
  }
  if (out.num_rows() > 0) RETURN_NOT_OK(output->Emit(out.Build()));
  return Status::OK();
}

Status SortOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (batch_mode_) return Status::OK();
  watermark_ = std::max(watermark_, watermark.timestamp);
  if (rowtime_) {
    int64_t time = 0;
    std::string key;
    while (timers_.PopDue(watermark_, &time, &key)) {
      ASSIGN_OR_RAISE(StateValue * found, pending_->Find(key));
      if (found == nullptr) continue;
      std::vector<Entry> entries = std::move(static_cast<PendingRows*>(found)->entries);
      RETURN_NOT_OK(pending_->Erase(key));
      RETURN_NOT_OK(EmitSorted(std::move(entries), output));
    }
    RETURN_NOT_OK(pending_->Flush());
  }
  return output->EmitWatermark(watermark);
}

Status SortOperator::Finish(Output* output) {
  if (batch_mode_ && !order_.empty()) RETURN_NOT_OK(EmitSorted(std::move(rows_), output));
  return output->Finish();
}

namespace {

constexpr const char* kCounts = "counts";

}  // namespace

Status SortOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                   Output* output) {
  // Streaming sorts run in one subtask: the counters are the operator's.
  std::string counts;
  ByteWriter writer(&counts);
  writer.Fixed(skipped_);
  writer.Fixed(emitted_);
  writer.Fixed(next_seq_);
  snapshot->values[kCounts] = std::move(counts);
  return SnapshotKeyedOperator(backend_.get(), {{"times", &timers_}}, &watermark_, snapshot);
}

Status SortOperator::RestoreState(const RestoredOperatorState& state) {
  for (const std::string& counts : state.Values(kCounts)) {
    ByteReader reader(counts);
    skipped_ = reader.Fixed<int64_t>();
    emitted_ = reader.Fixed<int64_t>();
    next_seq_ = reader.Fixed<uint64_t>();
    if (!reader.ok()) return Status::DataError("{}: corrupt counters in restored state", name_);
  }
  return RestoreKeyedOperator(state, backend_.get(), {{"times", &timers_}}, &watermark_);
}

}  // namespace tiangong
