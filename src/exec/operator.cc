#include "exec/operator.h"

#include <fmt/format.h>

namespace tiangong {

// The output of operator i: counts its rows and forwards them into operator
// i + 1, or (for the last operator) to the chain's tail.
class OperatorChain::Link final : public Output {
 public:
  Link(Operator* next, Output* next_output, OperatorMetrics* out_metrics,
       OperatorMetrics* next_metrics)
      : next_(next),
        next_output_(next_output),
        out_metrics_(out_metrics),
        next_metrics_(next_metrics) {}

  Status Emit(Batch batch) override {
    auto rows = static_cast<int64_t>(batch.num_rows());
    if (out_metrics_ != nullptr)
      out_metrics_->records_out.fetch_add(rows, std::memory_order_relaxed);
    if (next_ == nullptr) return next_output_->Emit(std::move(batch));
    if (next_metrics_ != nullptr) {
      next_metrics_->records_in.fetch_add(rows, std::memory_order_relaxed);
    }
    return next_->ProcessBatch(std::move(batch), next_output_);
  }
  Status EmitWatermark(Watermark watermark) override {
    if (next_ == nullptr) return next_output_->EmitWatermark(watermark);
    return next_->ProcessWatermark(watermark, next_output_);
  }
  Status EmitWatermarkStatus(WatermarkStatus status) override {
    return next_ == nullptr ? next_output_->EmitWatermarkStatus(status) : Status::OK();
  }
  Status EmitBarrier(CheckpointBarrier barrier) override {
    return next_ == nullptr ? next_output_->EmitBarrier(barrier) : Status::OK();
  }
  Status Finish() override {
    if (next_ == nullptr) return next_output_->Finish();
    return next_->Finish(next_output_);
  }

 private:
  Operator* next_;  // null: next_output_ is the chain's tail
  Output* next_output_;
  OperatorMetrics* out_metrics_;   // may be null
  OperatorMetrics* next_metrics_;  // may be null
};

OperatorChain::OperatorChain(std::vector<std::unique_ptr<Operator>> operators,
                             std::unique_ptr<Output> tail, OperatorMetrics* metrics)
    : operators_(std::move(operators)), tail_(std::move(tail)), metrics_(metrics) {
  // Build from the end so each link knows the output of the operator it feeds.
  links_.resize(operators_.size());
  auto metrics_of = [&](size_t i) { return metrics_ == nullptr ? nullptr : &metrics_[i]; };
  Output* downstream = tail_.get();
  for (size_t i = operators_.size(); i-- > 0;) {
    bool last = i + 1 == operators_.size();
    links_[i] = std::make_unique<Link>(last ? nullptr : operators_[i + 1].get(), downstream,
                                       metrics_of(i), last ? nullptr : metrics_of(i + 1));
    downstream = links_[i].get();
  }
}

OperatorChain::~OperatorChain() = default;

Output* OperatorChain::OutputOf(size_t i) { return links_[i].get(); }

Status OperatorChain::Open(const OperatorContext& context) {
  task_metrics_ = context.metrics;
  for (size_t i = 0; i < operators_.size(); ++i) {
    // Each operator's state gets a directory of its own.
    OperatorContext own = context;
    if (!own.state_backend.directory.empty()) {
      own.state_backend.directory += "/operator-" + std::to_string(i);
    }
    Status status = operators_[i]->Open(own);
    if (!status.ok()) return status.WithContext(operators_[i]->name());
  }
  return Status::OK();
}

Status OperatorChain::Process(Batch batch, int input) {
  if (operators_.empty()) return tail_->Emit(std::move(batch));
  if (metrics_ != nullptr) {
    metrics_[0].records_in.fetch_add(static_cast<int64_t>(batch.num_rows()),
                                     std::memory_order_relaxed);
  }
  return operators_[0]->ProcessInputBatch(input, std::move(batch), links_[0].get());
}

Status OperatorChain::ProcessWatermark(Watermark watermark) {
  if (task_metrics_ != nullptr) {
    task_metrics_->input_watermark.store(watermark.timestamp, std::memory_order_relaxed);
  }
  if (operators_.empty()) return tail_->EmitWatermark(watermark);
  return operators_[0]->ProcessWatermark(watermark, links_[0].get());
}

Status OperatorChain::AdvanceProcessingTime(int64_t now_micros) {
  for (size_t i = 0; i < operators_.size(); ++i) {
    RETURN_NOT_OK(operators_[i]->AdvanceProcessingTime(now_micros, OutputOf(i)));
  }
  return Status::OK();
}

Status OperatorChain::SnapshotOperators(int64_t checkpoint_id, SnapshotScope scope, bool finished,
                                        std::vector<OperatorSnapshot>* snapshots) {
  snapshots->clear();
  snapshots->resize(operators_.size());
  for (size_t i = 0; i < operators_.size(); ++i) {
    (*snapshots)[i].scope = scope;
    (*snapshots)[i].finished = finished;
    Status status = operators_[i]->SnapshotState(checkpoint_id, &(*snapshots)[i], OutputOf(i));
    if (!status.ok()) {
      return status.WithContext(
          fmt::format("{}: checkpoint {}", operators_[i]->name(), checkpoint_id));
    }
  }
  return Status::OK();
}

Status OperatorChain::Checkpoint(CheckpointBarrier barrier,
                                 std::vector<OperatorSnapshot>* snapshots) {
  // Savepoints are whole; checkpoints may build on the ones before.
  RETURN_NOT_OK(SnapshotOperators(
      barrier.id, barrier.savepoint ? SnapshotScope::kWhole : SnapshotScope::kIncremental,
      /*finished=*/false, snapshots));
  return tail_->EmitBarrier(barrier);
}

Status OperatorChain::SnapshotFinal(std::vector<OperatorSnapshot>* snapshots) {
  // It stands in for the subtask in every later checkpoint and savepoint.
  return SnapshotOperators(kFinalCheckpointId, SnapshotScope::kWhole, /*finished=*/true, snapshots);
}

Status OperatorChain::Restore(const std::vector<const RestoredOperatorState*>& states) {
  for (size_t i = 0; i < operators_.size() && i < states.size(); ++i) {
    if (states[i] == nullptr) continue;
    Status status = operators_[i]->RestoreState(*states[i]);
    if (!status.ok()) return status.WithContext(operators_[i]->name());
  }
  return Status::OK();
}

Status OperatorChain::NotifyCheckpointComplete(int64_t checkpoint_id) {
  for (auto& op : operators_) {
    Status status = op->NotifyCheckpointComplete(checkpoint_id);
    if (!status.ok()) return status.WithContext(op->name());
  }
  return Status::OK();
}

Status OperatorChain::Finish() {
  if (operators_.empty()) return tail_->Finish();
  return operators_[0]->Finish(links_[0].get());
}

Status OperatorChain::Close() {
  Status first;
  for (auto& op : operators_) {
    Status status = op->Close();
    if (!status.ok() && first.ok()) first = status.WithContext(op->name());
  }
  return first;
}

std::string OperatorChain::Describe() const {
  std::string text;
  for (const auto& op : operators_) {
    if (!text.empty()) text += " -> ";
    text += op->name();
  }
  return text;
}

}  // namespace tiangong
