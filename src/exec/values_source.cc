#include "exec/values_source.h"

#include <algorithm>

#include "types/batch_builder.h"

namespace tiangong {
namespace {

// Emits the rows in batches of the configured size; the split's state is the
// number of rows emitted.
class ValuesReader final : public SourceReader {
 public:
  ValuesReader(DataType type, const std::vector<std::vector<Value>>* rows, size_t batch_size)
      : type_(std::move(type)), rows_(rows), batch_size_(batch_size) {}

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (SourceSplit& split : splits) {
      next_ = split.state.empty() ? 0 : std::stoull(split.state);
      has_split_ = true;
    }
  }

  Result<ReadResult> Next(Batch* batch) override {
    if (!has_split_ || next_ >= rows_->size()) return ReadResult{ReadStatus::kEnd};
    BatchBuilder builder(type_);
    size_t end = std::min(rows_->size(), next_ + batch_size_);
    for (; next_ < end; ++next_) {
      const std::vector<Value>& row = (*rows_)[next_];
      for (size_t c = 0; c < row.size(); ++c) builder.column(c).AppendValue(row[c]);
      builder.FinishRow();
    }
    *batch = builder.Build();
    return ReadResult{ReadStatus::kBatch, {}, "values"};
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    if (!has_split_ || next_ >= rows_->size()) return {};
    return {SourceSplit{"values", std::to_string(next_)}};
  }

 private:
  DataType type_;
  const std::vector<std::vector<Value>>* rows_;  // owned by the source
  size_t batch_size_;
  bool has_split_ = false;
  size_t next_ = 0;
};

}  // namespace

ValuesSource::ValuesSource(const sql::ValuesNode& node)
    : type_(sql::SchemaToRowType(node.schema())), rows_(node.rows()) {}

Result<std::vector<SourceSplit>> ValuesSource::CreateSplits(int parallelism) const {
  return std::vector<SourceSplit>{SourceSplit{"values", ""}};
}

Result<std::unique_ptr<SourceReader>> ValuesSource::CreateReader(
    const ReaderContext& context) const {
  return std::unique_ptr<SourceReader>(
      std::make_unique<ValuesReader>(type_, &rows_, context.batch_size));
}

}  // namespace tiangong
