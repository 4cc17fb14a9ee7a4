#pragma once

#include <cstdint>

namespace tiangong {

/// Keyed state is partitioned into key groups, as in Flink: a key belongs to
/// group `hash % max_parallelism`, and a subtask owns a contiguous range of
/// groups. Hash exchanges route rows the same way, so a key's rows and its state
/// meet in one subtask, and a savepoint can be restored at another parallelism
/// by reassigning whole key groups.

/// 'pipeline.max-parallelism' default: the number of key groups.
inline constexpr int kDefaultMaxParallelism = 128;

inline int KeyGroupOf(uint64_t key_hash, int max_parallelism) {
  return static_cast<int>(key_hash % static_cast<uint64_t>(max_parallelism));
}

/// The subtask of `parallelism` that owns `key_group`.
inline int SubtaskOfKeyGroup(int key_group, int parallelism, int max_parallelism) {
  return key_group * parallelism / max_parallelism;
}

}  // namespace tiangong
