#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/byte_io.h"
#include "common/result.h"
#include "types/vector.h"
#include "types/vector_builder.h"

namespace tiangong {

/// The running state of one aggregate call for one group. Its concrete type
/// belongs to the AggregateFunction that created it.
class Accumulator {
 public:
  virtual ~Accumulator() = default;
};

/// An aggregate function bound to concrete argument types: COUNT(x), SUM(x),
/// MAX(x) with retraction, ... It works a batch at a time: one call updates the
/// accumulators of many rows, so there is no per-row virtual call.
/// Thread-safety: immutable; shared by every operator instance.
class AggregateFunction {
 public:
  explicit AggregateFunction(DataType result_type) : result_type_(std::move(result_type)) {}
  virtual ~AggregateFunction() = default;

  const DataType& result_type() const { return result_type_; }
  /// True when Update() may retract (the input is a changelog with -U/-D).
  virtual bool supports_retraction() const = 0;

  virtual std::unique_ptr<Accumulator> Create() const = 0;

  /// For each i < count: adds row rows[i] of `args` to accumulators[i] when
  /// adds[i] is 1, removes it when 0. Rows may repeat accumulators.
  /// REQUIRES: adds[i] is 1 unless supports_retraction().
  virtual Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                        const uint32_t* rows, const uint8_t* adds, size_t count) const = 0;

  /// Adds everything in `source` to `target`, as if `source`'s rows had
  /// followed `target`'s: merging session windows and the slices of hopping
  /// windows.
  virtual Status Merge(Accumulator* target, const Accumulator& source) const;
  /// True when Merge() is implemented.
  virtual bool supports_merge() const { return false; }

  /// Appends the aggregate's current value (NULL when it has none) to `out`,
  /// a builder of result_type().
  virtual void Emit(const Accumulator& accumulator, VectorBuilder* out) const = 0;

  virtual void Serialize(const Accumulator& accumulator, ByteWriter* out) const = 0;
  virtual Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const = 0;

 private:
  DataType result_type_;
};

using AggregateFunctionPtr = std::shared_ptr<const AggregateFunction>;

/// What binding an aggregate call needs.
struct AggregateBindInput {
  std::vector<DataType> argument_types;
  /// Constant arguments (e.g. LISTAGG's separator); null entries for others.
  std::vector<const Value*> constants;
  /// The input may retract rows.
  bool retraction = false;
};

/// An aggregate function by name, and how it binds to argument types.
struct AggregateFunctionDefinition {
  std::string name;
  std::vector<std::string> signatures;
  std::function<Result<AggregateFunctionPtr>(const AggregateBindInput& input)> bind;
};

/// Wraps `inner` so that each distinct argument value counts once per group
/// (COUNT(DISTINCT x)); `argument_types` are the inner function's arguments.
AggregateFunctionPtr MakeDistinctAggregate(AggregateFunctionPtr inner,
                                           std::vector<DataType> argument_types);

}  // namespace tiangong
