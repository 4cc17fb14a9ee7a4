#include "exec/accumulator_group.h"

#include "types/row_codec.h"

namespace tiangong {

std::unique_ptr<AccumulatorGroup> AccumulatorGroup::Create(
    const std::vector<sql::AggregateCall>* calls, const Batch& batch, const std::vector<int>& keys,
    size_t row) {
  std::string key_row;
  ByteWriter writer(&key_row);
  for (int key : keys) WriteValue(*batch.column(key), row, &writer);
  return CreateEmpty(calls, std::move(key_row));
}

std::unique_ptr<AccumulatorGroup> AccumulatorGroup::CreateEmpty(
    const std::vector<sql::AggregateCall>* calls, std::string key_row) {
  auto group = std::make_unique<AccumulatorGroup>(calls);
  group->key_row = std::move(key_row);
  for (const sql::AggregateCall& call : *calls) {
    group->accumulators.push_back(call.function->Create());
  }
  return group;
}

void AccumulatorGroup::Serialize(std::string* out) const {
  ByteWriter writer(out);
  writer.Fixed(count);
  writer.String(key_row);
  writer.Fixed(window_start);
  writer.Fixed(window_end);
  for (size_t c = 0; c < calls_->size(); ++c) {
    (*calls_)[c].function->Serialize(*accumulators[c], &writer);
  }
}

Result<std::unique_ptr<StateValue>> AccumulatorGroup::Decode(
    const std::vector<sql::AggregateCall>* calls, std::string_view bytes) {
  auto group = std::make_unique<AccumulatorGroup>(calls);
  ByteReader reader(bytes);
  group->count = reader.Fixed<int64_t>();
  group->key_row = std::string(reader.String());
  group->window_start = reader.Fixed<int64_t>();
  group->window_end = reader.Fixed<int64_t>();
  for (const sql::AggregateCall& call : *calls) {
    ASSIGN_OR_RAISE(std::unique_ptr<Accumulator> accumulator, call.function->Deserialize(&reader));
    group->accumulators.push_back(std::move(accumulator));
  }
  if (!reader.ok()) return Status::DataError("corrupt aggregate state");
  return std::unique_ptr<StateValue>(std::move(group));
}

Status AccumulatorGroup::AppendKey(size_t num_keys, BatchBuilder* out) const {
  ByteReader reader(key_row);
  for (size_t k = 0; k < num_keys; ++k) RETURN_NOT_OK(ReadValue(&reader, &out->column(k)));
  return Status::OK();
}

void AccumulatorGroup::AppendResults(size_t first, BatchBuilder* out) const {
  for (size_t c = 0; c < calls_->size(); ++c) {
    (*calls_)[c].function->Emit(*accumulators[c], &out->column(first + c));
  }
}

Status AccumulatorGroup::Merge(const AccumulatorGroup& other) {
  count += other.count;
  for (size_t c = 0; c < calls_->size(); ++c) {
    Status status = (*calls_)[c].function->Merge(accumulators[c].get(), *other.accumulators[c]);
    if (!status.ok()) return status.WithContext((*calls_)[c].text);
  }
  return Status::OK();
}

Status UpdateAccumulators(const std::vector<sql::AggregateCall>& calls, const Batch& batch,
                          const std::vector<uint32_t>& rows,
                          const std::vector<AccumulatorGroup*>& groups,
                          const std::vector<uint8_t>& adds) {
  std::vector<Accumulator*> accumulators;
  std::vector<uint32_t> call_rows;
  std::vector<uint8_t> call_adds;
  for (size_t c = 0; c < calls.size(); ++c) {
    const sql::AggregateCall& call = calls[c];
    accumulators.clear();
    call_rows.clear();
    call_adds.clear();
    const Vector* filter = call.filter >= 0 ? batch.column(call.filter).get() : nullptr;
    for (size_t i = 0; i < rows.size(); ++i) {
      uint32_t row = rows[i];
      if (filter != nullptr && (filter->IsNull(row) || filter->ValueAt<uint8_t>(row) == 0)) {
        continue;
      }
      accumulators.push_back(groups[i]->accumulators[c].get());
      call_rows.push_back(row);
      call_adds.push_back(adds[i]);
    }
    std::vector<VectorPtr> arguments;
    for (int argument : call.arguments) arguments.push_back(batch.column(argument));
    Status status = call.function->Update(accumulators.data(), arguments, call_rows.data(),
                                          call_adds.data(), call_rows.size());
    if (!status.ok()) return status.WithContext(call.text);
  }
  return Status::OK();
}

}  // namespace tiangong
