#pragma once

#include <memory>

#include "connectors/connector.h"
#include "exec/operator.h"

namespace tiangong {

/// The end of a pipeline: hands batches to a connector's SinkWriter and counts
/// the rows written. Watermarks and processing time go to the writer too
/// (SinkWriter::OnWatermark / OnProcessingTime); nothing is emitted downstream.
/// Checkpoints drive the writer's two-phase commit: the barrier prepares, the
/// completion commits, and a restore recovers the saved committables.
class SinkOperator final : public Operator {
 public:
  SinkOperator(std::string name, std::unique_ptr<SinkWriter> writer, ConnectorMetrics* metrics)
      : name_(std::move(name)), writer_(std::move(writer)), metrics_(metrics) {}

  std::string name() const override { return name_; }
  Status Open(const OperatorContext& context) override { return writer_->Open(); }
  Status ProcessBatch(Batch batch, Output* output) override;
  Status ProcessWatermark(Watermark watermark, Output* output) override {
    return writer_->OnWatermark(watermark.timestamp);
  }
  Status AdvanceProcessingTime(int64_t now_micros, Output* output) override {
    return writer_->OnProcessingTime(now_micros);
  }
  Status Finish(Output* output) override;
  Status SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot, Output* output) override;
  Status RestoreState(const RestoredOperatorState& state) override;
  Status NotifyCheckpointComplete(int64_t checkpoint_id) override {
    return writer_->Commit(checkpoint_id);
  }
  Status Close() override { return writer_->Close(); }

 private:
  std::string name_;
  std::unique_ptr<SinkWriter> writer_;
  ConnectorMetrics* metrics_;  // not owned
};

}  // namespace tiangong
