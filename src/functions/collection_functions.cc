// Constructors and accessors of nested values: ARRAY[...], MAP[...], ROW(...),
// subscripts (array[i], map[key]) and CARDINALITY.

#include <fmt/format.h>

#include "functions/function_registry.h"
#include "functions/type_coercion.h"
#include "functions/vector_loops.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

Result<BoundScalarFunction> BindArray(std::span<const ArgumentInfo> args) {
  std::vector<DataType> types;
  for (const ArgumentInfo& arg : args) types.push_back(arg.type);
  std::optional<DataType> element = args.empty() ? DataType::Null() : CommonType(types);
  if (!element) return SignatureMismatch("ARRAY", args, {"ARRAY[<COMMON>, ...]"});
  if (element->id() == TypeId::kNull) element = DataType::Int();
  DataType type = DataType::Array(*element, false);
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        VectorBuilder builder(context.result_type);
        for (size_t i = 0; i < context.num_rows; ++i) {
          for (const VectorPtr& value : values) builder.child(0).AppendFrom(*value, i);
          builder.AppendList();
        }
        return VectorPtr(builder.Build());
      });
  return BoundScalarFunction{type, std::vector<DataType>(args.size(), *element), kernel, {}};
}

Result<BoundScalarFunction> BindMap(std::span<const ArgumentInfo> args) {
  if (args.empty() || args.size() % 2 != 0) {
    return SignatureMismatch("MAP", args, {"MAP[<KEY>, <VALUE>, ...]"});
  }
  std::vector<DataType> keys;
  std::vector<DataType> values;
  for (size_t i = 0; i < args.size(); ++i) (i % 2 == 0 ? keys : values).push_back(args[i].type);
  std::optional<DataType> key = CommonType(keys);
  std::optional<DataType> value = CommonType(values);
  if (!key || !value) return SignatureMismatch("MAP", args, {"MAP[<KEY>, <VALUE>, ...]"});
  DataType type = DataType::Map(*key, *value, false);
  std::vector<DataType> casts;
  for (size_t i = 0; i < args.size(); ++i) casts.push_back(i % 2 == 0 ? *key : *value);
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> args) -> Result<VectorPtr> {
        VectorBuilder builder(context.result_type);
        for (size_t i = 0; i < context.num_rows; ++i) {
          for (size_t j = 0; j + 1 < args.size(); j += 2) {
            builder.child(0).AppendFrom(*args[j], i);
            builder.child(1).AppendFrom(*args[j + 1], i);
          }
          builder.AppendList();
        }
        return VectorPtr(builder.Build());
      });
  return BoundScalarFunction{type, casts, kernel, {}};
}

Result<BoundScalarFunction> BindRow(std::span<const ArgumentInfo> args) {
  std::vector<RowField> fields;
  for (size_t i = 0; i < args.size(); ++i) {
    DataType type = args[i].type.id() == TypeId::kNull ? DataType::Int() : args[i].type;
    fields.push_back({fmt::format("EXPR${}", i), type});
  }
  std::vector<DataType> casts;
  for (const RowField& field : fields) casts.push_back(field.type);
  DataType type = DataType::Row(std::move(fields), false);
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
        for (size_t c = 0; c < values.size(); ++c) out->SetChild(c, Flatten(values[c]));
        return VectorPtr(out);
      });
  return BoundScalarFunction{type, casts, kernel, {}};
}

// array[index] (1-based) and map[key]; NULL when the index or key is absent.
Result<BoundScalarFunction> BindItem(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"<ARRAY>[<INTEGER>]", "<MAP>[<KEY>]"};
  if (args.size() != 2) return SignatureMismatch("ITEM", args, kSignatures);
  const DataType& container = args[0].type;
  if (container.id() == TypeId::kArray && args[1].type.is_integer()) {
    DataType type = container.element().WithNullable(true);
    auto kernel = MakeKernel(
        [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
          const Vector& array = *values[0];
          const Vector& index = *values[1];
          VectorBuilder builder(context.result_type);
          for (size_t i = 0; i < context.num_rows; ++i) {
            if (array.IsNull(i) || index.IsNull(i)) {
              builder.AppendNull();
              continue;
            }
            size_t slot = array.Index(i);
            int64_t position = index.ValueAt<int32_t>(i);
            uint32_t begin = array.offsets()[slot];
            uint32_t end = array.offsets()[slot + 1];
            if (position < 1 || position > end - begin) {
              builder.AppendNull();
            } else {
              builder.AppendFrom(array.child(0), begin + position - 1);
            }
          }
          return VectorPtr(builder.Build());
        });
    return BoundScalarFunction{type, {container, DataType::Int()}, kernel, {}};
  }
  if (container.id() == TypeId::kMap) {
    std::optional<DataType> key = CommonType({container.key(), args[1].type});
    if (!key) return SignatureMismatch("ITEM", args, kSignatures);
    DataType type = container.value().WithNullable(true);
    auto kernel = MakeKernel(
        [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
          const Vector& map = *values[0];
          const Vector& key = *values[1];
          VectorBuilder builder(context.result_type);
          for (size_t i = 0; i < context.num_rows; ++i) {
            if (map.IsNull(i) || key.IsNull(i)) {
              builder.AppendNull();
              continue;
            }
            Value wanted = ReadValue(key, i);
            size_t slot = map.Index(i);
            bool found = false;
            for (uint32_t e = map.offsets()[slot]; e < map.offsets()[slot + 1] && !found; ++e) {
              if (ReadValue(map.child(0), e) == wanted) {
                builder.AppendFrom(map.child(1), e);
                found = true;
              }
            }
            if (!found) builder.AppendNull();
          }
          return VectorPtr(builder.Build());
        });
    return BoundScalarFunction{type, {container, container.key()}, kernel, {}};
  }
  return SignatureMismatch("ITEM", args, kSignatures);
}

Result<BoundScalarFunction> BindCardinality(std::span<const ArgumentInfo> args) {
  if (args.size() != 1 ||
      (args[0].type.id() != TypeId::kArray && args[0].type.id() != TypeId::kMap)) {
    return SignatureMismatch("CARDINALITY", args, {"CARDINALITY(<ARRAY>)", "CARDINALITY(<MAP>)"});
  }
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& in = *values[0];
        MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
        PropagateNulls({&in}, context.num_rows, out.get());
        int32_t* counts = out->mutable_values<int32_t>();
        for (size_t i = 0; i < context.num_rows; ++i) {
          size_t slot = in.Index(i);
          counts[i] = static_cast<int32_t>(in.offsets()[slot + 1] - in.offsets()[slot]);
        }
        return VectorPtr(out);
      });
  return BoundScalarFunction{DataType::Int(args[0].type.nullable()), {}, kernel, {}};
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry* registry) {
  registry->AddScalar(ScalarFunction{"ARRAY", {"ARRAY[<COMMON>, ...]"}, BindArray});
  registry->AddScalar(ScalarFunction{"MAP", {"MAP[<KEY>, <VALUE>, ...]"}, BindMap});
  registry->AddScalar(ScalarFunction{"ROW", {"ROW(<ANY>, ...)"}, BindRow});
  registry->AddScalar(ScalarFunction{"ITEM", {"<ARRAY>[<INTEGER>]", "<MAP>[<KEY>]"}, BindItem});
  registry->AddScalar(ScalarFunction{
      "CARDINALITY", {"CARDINALITY(<ARRAY>)", "CARDINALITY(<MAP>)"}, BindCardinality});
}

}  // namespace tiangong
