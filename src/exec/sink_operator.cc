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

}  // namespace tiangong
