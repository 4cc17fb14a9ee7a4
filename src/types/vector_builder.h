#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "types/value.h"
#include "types/vector.h"

namespace tiangong {

/// Builds a flat vector one row at a time, for row-oriented decoders (CSV, JSON)
/// and for turning Values into vectors. Generators and kernels that know their
/// row count write into Vector::Make() directly instead.
///
/// Nested types: for ROW, append one value to every child builder, then call
/// AppendStruct(); for ARRAY/MAP, append the entry's elements to the child
/// builders (element; or key and value), then call AppendList(). AppendNull()
/// keeps ROW children aligned by appending a NULL to each.
/// Thread-safety: none.
class VectorBuilder {
 public:
  explicit VectorBuilder(const DataType& type);
  VectorBuilder(VectorBuilder&&) = default;
  VectorBuilder& operator=(VectorBuilder&&) = default;

  const DataType& type() const { return type_; }
  size_t size() const { return size_; }

  void AppendNull();
  void AppendBool(bool value) { AppendFixed<uint8_t>(value ? 1 : 0); }
  template <typename T>
  void AppendFixed(T value) {
    values_.Resize((size_ + 1) * sizeof(T));
    reinterpret_cast<T*>(values_.data())[size_] = value;
    MarkValid();
  }
  /// Copies the bytes into the vector's arena.
  void AppendString(std::string_view bytes) { AppendFixed<std::string_view>(arena().Add(bytes)); }
  /// Writable space for a string of at most `max_size` bytes; finish with
  /// CommitString(actual_size).
  char* BeginString(size_t max_size);
  void CommitString(size_t size);

  VectorBuilder& child(size_t index) { return children_[index]; }
  void AppendStruct();
  void AppendList();

  /// Appends a Value of this builder's type (nested values included).
  void AppendValue(const Value& value);
  /// Appends row `row` of `source`, which has this builder's type.
  void AppendFrom(const Vector& source, size_t row);

  /// Drops rows from `size` on (for a row that failed half-way). String bytes
  /// already copied stay in the arena.
  void Truncate(size_t size);

  /// Returns the built vector and leaves the builder empty for reuse.
  MutableVectorPtr Build();

  /// Turns a one-row flat vector into a constant vector of `size` rows.
  static void MakeConstant(Vector* single_row, size_t size);

 private:
  void ShareStringsOf(const Vector& source);
  void MarkValid() {
    if (!nulls_.empty()) nulls_.ResizeAndFill(size_ + 1, 0);
    ++size_;
  }
  StringArena& arena();

  DataType type_;
  PhysicalKind kind_;
  size_t size_ = 0;
  Buffer values_;  // values, string_views, or list offsets (size_ + 1 of them)
  Buffer nulls_;
  StringArenaPtr arena_;
  std::vector<StringArenaPtr> shared_arenas_;
  std::vector<VectorBuilder> children_;
  size_t pending_string_size_ = 0;
  const StringArena* last_shared_arena_ = nullptr;  // held in shared_arenas_ or arena_
};

/// A vector of `size` rows that all hold `value` (a constant vector).
MutableVectorPtr MakeConstantVector(const DataType& type, const Value& value, size_t size);
/// A flat vector holding `values` in order.
MutableVectorPtr MakeVector(const DataType& type, const std::vector<Value>& values);
/// The value at `row` of `vector` as a Value.
Value ReadValue(const Vector& vector, size_t row);

/// Row rows[i] of `input` for each i, where -1 gives NULL; `type` is the
/// result's type (`input`'s, nullable).
VectorPtr GatherOrNull(const Vector& input, const DataType& type, const std::vector<int32_t>& rows);

}  // namespace tiangong
