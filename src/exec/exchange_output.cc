#include "exec/exchange_output.h"

#include "exec/key_groups.h"
#include "types/key_encoder.h"

namespace tiangong {

ExchangeOutput::ExchangeOutput(sql::Distribution distribution, std::vector<Channel*> targets,
                               std::vector<int> keys, int subtask_index,
                               std::atomic<int64_t>* backpressured_micros)
    : distribution_(distribution),
      targets_(std::move(targets)),
      keys_(std::move(keys)),
      // Start round-robin at a different place in every subtask.
      next_target_(static_cast<size_t>(subtask_index)),
      backpressured_micros_(backpressured_micros) {}

Status ExchangeOutput::Emit(Batch batch) {
  if (batch.empty()) return Status::OK();
  switch (distribution_) {
    case sql::Distribution::kForward:
    case sql::Distribution::kSingleton:
      return targets_[0]->Push(std::move(batch), backpressured_micros_);
    case sql::Distribution::kRebalance: {
      Channel* target = targets_[next_target_ % targets_.size()];
      ++next_target_;
      return target->Push(std::move(batch), backpressured_micros_);
    }
    case sql::Distribution::kBroadcast:
      for (Channel* target : targets_) RETURN_NOT_OK(target->Push(batch, backpressured_micros_));
      return Status::OK();
    case sql::Distribution::kHash:
      return EmitHashed(batch);
  }
  return Status::Internal("unknown distribution");
}

Status ExchangeOutput::EmitHashed(const Batch& batch) {
  std::vector<uint64_t> hashes = HashRows(batch, keys_);
  std::vector<std::vector<uint32_t>> rows(targets_.size());
  int parallelism = static_cast<int>(targets_.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    int group = KeyGroupOf(hashes[i], kDefaultMaxParallelism);
    rows[SubtaskOfKeyGroup(group, parallelism, kDefaultMaxParallelism)].push_back(
        static_cast<uint32_t>(i));
  }
  for (size_t t = 0; t < targets_.size(); ++t) {
    if (rows[t].empty()) continue;
    if (rows[t].size() == batch.num_rows()) {
      RETURN_NOT_OK(targets_[t]->Push(batch, backpressured_micros_));
    } else {
      RETURN_NOT_OK(
          targets_[t]->Push(batch.Gather(rows[t].data(), rows[t].size()), backpressured_micros_));
    }
  }
  return Status::OK();
}

Status ExchangeOutput::EmitWatermark(Watermark watermark) {
  for (Channel* target : targets_) RETURN_NOT_OK(target->Push(watermark, backpressured_micros_));
  return Status::OK();
}

Status ExchangeOutput::EmitWatermarkStatus(WatermarkStatus status) {
  for (Channel* target : targets_) RETURN_NOT_OK(target->Push(status, backpressured_micros_));
  return Status::OK();
}

Status ExchangeOutput::EmitBarrier(CheckpointBarrier barrier) {
  for (Channel* target : targets_) RETURN_NOT_OK(target->Push(barrier, backpressured_micros_));
  return Status::OK();
}

Status ExchangeOutput::Finish() {
  for (Channel* target : targets_) RETURN_NOT_OK(target->Push(EndOfInput{}, backpressured_micros_));
  return Status::OK();
}

std::vector<uint64_t> HashRows(const Batch& batch, const std::vector<int>& keys) {
  std::vector<uint64_t> hashes(batch.num_rows(), 0);
  std::string key;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    key.clear();
    EncodeKey(batch.columns(), keys, i, &key);
    hashes[i] = HashKey(key);
  }
  return hashes;
}

}  // namespace tiangong
