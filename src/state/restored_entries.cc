#include "state/restored_entries.h"

#include <xxhash.h>

#include <utility>

namespace tiangong {

uint64_t RestoredEntries::Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

void RestoredEntries::Reserve(size_t more) {
  size_t needed = (used_ + more) * 2;
  if (needed <= slots_.size()) return;
  size_t capacity = 16;
  while (capacity < needed) capacity *= 2;
  Grow(capacity);
}

void RestoredEntries::Grow(size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  used_ = 0;
  size_ = 0;
  for (const Slot& slot : old) {
    if (slot.state == kLive) Add(slot.entry);
  }
}

size_t RestoredEntries::Find(std::string_view key, uint64_t hash) const {
  size_t mask = slots_.size() - 1;
  auto bits = static_cast<uint32_t>(hash >> 32);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.state == kEmpty) return i;
    if (slot.state == kLive && slot.hash_bits == bits && slot.entry.key == key) return i;
  }
}

std::optional<RestoredEntries::Entry> RestoredEntries::Add(const Entry& entry) {
  if ((used_ + 1) * 2 > slots_.size()) Grow(slots_.empty() ? 16 : slots_.size() * 2);
  uint64_t hash = Hash(entry.key);
  Slot& slot = slots_[Find(entry.key, hash)];
  if (slot.state == kLive) return std::exchange(slot.entry, entry);
  slot.entry = entry;
  slot.hash_bits = static_cast<uint32_t>(hash >> 32);
  slot.state = kLive;
  ++size_;
  ++used_;
  return std::nullopt;
}

std::optional<RestoredEntries::Entry> RestoredEntries::Take(std::string_view key) {
  if (size_ == 0) return std::nullopt;
  Slot& slot = slots_[Find(key, Hash(key))];
  if (slot.state != kLive) return std::nullopt;
  // Taken slots keep probe sequences through them intact.
  slot.state = kTaken;
  Entry entry = slot.entry;
  if (--size_ == 0) {
    slots_ = {};  // all used: the memory goes
    used_ = 0;
  }
  return entry;
}

std::vector<RestoredEntries::Entry> RestoredEntries::TakeAll() {
  std::vector<Entry> entries;
  entries.reserve(size_);
  ForEach([&](const Entry& entry) { entries.push_back(entry); });
  slots_ = {};
  size_ = 0;
  used_ = 0;
  return entries;
}

}  // namespace tiangong
