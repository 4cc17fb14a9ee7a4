#include "exec/join_operator.h"

#include <fmt/format.h>

#include "common/byte_io.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// A row of a side: its bytes (row_codec), how many times it is there, and for
// an outer side how many rows of the other side it matches.
struct JoinRecord {
  std::string row;
  int64_t count = 0;
  int64_t associations = 0;
};

// Row `rows[i]` of `input` for each i; -1 gives NULL.
VectorPtr GatherOrNull(const Vector& input, const DataType& type,
                       const std::vector<int32_t>& rows) {
  bool any_null = false;
  for (int32_t row : rows) any_null |= row < 0;
  if (!any_null) {
    return Gather(input, reinterpret_cast<const uint32_t*>(rows.data()), rows.size());
  }
  VectorBuilder builder(type);
  for (int32_t row : rows) {
    if (row < 0) {
      builder.AppendNull();
    } else {
      builder.AppendFrom(input, static_cast<size_t>(row));
    }
  }
  return builder.Build();
}

bool AnyNull(const Batch& batch, const std::vector<int>& keys, size_t row) {
  for (int key : keys) {
    if (batch.column(key)->IsNull(row)) return true;
  }
  return false;
}

}  // namespace

// The rows of one key of one side.
class JoinOperator::Rows final : public StateValue {
 public:
  void Serialize(std::string* out) const override {
    ByteWriter writer(out);
    writer.Varint(records.size());
    for (const JoinRecord& record : records) {
      writer.String(record.row);
      writer.Varint(static_cast<uint64_t>(record.count));
      writer.Varint(static_cast<uint64_t>(record.associations));
    }
  }

  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    auto rows = std::make_unique<Rows>();
    ByteReader reader(bytes);
    uint64_t size = reader.Varint();
    for (uint64_t i = 0; i < size && reader.ok(); ++i) {
      JoinRecord record;
      record.row = std::string(reader.String());
      record.count = static_cast<int64_t>(reader.Varint());
      record.associations = static_cast<int64_t>(reader.Varint());
      rows->records.push_back(std::move(record));
    }
    if (!reader.ok()) return Status::DataError("corrupt join state");
    return std::unique_ptr<StateValue>(std::move(rows));
  }

  /// The record holding `row`, searched from the newest; nullptr if none.
  JoinRecord* Find(std::string_view row) {
    for (size_t i = records.size(); i-- > 0;) {
      if (records[i].row == row) return &records[i];
    }
    return nullptr;
  }

  void Remove(JoinRecord* record) {
    size_t index = record - records.data();
    if (index + 1 != records.size()) records[index] = std::move(records.back());
    records.pop_back();
  }

  std::vector<JoinRecord> records;
};

struct JoinOperator::Side {
  std::vector<int> keys;
  std::vector<DataType> types;  // of the side's columns, as the join outputs them
  bool outer = false;
  StateTable* table = nullptr;  // owned by the backend
};

JoinOperator::JoinOperator(const sql::JoinNode& node)
    : name_(fmt::format("Join({})", node.Details())),
      kind_(node.join_kind()),
      condition_(node.condition()),
      batch_mode_(node.batch_mode()),
      output_type_(sql::SchemaToRowType(node.schema())) {
  size_t num_left = node.input(0)->schema().size();
  for (int s = 0; s < 2; ++s) {
    auto side = std::make_unique<Side>();
    side->keys = s == 0 ? node.left_keys() : node.right_keys();
    side->outer = s == 0 ? node.left_outer() : node.right_outer();
    size_t begin = s == 0 ? 0 : num_left;
    size_t end = s == 0 ? num_left : node.schema().size();
    for (size_t i = begin; i < end; ++i) side->types.push_back(node.schema()[i].type);
    sides_[s] = std::move(side);
  }
}

JoinOperator::~JoinOperator() = default;

Status JoinOperator::Open(const OperatorContext& context) {
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  StateTableOptions options;
  if (context.config != nullptr) {
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
  std::vector<JoinRecord*> candidate_record;
  std::vector<uint32_t> first_candidate(num_rows + 1, 0);
  std::vector<VectorBuilder> other_builders;
  for (const DataType& type : other.types) other_builders.emplace_back(type);
  for (size_t i = 0; i < num_rows; ++i) {
    first_candidate[i] = static_cast<uint32_t>(candidate_row.size());
    if (AnyNull(batch, self.keys, i)) continue;  // NULL never equals anything
    has_key[i] = 1;
    EncodeKey(batch.columns(), self.keys, i, &keys[i]);
    ASSIGN_OR_RAISE(StateValue * found, other.table->Find(keys[i]));
    if (found == nullptr) continue;
    for (JoinRecord& record : static_cast<Rows*>(found)->records) {
      candidate_row.push_back(static_cast<uint32_t>(i));
      candidate_record.push_back(&record);
      ByteReader reader(record.row);
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
      if (matched[c]) matches += candidate_record[c]->count;
    }
    if (has_key[i]) {
      row_bytes.clear();
      ByteWriter writer(&row_bytes);
      WriteRow(batch.columns(), i, &writer);
      ASSIGN_OR_RAISE(StateValue * found, self.table->Find(keys[i]));
      if (accumulate) {
        if (found == nullptr) {
          ASSIGN_OR_RAISE(found, self.table->Insert(keys[i], std::make_unique<Rows>()));
        }
        // Inserts append: equal rows may have several records, each counted.
        static_cast<Rows*>(found)->records.push_back({row_bytes, 1, matches});
        self.table->MarkChanged(keys[i]);
      } else if (found != nullptr) {
        auto* rows = static_cast<Rows*>(found);
        if (JoinRecord* record = rows->Find(row_bytes)) {
          if (--record->count <= 0) rows->Remove(record);
        }
        if (rows->records.empty()) {
          RETURN_NOT_OK(self.table->Erase(keys[i]));
        } else {
          self.table->MarkChanged(keys[i]);
        }
      }
    }
    if (accumulate) {
      if (matches == 0) {
        // Padded now; in batch mode at the end, if the row never finds a partner.
        if (self.outer && (!batch_mode_ || !has_key[i])) emit(RowKind::kInsert, row, -1, 1);
        continue;
      }
      if (other.outer) {
        for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
          if (!matched[c]) continue;
          JoinRecord& record = *candidate_record[c];
          if (record.associations == 0 && !batch_mode_) {
            emit(RowKind::kDelete, -1, static_cast<int32_t>(c), record.count);
          }
          ++record.associations;
        }
        other.table->MarkChanged(keys[i]);
      }
      RowKind out = self.outer || other.outer ? RowKind::kInsert : kind;
      for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
        if (matched[c]) emit(out, row, static_cast<int32_t>(c), candidate_record[c]->count);
      }
      continue;
    }
    if (matches == 0) {
      if (self.outer) emit(RowKind::kDelete, row, -1, 1);
      continue;
    }
    RowKind out = self.outer ? RowKind::kDelete : kind;
    for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
      if (matched[c]) emit(out, row, static_cast<int32_t>(c), candidate_record[c]->count);
    }
    if (other.outer) {
      for (uint32_t c = first_candidate[i]; c < first_candidate[i + 1]; ++c) {
        if (!matched[c]) continue;
        JoinRecord& record = *candidate_record[c];
        if (record.associations == 1) {
          emit(RowKind::kInsert, -1, static_cast<int32_t>(c), record.count);
        }
        if (record.associations > 0) --record.associations;
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

Status JoinOperator::Finish(Output* output) {
  if (!batch_mode_) return output->Finish();
  // Batch mode: the rows of an outer side that never found a partner.
  for (int s = 0; s < 2; ++s) {
    Side& side = *sides_[s];
    if (!side.outer) continue;
    const Side& other = *sides_[1 - s];
    std::vector<VectorBuilder> builders;
    for (const DataType& type : side.types) builders.emplace_back(type);
    size_t num_rows = 0;
    RETURN_NOT_OK(side.table->ForEach([&](std::string_view, StateValue& value) -> Status {
      for (const JoinRecord& record : static_cast<Rows&>(value).records) {
        if (record.associations > 0) continue;
        for (int64_t t = 0; t < record.count; ++t) {
          ByteReader reader(record.row);
          RETURN_NOT_OK(ReadRow(&reader, &builders));
          ++num_rows;
        }
      }
      return Status::OK();
    }));
    if (num_rows == 0) continue;
    std::vector<VectorPtr> padded;
    for (const DataType& type : other.types) {
      VectorBuilder nulls(type);
      for (size_t i = 0; i < num_rows; ++i) nulls.AppendNull();
      padded.push_back(nulls.Build());
    }
    std::vector<VectorPtr> rows;
    for (VectorBuilder& builder : builders) rows.push_back(builder.Build());
    std::vector<VectorPtr> columns = s == 0 ? std::move(rows) : std::move(padded);
    const std::vector<VectorPtr>& rest = s == 0 ? padded : rows;
    columns.insert(columns.end(), rest.begin(), rest.end());
    RETURN_NOT_OK(output->Emit(Batch(std::move(columns), num_rows)));
  }
  return output->Finish();
}

}  // namespace tiangong
