#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "connectors/filesystem/filesystem_options.h"
#include "connectors/filesystem/partition_path.h"
#include "connectors/scan_lookup.h"
#include "functions/cast.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;

constexpr size_t kReadChunk = 1 << 20;

bool IsHidden(const fs::path& path) {
  std::string name = path.filename().string();
  return name.empty() || name[0] == '.' || name[0] == '_';
}

// The partition values of `file` of a partitioned `table`, from its directory
// names; nullopt for files outside partition directories.
std::optional<std::vector<std::string>> PartitionValuesOf(const FilesystemTable& table,
                                                          const std::string& file) {
  std::string directory =
      fs::path(file).parent_path().lexically_relative(fs::path(table.path)).generic_string();
  return ParsePartitionPath(directory, table.partition_keys);
}

// Every visible file under `root` (or `root` itself when it is a file), sorted.
Result<std::vector<std::string>> ListFiles(const std::string& root, const std::string& table) {
  std::error_code error;
  fs::file_status status = fs::status(root, error);
  if (error || !fs::exists(status)) {
    return Status::IOError("Table {}: path '{}' does not exist", table, root);
  }
  std::vector<std::string> files;
  if (fs::is_regular_file(status)) {
    files.push_back(root);
    return files;
  }
  for (fs::recursive_directory_iterator it(root, error), end; it != end; it.increment(error)) {
    if (error) break;
    if (IsHidden(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) files.push_back(it->path().string());
  }
  if (error) return Status::IOError("Table {}: cannot list '{}': {}", table, root, error.message());
  std::sort(files.begin(), files.end());
  return files;
}

// A file being read: the position is the byte offset of the next line.
struct FileSplit {
  std::string path;
  int64_t offset = 0;
  int64_t line = 0;  // lines before `offset`
  /// A monitoring source read the whole file: its split only says so.
  bool done = false;
};

constexpr const char* kDoneState = "done";

// "offset:line", or "done"
std::string EncodeState(const FileSplit& split) {
  return split.done ? kDoneState : fmt::format("{}:{}", split.offset, split.line);
}

// The reader of a monitored file: the same in every run at a parallelism.
int OwnerOfFile(const std::string& path, int parallelism) {
  return static_cast<int>(XXH3_64bits(path.data(), path.size()) %
                          static_cast<uint64_t>(parallelism));
}

FileSplit DecodeSplit(const SourceSplit& split) {
  FileSplit file{split.id, 0, 0};
  if (split.state == kDoneState) {
    file.done = true;
    return file;
  }
  size_t colon = split.state.find(':');
  if (colon != std::string::npos) {
    file.offset = std::stoll(split.state.substr(0, colon));
    file.line = std::stoll(split.state.substr(colon + 1));
  }
  return file;
}

class FilesystemReader final : public SourceReader {
 public:
  FilesystemReader(std::shared_ptr<const FilesystemTable> table,
                   std::unique_ptr<RecordDecoder> decoder, const ReaderContext& context)
      : table_(std::move(table)),
        decoder_(std::move(decoder)),
        builder_(table_->data_type),
        batch_size_(context.batch_size),
        subtask_(context.subtask_index),
        parallelism_(context.parallelism),
        metrics_(context.metrics) {}

  ~FilesystemReader() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (const SourceSplit& split : splits) {
      FileSplit file = DecodeSplit(split);
      seen_.insert(split.id);
      if (file.done) {
        done_.push_back(std::move(file.path));
      } else {
        pending_.push_back(std::move(file));
      }
    }
  }

  Result<ReadResult> Next(Batch* batch) override {
    // A batch holds rows of one file only.
    while (builder_.num_rows() < batch_size_) {
      if (!current_) {
        if (pending_.empty()) break;
        current_ = pending_.front();
        pending_.erase(pending_.begin());
        RETURN_NOT_OK(OpenCurrent());
      }
      std::string path = current_->path;
      ASSIGN_OR_RAISE(bool more, ReadLines());
      bool has_rows = builder_.num_rows() > 0;
      if (has_rows) {
        *batch = builder_.Build();
        // Before CloseCurrent(): the partition values are the current file's.
        if (!table_->partition_keys.empty()) *batch = AddPartitionColumns(*batch);
      }
      if (!more) CloseCurrent();
      if (has_rows) return ReadResult{ReadStatus::kBatch, {}, std::move(path)};
    }
    if (table_->monitor_interval.count() == 0) return ReadResult{ReadStatus::kEnd};
    // Monitoring: look for new files owned by this subtask.
    auto now = std::chrono::steady_clock::now();
    if (now >= next_listing_) {
      next_listing_ = now + table_->monitor_interval;
      RETURN_NOT_OK(DiscoverFiles());
      if (!pending_.empty()) return ReadResult{ReadStatus::kNoData, std::chrono::microseconds(0)};
    }
    return ReadResult{ReadStatus::kNoData,
                      std::chrono::duration_cast<std::chrono::microseconds>(next_listing_ - now)};
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    std::vector<SourceSplit> splits;
    if (current_) splits.push_back(SourceSplit{current_->path, EncodeState(*current_)});
    for (const FileSplit& split : pending_)
      splits.push_back(SourceSplit{split.path, EncodeState(split)});
    // A monitoring source must not read its finished files again.
    for (const std::string& path : done_) splits.push_back(SourceSplit{path, kDoneState});
    return splits;
  }

 private:
  Status DiscoverFiles() {
    ASSIGN_OR_RAISE(std::vector<std::string> files, ListFiles(table_->path, table_->table_name));
    for (const std::string& path : files) {
      if (seen_.count(path) > 0) continue;
      if (!table_->partition_keys.empty() && !PartitionValuesOf(*table_, path)) continue;
      if (OwnerOfFile(path, parallelism_) != subtask_) continue;
      seen_.insert(path);
      pending_.push_back(FileSplit{path, 0, 0});
    }
    return Status::OK();
  }

  Status OpenCurrent() {
    file_ = std::fopen(current_->path.c_str(), "rb");
    if (file_ == nullptr) {
      return Status::IOError("Table {}: cannot open '{}': {}", table_->table_name, current_->path,
                             std::strerror(errno));
    }
    if (current_->offset > 0 && std::fseek(file_, current_->offset, SEEK_SET) != 0) {
      return Status::IOError("Table {}: cannot seek to {} in '{}'", table_->table_name,
                             current_->offset, current_->path);
    }
    buffer_.clear();
    buffer_start_ = 0;
    at_end_ = false;
    if (!table_->partition_keys.empty()) RETURN_NOT_OK(ReadPartitionValues());
    return Status::OK();
  }

  // The values of the current file's partition columns, typed; the default
  // partition name stands for NULL.
  Status ReadPartitionValues() {
    partition_values_.clear();
    std::optional<std::vector<std::string>> texts = PartitionValuesOf(*table_, current_->path);
    if (!texts) {
      return Status::DataError("Table {}: file '{}' is not in a partition directory",
                               table_->table_name, current_->path);
    }
    const std::vector<RowField>& fields = table_->row_type.fields();
    for (size_t i = 0; i < texts->size(); ++i) {
      const std::string& text = (*texts)[i];
      const DataType& type = fields[static_cast<size_t>(table_->partition_indexes[i])].type;
      if (text == table_->default_partition_name) {
        partition_values_.push_back(Value::Null());
        continue;
      }
      Result<Value> value =
          CastValue(Value::String(text), DataType::String(), type, table_->function_context);
      if (!value.ok()) {
        return Status::DataError(
            "Table {}: file '{}': partition column `{}` is {} but the directory says '{}': {}",
            table_->table_name, current_->path, table_->partition_keys[i], type.ToString(), text,
            value.status().message());
      }
      partition_values_.push_back(value.MoveValue());
    }
    return Status::OK();
  }

  // The full row from the decoded data columns and the current file's
  // partition values.
  Batch AddPartitionColumns(const Batch& data) {
    size_t num_rows = data.num_rows();
    const std::vector<RowField>& fields = table_->row_type.fields();
    std::vector<VectorPtr> columns(fields.size());
    for (size_t i = 0; i < table_->data_indexes.size(); ++i) {
      columns[static_cast<size_t>(table_->data_indexes[i])] = data.column(i);
    }
    for (size_t i = 0; i < table_->partition_indexes.size(); ++i) {
      size_t index = static_cast<size_t>(table_->partition_indexes[i]);
      VectorBuilder builder(fields[index].type);
      for (size_t row = 0; row < num_rows; ++row) builder.AppendValue(partition_values_[i]);
      columns[index] = builder.Build();
    }
    return Batch(std::move(columns), num_rows, data.row_kinds());
  }

  // The current file was read to its end.
  void CloseCurrent() {
    if (current_ && table_->monitor_interval.count() > 0) done_.push_back(current_->path);
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
    current_.reset();
  }

  // Decodes lines into the builder until the batch is full; false at the file's end.
  // A line of a changelog format may hold several rows (a Canal message), so a
  // batch can pass the batch size by the rows of its last line.
  Result<bool> ReadLines() {
    while (builder_.num_rows() < batch_size_) {
      const char* begin = buffer_.data() + buffer_start_;
      size_t available = buffer_.size() - buffer_start_;
      const char* newline = static_cast<const char*>(std::memchr(begin, '\n', available));
      if (newline == nullptr) {
        if (at_end_) {
          if (available == 0) return false;
          // The last line has no line break.
          RETURN_NOT_OK(DecodeLine(std::string_view(begin, available), available));
          buffer_start_ = buffer_.size();
          continue;
        }
        RETURN_NOT_OK(Refill());
        continue;
      }
      size_t length = static_cast<size_t>(newline - begin);
      RETURN_NOT_OK(DecodeLine(std::string_view(begin, length), length + 1));
      buffer_start_ += length + 1;
    }
    return true;
  }

  Status Refill() {
    buffer_.erase(0, buffer_start_);
    buffer_start_ = 0;
    size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadChunk);
    size_t read = std::fread(buffer_.data() + old_size, 1, kReadChunk, file_);
    buffer_.resize(old_size + read);
    if (read < kReadChunk) {
      if (std::ferror(file_)) {
        return Status::IOError("Table {}: cannot read '{}': {}", table_->table_name, current_->path,
                               std::strerror(errno));
      }
      at_end_ = true;
    }
    metrics_->bytes.fetch_add(static_cast<int64_t>(read), std::memory_order_relaxed);
    return Status::OK();
  }

  Status DecodeLine(std::string_view line, size_t consumed) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++current_->line;
    Result<DecodeStatus> decoded = decoder_->Decode(line, &builder_);
    if (!decoded.ok()) {
      return Status::DataError("Table {}: file '{}', line {}: {}", table_->table_name,
                               current_->path, current_->line, decoded.status().message());
    }
    if (*decoded == DecodeStatus::kSkipped) {
      metrics_->records_skipped.fetch_add(1, std::memory_order_relaxed);
    }
    current_->offset += static_cast<int64_t>(consumed);
    return Status::OK();
  }

  std::shared_ptr<const FilesystemTable> table_;
  std::unique_ptr<RecordDecoder> decoder_;
  BatchBuilder builder_;
  size_t batch_size_;
  int subtask_;
  int parallelism_;
  ConnectorMetrics* metrics_;  // not owned
  std::vector<FileSplit> pending_;
  std::optional<FileSplit> current_;
  std::set<std::string> seen_;
  /// Monitoring: the files read to their end.
  std::vector<std::string> done_;
  std::vector<Value> partition_values_;  // of the current file
  std::FILE* file_ = nullptr;
  std::string buffer_;
  size_t buffer_start_ = 0;
  bool at_end_ = false;
  std::chrono::steady_clock::time_point next_listing_;
};

class FilesystemSource final : public TableSource {
 public:
  explicit FilesystemSource(std::shared_ptr<const FilesystemTable> table)
      : table_(std::move(table)) {}

  const DataType& produced_type() const override { return table_->row_type; }
  bool bounded() const override { return table_->monitor_interval.count() == 0; }
  /// A changelog format (debezium-json, …) reads updates and deletes as well.
  ChangelogMode changelog_mode() const override { return table_->format->changelog_mode(); }

  std::string Describe() const override {
    return fmt::format("path=[{}], format=[{}]", table_->path, table_->format->identifier());
  }

  std::optional<int> OwnerOfSplit(const SourceSplit& split, int parallelism) const override {
    // A monitoring reader takes the files it discovers by their path's hash:
    // the ones read before must be known to the same reader.
    if (bounded()) return std::nullopt;
    return OwnerOfFile(split.id, parallelism);
  }

  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    std::vector<SourceSplit> splits;
    // A monitoring source discovers every file in its readers.
    if (!bounded()) return splits;
    ASSIGN_OR_RAISE(std::vector<std::string> files, ListFiles(table_->path, table_->table_name));
    for (const std::string& file : files) {
      // Files of a partitioned table live in partition directories.
      if (!table_->partition_keys.empty() && !PartitionValuesOf(*table_, file)) continue;
      splits.push_back(SourceSplit{file, "0:0"});
    }
    return splits;
  }

  /// Lookups read the (bounded) table into memory, again every
  /// 'lookup.join.cache.ttl'. Files of a changelog format hold changes, not
  /// the rows to look up, so they offer none.
  bool SupportsLookup() const override {
    return bounded() && table_->format->changelog_mode().insert_only();
  }
  Result<std::unique_ptr<LookupReader>> CreateLookupReader(
      const std::vector<int>& key_columns, const LookupContext& context) const override {
    return MakeScanLookupReader(this, key_columns, table_->lookup_cache_ttl, table_->table_name);
  }

  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override {
    ASSIGN_OR_RAISE(std::unique_ptr<RecordDecoder> decoder,
                    table_->format->CreateDecoder(table_->data_type, table_->format_options,
                                                  table_->function_context));
    return std::unique_ptr<SourceReader>(
        std::make_unique<FilesystemReader>(table_, std::move(decoder), context));
  }

 private:
  std::shared_ptr<const FilesystemTable> table_;
};

}  // namespace

std::unique_ptr<TableSource> MakeFilesystemSource(std::shared_ptr<const FilesystemTable> table) {
  return std::make_unique<FilesystemSource>(std::move(table));
}

}  // namespace tiangong
