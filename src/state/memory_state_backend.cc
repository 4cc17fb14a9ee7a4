// The 'hashmap' state backend: every value is a live C++ object in a hash map,
// so Find/Insert are hash lookups and Flush does nothing.
//
// Snapshots are asynchronous: at the barrier a snapshot lists the entries
// where they live (state/frozen_table.h); the checkpoint's writer thread
// serializes them later, and the table keeps an entry as it was (serialized)
// only when the operator changes it before the writer got to it.
//
// A restore is lazy: restored entries stay in the images of the snapshot
// files (common/file_image.h), indexed by RestoredEntries, until first used;
// then they move into the hash map, still serialized, and are decoded. A
// snapshot writes entries not decoded yet as they are. A file's image is freed
// once none of its entries is left undecoded.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "common/file_image.h"
#include "common/files.h"
#include "common/random.h"
#include "state/frozen_table.h"
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
/// How many entries ahead a pass over the table fetches them.
constexpr size_t kPrefetchAhead = 16;

// The chain of one backend, shared with its snapshots, which extend it on the
// checkpoint's thread.
struct Chain {
  std::mutex mutex;
  std::string id;                 // names the chain's files
  std::vector<StoredFile> files;  // GUARDED_BY(mutex)
  uint64_t base_bytes = 0;        // GUARDED_BY(mutex)
  uint64_t delta_bytes = 0;       // GUARDED_BY(mutex)
  /// Each table's entries at the chain's last file.
  std::map<std::string, int64_t, std::less<>> sizes;  // GUARDED_BY(mutex)
  /// The snapshot the chain's last file holds (0: none written yet).
  std::atomic<int64_t> last_written{0};

  /// The next file is a delta (else a new base). REQUIRES: mutex held.
  bool ExtendsWithDelta() const {
    return !files.empty() && files.size() < kMaxChainFiles &&
           delta_bytes < kMaxDeltaToBase * base_bytes;
  }
};

// Writes the frozen tables on the checkpoint's writer thread. With a shared
// directory it extends the chain: a delta when the tables hold only the
// entries changed since the chain's last file, else a new base; without, a
// file of everything.
class MemoryStateSnapshot final : public StateSnapshot {
 public:
  /// `changes_after` >= 0: the tables hold only the entries changed since
  /// that snapshot of the chain (an incremental snapshot frozen as a delta).
  MemoryStateSnapshot(std::vector<std::shared_ptr<FrozenTable>> tables, int64_t sequence,
                      std::shared_ptr<Chain> chain, int64_t changes_after)
      : tables_(std::move(tables)),
        sequence_(sequence),
        chain_(std::move(chain)),
        changes_after_(changes_after) {}
  ~MemoryStateSnapshot() override {
    for (const auto& table : tables_) table->MarkDone();
  }

  Result<std::vector<StoredFile>> Write(const std::string& directory, const std::string& prefix,
                                        const std::string& shared_directory) override {
    if (written_) return Status::Internal("a snapshot of the hashmap backend is written once");
    written_ = true;
    bool delta = changes_after_ >= 0;
    if (shared_directory.empty()) {
      if (delta) return Status::Internal("an incremental snapshot cannot be written whole");
      std::string path = directory + "/" + prefix + ".state";
      ASSIGN_OR_RAISE(FileDigest digest, WriteFile(path, /*delta=*/false));
      return std::vector<StoredFile>{StoredFile{path, digest}};
    }
    std::lock_guard<std::mutex> lock(chain_->mutex);
    if (delta && chain_->last_written != changes_after_) {
      return Status::Internal("the state's checkpoint chain moved on since snapshot {}", sequence_);
    }
    std::string path =
        fmt::format("{}/{}-{}{}", shared_directory, chain_->id, sequence_, kChainSuffix);
    ASSIGN_OR_RAISE(FileDigest digest, WriteFile(path, delta));
    if (!delta) chain_->sizes.clear();
    for (const auto& table : tables_) {
      chain_->sizes[table->name()] = static_cast<int64_t>(table->table_size());
    }
    if (delta) {
      chain_->files.push_back(StoredFile{path, digest});
      chain_->delta_bytes += digest.size;
    } else {
      chain_->files = {StoredFile{path, digest}};
      chain_->base_bytes = digest.size;
      chain_->delta_bytes = 0;
    }
    chain_->last_written = sequence_;
    return chain_->files;
  }

 private:
  /// REQUIRES: for a delta, the chain's mutex held.
  Result<FileDigest> WriteFile(const std::string& path, bool delta) {
    ASSIGN_OR_RAISE(std::unique_ptr<StateSnapshotWriter> file, StateSnapshotWriter::Create(path));
    for (const auto& table : tables_) {
      std::optional<int64_t> growth;
      if (delta) {
        auto before = chain_->sizes.find(table->name());
        growth = static_cast<int64_t>(table->table_size()) -
                 (before == chain_->sizes.end() ? 0 : before->second);
      }
      RETURN_NOT_OK(table->WriteTo(file.get(), delta, growth));
    }
    return file->Close();
  }

  std::vector<std::shared_ptr<FrozenTable>> tables_;
  int64_t sequence_;
  std::shared_ptr<Chain> chain_;
  int64_t changes_after_;
  bool written_ = false;
};

class MemoryStateTable final : public StateTable {
 public:
  MemoryStateTable(StateDecoder decoder, StateTableOptions options)
      : decoder_(std::move(decoder)), options_(std::move(options)) {
    if (!options_.clock) options_.clock = NowMillis;
  }
  ~MemoryStateTable() override {
    if (pending_ && !pending_->done()) pending_->Abandon();
  }

  Result<StateValue*> Find(std::string_view key) override {
    auto it = entries_.find(key);
    if (it == entries_.end()) it = Adopt(key);
    if (it == entries_.end()) return static_cast<StateValue*>(nullptr);
    if (Expired(it->second)) {
      EraseEntry(it);
      return static_cast<StateValue*>(nullptr);
    }
    return Writable(&*it);
  }

  Result<StateValue*> Insert(std::string_view key, std::unique_ptr<StateValue> value) override {
    DropRestored(key);
    auto [it, inserted] = entries_.try_emplace(std::string(key));
    Entry& entry = it->second;
    if (inserted) {
      AddNode(&*it);
    } else {
      KeepFrozen(&entry);
    }
    Release(&entry);
    StateValue* raw = value.get();
    entry.value = std::move(value);
    entry.written_at = ttl() ? options_.clock() : 0;
    NoteChanged(&*it);
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
    if (pending_ && pending_->done()) pending_.reset();
    // Expired entries are cleaned up incrementally: a slice of the table per flush.
    if (ttl() && !entries_.empty()) CleanUpSome();
    return Status::OK();
  }

  Status ForEach(
      const std::function<Status(std::string_view key, StateValue& value)>& visit) override {
    for (const RestoredEntries::Entry& restored : restored_.TakeAll()) AdoptEntry(restored);
    for (Node& node : entries_) {
      if (Expired(node.second)) continue;
      ASSIGN_OR_RAISE(StateValue * value, Writable(&node));
      RETURN_NOT_OK(visit(node.first, *value));
    }
    return Status::OK();
  }

  size_t size() const override { return entries_.size() + restored_.size(); }

  /// Lists the live entries, with the time they have left to live, in a
  /// frozen table: all of them (`changes_after` < 0), or those changed since
  /// that snapshot of the chain. Also the keys erased since the chain's
  /// snapshot `last_written`. Changes from now on belong to the snapshot after
  /// `sequence`.
  std::shared_ptr<FrozenTable> Freeze(std::string name, int64_t sequence, int64_t last_written,
                                      int64_t changes_after) {
    // A snapshot not written by now never will be (one is written at a time).
    if (pending_ && !pending_->done()) pending_->Abandon();
    pending_.reset();
    ++generation_;
    std::erase_if(erased_, [&](const auto& erased) { return erased.second <= last_written; });
    ForgetChangesUpTo(last_written);
    tracking_ = true;
    int64_t now = ttl() ? options_.clock() : 0;
    auto remaining_ttl = [&](int64_t written_at) {
      return ttl() ? RemainingTtl(now, options_.ttl.count(), written_at) : -1;
    };
    std::shared_ptr<FrozenTable> frozen;
    auto freeze = [&](Node* node) {
      Entry& entry = node->second;
      if (Expired(entry)) return;
      entry.frozen_index = frozen->Add(node->first, remaining_ttl(entry.written_at),
                                       entry.value.get(), entry.serialized);
      entry.frozen_generation = generation_;
    };
    if (changes_after >= 0) {
      // Each changed key is listed once, under the epoch it last changed in.
      frozen = std::make_shared<FrozenTable>(std::move(name), changed_.size());
      for (size_t i = 0; i < changed_.size(); ++i) {
        if (i + kPrefetchAhead < changed_.size()) Prefetch(changed_[i + kPrefetchAhead].second);
        if (Node* node = changed_[i].second) freeze(node);
      }
      for (const auto& [key, epoch] : erased_) frozen->erased().push_back(key);
      frozen->set_table_size(size());
    } else {
      frozen = std::make_shared<FrozenTable>(std::move(name), entries_.size() + restored_.size());
      for (size_t i = 0; i < nodes_.size(); ++i) {
        if (i + kPrefetchAhead < nodes_.size()) Prefetch(nodes_[i + kPrefetchAhead]);
        freeze(nodes_[i]);
      }
      restored_.ForEach([&](const RestoredEntries::Entry& entry) {
        if (ttl() && now - entry.written_at >= options_.ttl.count()) return;
        frozen->Add(entry.key, remaining_ttl(entry.written_at), nullptr, entry.value);
      });
    }
    for (const Image& image : images_) {
      if (image.bytes) frozen->images().push_back(image.bytes);
    }
    epoch_ = sequence + 1;
    pending_ = frozen;
    return frozen;
  }

  /// A restore's files add `growth` entries (negative: remove): the index is
  /// sized for all of them at the first restored entry.
  void Announce(int64_t growth) { announced_ += growth; }

  /// Adds a restored entry with the time it had left to live (< 0: none),
  /// still serialized: `bytes` stays in `image`.
  Status Restore(std::string_view key, int64_t remaining_ttl_millis, std::string_view bytes,
                 const std::shared_ptr<const FileImage>& image) {
    if (announced_ > 0) {
      restored_.Reserve(static_cast<size_t>(announced_));
      announced_ = 0;
    }
    if (remaining_ttl_millis == kErasedEntry) {
      // Entries restored before it (in the pending batch too) go.
      FinishRestore();
      auto it = entries_.find(key);
      if (it != entries_.end()) EraseEntry(it);
      DropRestored(key);
      return Status::OK();
    }
    if (ttl() && remaining_ttl_millis == 0) return Status::OK();
    // Restored entries go to restored_: entries_ is empty unless the operator
    // had state before the restore.
    if (!entries_.empty()) {
      auto it = entries_.find(key);
      if (it != entries_.end()) EraseEntry(it);
    }
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
  static constexpr uint32_t kNotListed = UINT32_MAX;

  struct Entry {
    // Null while the entry is still serialized in images_[image].
    std::unique_ptr<StateValue> value;
    std::string_view serialized;
    uint32_t image = kNoImage;
    /// Its index in pending_ when frozen_generation is generation_.
    uint32_t frozen_index = 0;
    uint32_t frozen_generation = 0;
    /// Its place in changed_ (kNotListed: none).
    uint32_t changed_slot = kNotListed;
    /// Its place in nodes_.
    uint32_t node_slot = 0;
    int64_t written_at = 0;
    /// The snapshot after which it last changed (incremental checkpoints).
    int64_t changed = 0;
  };
  // A restored snapshot file and how many entries are still serialized in it.
  struct Image {
    std::shared_ptr<const FileImage> bytes;
    size_t undecoded = 0;
  };

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };
  using Entries = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;
  // A map node: its address stays while the key is in the map.
  using Node = Entries::value_type;

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
    if (inserted) AddNode(&*it);
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
  // The entry changes in this epoch; the first change lists it.
  void NoteChanged(Node* node) {
    Entry& entry = node->second;
    if (entry.changed == epoch_) return;
    entry.changed = epoch_;
    if (!tracking_) return;
    Unlist(&entry);
    entry.changed_slot = static_cast<uint32_t>(changed_.size());
    changed_.emplace_back(epoch_, node);
  }
  void Unlist(Entry* entry) {
    if (entry->changed_slot == kNotListed) return;
    changed_[entry->changed_slot].second = nullptr;
    entry->changed_slot = kNotListed;
  }
  // Drops the listings of changes up to snapshot `last_written` (the chain
  // has them).
  void ForgetChangesUpTo(int64_t last_written) {
    size_t kept = 0;
    for (const auto& [epoch, node] : changed_) {
      if (node == nullptr) continue;
      if (epoch <= last_written) {
        node->second.changed_slot = kNotListed;
        continue;
      }
      node->second.changed_slot = static_cast<uint32_t>(kept);
      changed_[kept++] = {epoch, node};
    }
    changed_.resize(kept);
  }

  // The entry is about to change or go: the snapshot being written keeps it
  // as it was.
  void KeepFrozen(Entry* entry) {
    if (!pending_ || entry->frozen_generation != generation_) return;
    entry->frozen_generation = 0;
    if (pending_->done()) {
      pending_.reset();
      return;
    }
    pending_->Take(entry->frozen_index);
  }

  void EraseEntry(Entries::iterator it) {
    NoteErased(it->first);
    KeepFrozen(&it->second);
    Unlist(&it->second);
    Release(&it->second);
    RemoveNode(&*it);
    entries_.erase(it);
  }

  void AddNode(Node* node) {
    node->second.node_slot = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back(node);
  }
  void RemoveNode(Node* node) {
    uint32_t slot = node->second.node_slot;
    nodes_[slot] = nodes_.back();
    nodes_[slot]->second.node_slot = slot;
    nodes_.pop_back();
  }
  // Nodes are scattered over the heap: a pass over many fetches them ahead
  // rather than waiting for each.
  static void Prefetch(const Node* node) {
    __builtin_prefetch(node);
    __builtin_prefetch(reinterpret_cast<const char*>(node) + 64);
  }

  // The entry's value for changing: decoded on first use after a restore.
  Result<StateValue*> Writable(Node* node) {
    Entry& entry = node->second;
    KeepFrozen(&entry);
    // Handed out for changing: the next delta has it.
    NoteChanged(node);
    if (!entry.value) {
      ASSIGN_OR_RAISE(std::unique_ptr<StateValue> value, decoder_(entry.serialized));
      entry.value = std::move(value);
      Release(&entry);
    }
    return entry.value.get();
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
  /// Every node of entries_, for passes that fetch them ahead.
  std::vector<Node*> nodes_;
  std::vector<Image> images_;
  RestoredEntries restored_;
  /// The table of the newest snapshot while its writer may still need the
  /// entries listed in it (those whose frozen_generation is generation_).
  std::shared_ptr<FrozenTable> pending_;
  uint32_t generation_ = 0;
  /// Changes are stamped with epoch_. From the first snapshot on, the entries
  /// changed and keys erased in each epoch are listed until the chain has
  /// written a file past it, so that a delta needs no pass over the whole
  /// table. An entry is listed once, under its latest epoch.
  int64_t epoch_ = 1;
  bool tracking_ = false;
  std::vector<std::pair<int64_t, Node*>> changed_;
  std::vector<std::pair<std::string, int64_t>> erased_;
  /// Restored entries go into restored_ in batches of kRestoreBatch.
  static constexpr size_t kRestoreBatch = 256;
  std::vector<RestoredEntries::Entry> pending_restore_;
  int64_t announced_ = 0;  // restored entries to come
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
    std::vector<std::shared_ptr<FrozenTable>> frozen;
    for (const auto& [name, table] : tables_) {
      frozen.push_back(table->Freeze(name, sequence, last_written, changes_after));
    }
    return std::unique_ptr<StateSnapshot>(
        std::make_unique<MemoryStateSnapshot>(std::move(frozen), sequence, chain_, changes_after));
  }

  Status Restore(const std::vector<StoredFile>& files, const StateKeyFilter& keep) override {
    Status status = RestoreStateSnapshots(
        files, keep, SnapshotReading::kIntoMemory, tables_,
        [](MemoryStateTable* table, std::string_view key, int64_t remaining_ttl_millis,
           std::string_view value, const std::shared_ptr<const FileImage>& image) {
          return table->Restore(key, remaining_ttl_millis, value, image);
        },
        [this](std::string_view name, int64_t growth) {
          auto it = tables_.find(name);
          if (it != tables_.end()) it->second->Announce(growth);
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
