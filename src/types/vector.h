#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "types/buffer.h"
#include "types/data_type.h"

namespace tiangong {

class Vector;
/// Vectors are immutable once handed out through a VectorPtr; batches and
/// expressions share them without copying.
using VectorPtr = std::shared_ptr<const Vector>;
/// A vector that its creator is still filling.
using MutableVectorPtr = std::shared_ptr<Vector>;

/// One column of a batch: `size()` values of one DataType in the physical layout
/// described in data_type.h, plus an optional null flag per row (one byte each;
/// no buffer means no nulls).
///
/// A vector is flat (one stored value per row) or constant (one stored value that
/// stands for every row). Constant vectors only occur inside expression evaluation;
/// operators and connectors always see flat vectors. `Index(row)` maps a row to its
/// storage slot for both.
///
/// Strings are string_views into StringArenas that the vector keeps alive; a vector
/// may reference the arenas of the vectors it was derived from, so gathering or
/// passing strings through never copies bytes.
///
/// Thread-safety: a vector being filled belongs to one thread; a published one
/// (VectorPtr) may be read from any number of threads.
class Vector {
 public:
  /// A flat vector of `size` rows: no nulls, fixed-width values uninitialized,
  /// strings empty, list offsets zero, ROW children flat vectors of `size` rows.
  static MutableVectorPtr Make(const DataType& type, size_t size);
  /// A constant vector of `size` rows whose single storage slot the caller fills.
  static MutableVectorPtr MakeConstant(const DataType& type, size_t size);
  /// A constant vector of `size` rows that are all NULL.
  static MutableVectorPtr MakeNullConstant(const DataType& type, size_t size);

  Vector(const DataType& type, size_t size, bool constant);

  const DataType& type() const { return type_; }
  PhysicalKind kind() const { return kind_; }
  size_t size() const { return size_; }
  bool is_constant() const { return index_mask_ == 0; }
  /// The storage slot of `row`: `row` for flat vectors, 0 for constants.
  size_t Index(size_t row) const { return row & index_mask_; }
  /// Number of storage slots: size() for flat vectors, 1 for constants.
  size_t storage_size() const { return is_constant() ? 1 : size_; }

  // Nulls -------------------------------------------------------------------

  bool may_have_nulls() const { return !nulls_.empty(); }
  bool IsNull(size_t row) const { return !nulls_.empty() && nulls_.data()[Index(row)] != 0; }
  /// One byte per storage slot (1 = NULL), or nullptr when no row is NULL.
  const uint8_t* nulls() const { return nulls_.empty() ? nullptr : nulls_.data(); }
  /// Creates an all-zero null buffer on first use.
  uint8_t* mutable_nulls();
  void SetNull(size_t slot, bool is_null);
  /// Drops the null buffer when no slot is NULL; cheap way to speed up readers.
  void CompactNulls();

  // Fixed-width values ------------------------------------------------------

  template <typename T>
  const T* values() const {
    return reinterpret_cast<const T*>(values_.data());
  }
  template <typename T>
  T* mutable_values() {
    return reinterpret_cast<T*>(values_.data());
  }
  template <typename T>
  T ValueAt(size_t row) const {
    return values<T>()[Index(row)];
  }
  std::string_view StringAt(size_t row) const { return values<std::string_view>()[Index(row)]; }

  // String bytes --------------------------------------------------------------

  /// Copies `bytes` into this vector's own arena.
  std::string_view AddString(std::string_view bytes) { return own_arena().Add(bytes); }
  /// Writable memory in this vector's own arena; see StringArena::Allocate.
  StringArena& own_arena();
  /// Keeps the string memory of `other` alive for as long as this vector.
  void ShareStringsOf(const Vector& other);

  // Nested values -------------------------------------------------------------

  /// ROW fields; ARRAY's elements at 0; MAP's keys at 0 and values at 1.
  size_t num_children() const { return children_.size(); }
  const Vector& child(size_t index) const { return *children_[index]; }
  const VectorPtr& child_ptr(size_t index) const { return children_[index]; }
  void SetChild(size_t index, VectorPtr child) { children_[index] = std::move(child); }
  /// ARRAY/MAP: storage_size() + 1 offsets; the elements of slot i are
  /// [offsets[i], offsets[i + 1]) in the child vectors.
  const uint32_t* offsets() const { return reinterpret_cast<const uint32_t*>(values_.data()); }
  uint32_t* mutable_offsets() { return reinterpret_cast<uint32_t*>(values_.data()); }

  /// Changes the number of rows of a flat vector, keeping existing values. New
  /// rows are not NULL and uninitialized; for ARRAY/MAP their offsets repeat the
  /// last offset (empty); ROW children are not resized (their builders do that).
  void Resize(size_t size);

  /// Bytes held by this vector's buffers and its own arena (not shared ones).
  size_t EstimateBytes() const;

 private:
  friend class VectorBuilder;

  DataType type_;
  PhysicalKind kind_;
  size_t size_;
  size_t index_mask_;
  Buffer values_;  // fixed-width values, string_views, or list offsets
  Buffer nulls_;
  StringArenaPtr own_arena_;
  std::vector<StringArenaPtr> shared_arenas_;
  std::vector<VectorPtr> children_;
};

/// Returns a flat vector with the rows `rows[0..count)` of `input`, in that order.
/// Strings share the input's arenas.
VectorPtr Gather(const Vector& input, const uint32_t* rows, size_t count);

/// Returns `input` itself when flat, otherwise a flat copy.
VectorPtr Flatten(const VectorPtr& input);

/// Returns a flat vector with rows [offset, offset + count) of `input`.
VectorPtr Slice(const Vector& input, size_t offset, size_t count);

/// Appends the rows of `source` to `target`, which must have the same type.
/// REQUIRES: target is flat.
void AppendVector(Vector* target, const Vector& source);

}  // namespace tiangong
