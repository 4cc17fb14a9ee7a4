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
  ExchangeOutput(sql::Distribution distribution, std::vector<Channel*> targets,
                 std::vector<int> keys, int subtask_index);

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
};

/// Hash of the encoded key columns of every row (see types/key_encoder.h), the
/// same in every subtask and run, and the same keyed state uses.
std::vector<uint64_t> HashRows(const Batch& batch, const std::vector<int>& keys);

}  // namespace tiangong
