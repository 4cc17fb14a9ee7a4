#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/file_checksum.h>
#include <rocksdb/options.h>

#include "common/files.h"
#include "common/result.h"

namespace tiangong {

/// Native, incremental checkpoints of the RocksDB state backend.
///
/// At the barrier the backend makes a RocksDB checkpoint of its database: hard
/// links to its SST files in a directory of their own (after flushing the
/// memtables), which later writes do not change. Writing the checkpoint then
/// puts each SST file into the checkpoints' shared directory, once: the next
/// checkpoint finds the files it still has there and adds only new ones. The
/// few other files (MANIFEST, CURRENT, OPTIONS) and a small manifest,
/// "<prefix>.rocksdb", go into the checkpoint's own directory. The manifest
/// lists every file under its original name, and every table with its
/// time-to-live and table clock at the barrier, so that entries keep the time
/// they had left to live. A restore links the files into a scratch directory,
/// opens that database read-only and reads its entries (which also splits
/// state by key group after a change of parallelism).
///
/// Savepoints are not incremental: they read the entries of the same RocksDB
/// checkpoint into the canonical format (state/state_snapshot.h).

/// A table as a checkpoint records it.
struct RocksDbTableInfo {
  std::string name;
  int64_t ttl_millis = 0;  // 0: none
  int64_t now = 0;         // the table clock at the barrier
};

/// What the backend stores for a key: with a TTL, the write time (table
/// clock) first, then the bytes of StateValue::Serialize.
struct StoredValue {
  int64_t written_at = 0;
  std::string_view payload;
};
Result<StoredValue> ParseStoredValue(std::string_view bytes, bool ttl, const std::string& table,
                                     const std::string& directory);

/// Has RocksDB compute each SST file's XXH3 checksum as it writes the file
/// (what checkpoint metadata records), so that a checkpoint need not read its
/// new SST files again. For `rocksdb::Options::file_checksum_gen_factory`.
std::shared_ptr<rocksdb::FileChecksumGenFactory> MakeSstChecksumFactory();

/// The sizes and checksums of SST files, by file name ("000012.sst").
using SstDigests = std::map<std::string, FileDigest>;

/// Makes a RocksDB checkpoint of `db` in `directory`, which must not exist,
/// and returns the digests RocksDB computed of its SST files (those it knows:
/// a file the checkpoint has that a compaction deleted from the database
/// since has none).
Result<SstDigests> CreateRocksDbCheckpoint(rocksdb::DB* db, const std::string& directory);

/// Writes checkpoint `checkpoint` (from CreateRocksDbCheckpoint, with its
/// `digests`) as described above and returns every file it consists of.
/// `identity` is the database's unique id: shared files are named by it.
Result<std::vector<StoredFile>> WriteIncrementalCheckpoint(
    const std::string& checkpoint, const SstDigests& digests, const std::string& identity,
    const std::vector<RocksDbTableInfo>& tables, const std::string& directory,
    const std::string& prefix, const std::string& shared_directory);

/// True for the manifest of an incremental checkpoint.
bool IsRocksDbCheckpointManifest(const std::string& path);

/// Links (or copies) the files of the checkpoint whose manifest is `manifest`
/// into `directory` under their original names and returns its tables.
Result<std::vector<RocksDbTableInfo>> MaterializeRocksDbCheckpoint(const std::string& manifest,
                                                                   const std::string& directory);

/// Calls `visit(table, key, remaining_ttl_millis, payload)` for every live
/// entry of the tables of the RocksDB checkpoint in `directory` (remaining
/// TTL < 0: none), reading it read-only with `options`.
using RocksDbEntryVisitor =
    std::function<Status(std::string_view table, std::string_view key, int64_t remaining_ttl_millis,
                         std::string_view payload)>;
Status VisitRocksDbCheckpoint(const std::string& directory,
                              const std::vector<RocksDbTableInfo>& tables,
                              const rocksdb::Options& options, const RocksDbEntryVisitor& visit);

}  // namespace tiangong
