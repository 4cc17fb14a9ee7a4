#include "functions/evaluator.h"

#include <fmt/format.h>

#include "types/vector_builder.h"

namespace tiangong {
namespace {

// Where row i of an assembled vector comes from: source index (-1 for NULL) and
// the row within that source.
struct RowOrigin {
  int source;
  uint32_t row;
};

template <typename T>
void AssembleFixed(std::span<const VectorPtr> sources, const std::vector<RowOrigin>& origins,
                   Vector* out) {
  T* values = out->mutable_values<T>();
  for (size_t i = 0; i < origins.size(); ++i) {
    const RowOrigin& origin = origins[i];
    if (origin.source < 0) {
      out->SetNull(i, true);
      values[i] = T{};
      continue;
    }
    const Vector& source = *sources[origin.source];
    values[i] = source.ValueAt<T>(origin.row);
    if (source.IsNull(origin.row)) out->SetNull(i, true);
  }
}

VectorPtr AssembleRows(const DataType& type, std::span<const VectorPtr> sources,
                       const std::vector<RowOrigin>& origins) {
  size_t num_rows = origins.size();
  PhysicalKind kind = PhysicalKindOf(type.id());
  if (kind == PhysicalKind::kList || kind == PhysicalKind::kStruct) {
    VectorBuilder builder(type);
    for (const RowOrigin& origin : origins) {
      if (origin.source < 0) {
        builder.AppendNull();
      } else {
        builder.AppendFrom(*sources[origin.source], origin.row);
      }
    }
    return builder.Build();
  }
  MutableVectorPtr out = Vector::Make(type, num_rows);
  switch (kind) {
    case PhysicalKind::kNone:
      break;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      AssembleFixed<int8_t>(sources, origins, out.get());
      break;
    case PhysicalKind::kInt16:
      AssembleFixed<int16_t>(sources, origins, out.get());
      break;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      AssembleFixed<int32_t>(sources, origins, out.get());
      break;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      AssembleFixed<int64_t>(sources, origins, out.get());
      break;
    case PhysicalKind::kInt128:
      AssembleFixed<Int128>(sources, origins, out.get());
      break;
    case PhysicalKind::kString:
      AssembleFixed<std::string_view>(sources, origins, out.get());
      for (const VectorPtr& source : sources) {
        if (source) out->ShareStringsOf(*source);
      }
      break;
    default:
      break;
  }
  return out;
}

bool IsTrue(const Vector& vector, size_t row) {
  return !vector.IsNull(row) && vector.ValueAt<uint8_t>(row) != 0;
}

bool IsFalse(const Vector& vector, size_t row) {
  return !vector.IsNull(row) && vector.ValueAt<uint8_t>(row) == 0;
}

}  // namespace

VectorPtr BlendRows(const DataType& type, size_t num_rows, std::span<const VectorPtr> sources,
                    const std::vector<int>& choice) {
  std::vector<RowOrigin> origins(num_rows);
  for (size_t i = 0; i < num_rows; ++i) origins[i] = {choice[i], static_cast<uint32_t>(i)};
  return AssembleRows(type, sources, origins);
}

VectorPtr ScatterRows(const DataType& type, size_t num_rows, std::span<const VectorPtr> pieces,
                      const std::vector<std::vector<uint32_t>>& targets) {
  std::vector<RowOrigin> origins(num_rows, RowOrigin{-1, 0});
  for (size_t piece = 0; piece < targets.size(); ++piece) {
    for (size_t j = 0; j < targets[piece].size(); ++j) {
      origins[targets[piece][j]] = {static_cast<int>(piece), static_cast<uint32_t>(j)};
    }
  }
  return AssembleRows(type, pieces, origins);
}

Result<VectorPtr> ExpressionEvaluator::Evaluate(const ExprPtr& expression, const Batch& input) {
  return Evaluate(*expression, input.columns(), input.num_rows());
}

Result<VectorPtr> ExpressionEvaluator::EvaluateFlat(const ExprPtr& expression, const Batch& input) {
  ASSIGN_OR_RAISE(VectorPtr result, Evaluate(*expression, input.columns(), input.num_rows()));
  return Flatten(result);
}

Status ExpressionEvaluator::Select(const ExprPtr& predicate, const Batch& input,
                                   std::vector<uint32_t>* rows) {
  ASSIGN_OR_RAISE(VectorPtr result, Evaluate(*predicate, input.columns(), input.num_rows()));
  size_t num_rows = input.num_rows();
  if (result->is_constant()) {
    if (IsTrue(*result, 0)) {
      for (size_t i = 0; i < num_rows; ++i) rows->push_back(static_cast<uint32_t>(i));
    }
    return Status::OK();
  }
  const uint8_t* values = result->values<uint8_t>();
  const uint8_t* nulls = result->nulls();
  size_t start = rows->size();
  rows->resize(start + num_rows);
  uint32_t* out = rows->data() + start;
  size_t count = 0;
  // Branch-free compaction: always write, advance only on TRUE.
  if (nulls == nullptr) {
    for (size_t i = 0; i < num_rows; ++i) {
      out[count] = static_cast<uint32_t>(i);
      count += values[i] != 0;
    }
  } else {
    for (size_t i = 0; i < num_rows; ++i) {
      out[count] = static_cast<uint32_t>(i);
      count += (values[i] != 0) & (nulls[i] == 0);
    }
  }
  rows->resize(start + count);
  return Status::OK();
}

Result<VectorPtr> ExpressionEvaluator::Evaluate(const Expr& expression,
                                                std::span<const VectorPtr> columns,
                                                size_t num_rows) {
  switch (expression.kind()) {
    case ExprKind::kInputRef:
      return columns[expression.input_index()];
    case ExprKind::kLiteral:
      return EvaluateLiteral(expression, num_rows);
    case ExprKind::kCall:
      return EvaluateCall(expression, columns, num_rows);
    case ExprKind::kSpecial:
      switch (expression.special_form()) {
        case SpecialForm::kAnd:
        case SpecialForm::kOr:
          return EvaluateAndOr(expression, columns, num_rows);
        case SpecialForm::kCase:
          return EvaluateCase(expression, columns, num_rows);
        case SpecialForm::kCoalesce:
          return EvaluateCoalesce(expression, columns, num_rows);
        case SpecialForm::kFieldAccess:
          return EvaluateFieldAccess(expression, columns, num_rows);
        case SpecialForm::kNone:
          break;
      }
      break;
  }
  return Status::Internal("cannot evaluate {}", expression.ToString());
}

Result<VectorPtr> ExpressionEvaluator::EvaluateLiteral(const Expr& literal, size_t num_rows) {
  VectorPtr& cached = literal_cache_[&literal];
  if (!cached || cached->size() != num_rows) {
    cached = MakeConstantVector(literal.type(), literal.value(), num_rows);
  }
  return cached;
}

Result<VectorPtr> ExpressionEvaluator::EvaluateCall(const Expr& call,
                                                    std::span<const VectorPtr> columns,
                                                    size_t num_rows) {
  std::vector<VectorPtr> args;
  args.reserve(call.args().size());
  for (const ExprPtr& arg : call.args()) {
    ASSIGN_OR_RAISE(VectorPtr value, Evaluate(*arg, columns, num_rows));
    args.push_back(std::move(value));
  }
  KernelState* state = nullptr;
  auto found = states_.find(&call);
  if (found != states_.end()) {
    state = found->second.get();
  } else {
    std::unique_ptr<KernelState> created = call.kernel()->MakeState();
    state = created.get();
    states_.emplace(&call, std::move(created));
  }
  KernelContext context{context_, call.type(), num_rows, state};
  Result<VectorPtr> result = call.kernel()->Evaluate(context, args);
  if (!result.ok()) {
    return Status(result.status().code(),
                  fmt::format("{} (in {})", result.status().message(), call.ToString()));
  }
  return result;
}

Result<VectorPtr> ExpressionEvaluator::EvaluateFieldAccess(const Expr& access,
                                                           std::span<const VectorPtr> columns,
                                                           size_t num_rows) {
  ASSIGN_OR_RAISE(VectorPtr row, Evaluate(*access.args()[0], columns, num_rows));
  const VectorPtr& field = row->child_ptr(access.field_index());
  if (!row->may_have_nulls()) return field;
  // A NULL row has NULL fields; decoders usually store them so already.
  bool aligned = true;
  for (size_t i = 0; i < row->storage_size() && aligned; ++i) {
    aligned = !row->IsNull(i) || field->IsNull(i);
  }
  if (aligned) return field;
  std::vector<uint32_t> identity(num_rows);
  for (size_t i = 0; i < num_rows; ++i) identity[i] = static_cast<uint32_t>(i);
  VectorPtr copy = Gather(*field, identity.data(), num_rows);
  auto mutable_copy = std::const_pointer_cast<Vector>(copy);
  for (size_t i = 0; i < num_rows; ++i) {
    if (row->IsNull(i)) mutable_copy->SetNull(i, true);
  }
  return copy;
}

Result<VectorPtr> ExpressionEvaluator::EvaluateOnRows(const Expr& expression,
                                                      std::span<const VectorPtr> columns,
                                                      size_t num_rows,
                                                      const std::vector<uint32_t>& rows) {
  if (rows.size() == num_rows) return Evaluate(expression, columns, num_rows);
  std::vector<int> used;
  CollectInputRefs(expression, &used);
  std::vector<VectorPtr> subset(columns.size());
  for (int index : used) subset[index] = Gather(*columns[index], rows.data(), rows.size());
  return Evaluate(expression, subset, rows.size());
}

Result<VectorPtr> ExpressionEvaluator::EvaluateAndOr(const Expr& expression,
                                                     std::span<const VectorPtr> columns,
                                                     size_t num_rows) {
  bool is_and = expression.special_form() == SpecialForm::kAnd;
  // The value that decides the result on its own: FALSE for AND, TRUE for OR.
  auto decides = [is_and](const Vector& vector, size_t row) {
    return is_and ? IsFalse(vector, row) : IsTrue(vector, row);
  };
  MutableVectorPtr result = Vector::Make(expression.type(), num_rows);
  uint8_t* values = result->mutable_values<uint8_t>();
  // Start from the identity (TRUE for AND, FALSE for OR), no NULLs.
  std::fill(values, values + num_rows, is_and ? 1 : 0);
  std::vector<uint32_t> open_rows;  // rows not decided yet
  open_rows.reserve(num_rows);
  for (size_t i = 0; i < num_rows; ++i) open_rows.push_back(static_cast<uint32_t>(i));
  for (const ExprPtr& operand : expression.args()) {
    if (open_rows.empty()) break;
    VectorPtr value;
    if (open_rows.size() == num_rows || !operand->CanFail()) {
      ASSIGN_OR_RAISE(VectorPtr full, Evaluate(*operand, columns, num_rows));
      value = full;
      std::vector<uint32_t> still_open;
      for (uint32_t row : open_rows) {
        if (decides(*value, row)) {
          values[row] = is_and ? 0 : 1;
          result->SetNull(row, false);
        } else {
          if (value->IsNull(row)) result->SetNull(row, true);
          still_open.push_back(row);
        }
      }
      open_rows = std::move(still_open);
    } else {
      ASSIGN_OR_RAISE(value, EvaluateOnRows(*operand, columns, num_rows, open_rows));
      std::vector<uint32_t> still_open;
      for (size_t j = 0; j < open_rows.size(); ++j) {
        uint32_t row = open_rows[j];
        if (decides(*value, j)) {
          values[row] = is_and ? 0 : 1;
          result->SetNull(row, false);
        } else {
          if (value->IsNull(j)) result->SetNull(row, true);
          still_open.push_back(row);
        }
      }
      open_rows = std::move(still_open);
    }
  }
  return result;
}

Result<VectorPtr> ExpressionEvaluator::EvaluateCase(const Expr& expression,
                                                    std::span<const VectorPtr> columns,
                                                    size_t num_rows) {
  const std::vector<ExprPtr>& args = expression.args();
  size_t num_branches = args.size() / 2;
  bool eager = true;
  for (const ExprPtr& arg : args) eager &= !arg->CanFail();
  if (eager) {
    // Every branch runs on all rows; each row takes the first branch that matches.
    std::vector<int> choice(num_rows, -1);
    std::vector<VectorPtr> sources;
    size_t undecided = num_rows;
    for (size_t branch = 0; branch < num_branches && undecided > 0; ++branch) {
      ASSIGN_OR_RAISE(VectorPtr condition, Evaluate(*args[2 * branch], columns, num_rows));
      ASSIGN_OR_RAISE(VectorPtr value, Evaluate(*args[2 * branch + 1], columns, num_rows));
      int source = static_cast<int>(sources.size());
      sources.push_back(value);
      for (size_t i = 0; i < num_rows; ++i) {
        if (choice[i] < 0 && IsTrue(*condition, i)) {
          choice[i] = source;
          --undecided;
        }
      }
    }
    if (undecided > 0) {
      ASSIGN_OR_RAISE(VectorPtr otherwise, Evaluate(*args.back(), columns, num_rows));
      int source = static_cast<int>(sources.size());
      sources.push_back(otherwise);
      for (size_t i = 0; i < num_rows; ++i) {
        if (choice[i] < 0) choice[i] = source;
      }
    }
    if (sources.size() == 1 && !sources[0]->is_constant()) return sources[0];
    return BlendRows(expression.type(), num_rows, sources, choice);
  }
  // Lazy: each condition sees only the rows no earlier branch took, and each
  // value only the rows its condition selected.
  std::vector<uint32_t> remaining(num_rows);
  for (size_t i = 0; i < num_rows; ++i) remaining[i] = static_cast<uint32_t>(i);
  std::vector<VectorPtr> pieces;
  std::vector<std::vector<uint32_t>> targets;
  for (size_t branch = 0; branch < num_branches && !remaining.empty(); ++branch) {
    ASSIGN_OR_RAISE(VectorPtr condition,
                    EvaluateOnRows(*args[2 * branch], columns, num_rows, remaining));
    std::vector<uint32_t> taken;
    std::vector<uint32_t> rest;
    for (size_t j = 0; j < remaining.size(); ++j) {
      (IsTrue(*condition, j) ? taken : rest).push_back(remaining[j]);
    }
    if (!taken.empty()) {
      ASSIGN_OR_RAISE(VectorPtr value,
                      EvaluateOnRows(*args[2 * branch + 1], columns, num_rows, taken));
      pieces.push_back(Flatten(value));
      targets.push_back(std::move(taken));
    }
    remaining = std::move(rest);
  }
  if (!remaining.empty()) {
    ASSIGN_OR_RAISE(VectorPtr otherwise,
                    EvaluateOnRows(*args.back(), columns, num_rows, remaining));
    pieces.push_back(Flatten(otherwise));
    targets.push_back(std::move(remaining));
  }
  return ScatterRows(expression.type(), num_rows, pieces, targets);
}

Result<VectorPtr> ExpressionEvaluator::EvaluateCoalesce(const Expr& expression,
                                                        std::span<const VectorPtr> columns,
                                                        size_t num_rows) {
  std::vector<uint32_t> remaining(num_rows);
  for (size_t i = 0; i < num_rows; ++i) remaining[i] = static_cast<uint32_t>(i);
  std::vector<VectorPtr> pieces;
  std::vector<std::vector<uint32_t>> targets;
  for (const ExprPtr& arg : expression.args()) {
    if (remaining.empty()) break;
    ASSIGN_OR_RAISE(VectorPtr value, arg->CanFail()
                                         ? EvaluateOnRows(*arg, columns, num_rows, remaining)
                                         : Evaluate(*arg, columns, num_rows));
    bool subset = arg->CanFail() && remaining.size() != num_rows;
    if (!subset && !value->may_have_nulls() && remaining.size() == num_rows) {
      if (pieces.empty()) return value;  // the first argument has no NULLs
    }
    std::vector<uint32_t> rest;
    std::vector<uint32_t> taken;
    std::vector<uint32_t> taken_at;  // positions within `value`
    for (size_t j = 0; j < remaining.size(); ++j) {
      uint32_t row = remaining[j];
      size_t position = subset ? j : row;
      if (value->IsNull(position)) {
        rest.push_back(row);
      } else {
        taken.push_back(row);
        taken_at.push_back(static_cast<uint32_t>(position));
      }
    }
    if (!taken.empty()) {
      pieces.push_back(Gather(*value, taken_at.data(), taken_at.size()));
      targets.push_back(std::move(taken));
    }
    remaining = std::move(rest);
  }
  return ScatterRows(expression.type(), num_rows, pieces, targets);
}

Result<Value> EvaluateConstant(const ExprPtr& expression, const FunctionContext& context) {
  ExpressionEvaluator evaluator(context);
  ASSIGN_OR_RAISE(VectorPtr result, evaluator.Evaluate(*expression, {}, 1));
  return ReadValue(*result, 0);
}

}  // namespace tiangong
