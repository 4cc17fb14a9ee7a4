// The 'hashmap' state backend: every value is a live C++ object in a hash map,
// so Find/Insert are hash lookups and Flush does nothing.
//
// Snapshots are asynchronous and copy-on-write: at the barrier a snapshot
// takes a reference to every value (no copying of values, no serialization);
// the checkpoint's writer thread serializes them later. Until it has, the
// table copies a value the snapshot references before handing it out for
// changing, so the snapshot sees each value as it was at the barrier.
//
// A restore is lazy: restored entries stay in the memory-mapped snapshot
// files, indexed by RestoredEntries, until first used; then they move into
// the hash map, still serialized, and are decoded. A snapshot writes entries
// not decoded yet as they are. A file is unmapped once none of its entries is
// left undecoded.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "common/files.h"
#include "common/random.h"
#include "state/keyed_state.h"
#include "state/restored_entries.h"
#include "state/state_snapshot.h"

namespace tiangong {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Incremental checkpoints chain files in the shared directory: a full
/// "base" file, then "delta" files with the entries changed and the keys
/// erased since the file before. A checkpoint lists the whole chain; a chain
/// starts again with a new base once its deltas outweigh its base twice.
constexpr const char* kChainSuffix = ".incremental.state";
constexpr size_t kMaxChainFiles = 20;
/// A restore reads at most about (1 + this) times the state.
constexpr uint64_t kMaxDeltaToBase = 2;

// The chain of one backend, shared with its snapshots, which extend it on the
// checkpoint's thread.
struct Chain {
  std::mutex mutex;
  std::string id;                  // names the chain's files
  std::vector<std::string> files;  // GUARDED_BY(mutex)
  uint64_t base_bytes = 0;         // GUARDED_BY(mutex)
  uint64_t delta_bytes = 0;        // GUARDED_BY(mutex)
  /// The snapshot the chain's last file holds (0: none written yet).
  std::atomic<int64_t> last_written{0};

  /// The next file is a delta (else a new base). REQUIRES: mutex held.
  bool ExtendsWithDelta() const {
    return !files.empty() && files.size() < kMaxChainFiles &&
           delta_bytes < kMaxDeltaToBase * base_bytes;
  }
};

// A table's entries as they were at a snapshot: a value, or the serialized
// bytes of one not decoded since a restore (in one of `images`); `changed` is
// the snapshot after which the entry last changed.
struct FrozenEntry {
  std::string key;
  int64_t remaining_ttl_millis;
  std::shared_ptr<const StateValue> value;
  std::string_view serialized;
  int64_t changed;
};
struct FrozenTable {
  std::string name;
  std::vector<FrozenEntry> entries;
  /// Keys erased since the chain's last written snapshot.
  std::vector<std::string> erased;
  std::vector<std::shared_ptr<const MappedFile>> images;
};

// Serializes the frozen values on the checkpoint's writer thread (the table
// copies a value before changing it while a snapshot references it).
// With a shared directory it extends the chain: a delta when the chain has a
// base and is short, else a new base; without, a file of everything.
class MemoryStateSnapshot final : public StateSnapshot {
 public:
  /// `changes_after` >= 0: the tables hold only the entries changed since
  /// that snapshot of the chain (an incremental snapshot frozen as a delta).
  MemoryStateSnapshot(std::vector<FrozenTable> tables, int64_t sequence,
                      std::shared_ptr<Chain> chain, int64_t changes_after)
      : tables_(std::move(tables)),
        sequence_(sequence),
        chain_(std::move(chain)),
        changes_after_(changes_after) {}

  Result<std::vector<std::string>> Write(const std::string& directory, const std::string& prefix,
                                         const std::string& shared_directory) override {
    if (shared_directory.empty()) {
      if (changes_after_ >= 0) {
        return Status::Internal("an incremental snapshot cannot be written whole");
      }
      std::string path = directory + "/" + prefix + ".state";
      RETURN_NOT_OK(WriteFile(path, /*after=*/-1));
      return std::vector<std::string>{path};
    }
    // The final snapshot of a subtask whose input ended stands in for it in
    // every later checkpoint: its files are written once.
    if (written_) return *written_;
    std::lock_guard<std::mutex> lock(chain_->mutex);
    bool delta = changes_after_ >= 0 || chain_->ExtendsWithDelta();
    if (changes_after_ >= 0 && chain_->last_written != changes_after_) {
      return Status::Internal("the state's checkpoint chain moved on since snapshot {}", sequence_);
    }
    std::string path =
        fmt::format("{}/{}-{}{}", shared_directory, chain_->id, sequence_, kChainSuffix);
    RETURN_NOT_OK(WriteFile(path, delta ? chain_->last_written.load() : -1));
    std::error_code error;
    uint64_t size = std::filesystem::file_size(path, error);
    if (delta) {
      chain_->files.push_back(path);
      chain_->delta_bytes += size;
    } else {
      chain_->files = {path};
      chain_->base_bytes = size;
      chain_->delta_bytes = 0;
    }
    chain_->last_written = sequence_;
    written_ = chain_->files;
    return chain_->files;
  }

 private:
  // Everything (`after` < 0), or what changed after snapshot `after` and the
  // keys erased since.
  Status WriteFile(const std::string& path, int64_t after) {
    ASSIGN_OR_RAISE(std::unique_ptr<StateSnapshotWriter> file, StateSnapshotWriter::Create(path));
    std::string bytes;
    for (FrozenTable& table : tables_) {
      RETURN_NOT_OK(file->BeginTable(table.name));
      if (after >= 0) {
        for (const std::string& key : table.erased) RETURN_NOT_OK(file->AddErased(key));
      }
      for (FrozenEntry& entry : table.entries) {
        if (after >= 0 && entry.changed <= after) continue;
        std::string_view value = entry.serialized;
        if (entry.value) {
          bytes.clear();
          entry.value->Serialize(&bytes);
          value = bytes;
        }
        RETURN_NOT_OK(file->Add(entry.key, entry.remaining_ttl_millis, value));
      }
    }
    return file->Close();
  }

  // Kept until the snapshot goes (a savepoint may still need everything).
  std::vector<FrozenTable> tables_;
  int64_t sequence_;
  std::shared_ptr<Chain> chain_;
  int64_t changes_after_;
  std::optional<std::vector<std::string>> written_;
};

class MemoryStateTable final : public StateTable {
 public:
  MemoryStateTable(StateDecoder decoder, StateTableOptions options)
      : decoder_(std::move(decoder)), options_(std::move(options)) {
    if (!options_.clock) options_.clock = NowMillis;
  }

  Result<StateValue*> Find(std::string_view key) override {
    auto it = entries_.find(key);
    if (it == entries_.end()) it = Adopt(key);
    if (it == entries_.end()) return static_cast<StateValue*>(nullptr);
    if (Expired(it->second)) {
      EraseEntry(it);
      return static_cast<StateValue*>(nullptr);
    }
    return Writable(it->first, &it->second);
  }

  Result<StateValue*> Insert(std::string_view key, std::unique_ptr<StateValue> value) override {
    DropRestored(key);
    Entry& entry = entries_[std::string(key)];
    Release(&entry);
    StateValue* raw = value.get();
    entry.value = std::move(value);
    entry.written_at = ttl() ? options_.clock() : 0;
    NoteChanged(key, &entry);
    return raw;
  }

  void MarkChanged(std::string_view key) override {
    if (!ttl()) return;
    auto it = entries_.find(key);
    if (it != entries_.end()) it->second.written_at = options_.clock();
  }

  Status Erase(std::string_view key) override {
    auto it = entries_.find(key);
    if (it != entries_.end()) EraseEntry(it);
    DropRestored(key);
    return Status::OK();
  }

  Status Flush() override {
    // Expired entries are cleaned up incrementally: a slice of the table per flush.
    if (ttl() && !entries_.empty()) CleanUpSome();
    return Status::OK();
  }

  Status ForEach(
      const std::function<Status(std::string_view key, StateValue& value)>& visit) override {
    for (const RestoredEntries::Entry& restored : restored_.TakeAll()) AdoptEntry(restored);
    for (auto& [key, entry] : entries_) {
      if (Expired(entry)) continue;
      ASSIGN_OR_RAISE(StateValue * value, Writable(key, &entry));
      RETURN_NOT_OK(visit(key, *value));
    }
    return Status::OK();
  }

  size_t size() const override { return entries_.size() + restored_.size(); }

  /// References the live entries, with the time they have left to live: all
  /// of them (`changes_after` < 0), or those changed since that snapshot of
  /// the chain. Also the keys erased since the chain's snapshot
  /// `last_written`. Changes from now on belong to the snapshot after
  /// `sequence`.
  FrozenTable Freeze(std::string name, int64_t sequence, int64_t last_written,
                     int64_t changes_after) {
    FrozenTable frozen{std::move(name), {}, {}, {}};
    std::erase_if(erased_, [&](const auto& erased) { return erased.second <= last_written; });
    std::erase_if(changed_, [&](const auto& changed) { return changed.first <= last_written; });
    for (const auto& [key, epoch] : erased_) frozen.erased.push_back(key);
    tracking_ = true;
    int64_t now = ttl() ? options_.clock() : 0;
    auto freeze = [&](const std::string& key, const Entry& entry) {
      if (Expired(entry)) return;
      frozen.entries.push_back(
          FrozenEntry{key, ttl() ? RemainingTtl(now, options_.ttl.count(), entry.written_at) : -1,
                      entry.value, entry.serialized, entry.changed});
    };
    if (changes_after >= 0) {
      // Each changed key once: under the epoch it last changed in.
      for (const auto& [epoch, key] : changed_) {
        auto it = entries_.find(key);
        if (it != entries_.end() && it->second.changed == epoch) freeze(it->first, it->second);
      }
      epoch_ = sequence + 1;
      return frozen;
    }
    frozen.entries.reserve(entries_.size() + restored_.size());
    for (const auto& [key, entry] : entries_) freeze(key, entry);
    restored_.ForEach([&](const RestoredEntries::Entry& entry) {
      if (ttl() && now - entry.written_at >= options_.ttl.count()) return;
      frozen.entries.push_back(
          FrozenEntry{std::string(entry.key),
                      ttl() ? RemainingTtl(now, options_.ttl.count(), entry.written_at) : -1,
                      nullptr, entry.value, 0});
    });
    for (const Image& image : images_) {
      if (image.bytes) frozen.images.push_back(image.bytes);
    }
    epoch_ = sequence + 1;
    return frozen;
  }

  /// Makes room for `more` restored entries.
  void Reserve(size_t more) { restored_.Reserve(more); }

  /// Adds a restored entry with the time it had left to live (< 0: none),
  /// still serialized: `bytes` stays in `image`.
  Status Restore(std::string_view key, int64_t remaining_ttl_millis, std::string_view bytes,
                 const std::shared_ptr<const MappedFile>& image) {
    if (remaining_ttl_millis == kErasedEntry) {
      // Entries restored before it (in the pending batch too) go.
      FinishRestore();
      auto it = entries_.find(key);
      if (it != entries_.end()) EraseEntry(it);
      DropRestored(key);
      return Status::OK();
    }
    if (ttl() && remaining_ttl_millis == 0) return Status::OK();
    auto it = entries_.find(key);
    if (it != entries_.end()) EraseEntry(it);
    if (images_.empty() || images_.back().bytes != image) images_.push_back(Image{image, 0});
    RestoredEntries::Entry entry;
    entry.key = key;
    entry.value = bytes;
    entry.image = static_cast<uint32_t>(images_.size() - 1);
    if (ttl()) {
      entry.written_at =
          RestoredWriteTime(options_.clock(), options_.ttl.count(), remaining_ttl_millis);
    }
    ++images_.back().undecoded;
    pending_restore_.push_back(entry);
    if (pending_restore_.size() >= kRestoreBatch) FinishRestore();
    return Status::OK();
  }

  /// Adds the restored entries still waiting in a batch.
  void FinishRestore() {
    std::vector<RestoredEntries::Entry> replaced;
    restored_.AddBatch(pending_restore_, &replaced);
    pending_restore_.clear();
    for (const RestoredEntries::Entry& entry : replaced) ReleaseImage(entry.image);
  }

 private:
  static constexpr uint32_t kNoImage = UINT32_MAX;

  struct Entry {
    // Shared with snapshots that have not written it yet. Null while the
    // entry is still serialized in images_[image].
    std::shared_ptr<StateValue> value;
    std::string_view serialized;
    uint32_t image = kNoImage;
    int64_t written_at = 0;
    /// The snapshot after which it last changed (incremental checkpoints).
    int64_t changed = 0;
  };
  // A restored snapshot file and how many entries are still serialized in it.
  struct Image {
    std::shared_ptr<const MappedFile> bytes;
    size_t undecoded = 0;
  };

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };
  using Entries = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

  // Lets go of the entry's serialized bytes, and of their file once no entry
  // needs it.
  void Release(Entry* entry) {
    if (entry->image == kNoImage) return;
    ReleaseImage(entry->image);
    entry->image = kNoImage;
    entry->serialized = {};
  }
  void ReleaseImage(uint32_t index) {
    Image& image = images_[index];
    if (--image.undecoded == 0) image.bytes.reset();
  }

  // Moves the restored entry of `key`, if there is one, into entries_ (still
  // serialized); end() otherwise.
  Entries::iterator Adopt(std::string_view key) {
    if (restored_.empty()) return entries_.end();
    std::optional<RestoredEntries::Entry> restored = restored_.Take(key);
    if (!restored) return entries_.end();
    return AdoptEntry(*restored);
  }
  Entries::iterator AdoptEntry(const RestoredEntries::Entry& restored) {
    auto [it, inserted] = entries_.try_emplace(std::string(restored.key));
    Entry& entry = it->second;
    entry.serialized = restored.value;
    entry.image = restored.image;
    entry.written_at = restored.written_at;
    return it;
  }
  // The key's restored entry is replaced or erased before it was used.
  void DropRestored(std::string_view key) {
    if (restored_.empty()) return;
    if (std::optional<RestoredEntries::Entry> restored = restored_.Take(key)) {
      ReleaseImage(restored->image);
      NoteErased(key);
    }
  }
  // Once checkpoints are taken, the next delta must say the key went.
  void NoteErased(std::string_view key) {
    if (tracking_) erased_.emplace_back(std::string(key), epoch_);
  }
  // The entry changes in this epoch; the first change lists its key.
  void NoteChanged(std::string_view key, Entry* entry) {
    if (entry->changed == epoch_) return;
    entry->changed = epoch_;
    if (tracking_) changed_.emplace_back(epoch_, std::string(key));
  }

  void EraseEntry(Entries::iterator it) {
    NoteErased(it->first);
    Release(&it->second);
    entries_.erase(it);
  }

  // The entry's value, decoded on first use after a restore, and copied first
  // when a snapshot still references it.
  Result<StateValue*> Writable(std::string_view key, Entry* entry) {
    // Handed out for changing: the next delta has it.
    NoteChanged(key, entry);
    if (!entry->value) {
      ASSIGN_OR_RAISE(std::unique_ptr<StateValue> value, decoder_(entry->serialized));
      entry->value = std::move(value);
      Release(entry);
    } else if (entry->value.use_count() > 1) {
      std::string bytes;
      entry->value->Serialize(&bytes);
      ASSIGN_OR_RAISE(std::unique_ptr<StateValue> copy, decoder_(bytes));
      entry->value = std::move(copy);
    } else {
      // The snapshot's reads of the value happen before it dropped its
      // reference, which this pairs with.
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return entry->value.get();
  }

  bool ttl() const { return options_.ttl.count() > 0; }
  bool Expired(const Entry& entry) const {
    return ttl() && options_.clock() - entry.written_at >= options_.ttl.count();
  }

  void CleanUpSome() {
    constexpr size_t kEntriesPerFlush = 256;
    size_t checked = 0;
    if (cleanup_cursor_ >= entries_.bucket_count()) cleanup_cursor_ = 0;
    while (checked < kEntriesPerFlush && cleanup_cursor_ < entries_.bucket_count()) {
      std::vector<std::string> expired;
      for (auto it = entries_.begin(cleanup_cursor_); it != entries_.end(cleanup_cursor_); ++it) {
        ++checked;
        if (Expired(it->second)) expired.push_back(it->first);
      }
      for (const std::string& key : expired) EraseEntry(entries_.find(key));
      ++cleanup_cursor_;
    }
  }

  StateDecoder decoder_;
  StateTableOptions options_;
  Entries entries_;
  std::vector<Image> images_;
  RestoredEntries restored_;
  /// Changes are stamped with epoch_. From the first snapshot on, the keys
  /// changed and erased in each epoch are listed until the chain has written
  /// a file past it, so that a delta needs no pass over the whole table.
  int64_t epoch_ = 1;
  bool tracking_ = false;
  std::vector<std::pair<int64_t, std::string>> changed_;
  std::vector<std::pair<std::string, int64_t>> erased_;
  /// Restored entries go into restored_ in batches of kRestoreBatch.
  static constexpr size_t kRestoreBatch = 256;
  std::vector<RestoredEntries::Entry> pending_restore_;
  size_t cleanup_cursor_ = 0;
};

class MemoryStateBackend final : public KeyedStateBackend {
 public:
  Result<StateTable*> Table(const std::string& name, StateDecoder decoder,
                            StateTableOptions options) override {
    auto& table = tables_[name];
    if (!table) table = std::make_unique<MemoryStateTable>(std::move(decoder), std::move(options));
    return table.get();
  }

  Status Flush() override {
    for (auto& [name, table] : tables_) RETURN_NOT_OK(table->Flush());
    return Status::OK();
  }

  /// References the values now (all of them, or for an incremental snapshot
  /// that extends the chain with a delta, the changed ones); Write serializes
  /// them.
  Result<std::unique_ptr<StateSnapshot>> Snapshot(SnapshotScope scope) override {
    int64_t sequence = ++sequence_;
    int64_t last_written = chain_->last_written.load();
    int64_t changes_after = -1;
    if (scope == SnapshotScope::kIncremental) {
      std::lock_guard<std::mutex> lock(chain_->mutex);
      if (chain_->ExtendsWithDelta()) changes_after = last_written;
    }
    std::vector<FrozenTable> frozen;
    for (const auto& [name, table] : tables_) {
      frozen.push_back(table->Freeze(name, sequence, last_written, changes_after));
    }
    return std::unique_ptr<StateSnapshot>(
        std::make_unique<MemoryStateSnapshot>(std::move(frozen), sequence, chain_, changes_after));
  }

  Status Restore(const std::vector<std::string>& files, const StateKeyFilter& keep) override {
    Status status = RestoreStateSnapshots(
        files, keep, tables_,
        [](MemoryStateTable* table, std::string_view key, int64_t remaining_ttl_millis,
           std::string_view value, const std::shared_ptr<const MappedFile>& image) {
          return table->Restore(key, remaining_ttl_millis, value, image);
        },
        [this](std::string_view name, size_t entries) {
          auto it = tables_.find(name);
          if (it != tables_.end()) it->second->Reserve(entries);
        });
    for (auto& [name, table] : tables_) table->FinishRestore();
    return status;
  }

 private:
  std::map<std::string, std::unique_ptr<MemoryStateTable>, std::less<>> tables_;
  int64_t sequence_ = 0;
  std::shared_ptr<Chain> chain_ = [] {
    auto chain = std::make_shared<Chain>();
    chain->id = RandomHex(16);
    return chain;
  }();
};

}  // namespace

std::unique_ptr<KeyedStateBackend> MakeMemoryStateBackend() {
  return std::make_unique<MemoryStateBackend>();
}

}  // namespace tiangong
