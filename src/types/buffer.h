#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace tiangong {

/// A growable, uninitialized byte buffer (malloc-aligned, so any value type up to
/// 16 bytes may live in it). Growing keeps the existing bytes. Move-only.
/// Thread-safety: none; owned by one vector.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept { *this = std::move(other); }
  Buffer& operator=(Buffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    return *this;
  }
  ~Buffer() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// Sets the size; new bytes are uninitialized. Capacity at least doubles on growth.
  void Resize(size_t size);
  /// Sets the size; new bytes are set to `fill`.
  void ResizeAndFill(size_t size, uint8_t fill);
  void Clear() { size_ = 0; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Append-only storage for the bytes of string values. Values handed out stay valid
/// for the arena's lifetime; chunks are never moved. Shared (immutable once the
/// vector is built) by every vector whose string_views point into it.
/// Thread-safety: appending is single-threaded; reading built data is safe anywhere.
class StringArena {
 public:
  StringArena() = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;

  /// Copies `bytes` into the arena and returns a view of the copy.
  std::string_view Add(std::string_view bytes);
  /// Returns `size` bytes of writable memory that stays valid as long as the arena.
  char* Allocate(size_t size);
  /// Gives back the unused tail of the most recent Allocate() call.
  void ShrinkLast(size_t unused_bytes) { cursor_ -= unused_bytes, remaining_ += unused_bytes; }
  size_t bytes_allocated() const { return bytes_allocated_; }

 private:
  static constexpr size_t kMinChunkSize = 16 * 1024;
  static constexpr size_t kMaxChunkSize = 1024 * 1024;

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t next_chunk_size_ = kMinChunkSize;
  size_t bytes_allocated_ = 0;
};

using StringArenaPtr = std::shared_ptr<StringArena>;

}  // namespace tiangong
