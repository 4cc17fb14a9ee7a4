#include "exec/sink_operator.h"

namespace tiangong {

Status SinkOperator::ProcessBatch(Batch batch, Output* output) {
  if (batch.empty()) return Status::OK();
  RETURN_NOT_OK(writer_->Write(batch));
  metrics_->records.fetch_add(static_cast<int64_t>(batch.num_rows()), std::memory_order_relaxed);
  return Status::OK();
}

Status SinkOperator::Finish(Output* output) {
  RETURN_NOT_OK(writer_->Finish());
  return output->Finish();
}

namespace {

constexpr const char* kCommittable = "committable";

}  // namespace

Status SinkOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                   Output* output) {
  ASSIGN_OR_RAISE(std::string committable, writer_->PrepareCommit(checkpoint_id));
  if (!committable.empty()) snapshot->values[kCommittable] = std::move(committable);
  return Status::OK();
}

Status SinkOperator::RestoreState(const RestoredOperatorState& state) {
  return writer_->RecoverCommittables(state.Values(kCommittable), state.restores_unkeyed);
}

}  // namespace tiangong
