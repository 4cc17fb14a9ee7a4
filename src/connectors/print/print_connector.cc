#include "connectors/print/print_connector.h"

#include <cstdio>
#include <mutex>

#include <fmt/format.h>

#include "types/value_format.h"

namespace tiangong {
namespace {

// Lines from parallel writers must not interleave mid-line.
std::mutex& OutputMutex() {
  static std::mutex mutex;
  return mutex;
}

class PrintWriter final : public SinkWriter {
 public:
  PrintWriter(std::string prefix, std::FILE* stream)
      : prefix_(std::move(prefix)), stream_(stream) {}

  Status Write(const Batch& batch) override {
    buffer_.clear();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      buffer_ += prefix_;
      buffer_ += FormatPrintRow(batch, row);
      buffer_ += '\n';
    }
    std::lock_guard<std::mutex> lock(OutputMutex());
    // Each batch shows up at once, also when the output is a file or a pipe.
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), stream_) != buffer_.size() ||
        std::fflush(stream_) != 0) {
      return Status::IOError("print sink: cannot write to {}",
                             stream_ == stderr ? "standard error" : "standard output");
    }
    return Status::OK();
  }

  Status Finish() override {
    std::lock_guard<std::mutex> lock(OutputMutex());
    std::fflush(stream_);
    return Status::OK();
  }

 private:
  std::string prefix_;
  std::FILE* stream_;
  std::string buffer_;
};

class PrintSink final : public TableSink {
 public:
  PrintSink(std::string identifier, bool standard_error, int parallelism)
      : identifier_(std::move(identifier)),
        standard_error_(standard_error),
        parallelism_(parallelism) {}

  ChangelogMode accepted_changelog_mode() const override { return ChangelogMode::All(); }
  int parallelism() const override { return parallelism_; }

  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    // "<identifier>:<subtask>> ", as Flink's PrintSinkOutputWriter.
    std::string prefix = identifier_;
    if (context.parallelism > 1) {
      if (!prefix.empty()) prefix += ":";
      prefix += std::to_string(context.subtask_index + 1);
    }
    if (!prefix.empty()) prefix += "> ";
    return std::unique_ptr<SinkWriter>(
        std::make_unique<PrintWriter>(std::move(prefix), standard_error_ ? stderr : stdout));
  }

 private:
  std::string identifier_;
  bool standard_error_;
  int parallelism_;
};

class PrintFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "print"; }
  OptionSpec options() const override {
    return {{}, {"print-identifier", "standard-error", "sink.parallelism"}, {}};
  }
  Result<std::unique_ptr<TableSink>> CreateSink(const TableDescriptor& table,
                                                const ConnectorContext& context) const override {
    RETURN_NOT_OK(ValidateOptions(identifier(), table.name, options(), table.options));
    ASSIGN_OR_RAISE(bool standard_error, table.options.GetBool("standard-error", false));
    ASSIGN_OR_RAISE(int64_t parallelism, table.options.GetInt("sink.parallelism", 0));
    return std::unique_ptr<TableSink>(
        std::make_unique<PrintSink>(table.options.GetString("print-identifier", ""), standard_error,
                                    static_cast<int>(parallelism)));
  }
};

}  // namespace

std::unique_ptr<ConnectorFactory> MakePrintConnectorFactory() {
  return std::make_unique<PrintFactory>();
}

}  // namespace tiangong
