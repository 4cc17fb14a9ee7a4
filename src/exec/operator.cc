#include "exec/operator.h"

#include <fmt/format.h>

namespace tiangong {

// The output of operator i: forwards into operator i + 1.
class OperatorChain::Link final : public Output {
 public:
  Link(Operator* next, Output* next_output) : next_(next), next_output_(next_output) {}
  Status Emit(Batch batch) override { return next_->ProcessBatch(std::move(batch), next_output_); }
  Status EmitWatermark(Watermark watermark) override {
    return next_->ProcessWatermark(watermark, next_output_);
  }
  Status Finish() override { return next_->Finish(next_output_); }

 private:
  Operator* next_;
  Output* next_output_;
};

OperatorChain::OperatorChain(std::vector<std::unique_ptr<Operator>> operators,
                             std::unique_ptr<Output> tail)
    : operators_(std::move(operators)), tail_(std::move(tail)) {
  // Build from the end so each link knows the output of the operator it feeds.
  links_.resize(operators_.empty() ? 0 : operators_.size() - 1);
  Output* downstream = tail_.get();
  for (size_t i = operators_.size(); i-- > 1;) {
    links_[i - 1] = std::make_unique<Link>(operators_[i].get(), downstream);
    downstream = links_[i - 1].get();
  }
}

OperatorChain::~OperatorChain() = default;

Output* OperatorChain::OutputOf(size_t i) {
  if (i + 1 < operators_.size()) return links_[i].get();
  return tail_.get();
}

Status OperatorChain::Open(const OperatorContext& context) {
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
  return operators_[0]->ProcessInputBatch(input, std::move(batch),
                                          links_.empty() ? tail_.get() : links_[0].get());
}

Status OperatorChain::ProcessWatermark(Watermark watermark) {
  if (operators_.empty()) return tail_->EmitWatermark(watermark);
  return operators_[0]->ProcessWatermark(watermark, links_.empty() ? tail_.get() : links_[0].get());
}

Status OperatorChain::AdvanceProcessingTime(int64_t now_micros) {
  for (size_t i = 0; i < operators_.size(); ++i) {
    RETURN_NOT_OK(operators_[i]->AdvanceProcessingTime(now_micros, OutputOf(i)));
  }
  return Status::OK();
}

Status OperatorChain::SnapshotOperators(int64_t checkpoint_id,
                                        std::vector<OperatorSnapshot>* snapshots) {
  snapshots->clear();
  snapshots->resize(operators_.size());
  for (size_t i = 0; i < operators_.size(); ++i) {
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
  RETURN_NOT_OK(SnapshotOperators(barrier.id, snapshots));
  return tail_->EmitBarrier(barrier);
}

Status OperatorChain::SnapshotFinal(std::vector<OperatorSnapshot>* snapshots) {
  return SnapshotOperators(kFinalCheckpointId, snapshots);
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
  return operators_[0]->Finish(links_.empty() ? tail_.get() : links_[0].get());
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
