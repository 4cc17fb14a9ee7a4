#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "types/batch.h"

namespace tiangong {

/// Encodes the key columns of a row into bytes that compare (as unsigned bytes)
/// the way the values compare: NULL first, then values in ascending order;
/// integers, decimals, floating point, booleans, temporal values and strings
/// are order-preserving; nested values are encoded without order guarantees.
/// Equal keys give equal bytes, so the bytes serve as state keys, and their hash
/// decides the key group (exchanges and keyed state use the same bytes).
/// Thread-safety: stateless functions.

/// Whether any of `columns[keys[...]]` is NULL at `row` (a key that equals nothing).
bool AnyNullKey(const std::vector<VectorPtr>& columns, const std::vector<int>& keys, size_t row);

/// Appends the encoding of `columns[keys[...]]` at `row` to `out`.
void EncodeKey(const std::vector<VectorPtr>& columns, const std::vector<int>& keys, size_t row,
               std::string* out);

/// Appends the encoding of one value (row `row` of `vector`).
void EncodeKeyValue(const Vector& vector, size_t row, std::string* out);

/// Appends the encoding of row `row` of `vector` so that larger values sort
/// first (for descending sort keys).
void EncodeKeyValueDescending(const Vector& vector, size_t row, std::string* out);

/// The hash of an encoded key: decides key groups.
uint64_t HashKey(std::string_view encoded);

}  // namespace tiangong
