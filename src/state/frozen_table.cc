#include "state/frozen_table.h"

#include <thread>

namespace tiangong {
namespace {

// What became of a listed entry.
enum EntryState : uint8_t {
  kFrozen = 0,     // still in the table, as it was
  kWriting = 1,    // the writer is serializing it
  kWritten = 2,    // the writer is through with it
  kTaking = 3,     // the table is keeping it as it was
  kTaken = 4,      // kept: `taken` holds it
  kAbandoned = 5,  // the table went away before either
};

// Waits while another thread holds `entry` in `busy`; returns the state after.
uint8_t AwaitNot(const std::atomic<uint8_t>& state, uint8_t busy, uint8_t seen) {
  for (int spins = 0; seen == busy; ++spins) {
    // One value takes microseconds to serialize; past that, let go of the core.
    if (spins > 64) std::this_thread::yield();
    seen = state.load(std::memory_order_acquire);
  }
  return seen;
}

constexpr size_t kPrefetchAhead = 16;

}  // namespace

FrozenTable::FrozenTable(std::string name, size_t capacity)
    : name_(std::move(name)), entries_(new Entry[capacity]) {}

FrozenTable::~FrozenTable() {
  for (size_t i = 0; i < size_; ++i) delete entries_[i].taken;
}

uint32_t FrozenTable::Add(std::string_view key, int64_t remaining_ttl_millis,
                          const StateValue* value, std::string_view serialized) {
  Entry& entry = entries_[size_];
  entry.key = key;
  entry.remaining_ttl_millis = remaining_ttl_millis;
  entry.value = value;
  entry.serialized = serialized;
  return static_cast<uint32_t>(size_++);
}

void FrozenTable::Take(uint32_t index) {
  Entry& entry = entries_[index];
  uint8_t state = kFrozen;
  if (entry.state.compare_exchange_strong(state, kTaking, std::memory_order_acq_rel,
                                          std::memory_order_acquire)) {
    auto taken = std::make_unique<Taken>();
    taken->key = entry.key;
    if (entry.value != nullptr) {
      entry.value->Serialize(&taken->value);
    } else {
      taken->value = entry.serialized;
    }
    entry.taken = taken.release();
    entry.state.store(kTaken, std::memory_order_release);
    return;
  }
  // The writer's reads of the value come before the operator's changes.
  AwaitNot(entry.state, kWriting, state);
}

void FrozenTable::Abandon() {
  for (size_t i = 0; i < size_; ++i) {
    uint8_t state = kFrozen;
    if (!entries_[i].state.compare_exchange_strong(state, kAbandoned, std::memory_order_acq_rel,
                                                   std::memory_order_acquire)) {
      AwaitNot(entries_[i].state, kWriting, state);
    }
  }
}

Status FrozenTable::WriteTo(StateSnapshotWriter* file, bool with_erased,
                            std::optional<int64_t> growth) {
  struct Done {
    FrozenTable* table;
    ~Done() { table->MarkDone(); }
  } done{this};
  RETURN_NOT_OK(file->BeginTable(name_, growth));
  if (with_erased) {
    for (const std::string& key : erased_) RETURN_NOT_OK(file->AddErased(key));
  }
  std::string key;
  std::string bytes;
  for (size_t i = 0; i < size_; ++i) {
    // The entries' keys and values are scattered over the heap: fetching
    // them ahead keeps the writer from waiting on memory for each.
    if (i + kPrefetchAhead < size_) {
      const Entry& ahead = entries_[i + kPrefetchAhead];
      __builtin_prefetch(ahead.key.data());
      __builtin_prefetch(ahead.value);
    }
    Entry& entry = entries_[i];
    uint8_t state = kFrozen;
    if (entry.state.compare_exchange_strong(state, kWriting, std::memory_order_acq_rel,
                                            std::memory_order_acquire)) {
      // Serialized while the table waits for it; written to the file after.
      key.assign(entry.key);
      std::string_view value = entry.serialized;
      if (entry.value != nullptr) {
        bytes.clear();
        entry.value->Serialize(&bytes);
        value = bytes;
      }
      entry.state.store(kWritten, std::memory_order_release);
      RETURN_NOT_OK(file->Add(key, entry.remaining_ttl_millis, value));
      continue;
    }
    state = AwaitNot(entry.state, kTaking, state);
    if (state == kAbandoned) {
      return Status::Cancelled("state table '{}' went away before its snapshot was written", name_);
    }
    std::unique_ptr<Taken> taken(entry.taken);
    entry.taken = nullptr;
    RETURN_NOT_OK(file->Add(taken->key, entry.remaining_ttl_millis, taken->value));
  }
  return Status::OK();
}

}  // namespace tiangong
