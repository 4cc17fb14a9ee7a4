#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "functions/function_context.h"
#include "types/vector.h"

namespace tiangong {

/// Mutable per-evaluator state of one call site, e.g. a random generator or a
/// cache of compiled patterns. Owned by the evaluator of one operator instance,
/// so it is only ever used by one thread.
class KernelState {
 public:
  virtual ~KernelState() = default;
};

/// What a kernel needs besides its arguments.
struct KernelContext {
  const FunctionContext& function_context;
  const DataType& result_type;
  size_t num_rows;
  KernelState* state;  // from ScalarKernel::MakeState(); may be null
};

/// The vectorized implementation of one bound scalar function call. Created by
/// the function's binder for concrete argument types (after implicit casts) and
/// shared, immutable, by every evaluator that runs the call.
///
/// Evaluate() receives one vector per argument, each with `context.num_rows` rows
/// (flat or constant), and returns a vector of `context.num_rows` rows of
/// `context.result_type`. It may return an argument vector unchanged. It is
/// called once per batch; per-row work happens in tight loops inside.
/// Thread-safety: Evaluate() is const and called concurrently from many threads;
/// per-thread mutable data lives in the KernelState.
class ScalarKernel {
 public:
  virtual ~ScalarKernel() = default;
  virtual Result<VectorPtr> Evaluate(const KernelContext& context,
                                     std::span<const VectorPtr> args) const = 0;
  virtual std::unique_ptr<KernelState> MakeState() const { return nullptr; }
};
using ScalarKernelPtr = std::shared_ptr<const ScalarKernel>;

/// A kernel from a callable `Result<VectorPtr>(const KernelContext&, std::span<const VectorPtr>)`.
template <typename Function>
class LambdaKernel final : public ScalarKernel {
 public:
  explicit LambdaKernel(Function function) : function_(std::move(function)) {}
  Result<VectorPtr> Evaluate(const KernelContext& context,
                             std::span<const VectorPtr> args) const override {
    return function_(context, args);
  }

 private:
  Function function_;
};

template <typename Function>
ScalarKernelPtr MakeKernel(Function function) {
  return std::make_shared<LambdaKernel<Function>>(std::move(function));
}

/// A kernel whose evaluator keeps a `State` (a KernelState: compiled patterns,
/// scratch buffers) between batches; `function(context, args, state)` does the
/// work. Called without an evaluator (context.state null), it uses a fresh State.
template <typename State, typename Function>
class StatefulKernel final : public ScalarKernel {
 public:
  explicit StatefulKernel(Function function) : function_(std::move(function)) {}

  Result<VectorPtr> Evaluate(const KernelContext& context,
                             std::span<const VectorPtr> args) const override {
    if (context.state != nullptr) {
      return function_(context, args, *static_cast<State*>(context.state));
    }
    State state;
    return function_(context, args, state);
  }
  std::unique_ptr<KernelState> MakeState() const override { return std::make_unique<State>(); }

 private:
  Function function_;
};

template <typename State, typename Function>
ScalarKernelPtr MakeStatefulKernel(Function function) {
  return std::make_shared<StatefulKernel<State, Function>>(std::move(function));
}

}  // namespace tiangong
