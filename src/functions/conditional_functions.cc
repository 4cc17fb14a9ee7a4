// NULLIF, GREATEST and LEAST. IF, IFNULL and COALESCE are rewritten by the SQL
// binder into the lazy CASE and COALESCE forms, so they are not kernels.

#include "functions/function_registry.h"
#include "functions/type_coercion.h"
#include "functions/vector_loops.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// Row-wise comparison of two values of the same type, for GREATEST/LEAST.
int CompareRows(const Vector& a, size_t row_a, const Vector& b, size_t row_b) {
  switch (a.kind()) {
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      return a.ValueAt<int8_t>(row_a) < b.ValueAt<int8_t>(row_b)
                 ? -1
                 : a.ValueAt<int8_t>(row_a) > b.ValueAt<int8_t>(row_b);
    case PhysicalKind::kInt16:
      return a.ValueAt<int16_t>(row_a) < b.ValueAt<int16_t>(row_b)
                 ? -1
                 : a.ValueAt<int16_t>(row_a) > b.ValueAt<int16_t>(row_b);
    case PhysicalKind::kInt32:
      return a.ValueAt<int32_t>(row_a) < b.ValueAt<int32_t>(row_b)
                 ? -1
                 : a.ValueAt<int32_t>(row_a) > b.ValueAt<int32_t>(row_b);
    case PhysicalKind::kInt64:
      return a.ValueAt<int64_t>(row_a) < b.ValueAt<int64_t>(row_b)
                 ? -1
                 : a.ValueAt<int64_t>(row_a) > b.ValueAt<int64_t>(row_b);
    case PhysicalKind::kFloat:
      return a.ValueAt<float>(row_a) < b.ValueAt<float>(row_b)
                 ? -1
                 : a.ValueAt<float>(row_a) > b.ValueAt<float>(row_b);
    case PhysicalKind::kDouble:
      return a.ValueAt<double>(row_a) < b.ValueAt<double>(row_b)
                 ? -1
                 : a.ValueAt<double>(row_a) > b.ValueAt<double>(row_b);
    case PhysicalKind::kInt128:
      return a.ValueAt<Int128>(row_a) < b.ValueAt<Int128>(row_b)
                 ? -1
                 : a.ValueAt<Int128>(row_a) > b.ValueAt<Int128>(row_b);
    case PhysicalKind::kString:
      return a.StringAt(row_a).compare(b.StringAt(row_b));
    default:
      return 0;
  }
}

Result<BoundScalarFunction> BindNullIf(std::span<const ArgumentInfo> args) {
  std::optional<DataType> common =
      args.size() == 2 ? CommonType({args[0].type, args[1].type}) : std::nullopt;
  if (!common || common->is_nested()) {
    return SignatureMismatch("NULLIF", args, {"NULLIF(<COMPARABLE>, <COMPARABLE>)"});
  }
  DataType type = common->WithNullable(true);
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& a = *values[0];
        const Vector& b = *values[1];
        VectorBuilder builder(context.result_type);
        for (size_t i = 0; i < context.num_rows; ++i) {
          if (a.IsNull(i) || (!b.IsNull(i) && CompareRows(a, i, b, i) == 0)) {
            builder.AppendNull();
          } else {
            builder.AppendFrom(a, i);
          }
        }
        return VectorPtr(builder.Build());
      });
  return BoundScalarFunction{type, {type, type}, kernel, {}};
}

ScalarBinder BindExtreme(const char* name, int wanted_sign) {
  return [name, wanted_sign](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    std::vector<DataType> types;
    for (const ArgumentInfo& arg : args) types.push_back(arg.type);
    std::optional<DataType> common = CommonType(types);
    if (args.empty() || !common || common->is_nested()) {
      return SignatureMismatch(name, args, {std::string(name) + "(<COMPARABLE>, ...)"});
    }
    auto kernel = MakeKernel([wanted_sign](const KernelContext& context,
                                           std::span<const VectorPtr> values) -> Result<VectorPtr> {
      VectorBuilder builder(context.result_type);
      for (size_t i = 0; i < context.num_rows; ++i) {
        // Flink: NULL when any argument is NULL.
        int best = -1;
        bool has_null = false;
        for (size_t v = 0; v < values.size(); ++v) {
          if (values[v]->IsNull(i)) {
            has_null = true;
            break;
          }
          if (best < 0 || CompareRows(*values[v], i, *values[best], i) * wanted_sign > 0) {
            best = static_cast<int>(v);
          }
        }
        if (has_null) {
          builder.AppendNull();
        } else {
          builder.AppendFrom(*values[best], i);
        }
      }
      return VectorPtr(builder.Build());
    });
    return BoundScalarFunction{*common, std::vector<DataType>(args.size(), *common), kernel, {}};
  };
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry* registry) {
  registry->AddScalar(ScalarFunction{"NULLIF", {"NULLIF(<COMPARABLE>, <COMPARABLE>)"}, BindNullIf});
  registry->AddScalar(
      ScalarFunction{"GREATEST", {"GREATEST(<COMPARABLE>, ...)"}, BindExtreme("GREATEST", 1)});
  registry->AddScalar(
      ScalarFunction{"LEAST", {"LEAST(<COMPARABLE>, ...)"}, BindExtreme("LEAST", -1)});
}

}  // namespace tiangong
