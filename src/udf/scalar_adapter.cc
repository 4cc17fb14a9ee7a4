// Plugin scalar functions as ScalarFunctions: one eval() call per batch.

#include <memory>

#include "functions/scalar_kernel.h"
#include "udf/abi_columns.h"
#include "udf/plugin_functions.h"
#include "udf/signature.h"

namespace tiangong::udf {
namespace {

// One evaluator's instance of the function (open() ... close()) and the
// buffers its calls reuse. Used by one thread.
class ScalarState final : public KernelState {
 public:
  explicit ScalarState(const tiangong_udf_function* native) : native_(native) {}
  ~ScalarState() override {
    if (opened_ && native_->close != nullptr) native_->close(instance_);
  }

  Status Open(const std::string& label) {
    if (opened_) return Status::OK();
    if (native_->open != nullptr) {
      tiangong_udf_error error = EmptyError();
      int32_t code = native_->open(&instance_, &error);
      if (code != TIANGONG_UDF_OK) return CallFailed(label, "open", code, error, {}, 0);
    }
    opened_ = true;
    return Status::OK();
  }

  void* instance() const { return instance_; }
  ArgumentColumns& arguments() { return arguments_; }
  std::vector<tiangong_udf_string>& result_strings() { return result_strings_; }

 private:
  const tiangong_udf_function* native_;
  bool opened_ = false;
  void* instance_ = nullptr;
  ArgumentColumns arguments_;
  std::vector<tiangong_udf_string> result_strings_;
};

class PluginScalarKernel final : public ScalarKernel {
 public:
  PluginScalarKernel(PluginPtr plugin, const PluginFunction* function, std::string label)
      : plugin_(std::move(plugin)), function_(function), label_(std::move(label)) {}

  Result<VectorPtr> Evaluate(const KernelContext& context,
                             std::span<const VectorPtr> args) const override {
    if (context.state != nullptr) {
      return Run(context, args, static_cast<ScalarState*>(context.state));
    }
    // Without an evaluator (constant folding): a short-lived instance.
    ScalarState state(function_->native);
    return Run(context, args, &state);
  }

  std::unique_ptr<KernelState> MakeState() const override {
    return std::make_unique<ScalarState>(function_->native);
  }

 private:
  Result<VectorPtr> Run(const KernelContext& context, std::span<const VectorPtr> args,
                        ScalarState* state) const {
    RETURN_NOT_OK(state->Open(label_));
    size_t num_rows = context.num_rows;
    ResultColumn result(context.result_type, num_rows, &state->result_strings());
    if (num_rows == 0) return result.Finish(label_);
    if (context.result_type.is_string_storage()) {
      for (const VectorPtr& arg : args) {
        if (arg->kind() == PhysicalKind::kString) result.ShareStringsOf(*arg);
      }
    }
    tiangong_udf_error error = EmptyError();
    tiangong_udf_scalar_call call;
    call.num_rows = static_cast<int64_t>(num_rows);
    call.num_args = static_cast<int32_t>(args.size());
    call.args = state->arguments().Export(args, num_rows);
    call.result = result.output();
    call.instance = state->instance();
    call.error = &error;
    int32_t code = function_->native->eval(&call);
    if (code != TIANGONG_UDF_OK) return CallFailed(label_, "", code, error, args, num_rows);
    return result.Finish(label_);
  }

  PluginPtr plugin_;  // keeps the library loaded
  const PluginFunction* function_;
  std::string label_;
};

}  // namespace

ScalarFunction MakeScalarFunction(const std::string& sql_name, PluginPtr plugin,
                                  const PluginFunction& function) {
  const PluginFunction* declared = &function;
  auto kernel = std::make_shared<PluginScalarKernel>(std::move(plugin), declared,
                                                     FunctionLabel(sql_name, function));
  ScalarFunction scalar;
  scalar.name = sql_name;
  scalar.signatures = {function.Signature(sql_name)};
  scalar.bind = [sql_name, declared, kernel = ScalarKernelPtr(kernel)](
                    std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    std::vector<DataType> actual;
    for (const ArgumentInfo& arg : args) actual.push_back(arg.type);
    ASSIGN_OR_RAISE(std::vector<DataType> casts, MatchSignature(sql_name, *declared, actual));
    CallTraits traits;
    traits.deterministic = declared->deterministic;
    traits.can_fail = true;
    return BoundScalarFunction{declared->result_type, std::move(casts), kernel, traits};
  };
  return scalar;
}

}  // namespace tiangong::udf
