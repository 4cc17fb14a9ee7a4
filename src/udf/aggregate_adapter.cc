// Plugin aggregate functions as AggregateFunctions: one plugin accumulator per
// group, updated a batch at a time and serialized into keyed state.

#include <memory>

#include <fmt/format.h>

#include "common/check.h"
#include "functions/cast.h"
#include "udf/abi_columns.h"
#include "udf/plugin_functions.h"
#include "udf/signature.h"

namespace tiangong::udf {
namespace {

// A group's accumulator: the plugin's opaque state, freed with destroy().
// The AggregateFunction that created it keeps the plugin loaded; accumulators
// never outlive the plan that holds the function.
class PluginAccumulator final : public Accumulator {
 public:
  PluginAccumulator(const tiangong_udf_function* native, void* state)
      : native_(native), state_(state) {}
  ~PluginAccumulator() override { native_->destroy(state_); }
  PluginAccumulator(const PluginAccumulator&) = delete;
  PluginAccumulator& operator=(const PluginAccumulator&) = delete;

  void* state() const { return state_; }

 private:
  const tiangong_udf_function* native_;
  void* state_;
};

void* StateOf(const Accumulator& accumulator) {
  return static_cast<const PluginAccumulator&>(accumulator).state();
}

void AppendToString(tiangong_udf_buffer* buffer, const void* data, int64_t size) {
  if (size <= 0) return;
  static_cast<std::string*>(buffer->host)
      ->append(static_cast<const char*>(data), static_cast<size_t>(size));
}

class PluginAggregate final : public AggregateFunction {
 public:
  PluginAggregate(PluginPtr plugin, const PluginFunction* function, std::string label,
                  std::vector<DataType> input_types, std::vector<DataType> argument_types)
      : AggregateFunction(function->result_type),
        plugin_(std::move(plugin)),
        native_(function->native),
        label_(std::move(label)),
        input_types_(std::move(input_types)),
        argument_types_(std::move(argument_types)) {}

  bool supports_retraction() const override { return native_->retract != nullptr; }

  std::unique_ptr<Accumulator> Create() const override {
    void* state = native_->create();
    if (state == nullptr) {
      internal::CheckFailed(__FILE__, __LINE__, "create() != NULL",
                            fmt::format("user-defined function {}: create() returned NULL (out "
                                        "of memory?)",
                                        label_));
    }
    return std::make_unique<PluginAccumulator>(native_, state);
  }

  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    if (count == 0) return Status::OK();
    // One set of buffers per thread: AggregateFunctions are shared, and one
    // Update runs to completion before the thread starts another.
    thread_local ArgumentColumns arguments;
    thread_local std::vector<void*> states;
    std::vector<VectorPtr> cast_args(args.begin(), args.end());
    size_t num_rows = 0;
    for (size_t a = 0; a < cast_args.size(); ++a) {
      num_rows = std::max(num_rows, cast_args[a]->size());
      if (!input_types_[a].EqualsIgnoringNullability(argument_types_[a])) {
        ASSIGN_OR_RAISE(cast_args[a], CastVector(cast_args[a], argument_types_[a],
                                                 cast_args[a]->size(), FunctionContext(), false));
      }
    }
    const tiangong_udf_column* columns = arguments.Export(cast_args, num_rows);
    states.resize(count);
    for (size_t i = 0; i < count; ++i) states[i] = StateOf(*accumulators[i]);

    // Consecutive rows of the same direction go in one call, so the plugin
    // sees adds and retractions in their order.
    size_t start = 0;
    while (start < count) {
      bool add = adds[start] != 0;
      size_t end = start + 1;
      while (end < count && (adds[end] != 0) == add) ++end;
      tiangong_udf_error error = EmptyError();
      tiangong_udf_aggregate_batch batch;
      batch.count = static_cast<int64_t>(end - start);
      batch.accumulators = states.data() + start;
      batch.rows = rows + start;
      batch.num_args = static_cast<int32_t>(cast_args.size());
      batch.args = columns;
      batch.error = &error;
      int32_t code;
      if (add) {
        code = native_->accumulate(&batch);
      } else if (native_->retract != nullptr) {
        code = native_->retract(&batch);
      } else {
        return Status::Internal("user-defined function {} cannot retract", label_);
      }
      if (code != TIANGONG_UDF_OK) {
        return CallFailed(label_, add ? "accumulate" : "retract", code, error, cast_args, num_rows);
      }
      start = end;
    }
    return Status::OK();
  }

  bool supports_merge() const override { return native_->merge != nullptr; }
  Status Merge(Accumulator* target, const Accumulator& source) const override {
    if (native_->merge == nullptr) {
      return Status::Unsupported(
          "User-defined aggregate function {} cannot merge accumulators (the plugin has no "
          "merge()), which session windows need",
          label_);
    }
    tiangong_udf_error error = EmptyError();
    int32_t code = native_->merge(StateOf(*target), StateOf(source), &error);
    if (code != TIANGONG_UDF_OK) return CallFailed(label_, "merge", code, error, {}, 0);
    return Status::OK();
  }

  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    thread_local ScratchBytes scratch;
    scratch.Reset();
    ValueSlot slot(&scratch);
    native_->get_value(StateOf(accumulator), slot.output());
    slot.AppendTo(result_type(), out);
  }

  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    thread_local std::string bytes;
    bytes.clear();
    tiangong_udf_buffer buffer;
    buffer.append = &AppendToString;
    buffer.host = &bytes;
    native_->serialize(StateOf(accumulator), &buffer);
    out->String(bytes);
  }

  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    std::string_view bytes = in->String();
    if (!in->ok()) {
      return Status::DataError("corrupt state of user-defined function {}", label_);
    }
    void* state = nullptr;
    tiangong_udf_error error = EmptyError();
    int32_t code =
        native_->deserialize(bytes.data(), static_cast<int64_t>(bytes.size()), &state, &error);
    if (code != TIANGONG_UDF_OK) return CallFailed(label_, "deserialize", code, error, {}, 0);
    if (state == nullptr) {
      return Status::DataError("user-defined function {}: deserialize() made no accumulator",
                               label_);
    }
    return std::unique_ptr<Accumulator>(std::make_unique<PluginAccumulator>(native_, state));
  }

 private:
  PluginPtr plugin_;  // keeps the library loaded
  const tiangong_udf_function* native_;
  std::string label_;
  std::vector<DataType> input_types_;     // as the call passes them
  std::vector<DataType> argument_types_;  // as the plugin declares them
};

}  // namespace

AggregateFunctionDefinition MakeAggregateFunction(const std::string& sql_name, PluginPtr plugin,
                                                  const PluginFunction& function) {
  const PluginFunction* declared = &function;
  AggregateFunctionDefinition definition;
  definition.name = sql_name;
  definition.signatures = {function.Signature(sql_name)};
  definition.bind = [sql_name, declared, plugin = std::move(plugin)](
                        const AggregateBindInput& input) -> Result<AggregateFunctionPtr> {
    ASSIGN_OR_RAISE(std::vector<DataType> casts,
                    MatchSignature(sql_name, *declared, input.argument_types));
    std::string label = FunctionLabel(sql_name, *declared);
    if (input.retraction && declared->native->retract == nullptr) {
      return Status::Validation(
          "User-defined aggregate function {} cannot take an updating input (the result of a "
          "GROUP BY, a join or a changelog source): the plugin does not implement retract()",
          label);
    }
    return AggregateFunctionPtr(std::make_shared<PluginAggregate>(
        plugin, declared, std::move(label), input.argument_types, std::move(casts)));
  };
  return definition;
}

}  // namespace tiangong::udf
