// Comparison and boolean operators: = <> < <= > >=, IS [NOT] NULL/TRUE/FALSE,
// IS [NOT] DISTINCT FROM, NOT, and IN over a constant list. Operands are compared
// in their common type; NULL operands give NULL (three-valued logic).

#include <unordered_set>

#include <fmt/format.h>

#include "functions/cast.h"
#include "functions/function_registry.h"
#include "functions/type_coercion.h"
#include "functions/vector_loops.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

enum class CompareOp { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

template <typename T>
bool Apply(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::kEqual:
      return a == b;
    case CompareOp::kNotEqual:
      return a != b;
    case CompareOp::kLess:
      return a < b;
    case CompareOp::kLessEqual:
      return a <= b;
    case CompareOp::kGreater:
      return a > b;
    case CompareOp::kGreaterEqual:
      return a >= b;
  }
  return false;
}

template <typename T>
VectorPtr CompareFixed(CompareOp op, const Vector& a, const Vector& b, const DataType& type,
                       size_t n) {
  switch (op) {
    case CompareOp::kEqual:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x == y; });
    case CompareOp::kNotEqual:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x != y; });
    case CompareOp::kLess:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x < y; });
    case CompareOp::kLessEqual:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x <= y; });
    case CompareOp::kGreater:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x > y; });
    case CompareOp::kGreaterEqual:
      return BinaryLoop<T, T, uint8_t>(a, b, type, n, [](T x, T y) -> uint8_t { return x >= y; });
  }
  return nullptr;
}

// Compares values of any type row by row through Value (nested types).
VectorPtr CompareValues(CompareOp op, const Vector& a, const Vector& b, const DataType& type,
                        size_t n) {
  return BooleanLoop({&a, &b}, type, n, [&](size_t row) {
    bool equal = ReadValue(a, row) == ReadValue(b, row);
    return op == CompareOp::kEqual ? equal : !equal;
  });
}

VectorPtr Compare(CompareOp op, PhysicalKind kind, const Vector& a, const Vector& b,
                  const DataType& type, size_t n) {
  switch (kind) {
    case PhysicalKind::kBool:
      return CompareFixed<uint8_t>(op, a, b, type, n);
    case PhysicalKind::kInt8:
      return CompareFixed<int8_t>(op, a, b, type, n);
    case PhysicalKind::kInt16:
      return CompareFixed<int16_t>(op, a, b, type, n);
    case PhysicalKind::kInt32:
      return CompareFixed<int32_t>(op, a, b, type, n);
    case PhysicalKind::kInt64:
      return CompareFixed<int64_t>(op, a, b, type, n);
    case PhysicalKind::kFloat:
      return CompareFixed<float>(op, a, b, type, n);
    case PhysicalKind::kDouble:
      return CompareFixed<double>(op, a, b, type, n);
    case PhysicalKind::kInt128:
      return CompareFixed<Int128>(op, a, b, type, n);
    case PhysicalKind::kString:
      return CompareFixed<std::string_view>(op, a, b, type, n);
    default:
      return CompareValues(op, a, b, type, n);
  }
}

const char* CompareName(CompareOp op) {
  static const char* kNames[] = {"=", "<>", "<", "<=", ">", ">="};
  return kNames[static_cast<int>(op)];
}

Result<BoundScalarFunction> BindCompare(CompareOp op, std::span<const ArgumentInfo> args) {
  const char* name = CompareName(op);
  if (args.size() != 2) {
    return SignatureMismatch(name, args, {fmt::format("<COMPARABLE> {} <COMPARABLE>", name)});
  }
  std::optional<DataType> common = CommonType({args[0].type, args[1].type});
  bool ordering = op != CompareOp::kEqual && op != CompareOp::kNotEqual;
  if (!common || (ordering && common->is_nested())) {
    return Status::Validation(
        "Cannot apply '{}' to arguments of type '<{}> {} <{}>'. Supported form(s): "
        "'<COMPARABLE_TYPE> {} <COMPARABLE_TYPE>'",
        name, args[0].type.WithNullable(true).ToString(), name,
        args[1].type.WithNullable(true).ToString(), name);
  }
  DataType operand = *common;
  if (operand.id() == TypeId::kNull) operand = DataType::Boolean();
  DataType result = DataType::Boolean(args[0].type.nullable() || args[1].type.nullable());
  PhysicalKind kind = PhysicalKindOf(operand.id());
  auto kernel = MakeKernel([op, kind](const KernelContext& context,
                                      std::span<const VectorPtr> values) -> Result<VectorPtr> {
    return Compare(op, kind, *values[0], *values[1], context.result_type, context.num_rows);
  });
  return BoundScalarFunction{result, {operand, operand}, kernel, {}};
}

// IS [NOT] NULL, IS [NOT] TRUE, IS [NOT] FALSE: never NULL themselves.
template <typename Predicate>
ScalarFunction IsFunction(std::string name, bool needs_boolean, Predicate predicate) {
  std::string signature =
      needs_boolean ? fmt::format("<BOOLEAN> {}", name) : fmt::format("<ANY> {}", name);
  return ScalarFunction{
      name,
      {signature},
      [name, signature, needs_boolean,
       predicate](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
        if (args.size() != 1 || (needs_boolean && args[0].type.id() != TypeId::kBoolean &&
                                 args[0].type.id() != TypeId::kNull)) {
          return SignatureMismatch(name, args, {signature});
        }
        auto kernel =
            MakeKernel([predicate](const KernelContext& context,
                                   std::span<const VectorPtr> values) -> Result<VectorPtr> {
              const Vector& in = *values[0];
              MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
              uint8_t* flags = out->mutable_values<uint8_t>();
              for (size_t i = 0; i < context.num_rows; ++i) flags[i] = predicate(in, i) ? 1 : 0;
              return VectorPtr(out);
            });
        std::vector<DataType> casts;
        if (needs_boolean) casts = {DataType::Boolean()};
        return BoundScalarFunction{DataType::Boolean(false), casts, kernel, {}};
      }};
}

bool IsTrueValue(const Vector& in, size_t row) {
  return !in.IsNull(row) && in.ValueAt<uint8_t>(row) != 0;
}
bool IsFalseValue(const Vector& in, size_t row) {
  return !in.IsNull(row) && in.ValueAt<uint8_t>(row) == 0;
}

Result<BoundScalarFunction> BindDistinctFrom(bool negated, std::span<const ArgumentInfo> args) {
  const char* name = negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM";
  std::optional<DataType> common =
      args.size() == 2 ? CommonType({args[0].type, args[1].type}) : std::nullopt;
  if (!common) {
    return SignatureMismatch(name, args, {fmt::format("<COMPARABLE> {} <COMPARABLE>", name)});
  }
  DataType operand = common->id() == TypeId::kNull ? DataType::Boolean() : *common;
  PhysicalKind kind = PhysicalKindOf(operand.id());
  auto kernel = MakeKernel([negated, kind](const KernelContext& context,
                                           std::span<const VectorPtr> values) -> Result<VectorPtr> {
    const Vector& a = *values[0];
    const Vector& b = *values[1];
    size_t n = context.num_rows;
    VectorPtr equal = Compare(CompareOp::kEqual, kind, a, b, context.result_type, n);
    MutableVectorPtr out = Vector::Make(context.result_type, n);
    uint8_t* flags = out->mutable_values<uint8_t>();
    for (size_t i = 0; i < n; ++i) {
      bool a_null = a.IsNull(i);
      bool b_null = b.IsNull(i);
      bool same = (a_null && b_null) || (!a_null && !b_null && equal->ValueAt<uint8_t>(i) != 0);
      flags[i] = (negated ? same : !same) ? 1 : 0;
    }
    return VectorPtr(out);
  });
  return BoundScalarFunction{DataType::Boolean(false), {operand, operand}, kernel, {}};
}

Result<BoundScalarFunction> BindNot(std::span<const ArgumentInfo> args) {
  if (args.size() != 1 ||
      (args[0].type.id() != TypeId::kBoolean && args[0].type.id() != TypeId::kNull)) {
    return SignatureMismatch("NOT", args, {"NOT <BOOLEAN>"});
  }
  DataType result = DataType::Boolean(args[0].type.nullable());
  auto kernel = MakeKernel([](const KernelContext& context,
                              std::span<const VectorPtr> values) -> Result<VectorPtr> {
    return VectorPtr(UnaryLoop<uint8_t, uint8_t>(*values[0], context.result_type, context.num_rows,
                                                 [](uint8_t v) -> uint8_t { return v == 0; }));
  });
  return BoundScalarFunction{result, {DataType::Boolean()}, kernel, {}};
}

// x IN (v1, v2, ...) where every v is a constant: a hash lookup per row.
template <typename T, typename Hash = std::hash<T>>
ScalarKernelPtr InSetKernel(std::unordered_set<T, Hash> set, bool list_has_null) {
  return MakeKernel(
      [set = std::move(set), list_has_null](
          const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& in = *values[0];
        MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
        uint8_t* flags = out->mutable_values<uint8_t>();
        for (size_t i = 0; i < context.num_rows; ++i) {
          if (in.IsNull(i)) {
            out->SetNull(i, true);
            flags[i] = 0;
            continue;
          }
          bool found = set.count(in.ValueAt<T>(i)) > 0;
          flags[i] = found ? 1 : 0;
          if (!found && list_has_null) out->SetNull(i, true);
        }
        return VectorPtr(out);
      });
}

struct Int128Hash {
  size_t operator()(Int128 value) const {
    return std::hash<uint64_t>()(static_cast<uint64_t>(value)) ^
           (std::hash<uint64_t>()(static_cast<uint64_t>(value >> 64)) << 1);
  }
};

Result<BoundScalarFunction> BindIn(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {"<ANY> IN (<constant>, ...)"};
  if (args.size() < 2) return SignatureMismatch("IN", args, kSignatures);
  std::vector<DataType> types;
  for (const ArgumentInfo& arg : args) {
    if (&arg != &args[0] && arg.constant == nullptr) {
      return Status::Internal("IN set with a non-constant value");
    }
    types.push_back(arg.type);
  }
  std::optional<DataType> common = CommonType(types);
  if (!common || common->is_nested()) {
    return Status::Validation("Values passed to IN must have a common type with {}, but are {}",
                              args[0].type.ToString(), args[1].type.ToString());
  }
  DataType operand = common->id() == TypeId::kNull ? DataType::Int() : *common;
  // The constants, converted to the type the values are compared in.
  bool has_null = false;
  std::vector<Value> values;
  FunctionContext conversion_context;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].constant->is_null()) {
      has_null = true;
      continue;
    }
    ASSIGN_OR_RAISE(Value converted,
                    CastValue(*args[i].constant, args[i].type, operand, conversion_context));
    values.push_back(std::move(converted));
  }
  std::vector<DataType> casts(args.size(), operand);
  DataType result = DataType::Boolean(true);
  switch (PhysicalKindOf(operand.id())) {
    case PhysicalKind::kString: {
      // The set's views point into `storage`, which the kernel keeps alive.
      auto storage = std::make_shared<std::vector<std::string>>();
      for (const Value& value : values) storage->push_back(value.AsString());
      std::unordered_set<std::string_view> set(storage->begin(), storage->end());
      ScalarKernelPtr inner = InSetKernel<std::string_view>(std::move(set), has_null);
      auto kernel =
          MakeKernel([inner, storage](const KernelContext& context, std::span<const VectorPtr> in) {
            return inner->Evaluate(context, in);
          });
      return BoundScalarFunction{result, casts, kernel, {}};
    }
    case PhysicalKind::kFloat: {
      std::unordered_set<float> set;
      for (const Value& value : values) set.insert(static_cast<float>(value.AsDouble()));
      return BoundScalarFunction{result, casts, InSetKernel<float>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kDouble: {
      std::unordered_set<double> set;
      for (const Value& value : values) set.insert(value.AsDouble());
      return BoundScalarFunction{result, casts, InSetKernel<double>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kInt128: {
      std::unordered_set<Int128, Int128Hash> set;
      for (const Value& value : values) set.insert(value.AsDecimal());
      return BoundScalarFunction{
          result, casts, InSetKernel<Int128, Int128Hash>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kBool: {
      std::unordered_set<uint8_t> set;
      for (const Value& value : values) set.insert(value.AsBool() ? 1 : 0);
      return BoundScalarFunction{result, casts, InSetKernel<uint8_t>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kInt8: {
      std::unordered_set<int8_t> set;
      for (const Value& value : values) set.insert(static_cast<int8_t>(value.AsInt()));
      return BoundScalarFunction{result, casts, InSetKernel<int8_t>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kInt16: {
      std::unordered_set<int16_t> set;
      for (const Value& value : values) set.insert(static_cast<int16_t>(value.AsInt()));
      return BoundScalarFunction{result, casts, InSetKernel<int16_t>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kInt32: {
      std::unordered_set<int32_t> set;
      for (const Value& value : values) set.insert(static_cast<int32_t>(value.AsInt()));
      return BoundScalarFunction{result, casts, InSetKernel<int32_t>(std::move(set), has_null), {}};
    }
    case PhysicalKind::kInt64: {
      std::unordered_set<int64_t> set;
      for (const Value& value : values) set.insert(value.AsInt());
      return BoundScalarFunction{result, casts, InSetKernel<int64_t>(std::move(set), has_null), {}};
    }
    default:
      return Status::Validation("IN is not supported for values of type {}", operand.ToString());
  }
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry* registry) {
  struct Named {
    const char* name;
    CompareOp op;
  };
  for (Named named : {Named{"=", CompareOp::kEqual}, Named{"<>", CompareOp::kNotEqual},
                      Named{"<", CompareOp::kLess}, Named{"<=", CompareOp::kLessEqual},
                      Named{">", CompareOp::kGreater}, Named{">=", CompareOp::kGreaterEqual}}) {
    CompareOp op = named.op;
    registry->AddScalar(
        ScalarFunction{named.name,
                       {fmt::format("<COMPARABLE> {} <COMPARABLE>", named.name)},
                       [op](std::span<const ArgumentInfo> args) { return BindCompare(op, args); }});
  }
  registry->AddScalar(
      IsFunction("IS NULL", false, [](const Vector& in, size_t row) { return in.IsNull(row); }));
  registry->AddScalar(IsFunction("IS NOT NULL", false,
                                 [](const Vector& in, size_t row) { return !in.IsNull(row); }));
  registry->AddScalar(IsFunction("IS TRUE", true, IsTrueValue));
  registry->AddScalar(IsFunction(
      "IS NOT TRUE", true, [](const Vector& in, size_t row) { return !IsTrueValue(in, row); }));
  registry->AddScalar(IsFunction("IS FALSE", true, IsFalseValue));
  registry->AddScalar(IsFunction(
      "IS NOT FALSE", true, [](const Vector& in, size_t row) { return !IsFalseValue(in, row); }));
  registry->AddScalar(ScalarFunction{
      "IS DISTINCT FROM", {"<ANY> IS DISTINCT FROM <ANY>"}, [](std::span<const ArgumentInfo> args) {
        return BindDistinctFrom(false, args);
      }});
  registry->AddScalar(ScalarFunction{
      "IS NOT DISTINCT FROM",
      {"<ANY> IS NOT DISTINCT FROM <ANY>"},
      [](std::span<const ArgumentInfo> args) { return BindDistinctFrom(true, args); }});
  registry->AddScalar(ScalarFunction{"NOT", {"NOT <BOOLEAN>"}, BindNot});
  registry->AddScalar(ScalarFunction{"IN", {"<ANY> IN (<constant>, ...)"}, BindIn});
}

}  // namespace tiangong
