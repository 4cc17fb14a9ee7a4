#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tiangong {

/// Entries restored from snapshot files that the operator has not used yet:
/// their keys and serialized values stay in the files' images, found
/// through an open-addressing hash table of 48-byte slots.
/// Filling it costs no allocation per entry, and entries are added in batches
/// whose slots are prefetched, which is what makes a restart of a large
/// hashmap state fast; an entry moves into the backend's own table when first
/// used.
///
/// Entries are added while restoring and only taken or dropped afterwards.
/// Thread-safety: one thread.
class RestoredEntries {
 public:
  struct Entry {
    std::string_view key;
    std::string_view value;
    int64_t written_at = 0;  // table clock; with a TTL
    uint32_t image = 0;      // which restored file the views point into
  };

  RestoredEntries() = default;
  ~RestoredEntries();
  RestoredEntries(const RestoredEntries&) = delete;
  RestoredEntries& operator=(const RestoredEntries&) = delete;

  /// Makes room for `more` entries without growing.
  void Reserve(size_t more);
  /// Adds `entries`; those that replace an entry of the same key return it
  /// in `replaced`.
  void AddBatch(const std::vector<Entry>& entries, std::vector<Entry>* replaced);
  /// Removes and returns the entry of `key`.
  std::optional<Entry> Take(std::string_view key);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// Calls `visit(const Entry&)` for every entry.
  template <typename Visit>
  void ForEach(Visit visit) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (slots_[i].state == kLive) visit(slots_[i].entry);
    }
  }
  /// Removes every entry, returning them.
  std::vector<Entry> TakeAll();

 private:
  enum State : uint8_t { kEmpty = 0, kLive = 1, kTaken = 2 };
  // All zero bytes is an empty slot: fresh pages need no initialising.
  struct Slot {
    Entry entry;
    uint32_t hash_bits;
    State state;
  };

  static uint64_t Hash(std::string_view key);
  /// The slot of `key`, or of the empty slot that ends its probe sequence.
  size_t Find(std::string_view key, uint64_t hash) const;
  void Insert(const Entry& entry, uint64_t hash, std::vector<Entry>* replaced);
  /// Replaces the table by an empty one of `capacity` (a power of two) slots,
  /// re-adding the live entries.
  void Grow(size_t capacity);
  void Release();

  Slot* slots_ = nullptr;  // mmap'd, capacity_ slots, at most half live or taken
  size_t capacity_ = 0;
  size_t mapped_bytes_ = 0;
  size_t size_ = 0;
  size_t used_ = 0;  // live and taken slots
};

}  // namespace tiangong
