#include "connectors/scan_lookup.h"

#include <thread>
#include <unordered_map>

#include "types/key_encoder.h"

namespace tiangong {
namespace {

class ScanLookupReader final : public LookupReader {
 public:
  ScanLookupReader(const TableSource* source, std::vector<int> key_columns,
                   std::chrono::milliseconds reload_interval, std::string table)
      : source_(source),
        key_columns_(std::move(key_columns)),
        reload_interval_(reload_interval),
        table_(std::move(table)) {}

  Status Open() override { return Load(); }

  Status Lookup(const Batch& keys, BatchBuilder* out, std::vector<uint32_t>* key_rows) override {
    if (reload_interval_.count() > 0 &&
        std::chrono::steady_clock::now() - loaded_at_ >= reload_interval_) {
      RETURN_NOT_OK(Load());
    }
    std::vector<int> all_keys(keys.num_columns());
    for (size_t k = 0; k < all_keys.size(); ++k) all_keys[k] = static_cast<int>(k);
    std::string key;
    for (size_t i = 0; i < keys.num_rows(); ++i) {
      if (HasNull(keys.columns(), all_keys, i)) continue;
      key.clear();
      EncodeKey(keys.columns(), all_keys, i, &key);
      auto found = index_.find(key);
      if (found == index_.end()) continue;
      for (const auto& [batch_index, row] : found->second) {
        const Batch& batch = batches_[batch_index];
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          out->column(c).AppendFrom(*batch.column(c), row);
        }
        out->FinishRow();
        key_rows->push_back(static_cast<uint32_t>(i));
      }
    }
    return Status::OK();
  }

 private:
  static bool HasNull(const std::vector<VectorPtr>& columns, const std::vector<int>& keys,
                      size_t row) {
    for (int key : keys) {
      if (columns[key]->IsNull(row)) return true;
    }
    return false;
  }

  // Reads the whole table and indexes it by key.
  Status Load() {
    std::vector<Batch> batches;
    std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> index;
    ConnectorMetrics metrics;
    ReaderContext context;
    context.metrics = &metrics;
    ASSIGN_OR_RAISE(std::vector<SourceSplit> splits, source_->CreateSplits(1));
    ASSIGN_OR_RAISE(std::unique_ptr<SourceReader> reader, source_->CreateReader(context));
    RETURN_NOT_OK(reader->Open());
    reader->AddSplits(std::move(splits));
    std::string key;
    while (true) {
      Batch batch;
      Result<ReadResult> read = reader->Next(&batch);
      if (!read.ok()) {
        (void)reader->Close();
        return read.status().WithContext("loading lookup table " + table_);
      }
      if (read->status == ReadStatus::kEnd) break;
      if (read->status == ReadStatus::kNoData) {
        std::this_thread::sleep_for(std::max(read->retry_after, std::chrono::microseconds(100)));
        continue;
      }
      auto batch_index = static_cast<uint32_t>(batches.size());
      for (size_t row = 0; row < batch.num_rows(); ++row) {
        if (HasNull(batch.columns(), key_columns_, row)) continue;  // never matches
        key.clear();
        EncodeKey(batch.columns(), key_columns_, row, &key);
        index[key].emplace_back(batch_index, static_cast<uint32_t>(row));
      }
      batches.push_back(std::move(batch));
    }
    RETURN_NOT_OK(reader->Close());
    batches_ = std::move(batches);
    index_ = std::move(index);
    loaded_at_ = std::chrono::steady_clock::now();
    return Status::OK();
  }

  const TableSource* source_;
  std::vector<int> key_columns_;
  std::chrono::milliseconds reload_interval_;
  std::string table_;
  std::vector<Batch> batches_;
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> index_;
  std::chrono::steady_clock::time_point loaded_at_;
};

}  // namespace

std::unique_ptr<LookupReader> MakeScanLookupReader(const TableSource* source,
                                                   std::vector<int> key_columns,
                                                   std::chrono::milliseconds reload_interval,
                                                   std::string table) {
  return std::make_unique<ScanLookupReader>(source, std::move(key_columns), reload_interval,
                                            std::move(table));
}

}  // namespace tiangong
