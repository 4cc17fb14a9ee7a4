#include "exec/join_operator.h"

#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"
#include "types/temporal.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// A record's fixed-width header: its row's size, then count, associations
// and expiry (see Rows).
constexpr size_t kRowSizeAt = 0;
constexpr size_t kCountAt = 4;
constexpr size_t kAssociationsAt = 12;
constexpr size_t kExpiryAt = 20;
constexpr size_t kRecordHeader = 28;

template <typename T>
T Load(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

template <typename T>
void Store(char* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

}  // namespace

// A record of a Rows buffer, read and updated in place; valid while the Rows
// does not change size.
struct JoinOperator::Record {
  char* at;

  std::string_view row() const { return {at + kRecordHeader, Load<uint32_t>(at + kRowSizeAt)}; }
  size_t size() const { return kRecordHeader + Load<uint32_t>(at + kRowSizeAt); }
  /// How many times the row is there.
  int64_t count() const { return Load<int64_t>(at + kCountAt); }
  void set_count(int64_t count) { Store(at + kCountAt, count); }
  /// For an outer side: how many rows of the other side it matches.
  int64_t associations() const { return Load<int64_t>(at + kAssociationsAt); }
  void set_associations(int64_t associations) { Store(at + kAssociationsAt, associations); }
  /// Interval and window joins: when the row can meet no more rows.
  int64_t expiry() const { return Load<int64_t>(at + kExpiryAt); }
};

// The rows of one key of one side, record after record in one buffer: a
// record is its header (the row's size, its count, associations and expiry)
// and the row's bytes (row_codec). One allocation per key, and a snapshot or
// a RocksDB write copies the buffer as it is.
class JoinOperator::Rows final : public StateValue {
 public:
  class Iterator {
   public:
    explicit Iterator(char* at) : at_(at) {}
    Record operator*() const { return Record{at_}; }
    Iterator& operator++() {
      at_ += Record{at_}.size();
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    char* at_;
  };

  void Serialize(std::string* out) const override { out->append(data_); }

  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    for (size_t at = 0; at < bytes.size();) {
      if (bytes.size() - at < kRecordHeader ||
          bytes.size() - at - kRecordHeader < Load<uint32_t>(bytes.data() + at + kRowSizeAt)) {
        return Status::DataError(
            "corrupt join state: a record runs past the end of its key's rows");
      }
      at += kRecordHeader + Load<uint32_t>(bytes.data() + at + kRowSizeAt);
    }
    auto rows = std::make_unique<Rows>();
    rows->data_ = bytes;
    return std::unique_ptr<StateValue>(std::move(rows));
  }

  Iterator begin() { return Iterator(data_.data()); }
  Iterator end() { return Iterator(data_.data() + data_.size()); }
  Iterator begin() const { return Iterator(const_cast<char*>(data_.data())); }
  Iterator end() const { return Iterator(const_cast<char*>(data_.data() + data_.size())); }
  bool empty() const { return data_.empty(); }

  void Append(std::string_view row, int64_t count, int64_t associations, int64_t expiry) {
    char header[kRecordHeader];
    Store(header + kRowSizeAt, static_cast<uint32_t>(row.size()));
    Store(header + kCountAt, count);
    Store(header + kAssociationsAt, associations);
    Store(header + kExpiryAt, expiry);
    data_.append(header, kRecordHeader);
    data_.append(row);
  }
  /// Appends a copy of `record` (of another Rows).
  void Append(Record record) { data_.append(record.at, record.size()); }

  /// The newest record holding `row`, if any.
  std::optional<Record> Find(std::string_view row) {
    std::optional<Record> newest;
    for (Record record : *this) {
      if (record.row() == row) newest = record;
    }
    return newest;
  }

  void Remove(Record record) { data_.erase(record.at - data_.data(), record.size()); }

  /// Removes the records for which `remove(record)` is true, in one pass.
  template <typename Remove>
  void RemoveIf(Remove remove) {
    size_t kept = 0;
    for (size_t at = 0; at < data_.size();) {
      Record record{data_.data() + at};
      size_t size = record.size();
      if (!remove(record)) {
        if (kept != at) std::memmove(data_.data() + kept, record.at, size);
        kept += size;
      }
      at += size;
    }
    data_.resize(kept);
  }

 private:
  std::string data_;
};

struct JoinOperator::Side {
  std::vector<int> keys;
  std::vector<DataType> types;  // of the side's columns, as the join outputs them
  bool outer = false;
  StateTable* table = nullptr;  // owned by the backend
  /// Interval and window joins: a row expires at the value of this column
  /// plus the offset (interval joins: its event time), or when its window
  /// fires (window joins: its window_end).
  int expiry_column = -1;
  int64_t expiry_offset = 0;
  bool expiry_at_window_end = false;
  TimerService expiry_timers;
};

JoinOperator::JoinOperator(const sql::JoinNode& node)
    : name_(fmt::format("Join({})", node.Details())),
      kind_(node.join_kind()),
      condition_(node.condition()),
      batch_mode_(node.batch_mode()),
      expiring_(node.interval().has_value() || node.window().has_value()),
      defer_padding_(node.batch_mode() || node.interval().has_value() || node.window().has_value()),
      output_type_(sql::SchemaToRowType(node.schema())) {
  if (const auto& interval = node.interval()) {
    watermark_delay_ = std::max(std::abs(interval->lower), std::abs(interval->upper));
  }
  size_t num_left = node.input(0)->schema().size();
  for (int s = 0; s < 2; ++s) {
    auto side = std::make_unique<Side>();
    side->keys = s == 0 ? node.left_keys() : node.right_keys();
    side->outer = s == 0 ? node.left_outer() : node.right_outer();
    size_t begin = s == 0 ? 0 : num_left;
    size_t end = s == 0 ? num_left : node.schema().size();
    for (size_t i = begin; i < end; ++i) side->types.push_back(node.schema()[i].type);
    if (const auto& interval = node.interval()) {
      // A left row at t meets right rows in [t + lower, t + upper]; a right row
      // at t meets left rows in [t - upper, t - lower].
      side->expiry_column = s == 0 ? interval->left_time_column : interval->right_time_column;
      side->expiry_offset = s == 0 ? interval->upper : -interval->lower;
    } else if (const auto& window = node.window()) {
      side->expiry_column = s == 0 ? window->left_window_end : window->right_window_end;
      side->expiry_at_window_end = true;
      local_time_zone_ = window->local_time_zone;
    }
    sides_[s] = std::move(side);
  }
}

JoinOperator::~JoinOperator() = default;

Status JoinOperator::Open(const OperatorContext& context) {
  zone_ = context.function_context->local_time_zone;
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  StateTableOptions options;
  // Interval and window joins clean up by the watermark, not by a TTL.
  if (context.config != nullptr && !expiring_) {
    ASSIGN_OR_RAISE(options.ttl, context.config->GetDuration("table.exec.state.ttl",
                                                             std::chrono::milliseconds(0)));
  }
  for (int s = 0; s < 2; ++s) {
    ASSIGN_OR_RAISE(sides_[s]->table,
                    backend_->Table(s == 0 ? "left" : "right", Rows::Decode, options));
  }
  return Status::OK();
}

Status JoinOperator::ProcessBatch(Batch batch, Output* output) {
  return Status::Internal("{} needs to know which input a batch comes from", name_);
}

Status JoinOperator::ProcessInputBatch(int input, Batch batch, Output* output) {
  Side& self = *sides_[input];
  Side& other = *sides_[1 - input];
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();

  // 1. Each row's candidates: the other side's rows of its key.
  std::vector<std::string> keys(num_rows);
  std::vector<uint8_t> has_key(num_rows, 0);
  std::vector<uint32_t> candidate_row;
  std::vector<Record> candidate_record;
  std::vector<uint32_t> first_candidate(num_rows + 1, 0);
  std::vector<VectorBuilder> other_builders;
  for (const DataType& type : other.types) other_builders.emplace_back(type);
  for (size_t i = 0; i < num_rows; ++i) {
    first_candidate[i] = static_cast<uint32_t>(candidate_row.size());
    if (AnyNullKey(batch.columns(), self.keys, i)) continue;  // NULL never equals anything
    has_key[i] = 1;
    EncodeKey(batch.columns(), self.keys, i, &keys[i]);
    ASSIGN_OR_RAISE(StateValue * found, other.table->Find(keys[i]));
    if (found == nullptr) continue;
    for (Record record : *static_cast<Rows*>(found)) {
      candidate_row.push_back(static_cast<uint32_t>(i));
      candidate_record.push_back(record);
      ByteReader reader(record.row());
      RETURN_NOT_OK(ReadRow(&reader, &other_builders));
    }
  }
  first_candidate[num_rows] = static_cast<uint32_t>(candidate_row.size());
  size_t num_candidates = candidate_row.size();
  std::vector<VectorPtr> other_columns;
  for (VectorBuilder& builder : other_builders) other_columns.push_back(builder.Build());

  // 2. Which candidates satisfy the rest of the condition.
  std::vector<uint8_t> matched(num_candidates, 1);
  if (condition_ && num_candidates > 0) {
    std::vector<VectorPtr> joined;
    std::vector<VectorPtr> self_columns;
    for (const VectorPtr& column : batch.columns()) {
      self_columns.push_back(Gather(*column, candidate_row.data(), num_candidates));
    }
    const auto& left = input == 0 ? self_columns : other_columns;
    const auto& right = input == 0 ? other_columns : self_columns;
    joined.insert(joined.end(), left.begin(), left.end());
    joined.insert(joined.end(), right.begin(), right.end());
    std::vector<uint32_t> selected;
    Status status =
        evaluator_->Select(condition_, Batch(std::move(joined), num_candidates), &selected);
    if (!status.ok()) return status.WithContext("in the join condition");
    std::fill(matched.begin(), matched.end(), 0);
    for (uint32_t c : selected) matched[c] = 1;
  }

  // 3. Row by row: update this side's state and the other side's match counts,
  // and emit the changes. An output row is (kind, this side's row or -1 for
  // NULLs, candidate whose other-side row it carries or -1).
  std::vector<RowKind> out_kinds;
  std::vector<int32_t> out_self;
  std::vector<int32_t> out_other;
  auto emit = [&](RowKind kind, int32_t self_row, int32_t candidate, int64_t times) {
    for (int64_t t = 0; t < times; ++t) {
      out_kinds.push_back(kind);
      out_self.push_back(self_row);
      out_other.push_back(candidate);
    }
  };
  std::string row_bytes;
  for (size_t i = 0; i < num_rows; ++i) {
    RowKind kind = batch.row_kind(i);
    bool accumulate = IsAccumulate(kind);
    auto row = static_cast<int32_t>(i);
    int64_t matches = 0;
    for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
      if (matched[c]) matches += candidate_record[c].count();
    }
    if (has_key[i]) {
      row_bytes.clear();
      ByteWriter writer(&row_bytes);
      WriteRow(batch.columns(), i, &writer);
      ASSIGN_OR_RAISE(StateValue * found, self.table->Find(keys[i]));
      int64_t expiry = 0;
      bool keep = true;
      if (expiring_) {
        ASSIGN_OR_RAISE(expiry, RowExpiry(self, batch, i));
        // A row the watermark has passed can still match rows kept, not new ones.
        keep = expiry > watermark_;
        if (keep) self.expiry_timers.Register(expiry, keys[i]);
      }
      if (accumulate && keep) {
        if (found == nullptr) {
          ASSIGN_OR_RAISE(found, self.table->Insert(keys[i], std::make_unique<Rows>()));
        }
        // Inserts append: equal rows may have several records, each counted.
        static_cast<Rows*>(found)->Append(row_bytes, 1, matches, expiry);
        self.table->MarkChanged(keys[i]);
      } else if (!keep && matches == 0 && self.outer) {
        emit(RowKind::kInsert, row, -1, 1);  // expired unmatched: padded right away
        continue;
      } else if (!accumulate && found != nullptr) {
        auto* rows = static_cast<Rows*>(found);
        if (std::optional<Record> record = rows->Find(row_bytes)) {
          if (record->count() <= 1) {
            rows->Remove(*record);
          } else {
            record->set_count(record->count() - 1);
          }
        }
        if (rows->empty()) {
          RETURN_NOT_OK(self.table->Erase(keys[i]));
        } else {
          self.table->MarkChanged(keys[i]);
        }
      }
    }
    if (accumulate) {
      if (matches == 0) {
        // Padded now; in batch mode at the end (interval joins: when the row
        // expires) if the row never finds a partner.
        if (self.outer && (!defer_padding_ || !has_key[i])) emit(RowKind::kInsert, row, -1, 1);
        continue;
      }
      if (other.outer) {
        for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
          if (!matched[c]) continue;
          Record record = candidate_record[c];
          if (record.associations() == 0 && !defer_padding_) {
            emit(RowKind::kDelete, -1, static_cast<int32_t>(c), record.count());
          }
          record.set_associations(record.associations() + 1);
        }
        other.table->MarkChanged(keys[i]);
      }
      RowKind out = self.outer || other.outer ? RowKind::kInsert : kind;
      for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
        if (matched[c]) emit(out, row, static_cast<int32_t>(c), candidate_record[c].count());
      }
      continue;
    }
    if (matches == 0) {
      if (self.outer) emit(RowKind::kDelete, row, -1, 1);
      continue;
    }
    RowKind out = self.outer ? RowKind::kDelete : kind;
    for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
      if (matched[c]) emit(out, row, static_cast<int32_t>(c), candidate_record[c].count());
    }
    if (other.outer) {
      for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
        if (!matched[c]) continue;
        Record record = candidate_record[c];
        if (record.associations() == 1) {
          emit(RowKind::kInsert, -1, static_cast<int32_t>(c), record.count());
        }
        if (record.associations() > 0) record.set_associations(record.associations() - 1);
      }
      other.table->MarkChanged(keys[i]);
    }
  }
  RETURN_NOT_OK(self.table->Flush());
  RETURN_NOT_OK(other.table->Flush());
  if (out_kinds.empty()) return Status::OK();

  // 4. The output batch: the left's columns, then the right's.
  size_t num_out = out_kinds.size();
  std::vector<VectorPtr> self_out;
  for (size_t j = 0; j < self.types.size(); ++j) {
    self_out.push_back(GatherOrNull(*batch.column(j), self.types[j], out_self));
  }
  std::vector<VectorPtr> other_out;
  for (size_t j = 0; j < other.types.size(); ++j) {
    other_out.push_back(GatherOrNull(*other_columns[j], other.types[j], out_other));
  }
  std::vector<VectorPtr> columns = input == 0 ? std::move(self_out) : std::move(other_out);
  const std::vector<VectorPtr>& rest = input == 0 ? other_out : self_out;
  columns.insert(columns.end(), rest.begin(), rest.end());
  bool all_inserts = true;
  for (RowKind kind : out_kinds) all_inserts &= kind == RowKind::kInsert;
  if (all_inserts) out_kinds.clear();
  return output->Emit(Batch(std::move(columns), num_out, std::move(out_kinds)));
}

Result<int64_t> JoinOperator::RowExpiry(const Side& side, const Batch& batch, size_t row) const {
  const Vector& column = *batch.column(side.expiry_column);
  if (column.IsNull(row)) {
    return Status::DataError("{}: the event time or window of a row is NULL", name_);
  }
  int64_t value = column.ValueAt<int64_t>(row);
  if (!side.expiry_at_window_end) return value + side.expiry_offset;
  // A window fires at its last millisecond, on the watermark's (UTC) clock.
  if (local_time_zone_) value = zone_.ToUtc(value);
  return value - kMicrosPerMilli;
}

Status JoinOperator::EmitPadded(int input, const Rows& records, Output* output) {
  const Side& side = *sides_[input];
  const Side& other = *sides_[1 - input];
  std::vector<VectorBuilder> builders;
  for (const DataType& type : side.types) builders.emplace_back(type);
  size_t num_rows = 0;
  for (Record record : records) {
    for (int64_t t = 0; t < record.count(); ++t) {
      ByteReader reader(record.row());
      RETURN_NOT_OK(ReadRow(&reader, &builders));
      ++num_rows;
    }
  }
  if (num_rows == 0) return Status::OK();
  std::vector<VectorPtr> padded;
  for (const DataType& type : other.types) {
    VectorBuilder nulls(type);
    for (size_t i = 0; i < num_rows; ++i) nulls.AppendNull();
    padded.push_back(nulls.Build());
  }
  std::vector<VectorPtr> rows;
  for (VectorBuilder& builder : builders) rows.push_back(builder.Build());
  std::vector<VectorPtr> columns = input == 0 ? std::move(rows) : std::move(padded);
  const std::vector<VectorPtr>& rest = input == 0 ? padded : rows;
  columns.insert(columns.end(), rest.begin(), rest.end());
  return output->Emit(Batch(std::move(columns), num_rows));
}

Status JoinOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (!expiring_ || batch_mode_) return output->EmitWatermark(watermark);
  watermark_ = std::max(watermark_, watermark.timestamp);
  // Rows whose partners have all arrived leave the state; unmatched rows of an
  // outer side come out padded.
  for (int s = 0; s < 2; ++s) {
    Side& side = *sides_[s];
    int64_t timer_time = 0;
    std::string key;
    std::vector<std::string> expired_keys;
    while (side.expiry_timers.PopDue(watermark_, &timer_time, &key)) expired_keys.push_back(key);
    Rows unmatched;
    for (const std::string& expired_key : expired_keys) {
      ASSIGN_OR_RAISE(StateValue * found, side.table->Find(expired_key));
      if (found == nullptr) continue;
      auto* rows = static_cast<Rows*>(found);
      rows->RemoveIf([&](Record record) {
        if (record.expiry() > watermark_) return false;
        if (side.outer && record.associations() == 0) unmatched.Append(record);
        return true;
      });
      if (rows->empty()) {
        RETURN_NOT_OK(side.table->Erase(expired_key));
      } else {
        side.table->MarkChanged(expired_key);
      }
    }
    RETURN_NOT_OK(side.table->Flush());
    RETURN_NOT_OK(EmitPadded(s, unmatched, output));
  }
  // Output rows carry the inputs' times, which trail the watermark by up to
  // the interval's bounds: hold the watermark back by as much.
  int64_t held = watermark_ == kMaxWatermark ? kMaxWatermark : watermark_ - watermark_delay_;
  return output->EmitWatermark(Watermark{held});
}

Status JoinOperator::Finish(Output* output) {
  if (!batch_mode_) return output->Finish();
  // Batch mode: the rows of an outer side that never found a partner.
  for (int s = 0; s < 2; ++s) {
    Side& side = *sides_[s];
    if (!side.outer) continue;
    // Visited values may be transient copies: keep the records.
    Rows unmatched;
    RETURN_NOT_OK(side.table->ForEach([&](std::string_view, StateValue& value) -> Status {
      for (Record record : static_cast<Rows&>(value)) {
        if (record.associations() == 0) unmatched.Append(record);
      }
      return Status::OK();
    }));
    RETURN_NOT_OK(EmitPadded(s, unmatched, output));
  }
  return output->Finish();
}

Status JoinOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                   Output* output) {
  return SnapshotKeyedOperator(
      backend_.get(), {{"left", &sides_[0]->expiry_timers}, {"right", &sides_[1]->expiry_timers}},
      &watermark_, snapshot);
}

Status JoinOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(
      state, backend_.get(),
      {{"left", &sides_[0]->expiry_timers}, {"right", &sides_[1]->expiry_timers}}, &watermark_);
}

}  // namespace tiangong
