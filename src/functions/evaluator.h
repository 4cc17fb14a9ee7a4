#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "functions/expression.h"
#include "functions/function_context.h"
#include "types/batch.h"

namespace tiangong {

/// Evaluates bound expressions over batches, a whole column at a time.
///
/// Calls run their kernels on whole columns. CASE, AND, OR and COALESCE run a
/// branch only on the rows that reach it when the branch can fail (so
/// `CASE WHEN x <> 0 THEN 10 / x END` never divides by zero); branches that
/// cannot fail run on all rows and are blended, which is faster.
///
/// One evaluator per operator instance: it keeps per-call-site kernel state and
/// caches literal vectors. Thread-safety: not thread-safe; use one per thread.
class ExpressionEvaluator {
 public:
  /// `context` must outlive the evaluator.
  explicit ExpressionEvaluator(const FunctionContext& context) : context_(context) {}

  /// The value of `expression` for every row of `input`; may be a constant vector.
  Result<VectorPtr> Evaluate(const ExprPtr& expression, const Batch& input);
  /// Like Evaluate, but always a flat vector.
  Result<VectorPtr> EvaluateFlat(const ExprPtr& expression, const Batch& input);
  /// Appends to `rows` the indexes of the rows of `input` where the BOOLEAN
  /// `predicate` is TRUE (not FALSE, not NULL).
  Status Select(const ExprPtr& predicate, const Batch& input, std::vector<uint32_t>* rows);

  /// Evaluates `expression` over `columns` (entries the expression does not read
  /// may be null), each of `num_rows` rows.
  Result<VectorPtr> Evaluate(const Expr& expression, std::span<const VectorPtr> columns,
                             size_t num_rows);

 private:
  Result<VectorPtr> EvaluateCall(const Expr& call, std::span<const VectorPtr> columns,
                                 size_t num_rows);
  Result<VectorPtr> EvaluateLiteral(const Expr& literal, size_t num_rows);
  Result<VectorPtr> EvaluateFieldAccess(const Expr& access, std::span<const VectorPtr> columns,
                                        size_t num_rows);
  Result<VectorPtr> EvaluateAndOr(const Expr& expression, std::span<const VectorPtr> columns,
                                  size_t num_rows);
  Result<VectorPtr> EvaluateCase(const Expr& expression, std::span<const VectorPtr> columns,
                                 size_t num_rows);
  Result<VectorPtr> EvaluateCoalesce(const Expr& expression, std::span<const VectorPtr> columns,
                                     size_t num_rows);
  /// Evaluates `expression` on the subset `rows` of the columns; the result has
  /// rows.size() rows.
  Result<VectorPtr> EvaluateOnRows(const Expr& expression, std::span<const VectorPtr> columns,
                                   size_t num_rows, const std::vector<uint32_t>& rows);

  const FunctionContext& context_;
  std::unordered_map<const Expr*, std::unique_ptr<KernelState>> states_;
  std::unordered_map<const Expr*, VectorPtr> literal_cache_;
};

/// Evaluates a deterministic expression without inputs (a constant expression)
/// to a single value. Used by the planner to fold constants.
Result<Value> EvaluateConstant(const ExprPtr& expression, const FunctionContext& context);

/// Builds a vector of `num_rows` rows where row i comes from
/// `sources[choice[i]]` at row i; rows whose choice is -1 are NULL.
VectorPtr BlendRows(const DataType& type, size_t num_rows, std::span<const VectorPtr> sources,
                    const std::vector<int>& choice);

/// Builds a vector of `num_rows` rows from pieces: piece k holds values for the
/// rows `targets[k]` (in that order); rows no piece covers are NULL.
VectorPtr ScatterRows(const DataType& type, size_t num_rows, std::span<const VectorPtr> pieces,
                      const std::vector<std::vector<uint32_t>>& targets);

}  // namespace tiangong
