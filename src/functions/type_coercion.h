#pragma once

#include <optional>
#include <vector>

#include "types/data_type.h"

namespace tiangong {

/// Flink's rules for combining types: result types of arithmetic, the common
/// type of CASE branches, comparison operands and UNION inputs, and which
/// casts happen implicitly.

/// DECIMAL(p, s) that holds every value of an exact numeric type:
/// TINYINT → (3, 0), SMALLINT → (5, 0), INT → (10, 0), BIGINT → (19, 0).
DataType DecimalFor(const DataType& exact_numeric);

/// Flink's adjustment of decimal results wider than 38 digits: keep the integer
/// digits and at least min(scale, 6) fractional digits.
DataType AdjustedDecimal(int precision, int scale);
DataType DecimalSumType(const DataType& a, const DataType& b);        // + and -
DataType DecimalProductType(const DataType& a, const DataType& b);    // *
DataType DecimalQuotientType(const DataType& a, const DataType& b);   // /
DataType DecimalRemainderType(const DataType& a, const DataType& b);  // %

/// The least restrictive type that all `types` convert to implicitly, or nullopt
/// when there is none (e.g. STRING and INT). The NULL type combines with anything.
/// The result is nullable when any input is.
std::optional<DataType> CommonType(const std::vector<DataType>& types);

/// True when `from` converts to `to` without an explicit CAST: numeric widening,
/// any DECIMAL to DECIMAL, CHAR to VARCHAR, DATE to TIMESTAMP, NULL to anything,
/// and nested types whose parts do.
bool CanImplicitlyCast(const DataType& from, const DataType& to);

/// True when CAST(from AS to) is allowed.
bool CanCast(const DataType& from, const DataType& to);

/// The integer type with the larger range.
DataType WiderInteger(const DataType& a, const DataType& b);

}  // namespace tiangong
