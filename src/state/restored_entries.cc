#include "state/restored_entries.h"

#include <sys/mman.h>
#include <xxhash.h>

#include <new>
#include <utility>

namespace tiangong {
namespace {

constexpr size_t kPageBytes = 4096;
constexpr size_t kMinimumCapacity = 16;

}  // namespace

RestoredEntries::~RestoredEntries() { Release(); }

void RestoredEntries::Release() {
  if (slots_ != nullptr) munmap(slots_, mapped_bytes_);
  slots_ = nullptr;
  capacity_ = 0;
  mapped_bytes_ = 0;
  size_ = 0;
  used_ = 0;
}

uint64_t RestoredEntries::Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

void RestoredEntries::Reserve(size_t more) {
  size_t needed = (used_ + more) * 2;
  if (needed <= capacity_) return;
  size_t capacity = kMinimumCapacity;
  while (capacity < needed) capacity *= 2;
  Grow(capacity);
}

void RestoredEntries::Grow(size_t capacity) {
  Slot* old_slots = slots_;
  size_t old_capacity = capacity_;
  size_t old_bytes = mapped_bytes_;
  // Fresh anonymous pages read as zeros, that is empty slots. They are all
  // made at once (MAP_POPULATE): the table is sized for the entries to come,
  // which touch every page, and a fault per page (two, when a slot is read
  // before it is written) cost more than the restore's own work. Not huge
  // pages: once memory is fragmented, the kernel compacts it on each huge
  // page's first touch, which made a restore of 6 M entries take twice as long.
  size_t bytes = (capacity * sizeof(Slot) + kPageBytes - 1) / kPageBytes * kPageBytes;
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  slots_ = static_cast<Slot*>(memory);
  capacity_ = capacity;
  mapped_bytes_ = bytes;
  size_ = 0;
  used_ = 0;
  for (size_t i = 0; i < old_capacity; ++i) {
    if (old_slots[i].state == kLive)
      Insert(old_slots[i].entry, Hash(old_slots[i].entry.key), nullptr);
  }
  if (old_slots != nullptr) munmap(old_slots, old_bytes);
}

size_t RestoredEntries::Find(std::string_view key, uint64_t hash) const {
  size_t mask = capacity_ - 1;
  auto bits = static_cast<uint32_t>(hash >> 32);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.state == kEmpty) return i;
    if (slot.state == kLive && slot.hash_bits == bits && slot.entry.key == key) return i;
  }
}

void RestoredEntries::Insert(const Entry& entry, uint64_t hash, std::vector<Entry>* replaced) {
  Slot& slot = slots_[Find(entry.key, hash)];
  if (slot.state == kLive) {
    if (replaced != nullptr) replaced->push_back(slot.entry);
    slot.entry = entry;
    return;
  }
  slot.entry = entry;
  slot.hash_bits = static_cast<uint32_t>(hash >> 32);
  slot.state = kLive;
  ++size_;
  ++used_;
}

void RestoredEntries::AddBatch(const std::vector<Entry>& entries, std::vector<Entry>* replaced) {
  Reserve(entries.size());
  // The hashes first, prefetching each home slot, so that the slots' cache
  // misses overlap instead of coming one after another.
  uint64_t hashes[64];
  size_t mask = capacity_ - 1;
  for (size_t start = 0; start < entries.size(); start += 64) {
    size_t count = std::min<size_t>(64, entries.size() - start);
    for (size_t i = 0; i < count; ++i) {
      hashes[i] = Hash(entries[start + i].key);
      __builtin_prefetch(&slots_[hashes[i] & mask], 1);
    }
    for (size_t i = 0; i < count; ++i) Insert(entries[start + i], hashes[i], replaced);
  }
}

std::optional<RestoredEntries::Entry> RestoredEntries::Take(std::string_view key) {
  if (size_ == 0) return std::nullopt;
  Slot& slot = slots_[Find(key, Hash(key))];
  if (slot.state != kLive) return std::nullopt;
  // Taken slots keep probe sequences through them intact.
  slot.state = kTaken;
  Entry entry = slot.entry;
  if (--size_ == 0) Release();  // all used: the memory goes
  return entry;
}

std::vector<RestoredEntries::Entry> RestoredEntries::TakeAll() {
  std::vector<Entry> entries;
  entries.reserve(size_);
  ForEach([&](const Entry& entry) { entries.push_back(entry); });
  Release();
  return entries;
}

}  // namespace tiangong
