#include "exec/values_source.h"

#include "types/batch_builder.h"

namespace tiangong {
namespace {

class ValuesReader final : public SourceReader {
 public:
  ValuesReader(DataType type, const std::vector<std::vector<Value>>* rows)
      : type_(std::move(type)), rows_(rows) {}

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (SourceSplit& split : splits) {
      done_ = split.state == "done";
      has_split_ = true;
    }
  }

  Result<ReadResult> Next(Batch* batch) override {
    if (!has_split_ || done_) return ReadResult{ReadStatus::kEnd};
    BatchBuilder builder(type_);
    for (const std::vector<Value>& row : *rows_) {
      for (size_t c = 0; c < row.size(); ++c) builder.column(c).AppendValue(row[c]);
      builder.FinishRow();
    }
    *batch = builder.Build();
    done_ = true;
    return ReadResult{ReadStatus::kBatch, {}, "values"};
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    if (!has_split_) return {};
    return {SourceSplit{"values", done_ ? "done" : ""}};
  }

 private:
  DataType type_;
  const std::vector<std::vector<Value>>* rows_;  // owned by the source
  bool has_split_ = false;
  bool done_ = false;
};

}  // namespace

ValuesSource::ValuesSource(const sql::ValuesNode& node)
    : type_(sql::SchemaToRowType(node.schema())), rows_(node.rows()) {}

Result<std::vector<SourceSplit>> ValuesSource::CreateSplits(int parallelism) const {
  return std::vector<SourceSplit>{SourceSplit{"values", ""}};
}

Result<std::unique_ptr<SourceReader>> ValuesSource::CreateReader(
    const ReaderContext& context) const {
  return std::unique_ptr<SourceReader>(std::make_unique<ValuesReader>(type_, &rows_));
}

}  // namespace tiangong
