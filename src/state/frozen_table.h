#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/file_image.h"
#include "common/files.h"
#include "common/result.h"
#include "state/keyed_state.h"
#include "state/state_snapshot.h"

namespace tiangong {

/// One table of a snapshot of the 'hashmap' state backend: its entries as they
/// were at the barrier, shared between the table, which goes on changing, and
/// the checkpoint's writer thread.
///
/// Taking the snapshot copies and serializes nothing: it lists each entry's
/// key and value where they live in the table. Each listed entry is then
/// claimed once, by whichever thread comes first: the writer, which
/// serializes it into the snapshot file, or the table, just before the
/// operator changes, replaces or erases it (the table serializes the value as
/// it was and copies the key, for the writer to write). So every value is
/// serialized once and never copied, and the operator waits only for a value
/// the writer is serializing at that moment.
///
/// Thread-safety: Add, Take, Abandon and done() on the table's thread; WriteTo
/// and MarkDone on the writer's thread.
class FrozenTable {
 public:
  FrozenTable(std::string name, size_t capacity);
  ~FrozenTable();
  FrozenTable(const FrozenTable&) = delete;
  FrozenTable& operator=(const FrozenTable&) = delete;

  /// Lists an entry while the snapshot is taken and returns its index; at
  /// most `capacity` entries.
  /// `value` null: the entry is still serialized, as `serialized` (in one of
  /// images()). The key and value must stay as they are until the entry is
  /// taken or the table is done.
  uint32_t Add(std::string_view key, int64_t remaining_ttl_millis, const StateValue* value,
               std::string_view serialized);
  /// Keys erased since the file the snapshot follows (for a delta).
  std::vector<std::string>& erased() { return erased_; }
  const std::string& name() const { return name_; }
  /// The entries listed.
  size_t size() const { return size_; }
  /// How many entries the table held at the barrier (for a delta, which
  /// lists only some; by default those listed).
  size_t table_size() const { return table_size_ ? *table_size_ : size_; }
  void set_table_size(size_t entries) { table_size_ = entries; }
  /// The restored files that serialized entries point into.
  std::vector<std::shared_ptr<const FileImage>>& images() { return images_; }

  /// The table is about to change entry `index` (or erase it): keeps it as it
  /// is now for the writer, unless the writer has it already (then waits
  /// until the writer is through with it).
  void Take(uint32_t index);
  /// The writer is through with the table: nothing needs taking any more.
  bool done() const { return done_.load(std::memory_order_acquire); }
  /// The table goes away before the writer is done: the writer fails on the
  /// entries it has not written yet.
  void Abandon();

  /// Writes the table's entries into `file` (with its erased keys first when
  /// `with_erased`, for a delta, and `growth`: see
  /// StateSnapshotWriter::BeginTable); the table is done afterwards, whatever
  /// the outcome.
  Status WriteTo(StateSnapshotWriter* file, bool with_erased,
                 std::optional<int64_t> growth = std::nullopt);
  /// The snapshot is dropped without being written.
  void MarkDone() { done_.store(true, std::memory_order_release); }

 private:
  struct Taken {
    std::string key;
    std::string value;
  };
  struct Entry {
    std::string_view key;
    int64_t remaining_ttl_millis = -1;
    const StateValue* value = nullptr;
    std::string_view serialized;
    std::atomic<uint8_t> state{0};
    Taken* taken = nullptr;  // owned; set when the table took the entry
  };

  std::string name_;
  std::unique_ptr<Entry[]> entries_;  // room for the capacity given
  size_t size_ = 0;
  std::optional<size_t> table_size_;
  std::vector<std::string> erased_;
  std::vector<std::shared_ptr<const FileImage>> images_;
  std::atomic<bool> done_{false};
};

}  // namespace tiangong
