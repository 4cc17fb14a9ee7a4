#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "common/clock.h"
#include "common/files.h"
#include "common/random.h"
#include "common/strings.h"
#include "connectors/filesystem/filesystem_options.h"
#include "connectors/filesystem/partition_commit_tracker.h"
#include "connectors/filesystem/partition_path.h"
#include "types/value_format.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr size_t kFileBuffer = 1 << 20;

// Writes part files, one open file per partition directory ('bucket'); a file
// is hidden ('.part-...inprogress') while it is being written and gets its
// final name 'part-<uuid>-<subtask>-<n>' when it rolls or the input ends. Rows
// are encoded into the bucket's buffer and written through at the end of each
// batch.
//
// With partition commit, every file opened and closed is reported to the
// sink's PartitionCommitTracker, which commits a partition once no writer has
// a file of it open and the trigger allows it.
//
// When the job takes checkpoints the writer commits in two phases, as Flink's
// FileSink does: a rolled file stays hidden ("pending"); a checkpoint barrier
// rolls every open file and saves the list of pending files as the
// committable; when the checkpoint completes they get their final names (and
// only then count as closed for partition commit). After a crash, the restored
// committable names the files to commit again; files written after the
// checkpoint stay hidden and their rows are written again.
class FilesystemWriter final : public SinkWriter {
 public:
  FilesystemWriter(std::shared_ptr<const FilesystemTable> table,
                   std::unique_ptr<RecordEncoder> encoder, const WriterContext& context,
                   PartitionCommitTracker* tracker)
      : table_(std::move(table)),
        encoder_(std::move(encoder)),
        subtask_(context.subtask_index),
        parallelism_(context.parallelism),
        two_phase_(context.two_phase_commit),
        metrics_(context.metrics),
        tracker_(tracker),
        uuid_(RandomUuid()) {
    for (const std::string& key : table_->partition_keys) {
      std::string prefix;
      AppendEscapedPathName(key, &prefix);
      prefix.push_back('=');
      escaped_keys_.push_back(std::move(prefix));
    }
  }

  ~FilesystemWriter() override {
    for (auto& [partition, bucket] : buckets_) {
      if (bucket.file != nullptr) std::fclose(bucket.file);
    }
  }

  Status Open() override {
    std::error_code error;
    fs::create_directories(table_->path, error);
    if (error) {
      return Status::IOError("Table {}: cannot create directory '{}': {}", table_->table_name,
                             table_->path, error.message());
    }
    next_check_ = std::chrono::steady_clock::now() + table_->check_interval;
    if (tracker_ != nullptr) tracker_->AddWriter(subtask_, parallelism_);
    return Status::OK();
  }

  Status Write(const Batch& batch) override {
    if (table_->partition_keys.empty()) {
      Bucket& bucket = FindBucket(batch, 0);
      for (size_t row = 0; row < batch.num_rows(); ++row)
        RETURN_NOT_OK(Encode(batch, row, &bucket));
      return WriteThrough(&bucket);
    }
    Batch data = batch.SelectColumns(table_->data_indexes);
    touched_.clear();
    Bucket* current = nullptr;
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      BuildPartitionPath(batch, row, &path_);
      // Rows of one partition usually come in runs: look up only on a change.
      if (current == nullptr || current->partition != path_) {
        current = &FindBucket(batch, row);
        if (!current->touched) {
          current->touched = true;
          touched_.push_back(current);
        }
      }
      RETURN_NOT_OK(Encode(data, row, current));
    }
    for (Bucket* bucket : touched_) {
      bucket->touched = false;
      RETURN_NOT_OK(WriteThrough(bucket));
    }
    return Status::OK();
  }

  Status OnWatermark(int64_t watermark_micros) override {
    if (tracker_ == nullptr) return Status::OK();
    return tracker_->AdvanceWatermark(subtask_, watermark_micros, WallClockMicros());
  }

  Status OnProcessingTime(int64_t now_micros) override {
    SteadyTime now = std::chrono::steady_clock::now();
    if (now >= next_check_) {
      next_check_ = now + table_->check_interval;
      // Files that have been open too long, or got no rows for too long, roll.
      for (auto it = buckets_.begin(); it != buckets_.end();) {
        const Bucket& bucket = it->second;
        bool too_old = now - bucket.opened_at >= table_->rollover_interval;
        bool inactive = now - bucket.last_written >= table_->inactivity_interval;
        if (bucket.file == nullptr || !(too_old || inactive)) {
          ++it;
          continue;
        }
        RETURN_NOT_OK(Roll(&it->second));
        it = buckets_.erase(it);
      }
    }
    if (tracker_ == nullptr) return Status::OK();
    return tracker_->AdvanceProcessingTime(now_micros);
  }

  Status Finish() override {
    RETURN_NOT_OK(RollAll());
    finishing_ = true;
    // With two-phase commit the writer has finished once its files are committed.
    if (tracker_ == nullptr || two_phase_) return Status::OK();
    return tracker_->WriterFinished(subtask_, WallClockMicros());
  }

  Result<std::string> PrepareCommit(int64_t checkpoint_id) override {
    if (!two_phase_) return std::string();
    RETURN_NOT_OK(RollAll());
    std::set<std::string> directories;
    for (PendingFile& file : pending_) {
      if (file.checkpoint != kUnprepared) continue;
      file.checkpoint = checkpoint_id;
      directories.insert(fs::path(file.in_progress_path).parent_path().string());
    }
    // The pending files' names must survive a crash as well as their contents.
    for (const std::string& directory : directories) RETURN_NOT_OK(SyncPath(directory, true));
    if (pending_.empty()) return std::string();
    std::string committable;
    ByteWriter writer(&committable);
    writer.Varint(pending_.size());
    for (const PendingFile& file : pending_) {
      writer.String(file.in_progress_path);
      writer.String(file.final_path);
      writer.String(file.partition);
      writer.Varint(file.values.size());
      for (const std::string& value : file.values) writer.String(value);
    }
    return committable;
  }

  Status Commit(int64_t checkpoint_id) override {
    if (!two_phase_) return Status::OK();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->checkpoint == kUnprepared || it->checkpoint > checkpoint_id) {
        ++it;
        continue;
      }
      RETURN_NOT_OK(Publish(*it));
      it = pending_.erase(it);
    }
    if (!finishing_ || !pending_.empty() || tracker_ == nullptr) return Status::OK();
    finishing_ = false;
    return tracker_->WriterFinished(subtask_, WallClockMicros());
  }

  Status RecoverCommittables(const std::vector<std::string>& committables,
                             bool responsible) override {
    if (!responsible) return Status::OK();
    for (const std::string& committable : committables) {
      ByteReader reader(committable);
      uint64_t count = reader.Varint();
      for (uint64_t i = 0; i < count && reader.ok(); ++i) {
        PendingFile file;
        file.in_progress_path = std::string(reader.String());
        file.final_path = std::string(reader.String());
        file.partition = std::string(reader.String());
        uint64_t num_values = reader.Varint();
        for (uint64_t v = 0; v < num_values && reader.ok(); ++v) {
          file.values.emplace_back(reader.String());
        }
        if (!reader.ok()) break;
        if (tracker_ != nullptr) {
          RETURN_NOT_OK(
              tracker_->FileOpened(subtask_, file.partition, file.values, WallClockMicros()));
        }
        RETURN_NOT_OK(Publish(file));
      }
      if (!reader.ok()) {
        return Status::DataError("Table {}: the restored list of files to commit is corrupt",
                                 table_->table_name);
      }
    }
    return Status::OK();
  }

  Status Close() override {
    // Rolled files no checkpoint has prepared hold rows that are written
    // again after a restart.
    for (const PendingFile& file : pending_) {
      if (file.checkpoint != kUnprepared) continue;
      std::error_code ignored;
      fs::remove(file.in_progress_path, ignored);
    }
    // After a failure, what was not finished is discarded.
    for (auto& [partition, bucket] : buckets_) {
      if (bucket.file == nullptr) continue;
      std::fclose(bucket.file);
      bucket.file = nullptr;
      std::error_code ignored;
      fs::remove(bucket.in_progress_path, ignored);
    }
    buckets_.clear();
    if (tracker_ != nullptr) tracker_->WriterClosed(subtask_);
    return Status::OK();
  }

 private:
  // The rows of one partition directory that this writer has an open (or about
  // to be opened) file in.
  struct Bucket {
    std::string partition;            // relative path; "" when unpartitioned
    std::vector<std::string> values;  // unescaped partition values
    std::string directory;
    std::string buffer;  // encoded rows not yet written
    std::FILE* file = nullptr;
    std::string in_progress_path;
    std::string final_path;
    int64_t bytes_in_file = 0;
    SteadyTime opened_at;
    SteadyTime last_written;
    bool touched = false;  // written in the current batch
  };

  // Appends the partition value of column `column` at `row`, or the default
  // name for NULL and empty values, unescaped.
  void AppendPartitionValue(const Vector& column, size_t row, std::string* out) {
    size_t start = out->size();
    if (!column.IsNull(row)) {
      if (column.type().is_character_string()) {
        out->append(column.StringAt(row));
      } else {
        AppendPrintForm(column, row, out);
      }
    }
    if (out->size() == start) out->append(table_->default_partition_name);
  }

  // "k1=v1/k2=v2" of row `row`, escaped.
  void BuildPartitionPath(const Batch& batch, size_t row, std::string* path) {
    path->clear();
    for (size_t i = 0; i < escaped_keys_.size(); ++i) {
      if (i > 0) path->push_back('/');
      path->append(escaped_keys_[i]);
      value_.clear();
      AppendPartitionValue(*batch.column(static_cast<size_t>(table_->partition_indexes[i])), row,
                           &value_);
      AppendEscapedPathName(value_, path);
    }
  }

  // The bucket of the partition `path_` (row `row` of `batch` holds its
  // values); "" when unpartitioned.
  Bucket& FindBucket(const Batch& batch, size_t row) {
    auto it = buckets_.find(path_);
    if (it != buckets_.end()) return it->second;
    Bucket bucket;
    bucket.partition = path_;
    for (int index : table_->partition_indexes) {
      std::string value;
      AppendPartitionValue(*batch.column(static_cast<size_t>(index)), row, &value);
      bucket.values.push_back(std::move(value));
    }
    bucket.directory = path_.empty() ? table_->path : (fs::path(table_->path) / path_).string();
    return buckets_.emplace(path_, std::move(bucket)).first->second;
  }

  Status Encode(const Batch& data, size_t row, Bucket* bucket) {
    Status encoded = encoder_->Encode(data, row, &bucket->buffer);
    if (!encoded.ok()) return encoded.WithContext(fmt::format("Table {}", table_->table_name));
    bucket->buffer.push_back('\n');
    return Status::OK();
  }

  // Writes the bucket's buffer to its file and rolls the file when it is big
  // enough.
  Status WriteThrough(Bucket* bucket) {
    RETURN_NOT_OK(FlushBuffer(bucket));
    if (bucket->file != nullptr && bucket->bytes_in_file >= table_->rolling_file_size) {
      RETURN_NOT_OK(Roll(bucket));
      buckets_.erase(buckets_.find(bucket->partition));
    }
    return Status::OK();
  }

  Status OpenFile(Bucket* bucket) {
    if (!bucket->partition.empty()) {
      std::error_code error;
      fs::create_directories(bucket->directory, error);
      if (error) {
        return Status::IOError("Table {}: cannot create directory '{}': {}", table_->table_name,
                               bucket->directory, error.message());
      }
    }
    std::string name = fmt::format("part-{}-{}-{}", uuid_, subtask_, counter_++);
    bucket->in_progress_path =
        (fs::path(bucket->directory) / ("." + name + ".inprogress")).string();
    bucket->final_path = (fs::path(bucket->directory) / name).string();
    // The tracker must know of the file before any of its rows reach the
    // partition, so that the partition cannot commit in between.
    if (tracker_ != nullptr) {
      RETURN_NOT_OK(
          tracker_->FileOpened(subtask_, bucket->partition, bucket->values, WallClockMicros()));
    }
    bucket->file = std::fopen(bucket->in_progress_path.c_str(), "wb");
    if (bucket->file == nullptr) {
      return Status::IOError("Table {}: cannot create '{}': {}", table_->table_name,
                             bucket->in_progress_path, std::strerror(errno));
    }
    std::setvbuf(bucket->file, nullptr, _IOFBF, kFileBuffer);
    bucket->opened_at = std::chrono::steady_clock::now();
    bucket->bytes_in_file = 0;
    return Status::OK();
  }

  Status FlushBuffer(Bucket* bucket) {
    if (bucket->buffer.empty()) return Status::OK();
    if (bucket->file == nullptr) RETURN_NOT_OK(OpenFile(bucket));
    size_t size = bucket->buffer.size();
    if (std::fwrite(bucket->buffer.data(), 1, size, bucket->file) != size) {
      return Status::IOError("Table {}: cannot write '{}': {}", table_->table_name,
                             bucket->in_progress_path, std::strerror(errno));
    }
    bucket->bytes_in_file += static_cast<int64_t>(size);
    bucket->last_written = std::chrono::steady_clock::now();
    metrics_->bytes.fetch_add(static_cast<int64_t>(size), std::memory_order_relaxed);
    bucket->buffer.clear();
    return Status::OK();
  }

  // A closed part file that is still hidden, waiting for its checkpoint.
  struct PendingFile {
    std::string in_progress_path;
    std::string final_path;
    std::string partition;
    std::vector<std::string> values;
    int64_t checkpoint = kUnprepared;  // the checkpoint that prepared it
  };
  static constexpr int64_t kUnprepared = -1;

  Status RollAll() {
    for (auto it = buckets_.begin(); it != buckets_.end(); it = buckets_.erase(it)) {
      RETURN_NOT_OK(Roll(&it->second));
    }
    return Status::OK();
  }

  // Closes the bucket's in-progress file and gives it its final, visible name,
  // or with two-phase commit syncs it and keeps it pending. The caller removes
  // the bucket afterwards.
  Status Roll(Bucket* bucket) {
    RETURN_NOT_OK(FlushBuffer(bucket));
    if (bucket->file == nullptr) return Status::OK();
    bool synced =
        !two_phase_ || (std::fflush(bucket->file) == 0 && ::fsync(fileno(bucket->file)) == 0);
    int closed = std::fclose(bucket->file);
    bucket->file = nullptr;
    if (closed != 0 || !synced) {
      return Status::IOError("Table {}: cannot close '{}': {}", table_->table_name,
                             bucket->in_progress_path, std::strerror(errno));
    }
    PendingFile file{bucket->in_progress_path, bucket->final_path, bucket->partition,
                     bucket->values};
    if (two_phase_) {
      pending_.push_back(std::move(file));
      return Status::OK();
    }
    return Publish(file);
  }

  // Gives a closed file its final name and reports it closed. A file already
  // published (when a restored committable is recovered again) is left as is.
  Status Publish(const PendingFile& file) {
    std::error_code error;
    bool published =
        !fs::exists(file.in_progress_path, error) && fs::exists(file.final_path, error);
    if (!published) fs::rename(file.in_progress_path, file.final_path, error);
    if (error) {
      return Status::IOError("Table {}: cannot rename '{}' to '{}': {}", table_->table_name,
                             file.in_progress_path, file.final_path, error.message());
    }
    if (tracker_ == nullptr) return Status::OK();
    return tracker_->FileClosed(subtask_, file.partition, WallClockMicros());
  }

  std::shared_ptr<const FilesystemTable> table_;
  std::unique_ptr<RecordEncoder> encoder_;
  int subtask_;
  int parallelism_;
  bool two_phase_;
  bool finishing_ = false;  // Finish was called
  std::vector<PendingFile> pending_;
  ConnectorMetrics* metrics_;        // not owned
  PartitionCommitTracker* tracker_;  // not owned; the sink's, which outlives it; may be null
  std::string uuid_;
  int counter_ = 0;
  std::vector<std::string> escaped_keys_;  // "<key>=" per partition column
  // Open files by partition path. Node-based, so Bucket references stay valid
  // while other buckets are added.
  std::unordered_map<std::string, Bucket> buckets_;
  std::string path_;              // the current row's partition path
  std::string value_;             // scratch for one partition value
  std::vector<Bucket*> touched_;  // buckets written in the current batch
  SteadyTime next_check_;
};

class FilesystemSink final : public TableSink {
 public:
  explicit FilesystemSink(std::shared_ptr<const FilesystemTable> table) : table_(std::move(table)) {
    if (table_->partition_commit) {
      tracker_ = std::make_unique<PartitionCommitTracker>(table_->table_name, table_->path,
                                                          table_->default_partition_name,
                                                          *table_->partition_commit);
    }
  }

  int parallelism() const override { return table_->sink_parallelism; }
  /// Files are append-only, but a changelog format (debezium-json, …) writes
  /// each change as a record of its own, as Flink allows.
  ChangelogMode accepted_changelog_mode() const override {
    return table_->format->changelog_mode();
  }
  std::string Describe() const override {
    std::string description =
        fmt::format("path=[{}], format=[{}]", table_->path, table_->format->identifier());
    if (!table_->partition_keys.empty()) {
      description += fmt::format(", partitions=[{}]", Join(table_->partition_keys, ", "));
    }
    return description;
  }
  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    ASSIGN_OR_RAISE(std::unique_ptr<RecordEncoder> encoder,
                    table_->format->CreateEncoder(table_->data_type, table_->format_options,
                                                  context.function_context));
    return std::unique_ptr<SinkWriter>(
        std::make_unique<FilesystemWriter>(table_, std::move(encoder), context, tracker_.get()));
  }

 private:
  std::shared_ptr<const FilesystemTable> table_;
  // Shared by every writer of this sink; null without partition commit.
  std::unique_ptr<PartitionCommitTracker> tracker_;
};

}  // namespace

std::unique_ptr<TableSink> MakeFilesystemSink(std::shared_ptr<const FilesystemTable> table) {
  return std::make_unique<FilesystemSink>(std::move(table));
}

}  // namespace tiangong
