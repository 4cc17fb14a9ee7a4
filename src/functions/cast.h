#pragma once

#include "common/result.h"
#include "functions/expression.h"
#include "functions/function_context.h"

namespace tiangong {

/// CAST and TRY_CAST between Flink types, with Flink's semantics: numbers
/// narrow like Java (integers wrap, decimals round HALF_UP and become NULL on
/// overflow), strings parse after trimming whitespace and fail on bad text
/// (TRY_CAST gives NULL instead), values render to strings in SQL form, VARCHAR(n)
/// truncates and CHAR(n) pads, TIMESTAMP_LTZ converts through the session zone,
/// and ARRAY, MAP and ROW cast element- and field-wise.

/// REQUIRES: CanCast(from, to).
Result<ScalarKernelPtr> MakeCastKernel(const DataType& from, const DataType& to, bool try_cast);

/// CAST(argument AS type) as a call expression, or `argument` itself when the
/// types are equal. Fails when the cast is not allowed.
Result<ExprPtr> MakeCast(const ExprPtr& argument, const DataType& type, bool try_cast = false);

/// True when the cast can fail at run time for some input (string parsing).
bool CastCanFail(const DataType& from, const DataType& to);

/// Casts one value.
Result<Value> CastValue(const Value& value, const DataType& from, const DataType& to,
                        const FunctionContext& context);

/// Casts a vector of `num_rows` rows.
Result<VectorPtr> CastVector(const VectorPtr& input, const DataType& to, size_t num_rows,
                             const FunctionContext& context, bool try_cast);

}  // namespace tiangong
