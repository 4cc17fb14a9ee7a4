#include "exec/changelog_normalize_operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"
#include "types/vector_builder.h"

namespace tiangong {

// The last row of a key, as WriteRow wrote it.
class ChangelogNormalizeOperator::StoredRow final : public StateValue {
 public:
  explicit StoredRow(std::string bytes) : row(std::move(bytes)) {}

  void Serialize(std::string* out) const override { out->append(row); }

  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    return std::unique_ptr<StateValue>(std::make_unique<StoredRow>(std::string(bytes)));
  }

  std::string row;
};

ChangelogNormalizeOperator::ChangelogNormalizeOperator(const sql::ChangelogNormalizeNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())), keys_(node.keys()) {
  for (const sql::PlanField& field : node.schema()) column_types_.push_back(field.type);
}

ChangelogNormalizeOperator::~ChangelogNormalizeOperator() = default;

Status ChangelogNormalizeOperator::Open(const OperatorContext& context) {
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  StateTableOptions options;
  if (context.config != nullptr) {
    ASSIGN_OR_RAISE(options.ttl, context.config->GetDuration("table.exec.state.ttl",
                                                             std::chrono::milliseconds(0)));
  }
  drop_unchanged_ = options.ttl.count() == 0;
  ASSIGN_OR_RAISE(rows_, backend_->Table("rows", StoredRow::Decode, options));
  return Status::OK();
}

Status ChangelogNormalizeOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();
  std::vector<VectorBuilder> builders;
  for (const DataType& type : column_types_) builders.emplace_back(type);
  std::vector<RowKind> kinds;
  auto append_input_row = [&](size_t row, RowKind kind) {
    for (size_t c = 0; c < builders.size(); ++c) builders[c].AppendFrom(*batch.column(c), row);
    kinds.push_back(kind);
  };
  // The stored row is copied out before the state changes.
  auto append_stored_row = [&](const StoredRow& stored, RowKind kind) -> Status {
    ByteReader reader(stored.row);
    RETURN_NOT_OK(ReadRow(&reader, &builders));
    kinds.push_back(kind);
    return Status::OK();
  };
  std::string key;
  std::string row_bytes;
  for (size_t i = 0; i < num_rows; ++i) {
    key.clear();
    EncodeKey(batch.columns(), keys_, i, &key);
    ASSIGN_OR_RAISE(StateValue * found, rows_->Find(key));
    auto* stored = static_cast<StoredRow*>(found);
    if (!IsAccumulate(batch.row_kind(i))) {
      // -D, or -U (the row may have moved to another key): the stored row goes,
      // in full, as a -D row may carry only the key.
      if (stored == nullptr) continue;
      RETURN_NOT_OK(append_stored_row(*stored, RowKind::kDelete));
      RETURN_NOT_OK(rows_->Erase(key));
      continue;
    }
    row_bytes.clear();
    ByteWriter writer(&row_bytes);
    WriteRow(batch.columns(), i, &writer);
    if (stored == nullptr) {
      append_input_row(i, RowKind::kInsert);
      RETURN_NOT_OK(rows_->Insert(key, std::make_unique<StoredRow>(std::move(row_bytes))).status());
      continue;
    }
    if (drop_unchanged_ && stored->row == row_bytes) continue;
    RETURN_NOT_OK(append_stored_row(*stored, RowKind::kUpdateBefore));
    append_input_row(i, RowKind::kUpdateAfter);
    stored->row.swap(row_bytes);
    rows_->MarkChanged(key);
  }
  RETURN_NOT_OK(rows_->Flush());
  if (kinds.empty()) return Status::OK();
  std::vector<VectorPtr> columns;
  for (VectorBuilder& builder : builders) columns.push_back(builder.Build());
  size_t num_out = kinds.size();
  bool all_inserts = std::all_of(kinds.begin(), kinds.end(),
                                 [](RowKind kind) { return kind == RowKind::kInsert; });
  if (all_inserts) kinds.clear();
  return output->Emit(Batch(std::move(columns), num_out, std::move(kinds)));
}

Status ChangelogNormalizeOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                                 Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {}, nullptr, snapshot);
}

Status ChangelogNormalizeOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(), {}, nullptr);
}

}  // namespace tiangong
