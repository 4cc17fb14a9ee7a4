#include "connectors/nexmark/nexmark_connector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "connectors/nexmark/nexmark_generator.h"

namespace tiangong {
namespace {

using nexmark::EventField;
using nexmark::EventGenerator;
using nexmark::EventKind;
using nexmark::EventRows;
using nexmark::FieldStorage;
using nexmark::NexmarkConfig;

constexpr std::string_view kFirstEventRate = "first-event.rate";
constexpr std::string_view kNextEventRate = "next-event.rate";
constexpr std::string_view kRateShape = "rate.shape";
constexpr std::string_view kRatePeriod = "rate.period";
constexpr std::string_view kRateLimited = "rate.limited";
constexpr std::string_view kEventsNum = "events.num";
constexpr std::string_view kPersonProportion = "person.proportion";
constexpr std::string_view kAuctionProportion = "auction.proportion";
constexpr std::string_view kBidProportion = "bid.proportion";
constexpr std::string_view kPersonAverageSize = "person.avg-size";
constexpr std::string_view kAuctionAverageSize = "auction.avg-size";
constexpr std::string_view kBidAverageSize = "bid.avg-size";
constexpr std::string_view kHotAuctionRatio = "bid.hot-ratio.auctions";
constexpr std::string_view kHotBiddersRatio = "bid.hot-ratio.bidders";
constexpr std::string_view kHotSellersRatio = "auction.hot-ratio.sellers";
constexpr std::string_view kKeepAlive = "keep-alive";
constexpr std::string_view kStopAt = "stop-at";
constexpr std::string_view kMaxEmitSpeed = "max-emit-speed";

constexpr std::string_view kAllOptions[] = {
    kFirstEventRate,  kNextEventRate,     kRateShape,          kRatePeriod,
    kRateLimited,     kEventsNum,         kPersonProportion,   kAuctionProportion,
    kBidProportion,   kPersonAverageSize, kAuctionAverageSize, kBidAverageSize,
    kHotAuctionRatio, kHotBiddersRatio,   kHotSellersRatio,    kKeepAlive,
    kStopAt,          kMaxEmitSpeed};

constexpr int64_t kJavaIntMax = std::numeric_limits<int32_t>::max();
constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();
constexpr uint8_t kAllKinds = 0b111;
// The shortest pause when paced events are not yet due, so that slow rates
// still make batches of more than one row.
constexpr std::chrono::microseconds kMinPause{1000};
// The pause of a kept-alive source after its last event.
constexpr std::chrono::microseconds kIdlePause{100000};
// One call skips at most this many batches' worth of filtered-out events.
constexpr uint64_t kMaxSkippedBatches = 64;

uint8_t KindBit(EventKind kind) { return static_cast<uint8_t>(1u << static_cast<int>(kind)); }

struct NexmarkSettings {
  EventGenerator generator;
  /// Events numbered below this are generated; kUnbounded when unbounded.
  uint64_t event_limit = kUnbounded;
  bool keep_alive = false;
  bool max_emit_speed = true;
};
using NexmarkSettingsPtr = std::shared_ptr<const NexmarkSettings>;

// A column the source produces.
struct OutputColumn {
  enum class Shape : uint8_t {
    kEventType,  // the event_type column
    kEvent,      // a whole ROW column: person, auction or bid
    kField,      // one field of a ROW, projected to the top level
  };
  Shape shape = Shape::kEventType;
  EventKind kind = EventKind::kPerson;       // kEvent and kField
  std::vector<EventField> fields;            // kEvent: the ROW's fields in order
  EventField field = EventField::kPersonId;  // kField
  RowField produced;                         // name and type
};

std::string_view StorageName(FieldStorage storage) {
  switch (storage) {
    case FieldStorage::kBigInt:
      return "BIGINT";
    case FieldStorage::kString:
      return "STRING";
    case FieldStorage::kTimestamp:
      return "TIMESTAMP(3)";
  }
  return "";
}

bool StorageMatches(FieldStorage storage, const DataType& type) {
  switch (storage) {
    case FieldStorage::kBigInt:
      return type.id() == TypeId::kBigInt;
    case FieldStorage::kString:
      return type.id() == TypeId::kVarChar;
    case FieldStorage::kTimestamp:
      // Values are whole milliseconds, exact at any precision from 3 up.
      return type.id() == TypeId::kTimestamp && type.precision() >= 3;
  }
  return false;
}

std::optional<EventKind> KindOfColumn(std::string_view name) {
  for (EventKind kind : {EventKind::kPerson, EventKind::kAuction, EventKind::kBid}) {
    if (nexmark::ColumnNameOf(kind) == name) return kind;
  }
  return std::nullopt;
}

// Matches the declared physical columns to the model, by name.
Result<std::vector<OutputColumn>> MapPhysicalColumns(const TableDescriptor& table) {
  auto schema_error = [&](std::string_view problem) {
    return Status::Validation(
        "Table {}: {}. The nexmark connector produces the columns of ddl_gen.sql: event_type "
        "INT, person ROW<id, name, emailAddress, creditCard, city, state, dateTime, extra>, "
        "auction ROW<id, itemName, description, initialBid, reserve, dateTime, expires, seller, "
        "category, extra>, bid ROW<auction, bidder, price, channel, url, dateTime, extra>",
        table.name, problem);
  };
  std::vector<OutputColumn> columns;
  for (const RowField& declared : table.physical_type.fields()) {
    OutputColumn column;
    column.produced = declared;
    if (declared.name == "event_type") {
      if (declared.type.id() != TypeId::kInt) {
        return schema_error(
            fmt::format("column `event_type` must be INT but is {}", declared.type.ToString()));
      }
      column.shape = OutputColumn::Shape::kEventType;
      columns.push_back(std::move(column));
      continue;
    }
    std::optional<EventKind> kind = KindOfColumn(declared.name);
    if (!kind) return schema_error(fmt::format("there is no column `{}`", declared.name));
    if (declared.type.id() != TypeId::kRow) {
      return schema_error(fmt::format("column `{}` must be a ROW but is {}", declared.name,
                                      declared.type.ToString()));
    }
    column.shape = OutputColumn::Shape::kEvent;
    column.kind = *kind;
    for (const RowField& nested : declared.type.fields()) {
      std::optional<EventField> field = nexmark::FindEventField(*kind, nested.name);
      if (!field) {
        return schema_error(fmt::format("ROW `{}` has no field `{}`", declared.name, nested.name));
      }
      FieldStorage storage = nexmark::InfoOf(*field).storage;
      if (!StorageMatches(storage, nested.type)) {
        return schema_error(fmt::format("field `{}`.`{}` must be {} but is {}", declared.name,
                                        nested.name, StorageName(storage), nested.type.ToString()));
      }
      column.fields.push_back(*field);
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

// The event kinds admitted by `filter` when it is `event_type = <integer literal>`.
std::optional<uint8_t> EventTypeEquality(const ExprPtr& filter,
                                         const std::vector<OutputColumn>& columns) {
  if (filter->kind() != ExprKind::kCall || filter->name() != "=" || filter->args().size() != 2) {
    return std::nullopt;
  }
  const Expr* column = filter->args()[0].get();
  const Expr* literal = filter->args()[1].get();
  if (column->kind() != ExprKind::kInputRef) std::swap(column, literal);
  if (column->kind() != ExprKind::kInputRef || !literal->is_literal() ||
      literal->is_null_literal() || !literal->type().is_integer()) {
    return std::nullopt;
  }
  int index = column->input_index();
  if (index < 0 || static_cast<size_t>(index) >= columns.size() ||
      columns[index].shape != OutputColumn::Shape::kEventType) {
    return std::nullopt;
  }
  int64_t value = literal->value().AsInt();
  if (value < 0 || value >= nexmark::kNumEventKinds) return uint8_t{0};
  return KindBit(static_cast<EventKind>(value));
}

// Reads the events of the splits assigned to one subtask; see the header for
// the split layout, pacing and the accounting of filtered-out events.
class NexmarkReader final : public SourceReader {
 public:
  NexmarkReader(NexmarkSettingsPtr settings, std::vector<OutputColumn> columns, uint8_t kinds,
                const ReaderContext& context)
      : settings_(std::move(settings)),
        columns_(std::move(columns)),
        kinds_(kinds),
        batch_size_(std::max<size_t>(1, context.batch_size)),
        metrics_(context.metrics),
        events_(batch_size_),
        event_kinds_(batch_size_) {}

  void AddSplits(std::vector<SourceSplit> splits) override {
    for (SourceSplit& split : splits) {
      Result<SplitState> state = ParseSplit(split);
      if (!state.ok()) {
        if (split_error_.ok()) split_error_ = state.status();
        continue;
      }
      splits_.push_back(std::move(state).value());
    }
  }

  Result<ReadResult> Next(Batch* batch) override {
    RETURN_NOT_OK(split_error_);
    const EventGenerator& base_generator = settings_->generator;
    uint64_t due_limit = kUnbounded;  // events numbered below this are due
    double elapsed_micros = 0;
    if (!settings_->max_emit_speed) {
      auto now = std::chrono::steady_clock::now();
      if (!started_) {
        // Pacing counts from where the splits start: a restored reader goes on
        // at the same rate instead of waiting for the time already spent.
        started_ = true;
        start_time_ = now;
        start_event_ = kUnbounded;
        for (const SplitState& split : splits_)
          start_event_ = std::min(start_event_, split.next_event);
        if (splits_.empty()) start_event_ = 0;
      }
      elapsed_micros = std::chrono::duration<double, std::micro>(now - start_time_).count();
      due_limit =
          start_event_ + static_cast<uint64_t>(elapsed_micros / base_generator.delay_micros()) + 1;
    }
    for (size_t attempt = 0; attempt < splits_.size(); ++attempt) {
      SplitState& split = splits_[next_split_];
      next_split_ = (next_split_ + 1) % splits_.size();
      if (split.finished) continue;
      EventRows rows = Scan(split, std::min(settings_->event_limit, due_limit));
      if (rows.count > 0) {
        std::vector<VectorPtr> vectors;
        vectors.reserve(columns_.size());
        for (const OutputColumn& column : columns_) {
          vectors.push_back(Generate(*split.generator, column, rows));
        }
        *batch = Batch(std::move(vectors), rows.count);
        return ReadResult{ReadStatus::kBatch, {}, split.id};
      }
      if (split.finished) continue;
      if (split.next_event >= due_limit) {
        // Paced and not yet due: come back when it is.
        double due_micros =
            static_cast<double>(split.next_event - start_event_) * base_generator.delay_micros();
        auto wait = std::chrono::microseconds(static_cast<int64_t>(due_micros - elapsed_micros));
        return ReadResult{ReadStatus::kNoData, std::max(wait, kMinPause)};
      }
      // Only filtered-out events so far: yield, then carry on skipping.
      return ReadResult{ReadStatus::kNoData, std::chrono::microseconds(0)};
    }
    if (settings_->keep_alive) {
      return ReadResult{ReadStatus::kNoData, kIdlePause};
    }
    return ReadResult{ReadStatus::kEnd};
  }

  std::vector<SourceSplit> SnapshotSplits() const override {
    std::vector<SourceSplit> splits;
    for (const SplitState& split : splits_) {
      splits.push_back(SourceSplit{split.id, std::to_string(split.position)});
    }
    return splits;
  }

 private:
  struct SplitState {
    std::string id;
    uint64_t index = 0;  // k of "k/n"
    uint64_t count = 1;  // n
    /// Events of this split's sequence consumed so far (the checkpointed state).
    uint64_t position = 0;
    /// The event number at `position`.
    uint64_t next_event = 0;
    bool finished = false;
    /// The model with this split's base time.
    std::shared_ptr<const EventGenerator> generator;
  };

  static Result<uint64_t> ParseNumber(std::string_view text) {
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
      return Status::Invalid("'{}' is not a number", text);
    }
    return value;
  }

  // Split ids are "k/n/<base time ms>"; the state is the position.
  Result<SplitState> ParseSplit(const SourceSplit& split) const {
    auto invalid = [&](std::string_view why) {
      return Status::Invalid("nexmark split '{}' with state '{}' is invalid: {}", split.id,
                             split.state, why);
    };
    std::string_view id = split.id;
    size_t first_slash = id.find('/');
    size_t second_slash =
        first_slash == std::string_view::npos ? first_slash : id.find('/', first_slash + 1);
    if (second_slash == std::string_view::npos) return invalid("the id is not k/n/base-time");
    Result<uint64_t> index = ParseNumber(id.substr(0, first_slash));
    Result<uint64_t> count =
        ParseNumber(id.substr(first_slash + 1, second_slash - first_slash - 1));
    Result<uint64_t> base_time = ParseNumber(id.substr(second_slash + 1));
    if (!index.ok() || !count.ok() || !base_time.ok() || *count == 0 || *index >= *count) {
      return invalid("the id is not k/n/base-time with k < n");
    }
    uint64_t position = 0;
    if (!split.state.empty()) {
      Result<uint64_t> parsed = ParseNumber(split.state);
      if (!parsed.ok()) return invalid("the state is not a number of events");
      position = *parsed;
    }
    SplitState state;
    state.id = split.id;
    state.index = *index;
    state.count = *count;
    state.position = position;
    const EventGenerator& generator = settings_->generator;
    if (static_cast<int64_t>(*base_time) == generator.config().base_time_millis) {
      state.generator = std::shared_ptr<const EventGenerator>(settings_, &generator);
    } else {
      NexmarkConfig config = generator.config();
      config.base_time_millis = static_cast<int64_t>(*base_time);
      state.generator = std::make_shared<const EventGenerator>(config);
    }
    uint64_t cycle = generator.cycle_length();
    state.next_event = (state.index + position / cycle * state.count) * cycle + position % cycle;
    state.finished = state.next_event >= settings_->event_limit;
    return state;
  }

  // Collects the next rows of `split` whose events are numbered below `limit`
  // and admitted by the filter, into events_ and event_kinds_; advances the
  // split over every event it looks at.
  EventRows Scan(SplitState& split, uint64_t limit) {
    const EventGenerator& generator = settings_->generator;
    uint64_t cycle = generator.cycle_length();
    uint64_t stride = split.count * cycle;
    uint64_t offset = split.position % cycle;
    uint64_t cycle_start = split.next_event - offset;
    uint64_t max_scanned = batch_size_ * kMaxSkippedBatches;
    EventRows rows;
    size_t count = 0;
    uint64_t scanned = 0;
    while (count < batch_size_ && scanned < max_scanned) {
      uint64_t event = cycle_start + offset;
      if (event >= limit) break;
      EventKind kind = generator.KindAtOffset(offset);
      if ((kinds_ & KindBit(kind)) != 0) {
        events_[count] = event;
        event_kinds_[count] = kind;
        ++rows.kind_counts[static_cast<int>(kind)];
        ++count;
      }
      ++scanned;
      if (++offset == cycle) {
        offset = 0;
        cycle_start += stride;
      }
    }
    split.position += scanned;
    split.next_event = cycle_start + offset;
    split.finished = split.next_event >= settings_->event_limit;
    uint64_t skipped = scanned - count;
    if (skipped > 0 && metrics_ != nullptr) {
      // Filtered-out events were consumed too; count them as Flink's source does.
      metrics_->records.fetch_add(static_cast<int64_t>(skipped), std::memory_order_relaxed);
    }
    rows.events = events_.data();
    rows.kinds = event_kinds_.data();
    rows.count = count;
    return rows;
  }

  static VectorPtr Generate(const EventGenerator& generator, const OutputColumn& column,
                            const EventRows& rows) {
    switch (column.shape) {
      case OutputColumn::Shape::kEventType:
        return generator.GenerateEventType(column.produced.type, rows);
      case OutputColumn::Shape::kEvent:
        return generator.GenerateRow(column.kind, column.fields, column.produced.type, rows);
      case OutputColumn::Shape::kField:
        return generator.Generate(column.field, column.produced.type, rows);
    }
    return nullptr;
  }

  NexmarkSettingsPtr settings_;
  std::vector<OutputColumn> columns_;
  uint8_t kinds_;
  size_t batch_size_;
  ConnectorMetrics* metrics_;  // not owned; may be null in tests
  std::vector<SplitState> splits_;
  size_t next_split_ = 0;
  Status split_error_;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_time_;
  uint64_t start_event_ = 0;  // the lowest event number the splits started at
  // Rows of the batch being built.
  std::vector<uint64_t> events_;
  std::vector<EventKind> event_kinds_;
};

class NexmarkSource final : public TableSource {
 public:
  NexmarkSource(NexmarkSettingsPtr settings, std::vector<OutputColumn> columns, uint8_t kinds,
                bool projected)
      : settings_(std::move(settings)),
        columns_(std::move(columns)),
        kinds_(kinds),
        projected_(projected) {
    std::vector<RowField> fields;
    for (const OutputColumn& column : columns_) fields.push_back(column.produced);
    produced_ = DataType::Row(std::move(fields), false);
  }

  const DataType& produced_type() const override { return produced_; }
  bool bounded() const override {
    return settings_->event_limit != kUnbounded && !settings_->keep_alive;
  }
  bool SupportsNestedProjection() const override { return true; }

  std::unique_ptr<TableSource> ApplyProjection(
      const std::vector<std::vector<int>>& paths) const override {
    std::vector<OutputColumn> projected;
    for (const std::vector<int>& path : paths) {
      if (path.empty() || path.size() > 2 || path[0] < 0 ||
          static_cast<size_t>(path[0]) >= columns_.size()) {
        return nullptr;
      }
      const OutputColumn& base = columns_[path[0]];
      if (path.size() == 1) {
        projected.push_back(base);
        continue;
      }
      if (base.shape != OutputColumn::Shape::kEvent || path[1] < 0 ||
          static_cast<size_t>(path[1]) >= base.fields.size()) {
        return nullptr;
      }
      const RowField& nested = base.produced.type.fields()[path[1]];
      OutputColumn column;
      column.shape = OutputColumn::Shape::kField;
      column.kind = base.kind;
      column.field = base.fields[path[1]];
      // NULL wherever the event is of another kind.
      column.produced = {base.produced.name + "." + nested.name, nested.type.WithNullable(true)};
      projected.push_back(std::move(column));
    }
    return std::make_unique<NexmarkSource>(settings_, std::move(projected), kinds_, true);
  }

  FilterPushDownResult ApplyFilters(const std::vector<ExprPtr>& filters,
                                    std::unique_ptr<TableSource>* source) const override {
    FilterPushDownResult result;
    uint8_t kinds = kinds_;
    for (const ExprPtr& filter : filters) {
      std::optional<uint8_t> admitted = EventTypeEquality(filter, columns_);
      if (admitted) {
        kinds &= *admitted;
        result.accepted.push_back(filter);
      } else {
        result.remaining.push_back(filter);
      }
    }
    if (!result.accepted.empty()) {
      *source = std::make_unique<NexmarkSource>(settings_, columns_, kinds, projected_);
    }
    return result;
  }

  std::string Describe() const override {
    std::vector<std::string> parts;
    if (projected_) {
      std::vector<std::string> names;
      for (const OutputColumn& column : columns_) names.push_back(column.produced.name);
      parts.push_back(fmt::format("project=[{}]", fmt::join(names, ", ")));
    }
    if (kinds_ != kAllKinds) {
      std::vector<std::string> kinds;
      for (int kind = 0; kind < nexmark::kNumEventKinds; ++kind) {
        if ((kinds_ & (1u << kind)) != 0) kinds.push_back(std::to_string(kind));
      }
      parts.push_back(fmt::format("event_types=[{}]", fmt::join(kinds, ", ")));
    }
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override {
    std::vector<SourceSplit> splits;
    splits.reserve(parallelism);
    for (int k = 0; k < parallelism; ++k) {
      splits.push_back(SourceSplit{
          fmt::format("{}/{}/{}", k, parallelism, settings_->generator.config().base_time_millis),
          "0"});
    }
    return splits;
  }

  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override {
    return std::unique_ptr<SourceReader>(
        std::make_unique<NexmarkReader>(settings_, columns_, kinds_, context));
  }

 private:
  NexmarkSettingsPtr settings_;
  std::vector<OutputColumn> columns_;
  uint8_t kinds_;  // bit i: rows of EventKind i are produced
  bool projected_;
  DataType produced_;
};

class NexmarkFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "nexmark"; }

  OptionSpec options() const override {
    OptionSpec spec;
    for (std::string_view option : kAllOptions) spec.optional.emplace_back(option);
    return spec;
  }

  Result<std::unique_ptr<TableSource>> CreateSource(
      const TableDescriptor& table, const ConnectorContext& context) const override {
    RETURN_NOT_OK(ValidateOptions(identifier(), table.name, options(), table.options));
    ASSIGN_OR_RAISE(std::vector<OutputColumn> columns, MapPhysicalColumns(table));
    OptionReader read{table};
    NexmarkConfig config;
    ASSIGN_OR_RAISE(config.first_event_rate, read.Integer(kFirstEventRate, 10000, 1, kJavaIntMax));
    ASSIGN_OR_RAISE(int64_t next_rate, read.Integer(kNextEventRate, 10000, 1, kJavaIntMax));
    ASSIGN_OR_RAISE(config.person_proportion, read.Integer(kPersonProportion, 1, 0, kJavaIntMax));
    ASSIGN_OR_RAISE(config.auction_proportion, read.Integer(kAuctionProportion, 3, 0, kJavaIntMax));
    ASSIGN_OR_RAISE(config.bid_proportion, read.Integer(kBidProportion, 46, 0, kJavaIntMax));
    if (config.person_proportion + config.auction_proportion + config.bid_proportion == 0) {
      return Status::Invalid(
          "Table {}: 'person.proportion', 'auction.proportion' and 'bid.proportion' are all 0; at "
          "least one kind of event must be generated",
          table.name);
    }
    ASSIGN_OR_RAISE(config.person_average_size, read.MemorySize(kPersonAverageSize, 200));
    ASSIGN_OR_RAISE(config.auction_average_size, read.MemorySize(kAuctionAverageSize, 500));
    ASSIGN_OR_RAISE(config.bid_average_size, read.MemorySize(kBidAverageSize, 100));
    ASSIGN_OR_RAISE(config.hot_auction_ratio, read.Integer(kHotAuctionRatio, 2, 1, kJavaIntMax));
    ASSIGN_OR_RAISE(config.hot_bidders_ratio, read.Integer(kHotBiddersRatio, 4, 1, kJavaIntMax));
    ASSIGN_OR_RAISE(config.hot_sellers_ratio, read.Integer(kHotSellersRatio, 4, 1, kJavaIntMax));
    ASSIGN_OR_RAISE(int64_t events, read.Integer(kEventsNum, 0, 0, INT64_MAX));
    ASSIGN_OR_RAISE(int64_t stop_at, read.Integer(kStopAt, -1, -1, INT64_MAX));
    ASSIGN_OR_RAISE(bool keep_alive, read.Boolean(kKeepAlive, false));
    ASSIGN_OR_RAISE(bool max_emit_speed, read.Boolean(kMaxEmitSpeed, true));
    ASSIGN_OR_RAISE(bool rate_limited, read.Boolean(kRateLimited, false));
    Result<std::chrono::milliseconds> period =
        table.options.GetDuration(kRatePeriod, std::chrono::seconds(600));
    if (!period.ok()) return period.status().WithContext(fmt::format("Table {}", table.name));
    std::string shape = table.options.GetString(kRateShape, "SQUARE");
    std::transform(shape.begin(), shape.end(), shape.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (shape != "SQUARE" && shape != "SINE") {
      return Status::Invalid("Table {}: option '{}' must be SQUARE or SINE, but is '{}'",
                             table.name, kRateShape, table.options.GetString(kRateShape, ""));
    }
    // Like the reference, these shape a rate curve that its generator never uses.
    static_cast<void>(next_rate);
    static_cast<void>(rate_limited);
    // Every scan of the job counts from the same instant: the job's start.
    config.base_time_millis = context.function_context.query_start_micros / 1000;

    uint64_t limit = events > 0 ? static_cast<uint64_t>(events) : kUnbounded;
    if (stop_at >= 0) limit = std::min(limit, static_cast<uint64_t>(stop_at));
    auto settings = std::make_shared<const NexmarkSettings>(
        NexmarkSettings{EventGenerator(config), limit, keep_alive, max_emit_speed});
    return std::unique_ptr<TableSource>(
        std::make_unique<NexmarkSource>(std::move(settings), std::move(columns), kAllKinds, false));
  }

 private:
  // Typed option values whose errors name the table, the option and the range.
  struct OptionReader {
    const TableDescriptor& table;

    Result<int64_t> Integer(std::string_view key, int64_t default_value, int64_t minimum,
                            int64_t maximum) const {
      Result<int64_t> value = table.options.GetInt(key, default_value);
      if (!value.ok()) return value.status().WithContext(fmt::format("Table {}", table.name));
      return InRange(key, *value, minimum, maximum);
    }

    Result<int64_t> MemorySize(std::string_view key, int64_t default_value) const {
      Result<int64_t> value = table.options.GetMemorySize(key, default_value);
      if (!value.ok()) return value.status().WithContext(fmt::format("Table {}", table.name));
      return InRange(key, *value, 0, kJavaIntMax);
    }

    Result<bool> Boolean(std::string_view key, bool default_value) const {
      Result<bool> value = table.options.GetBool(key, default_value);
      if (!value.ok()) return value.status().WithContext(fmt::format("Table {}", table.name));
      return *value;
    }

    Result<int64_t> InRange(std::string_view key, int64_t value, int64_t minimum,
                            int64_t maximum) const {
      if (value < minimum || value > maximum) {
        return Status::Invalid("Table {}: option '{}' must be between {} and {}, but is {}",
                               table.name, key, minimum, maximum, value);
      }
      return value;
    }
  };
};

}  // namespace

std::unique_ptr<ConnectorFactory> MakeNexmarkConnectorFactory() {
  return std::make_unique<NexmarkFactory>();
}

}  // namespace tiangong
