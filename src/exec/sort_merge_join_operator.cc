#include "exec/sort_merge_join_operator.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "types/batch_builder.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"

namespace tiangong {
namespace {

// Row pairs evaluated and emitted at a time.
constexpr size_t kPairsPerBatch = 1024;

}  // namespace

SortMergeJoinOperator::SortMergeJoinOperator(const sql::JoinNode& node)
    : name_(fmt::format("SortMergeJoin({})", node.Details())),
      condition_(node.condition()),
      output_type_(sql::SchemaToRowType(node.schema())) {
  size_t num_left = node.input(0)->schema().size();
  for (int s = 0; s < 2; ++s) {
    Side& side = sides_[s];
    side.keys = s == 0 ? node.left_keys() : node.right_keys();
    side.outer = s == 0 ? node.left_outer() : node.right_outer();
    size_t begin = s == 0 ? 0 : num_left;
    size_t end = s == 0 ? num_left : node.schema().size();
    for (size_t i = begin; i < end; ++i) side.types.push_back(node.schema()[i].type);
  }
}

SortMergeJoinOperator::~SortMergeJoinOperator() = default;

Status SortMergeJoinOperator::Open(const OperatorContext& context) {
  evaluator_ = std::make_unique<ExpressionEvaluator>(*context.function_context);
  return Status::OK();
}

Status SortMergeJoinOperator::ProcessBatch(Batch batch, Output* output) {
  return Status::Internal("{} needs to know which input a batch comes from", name_);
}

Status SortMergeJoinOperator::ProcessInputBatch(int input, Batch batch, Output* output) {
  Side& side = sides_[input];
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    if (!IsAccumulate(batch.row_kind(i))) {
      return Status::Unsupported("{}: a batch join's input retracts a row", name_);
    }
    Row row;
    row.null_key = AnyNullKey(batch.columns(), side.keys, i);
    if (!row.null_key) EncodeKey(batch.columns(), side.keys, i, &row.key);
    ByteWriter writer(&row.bytes);
    WriteRow(batch.columns(), i, &writer);
    side.rows.push_back(std::move(row));
  }
  return Status::OK();
}

Status SortMergeJoinOperator::ProcessWatermark(Watermark watermark, Output* output) {
  return output->EmitWatermark(watermark);
}

Status SortMergeJoinOperator::EmitPairs(const std::vector<std::pair<size_t, size_t>>& pairs,
                                        Output* output) {
  if (pairs.empty()) return Status::OK();
  std::vector<Row>& left = sides_[0].rows;
  std::vector<Row>& right = sides_[1].rows;
  size_t num_left = sides_[0].types.size();
  BatchBuilder builder(output_type_);
  for (const auto& [l, r] : pairs) {
    ByteReader left_reader(left[l].bytes);
    for (size_t c = 0; c < num_left; ++c) {
      RETURN_NOT_OK(ReadValue(&left_reader, &builder.column(c)));
    }
    ByteReader right_reader(right[r].bytes);
    for (size_t c = num_left; c < builder.num_columns(); ++c) {
      RETURN_NOT_OK(ReadValue(&right_reader, &builder.column(c)));
    }
    builder.FinishRow();
  }
  Batch joined = builder.Build();
  std::vector<uint32_t> selected;
  if (condition_) {
    Status status = evaluator_->Select(condition_, joined, &selected);
    if (!status.ok()) return status.WithContext("in the join condition");
  } else {
    selected.resize(pairs.size());
    for (size_t i = 0; i < selected.size(); ++i) selected[i] = static_cast<uint32_t>(i);
  }
  for (uint32_t i : selected) {
    left[pairs[i].first].matched = true;
    right[pairs[i].second].matched = true;
  }
  if (selected.empty()) return Status::OK();
  if (selected.size() == pairs.size()) return output->Emit(std::move(joined));
  return output->Emit(joined.Gather(selected.data(), selected.size()));
}

Status SortMergeJoinOperator::EmitUnmatched(int input, Output* output) {
  const Side& side = sides_[input];
  size_t first = input == 0 ? 0 : sides_[0].types.size();
  BatchBuilder builder(output_type_);
  for (const Row& row : side.rows) {
    if (row.matched) continue;
    ByteReader reader(row.bytes);
    for (size_t c = 0; c < builder.num_columns(); ++c) {
      if (c >= first && c < first + side.types.size()) {
        RETURN_NOT_OK(ReadValue(&reader, &builder.column(c)));
      } else {
        builder.column(c).AppendNull();
      }
    }
    builder.FinishRow();
    if (builder.num_rows() == kPairsPerBatch) RETURN_NOT_OK(output->Emit(builder.Build()));
  }
  if (builder.num_rows() > 0) RETURN_NOT_OK(output->Emit(builder.Build()));
  return Status::OK();
}

Status SortMergeJoinOperator::Finish(Output* output) {
  auto by_key = [](const Row& a, const Row& b) {
    if (a.null_key != b.null_key) return b.null_key;  // NULL keys last
    return a.key < b.key;
  };
  std::vector<Row>& left = sides_[0].rows;
  std::vector<Row>& right = sides_[1].rows;
  std::stable_sort(left.begin(), left.end(), by_key);
  std::stable_sort(right.begin(), right.end(), by_key);
  std::vector<std::pair<size_t, size_t>> pairs;
  size_t l = 0;
  size_t r = 0;
  while (l < left.size() && r < right.size() && !left[l].null_key && !right[r].null_key) {
    if (left[l].key < right[r].key) {
      ++l;
    } else if (right[r].key < left[l].key) {
      ++r;
    } else {
      // The runs of equal keys on both sides: every pair.
      size_t l_end = l;
      while (l_end < left.size() && !left[l_end].null_key && left[l_end].key == left[l].key) {
        ++l_end;
      }
      size_t r_end = r;
      while (r_end < right.size() && !right[r_end].null_key && right[r_end].key == right[r].key) {
        ++r_end;
      }
      for (size_t i = l; i < l_end; ++i) {
        for (size_t j = r; j < r_end; ++j) {
          pairs.emplace_back(i, j);
          if (pairs.size() == kPairsPerBatch) {
            RETURN_NOT_OK(EmitPairs(pairs, output));
            pairs.clear();
          }
        }
      }
      l = l_end;
      r = r_end;
    }
  }
  RETURN_NOT_OK(EmitPairs(pairs, output));
  for (int s = 0; s < 2; ++s) {
    if (sides_[s].outer) RETURN_NOT_OK(EmitUnmatched(s, output));
  }
  return output->Finish();
}

}  // namespace tiangong
