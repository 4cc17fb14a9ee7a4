#include "exec/source_watermarks.h"

#include <algorithm>
#include <set>

#include "common/byte_io.h"

namespace tiangong {

SourceWatermarks::SourceWatermarks(const sql::WatermarkSpec& spec,
                                   std::chrono::milliseconds idle_timeout,
                                   const FunctionContext& context)
    : watermark_(spec.watermark), idle_timeout_(idle_timeout), evaluator_(context) {}

void SourceWatermarks::AddSplits(const std::vector<SourceSplit>& splits) {
  auto now = std::chrono::steady_clock::now();
  for (const SourceSplit& split : splits) splits_[split.id].last_data = now;
  had_splits_ |= !splits.empty();
}

Status SourceWatermarks::OnBatch(const Batch& batch, const std::string& split,
                                 const std::vector<SourceSplit>& active,
                                 std::chrono::steady_clock::time_point now) {
  ASSIGN_OR_RAISE(VectorPtr values, evaluator_.Evaluate(watermark_, batch));
  int64_t highest = kMinWatermark;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    if (!values->IsNull(i)) highest = std::max(highest, values->ValueAt<int64_t>(i));
  }
  SplitState& state = splits_[split];
  state.watermark = std::max(state.watermark, highest);
  state.last_data = now;
  had_splits_ = true;
  // If every split has finished, the last one's watermark still counts.
  last_before_finish_ = Current(now);
  // Finished splits no longer hold the watermark back.
  std::set<std::string> remaining;
  for (const SourceSplit& held : active) remaining.insert(held.id);
  for (auto it = splits_.begin(); it != splits_.end();) {
    if (remaining.count(it->first) == 0 && it->first != split) {
      it = splits_.erase(it);
    } else {
      ++it;
    }
  }
  if (remaining.count(split) == 0) splits_.erase(split);
  return Status::OK();
}

bool SourceWatermarks::IsIdle(const SplitState& split,
                              std::chrono::steady_clock::time_point now) const {
  return idle_timeout_.count() > 0 && now - split.last_data >= idle_timeout_;
}

std::optional<int64_t> SourceWatermarks::Current(std::chrono::steady_clock::time_point now) const {
  std::optional<int64_t> lowest;
  for (const auto& [id, split] : splits_) {
    if (IsIdle(split, now)) continue;
    lowest = lowest ? std::min(*lowest, split.watermark) : split.watermark;
  }
  return lowest;
}

std::optional<int64_t> SourceWatermarks::TakeAdvancedWatermark(
    std::chrono::steady_clock::time_point now) {
  std::optional<int64_t> current = splits_.empty() ? last_before_finish_ : Current(now);
  if (!current || *current <= emitted_) return std::nullopt;
  emitted_ = *current;
  return emitted_;
}

std::optional<bool> SourceWatermarks::TakeIdleChange(std::chrono::steady_clock::time_point now) {
  bool idle = !Current(now).has_value();
  // With no idle timeout a subtask only idles when it never had a split.
  if (idle_timeout_.count() == 0 || splits_.empty()) idle = !had_splits_;
  if (idle == idle_) return std::nullopt;
  idle_ = idle;
  return idle;
}

std::string SourceWatermarks::Serialize() const {
  std::string bytes;
  ByteWriter writer(&bytes);
  writer.Varint(splits_.size());
  for (const auto& [id, split] : splits_) {
    writer.String(id);
    writer.Fixed(split.watermark);
  }
  return bytes;
}

Status SourceWatermarks::Restore(std::string_view bytes) {
  ByteReader reader(bytes);
  uint64_t count = reader.Varint();
  for (uint64_t i = 0; i < count && reader.ok(); ++i) {
    std::string_view id = reader.String();
    auto watermark = reader.Fixed<int64_t>();
    auto it = splits_.find(std::string(id));
    if (reader.ok() && it != splits_.end()) {
      it->second.watermark = std::max(it->second.watermark, watermark);
    }
  }
  if (!reader.ok()) return Status::DataError("corrupt source watermarks in restored state");
  return Status::OK();
}

}  // namespace tiangong
