#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/byte_io.h"
#include "common/result.h"
#include "types/vector.h"
#include "types/vector_builder.h"

namespace tiangong {

/// A compact binary form of values and rows, for state that keeps rows (join
/// sides, top-N buffers, accumulators holding values). Not order-preserving:
/// see types/key_encoder.h for sortable keys.
/// Thread-safety: stateless functions.

/// Appends row `row` of `vector`.
void WriteValue(const Vector& vector, size_t row, ByteWriter* out);
/// Reads one value written by WriteValue for a vector of type `builder->type()`
/// and appends it to `builder`.
Status ReadValue(ByteReader* in, VectorBuilder* builder);

/// Appends row `row` of the columns.
void WriteRow(const std::vector<VectorPtr>& columns, size_t row, ByteWriter* out);
/// Reads a row written by WriteRow and appends one value to each builder.
Status ReadRow(ByteReader* in, std::vector<VectorBuilder>* builders);

/// A Value of `type`, through the same form.
void WriteValue(const Value& value, const DataType& type, ByteWriter* out);
Result<Value> ReadValue(ByteReader* in, const DataType& type);

}  // namespace tiangong
