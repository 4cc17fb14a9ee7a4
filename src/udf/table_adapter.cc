// Plugin table functions as TableFunctions: one eval_table() call per batch,
// rows emitted through a callback into a BatchBuilder.

#include <memory>

#include <fmt/format.h>

#include "functions/cast.h"
#include "udf/abi_columns.h"
#include "udf/plugin_functions.h"
#include "udf/signature.h"

namespace tiangong::udf {
namespace {

// What emit() needs during one eval_table() call.
struct EmitTarget {
  const DataType* row_type;
  BatchBuilder* out;
  std::vector<uint32_t>* input_rows;
  int64_t num_rows;
  int64_t last_row = 0;
  Status status;
};

int32_t EmitRow(const tiangong_udf_table_call* call, int64_t input_row,
                const tiangong_udf_value* fields) {
  auto* target = static_cast<EmitTarget*>(call->host);
  if (input_row < 0 || input_row >= target->num_rows) {
    target->status = Status::DataError("emitted a row for input row {}, but the batch has {} rows",
                                       input_row, target->num_rows);
    return TIANGONG_UDF_ERROR;
  }
  if (input_row < target->last_row) {
    target->status = Status::DataError(
        "emitted a row for input row {} after one for input row {}; rows must follow the input "
        "order",
        input_row, target->last_row);
    return TIANGONG_UDF_ERROR;
  }
  const std::vector<RowField>& columns = target->row_type->fields();
  for (size_t f = 0; f < columns.size(); ++f) {
    if (fields[f].is_null != 0 && !columns[f].type.nullable()) {
      target->out->AbandonRow();
      target->status =
          Status::DataError("emitted NULL for the NOT NULL field `{}`", columns[f].name);
      return TIANGONG_UDF_ERROR;
    }
    AppendAbiValue(fields[f], columns[f].type, &target->out->column(f));
  }
  target->out->FinishRow();
  target->input_rows->push_back(static_cast<uint32_t>(input_row));
  target->last_row = input_row;
  return TIANGONG_UDF_OK;
}

class PluginTableFunction;

class PluginTableInstance final : public TableFunctionInstance {
 public:
  PluginTableInstance(std::shared_ptr<const PluginTableFunction> function, void* instance)
      : function_(std::move(function)), instance_(instance) {}
  ~PluginTableInstance() override;

  Status Evaluate(std::span<const VectorPtr> args, size_t num_rows, BatchBuilder* out,
                  std::vector<uint32_t>* input_rows) override;

 private:
  std::shared_ptr<const PluginTableFunction> function_;
  void* instance_;
  ArgumentColumns arguments_;
};

class PluginTableFunction final : public TableFunction,
                                  public std::enable_shared_from_this<PluginTableFunction> {
 public:
  PluginTableFunction(const std::string& sql_name, PluginPtr plugin, const PluginFunction* function)
      : TableFunction(sql_name, function->result_type),
        plugin_(std::move(plugin)),
        function_(function),
        label_(FunctionLabel(sql_name, *function)) {}

  bool deterministic() const override { return function_->deterministic; }

  Result<std::unique_ptr<TableFunctionInstance>> Open() const override {
    void* instance = nullptr;
    if (native().open != nullptr) {
      tiangong_udf_error error = EmptyError();
      int32_t code = native().open(&instance, &error);
      if (code != TIANGONG_UDF_OK) return CallFailed(label_, "open", code, error, {}, 0);
    }
    return std::unique_ptr<TableFunctionInstance>(
        std::make_unique<PluginTableInstance>(shared_from_this(), instance));
  }

  const tiangong_udf_function& native() const { return *function_->native; }
  const PluginFunction& function() const { return *function_; }
  const std::string& label() const { return label_; }

 private:
  PluginPtr plugin_;  // keeps the library loaded
  const PluginFunction* function_;
  std::string label_;
};

PluginTableInstance::~PluginTableInstance() {
  if (function_->native().close != nullptr) function_->native().close(instance_);
}

Status PluginTableInstance::Evaluate(std::span<const VectorPtr> args, size_t num_rows,
                                     BatchBuilder* out, std::vector<uint32_t>* input_rows) {
  if (num_rows == 0) return Status::OK();
  const PluginFunction& function = function_->function();
  // The operator casts arguments to the bound types; cast here too so that a
  // caller passing other types still hands the plugin what it declared.
  std::vector<VectorPtr> cast_args(args.begin(), args.end());
  for (size_t a = 0; a < cast_args.size(); ++a) {
    const DataType& declared = a < function.argument_types.size() ? function.argument_types[a]
                                                                  : function.argument_types.back();
    if (!cast_args[a]->type().EqualsIgnoringNullability(declared)) {
      ASSIGN_OR_RAISE(cast_args[a],
                      CastVector(cast_args[a], declared, num_rows, FunctionContext(), false));
    }
  }
  EmitTarget target{&function_->result_type(), out, input_rows, static_cast<int64_t>(num_rows)};
  tiangong_udf_error error = EmptyError();
  tiangong_udf_table_call call;
  call.num_rows = static_cast<int64_t>(num_rows);
  call.num_args = static_cast<int32_t>(cast_args.size());
  call.args = arguments_.Export(cast_args, num_rows);
  call.emit = &EmitRow;
  call.host = &target;
  call.instance = instance_;
  call.error = &error;
  int32_t code = function_->native().eval_table(&call);
  if (!target.status.ok()) {
    return target.status.WithContext(
        fmt::format("User-defined table function {}", function_->label()));
  }
  if (code != TIANGONG_UDF_OK) {
    return CallFailed(function_->label(), "", code, error, cast_args, num_rows);
  }
  return Status::OK();
}

}  // namespace

TableFunctionDefinition MakeTableFunction(const std::string& sql_name, PluginPtr plugin,
                                          const PluginFunction& function) {
  const PluginFunction* declared = &function;
  auto table = std::make_shared<PluginTableFunction>(sql_name, std::move(plugin), declared);
  TableFunctionDefinition definition;
  definition.name = sql_name;
  definition.signatures = {function.Signature(sql_name)};
  definition.bind = [sql_name, declared, table = TableFunctionPtr(table)](
                        std::span<const ArgumentInfo> args) -> Result<BoundTableFunction> {
    std::vector<DataType> actual;
    for (const ArgumentInfo& arg : args) actual.push_back(arg.type);
    ASSIGN_OR_RAISE(std::vector<DataType> casts, MatchSignature(sql_name, *declared, actual));
    return BoundTableFunction{table, std::move(casts)};
  };
  return definition;
}

}  // namespace tiangong::udf
