#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "connectors/filesystem/filesystem_options.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFileBuffer = 1 << 20;

std::string RandomUuid() {
  std::random_device device;
  std::mt19937_64 random(device() ^ (static_cast<uint64_t>(device()) << 32));
  uint64_t high = random();
  uint64_t low = random();
  // Version 4, variant 1.
  high = (high & ~0xF000ULL) | 0x4000ULL;
  low = (low & ~(0xC000ULL << 48)) | (0x8000ULL << 48);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

// Writes part files; a file is hidden ('.part-...inprogress') while it is being
// written and gets its final name when it rolls or the input ends. Each batch
// goes to the file as it arrives (through the stream's buffer).
class FilesystemWriter final : public SinkWriter {
 public:
  FilesystemWriter(std::shared_ptr<const FilesystemTable> table,
                   std::unique_ptr<RecordEncoder> encoder, const WriterContext& context)
      : table_(std::move(table)),
        encoder_(std::move(encoder)),
        subtask_(context.subtask_index),
        metrics_(context.metrics),
        uuid_(RandomUuid()) {}

  ~FilesystemWriter() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  Status Open() override {
    std::error_code error;
    fs::create_directories(table_->path, error);
    if (error) {
      return Status::IOError("Table {}: cannot create directory '{}': {}", table_->table_name,
                             table_->path, error.message());
    }
    return Status::OK();
  }

  Status Write(const Batch& batch) override {
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      Status encoded = encoder_->Encode(batch, row, &buffer_);
      if (!encoded.ok()) return encoded.WithContext(fmt::format("Table {}", table_->table_name));
      buffer_.push_back('\n');
    }
    RETURN_NOT_OK(FlushBuffer());
    bool too_big =
        bytes_in_file_ + static_cast<int64_t>(buffer_.size()) >= table_->rolling_file_size;
    bool too_old = file_ != nullptr &&
                   std::chrono::steady_clock::now() - opened_at_ >= table_->rollover_interval;
    if (too_big || too_old) RETURN_NOT_OK(Roll());
    return Status::OK();
  }

  Status Finish() override { return Roll(); }

 private:
  std::string PartName() const { return fmt::format("part-{}-{}-{}", uuid_, subtask_, counter_); }

  Status FlushBuffer() {
    if (buffer_.empty()) return Status::OK();
    if (file_ == nullptr) {
      in_progress_ = (fs::path(table_->path) / ("." + PartName() + ".inprogress")).string();
      file_ = std::fopen(in_progress_.c_str(), "wb");
      if (file_ == nullptr) {
        return Status::IOError("Table {}: cannot create '{}': {}", table_->table_name, in_progress_,
                               std::strerror(errno));
      }
      std::setvbuf(file_, nullptr, _IOFBF, kFileBuffer);
      opened_at_ = std::chrono::steady_clock::now();
      bytes_in_file_ = 0;
    }
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return Status::IOError("Table {}: cannot write '{}': {}", table_->table_name, in_progress_,
                             std::strerror(errno));
    }
    bytes_in_file_ += static_cast<int64_t>(buffer_.size());
    metrics_->bytes.fetch_add(static_cast<int64_t>(buffer_.size()), std::memory_order_relaxed);
    buffer_.clear();
    return Status::OK();
  }

  // Closes the in-progress file and gives it its final, visible name.
  Status Roll() {
    RETURN_NOT_OK(FlushBuffer());
    if (file_ == nullptr) return Status::OK();
    if (std::fclose(file_) != 0) {
      file_ = nullptr;
      return Status::IOError("Table {}: cannot close '{}': {}", table_->table_name, in_progress_,
                             std::strerror(errno));
    }
    file_ = nullptr;
    std::string final_path = (fs::path(table_->path) / PartName()).string();
    std::error_code error;
    fs::rename(in_progress_, final_path, error);
    if (error) {
      return Status::IOError("Table {}: cannot rename '{}' to '{}': {}", table_->table_name,
                             in_progress_, final_path, error.message());
    }
    ++counter_;
    return Status::OK();
  }

  std::shared_ptr<const FilesystemTable> table_;
  std::unique_ptr<RecordEncoder> encoder_;
  int subtask_;
  ConnectorMetrics* metrics_;  // not owned
  std::string uuid_;
  int counter_ = 0;
  std::string buffer_;
  std::FILE* file_ = nullptr;
  std::string in_progress_;
  int64_t bytes_in_file_ = 0;
  std::chrono::steady_clock::time_point opened_at_;
};

class FilesystemSink final : public TableSink {
 public:
  explicit FilesystemSink(std::shared_ptr<const FilesystemTable> table)
      : table_(std::move(table)) {}

  int parallelism() const override { return table_->sink_parallelism; }
  std::string Describe() const override {
    return fmt::format("path=[{}], format=[{}]", table_->path, table_->format->identifier());
  }
  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    ASSIGN_OR_RAISE(std::unique_ptr<RecordEncoder> encoder,
                    table_->format->CreateEncoder(table_->row_type, table_->format_options,
                                                  context.function_context));
    return std::unique_ptr<SinkWriter>(
        std::make_unique<FilesystemWriter>(table_, std::move(encoder), context));
  }

 private:
  std::shared_ptr<const FilesystemTable> table_;
};

}  // namespace

std::unique_ptr<TableSink> MakeFilesystemSink(std::shared_ptr<const FilesystemTable> table) {
  return std::make_unique<FilesystemSink>(std::move(table));
}

}  // namespace tiangong
