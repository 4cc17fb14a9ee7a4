#include "connectors/datagen/datagen_connector.h"

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "common/clock.h"
#include "connectors/datagen/field_generator.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

constexpr const char* kFieldOptions[] = {"kind",    "min",   "max", "max-past", "length",
                                         "var-len", "start", "end", "null-rate"};

// How many rows split `index` of `count` gets out of `total`, and where its
// share starts: contiguous ranges, the first `total % count` splits one larger.
std::pair<uint64_t, uint64_t> SplitRange(uint64_t total, int index, int count) {
  uint64_t base = total / count;
  uint64_t remainder = total % count;
  uint64_t i = static_cast<uint64_t>(index);
  uint64_t start = i * base + std::min(i, remainder);
  return {start, base + (i < remainder ? 1 : 0)};
}

struct DatagenSettings {
  DataType row_type;            // all physical columns
  std::vector<int> projection;  // produced columns, as indexes into row_type
  Configuration options;
  int64_t rows_per_second = 10000;
  std::optional<uint64_t> total_rows;  // bounded when set
  int parallelism = 0;
  FunctionContext function_context;
};

class DatagenReader final : public SourceReader {
 public:
  DatagenReader(std::shared_ptr<const DatagenSettings> settings,
                std::vector<std::unique_ptr<FieldGenerator>> generators, DataType produced,
                const ReaderContext& context)
      : settings_(std::move(settings)),
        generators_(std::move(generators)),
        produced_(std::move(produced)),
        batch_size_(context.batch_size),
        random_(std::random_device{}() ^ (static_cast<uint64_t>(context.subtask_index) << 32)),
        rate_(std::max<int64_t>(1, settings_->rows_per_second / std::max(1, context.parallelism))) {
  }

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (SourceSplit& split : splits) {
      // id "<index>/<count>", state: rows emitted so far.
      SplitState state;
      state.id = split.id;
      size_t slash = split.id.find('/');
      int index = std::stoi(split.id.substr(0, slash));
      int count = std::stoi(split.id.substr(slash + 1));
      if (settings_->total_rows) {
        auto [start, rows] = SplitRange(*settings_->total_rows, index, count);
        state.first_index = start;
        state.rows = rows;
      }
      state.emitted = split.state.empty() ? 0 : std::stoull(split.state);
      splits_.push_back(state);
    }
  }

  Result<ReadResult> Next(Batch* batch) override {
    while (!splits_.empty() && splits_.front().finished()) splits_.erase(splits_.begin());
    if (splits_.empty()) return ReadResult{ReadStatus::kEnd};
    // Rate limit: at most rate_ rows per second, in batches of up to a tenth of a
    // second's worth so that slow rates still produce rows steadily.
    auto now = std::chrono::steady_clock::now();
    if (!started_) {
      started_ = true;
      start_time_ = now;
    }
    double elapsed = std::chrono::duration<double>(now - start_time_).count();
    int64_t allowed =
        static_cast<int64_t>(elapsed * static_cast<double>(rate_)) + 1 - produced_rows_;
    if (allowed <= 0) {
      double wait_seconds =
          static_cast<double>(produced_rows_) / static_cast<double>(rate_) - elapsed;
      return ReadResult{ReadStatus::kNoData, std::chrono::microseconds(std::max<int64_t>(
                                                 100, static_cast<int64_t>(wait_seconds * 1e6)))};
    }
    SplitState& split = splits_.front();
    uint64_t count =
        std::min<uint64_t>({static_cast<uint64_t>(batch_size_), static_cast<uint64_t>(allowed),
                            static_cast<uint64_t>(std::max<int64_t>(1, rate_ / 10))});
    if (split.rows) count = std::min(count, *split.rows - split.emitted);
    uint64_t first = split.first_index + split.emitted;
    std::vector<VectorPtr> columns;
    columns.reserve(generators_.size());
    for (auto& generator : generators_) {
      columns.push_back(generator->Generate(count, first, random_));
    }
    *batch = Batch(std::move(columns), count);
    split.emitted += count;
    produced_rows_ += static_cast<int64_t>(count);
    return ReadResult{ReadStatus::kBatch, {}, split.id};
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    std::vector<SourceSplit> splits;
    for (const SplitState& split : splits_) {
      splits.push_back(SourceSplit{split.id, std::to_string(split.emitted)});
    }
    return splits;
  }

 private:
  struct SplitState {
    std::string id;
    uint64_t first_index = 0;
    std::optional<uint64_t> rows;  // unbounded when unset
    uint64_t emitted = 0;
    bool finished() const { return rows && emitted >= *rows; }
  };

  std::shared_ptr<const DatagenSettings> settings_;
  std::vector<std::unique_ptr<FieldGenerator>> generators_;
  DataType produced_;
  size_t batch_size_;
  RandomBits random_;
  int64_t rate_;
  std::vector<SplitState> splits_;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_time_;
  int64_t produced_rows_ = 0;
};

class DatagenSource final : public TableSource {
 public:
  explicit DatagenSource(std::shared_ptr<const DatagenSettings> settings)
      : settings_(std::move(settings)) {
    std::vector<RowField> fields;
    for (int index : settings_->projection) fields.push_back(settings_->row_type.fields()[index]);
    produced_ = DataType::Row(std::move(fields), false);
  }

  const DataType& produced_type() const override { return produced_; }
  bool bounded() const override { return settings_->total_rows.has_value(); }
  int parallelism() const override { return settings_->parallelism; }

  std::unique_ptr<TableSource> ApplyProjection(
      const std::vector<std::vector<int>>& paths) const override {
    auto settings = std::make_shared<DatagenSettings>(*settings_);
    settings->projection.clear();
    for (const std::vector<int>& path : paths) {
      if (path.size() != 1) return nullptr;
      settings->projection.push_back(settings_->projection[path[0]]);
    }
    return std::make_unique<DatagenSource>(std::move(settings));
  }

  std::string Describe() const override {
    if (settings_->projection.size() == settings_->row_type.num_fields()) return "";
    std::vector<std::string> names;
    for (int index : settings_->projection)
      names.push_back(settings_->row_type.fields()[index].name);
    return fmt::format("project=[{}]", fmt::join(names, ", "));
  }

  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    std::vector<SourceSplit> splits;
    for (int i = 0; i < parallelism; ++i) {
      splits.push_back(SourceSplit{fmt::format("{}/{}", i, parallelism), ""});
    }
    return splits;
  }

  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override {
    ASSIGN_OR_RAISE(auto generators, MakeGenerators());
    return std::unique_ptr<SourceReader>(
        std::make_unique<DatagenReader>(settings_, std::move(generators), produced_, context));
  }

  /// Field generators for the produced columns.
  Result<std::vector<std::unique_ptr<FieldGenerator>>> MakeGenerators() const {
    int64_t now = WallClockMicros();
    int64_t now_local = settings_->function_context.local_time_zone.ToLocal(now);
    std::vector<std::unique_ptr<FieldGenerator>> generators;
    for (int index : settings_->projection) {
      const RowField& field = settings_->row_type.fields()[index];
      ASSIGN_OR_RAISE(
          std::unique_ptr<FieldGenerator> generator,
          MakeFieldGenerator(field.name, field.type,
                             settings_->options.WithPrefix("fields." + field.name + "."), now,
                             now_local));
      generators.push_back(std::move(generator));
    }
    return generators;
  }

 private:
  std::shared_ptr<const DatagenSettings> settings_;
  DataType produced_;
};

class DatagenFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "datagen"; }
  OptionSpec options() const override {
    return {{}, {"rows-per-second", "number-of-rows", "scan.parallelism"}, {}};
  }

  Result<std::unique_ptr<TableSource>> CreateSource(
      const TableDescriptor& table, const ConnectorContext& context) const override {
    OptionSpec spec = options();
    for (const RowField& field : table.physical_type.fields()) {
      for (const char* option : kFieldOptions) {
        spec.optional.push_back(fmt::format("fields.{}.{}", field.name, option));
      }
    }
    RETURN_NOT_OK(ValidateOptions(identifier(), table.name, spec, table.options));
    auto settings = std::make_shared<DatagenSettings>();
    settings->row_type = table.physical_type;
    settings->options = table.options;
    settings->function_context = context.function_context;
    for (size_t i = 0; i < table.physical_type.num_fields(); ++i) {
      settings->projection.push_back(static_cast<int>(i));
    }
    ASSIGN_OR_RAISE(settings->rows_per_second, table.options.GetInt("rows-per-second", 10000));
    if (settings->rows_per_second <= 0) {
      return Status::Invalid("Table {}: 'rows-per-second' must be positive, but is {}", table.name,
                             settings->rows_per_second);
    }
    ASSIGN_OR_RAISE(int64_t parallelism, table.options.GetInt("scan.parallelism", 0));
    settings->parallelism = static_cast<int>(parallelism);
    if (table.options.Contains("number-of-rows")) {
      ASSIGN_OR_RAISE(int64_t rows, table.options.GetInt("number-of-rows", 0));
      if (rows < 0) {
        return Status::Invalid("Table {}: 'number-of-rows' must not be negative", table.name);
      }
      settings->total_rows = static_cast<uint64_t>(rows);
    }
    auto source = std::make_unique<DatagenSource>(settings);
    // Validate every field's options now, and bound the source by its sequences.
    Result<std::vector<std::unique_ptr<FieldGenerator>>> generators = source->MakeGenerators();
    if (!generators.ok())
      return generators.status().WithContext(fmt::format("Table {}", table.name));
    for (const auto& generator : *generators) {
      if (std::optional<uint64_t> length = generator->sequence_length()) {
        settings->total_rows =
            settings->total_rows ? std::min(*settings->total_rows, *length) : *length;
      }
    }
    return std::unique_ptr<TableSource>(std::move(source));
  }
};

}  // namespace

std::unique_ptr<ConnectorFactory> MakeDatagenConnectorFactory() {
  return std::make_unique<DatagenFactory>();
}

}  // namespace tiangong
