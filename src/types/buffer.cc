#include "types/buffer.h"

#include <algorithm>
#include <new>

namespace tiangong {

void Buffer::Resize(size_t size) {
  if (size > capacity_) {
    size_t capacity = std::max({size, capacity_ * 2, size_t{64}});
    auto* grown = static_cast<uint8_t*>(std::realloc(data_, capacity));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = grown;
    capacity_ = capacity;
  }
  size_ = size;
}

void Buffer::ResizeAndFill(size_t size, uint8_t fill) {
  size_t old_size = size_;
  Resize(size);
  if (size > old_size) std::memset(data_ + old_size, fill, size - old_size);
}

std::string_view StringArena::Add(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* target = Allocate(bytes.size());
  std::memcpy(target, bytes.data(), bytes.size());
  return {target, bytes.size()};
}

char* StringArena::Allocate(size_t size) {
  if (size > remaining_) {
    size_t chunk_size = std::max(next_chunk_size_, size);
    chunks_.push_back(std::make_unique<char[]>(chunk_size));
    cursor_ = chunks_.back().get();
    remaining_ = chunk_size;
    bytes_allocated_ += chunk_size;
    next_chunk_size_ = std::min(next_chunk_size_ * 2, kMaxChunkSize);
  }
  char* result = cursor_;
  cursor_ += size;
  remaining_ -= size;
  return result;
}

}  // namespace tiangong
