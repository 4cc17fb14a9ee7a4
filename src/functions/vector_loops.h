#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "common/result.h"
#include "types/vector.h"

namespace tiangong {

/// Loops that kernels are built from. Each takes flat or constant inputs of
/// `num_rows` rows, runs a per-row operation in a tight, inlinable loop, and
/// produces a flat vector whose rows are NULL where any input is NULL. Values
/// at NULL rows are computed from whatever the inputs hold there and ignored,
/// so operations used here must not fail or have side effects; operations that
/// can fail use the *Checked forms, which skip NULL rows.

/// Sets out's null flags to the OR of the inputs' null flags.
void PropagateNulls(std::initializer_list<const Vector*> inputs, size_t num_rows, Vector* out);

/// True when row `row` is NULL in any of the inputs.
inline bool AnyNull(std::initializer_list<const Vector*> inputs, size_t row) {
  for (const Vector* input : inputs) {
    if (input->IsNull(row)) return true;
  }
  return false;
}

/// out[i] = op(in[i]).
template <typename In, typename Out, typename Op>
MutableVectorPtr UnaryLoop(const Vector& in, const DataType& out_type, size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(out_type, num_rows);
  Out* values = out->mutable_values<Out>();
  const In* input = in.values<In>();
  if (in.is_constant()) {
    Out value = op(input[0]);
    for (size_t i = 0; i < num_rows; ++i) values[i] = value;
  } else {
    for (size_t i = 0; i < num_rows; ++i) values[i] = op(input[i]);
  }
  PropagateNulls({&in}, num_rows, out.get());
  return out;
}

/// out[i] = op(a[i], b[i]), with fast paths when either side is constant.
template <typename A, typename B, typename Out, typename Op>
MutableVectorPtr BinaryLoop(const Vector& a, const Vector& b, const DataType& out_type,
                            size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(out_type, num_rows);
  Out* values = out->mutable_values<Out>();
  const A* left = a.values<A>();
  const B* right = b.values<B>();
  if (a.is_constant() && b.is_constant()) {
    Out value = op(left[0], right[0]);
    for (size_t i = 0; i < num_rows; ++i) values[i] = value;
  } else if (a.is_constant()) {
    A constant = left[0];
    for (size_t i = 0; i < num_rows; ++i) values[i] = op(constant, right[i]);
  } else if (b.is_constant()) {
    B constant = right[0];
    for (size_t i = 0; i < num_rows; ++i) values[i] = op(left[i], constant);
  } else {
    for (size_t i = 0; i < num_rows; ++i) values[i] = op(left[i], right[i]);
  }
  PropagateNulls({&a, &b}, num_rows, out.get());
  return out;
}

/// Like BinaryLoop, for operations that can fail on some values: `op(a, b, &out)`
/// returns a Status; it is called only for rows where neither input is NULL.
template <typename A, typename B, typename Out, typename Op>
Result<MutableVectorPtr> BinaryLoopChecked(const Vector& a, const Vector& b,
                                           const DataType& out_type, size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(out_type, num_rows);
  PropagateNulls({&a, &b}, num_rows, out.get());
  Out* values = out->mutable_values<Out>();
  const uint8_t* nulls = out->nulls();
  for (size_t i = 0; i < num_rows; ++i) {
    if (nulls != nullptr && nulls[i]) continue;
    RETURN_NOT_OK(op(a.ValueAt<A>(i), b.ValueAt<B>(i), &values[i]));
  }
  return out;
}

/// Row-at-a-time producer of strings: `op(row, &writer)` for each row where no
/// input is NULL; the writer appends the row's bytes or marks it NULL. Strings
/// are written into the output's arena.
class StringWriter {
 public:
  StringWriter(Vector* out, size_t row) : out_(out), row_(row) {}
  /// Sets the row's value to a copy of `bytes`.
  void Set(std::string_view bytes) {
    out_->mutable_values<std::string_view>()[row_] = out_->AddString(bytes);
  }
  /// Sets the row's value to bytes that already live in an input vector whose
  /// strings the output shares (see ShareStringsOf).
  void SetShared(std::string_view bytes) { out_->mutable_values<std::string_view>()[row_] = bytes; }
  void SetNull() { out_->SetNull(row_, true); }
  /// Writable space for at most `max_size` bytes; finish with Commit(size).
  char* Reserve(size_t max_size) {
    reserved_ = max_size;
    return max_size == 0 ? nullptr : out_->own_arena().Allocate(max_size);
  }
  void Commit(char* data, size_t size) {
    if (reserved_ > size) out_->own_arena().ShrinkLast(reserved_ - size);
    out_->mutable_values<std::string_view>()[row_] = std::string_view(data, size);
  }

 private:
  Vector* out_;
  size_t row_;
  size_t reserved_ = 0;
};

template <typename Op>
Result<MutableVectorPtr> StringLoop(std::initializer_list<const Vector*> inputs,
                                    const DataType& out_type, size_t num_rows, Op op) {
  MutableVectorPtr out = Vector::Make(out_type, num_rows);
  PropagateNulls(inputs, num_rows, out.get());
  for (size_t i = 0; i < num_rows; ++i) {
    if (out->IsNull(i)) continue;
    StringWriter writer(out.get(), i);
    RETURN_NOT_OK(op(i, writer));
  }
  return out;
}

/// Fills a BOOLEAN vector from `predicate(row)` for non-NULL rows.
template <typename Predicate>
MutableVectorPtr BooleanLoop(std::initializer_list<const Vector*> inputs, const DataType& out_type,
                             size_t num_rows, Predicate predicate) {
  MutableVectorPtr out = Vector::Make(out_type, num_rows);
  PropagateNulls(inputs, num_rows, out.get());
  uint8_t* values = out->mutable_values<uint8_t>();
  for (size_t i = 0; i < num_rows; ++i) {
    values[i] = out->IsNull(i) ? 0 : (predicate(i) ? 1 : 0);
  }
  return out;
}

}  // namespace tiangong
