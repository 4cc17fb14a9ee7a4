#pragma once

#include <vector>

#include "exec/channel.h"
#include "exec/operator.h"
#include "sql/plan.h"

namespace tiangong {

/// The output of a stage's last operator when rows continue in another stage:
/// sends each batch to the downstream subtasks' channels by the exchange's
/// distribution. Watermarks and the end of input go to every channel.
class ExchangeOutput final : public Output {
 public:
  /// `targets[j]` is this subtask's channel into downstream subtask j (a single
  /// target for forward exchanges). `keys` are the hash distribution's columns.
  /// Time spent waiting for room in a full channel adds to
  /// `backpressured_micros` (may be null).
  ExchangeOutput(sql::Distribution distribution, std::vector<Channel*> targets,
                 std::vector<int> keys, int subtask_index,
                 std::atomic<int64_t>* backpressured_micros = nullptr);

  Status Emit(Batch batch) override;
  Status EmitWatermark(Watermark watermark) override;
  Status EmitWatermarkStatus(WatermarkStatus status) override;
  Status EmitBarrier(CheckpointBarrier barrier) override;
  Status Finish() override;

 private:
  Status EmitHashed(const Batch& batch);

  sql::Distribution distribution_;
  std::vector<Channel*> targets_;  // not owned
  std::vector<int> keys_;
  size_t next_target_;
  std::atomic<int64_t>* backpressured_micros_;  // not owned
};

/// Hash of the encoded key columns of every row (see types/key_encoder.h), the
/// same in every subtask and run, and the same keyed state uses.
std::vector<uint64_t> HashRows(const Batch& batch, const std::vector<int>& keys);

}  // namespace tiangong
