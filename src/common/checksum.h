#pragma once

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace tiangong {

/// The XXH3 (64-bit) checksum of bytes given piece by piece, which is that of
/// the same bytes given at once: what checkpoints record of their files.
class StreamingChecksum {
 public:
  StreamingChecksum() : state_(XXH3_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH3_64bits_reset(state_.get());
  }

  void Update(const void* data, size_t size) { XXH3_64bits_update(state_.get(), data, size); }
  /// The checksum of everything given so far.
  uint64_t Digest() const { return XXH3_64bits_digest(state_.get()); }

 private:
  struct Free {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, Free> state_;
};

}  // namespace tiangong
